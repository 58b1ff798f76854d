"""A document's citation fields, from what it states about itself, overridden by its sidecar.

Readers report facts from the format's own metadata (HTML ``<meta>``, EPUB OPF, PDF info, Word
core properties, front matter); :func:`text_facts` adds what the text says (an e-book header, a
"By NAME" line, a title page). :func:`resolve` picks one value per field and says where it came
from. The year is the work's: a release, posting or update date is never taken for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from assistant.corpus.apparatus import AUTHOR_LINE, HEADER_FIELD, TITLE_PAGE
from assistant.corpus.document import Block, BlockKind, Fact, Metadata

SIDECAR = "sidecar"
E_BOOK_HEADER = "e-book header"
BYLINE = "byline"
OPINION_LINE = "opinion line"
TITLE_PAGE_SOURCE = "title page"
INTRODUCTION = "introduction"
# Not a citation field: a date the text gives for the e-text's own release, posting or update.
# :func:`resolve` uses it to refuse the same year when format metadata offers it as the work's.
RELEASED = "released"
# What the text states, as opposed to what a format's metadata says (see :func:`resolve`).
_TEXT_SOURCES = (E_BOOK_HEADER, BYLINE, TITLE_PAGE_SOURCE, INTRODUCTION)

_YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})\b")
_ROMAN_YEAR = re.compile(r"\b(M{1,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3}))\b\.?")
_MIN_ROMAN_YEAR_LETTERS = 4  # "MDC" may be a word; "MDCCCLIX" is a year
_ROMAN = {"M": 1000, "D": 500, "C": 100, "L": 50, "X": 10, "V": 5, "I": 1}
_HEADER_REACH = 40  # blocks: a distributor's header sits at the very top
_BYLINE_REACH = 30
_TITLE_DATE = re.compile(r"\((?:[A-Za-z]+\.? )?(1[0-9]{3}|20[0-9]{2})\)\s*$")  # "… (February 1848)"
_DELIVERED = re.compile(
    r"(?m)^[ \t]*(?P<name>(?:(?:CHIEF )?JUSTICE|(?:Chief )?Justice|LORD|Lord|LADY|Lady|JUDGE|Judge)"
    r"\s+[A-Z][\w.'’\- ]{1,60}?)\s+delivered the (?:opinion|judg(?:e)?ment)\b"
)
_SPACE = re.compile(r"\s+")

# Header fields that name the work, its author, or its first publication; release, posting and
# update dates are the e-text's, never the work's.
_FIELD_OF_LABEL = {
    "title": "title",
    "author": "author",
    "authors": "author",
    "original publication": "year",
    "first published": "year",
}
_RELEASE_LABELS = {
    "release date",
    "posting date",
    "last updated",
    "most recently updated",
    "date first posted",
    "date last updated",
    "first posted",
}
# "The … EBook of TITLE, by AUTHOR": a distributor's first line.
_EBOOK_OF = re.compile(
    r"^\W*(?:the\s+)?(?:[\w\-]+\s+){0,3}e-?(?:book|text)\s+of\s+(?P<title>.+?)(?:,\s+by\s+(?P<author>[^\n]+?))?"
    r"\s*(?:\n|$|\s(?=This\s+e-?(?:book|text)\b)|\s(?=Title:))",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"^\W*(?:by|written by)\s+(?P<name>[^\n•·|]+)", re.IGNORECASE)
_NOT_A_NAME = re.compile(r"^(?:himself|herself|themselves|itself|the author|an? |the same\b)", re.IGNORECASE)
_MAX_NAME_WORDS = 8
_MIN_TITLE_CHARS = 4
_PUBLISHED_IN = r"was\s+(?:first\s+)?published\s+in\s+(1\d{3}|20\d\d)\b"
# A title that is a file's label or a template's, not the work's.
_LABEL_TITLE = re.compile(
    r"\btemplate\b|\buntitled\b|^document\s*\d*$|^microsoft\b|\.(?:docx?|pdf|txt|html?|epub|indd|rtf)$|"
    r"\(\d{1,2}/\d{1,2}/\d{2,4}\)|\be-?(?:book|text) of\b",
    re.IGNORECASE,
)


def _clean(value: str) -> str:
    return _SPACE.sub(" ", value).strip().strip(",;").strip()


def _as_name(value: str) -> str:
    """A name as it is cited: trailing punctuation dropped, capitals written as a name is."""
    name = _clean(value).rstrip(".")
    return name.title() if name.isupper() else name


def text_facts(text: str, blocks: tuple[Block, ...]) -> tuple[Fact, ...]:
    """Facts the text itself states, most trustworthy first: e-book header fields, the header's
    "EBook of TITLE, by AUTHOR" line, a byline, the title page's title and year, and the year an
    introduction says the work was published."""
    facts = [
        *_header_facts(text, blocks),
        *_byline_facts(text, blocks),
        *_opinion_facts(text),
        *_title_page_facts(text, blocks),
    ]
    return (*facts, *_stated_publication(text, [f.value for f in facts if f.field == "title"]))


def _opinion_facts(text: str) -> list[Fact]:
    """A court's opinion names its writer: "CHIEF JUSTICE SMITH delivered the opinion of the
    Court." The first such line is the opinion of the court; later ones are separate opinions."""
    found = _DELIVERED.search(text)
    return [Fact("author", _as_name(found.group("name")), OPINION_LINE)] if found else []


