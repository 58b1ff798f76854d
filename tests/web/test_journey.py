"""A debater's whole journey in a real headless Chromium, over a library of its own that survives
a restart: upload a PDF and a Word file, watch them being indexed, see them in the library,
correct an author, ask within their collection and see the corrected cite on the cards, collect
cards into a named brief, restart the server, reopen the brief and download it as .docx, and
prepare against a three-claim case exported as a brief of its own."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from assistant.api import create_app
from assistant.service import Assistant
from assistant.settings import PROJECT_ROOT, Settings
from embeddings.encoder import Encoder
from tests.helpers import serving
from tests.web.browsing import (
    LOW_CONTRAST,
    ask,
    expect,
    new_page,
    open_page,
    shot,
    show,
    skip_without_chromium,
    sync_api,
)

pytestmark = pytest.mark.browser
skip_without_chromium()

CORPUS_DEV = PROJECT_ROOT.parent / "shared" / "data" / "corpus-dev"
PDF = CORPUS_DEV / "crs-2026-if13013-conditioning-federal-funding-elections.pdf"
DOCX = CORPUS_DEV / "dfe-2025-tuition-fees-equality-impact-assessment.docx"
if not (PDF.exists() and DOCX.exists()):
    pytest.skip(f"the real test files are not in {CORPUS_DEV}", allow_module_level=True)

COLLECTION = "policy"
CORRECTED = "K. L. Shanton"
QUESTION = "Can Congress attach conditions to federal funding for elections?"
CASE = """Congress has no power to attach conditions to federal election grants.

Federal money for elections always comes without strings.

