"""Briefs: cards kept per conversation (its current brief), exported as Markdown and as a Verbatim-style Word file."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_COLOR_INDEX
from fastapi.testclient import TestClient

from assistant.chat import Chat
from assistant.chat.brief import Briefs
from assistant.chat.cards import make_card
from assistant.chat.store import WorkStore
from assistant.errors import BadRequest, NotFound
from assistant.schemas import CardRequest, Highlight
from assistant.service import Assistant
from assistant.settings import SessionSettings
from tests.helpers import seed_passage, seed_passage_with

QUOTATION = "The smashing of the Left Opposition"  # a lead-in with its quotation
LENIN_DIED = "Last but not least Lenin died"


def key_of(assistant: Assistant, passage_id: str) -> Highlight:
    """The passage's second sentence, or its first, as the key sentence."""
    row = assistant.store.rows[passage_id]
    spans = [(int(s), int(e)) for r, s, e in assistant.store.sentences if r == row]
    start, end = spans[min(1, len(spans) - 1)]
    return Highlight(start=start, end=end)


def test_cards_are_numbered_and_removed_by_number(assistant: Assistant) -> None:
    chat = Chat(assistant)
    session = chat.start().session_id
    for n in (20, 21, 22):
        brief = chat.add_card(session, CardRequest(passage_id=seed_passage(n), tag=f"tag {n}"))
    assert brief.message == assistant.prompts.say("brief", "added")
    assert [(c.id, c.tag) for c in brief.cards] == [(1, "tag 20"), (2, "tag 21"), (3, "tag 22")]
    brief = chat.remove_card(session, 2)
    assert brief.message == assistant.prompts.say("brief", "removed")
    brief = chat.add_card(session, CardRequest(passage_id=seed_passage_with("By 1932 the reality")))
    assert [c.id for c in brief.cards] == [1, 3, 4]
    with pytest.raises(NotFound, match="no card 2"):
        chat.remove_card(session, 2)


def test_a_brief_is_bounded(assistant: Assistant, tmp_path: Path) -> None:
    passage, document = assistant.lookup(seed_passage_with("The conditions necessary for Thermidor"))
    briefs = Briefs(WorkStore(tmp_path), SessionSettings(max_brief_cards=2))
    brief = briefs.create("bounded")
    card = make_card(passage, document, "", None, assistant.prompts)
    assert [briefs.add(brief, card), briefs.add(brief, card)] == [1, 2]
    with pytest.raises(BadRequest, match="full"):
        briefs.add(brief, card)
    assert len(briefs.get(brief).cards) == 2


def test_briefs_belong_to_their_conversation(assistant: Assistant) -> None:
    chat = Chat(assistant)
    mine, theirs = chat.start().session_id, chat.start().session_id
    chat.add_card(mine, CardRequest(passage_id=seed_passage_with("The conditions necessary for Thermidor")))
    assert chat.brief(theirs).cards == [] and len(chat.brief(mine).cards) == 1


def test_the_word_file_follows_verbatim_and_keeps_the_text_verbatim(assistant: Assistant) -> None:
    chat = Chat(assistant)
    session = chat.start().session_id
    ids = [
        seed_passage_with(QUOTATION),
        seed_passage_with(LENIN_DIED),
        seed_passage_with("The conditions necessary for Thermidor"),
    ]  # one holds a paragraph break
    tags = ["Trotsky backdates Thermidor", "Second tag", ""]
    keys = [key_of(assistant, ids[0]), key_of(assistant, ids[1]), None]
    for passage_id, tag, key in zip(ids, tags, keys, strict=True):
        chat.add_card(session, CardRequest(passage_id=passage_id, tag=tag, highlight=key))
    document = docx.Document(BytesIO(chat.export_docx(session)))
    paragraphs = document.paragraphs
    assert paragraphs[0].style.name == "Heading 1" and paragraphs[0].text == assistant.prompts.say("brief", "title")
    cards = [paragraphs[i : i + 3] for i in range(1, len(paragraphs), 3)]
    assert len(cards) == 3
    for (tag_line, cite_line, body), passage_id, tag, key in zip(cards, ids, tags, keys, strict=True):
        passage, _ = assistant.lookup(passage_id)
        assert tag_line.style.name == "Heading 4" and tag_line.text == tag
        assert all(run.bold for run in cite_line.runs) and cite_line.runs[0].text == "Hoskisson 10"
        assert body.text == passage.text
        emphasised = [run for run in body.runs if run.underline]
        if key is None:
            assert emphasised == []
        else:
            (run,) = emphasised
            assert run.font.highlight_color == WD_COLOR_INDEX.YELLOW
            assert run.text == passage.text[key.start - passage.start : key.end - passage.start]


