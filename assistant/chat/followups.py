"""Read a short reply against the previous question, by rule and without generating text.

``more`` pages on. ``and Trotsky?``, ``what about Kronstadt then`` name a new topic: it takes
the place of the matching slot of the previous question — a person's name for a person, else
the topic after ``about``/``on``, else another name — and when the previous question has no
such slot the new topic is joined to it. Who counts as a person comes from the corpus (quoted
speakers and authors), so the rules hold for any article.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from assistant.schemas import FollowUp


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_ENDING = re.compile(r"[\s?.!…]+$")
_MORE = re.compile(
    r"^(?:(?:and|ok|okay|so|please)\s+)?"
    r"(?:more|next|next page|show more|show me more|give me more|any more|more please|more passages|"
    r"more evidence|more cards|keep going|go on|continue|what else|anything else|others|other passages)"
    r"(?:\s+please)?$",
    re.IGNORECASE,
)
_THEN = r"(?:,?\s+then)?"
_TOPIC_REPLIES = [
    re.compile(rf"^(?:(?:and|but|so|ok|okay),?\s+)?(?:what|how)\s+about\s+(?P<topic>.+?){_THEN}$", re.I),
    re.compile(rf"^(?:(?:and|but|so),?\s+)?what\s+of\s+(?P<topic>.+?){_THEN}$", re.I),
    re.compile(r"^(?:and\s+)?(?:the\s+)?same\s+(?:for|with|about|on)\s+(?P<topic>.+?)$", re.I),
    re.compile(rf"^(?:and|or|but)\s+(?:for\s+|about\s+|on\s+|with\s+|of\s+)?(?P<topic>.+?){_THEN}$", re.I),
    re.compile(r"^(?:regarding|concerning|as for|more (?:on|about))\s+(?P<topic>.+?)$", re.I),
    re.compile(r"^(?P<topic>.+?),?\s+then$", re.I),
]
# A reply whose "topic" holds one of these is a question of its own ("and why did he resign?").
_QUESTION_WORDS = _word_set(
    "is are was were be been do does did can could would should will shall has have had may might must "
    "why who whom whose how what when where which say says said think thinks mean means"
)
# The slot after these words is the previous question's topic ("what does X say about <topic>").
_TOPIC_SLOT = re.compile(
    r"\b(?:about|regarding|concerning|on the subject of|with regard to|as regards|in relation to|"
    r"(?:say|says|said|write|writes|wrote|think|thinks|thought|view|views|position|stance|opinion|"
    r"argue|argues|argued|account)\s+(?:on|of))\s+(?P<slot>[^?.!;]+)",
    re.IGNORECASE,
)
_ARTICLE_END = re.compile(r"\b(?:the|a|an)\s+$", re.IGNORECASE)
_ARTICLE_START = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_WORD = re.compile(r"\w[\w-]*")
# Capitalised only because they open a question or a sentence; never a name to replace.
_OPENERS = _word_set(
    "what who whom whose where when why how which did does do is was were are can could would should has have had "
    "the a an in on at and but so or give show find tell list quote i"
)


@dataclass(frozen=True)
class Reading:
    """How a reply was understood, and the question to search for it."""

    kind: FollowUp
    question: str


@dataclass(frozen=True)
class _Slot:
    start: int
    end: int
    text: str


def _topic_of(reply: str, max_words: int) -> str | None:
    """The new topic a short reply names, or ``None`` when it is a question of its own."""
    for pattern in _TOPIC_REPLIES:
        match = pattern.match(reply)
        if match:
            topic = match.group("topic").strip(" ,")
            words = topic.split()
            if 0 < len(words) <= max_words and not any(w.casefold() in _QUESTION_WORDS for w in words):
                return topic
            return None
    return None


def _capitalised_runs(question: str) -> list[_Slot]:
    """Runs of capitalised words separated only by spaces (any script that has capitals)."""
    runs: list[_Slot] = []
    for match in _WORD.finditer(question):
        if not match.group()[0].isupper():
            continue
        last = runs[-1] if runs else None
        if last is not None and question[last.end : match.start()].isspace():
            runs[-1] = _Slot(last.start, match.end(), question[last.start : match.end()])
        else:
            runs.append(_Slot(match.start(), match.end(), match.group()))
    return runs


def _names(question: str) -> list[_Slot]:
    """Capitalised runs without the question word or article that opens a run."""
    slots = []
    for run in _capitalised_runs(question):
        start, text = run.start, run.text
        while text and text.split()[0].casefold() in _OPENERS:
            first, _, text = text.partition(" ")
            start += len(first) + 1
        if text:
            slots.append(_Slot(start, start + len(text), text))
    return slots


def _topic_slot(question: str) -> list[_Slot]:
    match = _TOPIC_SLOT.search(question)
    if not match:
        return []
    slot = match.group("slot").rstrip(" ,")
    return [_Slot(match.start("slot"), match.start("slot") + len(slot), slot)]


def _is_person(name: str, people: frozenset[str]) -> bool:
    return name.split()[-1].casefold() in people


def name_keys(people: Iterable[str]) -> frozenset[str]:
    """The last words of people's names, which is how a reply names them (``and Serge?``)."""
    return frozenset(p.split()[-1].casefold() for p in people if p.split())


def substitute(previous: str, topic: str, people: frozenset[str]) -> str:
    """``previous`` with ``topic`` in the place of the slot it replaces, or joined to it."""
    names = _names(previous)
    persons = [s for s in names if _is_person(s.text, people)]
    others = [s for s in names if not _is_person(s.text, people)]
    slot = _topic_slot(previous)
    order = [persons, slot, others] if _is_person(topic, people) else [slot, others, persons]
    for group in order:
        if group:
            chosen = group[-1]
            before = previous[: chosen.start]
            if _ARTICLE_END.search(before):
                topic = _ARTICLE_START.sub("", topic)  # "at the <Tenth Congress>" + "the unions"
            return before + topic + previous[chosen.end :]
    stem = _ENDING.sub("", previous)
    return f"{stem} {topic}{previous[len(stem) :]}"


def read_reply(reply: str, previous: str | None, people: frozenset[str], max_words: int) -> Reading:
    """``more``, a new topic for ``previous``, or a new question; the same reply always reads the same."""
    text = _ENDING.sub("", " ".join(reply.split()))
    if _MORE.match(text):
        return Reading(FollowUp.MORE, previous or "")
    if previous is not None:
        topic = _topic_of(text, max_words)
        if topic is not None:
            return Reading(FollowUp.TOPIC, substitute(previous, topic, people))
    return Reading(FollowUp.NEW, reply)
