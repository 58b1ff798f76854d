"""(X)HTML reduced to plain text: headings, paragraphs, list items, block quotes and note bodies.

Only the article is read: on a web page, the ``<article>`` or ``<main>`` element (see
:mod:`~assistant.corpus.readers.html_page`), never the site's header, menus, share buttons or
footer. Footnote references (``<a epub:type="noteref">``, ``<sup>1</sup>``, ``<a href="#fn1">``)
stay glued to the word or quotation they follow, as the printed page shows them, and are recorded
as note markers pointing at the id of their note body.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from urllib.parse import unquote

from bs4 import BeautifulSoup, NavigableString, PageElement, Tag

from assistant.corpus.document import BlockKind, Extracted
from assistant.corpus.readers.builder import TextBuilder, note_token
from assistant.corpus.readers.html_page import (
    attribute_words,
    byline_name,
    content_root,
    is_byline,
    is_chrome,
    page_facts,
)

_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_BLOCKS = frozenset(
    {
        *_HEADINGS,
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "center",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "header",
        "hgroup",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
_BLOCK_NAMES = list(_BLOCKS)
# Never text: code, page machinery and controls.
_SKIP = frozenset(
    {
        "script",
        "style",
        "head",
        "title",
        "nav",
        "template",
        "noscript",
        "form",
        "button",
        "select",
        "input",
        "textarea",
        "svg",
        "iframe",
        "object",
        "embed",
        "canvas",
        "video",
        "audio",
        "map",
        "dialog",
        "menu",
    }
)
_SECTIONING = ("article", "section", "main")
_NOTE_BODY_WORDS = frozenset({"footnote", "endnote", "rearnote", "note", "doc-footnote", "doc-endnote"})
_NOTE_LIST_WORDS = frozenset({"footnotes", "endnotes", "rearnotes", "references", "doc-footnotes", "doc-endnotes"})
_BACKLINK_WORDS = frozenset({"backlink", "doc-backlink", "footnote-back", "footnote-backref", "footnote-return"})
_NOTE_TARGET = re.compile(r"^(?:fn|ftn|_ftn|footnote|endnote|note|cite_note)[-_:.]?\w*?\d", re.IGNORECASE)
_MARKER_TEXT = re.compile(r"^[\[(]?(?:\d{1,3}|[*†‡§¶‖#]{1,3})[\])]?$")
_BACKLINK_TEXT = re.compile(r"^[\s↩↑^\ufe0e\ufe0f]+$")
_NOTE_LABEL = re.compile(r"^\s*[\[(]?(\d{1,3}|[*†‡§¶]{1,3})[\])]?[.:]?(?=\s)")
_SYMBOL_NOTE = re.compile(r"^\s*([*†‡§]{1,3})\s+\S")
_MAX_BOLD_HEADING_CHARS = 100
_MAX_BOLD_HEADING_WORDS = 14
_MAX_SIGNATURE_WORDS = 5
_SIGNATURE_DASHES = re.compile(r"^[\W\u2060]+|[\W\u2060]+$")
_YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})\b")
_SPACE = re.compile(r"\s+")
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n\s*")
_BODY = (BlockKind.PARAGRAPH, BlockKind.ITEM, BlockKind.QUOTE)


@dataclass(frozen=True)
class _Context:
    """Where the walk is: the package file (so ids are unique across a book) and the enclosing
    elements that decide a block's kind."""

    document: str | None = None
    run_kind: BlockKind = BlockKind.PARAGRAPH
    sectioned: bool = False
    note_list: bool = False
    bold_headings: bool = False


@dataclass(frozen=True)
class _Pending:
    """A block's text (note markers as tokens, ``\\n`` for line breaks) before it is added."""

    kind: BlockKind
    content: str
    level: int = 0
    label: str | None = None
    key: str | None = None


def read_html(source: str) -> Extracted:
    """Blocks, note markers and the citation facts of one (X)HTML document."""
    soup = BeautifulSoup(source, "html.parser")
    root = content_root(soup)
    builder = TextBuilder()
    for fact in page_facts(soup, root):
        builder.fact(fact.field, fact.value, fact.source)
    _add_root(builder, root, None)
    return builder.build()


