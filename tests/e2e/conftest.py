"""Browser tests: headless Debian Chromium driven by Playwright against
pytest-django's live server.

Without Chromium they are skipped with a clear reason; with REQUIRE_E2E=1 (as
in CI) a missing browser fails the run instead.
"""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread, which trips Django's
# guard against database calls from async code; the tests make no async calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _chromium_missing():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _chromium_missing()
    if reason is None:
        return
    if os.environ.get("REQUIRE_E2E") == "1":
        raise pytest.UsageError(f"REQUIRE_E2E=1 but the browser tests cannot run: {reason}")
    skip = pytest.mark.skip(reason=f"browser tests SKIPPED: {reason}")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)
    config._e2e_skipped = reason


def pytest_terminal_summary(terminalreporter, config):
    reason = getattr(config, "_e2e_skipped", None)
    if reason:
        terminalreporter.write_sep("=", f"BROWSER TESTS SKIPPED: {reason}", yellow=True, bold=True)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture(params=[1280, 390], ids=["desktop", "phone"])
def page(request, browser):
    width = request.param
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.width = width
    yield page
    context.close()


@pytest.fixture
def screenshot():
    """``screenshot(page, name)`` saves a full-page PNG under test-artifacts/screenshots/."""
    from django.db import connection

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def save(page, name):
        path = SCREENSHOTS / f"{connection.vendor}-{name}-{page.width}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
