"""What in a document is not the author's text: boilerplate, title pages, contents, numbers an
edition inserts, and prose by editors, translators and publishers.

:func:`mark_apparatus` runs before headings are recognised and gives such blocks kind APPARATUS,
with a ``label`` that says which apparatus they are (``"title page"``, ``"contents"``…), so that
later stages can read citation fields from a title page without taking it for the author's.
:func:`editorial_blocks` runs after headings and finds the front matter written by someone else.
Every rule is about documents in general (how a licence, a table of contents or a title page
looks), never about one file or edition.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from assistant.corpus.document import Block, BlockKind, Metadata

_BODY = (BlockKind.PARAGRAPH, BlockKind.ITEM, BlockKind.QUOTE)
_LOCKED = (BlockKind.APPARATUS, BlockKind.NOTE)  # what readers decided stays decided

BOILERPLATE = "boilerplate"
TITLE_PAGE = "title page"
CONTENTS = "contents"
NUMBER = "number"
LETTER = "letter"  # a letter's salutation: it frames the text and argues nothing

# --- e-book delimiters and header -------------------------------------------------------------

# "*** START OF THIS … EBOOK … ***" and "*** END OF … ***": a distributor wraps the work in them.
_DELIMITER = re.compile(r"\*{3,}\s*(START|END)\s+OF\b[^*]{0,300}\*{3,}", re.IGNORECASE)
# "End of the … EBook of …": the line a distributor puts after the work.
_ETEXT_END = re.compile(r"^\W*end of (?:the |this )?(?:[\w\-]+ ){0,4}e-?(?:book|text)s?\b", re.IGNORECASE)
# Labels of a distributor's header, as "Label: value" lines (case as distributors write them).
HEADER_LABELS = (
    "Title",
    "Subtitle",
    "Author",
    "Authors",
    "Editor",
    "Editors",
    "Translator",
    "Translators",
    "Illustrator",
    "Contributor",
    "Release Date",
    "Release date",
    "Posting Date",
    "Posting date",
    "Last Updated",
    "Last updated",
    "Most recently updated",
    "Date first posted",
    "Date last updated",
    "First Posted",
    "Original publication",
    "Original Publication",
    "First published",
    "Language",
    "Character set encoding",
    "Produced by",
    "Credits",
)
HEADER_FIELD = re.compile(rf"(?:^|(?<=\s))({'|'.join(sorted(HEADER_LABELS, key=len, reverse=True))})\s*:\s*", re.M)
# Credits and notices of an e-text's making, at the start of a block.
_PRODUCTION = re.compile(
    r"^\W*(?:(?:e-?text |html |e-?book )?(?:produced|transcribed|prepared|scanned|digiti[sz]ed|proofread|"
    r"converted|created)(?: and \w+)? (?:by|from)\b|updated editions will replace|this (?:e-?book|e-?text|file) "
    r"(?:should be named|was (?:produced|prepared|made))|this and all associated files)",
    re.IGNORECASE,
)
# A note by a transcriber, editor or producer, labelled as such.
_NOTE_LABEL = re.compile(
    r"^\W*(?:(?:transcriber|editor|producer|publisher|translator|digiti[sz]er)s?[’']?s?[’']? notes?\b|"
    r"notes? (?:from|by|on) the (?:original|transcriber|editor|producer|e-?text|electronic|file|edition|text)\b)",
    re.IGNORECASE,
)

# --- licences, copyright, contact ---------------------------------------------------------------

_LICENCE_TERMS = re.compile(
    r"\b(?:licen[cs](?:e|es|ed|ing|or|ee)|copyrights?|copyrighted|trademarks?|royalt(?:y|ies)|donat(?:e|es|ions?)|"
    r"redistribut\w*|distribut(?:e|ed|ing|ion)|permission|warrant(?:y|ies)|liabilit(?:y|ies)|liable|"
    r"disclaim\w*|refunds?|fees?|public domain|all rights reserved|intellectual property|terms of (?:use|service)|"
    r"tax[- ]deductible|e-?books?|e-?texts?|electronic works?|creative commons|indemnif\w*|infring\w*)",
    re.IGNORECASE,
)
# Boilerplate speaks to its reader about "this" file, site or work.
_ADDRESSES_READER = re.compile(
    r"\byou(?:r)?\b|\bthis (?:e-?book|e-?text|work|file|publication|document|site|website|page|edition|"
    r"agreement|licen[cs]e|copy|report)\b",
    re.IGNORECASE,
)
_COPYRIGHT_LINE = re.compile(
    r"©|\(c\)\s*\d{4}|\bcopyright\s+(?:©\s*)?\d{4}|\ball rights reserved\b|\blicen[cs]ed under\b|"
    r"\bnot subject to copyright\b|\b(?:this|the) (?:document|report|publication|paper|page|brief) (?:was|has been|"
    r"is) (?:prepared|produced|compiled) by\b",
    re.IGNORECASE,
)
# Contact, download and follow-us lines that close a report or a web page.
_CONTACT = re.compile(
    r"^\W*(?:enquiries|inquiries|contact(?: us)?|follow us|connect with us|download|e-?mail|tel(?:ephone)?|"
    r"phone|fax|website|visit|write to|about this publication|share this)\b",
    re.IGNORECASE,
)
# A short label that heads boilerplate ("Disclaimer", "Copyright notice", "Terms of use").
_BOILERPLATE_LABEL = re.compile(
    r"^\W*(?:disclaimer|legal notice|copyright(?: notice)?|licen[cs]e|terms of (?:use|service)|"
    r"privacy(?: policy)?|acknowledg(?:e)?ments? of sources)\W*$",
    re.IGNORECASE,
)
# A notice to the reader about the edition itself ("NOTICE: This opinion is subject to revision…").
_NOTICE = re.compile(r"^\W*(?:notice|note to (?:the )?readers?)\s*:(?=.*\breaders?\b)", re.IGNORECASE | re.DOTALL)
# An edition's status line: "Updated April 20, 2026", "Last revised: 3 May 2021".
_STATUS_LINE = re.compile(
    r"^\W*(?:last )?(?:updated|revised|posted|published|modified)\s*:?\s*(?:on\s+)?[\w ,.]{0,30}\b(?:1\d|20)\d\d\W*$",
    re.IGNORECASE,
)
# A report's author line: "Name, Analyst in …", "Name, Senior Fellow at …".
AUTHOR_LINE = re.compile(
    r"^\s*(?P<name>[A-Z][\w.'’\-]+(?:\s+[A-Z][\w.'’\-]*){1,3}),\s+(?:senior\s+|chief\s+|principal\s+|legislative\s+)?"
    r"(?:analyst|specialist|attorney|researcher|fellow|economist|director|professor|lecturer|correspondent|editor)\b"
    r"[^.]{0,80}$",
    re.IGNORECASE,
)
_IDENTIFIER = re.compile(r"\s*[A-Z]{1,6}[-\s]?\d{2,}[\w.\-]*\s*")  # a report or series number standing alone
_URL = re.compile(r"https?://\S+|www\.\S+|\S+@\S+\.\w+|@\w+")

# --- title pages, contents, lists of works, numbers ---------------------------------------------

_TITLE_PAGE_SIGNAL = re.compile(
    r"^\W*(?:by|written by)\s+\S|\b(?:with an?|translated|edited|introduction|preface|foreword|illustrated|"
    r"illustrations|notes)\s+(?:\w+\s+)?by\b|\b(?:printed|published|publishers?|publishing|press|printers?|"
    r"booksellers?|edition|reprinted)\b|&\s*co\b|\bco\.|\bltd\b|\blimited\b|\bsons\b",
    re.IGNORECASE,
)
_IMPRINT = re.compile(r"\b(?:printed|published|publishers?|publishing|press|printers?|booksellers?|ltd|co\.)", re.I)
YEAR_LINE = re.compile(r"^\W*(?:1[0-9]{3}|20[0-9]{2}|M{1,3}[DCLXVI]{2,})\W*$")
_CONNECTOR_LINE = re.compile(r"^\W*(?:of|and|or|by|with|in|the|for)\W*$", re.IGNORECASE)
_CONTENTS_LABEL = re.compile(r"^\W*(?:table of )?contents(?: of (?:the )?\w+)?\W*$", re.IGNORECASE)
_WORKS_LABEL = re.compile(
    r"^\W*(?:(?:books |works )?by the same (?:author|writer)|also by\b|other (?:books|works|titles) by\b)",
    re.IGNORECASE,
)
# A contents entry ends in a page number: after dotted leaders, a tab, spaces, or a word.
_PAGE_REF_END = re.compile(r"(?:\.{2,}|…|\t| {2,}|\s)\s*(?:\d{1,4}|[ivxlc]{1,7})\s*$")
_END_LINE = re.compile(r"^\W*(?:the end|finis|end)\W*$", re.IGNORECASE)
_BARE_NUMBER = re.compile(r"^\W{0,2}(?:p(?:age|g)?\.?\s*)?\d{1,4}(?:\s+of\s+\d{1,4})?\W{0,2}$", re.IGNORECASE)
_PAGE_MARKER = re.compile(
    r"^\s*(?:\[\s*p(?:age|g)?\.?\s*\d{1,4}\s*\]|[-–—]\s*\d{1,4}\s*[-–—]|page\s+\d{1,4}(?:\s+of\s+\d{1,4})?|"
    r"\d{1,4}\s+of\s+\d{1,4})\s*$",
    re.IGNORECASE,
)
_NUMBER_PREFIX = re.compile(r"(\d{1,4})\.?[ \t]+(?=[“\"‘(\[]?[A-Z])")
_MIN_NUMBERED_PARAGRAPHS = 10  # an edition numbers dozens; an author numbers a short list
_MIN_NUMBERED_WORDS = 25
# An attribution closing an epigraph: a dash, a name in capitals, perhaps the work it is from.
_ATTRIBUTION = re.compile(
    r"(?<=[.!?;”’\"])\s*(?:--|[—―])\s*(?P<name>(?:[A-Z][\w.'’\-]+|von|van|de|du|la|le)(?:\s+(?:[A-Z][\w.'’\-]+|von|van|de|du|la|le)){0,4})"
    r"(?:\s*[:,]\s*[^—]{0,120})?\W*$"
)
_SALUTATION = re.compile(
    r"^\W*(?:to (?:the|my|all|our)\b|(?:my )?dear\b|(?:dear )?sirs?\b|gentlemen\b|madam\b)[^.!?\n]{0,100}[:,]\s*$",
    re.IGNORECASE,
)
_MAX_SALUTATION_WORDS = 16
_MAX_EPIGRAPH_WORDS = 80
_MAX_TITLE_PAGE_BLOCKS = 25
_MAX_ENTRY_WORDS = 40
_HEADING_GROUP = 3  # lines a heading may take ("CHAPTER I." / "INTRODUCTORY.") before its prose


def _words(content: str) -> list[str]:
    return content.split()


def _lowercase_share(words: list[str]) -> float:
    initials = [w.lstrip("_*\"'“‘([—–-")[:1] for w in words]
    return sum(c.islower() for c in initials) / max(1, len(words))


def is_prose(content: str) -> bool:
    """A block that reads as sentences, not as a title line, imprint, heading or contents entry."""
    words = _words(content)
    if _PAGE_REF_END.search(content) and len(words) <= _MAX_ENTRY_WORDS:
        return False
    lower = _lowercase_share(words)
    if len(words) >= 16 and lower >= 0.35:
        return True
    return len(words) >= 6 and content.rstrip()[-1:] in '.!?;"”’' and lower >= 0.5


def _is_licence(content: str) -> bool:
    """Licence, terms-of-use, donation or trademark prose: dense in their vocabulary and addressed to
    the reader or to "this" work, or a short copyright line; one legal word in a sentence is not enough."""
    words = len(_words(content))
    if words <= 40 and _COPYRIGHT_LINE.search(content):
        return True
    hits = [m.group().lower() for m in _LICENCE_TERMS.finditer(content)]
    distinct = len(set(hits))
    density = len(hits) / max(1, words)
    addressed = bool(_ADDRESSES_READER.search(content))
    return (distinct >= 2 and addressed and density >= 0.03) or (distinct >= 4 and density >= 0.05)


def _header_labels(content: str) -> int:
    return len({m.group(1).lower() for m in HEADER_FIELD.finditer(content)})


def _is_boilerplate(content: str) -> bool:
    """One block that is boilerplate on its own: header fields, production credits, a labelled
    transcriber's note, an end-of-e-text line, a licence or copyright notice."""
    return bool(
        _PRODUCTION.search(content)
        or _ETEXT_END.search(content)
        or _STATUS_LINE.match(content)
        or (_NOTE_LABEL.search(content) and len(_words(content)) > 8)
        or _header_labels(content) >= 2
        or (HEADER_FIELD.match(content) and "\n" not in content.strip() and len(_words(content)) <= 12)
        or _is_licence(content)
        or bool(_NOTICE.search(content))
    )


