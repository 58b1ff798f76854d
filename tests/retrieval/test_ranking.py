"""Hybrid ranking behaviour: phrases, key sentences, voices, speakers, rebuttals, no-answer."""

from __future__ import annotations

import pytest

from assistant.corpus.document import Voice
from assistant.retrieval.options import Mode, VoiceFilter
from assistant.schemas import AskRequest, AskResponse
from assistant.service import Assistant
from tests.helpers import ask as answer


def ask(assistant: Assistant, question: str, **options: object) -> AskResponse:
    return answer(assistant, AskRequest(question=question, **options))


@pytest.mark.parametrize(
    "question",
    [
        "where is the “genius of the new world” quote?",
        'find "genius of the new world"',
        'who called Stalin the "genius of a new world"?',  # one word off: found by the fuzzy match
    ],
)
def test_quoted_phrase_is_found_first(assistant: Assistant, question: str) -> None:
    response = ask(assistant, question)
    top = response.passages[0]
    assert "genius of the new world" in top.text
    key = top.text[top.highlight.start - top.start : top.highlight.end - top.start]
    assert "genius of the new world" in key
    assert response.answered


def test_key_sentence_is_a_verbatim_span_inside_its_passage(assistant: Assistant) -> None:
    text = assistant.document("red-jacobins").text
    for question in ["why did the Left SRs leave the government?", "Kronstadt", "ban on factions", "Serge"]:
        for passage in ask(assistant, question, k=10).passages:
            assert passage.start <= passage.highlight.start < passage.highlight.end <= passage.end
            sentence = text[passage.highlight.start : passage.highlight.end]
            assert sentence == sentence.strip() and sentence in passage.text


def test_key_sentence_is_the_one_that_answers(assistant: Assistant) -> None:
    top = ask(assistant, "When did Stalin become General Secretary of the party?").passages[0]
    key = top.text[top.highlight.start - top.start : top.highlight.end - top.start]
    assert key.startswith("Stalin became the General Secretary")


@pytest.mark.parametrize(
    ("voice", "expected"), [(VoiceFilter.AUTHOR, Voice.AUTHOR), (VoiceFilter.QUOTED, Voice.QUOTED)]
)
def test_voice_filter(assistant: Assistant, voice: VoiceFilter, expected: Voice) -> None:
    passages = ask(assistant, "Thermidor and the party", k=20, voice=voice).passages
    assert passages
    assert all(p.voice is expected for p in passages)


def test_speaker_filter_is_case_insensitive_and_takes_a_surname(assistant: Assistant) -> None:
    passages = ask(assistant, "centralisation", speaker="serge", k=10).passages
    assert passages and all(p.speaker in ("Victor Serge", "Serge") for p in passages)
    assert ask(assistant, "centralisation", speaker="Nobody Known").passages == []


def test_what_the_author_says_is_not_answered_with_quotations_or_the_editor(assistant: Assistant) -> None:
    passages = ask(assistant, "What does the author say about Trotsky's theory of Thermidor?").passages
    assert all(p.voice is Voice.AUTHOR for p in passages[:3])
    assert all(p.voice is not Voice.EDITORIAL for p in passages)


def test_where_does_a_speaker_say_finds_their_quoted_words(assistant: Assistant) -> None:
    passages = ask(assistant, "where does Lenin say the opposition has to be finished with?").passages
    assert any(p.voice is Voice.QUOTED and p.speaker == "Lenin" for p in passages[:3])


def test_rebuttal_mode_answers_in_the_authors_voice_first(assistant: Assistant) -> None:
    response = ask(assistant, "Lenin had nothing to do with the rise of Stalinism", mode=Mode.REBUTTAL, k=8)
    voices = [p.voice for p in response.passages]
    assert voices[0] is Voice.AUTHOR
    assert voices == sorted(voices, key=lambda v: v is not Voice.AUTHOR), "author's passages come first"
    assert response.message == assistant.prompts.say("ask", "rebuttal")


@pytest.mark.parametrize(
    ("question", "unknown"),
    [
        ("what is the capital of France?", None),
        ("best pizza in Naples", "Naples"),
        ("How do I change a flat tyre?", None),
        ("tips for a job interview", None),
        ("Did Rosa Luxemburg warn Lenin about Brexit?", "Rosa Luxemburg”, “Brexit"),
    ],
)
def test_off_topic_questions_are_not_answered_but_nearest_passages_are_listed(
    assistant: Assistant, question: str, unknown: str | None
) -> None:
    """A question about someone or something the article never mentions says so, by name."""
    response = ask(assistant, question)
    assert response.answered is False
    expected = ("unknown_names", {"names": unknown}) if unknown else ("not_answered", {})
    assert response.message == assistant.prompts.say("ask", expected[0], **expected[1])
    assert len(response.passages) == 5


@pytest.mark.parametrize(
    "question",
    ["Why did Trotsky lose to Stalin?", "What was the Workers' Opposition?", "ban on factions", "Kronstadt"],
)
def test_on_topic_questions_are_answered(assistant: Assistant, question: str) -> None:
    assert ask(assistant, question).answered is True
