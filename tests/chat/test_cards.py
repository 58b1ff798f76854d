"""Debate cards: the whole passage verbatim, the user's tag, short and full cites from metadata."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from assistant.chat import Chat
from assistant.errors import BadRequest
from assistant.schemas import CardRequest, Highlight
from assistant.service import Assistant
from tests.helpers import seed_passage_with

QUOTATION = "The smashing of the Left Opposition"  # a lead-in with its quotation
LENIN_DIED = "Last but not least Lenin died"


def test_a_card_is_the_whole_passage_with_its_cites(assistant: Assistant) -> None:
    passage, document = assistant.lookup(seed_passage_with(QUOTATION))
    key = Highlight(start=passage.start, end=passage.start + passage.text.index(".") + 1)
    card = Chat(assistant).card(CardRequest(passage_id=passage.id, tag="  Stalin was Thermidor  ", highlight=key))
    assert card.text == passage.text == document.text[card.start : card.end]
    assert card.tag == "Stalin was Thermidor"
    assert card.short_cite == "Hoskisson 10"
    assert card.full_cite == (
        "Mark Hoskisson, writer for Permanent Revolution, the magazine of the British group of that name, "
        "“The Red Jacobins: Thermidor and the Russian Revolution in 1921”, Permanent Revolution, 2010, "
        f"section “Trotskyist practice”, ¶{passage.paragraph}, notes 9"
    )
    key_text = passage.text[: key.end - passage.start]
    assert card.markdown == (
        f"#### Stalin was Thermidor\n\n**{card.short_cite} ({card.full_cite})**\n\n"
        f"**{key_text}**{passage.text[len(key_text) :]}\n"
    )
    assert "…" not in card.markdown.replace(passage.text, "")


def test_a_card_without_tag_or_highlight_is_still_whole(assistant: Assistant) -> None:
    card = Chat(assistant).card(CardRequest(passage_id=seed_passage_with(LENIN_DIED)))
    assert card.tag == "" and card.highlight is None and not card.markdown.startswith("####")
    assert card.markdown.endswith(card.text + "\n")


def test_a_list_marker_stays_outside_the_emphasis(assistant: Assistant) -> None:
    passage = next(p for p in assistant.store.passages if p.text.startswith("* "))
    card = Chat(assistant).card(
        CardRequest(passage_id=passage.id, highlight=Highlight(start=passage.start, end=passage.end))
    )
    assert card.markdown.splitlines()[-1] == f"* **{passage.text[2:].strip()}**"


def test_a_highlight_outside_the_passage_is_refused(assistant: Assistant) -> None:
    passage, _ = assistant.lookup(seed_passage_with(QUOTATION))
    with pytest.raises(BadRequest, match="not inside passage"):
        Chat(assistant).card(
            CardRequest(passage_id=passage.id, highlight=Highlight(start=passage.start - 1, end=passage.end))
        )


def test_cites_of_other_documents(multi_assistant: Assistant) -> None:
    chat = Chat(multi_assistant)
    manifesto_id = multi_assistant.document("marx-engels-1848-communist-manifesto").passages[2].id
    manifesto = chat.card(CardRequest(passage_id=manifesto_id))
    assert manifesto.short_cite == "Marx & Engels 1848"
    assert manifesto.full_cite.startswith("Karl Marx and Friedrich Engels, “Manifesto of the Communist Party”")
    goldman_id = multi_assistant.document("goldman-1924-my-disillusionment-in-russia-afterword").passages[1].id
    goldman = chat.card(CardRequest(passage_id=goldman_id))
    assert goldman.short_cite == "Goldman 1924"
    assert ", ," not in goldman.full_cite and not goldman.full_cite.endswith(", ")


@pytest.mark.parametrize(
    ("body", "status", "fragment"),
    [
        ({"passage_id": "nothing"}, 404, "no passage"),
        (
            {"passage_id": seed_passage_with(QUOTATION), "tag": "two\nlines"},
            422,
            "one line",
        ),
        ({"passage_id": seed_passage_with(QUOTATION), "tag": "x" * 301}, 422, "tag"),
        (
            {
                "passage_id": seed_passage_with(QUOTATION),
                "highlight": {"start": 0, "end": 10},
            },
            400,
            "not inside",
        ),
        (
            {"passage_id": seed_passage_with(QUOTATION), "highlight": {"start": "a"}},
            422,
            "highlight",
        ),
        ({"tag": "no passage"}, 422, "passage_id"),
    ],
)
def test_bad_card_requests_get_a_clear_4xx(client: TestClient, body: dict, status: int, fragment: str) -> None:
    response = client.post("/cards", json=body)
    assert response.status_code == status
    assert fragment in response.json()["detail"]
