"""The admin login locks out password guessing (django-axes), through the real
login page: failures count per username and per address, a locked-out post is
refused whatever its password, a success clears its username's count, and an
editor lifts a lockout in the admin."""

import secrets
import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group, User
from django.test import Client

LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture(autouse=True)
def small_limits(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.AXES_FAILURE_LIMIT = 3
    settings.ADMIN_LOGIN_MAX_FAILURES_PER_ADDRESS = 5


@pytest.fixture
def staff(db):
    password = secrets.token_urlsafe(24)
    user = User.objects.create_user("curator", password=password, is_staff=True)
    user.test_password = password
    return user


def post_login(username, password, address="198.51.100.7", **headers):
    client = Client(REMOTE_ADDR=address, **headers)
    return client, client.post(LOGIN, {"username": username, "password": password}, secure=True)


def wrong_password():
    return secrets.token_urlsafe(16)


def assert_logged_in(client, response):
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/", secure=True).status_code == 200


def test_guessing_one_accounts_password_is_stopped_even_with_the_right_one(staff):
    for _ in range(2):
        _, response = post_login("curator", wrong_password())
        assert response.status_code == 200 and b"Please enter the correct" in response.content
    _, response = post_login("curator", wrong_password())
    assert response.status_code == 429  # the third failure locks the account out

    client, response = post_login("curator", staff.test_password)
    assert response.status_code == 429
    assert 15 * 60 - 5 <= int(response["Retry-After"]) <= 15 * 60
    assert b"Too many failed logins" in response.content
    assert client.get("/admin/", secure=True).status_code == 302  # not logged in
    # From another address too: the limit is the account's.
    _, response = post_login("CURATOR ", staff.test_password, address="203.0.113.9")
    assert response.status_code == 429


def test_one_address_trying_many_usernames_is_stopped(staff):
    for n in range(4):
        _, response = post_login(f"guess{n}", wrong_password())
        assert response.status_code == 200
    assert post_login("guess4", wrong_password())[1].status_code == 429
    _, response = post_login("curator", staff.test_password)
    assert response.status_code == 429
    client, response = post_login("curator", staff.test_password, address="203.0.113.9")
    assert_logged_in(client, response)


def test_a_successful_login_clears_the_accounts_failures(staff):
    for _ in range(2):
        post_login("curator", wrong_password(), address="203.0.113.1")
    client, response = post_login("curator", staff.test_password, address="203.0.113.2")
    assert_logged_in(client, response)
    for _ in range(2):
        _, response = post_login("curator", wrong_password(), address="203.0.113.3")
        assert response.status_code == 200  # counting starts again from zero


def test_the_window_ends(staff, settings):
    settings.AXES_COOLOFF_TIME = timedelta(seconds=2)
    for _ in range(3):
        post_login("curator", wrong_password())
    assert post_login("curator", staff.test_password)[1].status_code == 429

    assert 1 <= int(post_login("curator", staff.test_password)[1]["Retry-After"]) <= 2
    time.sleep(2.1)
    client, response = post_login("curator", staff.test_password)
    assert_logged_in(client, response)


def test_the_login_page_itself_is_never_throttled(staff):
    for _ in range(3):
        post_login("curator", wrong_password())
    response = Client(REMOTE_ADDR="198.51.100.7").get(LOGIN, secure=True)
    assert response.status_code == 200


def test_a_locked_out_login_keeps_its_end(staff):
    for _ in range(3):
        post_login("curator", wrong_password())
    first_locked = AccessAttempt.objects.get(username="curator").attempt_time
    for _ in range(3):
        assert post_login("curator", wrong_password())[1].status_code == 429
    # Refused posts are not counted: the cool-off still runs from the third failure.
    assert AccessAttempt.objects.get(username="curator").attempt_time == first_locked
    assert AccessAttempt.objects.get(username="curator").failures_since_start == 3


def test_behind_a_proxy_each_client_has_its_own_address(staff, settings):
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR",)
    settings.AXES_IPWARE_PROXY_COUNT = 0  # one proxy, which appends the client's address
    proxy = "10.0.0.2"
    for n in range(5):
        post_login(f"guess{n}", wrong_password(), proxy, HTTP_X_FORWARDED_FOR="203.0.113.50")
    _, response = post_login(
        "curator", staff.test_password, proxy, HTTP_X_FORWARDED_FOR="203.0.113.50"
    )
    assert response.status_code == 429
    client, response = post_login(
        "curator", staff.test_password, proxy, HTTP_X_FORWARDED_FOR="203.0.113.51"
    )
    assert_logged_in(client, response)
    # A client that forges the header gets no address of its own to start afresh with.
    for n in range(5):
        post_login(
            f"forger{n}", wrong_password(), proxy, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.60"
        )
    _, response = post_login(
        "curator", staff.test_password, proxy, HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.60"
    )
    assert response.status_code == 429


def test_an_editor_sees_and_lifts_a_lockout_in_the_admin(staff):
    for _ in range(3):
        post_login("curator", wrong_password())
    assert post_login("curator", staff.test_password)[1].status_code == 429

    password = secrets.token_urlsafe(24)
    editor = User.objects.create_user("lead", password=password, is_staff=True)
    editor.groups.add(Group.objects.get(name="editors"))
    client, response = post_login("lead", password, address="203.0.113.20")
    assert_logged_in(client, response)
    listing = client.get("/admin/axes/accessattempt/", secure=True)
    assert listing.status_code == 200 and b"curator" in listing.content
    attempt = AccessAttempt.objects.get(username="curator")
    response = client.post(
        f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"}, secure=True
    )
    assert response.status_code == 302

    client, response = post_login("curator", staff.test_password)
    assert_logged_in(client, response)


def test_lockouts_are_for_staff_only_to_see(staff):
    for _ in range(3):
        post_login("curator", wrong_password())
    client, response = post_login("curator", staff.test_password, address="203.0.113.30")
    assert response.status_code == 429
    anonymous = Client().get("/admin/axes/accessattempt/", secure=True)
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
