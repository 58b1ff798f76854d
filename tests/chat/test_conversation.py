"""Conversations over the real model and index: follow-ups, paging, and what is said."""

from __future__ import annotations

import pytest

from assistant.chat import Chat
from assistant.errors import NotFound
from assistant.retrieval.options import Mode, VoiceFilter
from assistant.schemas import AskRequest, FollowUp
from assistant.service import Assistant
from tests.helpers import SEED_ID, ask


@pytest.fixture
def chat(assistant: Assistant) -> Chat:
    return Chat(assistant)


def test_a_follow_up_is_searched_against_the_previous_question(chat: Chat, assistant: Assistant) -> None:
    session = chat.start().session_id
    first = ask(chat, AskRequest(question="What does the author say about the ban on factions?", session_id=session))
    assert first.followup is FollowUp.NEW and first.echo is None and first.session_id == session
    follow = ask(chat, AskRequest(question="and Kronstadt?", session_id=session))
    assert follow.question == "and Kronstadt?"
    assert follow.searched_for == "What does the author say about Kronstadt?"
    assert follow.followup is FollowUp.TOPIC
    assert follow.echo == assistant.prompts.say("followup", "echo", question=follow.searched_for)
    assert any("Kronstadt" in p.text for p in follow.passages[:3])
    direct = ask(assistant, AskRequest(question=follow.searched_for))
    assert [p.id for p in follow.passages] == [p.id for p in direct.passages]


def test_a_person_replaces_the_person_named_before(chat: Chat) -> None:
    session = chat.start().session_id
    ask(chat, AskRequest(question="What did Lenin say about the Tenth Congress?", session_id=session))
    follow = ask(chat, AskRequest(question="and Trotsky?", session_id=session))
    assert follow.searched_for == "What did Trotsky say about the Tenth Congress?"
    then = ask(chat, AskRequest(question="what about the trade unions then", session_id=session))
    assert then.searched_for == "What did Trotsky say about the trade unions?"


def test_more_pages_through_the_last_question(chat: Chat, assistant: Assistant) -> None:
    session = chat.start().session_id
    question = "Why did the Bolsheviks ban other parties?"
    everything = ask(assistant, AskRequest(question=question, k=15))
    pages = [ask(chat, AskRequest(question=question, k=5, session_id=session))]
    pages += [ask(chat, AskRequest(question=reply, session_id=session)) for reply in ("more", "next please")]
    assert [p.id for page in pages for p in page.passages] == [p.id for p in everything.passages]
    assert [page.offset for page in pages] == [0, 5, 10]
    assert all(page.searched_for == question for page in pages)
    assert pages[2].echo == assistant.prompts.say("followup", "more", question=question, first=11)


def test_more_keeps_the_filters_of_the_question_it_continues(chat: Chat) -> None:
    session = chat.start().session_id
    first = ask(chat, AskRequest(question="Trotsky on Thermidor", voice=VoiceFilter.QUOTED, k=3, session_id=session))
    more = ask(chat, AskRequest(question="more", session_id=session))
    assert more.passages and all(p.voice.value == "quoted" for p in first.passages + more.passages)
    assert not {p.id for p in first.passages} & {p.id for p in more.passages}


def test_more_past_the_last_passage_says_so(chat: Chat, assistant: Assistant) -> None:
    session = chat.start().session_id
    ask(chat, AskRequest(question="Lenin", k=50, documents=[SEED_ID], session_id=session))
    pages = [ask(chat, AskRequest(question="more", session_id=session)) for _ in range(4)]
    assert [len(p.passages) for p in pages][-1] == 0
    assert pages[-1].message == assistant.prompts.say("followup", "no_more")


def test_more_with_nothing_before_says_so(chat: Chat, assistant: Assistant) -> None:
    response = ask(chat, AskRequest(question="more", session_id=chat.start().session_id))
    assert response.passages == [] and not response.answered
    assert response.message == assistant.prompts.say("followup", "nothing_before")


def test_a_new_question_starts_afresh_with_its_own_mode(chat: Chat, assistant: Assistant) -> None:
    session = chat.start().session_id
    ask(chat, AskRequest(question="What did Lenin say about the Tenth Congress?", session_id=session))
    claim = ask(
        chat, AskRequest(question="Stalin was a foreign body in Bolshevism", mode=Mode.REBUTTAL, session_id=session)
    )
    assert claim.followup is FollowUp.NEW and claim.searched_for == claim.question
    assert claim.message == assistant.prompts.say("ask", "rebuttal")


def test_without_a_session_a_question_stands_alone(chat: Chat) -> None:
    response = ask(chat, AskRequest(question="and Trotsky?"))
    assert response.session_id is None and response.searched_for == "and Trotsky?"


def test_an_unknown_conversation_is_not_found(chat: Chat) -> None:
    with pytest.raises(NotFound, match="POST /sessions"):
        ask(chat, AskRequest(question="more", session_id="never-started"))


def test_a_session_starts_with_starters_from_every_section(chat: Chat, assistant: Assistant) -> None:
    start = chat.start()
    sections = [s.title for d in assistant.store.documents.values() for s in d.sections]
    assert [s.section for s in start.starters] == sections
    assert start.greeting == assistant.prompts.say("session", "greeting")