def _stated_publication(text: str, titles: list[str]) -> list[Fact]:
    """The year an introduction says the work was published ("_Liberty_ was published in 1859")."""
    for title in titles:
        core = re.sub(r"^(?:on|the|an?)\s+", "", title.strip(), flags=re.IGNORECASE).rstrip(".")
        if len(core) < _MIN_TITLE_CHARS:
            continue
        found = re.search(rf"[_*“\"]?{re.escape(core)}[_*”\"]?,?\s+{_PUBLISHED_IN}", text)
        if found:
            return [Fact("year", found.group(1), INTRODUCTION)]
    return []


def _header_facts(text: str, blocks: tuple[Block, ...]) -> list[Fact]:
    """ "Label: value" fields of a distributor's header (the value runs to the next label), then the
    "EBook of X, by Y" line, whose title the header's own Title field beats."""
    top = text[: blocks[min(len(blocks), _HEADER_REACH) - 1].end] if blocks else ""
    fields = list(HEADER_FIELD.finditer(top))
    facts: list[Fact] = []
    if len({m.group(1).lower() for m in fields}) >= 2:
        for match, following in zip(fields, [*fields[1:], None], strict=True):
            end = following.start() if following else len(top)
            value = _clean(re.split(r"\n\s*\n|\*{3}", top[match.end() : end])[0])
            label = match.group(1).lower()
            if not value:
                continue
            if label in _RELEASE_LABELS:
                facts += [Fact(RELEASED, y, E_BOOK_HEADER) for y in _YEAR.findall(value)]
            elif label in _FIELD_OF_LABEL:
                field = _FIELD_OF_LABEL[label]
                facts.append(Fact(field, _as_name(value) if field == "author" else value, E_BOOK_HEADER))
    opening = _EBOOK_OF.match(text.lstrip("\ufeff"))
    if opening:
        facts.append(Fact("title", _clean(opening.group("title")), E_BOOK_HEADER))
        if opening.group("author"):
            facts.append(Fact("author", _as_name(opening.group("author")), E_BOOK_HEADER))
    return facts


def _byline_facts(text: str, blocks: tuple[Block, ...]) -> list[Fact]:
    """A "By NAME" or "Written by NAME" line near the top: its name is the author's (a translator's
    or editor's credit reads "Translated by", "Edited by" and is not taken); else a report's closing
    author line ("NAME, Analyst in …")."""
    for block in blocks[:_BYLINE_REACH]:
        if block.kind is BlockKind.NOTE:
            continue
        found = _BYLINE.match(text[block.start : block.end])
        if not found:
            continue
        name = _as_name(re.split(r"\s+(?:on|at)\s+\d|,\s*\d|\s[-–—]\s", found.group("name"))[0])
        if name and not _NOT_A_NAME.match(name) and len(name.split()) <= _MAX_NAME_WORDS and name[0].isupper():
            return [Fact("author", name, BYLINE)]
    tail = [b for b in blocks[-_BYLINE_REACH:] if b.kind is not BlockKind.NOTE]
    closing = (AUTHOR_LINE.match(text[b.start : b.end]) for b in tail)
    return [Fact("author", _as_name(found.group("name")), BYLINE) for found in closing if found][:1]


