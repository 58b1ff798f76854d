"""Soft routing: a question that names an author or a work leans toward that work's passages.

The names come from the corpus's own metadata (each document's author and title, gathered when
the index is built), never from a list in the code. A question is looked up by its word runs, so
the cost does not grow with the number of documents.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.index.derived import MAX_NAME_WORDS, NameKey

_WORD = re.compile(r"[^\W\d_][\w'’.-]*")


class Names:
    """The corpus's names by their folded words, for lookup by the runs of a question's words."""

    def __init__(self, names: Iterable[NameKey]) -> None:
        self._by_key: dict[str, list[NameKey]] = {}
        for name in names:
            self._by_key.setdefault(name.key, []).append(name)

    def routed(self, question: str) -> frozenset[str]:
        """The documents whose author or title the question names. A key that is also an ordinary
        word of the corpus (``smith``, ``prince``) counts only when the question capitalises it."""
        if not self._by_key:
            return frozenset()
        words = _WORD.findall(question)
        folded = [w.casefold() for w in words]
        routed: set[str] = set()
        for start in range(len(words)):
            for end in range(start + 1, min(len(words), start + MAX_NAME_WORDS) + 1):
                for name in self._by_key.get(" ".join(folded[start:end]), ()):
                    if not name.capitalised_only or all(w[0].isupper() for w in words[start:end]):
                        routed.add(name.document_id)
        return frozenset(routed)
