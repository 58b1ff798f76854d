"""What users make lasts: conversations and named briefs survive a restart, export never fails on
what cards hold, and a card whose passage changed is flagged, never rewritten."""

from __future__ import annotations

import json
from io import BytesIO

import docx
from fastapi.testclient import TestClient

from assistant.chat.export import xml_safe
from assistant.schemas import MAX_TAG_CHARS
from assistant.service import Assistant
from assistant.settings import Settings
from embeddings.encoder import Encoder
from tests.chat.conftest import EMOJI, FERRY, FOG, IN_TAG, IN_TEXT, LONG, ODD, app_client, passage_with


def word_paragraphs(content: bytes) -> list[str]:
    return [p.text for p in docx.Document(BytesIO(content)).paragraphs]


def test_a_brief_and_a_conversation_survive_a_restart(notes_settings: Settings, encoder: Encoder) -> None:
    before = app_client(notes_settings, encoder)
    fog, ferry = passage_with(before, "fog signal"), passage_with(before, "ferry")
    named = before.post("/briefs", json={"name": f"  Harbour case {EMOJI}  "})
    assert named.status_code == 201 and named.json()["name"] == f"Harbour case {EMOJI}"
    brief_id = named.json()["id"]
    before.post(f"/briefs/{brief_id}/cards", json={"passage_id": fog["id"], "tag": "Fog signal failed"})
    key = {"start": ferry["start"], "end": ferry["start"] + 10}
    before.post(f"/briefs/{brief_id}/cards", json={"passage_id": ferry["id"], "tag": "Ferry", "highlight": key})
    session = before.post("/sessions").json()
    before.post(f"/sessions/{session['session_id']}/brief", json={"passage_id": fog["id"], "tag": "mine"})
    asked = before.post("/ask", json={"question": "what failed in November?", "session_id": session["session_id"]})
    assert asked.status_code == 200
    shown = before.get(f"/briefs/{brief_id}").json()

    after = app_client(notes_settings, encoder)  # a new Assistant, Chat and app over the same data_dir
    listed = {b["id"]: b for b in after.get("/briefs").json()}
    assert listed[brief_id]["name"] == f"Harbour case {EMOJI}" and listed[brief_id]["cards"] == 2
    assert listed[session["brief_id"]]["cards"] == 1  # the conversation's brief, listed once it holds a card
    assert after.get(f"/briefs/{brief_id}").json() == shown
    word = after.get(f"/briefs/{brief_id}.docx")
    assert word.status_code == 200 and "filename*=UTF-8''Harbour%20case%20" in word.headers["content-disposition"]
    paragraphs = word_paragraphs(word.content)
    assert paragraphs[0] == f"Harbour case {EMOJI}"
    assert paragraphs[1::3] == ["Fog signal failed", "Ferry"]
    assert paragraphs[3::3] == [FOG, FERRY.replace("\r\n", "\n")]
    assert after.get(f"/sessions/{session['session_id']}/brief").json()["cards"][0]["tag"] == "mine"
    more = after.post("/ask", json={"question": "more", "session_id": session["session_id"]}).json()
    assert more["followup"] == "more" and more["offset"] == 5  # the turn before the restart was kept