def _title_page_facts(text: str, blocks: tuple[Block, ...]) -> list[Fact]:
    """The title page's first line as a title, and the first year it prints (also in Roman numerals)."""
    page = [text[b.start : b.end] for b in blocks if b.kind is BlockKind.APPARATUS and b.label == TITLE_PAGE]
    facts = (
        [Fact("title", _clean(page[0]).rstrip("."), TITLE_PAGE_SOURCE)] if page and not _BYLINE.match(page[0]) else []
    )
    for line in page:
        year = _YEAR.search(line)
        roman = None if year else _ROMAN_YEAR.search(line)
        if year or (roman and len(roman.group(1)) >= _MIN_ROMAN_YEAR_LETTERS):
            value = year.group(1) if year else str(roman_value(roman.group(1)))  # type: ignore[union-attr]
            return [*facts, Fact("year", value, TITLE_PAGE_SOURCE)]
    return facts


def roman_value(numeral: str) -> int:
    """The value of a Roman numeral ("MDCCCLIX" → 1859)."""
    values = [_ROMAN[c] for c in numeral.upper()]
    return sum(-v if v < following else v for v, following in zip(values, [*values[1:], 0], strict=True))


def _year(value: str) -> int | None:
    found = _YEAR.search(value)
    return int(found.group(1)) if found else None


def _letters(value: str) -> str:
    return "".join(c for c in value.casefold() if c.isalnum())


def _shown(title: str, text: str | None) -> bool:
    """The title stands in the text, whatever punctuation or line breaks a reader joined it with."""
    return text is None or _letters(title) in _letters(text)


def resolve(
    facts: Iterable[Fact], sidecar: Mapping[str, object], fallback_title: str, text: str | None = None
) -> tuple[Metadata, dict[str, str]]:
    """One value per citation field, and where each came from (``provenance``, served to users).

    The sidecar wins every field it gives. Otherwise facts count in the order given (readers list
    the most trustworthy first, then :func:`text_facts`, then a first-line title), except that:

    - the year is the work's: a year the text states (title page, e-book header) beats a format's
      metadata date, which is usually the file's or the edition's; a metadata year that the text
      gives as its e-text's release, posting or update date is refused; no year beats a wrong one;
    - with no year stated anywhere, a date closing the title ("… (February 1848)") gives it;
    - a title that looks like a file label or a template (or, when ``text`` is given, that the text
      never shows) loses to one that does not; the file name is the last resort.
    """
    facts = list(facts)
    values: dict[str, object] = {}
    provenance: dict[str, str] = {}
    for key, given in sidecar.items():
        if given not in (None, ""):
            values[key] = given
            provenance[key] = SIDECAR
    released = {int(f.value) for f in facts if f.field == RELEASED and f.value.isdigit()}
    for fact in _ranked(facts, text):
        if fact.field in values or fact.field not in _FIELDS:
            continue
        value: object = _year(fact.value) if fact.field == "year" else fact.value
        if value is None or (fact.field == "year" and fact.source not in _TEXT_SOURCES and value in released):
            continue
        values[fact.field] = value
        provenance[fact.field] = fact.source
    if "title" not in values:
        values["title"] = fallback_title
        provenance["title"] = "file name"
    dated = _TITLE_DATE.search(str(values["title"]))
    if "year" not in values and dated and int(dated.group(1)) not in released:
        values["year"] = int(dated.group(1))
        provenance["year"] = "title"
    year = values.get("year")
    if year is not None and not isinstance(year, int):
        values["year"] = _year(str(year))
    return Metadata(**values), provenance  # type: ignore[arg-type]


def _ranked(facts: list[Fact], text: str | None) -> list[Fact]:
    """Facts in the order they should win: years the text states first, titles that look like the
    work's before labels; otherwise as given (the sort is stable)."""

    def rank(fact: Fact) -> int:
        if fact.field == "year":
            return 0 if fact.source in _TEXT_SOURCES else 1
        if fact.field == "title":
            return 1 if _LABEL_TITLE.search(fact.value) or not _shown(fact.value, text) else 0
        return 0

    return sorted(facts, key=rank)


_FIELDS = {"title", "author", "publication", "year", "qualifications", "url"}
