"""The chat page's files and the HTML view of a document, over the real app."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from fastapi.testclient import TestClient

from assistant.service import Assistant
from assistant.web import STATIC
from tests.helpers import SEED_ID, seed_passage_with

QUOTATION = "The smashing of the Left Opposition"  # a lead-in with its quotation

HTML = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


class Passages(HTMLParser):
    """The text of each ``div.passage`` by id, and the text inside ``<mark>``."""

    def __init__(self) -> None:
        super().__init__()
        self.passages: dict[str, str] = {}
        self.marked = ""
        self._current: str | None = None
        self._in_text = self._in_mark = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "div" and "passage" in (found.get("class") or ""):
            self._current = found["id"]
            self.passages[self._current or ""] = ""
        self._in_text |= tag == "p" and found.get("class") == "text" and self._current is not None
        self._in_mark |= tag == "mark"

    def handle_endtag(self, tag: str) -> None:
        if tag == "p" and self._in_text:
            self._in_text, self._current = False, None
        self._in_mark &= tag != "mark"

    def handle_data(self, data: str) -> None:
        if self._in_text and self._current is not None:
            self.passages[self._current] += data
        if self._in_mark:
            self.marked += data


def test_the_chat_page_is_served_with_its_files(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text):
        assert client.get(asset).status_code == 200, asset


def test_the_page_needs_nothing_from_outside() -> None:
    for path in STATIC.iterdir():
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"https?://|//cdn|@import", text), path.name
        assert "innerHTML =" not in text, f"{path.name}: text must be set with textContent"


def test_a_browser_gets_the_document_as_a_page(client: TestClient, assistant: Assistant) -> None:
    passage, document = assistant.lookup(seed_passage_with(QUOTATION))
    start = passage.start + 10
    end = passage.start + passage.text.index(".") + 1
    page = client.get(f"/documents/{SEED_ID}", params={"highlight": f"{start}-{end}"}, headers=HTML)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    parsed = Passages()
    parsed.feed(page.text)
    assert list(parsed.passages) == [p.id for p in document.passages]
    assert all(parsed.passages[p.id] == p.text for p in document.passages)
    assert parsed.marked == document.text[start:end]
    assert f'href="#{passage.id}"' in page.text
    for section in document.sections:
        assert f'<h2 id="section-{section.start}">' in page.text


def test_an_api_client_still_gets_json(client: TestClient) -> None:
    for accept in ("application/json", "*/*", "application/json, text/html"):
        response = client.get(f"/documents/{SEED_ID}", headers={"accept": accept})
        assert response.json()["id"] == SEED_ID, accept


def test_bad_document_view_requests_get_a_clear_4xx(client: TestClient) -> None:
    missing = client.get("/documents/nothing", headers=HTML)
    assert missing.status_code == 404 and "no document" in missing.json()["detail"]
    bad = client.get(f"/documents/{SEED_ID}", params={"highlight": "ten-twenty"}, headers=HTML)
    assert bad.status_code == 422 and "highlight" in bad.json()["detail"]


def test_html_in_a_document_is_shown_as_text(multi_client: TestClient, multi_assistant: Assistant) -> None:
    for document in multi_assistant.store.documents.values():
        page = multi_client.get(f"/documents/{document.id}", headers=HTML).text
        parsed = Passages()
        parsed.feed(page)
        assert all(parsed.passages[p.id] == p.text for p in document.passages)