States never depend on federal funding to run their elections."""
INDEXING_MS = 240_000  # two documents embedded on a busy machine
NOTE = "A short note\n\nThe library starts with this note, so that there is something to serve.\n"


def upload(page: sync_api.Page, path: Path, collection: str) -> str:
    """Upload a file as a user would; the id of the document its job indexes."""
    page.set_input_files("#upload-file", str(path))
    page.fill("#upload input[name=collection]", collection)
    with page.expect_response(lambda r: r.url.endswith("/documents") and r.request.method == "POST") as response:
        page.click("#upload button[type=submit]")
    assert response.value.status == 202, response.value.text()
    return response.value.json()["document_id"]


def cite_lines(path: Path) -> list[str]:
    """The paragraphs of a downloaded Word brief."""
    return [p.text for p in docx.Document(str(path)).paragraphs]


def test_a_library_journey_that_survives_a_restart(browser: sync_api.Browser, encoder: Encoder, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "note.txt").write_text(NOTE, encoding="utf-8")
    settings = Settings(corpus_dir=corpus, data_dir=tmp_path / "data")

    with serving(create_app(Assistant(settings, encoder))) as url:
        page = new_page(browser, url)
        open_page(page)
        show(page, "library")
        pdf_id = upload(page, PDF, COLLECTION)
        docx_id = upload(page, DOCX, COLLECTION)
        expect(page.locator(".job progress")).to_have_count(2)
        shot(page, "upload-progress")  # the jobs as they were when the second was queued
        expect(page.locator(".job.done")).to_have_count(2, timeout=INDEXING_MS)
        expect(page.locator(".job progress").first).to_have_attribute("value", "1")

        served = {d["id"]: d for d in page.request.get(f"{url}/documents").json()}
        for document_id in (pdf_id, docx_id):
            row = page.locator(f"tr.doc[data-document-id='{document_id}']")
            expect(row.locator(".title")).to_have_text(served[document_id]["title"])
            expect(row.locator(".origin")).to_have_text("upload")
            expect(row.locator(".collections")).to_have_text(COLLECTION)
            expect(row.locator(".passage-count")).to_have_text(str(served[document_id]["passage_count"]))
        shot(page, "library")

        # the author corrected by hand
        page.locator(f"tr.doc[data-document-id='{pdf_id}'] .edit").click()
        page.fill(".doc-edit input[name=author]", CORRECTED)
        with page.expect_response(lambda r: r.request.method == "PATCH"):
            page.click(".doc-edit button[type=submit]")
        expect(page.locator(f"tr.doc[data-document-id='{pdf_id}'] .author")).to_have_text(CORRECTED)

        # a named brief, made the current one, and two cards from the new document into it
        show(page, "briefs")
        page.fill("#new-brief-name", "Election funding")
        page.click("#new-brief button[type=submit]")
        expect(page.locator("#brief-title")).to_have_text("Election funding")
        show(page, "ask")
        page.select_option("#collection", COLLECTION)
        answer = ask(page, QUESTION)
        assert answer["answered"] and {p["document_id"] for p in answer["passages"]} == {pdf_id}
        cards = page.locator(".turn .card")
        for card in cards.all():
            assert card.locator(".citation").inner_text().startswith(CORRECTED)
        for n in (0, 1):
            cards.nth(n).locator(".tag").fill(f"Conditions, card {n + 1}")
            cards.nth(n).locator(".add").click()
            expect(page.locator("#brief-count")).to_have_text(str(n + 1))

        # what do the sources say: the best two of each document that answers, each document's together
        page.select_option("#grouping", "2")
        grouped = ask(page, "what do the sources say about federal funding?")
        documents = [p["document_id"] for p in grouped["passages"]]
        assert grouped["answered"] and documents and set(documents) <= {pdf_id, docx_id}
        assert all(documents.count(d) <= 2 for d in documents) and documents == sorted(documents, key=documents.index)
        page.context.close()

    # a new process over the same folders: the library, the correction and the brief are kept
    restarted = Assistant(settings, encoder)
    phrases, brief_phrases = restarted.prompts.group("page"), restarted.prompts.group("brief")
    with serving(create_app(restarted)) as url:
        page = new_page(browser, url)
        open_page(page)
        show(page, "briefs")
        row = page.locator(".brief-row", has=page.locator("input[value='Election funding']"))
        expect(row.locator(".brief-facts")).to_contain_text("2 cards")
        row.locator(".open-brief").click()
        expect(page.locator("#brief-title")).to_have_text("Election funding")
        expect(page.locator(".brief-card")).to_have_count(2)
        expect(page.locator(".brief-card .brief-cite").first).to_have_text("Shanton 26")
        with page.expect_download() as download:
            row.locator("a", has_text=".docx").click()
        saved = tmp_path / "brief.docx"
        download.value.save_as(saved)
        lines = cite_lines(saved)
        for passage in answer["passages"][:2]:
            assert passage["text"] in lines
        assert sum(line.startswith("Shanton 26") and CORRECTED in line for line in lines) == 2

        # a case of three claims, prepared within the collection and exported as its own brief
        show(page, "case")
        page.fill("#case-text", CASE)
        expect(page.locator("#case-count")).to_have_text("3")
        page.select_option("#case-collection", COLLECTION)
        with page.expect_response(lambda r: r.url.endswith("/rebut")) as response:
            page.click("#case-prepare")
        claims = response.value.json()["claims"]
        expect(page.locator(".claim")).to_have_count(3)
        for claim in page.locator(".claim").all():
            claim.locator(".card .add").first.click()
        page.fill("#case-brief-name", "Against the case")
        with page.expect_download() as download:
            page.click("#case-export button[type=submit]")
        saved = tmp_path / "case.docx"
        download.value.save_as(saved)
        lines = cite_lines(saved)
        for claim in claims:
            assert claim["claim"] in lines and claim["passages"][0]["text"] in lines

        # the document removed: the cards made from it are kept, flagged stale with the reason
        show(page, "briefs")
        row.locator(".open-brief").click()
        expect(page.locator("#brief-title")).to_have_text("Election funding")
        show(page, "library")
        page.once("dialog", lambda dialog: dialog.accept())
        with page.expect_response(lambda r: r.request.method == "DELETE"):
            page.locator(f"tr.doc[data-document-id='{pdf_id}'] .remove-doc").click()
        expect(page.locator(f"tr.doc[data-document-id='{pdf_id}']")).to_have_count(0)
        stale = page.locator(".brief-card.stale")
        expect(stale).to_have_count(2)
        expect(stale.first.locator(".stale-flag")).to_contain_text(phrases["stale"])
        expect(stale.first.locator(".stale-reason")).to_have_text(" " + brief_phrases["stale_gone"])
        assert page.evaluate(LOW_CONTRAST) == []
        page.emulate_media(color_scheme="dark")
        assert page.evaluate(LOW_CONTRAST) == []
        page.emulate_media(color_scheme="light")
        shot(page, "library-stale")
        page.context.close()