def add_html(builder: TextBuilder, source: str, document: str) -> None:
    """Add the blocks of one (X)HTML file of a package (an EPUB chapter) to ``builder``, so that
    offsets run through the whole book; note ids are qualified by ``document``, the file's path."""
    _add_root(builder, content_root(BeautifulSoup(source, "html.parser")), document)


def _add_root(builder: TextBuilder, root: Tag, document: str | None) -> None:
    for bridgehead in root.find_all(_is_bridgehead):
        year = _YEAR.search(bridgehead.get_text(" "))
        if year:
            builder.fact("year", year.group(1), "html bridgehead")
    for signature in root.find_all(_is_signature):
        name = _SIGNATURE_DASHES.sub("", signature.get_text(" ", strip=True))
        if 0 < len(name.split()) <= _MAX_SIGNATURE_WORDS:
            builder.fact("author", name, "html signature")
    # A book's chapter has no site header or footer: there, every header and footer is the chapter's.
    book = document is not None
    context = _Context(document=document, sectioned=book, bold_headings=root.find(list(_HEADINGS)) is None)
    context = _inner_context(root, context)
    for block in _symbol_notes(list(_walk(root, context))):
        _add(builder, block)


def _add(builder: TextBuilder, block: _Pending) -> None:
    """Headings and notes are one block each (line breaks kept); other blocks split at blank lines,
    as a ``<pre>`` or a paragraph of ``<br>`` lines shows them."""
    if block.kind in (BlockKind.HEADING, BlockKind.NOTE):
        pieces = [_BLANK_LINE.sub("\n", block.content)]
    else:
        pieces = _BLANK_LINE.split(block.content)
    for piece in pieces:
        piece = piece.strip()
        builder.add(block.kind, piece, block.level, label=block.label, key=block.key, keep_lines="\n" in piece)


def _walk(node: Tag, context: _Context) -> Iterator[_Pending]:
    """The blocks under ``node``; loose text between block elements is a block of its own."""
    run: list[PageElement] = []
    for child in node.children:
        if isinstance(child, Tag) and (child.name in _BLOCKS or _holds_blocks(child)):
            yield from _run(run, context)
            run = []
            yield from _block(child, context)
        else:
            run.append(child)
    yield from _run(run, context)


def _run(nodes: list[PageElement], context: _Context) -> Iterator[_Pending]:
    content = "".join(_text(node, context) for node in nodes)
    if content.strip():
        yield _Pending(context.run_kind, content)


def _holds_blocks(tag: Tag) -> bool:
    return tag.find(_BLOCK_NAMES) is not None


def _block(tag: Tag, context: _Context) -> Iterator[_Pending]:
    name = tag.name
    if _is_note_body(tag, context):
        yield _note(tag, context)
    elif name in _SKIP or name == "aside" or is_chrome(tag) or (name in ("header", "footer") and not context.sectioned):
        return
    elif name in _HEADINGS:
        yield _Pending(BlockKind.HEADING, _text(tag, context), _HEADINGS[name])
    elif name == "hgroup":
        levels = [_HEADINGS[h.name] for h in tag.find_all(list(_HEADINGS))]
        yield _Pending(BlockKind.HEADING, _text(tag, context), min(levels, default=1))
    elif name == "pre":
        yield _Pending(_leaf_kind(tag, context), _text(tag, context, preserve=True))
    elif _holds_blocks(tag):
        yield from _walk(tag, _inner_context(tag, context))
    else:
        kind = _leaf_kind(tag, context)
        yield _Pending(kind, _text(tag, context), 1 if kind is BlockKind.HEADING else 0)


def _inner_context(tag: Tag, context: _Context) -> _Context:
    run_kind = context.run_kind
    if tag.name == "blockquote":
        run_kind = BlockKind.QUOTE
    elif tag.name == "li" and run_kind is not BlockKind.QUOTE:
        run_kind = BlockKind.ITEM
    words = attribute_words(tag, "epub:type", "role", "class", "id")
    return replace(
        context,
        run_kind=run_kind,
        sectioned=context.sectioned or tag.name in _SECTIONING,
        note_list=context.note_list or bool(_NOTE_LIST_WORDS.intersection(words)),
    )


def _leaf_kind(tag: Tag, context: _Context) -> BlockKind:
    """A block element holding only inline content: contents entries, bylines and a letter's
    furniture (bridgehead, salutation, signature) are apparatus."""
    if _is_contents(tag) or _is_short_byline(tag) or _is_letter_furniture(tag):
        return BlockKind.APPARATUS
    if _is_bold_heading(tag, context):
        return BlockKind.HEADING
    if tag.name == "blockquote":
        return BlockKind.QUOTE
    if tag.name == "li" and context.run_kind is not BlockKind.QUOTE:
        return BlockKind.ITEM
    return context.run_kind


