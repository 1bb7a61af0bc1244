"""The README's screenshots: the search page, an article and an entity page of
the archive in DATABASE_URL (``make screenshots`` builds the large demo first),
served on loopback and taken in headless Chromium at desktop width.

Usage: python scripts/readme_screenshots.py OUTPUT_DIR
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
WIDTH, HEIGHT = 1280, 900


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(base, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the archive did not answer at {base} within {seconds} s")


def first_link(page, selector):
    href = page.locator(selector).first.get_attribute("href")
    if not href:
        raise SystemExit(f"no link matches {selector!r} on {page.url}")
    return href


def main(out):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DEBUG": "1"}
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(base)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
            page.goto(f"{base}/search/?q=Kharkiv")
            page.screenshot(path=out / "search.png")
            page.goto(base + first_link(page, "main a[href^='/articles/']"))
            page.screenshot(path=out / "article.png")
            page.goto(f"{base}/locations/")
            page.goto(base + first_link(page, "main a[href^='/locations/'][href$='/']"))
            page.screenshot(path=out / "entity.png")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    for name in ("search", "article", "entity"):
        print(out / f"{name}.png")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(sys.argv[1])
