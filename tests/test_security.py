"""Production security headers and cookies, asserted on real responses.

The suite runs with the production settings (DEBUG off); only the SSL redirect
is turned off, and requests marked ``secure=True`` stand for HTTPS.
"""

import secrets
from html.parser import HTMLParser

import pytest
from django.test import Client

from articles.models import Actor, Article, Location, Source

STRICT_DIRECTIVES = {
    "default-src": ["'none'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
}


def content_security_policy(response):
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def assert_security_headers(response, *, page=True):
    policy = content_security_policy(response)
    for name, sources in STRICT_DIRECTIVES.items():
        assert policy.get(name) == sources, (name, response["Content-Security-Policy"])
    for sources in policy.values():
        assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "data:"} & set(sources), policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    if page:
        # Static files rely on the policy's frame-ancestors alone.
        assert response["X-Frame-Options"] == "DENY"


def assert_hsts(response):
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")


def public_urls():
    urls = ["/", "/search/", "/search/?q=Kyiv", "/actors/", "/locations/", "/sources/"]
    urls.append("/articles/no-such-article/")
    for article in Article.objects.all():
        urls.append(article.get_absolute_url())
    for model in (Actor, Location):
        entity = model.objects.filter(articles__isnull=False).first()
        urls.append(entity.get_absolute_url())
    source = Source.objects.first() or Source.objects.create(name="Institute for the Study of War")
    urls.append(source.get_absolute_url())
    return urls


@pytest.mark.django_db
def test_public_pages_send_the_security_headers_over_https(client, seed_archive):
    for url in public_urls():
        response = client.get(url, secure=True)
        assert response.status_code in (200, 404), url
        assert_security_headers(response)
        assert_hsts(response)


@pytest.mark.django_db
def test_hsts_is_only_sent_over_https(client):
    """A browser ignores HSTS on plain HTTP; sending it there would be noise."""
    assert "Strict-Transport-Security" not in client.get("/")
    assert_security_headers(client.get("/"))


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/search/?q=Kyiv")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/search/?q=Kyiv"


@pytest.mark.django_db
def test_admin_login_sends_headers_and_secure_cookies(django_user_model):
    password = secrets.token_urlsafe()
    django_user_model.objects.create_user("editor", password=password, is_staff=True)
    browser = Client(enforce_csrf_checks=True)

    form = browser.get("/admin/login/", secure=True)
    assert form.status_code == 200
    assert_security_headers(form)
    assert_hsts(form)
    csrf = form.cookies["csrftoken"]
    assert csrf["secure"] and csrf["samesite"] == "Lax"

    response = browser.post(
        "/admin/login/?next=/admin/",
        {"username": "editor", "password": password, "csrfmiddlewaretoken": csrf.value},
        secure=True,
        headers={"referer": "https://testserver/admin/login/"},
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert_security_headers(browser.get("/admin/", secure=True))


@pytest.mark.django_db
def test_static_files_carry_the_headers_too(client, settings):
    """An SVG or HTML file under /static/ is a document like any page."""
    settings.WHITENOISE_USE_FINDERS = True
    response = client.get("/static/css/archive.css", secure=True)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert_security_headers(response, page=False)
    assert_hsts(response)


class InlineCodeFinder(HTMLParser):
    """Collects what the policy would block: inline scripts and styles, event
    handler attributes and javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not attrs.get("src"):
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style> element")
        for name, value in attrs.items():
            if name == "style":
                self.found.append(f"style attribute on <{tag}>")
            if name.startswith("on"):
                self.found.append(f"{name} attribute on <{tag}>")
            if name in ("href", "src", "action") and (value or "").strip().startswith(
                "javascript:"
            ):
                self.found.append(f"javascript: URL on <{tag}>")


def inline_code(response):
    finder = InlineCodeFinder()
    finder.feed(response.content.decode())
    return finder.found


@pytest.mark.django_db
def test_pages_have_no_inline_script_or_style(client, admin_client, seed_archive):
    """Under the policy an inline script or style would silently not run, so none
    may be written: pages use /static/ files and SVG presentation attributes."""
    article = Article.objects.first()
    urls = public_urls() + ["/admin/login/"]
    for url in urls:
        assert inline_code(client.get(url)) == [], url
    admin_urls = [
        "/admin/",
        "/admin/articles/article/",
        f"/admin/articles/article/{article.pk}/change/",
        "/admin/articles/actor/add/",
        "/admin/articles/location/",
    ]
    for url in admin_urls:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert inline_code(response) == [], url