def _text(node: PageElement, context: _Context, preserve: bool = False) -> str:
    """Visible text: whitespace runs are one space (kept inside ``<pre>``), ``<br>`` and block
    edges are line breaks, note references become note tokens, backlinks and furniture vanish."""
    if isinstance(node, Tag):
        name = node.name
        if name == "br":
            return "\n"
        if name in _SKIP or is_chrome(node) or _is_backlink(node):
            return ""
        if _is_note_reference(node):
            return _marker(node, context)
        inner = "".join(_text(child, context, preserve or name == "pre") for child in node.children)
        return f"\n{inner}\n" if name in _BLOCKS else inner
    if type(node) is NavigableString:  # not comments, CDATA or processing instructions
        return str(node) if preserve else _SPACE.sub(" ", str(node))
    return ""


def _marker(tag: Tag, context: _Context) -> str:
    """A note reference as the page shows it, brackets kept outside the recorded label."""
    shown = _SPACE.sub(" ", tag.get_text()).strip()
    label = shown.strip("[]()")
    if not label:
        return ""
    opening, closing = shown[: shown.index(label)], shown[shown.index(label) + len(label) :]
    return f"{opening}{note_token(label, _target(tag, context))}{closing}"


def _target(tag: Tag, context: _Context) -> str | None:
    """The key of the note body a reference links to: its href's fragment (with the package file)."""
    link = tag if tag.has_attr("href") else tag.find("a", href=True) or tag.find_parent("a", href=True)
    href = str(link.get("href", "")) if isinstance(link, Tag) else ""
    if "#" not in href:
        return None
    path, fragment = href.split("#", 1)
    if context.document is None:
        return fragment or None
    if path:
        path = posixpath.normpath(posixpath.join(posixpath.dirname(context.document), unquote(path)))
    return f"{path or context.document}#{fragment}"


def _key(tag: Tag, context: _Context) -> str | None:
    anchor = tag.find(lambda inner: inner.has_attr("id")) if not tag.has_attr("id") else tag
    ident = str(anchor.get("id")) if isinstance(anchor, Tag) else ""
    if not ident:
        return None
    return f"{context.document}#{ident}" if context.document else ident


def _is_note_reference(tag: Tag) -> bool:
    words = attribute_words(tag, "epub:type", "role", "class")
    if any("noteref" in w or "footnote-ref" in w for w in words):
        return True
    shown = tag.get_text().strip()
    if tag.name == "sup":
        return bool(_MARKER_TEXT.match(shown))
    href = str(tag.get("href", "")) if tag.name == "a" else ""
    fragment = href.split("#", 1)[1] if "#" in href else ""
    # A link back from a note to its marker (#fnref1, #FNanchor_1) is no reference to a note.
    backward = any(word in fragment.lower() for word in ("ref", "anchor", "back", "return"))
    return bool(_NOTE_TARGET.match(fragment)) and not backward and bool(_MARKER_TEXT.match(shown))


def _is_backlink(tag: Tag) -> bool:
    if _BACKLINK_WORDS.intersection(attribute_words(tag, "epub:type", "role", "class")):
        return True
    return tag.name == "a" and bool(_BACKLINK_TEXT.match(tag.get_text() or " "))


def _is_note_body(tag: Tag, context: _Context) -> bool:
    words = attribute_words(tag, "epub:type", "role")
    if _NOTE_BODY_WORDS.intersection(words) or {"footnote", "endnote"}.intersection(attribute_words(tag, "class")):
        return True
    return context.note_list and tag.name == "li" and tag.has_attr("id")


def _note(tag: Tag, context: _Context) -> _Pending:
    content = _text(tag, context)
    return _Pending(BlockKind.NOTE, content, label=_note_label(tag, content), key=_key(tag, context))


