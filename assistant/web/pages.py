"""The document view: the whole text, each passage anchored by its id, one sentence marked."""

from __future__ import annotations

import re
from html import escape
from pathlib import Path
from string import Template

from assistant.corpus.document import Document, Passage

TEMPLATE = Template((Path(__file__).parent / "templates" / "document.html").read_text(encoding="utf-8"))
_BLOCK = re.compile(r"\S[^\n]*(?:\n[ \t]*\S[^\n]*)*")  # lines of text up to a blank line


def _between(document: Document, start: int, end: int) -> list[str]:
    """Text outside every passage (title, headings): a heading where a section starts."""
    html = []
    for match in _BLOCK.finditer(document.text, start, end):
        block = match.group().rstrip()
        heading = next((s for s in document.sections if match.start() <= s.start < match.end()), None)
        if heading is not None:
            html.append(f'<h2 id="section-{heading.start}">{escape(block)}</h2>')
        elif block == document.meta.title:
            html.append(f"<h1>{escape(block)}</h1>")
        else:
            html.append(f'<p class="outside">{escape(block)}</p>')
    return html


def _passage(passage: Passage, mark: tuple[int, int] | None) -> str:
    text = passage.text
    if mark is not None and passage.start <= mark[0] < mark[1] <= passage.end:
        lo, hi = mark[0] - passage.start, mark[1] - passage.start
        body = f"{escape(text[:lo])}<mark>{escape(text[lo:hi])}</mark>{escape(text[hi:])}"
    else:
        body = escape(text)
    who = passage.voice.value + (f": {passage.speaker}" if passage.speaker else "")
    pid = escape(passage.id, quote=True)
    return (
        f'<div class="passage voice-{passage.voice.value}" id="{pid}">'
        f'<a class="pilcrow" href="#{pid}" title="{escape(who, quote=True)}">¶{passage.paragraph}</a>'
        f'<p class="text">{body}</p></div>'
    )


def document_page(document: Document, mark: tuple[int, int] | None = None) -> str:
    """The document as one HTML page; ``mark`` (document offsets) is the sentence to highlight."""
    parts: list[str] = []
    at = 0
    for passage in document.passages:
        parts += _between(document, at, passage.start)
        parts.append(_passage(passage, mark))
        at = passage.end
    parts += _between(document, at, len(document.text))
    meta = document.meta
    facts = ", ".join(str(f) for f in (meta.author, meta.qualifications, meta.publication, meta.year) if f)
    return TEMPLATE.substitute(title=escape(meta.title), facts=escape(facts), body="\n".join(parts))
