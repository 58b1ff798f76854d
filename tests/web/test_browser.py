"""The chat page in a real headless Chromium against a live server: ask, follow up, expand
context, collect two cards into the brief and download it as a Word file whose text is verbatim."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_COLOR_INDEX

from assistant.service import Assistant
from tests.helpers import context

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SCREENSHOT = Path("/tmp/chat.png")
QUESTION = "What does the author say about the ban on factions?"
TIMEOUT_MS = 60_000

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
if not CHROMIUM.exists() and shutil.which("chromium") is None:
    pytest.skip("no Chromium browser: install Debian's package with apt-get install chromium", allow_module_level=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[sync_api.Browser]:
    executable = CHROMIUM if CHROMIUM.exists() else Path(shutil.which("chromium") or "")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: sync_api.Browser, live_server: str) -> Iterator[sync_api.Page]:
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    opened = context.new_page()
    yield opened
    context.close()


def key_text(passage: dict) -> str:
    """The key sentence of a passage from /ask, sliced as the page slices it."""
    return passage["text"][
        passage["highlight"]["start"] - passage["start"] : passage["highlight"]["end"] - passage["start"]
    ]


def ask(page: sync_api.Page, question: str) -> dict:
    """Type a question, press Enter, and return the /ask response once its turn is on the page."""
    turns = page.locator(".turn").count()
    page.fill("#question", question)
    with page.expect_response(lambda r: r.url.endswith("/ask") and r.request.method == "POST") as response:
        page.press("#question", "Enter")
    sync_api.expect(page.locator(".turn")).to_have_count(turns + 1)
    return response.value.json()


def test_prepare_a_brief_in_the_browser(page: sync_api.Page, assistant: Assistant, tmp_path: Path) -> None:
    page.goto("/")
    sync_api.expect(page.locator(".starter").first).to_be_visible()
    page.keyboard.press("/")
    sync_api.expect(page.locator("#question")).to_be_focused()

    # a question: cards with citation, section, ¶, voice badge, score and the key sentence marked
    answer = ask(page, QUESTION)
    first_turn = page.locator(".turn").nth(0)
    cards = first_turn.locator(".card")
    sync_api.expect(cards).to_have_count(len(answer["passages"]))
    for card, passage in zip(cards.all(), answer["passages"], strict=True):
        assert card.locator("mark.key").text_content() == key_text(passage)
        assert card.locator(".citation").inner_text() == passage["citation"]
        assert card.locator(".paragraph").inner_text() == f"¶{passage['paragraph']}"
        assert card.locator(".badge").inner_text().startswith(passage["voice"])
        assert card.locator(".text").text_content() == passage["text"]
    page.screenshot(path=str(SCREENSHOT))

    # a follow-up, read against the question before it
    follow = ask(page, "and Trotsky?")
    assert follow["searched_for"] == "What does the author say about Trotsky?"
    second_turn = page.locator(".turn").nth(1)
    sync_api.expect(second_turn.locator(".echo")).to_have_text(follow["echo"])
    sync_api.expect(second_turn.locator(".card")).to_have_count(len(follow["passages"]))

    # context: the paragraphs around a card, within its section
    card = second_turn.locator(".card").first
    card.locator(".context-toggle").click()
    sync_api.expect(card.locator(".context-toggle")).to_have_attribute("aria-expanded", "true")
    nearby = context(assistant, follow["passages"][0]["id"], 2)
    neighbours = card.locator(".neighbour")
    sync_api.expect(neighbours).to_have_count(len(nearby.before) + len(nearby.after))
    for shown, expected in zip(neighbours.all(), nearby.before + nearby.after, strict=True):
        assert shown.text_content() == f"¶{expected.paragraph} {expected.text}"
        assert expected.section == follow["passages"][0]["section"]

    # two cards into the brief, each under the user's own tag
    chosen = [(first_turn.locator(".card").nth(0), answer["passages"][0], "Lenin banned factions in 1921")]
    chosen.append((card, follow["passages"][0], "Trotsky backed the ban"))
    for n, (shown, _, tag) in enumerate(chosen, 1):
        shown.locator(".tag").fill(tag)
        shown.locator(".add").click()
        sync_api.expect(page.locator("#brief-count")).to_have_text(str(n))
    sync_api.expect(page.locator(".brief-card")).to_have_count(2)

    # the Word file, downloaded as a user would, holds both cards verbatim
    with page.expect_download() as download:
        page.click("#export-docx")
    saved = tmp_path / "brief.docx"
    download.value.save_as(saved)
    paragraphs = docx.Document(str(saved)).paragraphs[1:]
    assert len(paragraphs) == 6
    for (tag_line, cite_line, body), (_, passage, tag) in zip(
        (paragraphs[i : i + 3] for i in range(0, 6, 3)), chosen, strict=True
    ):
        assert tag_line.style.name == "Heading 4" and tag_line.text == tag
        assert cite_line.runs[0].bold and cite_line.runs[0].text == "Hoskisson 10"
        assert body.text == passage["text"]
        (key,) = [run for run in body.runs if run.underline]
        assert key.font.highlight_color == WD_COLOR_INDEX.YELLOW and key.text == key_text(passage)

    # the card's link opens the whole document at the passage, its key sentence marked
    link = first_turn.locator(".card").first.locator(".open")
    link.click()
    page.wait_for_url("**/documents/**")
    target = page.locator(".passage:target")
    sync_api.expect(target).to_have_count(1)
    assert target.get_attribute("id") == answer["passages"][0]["id"]
    assert target.locator("mark").text_content() == key_text(answer["passages"][0])


def test_copy_as_card_puts_the_card_on_the_clipboard(page: sync_api.Page, live_server: str) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page.goto("/")
    answer = ask(page, QUESTION)
    card = page.locator(".card").first
    card.locator(".tag").fill("My own tag")
    card.locator(".copy").click()
    sync_api.expect(page.locator("#status")).not_to_be_empty()
    copied = page.evaluate("navigator.clipboard.readText()")
    passage = answer["passages"][0]
    assert copied.startswith("#### My own tag\n\n**Hoskisson 10 (")
    assert copied.replace("**", "").endswith(passage["text"] + "\n")


def test_the_page_fits_a_phone(page: sync_api.Page) -> None:
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto("/")
    ask(page, "Victor Serge on centralisation")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