def test_export_never_fails_on_what_cards_hold(notes_settings: Settings, encoder: Encoder) -> None:
    client = app_client(notes_settings, encoder)
    brief_id = client.post("/briefs", json={"name": "Odd characters"}).json()["id"]
    tag = (IN_TAG + EMOJI + "x" * MAX_TAG_CHARS)[:MAX_TAG_CHARS]  # every control but CR and LF, at the limit
    passages = [passage_with(client, words) for words in ("harbour board", "ferry", "Survey 0")]
    assert passages[0]["text"] == ODD and IN_TEXT in passages[0]["text"] and len(passages[2]["text"]) == len(LONG)
    for passage in passages:
        added = client.post(f"/briefs/{brief_id}/cards", json={"passage_id": passage["id"], "tag": tag})
        assert added.status_code == 201, added.text
    kept = client.get(f"/briefs/{brief_id}").json()["cards"]
    assert [(c["tag"], c["text"]) for c in kept] == [(tag, p["text"]) for p in passages]  # stored verbatim
    word = client.get(f"/briefs/{brief_id}.docx")
    assert word.status_code == 200, word.text
    paragraphs = word_paragraphs(word.content)
    assert paragraphs[1::3] == [xml_safe(tag)] * 3 and "\x00" not in xml_safe(tag) and EMOJI in xml_safe(tag)
    assert paragraphs[3::3] == [xml_safe(p["text"]) for p in passages]
    assert paragraphs[3].startswith("The harbour board") and paragraphs[3].endswith(f"{EMOJI} in the log.")
    markdown = client.get(f"/briefs/{brief_id}.md")
    assert markdown.status_code == 200 and ODD in markdown.text and LONG in markdown.text
    too_long = client.post(f"/briefs/{brief_id}/cards", json={"passage_id": passages[0]["id"], "tag": tag + "x"})
    assert too_long.status_code == 422 and "tag" in too_long.json()["detail"]


def test_lone_surrogates_and_bad_names_are_refused_cleanly(client: TestClient) -> None:
    brief_id = client.post("/briefs", json={"name": "Surrogates"}).json()["id"]
    for path, body in [
        ("/briefs", '{"name": "a\\ud800b"}'),
        (f"/briefs/{brief_id}/cards", '{"passage_id": "x", "tag": "\\udc00"}'),
        (f"/briefs/{brief_id}/cards", '{"passage_id": "\\ud83d"}'),
        ("/cards", '{"passage_id": "red-jacobins:x", "tag": "a\\ud800"}'),
    ]:
        response = client.post(path, content=body.encode(), headers={"content-type": "application/json"})
        assert response.status_code == 422, (path, response.text)
    for name, fragment in [("   ", "one line of text"), ("two\nlines", "one line"), ("x" * 201, "at most 200")]:
        response = client.patch(f"/briefs/{brief_id}", json={"name": name})
        assert response.status_code == 422 and fragment in response.json()["detail"], response.text
    assert client.get(f"/briefs/{brief_id}").json()["name"] == "Surrogates"  # nothing changed


def test_named_brief_routes(client: TestClient, assistant: Assistant) -> None:
    session = client.post("/sessions").json()
    assert session["brief_id"] not in {b["id"] for b in client.get("/briefs").json()}  # empty: not listed
    made = client.post("/briefs", json={"name": "Thermidor"}).json()
    assert (made["name"], made["cards"]) == ("Thermidor", [])
    brief_id = made["id"]
    assert client.get("/briefs").json()[0]["id"] == brief_id  # last changed first
    passage_id = assistant.store.passages[30].id
    added = client.post(f"/briefs/{brief_id}/cards", json={"passage_id": passage_id, "tag": "t"}).json()
    assert [(c["number"], c["id"], c["stale"], c["stale_reason"]) for c in added["cards"]] == [(1, 1, False, None)]
    renamed = client.patch(f"/briefs/{brief_id}", json={"name": "Thermidor backdated"}).json()
    assert renamed["name"] == "Thermidor backdated" and len(renamed["cards"]) == 1
    opened = client.post(f"/sessions/{session['session_id']}/brief/open", json={"brief_id": brief_id})
    assert opened.status_code == 200 and opened.json()["session_id"] == session["session_id"]
    client.post(f"/sessions/{session['session_id']}/brief", json={"passage_id": passage_id, "tag": "second"})
    assert [c["tag"] for c in client.get(f"/briefs/{brief_id}").json()["cards"]] == ["t", "second"]
    assert client.get(f"/briefs/{session['brief_id']}").status_code == 404  # the empty brief it replaced
    assert client.delete(f"/briefs/{brief_id}/cards/1").json()["cards"][0]["tag"] == "second"
    assert client.delete(f"/briefs/{brief_id}/cards/1").status_code == 404
    markdown = client.get(f"/briefs/{brief_id}.md")
    assert markdown.text.startswith("# Thermidor backdated\n\n#### second\n")
    assert 'filename="Thermidor-backdated.md"' in markdown.headers["content-disposition"]
    assert client.delete(f"/briefs/{brief_id}").status_code == 204
    assert (
        client.get(f"/briefs/{brief_id}").status_code == 404 and client.delete(f"/briefs/{brief_id}").status_code == 404
    )
    current = client.get(f"/sessions/{session['session_id']}/brief").json()  # a new one replaces the deleted
    assert current["id"] not in (brief_id, session["brief_id"]) and current["cards"] == []
    for method, path, status in [
        ("get", "/briefs/bad%20id", 422),
        ("get", "/briefs/never-made.docx", 404),
        ("post", f"/sessions/{session['session_id']}/brief/open", 422),
    ]:
        assert getattr(client, method)(path, **({"json": {}} if method == "post" else {})).status_code == status
    missing = client.post(f"/sessions/{session['session_id']}/brief/open", json={"brief_id": "never-made"})
    assert missing.status_code == 404 and "GET /briefs" in missing.json()["detail"]


