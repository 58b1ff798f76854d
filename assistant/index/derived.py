"""What is derived once per index from all its documents, stored beside it: the authors, the
quoted speakers, and an outline of sections to start conversations from. Reading it costs the
same at one document as at ten thousand."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field

from assistant.corpus.document import Document, Voice

DERIVED = "derived.json"
_NAME_SPLIT = re.compile(r"\s*(?:,|&|\band\b|;)\s*")
_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
# A chapter's number before its title ("XXXIII: Afterword", "Chapter 4. Wages"): no one asks for it by name.
_NUMBERED = re.compile(
    r"^(?:(?i:chapter|book|part|no\.?)\s+)?(?=[MDCLXVI\d])(?:M{0,4}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})|\d+)"
    r"\s*[:.—–-]\s+(?=\S)"
)
_MIN_KEY_LETTERS = 4
MAX_NAME_WORDS = 6  # the longest name a question is searched for
_SECTIONS_PER_DOCUMENT = 8
_OUTLINE_MAX = 24
_PROSE = frozenset({Voice.AUTHOR, Voice.QUOTED})


@dataclass(frozen=True)
class OutlineEntry:
    """A section a conversation may start from."""

    document_id: str
    document_title: str
    section: str


@dataclass(frozen=True)
class NameKey:
    """A name a question may use for a document: its author's surname or full name, or its title.
    ``capitalised_only`` when the corpus also uses the word in lower case, as an ordinary word."""

    key: str
    document_id: str
    capitalised_only: bool = False


@dataclass(frozen=True)
class Derived:
    """Corpus-wide facts, gathered in one pass over the documents at build time."""

    authors: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    outline: tuple[OutlineEntry, ...] = ()
    titles: dict[str, str] = field(default_factory=dict)  # document id → title, for every reference
    names: tuple[NameKey, ...] = ()

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), ensure_ascii=False).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Derived:
        raw = json.loads(data)
        return cls(
            authors=tuple(raw["authors"]),
            speakers=tuple(raw["speakers"]),
            outline=tuple(OutlineEntry(**entry) for entry in raw["outline"]),
            titles=dict(raw["titles"]),
            names=tuple(NameKey(**name) for name in raw["names"]),
        )


@dataclass
class DerivedBuilder:
    """Collects :class:`Derived` while the documents stream past once."""

    _authors: dict[str, None] = field(default_factory=dict)
    _speakers: dict[str, None] = field(default_factory=dict)
    _sections: list[list[OutlineEntry]] = field(default_factory=list)
    _titles: dict[str, str] = field(default_factory=dict)
    _names: dict[tuple[str, str], None] = field(default_factory=dict)
    _lower_words: set[str] = field(default_factory=set)

    def add(self, document: Document) -> None:
        self._titles[document.id] = document.meta.title
        self._lower_words.update(w for w in _WORD.findall(document.text) if w.islower())
        for key in name_keys(document.meta.author, document.meta.title):
            self._names[(key, document.id)] = None
        if document.meta.author:
            self._authors[document.meta.author] = None
        self._speakers.update((p.speaker, None) for p in document.passages if p.speaker)
        argued = {p.section for p in document.passages if p.voice in _PROSE}
        sections = [s.title for s in document.sections if s.title in argued]
        self._sections.append(
            [OutlineEntry(document.id, document.meta.title, s) for s in sections[:_SECTIONS_PER_DOCUMENT]]
        )

    def build(self) -> Derived:
        """The outline takes sections from every document in turn, so a long book does not
        crowd out the others."""
        outline: list[OutlineEntry] = []
        for depth in range(_SECTIONS_PER_DOCUMENT):
            outline += [sections[depth] for sections in self._sections if depth < len(sections)]
        names = tuple(
            NameKey(key, document_id, all(word in self._lower_words for word in key.split()))
            for key, document_id in self._names
        )
        return Derived(tuple(self._authors), tuple(self._speakers), tuple(outline[:_OUTLINE_MAX]), self._titles, names)


def name_keys(author: str | None, title: str | None) -> list[str]:
    """The folded names a question may use for a document of this author and title."""
    return [*_author_keys(author), *_title_keys(title or "")]


def _author_keys(author: str | None) -> list[str]:
    """Each author's full name and surname, folded: ``Karl Marx and Friedrich Engels`` gives
    ``karl marx``, ``marx``, ``friedrich engels``, ``engels``."""
    keys: list[str] = []
    for name in _NAME_SPLIT.split(author or ""):
        words = [w.casefold() for w in _WORD.findall(name)]
        if words:
            keys.append(" ".join(words))
            if len(words[-1]) >= _MIN_KEY_LETTERS - 1:
                keys.append(words[-1])
    return keys


def _title_keys(title: str) -> list[str]:
    """The title's main part (before a colon or bracket, without a leading article or a chapter's
    number), folded, when it is long enough to be asked for by name: ``On Liberty`` gives ``on
    liberty``, ``XXXIII: Afterword`` gives ``afterword``."""
    unnumbered = _NUMBERED.sub("", title.strip())
    main = _LEADING_ARTICLE.sub("", re.split(r"[:;(\[]|\s[—–-]\s", unnumbered, maxsplit=1)[0].strip())
    words = [w.casefold() for w in _WORD.findall(main)]
    if not words or (len(words) == 1 and len(words[0]) < _MIN_KEY_LETTERS) or len(words) > MAX_NAME_WORDS:
        return []
    return [" ".join(words)]