def _note_label(tag: Tag, content: str) -> str | None:
    """The label a note's markers show: its number in an ordered list, else the number or symbol
    it opens with, else the number its id ends with."""
    parent = tag.parent
    if tag.name == "li" and isinstance(parent, Tag) and parent.name == "ol":
        if str(tag.get("value", "")).isdigit():
            return str(tag["value"])
        given = str(parent.get("start", ""))
        start = int(given) if given.isdigit() else 1
        return str(start + [li for li in parent.find_all("li", recursive=False)].index(tag))
    opening = _NOTE_LABEL.match(content.strip())
    if opening:
        return opening.group(1)
    ending = re.search(r"(\d+)$", str(tag.get("id", "")))
    return ending.group(1) if ending else None


def _is_bridgehead(tag: Tag) -> bool:
    return "bridgehead" in attribute_words(tag, "epub:type", "class")


def _is_signature(tag: Tag) -> bool:
    return "signature" in attribute_words(tag, "epub:type", "class")


def _is_letter_furniture(tag: Tag) -> bool:
    """The parts of a letter or dispatch that frame the text: who it is from and to, where and when."""
    frames = {"bridgehead", "salutation", "valediction", "dateline", "signature"}
    return bool(frames.intersection(attribute_words(tag, "epub:type", "class")))


def _is_contents(tag: Tag) -> bool:
    """A table-of-contents entry: a ``toc`` class, or lines that each open with an internal link."""
    if any(w == "contents" or re.fullmatch(r"toc\d*", w) for w in attribute_words(tag, "class", "epub:type", "role")):
        return True
    lines: list[bool] = []
    at_line_start = True
    for node in tag.descendants:
        if isinstance(node, Tag) and node.name == "br":
            at_line_start = True
        elif type(node) is NavigableString and node.strip() and at_line_start:
            link = node.find_parent("a", href=True)
            lines.append(link is not None and tag in link.parents and _is_internal(str(link["href"])))
            at_line_start = False
    if len(lines) > 1:
        return all(lines)
    links = tag.find_all("a", href=True)
    linked = "".join(a.get_text() for a in links if _is_internal(str(a["href"])))
    return bool(lines) and _SPACE.sub("", linked) == _SPACE.sub("", tag.get_text())


def _is_internal(href: str) -> bool:
    return "#" in href and "://" not in href and not href.startswith(("mailto:", "javascript:"))


def _is_short_byline(tag: Tag) -> bool:
    text = tag.get_text(" ", strip=True)
    if byline_name(text):
        return True
    return len(text) <= 120 and (is_byline(tag) or tag.find(is_byline) is not None)


def _is_bold_heading(tag: Tag, context: _Context) -> bool:
    """A short paragraph set wholly in bold, in a document whose markup has no headings."""
    if not context.bold_headings or tag.name != "p":
        return False
    text = tag.get_text(" ", strip=True)
    if not text or len(text) > _MAX_BOLD_HEADING_CHARS or len(text.split()) > _MAX_BOLD_HEADING_WORDS:
        return False
    strings = [s for s in tag.find_all(string=True) if type(s) is NavigableString and s.strip()]
    return all(_in_bold(s, tag) for s in strings)


def _in_bold(node: PageElement, within: Tag) -> bool:
    for parent in node.parents:
        if parent is within:
            return False
        if parent.name in ("b", "strong"):
            return True
    return False


def _symbol_notes(blocks: list[_Pending]) -> list[_Pending]:
    """Paragraphs that close the text and open with a note symbol ("* We have…") are its notes;
    the same symbol glued to a word earlier in the text is their marker."""
    first_note = len(blocks)
    while first_note > 0 and blocks[first_note - 1].kind is BlockKind.PARAGRAPH:
        if not _SYMBOL_NOTE.match(blocks[first_note - 1].content):
            break
        first_note -= 1
    if first_note == 0:
        return blocks
    result = blocks[:first_note]
    for block in blocks[first_note:]:
        found = _SYMBOL_NOTE.match(block.content)
        label = found.group(1) if found else None
        result.append(replace(block, kind=BlockKind.NOTE, label=label))
        if label:
            _mark_symbol(result, first_note, label)
    return result


def _mark_symbol(blocks: list[_Pending], end: int, label: str) -> None:
    glued = re.compile(rf"(?<=[^\s*†‡§]){re.escape(label)}(?=[\s”’\"')]|$)")
    for index in range(end):
        if blocks[index].kind not in _BODY:
            continue
        content, count = glued.subn(note_token(label), blocks[index].content, count=1)
        if count:
            blocks[index] = replace(blocks[index], content=content)
            return
