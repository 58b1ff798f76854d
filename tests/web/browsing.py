"""What the browser tests share: the Chromium they drive, and the steps every journey takes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
expect = sync_api.expect

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
TIMEOUT_MS = 60_000
# evaluated in the page: its texts below a contrast of 4.5:1 (see the file)
LOW_CONTRAST = (Path(__file__).parent / "contrast.js").read_text(encoding="utf-8")
NO_CHROMIUM = "no Chromium browser: install Debian's package with apt-get install chromium"


def chromium() -> Path | None:
    """Debian's Chromium, where the tests expect it or on the PATH."""
    default = Path("/usr/bin/chromium")
    found = default if default.exists() else shutil.which("chromium")
    return Path(found) if found else None


def skip_without_chromium() -> None:
    if chromium() is None:
        pytest.skip(
            "no Chromium browser: install Debian's package with apt-get install chromium", allow_module_level=True
        )


def new_page(browser: sync_api.Browser, base_url: str) -> sync_api.Page:
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def shot(page: sync_api.Page, name: str) -> None:
    """A screenshot for people to look at, saved when ``DEBATE_TEST_SHOTS`` names a folder for them."""
    folder = os.environ.get("DEBATE_TEST_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def is_ask(response: sync_api.Response) -> bool:
    return response.url.endswith("/ask") and response.request.method == "POST"


def ask(page: sync_api.Page, question: str) -> dict:
    """Type a question, press Enter, and return the /ask response once its turn is on the page."""
    turns = page.locator(".turn:not(.pending)").count()
    page.fill("#question", question)
    with page.expect_response(is_ask) as response:
        page.press("#question", "Enter")
    expect(page.locator(".turn:not(.pending)")).to_have_count(turns + 1)
    return response.value.json()


def open_page(page: sync_api.Page, url: str = "/") -> None:
    page.goto(url)
    expect(page.locator("#greeting")).not_to_be_empty()  # the conversation has started


def show(page: sync_api.Page, view: str) -> None:
    page.click(f".views [data-view={view}]")
    expect(page.locator(f"#view-{view}")).to_be_visible()
