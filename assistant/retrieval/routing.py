"""Soft routing: a question that names an author or a work leans toward that work's passages.

The names come from the corpus's own metadata (each document's author and title, gathered when
the index is built), never from a list in the code. A question is looked up by its word runs, so
the cost does not grow with the number of documents.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

from assistant.index.derived import MAX_NAME_WORDS, NameKey, name_keys

_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
_POSSESSIVE = re.compile(r"['’]s$")


class Names:
    """The corpus's names by their folded words, for lookup by the runs of a question's words."""

    def __init__(self, names: Iterable[NameKey]) -> None:
        self._names = tuple(names)
        self._by_key: dict[str, list[NameKey]] = {}
        for name in self._names:
            self._by_key.setdefault(name.key, []).append(name)

    def renamed(self, citations: Mapping[str, tuple[str | None, str | None]], is_word: Callable[[str], bool]) -> Names:
        """These names with the documents of ``citations`` (id → author and title, as corrected)
        named by those instead. A corrected name's word is taken for an ordinary word, asked
        for only capitalised, when ``is_word`` says the corpus uses it (in any case)."""
        kept = [name for name in self._names if name.document_id not in citations]
        flags = {name.key: name.capitalised_only for name in self._names}
        for document_id, (author, title) in citations.items():
            for key in dict.fromkeys(name_keys(author, title)):
                ordinary = flags.get(key, all(is_word(word) for word in key.split()))
                kept.append(NameKey(key, document_id, ordinary))
        return Names(kept)

    def find(self, question: str) -> tuple[frozenset[str], tuple[str, ...]]:
        """The documents whose author or title the question names, and the question's words that
        name them. A key that is also an ordinary word of the corpus (``smith``, ``prince``)
        counts only when the question capitalises it."""
        if not self._by_key:
            return frozenset(), ()
        found = _WORD.findall(question)
        words = [_POSSESSIVE.sub("", word) for word in found]  # Mill's book: Mill
        folded = [w.casefold() for w in words]
        routed: set[str] = set()
        naming: set[int] = set()
        for start in range(len(words)):
            for end in range(start + 1, min(len(words), start + MAX_NAME_WORDS) + 1):
                for name in self._by_key.get(" ".join(folded[start:end]), ()):
                    if not name.capitalised_only or all(w[0].isupper() for w in words[start:end]):
                        routed.add(name.document_id)
                        naming.update(range(start, end))
        return frozenset(routed), tuple(found[i] for i in sorted(naming))


def without_names(question: str, names: tuple[str, ...]) -> str:
    """The question without the words that name a work or its author: they say where to look,
    and a passage that mentions the name (an editor's preface, "Mrs. Mill") is not the answer."""
    if not names:
        return question
    rest = re.sub("|".join(rf"(?<!\w){re.escape(name)}(?!\w)" for name in names), " ", question)
    return rest if _WORD.search(rest) else question


def unknown_names(question: str, naming: tuple[str, ...], uses: Callable[[str], bool]) -> tuple[str, ...]:
    """The names in the question that the corpus never uses (``uses`` says whether it uses a
    word): runs of capitalised words, other than those in ``naming`` (a work's author or title,
    known from its metadata). A question about someone or something the sources never mention
    is not answered by them."""
    named = {word.casefold() for word in naming}
    runs: list[list[str]] = []
    at = -1
    for match in _WORD.finditer(question):
        word = _POSSESSIVE.sub("", match.group())
        if word[0].isupper() and word.casefold() not in named and not uses(word):
            if runs and question[at : match.start()].isspace():
                runs[-1].append(word)
            else:
                runs.append([word])
            at = match.start() + len(word)
    return tuple(" ".join(run) for run in runs)
