"""Soft routing: a question that names an author or a work leans toward that work's passages.

The names come from the corpus's own metadata (each document's author and title, gathered when
the index is built), never from a list in the code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.index.derived import NameKey

_WORD = re.compile(r"[^\W\d_][\w'’.-]*")


def routed_documents(question: str, names: Iterable[NameKey]) -> frozenset[str]:
    """The documents whose author or title the question names. A key that is also an ordinary word
    of the corpus (``mill``, ``prince``) counts only when the question capitalises it."""
    folded = " ".join(w.casefold() for w in _WORD.findall(question))
    capitalised = {w for w in _WORD.findall(question) if w[0].isupper()}
    routed = set()
    for name in names:
        if not re.search(rf"(?<!\S){re.escape(name.key)}(?!\S)", folded):
            continue
        if name.capitalised_only and not {w.casefold() for w in capitalised} >= set(name.key.split()):
            continue
        routed.add(name.document_id)
    return frozenset(routed)