class _Marking:
    """The blocks being marked: which are taken, with what label, and their texts."""

    def __init__(self, text: str, blocks: tuple[Block, ...]) -> None:
        self.blocks = blocks
        self.texts = [text[b.start : b.end] for b in blocks]
        self.labels: list[str | None] = [None] * len(blocks)
        self.quotes: set[int] = set()

    def free(self, i: int, headings: bool = False) -> bool:
        """Not yet apparatus, and of a kind this rule may re-kind."""
        kind = self.blocks[i].kind
        if self.labels[i] is not None or kind in _LOCKED:
            return False
        return kind in _BODY or (headings and kind in (BlockKind.HEADING, BlockKind.TITLE))

    def taken(self, i: int) -> bool:
        return self.labels[i] is not None or self.blocks[i].kind is BlockKind.APPARATUS

    def mark(self, i: int, label: str, headings: bool = False) -> None:
        if self.free(i, headings):
            self.labels[i] = label

    def result(self) -> tuple[Block, ...]:
        return tuple(
            replace(b, kind=BlockKind.APPARATUS, label=label)
            if label
            else replace(b, kind=BlockKind.QUOTE)
            if i in self.quotes
            else b
            for i, (b, label) in enumerate(zip(self.blocks, self.labels, strict=True))
        )


