"""(X)HTML reduced to plain text: headings, paragraphs, list items and block quotes, tags removed.

Footnote references (``<a epub:type="noteref">``, ``<sup>``) stay glued to the word or quotation
they follow, as the printed page shows them, and are recorded as note markers.
"""

from __future__ import annotations

from collections.abc import Iterator

from bs4 import BeautifulSoup, NavigableString, Tag

from assistant.corpus.document import BlockKind, Extracted
from assistant.corpus.readers.builder import TextBuilder, note_token

_HTML_BLOCKS = {"p", "li", "dt", "dd", "pre", "figcaption", "td", "th", "caption"}
_HTML_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_HTML_SKIP = {"script", "style", "head", "nav", "template", "noscript", "aside", "footer"}


def read_html(source: str) -> Extracted:
    """Blocks, note markers and the facts its ``<head>`` states, of one (X)HTML document."""
    soup = BeautifulSoup(source, "html.parser")
    builder = TextBuilder()
    title_tag = soup.find("title")
    if title_tag:
        builder.fact("title", title_tag.get_text(" ", strip=True), "html <title>")
    body = soup.body or soup
    for element, kind, level in _html_blocks(body, in_quote=False, in_hgroup=False):
        builder.add(kind, _html_text(element), level)
    return builder.build()


def _html_blocks(node: Tag, in_quote: bool, in_hgroup: bool) -> Iterator[tuple[Tag, BlockKind, int]]:
    for child in node.children:
        if not isinstance(child, Tag) or child.name in _HTML_SKIP:
            continue
        name = child.name.lower()
        nested = child.find(list(_HTML_BLOCKS | set(_HTML_HEADINGS)))
        if name in _HTML_HEADINGS:
            yield child, BlockKind.HEADING, _HTML_HEADINGS[name]
        elif name in _HTML_BLOCKS and not (name == "li" and nested):
            if in_hgroup:
                yield child, BlockKind.HEADING, 2
            elif in_quote:
                yield child, BlockKind.QUOTE, 0
            else:
                yield child, BlockKind.ITEM if name == "li" else BlockKind.PARAGRAPH, 0
        elif name == "blockquote" and not nested:
            yield child, BlockKind.QUOTE, 0
        else:
            yield from _html_blocks(child, in_quote or name == "blockquote", in_hgroup or name == "hgroup")


def _html_text(element: Tag) -> str:
    """Visible text of an element; note references become note markers."""
    parts = []
    for piece in element.find_all(string=True):
        if type(piece) is not NavigableString:
            continue
        if _is_note_reference(piece.parent) and str(piece).strip():
            parts.append(note_token(str(piece).strip()))
        else:
            parts.append(str(piece))
    return "".join(parts)


def _is_note_reference(tag: Tag | None) -> bool:
    if tag is None:
        return False
    kinds = f"{tag.get('epub:type', '')} {tag.get('role', '')} {' '.join(tag.get('class', []) or [])}"
    return tag.name == "sup" or "noteref" in kinds or "footnote-ref" in kinds
