"""One headless Chromium for every browser test of the run."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    # Imported here: without Playwright the browser tests skip, and the page tests still run.
    from tests.web.browsing import CHROMIUM_ARGS, NO_CHROMIUM, chromium, sync_api

    executable = chromium()
    if executable is None:
        pytest.skip(NO_CHROMIUM)
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        yield launched
        launched.close()