def mark_apparatus(text: str, blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """The blocks with boilerplate, title-page lines, contents entries and the like given kind
    APPARATUS (before headings are recognised, so none of them becomes a heading). Blocks a reader
    already made APPARATUS or NOTE are left as they are; a number an edition puts before each
    paragraph becomes an APPARATUS block of its own, and an epigraph becomes a QUOTE."""
    marking = _Marking(text, blocks)
    for rule in _RULES:
        rule(marking)
    return _split_paragraph_numbers(text, marking.result())


def _delimited(m: _Marking) -> None:
    """Everything before a distributor's START line (itself included) and from its END line on."""
    starts = [i for i, t in enumerate(m.texts) if (d := _DELIMITER.search(t)) and d.group(1).upper() == "START"]
    first = starts[0] if starts else -1
    end = next(
        (
            i
            for i, t in enumerate(m.texts)
            if i > first and any(d.group(1).upper() == "END" for d in _DELIMITER.finditer(t))
        ),
        None,
    )
    for i in range(len(m.texts)):
        if i <= first or (end is not None and i >= end):
            m.mark(i, BOILERPLATE, headings=True)


def _single_blocks(m: _Marking) -> None:
    """Blocks that are boilerplate on their own; an end-of-e-text line in the second half of the
    document closes the work, so what follows it is boilerplate too."""
    closing = None
    for i, content in enumerate(m.texts):
        if _is_boilerplate(content):
            m.mark(i, BOILERPLATE, headings=True)
            if closing is None and _ETEXT_END.search(content) and i > len(m.texts) // 2:
                closing = i
    if closing is not None:
        for i in range(closing, len(m.texts)):
            m.mark(i, BOILERPLATE, headings=True)


def _labelled_notes(m: _Marking) -> None:
    """A transcriber's or editor's note whose label stands alone: the label and the prose after it,
    up to the next short line (a heading or the work's own first line)."""
    for i, content in enumerate(m.texts):
        if not (_NOTE_LABEL.search(content) and len(_words(content)) <= 8):
            continue
        m.mark(i, BOILERPLATE, headings=True)
        for j in range(i + 1, len(m.texts)):
            if m.blocks[j].kind is BlockKind.HEADING or not is_prose(m.texts[j]):
                break
            m.mark(j, BOILERPLATE)


def _entry_key(content: str) -> list[str]:
    """The words a contents entry and the heading it lists share: no page number, no leading "the"."""
    words = re.findall(r"[a-z]+", _PAGE_REF_END.sub("", content).lower())
    return words[1:] if words[:1] == ["the"] else words


def _repeats(key: list[str], earlier: list[list[str]]) -> bool:
    return bool(key) and any(e[: len(key)] == key for e in earlier)


def _listing(m: _Marking, label_pattern: re.Pattern[str], label: str) -> None:
    """A label line ("Contents", "By the same author") and the run of short entries under it. The
    run ends at prose, at a heading the format marks, at an entry that repeats an earlier one (the
    work has begun and repeats its first heading) soon followed by prose, or at a line directly
    followed by prose."""
    for i, content in enumerate(m.texts):
        if not (label_pattern.search(content) and len(_words(content)) <= 8) or m.taken(i):
            continue
        m.mark(i, label, headings=True)
        seen: list[list[str]] = []
        for j in range(i + 1, len(m.texts)):
            if m.blocks[j].kind is BlockKind.NOTE or m.taken(j):
                continue
            entry = m.texts[j]
            paged = bool(_PAGE_REF_END.search(entry))
            if m.blocks[j].kind is BlockKind.HEADING or is_prose(entry) or len(_words(entry)) > _MAX_ENTRY_WORDS:
                break
            key = _entry_key(entry)
            if not paged and _prose_within(m, j, 1 if not _repeats(key, seen) else _HEADING_GROUP):
                break
            seen.append(key)
            m.mark(j, label)


def _prose_within(m: _Marking, i: int, reach: int) -> bool:
    """Prose follows line ``i`` within ``reach`` free blocks: the line heads the work's text."""
    following = [j for j in range(i + 1, len(m.texts)) if not m.taken(j)][:reach]
    return any(is_prose(m.texts[j]) for j in following)


def _contents(m: _Marking) -> None:
    _listing(m, _CONTENTS_LABEL, CONTENTS)


def _works_lists(m: _Marking) -> None:
    _listing(m, _WORKS_LABEL, BOILERPLATE)


def _title_page_signal(content: str) -> bool:
    return bool(_TITLE_PAGE_SIGNAL.search(content) or YEAR_LINE.match(content) or _CONNECTOR_LINE.match(content))


def _title_page(m: _Marking) -> None:
    """The run of short lines before the first prose: title, byline, "of", imprint, year. It runs
    to its last line that only a title page has (a byline, an imprint, a lone year), so the heading
    of the first section stays. Headings a format marks count as title-page lines only beside an
    imprint or a year: a title and byline alone are an article's masthead."""
    run: list[int] = []
    for i, content in enumerate(m.texts):
        if len(run) >= _MAX_TITLE_PAGE_BLOCKS or m.blocks[i].kind is BlockKind.NOTE:
            break
        if m.taken(i):
            continue
        if is_prose(content) or _CONTENTS_LABEL.search(content) or _WORKS_LABEL.search(content):
            break
        run.append(i)
    signals = [i for i in run if _title_page_signal(m.texts[i])]
    if not signals:
        return
    imprint = any(_IMPRINT.search(m.texts[i]) or YEAR_LINE.match(m.texts[i]) for i in signals)
    for i in run:
        if i <= signals[-1]:
            m.mark(i, TITLE_PAGE, headings=imprint)


def _bare_numbers(m: _Marking) -> None:
    """Page and paragraph numbers standing alone: a page marker ("[Pg 12]", "- 12 -"), a number at
    the edge of a page, or a number that interrupts a sentence (the text runs on after it)."""
    for i, content in enumerate(m.texts):
        if not _BARE_NUMBER.match(content) or not m.free(i):
            continue
        if _PAGE_MARKER.match(content) or _at_page_edge(m.blocks, i) or _interrupts_sentence(m, i):
            m.mark(i, NUMBER)


def _at_page_edge(blocks: tuple[Block, ...], i: int) -> bool:
    page = blocks[i].page
    if page is None:
        return False
    before = blocks[i - 1].page if i > 0 else None
    after = blocks[i + 1].page if i + 1 < len(blocks) else None
    return before != page or after != page


def _interrupts_sentence(m: _Marking, i: int) -> bool:
    if i == 0 or i + 1 >= len(m.texts):
        return False
    following = m.texts[i + 1].lstrip("_*\"'“‘(")
    return bool(following[:1].islower()) and not m.texts[i - 1].rstrip().endswith((".", "!", "?", ":"))


def _contact_lines(m: _Marking) -> None:
    """Contact, download and follow-us lines, bare links, report numbers, a report's author line and
    boilerplate labels, beside other boilerplate."""
    changed = True
    while changed:
        changed = False
        for i, content in enumerate(m.texts):
            if not m.free(i, headings=True) or len(_words(content)) > 30:
                continue
            near = [j for j in (i - 1, i + 1) if 0 <= j < len(m.texts) and m.taken(j)]
            contact = (
                _CONTACT.search(content)
                or _URL.fullmatch(content.strip())
                or _IDENTIFIER.fullmatch(content)
                or AUTHOR_LINE.match(content)
            )
            label = _BOILERPLATE_LABEL.match(content) and i + 1 in near
            if (contact and near) or label:
                m.mark(i, BOILERPLATE, headings=True)
                changed = True


def _the_end(m: _Marking) -> None:
    """ "THE END" or "FINIS" when nothing of the work follows it."""
    for i, content in enumerate(m.texts):
        if _END_LINE.match(content) and all(
            m.taken(j) or m.blocks[j].kind is BlockKind.NOTE for j in range(i + 1, len(m.texts))
        ):
            m.mark(i, BOILERPLATE, headings=True)


def _salutations(m: _Marking) -> None:
    """A salutation ("To the People of …:", "Dear Sir,") where a text opens — the first body block,
    or the first after a heading — frames a letter or address; the argument starts after it."""
    opening = True
    for i, content in enumerate(m.texts):
        kind = m.blocks[i].kind
        if kind in (BlockKind.HEADING, BlockKind.TITLE) or m.taken(i):
            opening = opening or kind in (BlockKind.HEADING, BlockKind.TITLE)
            continue
        if opening and _SALUTATION.match(content) and len(_words(content)) <= _MAX_SALUTATION_WORDS:
            m.mark(i, LETTER)
        opening = False


def _epigraphs(m: _Marking) -> None:
    """A short paragraph signed with a dash and another's name ("…diversity.--WILHELM VON HUMBOLDT:
    _Sphere and Duties of Government_.") is an epigraph: a quotation, not the author's words."""
    for i, content in enumerate(m.texts):
        if m.blocks[i].kind is BlockKind.PARAGRAPH and m.free(i) and len(_words(content)) <= _MAX_EPIGRAPH_WORDS:
            found = _ATTRIBUTION.search(content)
            if found and (len(found.group("name").split()) >= 2 or found.group("name").isupper()):
                m.quotes.add(i)


_RULES: tuple[Callable[[_Marking], None], ...] = (
    _delimited,
    _single_blocks,
    _labelled_notes,
    _contents,
    _works_lists,
    _title_page,
    _bare_numbers,
    _contact_lines,
    _the_end,
    _salutations,
    _epigraphs,
)


def _split_paragraph_numbers(text: str, blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """When an edition numbers its paragraphs (a run of prose paragraphs opening 1, 2, 3…), each
    number becomes an APPARATUS block, so no author passage begins with it; offsets stay exact."""
    numbered = {}
    for i, block in enumerate(blocks):
        found = _NUMBER_PREFIX.match(text, block.start, block.end) if block.kind in _BODY else None
        if found:
            numbered[i] = found
    numbers = [int(found.group(1)) for found in numbered.values()]
    steps = sum(b == a + 1 for a, b in itertools.pairwise(numbers))
    words = sum(len(_words(text[blocks[i].start : blocks[i].end])) for i in numbered) / max(1, len(numbered))
    if len(numbered) < _MIN_NUMBERED_PARAGRAPHS or steps < 0.8 * (len(numbers) - 1) or words < _MIN_NUMBERED_WORDS:
        return blocks
    result: list[Block] = []
    for i, block in enumerate(blocks):
        found = numbered.get(i)
        if found is None:
            result.append(block)
            continue
        result.append(Block(BlockKind.APPARATUS, block.start, found.end(1), page=block.page, label=NUMBER))
        result.append(replace(block, start=found.end()))
    return tuple(result)


# --- editorial voice ------------------------------------------------------------------------------

_CORPORATE = re.compile(
    r"\b(?:department|ministry|office|service|foundation|institute|institution|association|society|council|"
    r"commission|committee|court|board|agency|government|university|college|party|league|union|centre|center|"
    r"bureau|organi[sz]ation|group|trust|company|inc|ltd|staff|library|press|network|project)\b",
    re.IGNORECASE,
)
_NAME_SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "esq", "phd", "lld", "md", "dd"}
# Front matter that says it is someone else's: an editor's or translator's preface, a publisher's note.
_DECLARED = re.compile(
    r"\b(?:editor|translator|publisher|transcriber|reviser|compiler|reporter)s?[’']?s?[’']?\s+(?:introduction|"
    r"preface|foreword|note|notes|remarks|afterword)\b|\b(?:introduction|preface|foreword|afterword|notes?|essay)\s+"
    r"by\b|\bbiographical (?:note|sketch|introduction|notice)\b|\bnote on the (?:text|translation|edition)\b|"
    r"\babout the (?:author|translator|editor)\b|\b(?:constitutes|forms|is)\s+no\s+part\s+of\s+the\b|"
    r"\bprepared\s+by\s+the\s+(?:reporter|editors?|publishers?|translators?|staff)\b|"
    r"\bfor the convenience of the reader\b",
    re.IGNORECASE,
)
# The author's own divisions: once one begins, the front matter is over.
_MAIN_DIVISION = re.compile(
    r"^\W*(?:chapter|part|book|canto|lecture|letter|essay|article|section)\s+(?:[IVXLC]+\b|\d+|one|first|the first)",
    re.IGNORECASE,
)
_FIRST_PERSON = re.compile(r"\b(?:I|my|me|mine|myself)\b")
_VALEDICTION = re.compile(r"\b(?:yours|sincerely|faithfully|truly|respectfully|affectionately)\b", re.IGNORECASE)
_CAPITALISED_NAME = re.compile(r"\W*(?:[A-Z][A-Z.'’\-]+\s+){1,3}[A-Z][A-Z'’\-]{2,}\b")
_DATELINE = re.compile(
    r"^\W*(?:[A-Z][\w.'’\-]*\s*){1,2},\s*\W*(?:\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", re.IGNORECASE
)
# A short line that hands the text over to its author ("X delivered the opinion of the Court.").
_HANDS_OVER = re.compile(r"^(?=(?:\S+\s+){0,14}\S+$).*\b(?:delivered|announced|read) the (?:opinion|judg(?:e)?ment)\b")
_MIN_MAIN_WORDS = 600


def _fold(value: str) -> str:
    """Case and accents folded, so "Jose" matches "José" and "SMITH" matches "Smith"."""
    return "".join(c for c in unicodedata.normalize("NFKD", value) if not unicodedata.combining(c)).casefold()


def author_surnames(author: str | None) -> frozenset[str]:
    """The surname of each person among the authors ("Jane Smith and John Doe" → smith,
    doe); none for a corporate author, whose name a document rightly speaks of in the third person."""
    names: set[str] = set()
    for person in re.split(r",|;|&|\band\b|\bwith\b", author or ""):
        if _CORPORATE.search(person):
            continue
        words = [w for w in re.findall(r"[^\W\d_][\w’'\-]*", person) if _fold(w).replace(".", "") not in _NAME_SUFFIXES]
        if words and words[-1][:1].isupper() and len(words[-1]) > 2:
            names.add(_fold(words[-1]))
    return frozenset(names)


def _editorial_markers(surnames: frozenset[str]) -> re.Pattern[str]:
    """Words that show a paragraph speaks *about* the author or article, not as the author."""
    terms = [
        r"the author(?:’s|'s)?\b",
        r"this (?:article|essay|piece|text|chapter|book)\b",
        r"\bwe (?:reproduce|republish|reprint|publish)\b",
        r"\beditor(?:’s|'s|ial)?\b",
        r"\btranslator(?:’s|'s)?\b",
        *(rf"\b{re.escape(s)}\b" for s in sorted(surnames)),
    ]
    return re.compile("|".join(terms), re.IGNORECASE)


@dataclass
class _Section:
    """A heading (None before the first) and what stands under it: its body blocks, the texts of
    its closing lines (a signature the heading stage took for a heading is one), and every text."""

    title: str
    body: list[int] = field(default_factory=list)
    closing: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def _sections(text: str, blocks: tuple[Block, ...]) -> list[_Section]:
    """The document cut at its headings. A heading that is a name in capitals over a dateline
    ("J. R. DOE." / "LONDON, July 5th, 1901.") signs the section before it, and does not
    begin one."""
    sections = [_Section("")]
    for i, block in enumerate(blocks):
        content = text[block.start : block.end]
        if block.kind is BlockKind.HEADING:
            following = next((b for b in blocks[i + 1 :] if b.kind in _BODY), None)
            dated = following is not None and _DATELINE.match(text[following.start : following.end])
            if dated and _CAPITALISED_NAME.match(content) and not _MAIN_DIVISION.search(content):
                sections[-1].closing.append(content)
                continue
            sections.append(_Section(content))
        elif block.kind in _BODY:
            sections[-1].body.append(i)
            sections[-1].closing.append(content)
        sections[-1].lines.append(content)
    return sections


def _signed_by_another(closing: list[str], surnames: frozenset[str]) -> bool:
    """The section closes with a signature that is not the author's: a valediction, or a name in
    capitals opening a short line ("J. R. DOE."), but not a dateline ("LONDON, May 1, 1845.")."""
    short = [t for t in closing[-2:] if len(_words(t)) <= 12]
    if any(_names_author(t, surnames) for t in short):
        return False
    return any(_VALEDICTION.search(t) or (_CAPITALISED_NAME.match(t) and not _DATELINE.match(t)) for t in short)


def _names_author(content: str, surnames: frozenset[str]) -> bool:
    folded = _fold(content)
    return any(re.search(rf"\b{re.escape(s)}\b", folded) for s in surnames)


def _speaks_of_author(texts: list[str], surnames: frozenset[str]) -> bool:
    """The author is named in the third person: their surname, more than once, in the section's prose."""
    folded = _fold(" ".join(texts))
    return sum(len(re.findall(rf"\b{re.escape(s)}\b", folded)) for s in surnames) >= 2


def _front_matter_editorial(text: str, blocks: tuple[Block, ...], surnames: frozenset[str]) -> set[int]:
    """Body blocks of the sections before the author's main text that are someone else's: declared
    an editor's, translator's or publisher's (by its heading or first lines); signed by another
    name; speaking of the author by surname; or announced as "no part of" the work by the section
    before. The front matter ends at the author's first main division (a chapter, part, book…) or
    at the first long section that is the author's own."""
    editorial: set[int] = set()
    announced = False
    for section in _sections(text, blocks):
        if _MAIN_DIVISION.search(section.title):
            break
        texts = [text[blocks[i].start : blocks[i].end] for i in section.body]
        declared = _DECLARED.search(" ".join([section.title, *texts[:2], *texts[-1:]]))
        if announced or declared or _signed_by_another(section.closing, surnames) or _speaks_of_author(texts, surnames):
            kept = _until_handover(text, blocks, section.body)
            editorial.update(i for i in kept if blocks[i].kind is not BlockKind.QUOTE)
            if len(kept) < len(section.body):
                break
        elif sum(len(_words(t)) for t in texts) >= _MIN_MAIN_WORDS:
            break
        # A note at a section's end that what follows is "no part of" the work speaks of the next section.
        announced = bool(section.lines) and bool(_DECLARED.search(section.lines[-1]))
    return editorial


def _until_handover(text: str, blocks: tuple[Block, ...], body: list[int]) -> list[int]:
    """The body blocks up to (and with) a line that hands the text over to its author."""
    for position, i in enumerate(body):
        if _HANDS_OVER.search(text[blocks[i].start : blocks[i].end]):
            return body[: position + 1]
    return body


def _leading_editorial(text: str, blocks: tuple[Block, ...], surnames: frozenset[str], taken: set[int]) -> set[int]:
    """The body blocks at the very start that speak about the author or the work (a republisher's
    note, a standfirst), up to the first that does not; a block in the first person that does not
    name the author is the author's own (a dedication, a preface)."""
    markers = _editorial_markers(surnames)
    leading: set[int] = set()
    for i, block in enumerate(blocks):
        if block.kind not in _BODY or i in taken:
            continue
        content = text[block.start : block.end]
        own = _FIRST_PERSON.search(content) and not _names_author(content, surnames)
        if own or not markers.search(content):
            break
        leading.add(i)
    return leading


def editorial_blocks(text: str, blocks: tuple[Block, ...], meta: Metadata) -> frozenset[int]:
    """Indices of the blocks in an editor's, translator's or publisher's voice, not the author's:
    every body block before ``body_starts_with`` when the sidecar gives it; else the front-matter
    sections that are someone else's, and the leading paragraphs that speak about the author."""
    body = [i for i, b in enumerate(blocks) if b.kind in _BODY]
    if meta.body_starts_with and (start := text.find(meta.body_starts_with)) >= 0:
        return frozenset(i for i in body if blocks[i].end <= start)
    surnames = author_surnames(meta.author)
    editorial = _front_matter_editorial(text, blocks, surnames)
    editorial |= _leading_editorial(text, blocks, surnames, editorial)
    editorial |= _before_handover(text, blocks, body)
    return frozenset(editorial)


def _before_handover(text: str, blocks: tuple[Block, ...], body: list[int]) -> set[int]:
    """Everything up to the first line that hands the text to its author ("… delivered the opinion
    of the Court") frames it — a syllabus, a caption — and is not the author's."""
    handover = next((i for i in body if _HANDS_OVER.search(text[blocks[i].start : blocks[i].end])), None)
    return set() if handover is None else {i for i in body if i <= handover and blocks[i].kind is not BlockKind.QUOTE}
