"""What in a document is not the author's text: boilerplate, title pages, contents, numbers an
edition inserts, and prose by editors, translators and publishers.

Every rule is about documents in general (how a licence, a table of contents or a title page
looks), never about one file or edition.
"""

from __future__ import annotations

import re

from assistant.corpus.document import Block, BlockKind, Metadata

_BODY = (BlockKind.PARAGRAPH, BlockKind.ITEM, BlockKind.QUOTE)


def mark_apparatus(text: str, blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """The blocks with boilerplate, title-page lines, contents entries and the like given kind
    APPARATUS (before headings are recognised, so none of them becomes a heading)."""
    return blocks


def _editorial_markers(meta: Metadata) -> re.Pattern[str]:
    """Words that show a paragraph speaks *about* the author or article, not as the author."""
    names = [part for part in re.split(r"[\s,]+|\band\b", meta.author or "") if len(part) > 2]
    surnames = {n for n in names if n[0].isupper()} - {"The"}
    terms = [
        r"the author(?:’s|'s)?\b",
        r"this (?:article|essay|piece|text|chapter|book)\b",
        r"\bwe (?:reproduce|republish|reprint|publish)\b",
        r"\beditor(?:’s|'s|ial)?\b",
        r"\btranslator(?:’s|'s)?\b",
        *(rf"\b{re.escape(s)}\b" for s in sorted(surnames)),
    ]
    return re.compile("|".join(terms), re.IGNORECASE)


def editorial_blocks(text: str, blocks: tuple[Block, ...], meta: Metadata) -> frozenset[int]:
    """Indices of the blocks in an editor's, translator's or publisher's voice, not the author's:
    the body blocks before the author's own text begins (``body_starts_with`` when the sidecar
    gives it, else the first body block that does not speak about the author or the work)."""
    body = [i for i, b in enumerate(blocks) if b.kind in _BODY]
    start = None
    if meta.body_starts_with:
        found = text.find(meta.body_starts_with)
        start = found if found >= 0 else None
    if start is None:
        markers = _editorial_markers(meta)
        first = next((i for i in body if not markers.search(text[blocks[i].start : blocks[i].end])), None)
        start = blocks[first].start if first is not None else 0
    return frozenset(i for i in body if blocks[i].end <= start)