def test_the_markdown_export_holds_every_card(assistant: Assistant) -> None:
    chat = Chat(assistant)
    session = chat.start().session_id
    chat.add_card(session, CardRequest(passage_id=seed_passage_with(QUOTATION), tag="First"))
    chat.add_card(session, CardRequest(passage_id=seed_passage_with("While the recognition of Stalin"), tag="Second"))
    markdown = chat.export_markdown(session)
    first, second = (
        chat.card(CardRequest(passage_id=seed_passage_with(w), tag=t))
        for w, t in (("The smashing of the Left Opposition", "First"), ("While the recognition of Stalin", "Second"))
    )
    assert markdown == f"# {assistant.prompts.say('brief', 'title')}\n\n{first.markdown}\n{second.markdown}"


def test_brief_routes(client: TestClient, assistant: Assistant) -> None:
    session = client.post("/sessions").json()["session_id"]
    empty = client.get(f"/sessions/{session}/brief.docx")
    assert empty.status_code == 400 and empty.json()["detail"] == assistant.prompts.say("brief", "empty")
    added = client.post(
        f"/sessions/{session}/brief",
        json={"passage_id": seed_passage_with(QUOTATION), "tag": "t"},
    )
    assert added.status_code == 201 and [c["id"] for c in added.json()["cards"]] == [1]
    assert client.get(f"/sessions/{session}/brief").json()["cards"][0]["passage_id"] == seed_passage_with(
        "The smashing of the Left Opposition"
    )
    word = client.get(f"/sessions/{session}/brief.docx")
    assert word.status_code == 200 and word.content.startswith(b"PK")
    assert word.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert 'filename="brief.docx"' in word.headers["content-disposition"]
    markdown = client.get(f"/sessions/{session}/brief.md")
    assert markdown.headers["content-type"].startswith("text/markdown") and "#### t" in markdown.text
    assert client.delete(f"/sessions/{session}/brief/1").json()["cards"] == []


@pytest.mark.parametrize(
    ("method", "path", "status", "fragment"),
    [
        ("get", "/sessions/never-started/brief", 404, "no conversation"),
        ("get", "/sessions/bad%20id/brief.md", 422, "session_id"),
        ("delete", "/sessions/never-started/brief/1", 404, "no conversation"),
        ("delete", "/sessions/{session}/brief/one", 422, "card_id"),
        ("delete", "/sessions/{session}/brief/7", 404, "no card 7"),
        ("post", "/sessions/{session}/brief", 422, "passage_id"),
    ],
)
def test_bad_brief_requests_get_a_clear_4xx(
    client: TestClient, method: str, path: str, status: int, fragment: str
) -> None:
    session = client.post("/sessions").json()["session_id"]
    response = getattr(client, method)(path.format(session=session), **({"json": {}} if method == "post" else {}))
    assert response.status_code == status
    assert fragment in response.json()["detail"]


def test_asking_in_an_unknown_conversation_is_a_404(client: TestClient) -> None:
    response = client.post("/ask", json={"question": "more", "session_id": "never-started"})
    assert response.status_code == 404 and "POST /sessions" in response.json()["detail"]
    assert client.post("/ask", json={"question": "more", "session_id": "../x"}).status_code == 422
