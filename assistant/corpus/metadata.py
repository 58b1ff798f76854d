"""A document's citation fields, from what it states about itself, overridden by its sidecar.

Readers report facts from the format's own metadata (HTML ``<meta>``, EPUB OPF, PDF info, Word
core properties, front matter); :func:`text_facts` adds what the text says (an e-book header, a
"By NAME" line, a title page). :func:`resolve` picks one value per field and says where it came
from. The year is the work's: a release or upload date is never taken for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from assistant.corpus.document import Block, Fact, Metadata

SIDECAR = "sidecar"
_YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})\b")


def text_facts(text: str, blocks: tuple[Block, ...]) -> tuple[Fact, ...]:
    """Facts the text itself states: e-book header fields, a byline, a title-page year."""
    return ()


def _year(value: str) -> int | None:
    found = _YEAR.search(value)
    return int(found.group(1)) if found else None


def resolve(
    facts: Iterable[Fact], sidecar: Mapping[str, object], fallback_title: str
) -> tuple[Metadata, dict[str, str]]:
    """One value per citation field, and where each came from: the sidecar first, then the
    document's facts in the order given (readers and :func:`text_facts` list the most
    trustworthy first), then ``fallback_title`` (the file name) for the title."""
    values: dict[str, object] = {}
    provenance: dict[str, str] = {}
    for key, value in sidecar.items():
        if value not in (None, ""):
            values[key] = value
            provenance[key] = SIDECAR
    for fact in facts:
        if fact.field in values or fact.field not in _FIELDS:
            continue
        value: object = _year(fact.value) if fact.field == "year" else fact.value
        if value is None:
            continue
        values[fact.field] = value
        provenance[fact.field] = fact.source
    if "title" not in values:
        values["title"] = fallback_title
        provenance["title"] = "file name"
    year = values.get("year")
    if year is not None and not isinstance(year, int):
        values["year"] = _year(str(year))
    return Metadata(**values), provenance  # type: ignore[arg-type]


_FIELDS = {"title", "author", "publication", "year", "qualifications", "url"}