def test_a_card_is_flagged_stale_when_its_passage_changes_and_cites_follow_the_metadata(
    notes_settings: Settings, encoder: Encoder
) -> None:
    client = app_client(notes_settings, encoder)
    assistant: Assistant = client.app.state.assistant  # type: ignore[attr-defined]
    brief_id = client.post("/briefs", json={"name": "Edited"}).json()["id"]
    odd, ferry, fog = (passage_with(client, w) for w in ("harbour board", "ferry", "fog signal"))
    key = {"start": odd["start"] + 4, "end": odd["start"] + 11}  # "harbour"
    for passage, highlight in ((odd, key), (ferry, None), (fog, None)):
        client.post(f"/briefs/{brief_id}/cards", json={"passage_id": passage["id"], "tag": "t", "highlight": highlight})
    assert [c["stale"] for c in client.get(f"/briefs/{brief_id}").json()["cards"]] == [False] * 3

    notes = notes_settings.corpus_dir / "notes.txt"
    text = notes.read_bytes().decode()
    text = text.replace("By Ada Example\n\n", "By Ada Example\n\nA new opening paragraph came first.\n\n")
    text = text.replace(FERRY, FERRY.replace("\r\n", "\n"))  # the same words: the same id, another text
    text = text.replace("failed twice", "failed three times")  # other words: the passage is gone
    notes.write_bytes(text.encode())
    (notes_settings.corpus_dir / "notes.meta.json").write_text(json.dumps({"author": "Ada Corrected"}))
    assert assistant.refresh_if_stale()

    cards = client.get(f"/briefs/{brief_id}").json()["cards"]
    say = assistant.prompts.say
    assert [(c["stale"], c["stale_reason"]) for c in cards] == [
        (False, None),
        (True, say("brief", "stale_changed")),
        (True, say("brief", "stale_gone")),
    ]
    assert [c["text"] for c in cards] == [ODD, FERRY, FOG]  # as added, never rewritten
    moved = passage_with(client, "harbour board")
    assert cards[0]["start"] == moved["start"] > odd["start"]
    assert cards[0]["highlight"] == {"start": key["start"] + moved["start"] - odd["start"], "end": moved["start"] + 11}
    assert all(c["short_cite"].startswith("Corrected") and "Ada Corrected" in c["full_cite"] for c in cards)
    word = word_paragraphs(client.get(f"/briefs/{brief_id}.docx").content)
    assert word[3::3] == [ODD.replace(IN_TEXT, xml_safe(IN_TEXT)), FERRY.replace("\r\n", "\n"), FOG]
