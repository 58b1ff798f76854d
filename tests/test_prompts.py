"""Everything the assistant says is a sentence of prompts/ (placeholders filled with the user's
words, a document's metadata or counts) or a passage of a source document, verbatim."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.errors import PromptsError
from assistant.prompts import Prompts, placeholders
from assistant.service import Assistant
from assistant.settings import PROJECT_ROOT

BENCHMARK = PROJECT_ROOT / "benchmarks" / "data"
FOLLOW_UPS = ["and Trotsky?", "more", "what about Kronstadt then", "more", "and the peasants?"]


def questions() -> list[str]:
    lines = [
        *(BENCHMARK / "questions.jsonl").read_text(encoding="utf-8").splitlines()[::4],
        *(BENCHMARK / "unanswerable.jsonl").read_text(encoding="utf-8").splitlines()[::3],
    ]
    return [json.loads(line)["query"] for line in lines]


def pattern(template: str) -> re.Pattern[str]:
    """A template as a regular expression whose groups are its placeholders."""
    parts = re.split(r"\{(\w+)\}", template)
    regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+)" for i, p in enumerate(parts))
    return re.compile(f"^{regex}$", re.DOTALL)


def filled(text: str, template: str) -> dict[str, str] | None:
    """The placeholder values when ``text`` is ``template`` filled in, else ``None``."""
    match = pattern(template).match(text)
    return match.groupdict() if match else None


@pytest.fixture(scope="module")
def prompts(assistant: Assistant) -> Prompts:
    return assistant.prompts


def test_every_message_of_many_conversations_comes_from_prompts(
    client: TestClient, prompts: Prompts, assistant: Assistant
) -> None:
    fixed = set(prompts.group("ask").values()) | {prompts.say("followup", k) for k in ("no_more", "nothing_before")}
    texts = {d.id: d.text for d in assistant.store.documents.values()}
    checked = 0
    for question in questions():
        session = client.post("/sessions").json()["session_id"]
        for asked in [question, *FOLLOW_UPS]:
            body = client.post("/ask", json={"question": asked, "session_id": session, "k": 3}).json()
            unknown = filled(body["message"], prompts.messages["ask"]["unknown_names"])
            if unknown is not None:  # the names are the question's own words
                assert all(name in body["searched_for"] for name in unknown["names"].split("”, “")), body
            else:
                assert body["message"] in fixed, body["message"]
            assert body["question"] == asked
            if body["followup"] == "topic":
                assert body["echo"] == prompts.say("followup", "echo", question=body["searched_for"])
            elif body["followup"] == "more":
                values = filled(body["echo"], prompts.say("followup", "more"))
                assert values is not None and values["question"] == body["searched_for"]
            else:
                assert body["echo"] is None and body["searched_for"] == asked
            for passage in body["passages"]:
                assert passage["text"] == texts[passage["document_id"]][passage["start"] : passage["end"]]
            checked += 1
    assert checked >= 6 * 40


def test_a_conversation_starts_with_prompts_only(client: TestClient, prompts: Prompts, assistant: Assistant) -> None:
    start = client.post("/sessions").json()
    assert start["greeting"] == prompts.say("session", "greeting")
    assert start["phrases"] == prompts.group("page")
    titles = {(d.id, s.title): d.meta.title for d in assistant.store.documents.values() for s in d.sections}
    for starter in start["starters"]:
        document = titles[(starter["document_id"], starter["section"])]
        assert any(
            starter["question"] == t.format(section=starter["section"], document=document) for t in prompts.starters
        )


def test_cards_and_briefs_say_only_prompts_and_metadata(
    client: TestClient, prompts: Prompts, assistant: Assistant
) -> None:
    session = client.post("/sessions").json()["session_id"]
    for passage in assistant.store.passages[::10]:
        document = assistant.store.documents[passage.document_id]
        meta = document.meta
        brief = client.post(f"/sessions/{session}/brief", json={"passage_id": passage.id, "tag": "my tag"}).json()
        assert brief["message"] == prompts.say("brief", "added")
        card = brief["cards"][-1]
        assert card["text"] == passage.text
        values = filled(card["short_cite"], prompts.say("card", "short"))
        assert values is not None and values["surname"] == meta.author.split()[-1]
        assert values["year"] == str(meta.year)[-2:]
        cite = card["full_cite"]
        assert cite.startswith(prompts.say("card", "author", author=meta.author))
        expected = [
            prompts.say("card", "title", title=meta.title),
            prompts.say("card", "publication", publication=meta.publication),
            prompts.say("card", "paragraph", paragraph=passage.paragraph),
        ]
        if passage.section != meta.title:
            expected.append(prompts.say("card", "section", section=passage.section))
        if passage.notes:
            expected.append(prompts.say("card", "notes", notes=", ".join(map(str, passage.notes))))
        assert all(part in cite for part in expected), cite
    removed = client.delete(f"/sessions/{session}/brief/1").json()
    assert removed["message"] == prompts.say("brief", "removed")


def test_every_template_uses_only_known_placeholders(prompts: Prompts) -> None:
    allowed = {
        ("ask", "unknown_names"): {"names"},
        ("followup", "echo"): {"question"},
        ("followup", "more"): {"question", "first"},
        ("card", "short"): {"surname", "year"},
        ("card", "short_undated"): {"surname"},
        ("terminal", "no_such_passage"): {"number"},
        ("terminal", "card_added"): {"card", "cite"},
        ("terminal", "exported"): {"path"},
        ("terminal", "export_failed"): {"path", "reason"},
        ("terminal", "settings"): {"mode", "voice"},
        ("terminal", "unknown_mode"): {"value", "choices"},
        ("terminal", "unknown_voice"): {"value", "choices"},
    }
    for group, table in prompts.messages.items():
        for key, template in table.items():
            expected = allowed.get((group, key), {key} if group == "card" else set())
            assert placeholders(template) <= expected, (group, key, template)


def test_a_prompts_folder_without_a_sentence_is_refused(tmp_path: Path, prompts: Prompts) -> None:
    folder = tmp_path / "prompts"
    shutil.copytree(PROJECT_ROOT / "prompts", folder)
    messages = folder / "messages.toml"
    messages.write_text(messages.read_text(encoding="utf-8").replace('no_more = "', 'no_longer = "'), encoding="utf-8")
    with pytest.raises(PromptsError, match=r"\[followup\] lacks no_more"):
        Prompts.load(folder)
    (folder / "starters.toml").write_text('templates = ["What about {topic}?"]\n', encoding="utf-8")
    messages.write_text((PROJECT_ROOT / "prompts" / "messages.toml").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(PromptsError, match="only use"):
        Prompts.load(folder)
    (folder / "starters.toml").unlink()
    with pytest.raises(PromptsError, match="cannot be read"):
        Prompts.load(folder)
