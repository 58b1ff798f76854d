"""What a question asks for besides its topic: the author's own view, or a named speaker's words."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from assistant.index.lexical import terms

# Words that frame a question rather than name its topic ("what does the author say about ...").
FRAME_TERMS = frozenset(
    terms(
        "author article writer text piece essay say says said think thinks view opinion discuss describe "
        "argue claim according mention explain tell quote passage section"
    )
)
_AUTHOR = re.compile(r"\b(?:the|this) (?:author|writer|article|essay|piece|text)\b|\bauthor(?:’s|'s)\b", re.I)

_SPEECH_CUE = re.compile(
    r"\b(?:say|says|said|saying|write|writes|wrote|words|quote[sd]?|quotation|put it|speech|declare[sd]?|"
    r"comment(?:s|ed)?|retort(?:s|ed)?)\b",
    re.I,
)


@dataclass(frozen=True)
class Intent:
    """Soft preferences read from the wording of a question."""

    wants_author: bool
    speaker: str | None
    wants_words: bool


def read_intent(question: str, speakers: Iterable[str]) -> Intent:
    """``What does the author say…`` wants the author's voice; a named speaker wants their words."""
    mentioned = [s for s in speakers if re.search(rf"\b{re.escape(s.split()[-1])}\b", question, re.I)]
    return Intent(
        wants_author=bool(_AUTHOR.search(question)),
        speaker=mentioned[0] if len(mentioned) == 1 else None,
        wants_words=bool(_SPEECH_CUE.search(question)),
    )


def speaker_matches(wanted: str, speaker: str | None) -> bool:
    """Case-insensitive, and a surname finds the full name (``serge`` → ``Victor Serge``)."""
    if speaker is None:
        return False
    wanted_words = wanted.casefold().split()
    speaker_words = speaker.casefold().split()
    return wanted_words == speaker_words[-len(wanted_words) :]
