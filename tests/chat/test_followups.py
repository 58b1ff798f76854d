"""Follow-up rules on made-up questions and names: they hold for any article, not one."""

from __future__ import annotations

import pytest

from assistant.chat.followups import name_keys, read_reply, substitute
from assistant.schemas import FollowUp

PEOPLE = name_keys(["Ada Lovelace", "Babbage", "Grace Hopper"])


@pytest.mark.parametrize(
    ("previous", "reply", "searched"),
    [
        # a person replaces the person
        ("What did Babbage say about the engine?", "and Lovelace?", "What did Lovelace say about the engine?"),
        ("Was Babbage right about tables?", "and Grace Hopper?", "Was Grace Hopper right about tables?"),
        ("What was Babbage’s view of the engine?", "and Hopper?", "What was Hopper’s view of the engine?"),
        ("Did Babbage and Lovelace agree?", "and Hopper?", "Did Babbage and Hopper agree?"),
        # a topic replaces the topic
        ("What did Babbage say about the engine?", "what about Cobol then", "What did Babbage say about Cobol?"),
        ("What does the author say about the mill?", "and the store?", "What does the author say about the store?"),
        ("What does the author think of punched cards?", "how about looms?", "What does the author think of looms?"),
        ("What did Babbage say about the engine?", "same for the mill", "What did Babbage say about the mill?"),
        ("What did Babbage say about the engine?", "more on the mill", "What did Babbage say about the mill?"),
        (
            "What did Babbage say at the Royal Society?",
            "what about the Analytical Society?",
            "What did Babbage say at the Analytical Society?",
        ),
        # an unknown name with nothing else to replace takes the person's place
        ("Did Babbage fund the engine?", "and Menabrea?", "Did Menabrea fund the engine?"),
        # no slot at all: the topic is joined to the question
        ("the difference engine", "and the mill?", "the difference engine the mill"),
        ("tables of logarithms?", "Lovelace then?", "tables of logarithms Lovelace?"),
    ],
)
def test_a_short_reply_names_a_new_topic(previous: str, reply: str, searched: str) -> None:
    reading = read_reply(reply, previous, PEOPLE, max_words=6)
    assert (reading.kind, reading.question) == (FollowUp.TOPIC, searched)


@pytest.mark.parametrize("reply", ["more", "More.", "  next  ", "show me more please", "and more?", "anything else?"])
def test_more_pages_on_the_previous_question(reply: str) -> None:
    reading = read_reply(reply, "What did Babbage say?", PEOPLE, max_words=6)
    assert (reading.kind, reading.question) == (FollowUp.MORE, "What did Babbage say?")


def test_more_without_a_previous_question_is_still_more() -> None:
    assert read_reply("more", None, PEOPLE, max_words=6).kind is FollowUp.MORE


@pytest.mark.parametrize(
    "reply",
    [
        "And why did Babbage leave the Society?",  # a question of its own
        "and what did Lovelace write about Bernoulli numbers?",
        "and the engine, the mill, the store, the cards and the printer?",  # longer than max_words
        "Who was Ada Lovelace?",
        "the mill",
    ],
)
def test_a_question_of_its_own_is_searched_as_asked(reply: str) -> None:
    reading = read_reply(reply, "What did Babbage say about the engine?", PEOPLE, max_words=6)
    assert (reading.kind, reading.question) == (FollowUp.NEW, reply)


def test_without_a_previous_question_a_reply_is_searched_as_asked() -> None:
    reading = read_reply("and Lovelace?", None, PEOPLE, max_words=6)
    assert (reading.kind, reading.question) == (FollowUp.NEW, "and Lovelace?")


def test_the_same_reply_always_reads_the_same() -> None:
    readings = {read_reply("and Lovelace?", "What did Babbage say about the engine?", PEOPLE, 6) for _ in range(5)}
    assert len(readings) == 1


def test_replies_chain_on_what_was_searched() -> None:
    first = substitute("What did Babbage say about the engine?", "Lovelace", PEOPLE)
    second = substitute(first, "the mill", PEOPLE)
    assert second == "What did Lovelace say about the mill?"
