"""Markdown reduced to plain text: headings, paragraphs, list items and block quotes.

Front matter (YAML between ``---`` lines) gives facts about the document, never text.
"""

from __future__ import annotations

import re

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from assistant.corpus.document import BlockKind, Extracted
from assistant.corpus.readers.builder import TextBuilder

_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_FRONT_FIELDS = {"title": "title", "author": "author", "authors": "author", "date": "year", "year": "year"}
_CONTAINERS = ("bullet_list", "ordered_list", "blockquote", "list_item")


def read_markdown(source: str) -> Extracted:
    """Blocks of a Markdown document, markup removed."""
    builder = TextBuilder()
    front = _FRONT_MATTER.match(source)
    if front:
        _front_matter_facts(front.group(1), builder)
        source = source[front.end() :]
    containers: list[str] = []
    heading_level = 0
    for token in MarkdownIt("commonmark").parse(source):
        if token.type.endswith("_open") and token.type[: -len("_open")] in _CONTAINERS:
            containers.append(token.type)
        elif token.type.endswith("_close") and token.type[: -len("_close")] in _CONTAINERS:
            containers.pop()
        elif token.type == "heading_open":
            heading_level = int(token.tag[1:])
        elif token.type == "heading_close":
            heading_level = 0
        elif token.type == "inline":
            text = _inline_text(token.children or [])
            if heading_level:
                builder.add(BlockKind.HEADING, text, heading_level)
            elif "blockquote_open" in containers:
                builder.add(BlockKind.QUOTE, text)
            elif "list_item_open" in containers:
                builder.add(BlockKind.ITEM, text)
            else:
                builder.add(BlockKind.PARAGRAPH, text)
        elif token.type in ("fence", "code_block"):
            builder.add(BlockKind.PARAGRAPH, token.content)
    return builder.build()


def _front_matter_facts(block: str, builder: TextBuilder) -> None:
    try:
        fields = yaml.safe_load(block)
    except yaml.YAMLError:
        return
    if not isinstance(fields, dict):
        return
    for key, value in fields.items():
        field = _FRONT_FIELDS.get(str(key).lower())
        if field is None or value is None:
            continue
        values = value if isinstance(value, list) else [value]
        builder.fact(field, " and ".join(str(v) for v in values), f"front matter {key}")


def _inline_text(children: list[Token]) -> str:
    parts = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(_inline_text(child.children or []))
    return "".join(parts)
