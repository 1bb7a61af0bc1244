"""The admin login is throttled against password guessing, through the real
login page: failures count per username and per address, a throttled post is
refused whatever its password, and a success clears its username's count."""

import secrets
import time

import pytest
from django.contrib.auth.models import User
from django.test import Client

LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture(autouse=True)
def small_limits(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ADMIN_LOGIN_MAX_FAILURES = 3
    settings.ADMIN_LOGIN_MAX_FAILURES_PER_ADDRESS = 5


@pytest.fixture
def staff(db):
    password = secrets.token_urlsafe(24)
    user = User.objects.create_user("curator", password=password, is_staff=True)
    user.test_password = password
    return user


def post_login(username, password, address="198.51.100.7"):
    client = Client(REMOTE_ADDR=address)
    return client, client.post(LOGIN, {"username": username, "password": password}, secure=True)


def wrong_password():
    return secrets.token_urlsafe(16)


def assert_logged_in(client, response):
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/", secure=True).status_code == 200


def test_guessing_one_accounts_password_is_stopped_even_with_the_right_one(staff):
    for _ in range(3):
        _, response = post_login("curator", wrong_password())
        assert response.status_code == 200 and b"Please enter the correct" in response.content

    client, response = post_login("curator", staff.test_password)
    assert response.status_code == 429
    assert 15 * 60 - 5 <= int(response["Retry-After"]) <= 15 * 60
    assert b"Too many failed logins" in response.content
    assert client.get("/admin/", secure=True).status_code == 302  # not logged in
    # From another address too: the limit is the account's.
    _, response = post_login("CURATOR ", staff.test_password, address="203.0.113.9")
    assert response.status_code == 429


def test_one_address_trying_many_usernames_is_stopped(staff):
    for n in range(5):
        _, response = post_login(f"guess{n}", wrong_password())
        assert response.status_code == 200
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
    settings.ADMIN_LOGIN_WINDOW_SECONDS = 2
    for _ in range(3):
        post_login("curator", wrong_password())
    assert post_login("curator", staff.test_password)[1].status_code == 429

    time.sleep(2.1)
    client, response = post_login("curator", staff.test_password)
    assert_logged_in(client, response)


def test_the_login_page_itself_is_never_throttled(staff):
    for _ in range(3):
        post_login("curator", wrong_password())
    response = Client(REMOTE_ADDR="198.51.100.7").get(LOGIN, secure=True)
    assert response.status_code == 200
