"""The page in a real headless Chromium against a live server: ask, follow up, expand context,
collect cards into the brief and download it as a Word file whose text is verbatim; one question
at a time, kept until answered; a no-answer reply apart; an expired conversation recovered;
contrast in both colour schemes; a case prepared claim by claim and exported as a named brief."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_COLOR_INDEX

from assistant.service import Assistant
from tests.helpers import context
from tests.web.browsing import (
    LOW_CONTRAST,
    ask,
    expect,
    is_ask,
    new_page,
    open_page,
    shot,
    show,
    skip_without_chromium,
    sync_api,
)

pytestmark = pytest.mark.browser
skip_without_chromium()

QUESTION = "What does the author say about the ban on factions?"
UNANSWERABLE = "What is the price of bananas in Peru?"
CASE = """1. Stalin was a foreign body in the party, nothing to do with Lenin.
2. The ban on factions in 1921 was a temporary measure that did no harm.
3. Kronstadt was a counter-revolution organised by the Whites."""


@pytest.fixture
def page(browser: sync_api.Browser, live_server: str) -> Iterator[sync_api.Page]:
    opened = new_page(browser, live_server)
    yield opened
    opened.context.close()


@pytest.fixture(scope="module")
def phrases(assistant: Assistant) -> dict[str, str]:
    return assistant.prompts.group("page")


def key_text(passage: dict) -> str:
    """The key sentence of a passage from /ask, sliced as the page slices it."""
    return passage["text"][
        passage["highlight"]["start"] - passage["start"] : passage["highlight"]["end"] - passage["start"]
    ]


def test_prepare_a_brief_in_the_browser(page: sync_api.Page, assistant: Assistant, tmp_path: Path) -> None:
    open_page(page)
    page.keyboard.press("/")
    expect(page.locator("#question")).to_be_focused()

    # a question: cards with one citation line, voice badge, score and the key sentence marked
    answer = ask(page, QUESTION)
    first_turn = page.locator(".turn").nth(0)
    cards = first_turn.locator(".card")
    expect(cards).to_have_count(len(answer["passages"]))
    for card, passage in zip(cards.all(), answer["passages"], strict=True):
        assert card.locator("mark.key").text_content() == key_text(passage)
        assert card.locator(".citation").inner_text() == passage["citation"]
        assert f"¶{passage['paragraph']}" in passage["citation"]
        assert card.inner_text().count(f"¶{passage['paragraph']}") == 1  # the cite is not repeated
        assert card.locator(".badge").inner_text().startswith(passage["voice"])
        assert card.locator(".text").text_content() == passage["text"]
    assert page.input_value("#question") == ""  # answered: the box is cleared

    # a follow-up, read against the question before it
    follow = ask(page, "and Trotsky?")
    assert follow["searched_for"] == "What does the author say about Trotsky?"
    second_turn = page.locator(".turn").nth(1)
    expect(second_turn.locator(".echo")).to_have_text(follow["echo"])
    expect(second_turn.locator(".card")).to_have_count(len(follow["passages"]))

    # context: the paragraphs around a card, within its section
    card = second_turn.locator(".card").first
    card.locator(".context-toggle").click()
    expect(card.locator(".context-toggle")).to_have_attribute("aria-expanded", "true")
    nearby = context(assistant, follow["passages"][0]["id"], 2)
    neighbours = card.locator(".neighbour")
    expect(neighbours).to_have_count(len(nearby.before) + len(nearby.after))
    for shown, expected in zip(neighbours.all(), nearby.before + nearby.after, strict=True):
        assert shown.text_content() == f"¶{expected.paragraph} {expected.text}"
        assert expected.section == follow["passages"][0]["section"]

    # two cards into the brief, each under the user's own tag
    chosen = [(first_turn.locator(".card").nth(0), answer["passages"][0], "Lenin banned factions in 1921")]
    chosen.append((card, follow["passages"][0], "Trotsky backed the ban"))
    for n, (shown, _, tag) in enumerate(chosen, 1):
        shown.locator(".tag").fill(tag)
        shown.locator(".add").click()
        expect(page.locator("#brief-count")).to_have_text(str(n))
    expect(page.locator(".brief-card")).to_have_count(2)

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
    expect(target).to_have_count(1)
    assert target.get_attribute("id") == answer["passages"][0]["id"]
    assert target.locator("mark").text_content() == key_text(answer["passages"][0])


def test_copy_as_card_puts_the_card_on_the_clipboard(page: sync_api.Page, live_server: str) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    open_page(page)
    answer = ask(page, QUESTION)
    card = page.locator(".card").first
    card.locator(".tag").fill("My own tag")
    card.locator(".copy").click()
    expect(page.locator("#status")).not_to_be_empty()
    copied = page.evaluate("navigator.clipboard.readText()")
    passage = answer["passages"][0]
    assert copied.startswith("#### My own tag\n\n**Hoskisson 10 (")
    assert copied.replace("**", "").endswith(passage["text"] + "\n")


def test_one_question_at_a_time_kept_in_the_box_until_answered(page: sync_api.Page) -> None:
    held: list[sync_api.Route] = []
    page.route("**/ask", lambda route: held.append(route))  # the answer waits until the test lets it through
    open_page(page)
    page.fill("#question", QUESTION)
    page.press("#question", "Enter")
    pending = page.locator(".turn.pending")
    expect(pending.locator(".asked")).to_have_text(QUESTION)  # what is being searched, shown
    expect(page.locator("#ask-button")).to_be_disabled()
    page.press("#question", "Enter")
    page.locator(".starter").first.click(force=True)
    page.wait_for_timeout(200)
    assert len(held) == 1 and pending.count() == 1
    assert page.input_value("#question") == QUESTION
    with page.expect_response(is_ask):
        held[0].continue_()
    page.unroute("**/ask")
    expect(page.locator(".turn:not(.pending)")).to_have_count(1)
    expect(pending).to_have_count(0)
    assert page.input_value("#question") == ""
    expect(page.locator("#ask-button")).to_be_enabled()


def test_a_failed_question_stays_for_another_try(page: sync_api.Page) -> None:
    detail = {"detail": "the index is being rebuilt"}
    page.route("**/ask", lambda route: route.fulfill(status=503, json=detail))
    open_page(page)
    page.fill("#question", QUESTION)
    page.press("#question", "Enter")
    expect(page.locator("#status")).to_have_text(detail["detail"])
    expect(page.locator(".turn")).to_have_count(0)
    assert page.input_value("#question") == QUESTION
    page.unroute("**/ask")
    with page.expect_response(is_ask):
        page.press("#question", "Enter")
    expect(page.locator(".turn")).to_have_count(1)
    assert page.input_value("#question") == ""


def test_an_expired_conversation_is_started_again_and_the_question_asked_once_more(
    page: sync_api.Page, phrases: dict[str, str]
) -> None:
    """The page is handed a conversation the server does not know (as after it expired): the
    question is answered in a new one, and the user is told."""

    def forgotten(route: sync_api.Route) -> None:
        page.unroute("**/sessions", forgotten)
        session = route.fetch().json()
        route.fulfill(json={**session, "session_id": "forgotten"})

    page.route("**/sessions", forgotten)
    page.route(  # the brief shown at the start is the only thing read before the question
        "**/sessions/forgotten/brief",
        lambda route: route.fulfill(json={"id": "x", "name": "Brief", "cards": []}),
        times=1,
    )
    open_page(page)
    sessions: list[str] = []
    page.on("request", lambda r: sessions.append(r.url) if r.url.endswith("/sessions") else None)
    with page.expect_response(lambda r: is_ask(r) and r.status == 200) as answered:
        page.fill("#question", QUESTION)
        page.press("#question", "Enter")
    assert json.loads(answered.value.request.post_data or "{}")["session_id"] != "forgotten"
    expect(page.locator(".turn")).to_have_count(1)
    expect(page.locator("#status")).to_have_text(phrases["session_restarted"])
    assert len(sessions) == 1


def test_starters_stay_reachable_after_the_first_answer(page: sync_api.Page) -> None:
    open_page(page)
    ask(page, QUESTION)
    starters = page.locator(".starter")
    expect(starters.first).to_be_hidden()
    page.click("#starters-toggle")
    expect(starters.first).to_be_visible()
    question = starters.first.inner_text()
    with page.expect_response(is_ask):
        starters.first.click()
    expect(page.locator(".turn").nth(1).locator(".asked")).to_have_text(question)
    expect(starters.first).to_be_hidden()


def test_a_reply_that_is_not_an_answer_looks_different(page: sync_api.Page, phrases: dict[str, str]) -> None:
    open_page(page)
    answered = ask(page, QUESTION)
    unanswered = ask(page, UNANSWERABLE)
    assert answered["answered"] and not unanswered["answered"] and unanswered["passages"]
    first, second = page.locator(".turn").nth(0), page.locator(".turn").nth(1)
    expect(first.locator("mark.key")).to_have_count(len(answered["passages"]))
    expect(first.locator(".nearest")).to_have_count(0)
    expect(second.locator(".nearest")).to_have_text(phrases["nearest"])
    expect(second.locator(".card")).to_have_count(len(unanswered["passages"]))
    expect(second.locator("mark")).to_have_count(0)
    for card, passage in zip(second.locator(".card").all(), unanswered["passages"], strict=True):
        assert card.locator(".text").text_content() == passage["text"]
    assert "highlight" not in (second.locator(".open").first.get_attribute("href") or "")
    shot(page, "ask")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_text_has_a_contrast_of_at_least_4_5(page: sync_api.Page, scheme: str) -> None:
    page.emulate_media(color_scheme=scheme)
    open_page(page)
    ask(page, QUESTION)
    ask(page, UNANSWERABLE)
    page.locator(".card").first.locator(".add").click()
    expect(page.locator(".brief-card")).to_have_count(1)
    assert page.evaluate(LOW_CONTRAST) == [], "ask view"
    show(page, "library")
    page.locator("#documents .edit").first.click()
    expect(page.locator(".doc-edit")).to_be_visible()
    assert page.evaluate(LOW_CONTRAST) == [], "library view"
    show(page, "briefs")
    expect(page.locator(".brief-row").first).to_be_visible()
    assert page.evaluate(LOW_CONTRAST) == [], "briefs view"
    show(page, "case")
    page.fill("#case-text", UNANSWERABLE + "\n" + CASE.splitlines()[0])
    page.click("#case-prepare")
    expect(page.locator(".claim")).to_have_count(2)
    assert page.evaluate(LOW_CONTRAST) == [], "case view"


def test_prepare_against_a_case_and_export_it(page: sync_api.Page, tmp_path: Path) -> None:
    open_page(page)
    show(page, "case")
    page.fill("#case-text", CASE)
    expect(page.locator("#case-count")).to_have_text("3")
    with page.expect_response(lambda r: r.url.endswith("/rebut")) as response:
        page.click("#case-prepare")
    claims = response.value.json()["claims"]
    assert [c["claim"] for c in claims] == [line[3:] for line in CASE.splitlines()]
    shown = page.locator(".claim")
    expect(shown).to_have_count(3)
    chosen = []
    for item, claim in zip(shown.all(), claims, strict=True):
        expect(item.locator(".claim-text")).to_have_text(claim["claim"])
        expect(item.locator(".card")).to_have_count(len(claim["passages"]))
        item.locator(".card .add").first.click()
        chosen.append((claim["claim"], claim["passages"][0]))
    expect(page.locator("#case-chosen")).to_have_text("3")
    shot(page, "case")
    page.fill("#case-brief-name", "Against the case")
    with page.expect_download() as download:
        page.click("#case-export button[type=submit]")
    saved = tmp_path / "case.docx"
    download.value.save_as(saved)
    paragraphs = docx.Document(str(saved)).paragraphs
    bodies = [p.text for p in paragraphs]
    for claim, passage in chosen:
        assert claim in bodies and passage["text"] in bodies
    expect(page.locator("#brief-title")).to_have_text("Against the case")  # now the current brief
    expect(page.locator(".brief-card")).to_have_count(3)


def test_the_page_fits_a_phone(page: sync_api.Page) -> None:
    page.set_viewport_size({"width": 375, "height": 740})
    open_page(page)
    ask(page, "Victor Serge on centralisation")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
