"""The readers against the truth of real files: citation fields, headings, the author's text, notes.

Every file named in ``tests/data/reader_truths.json`` (transcribed from the READMEs of
``../shared/data/corpus-dev`` and ``../shared/data/corpus``) is parsed with no sidecar, so the
document has to speak for itself, and measured against its truth; one Markdown row per file.

    .venv/bin/python -m benchmarks.readers

Matching rules
- Text anchors (``author_text_begins`` and the like) are found whitespace-insensitively, with
  typographic quotes folded to straight ones and invisible characters (word joiner, soft hyphen,
  zero-width space, byte-order mark) dropped; case counts. Each anchor is looked for after the
  one before it (the end after the beginning, an excluded stretch's end after its start).
- Title ✓ when ours and the truth's are equal after case-folding and stripping punctuation, or one
  contains the other, or the other's main title (before the first colon or ". "), as whole words;
  what is contained must hold a word of four letters or more (an ordinal like "VI" names no
  work). A title the README calls wrong (``title_not``: a file label, a template's) is ✗.
- Author ✓ when the surname of one of the acceptable names (its last word, "Jr." and the like
  aside) or, for an organisation, its whole name appears in ours as whole words, and no name of
  ``author_not`` does.
- Year ✓ when equal to the truth's (or to one of the years of a work that spans several).
- Headings: titles are normalised (NFKC, case-folded, punctuation to spaces, whitespace collapsed).
  A truth heading matches a section whose title equals it or starts with it and a space; each
  heading takes the first unused matching section in document order. A truth heading that is the
  document's title heading also counts as found when the document's title matches it.
  Sections counted: every section whose heading starts inside the author's text (the whole
  document when the README does not say where that text begins), and the section
  that holds the first words of each stretch of it (the last one starting before them: the
  section those words are cited under). The author's text runs from ``author_text_begins`` to the
  end of ``headings_end`` (else ``author_text_ends``, else up to ``author_text_runs_until``), less
  the ``author_text_excludes`` stretches the README says are not the author's (front matter is set
  aside only where the README says so, never by its look). Sections matching
  ``headings_optional`` are not counted. Precision = matched / counted sections; recall = found /
  truth headings. When the README lists only some headings, precision is only bounded above by
  headings_count / counted (shown "≤").
- False headings: sections anywhere whose title equals a line the README says is not a heading
  (``not_sections``), or starts with one the README gives only the start of
  (``not_sections_starting``, e.g. numbered table captions).
- Outside: passages in the author's voice that are not inside the author's text (begins … ends,
  or … up to runs_until, less the excluded stretches); a passage may overhang it only by
  characters that are neither letters nor digits. In a file with no running text every
  author-voice passage is outside.
- Not-author: author-voice passages holding a phrase the README quotes from boilerplate or from
  other people's words (``not_author_strings``), matched like anchors.
- Notes: markers recorded = the marker labels passages carry, plus markers linked to a body
  (``Document.notes``) that no passage holds (one in a heading); "linked" counts the links.
  Where the README counts note bodies only, bodies = paragraphs in the note voice.
"""

from __future__ import annotations

import bisect
import json
import re
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from assistant.corpus.document import Document, Voice
from assistant.corpus.library import parse_document
from assistant.corpus.passages import ChunkingSettings
from assistant.errors import CorpusError
from assistant.settings import PROJECT_ROOT

TRUTHS = PROJECT_ROOT / "tests" / "data" / "reader_truths.json"
DATA = PROJECT_ROOT.parent / "shared" / "data"
THRESHOLD = 0.95  # what the tests demand of heading precision and recall

_INVISIBLE = dict.fromkeys(map(ord, "\u2060\u00ad\u200b\u200c\u200d\ufeff"))
_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "“": '"', "”": '"', "„": '"'})
_NON_WORD = re.compile(r"[\W_]+")
_MAIN_TITLE_END = re.compile(r":|\.\s")
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}


@dataclass(frozen=True)
class Stretch:
    """A stretch the README says is not the author's, inside the author's text."""

    start: str
    until: str


@dataclass(frozen=True)
class Truth:
    """One file's truth as ``reader_truths.json`` states it (see its ``fields``)."""

    folder: str
    file: str
    title: str
    title_not: tuple[str, ...]
    author: tuple[str, ...]
    author_is_organisation: bool
    author_not: tuple[str, ...]
    years: tuple[int, ...]
    skip_reason_contains: str | None
    headings: tuple[tuple[str, ...], ...] | None
    headings_complete: bool
    headings_count: int | None
    headings_optional: tuple[str, ...]
    headings_end: str | None
    not_sections: tuple[str, ...]
    not_sections_starting: tuple[str, ...]
    notes: int | None
    note_bodies: int | None
    begins: str | None
    ends: str | None
    runs_until: str | None
    excludes: tuple[Stretch, ...]
    no_running_text: bool
    not_author_strings: tuple[str, ...]

    @property
    def path(self) -> Path:
        return DATA / self.folder / self.file


def _truth(row: dict) -> Truth:
    year = row["year"]
    headings = row["headings"]
    return Truth(
        folder=row["folder"],
        file=row["file"],
        title=row["title"],
        title_not=tuple(row["title_not"]),
        author=tuple(row["author"] or ()),
        author_is_organisation=row["author_is_organisation"],
        author_not=tuple(row["author_not"]),
        years=tuple(year) if isinstance(year, list) else (year,) if year is not None else (),
        skip_reason_contains=row["skip_reason_contains"],
        headings=None if headings is None else tuple((h,) if isinstance(h, str) else tuple(h) for h in headings),
        headings_complete=row["headings_complete"],
        headings_count=row["headings_count"],
        headings_optional=tuple(row["headings_optional"]),
        headings_end=row["headings_end"],
        not_sections=tuple(row["not_sections"]),
        not_sections_starting=tuple(row["not_sections_starting"]),
        notes=row["notes"],
        note_bodies=row["note_bodies"],
        begins=row["author_text_begins"],
        ends=row["author_text_ends"],
        runs_until=row["author_text_runs_until"],
        excludes=tuple(Stretch(s["from"], s["until"]) for s in row["author_text_excludes"]),
        no_running_text=row["no_running_text"],
        not_author_strings=tuple(row["not_author_strings"]),
    )


def load_truths(path: Path = TRUTHS) -> list[Truth]:
    """Every file's truth, in the order the JSON lists them."""
    return [_truth(row) for row in json.loads(path.read_text(encoding="utf-8"))["files"]]


def _squeeze_char(char: str) -> str:
    return char.translate(_INVISIBLE).translate(_QUOTES)


class Anchors:
    """A document's text with whitespace and invisible characters dropped and quotes folded, so that
    a README quotation is found whatever line breaks or typography the reader kept."""

    def __init__(self, text: str) -> None:
        kept = [(i, c) for i, c in enumerate(text) if not c.isspace() and _squeeze_char(c)]
        self.offsets = [i for i, _ in kept]
        self.squeezed = "".join(_squeeze_char(c) for _, c in kept)

    @staticmethod
    def squeeze(phrase: str) -> str:
        return "".join(_squeeze_char(c) for c in phrase if not c.isspace())

    def find(self, phrase: str, after: int = 0) -> tuple[int, int] | None:
        """``(start, end)`` in the original text of the first occurrence starting at or after ``after``."""
        needle = self.squeeze(phrase)
        at = self.squeezed.find(needle, bisect.bisect_left(self.offsets, after))
        if not needle or at < 0:
            return None
        return self.offsets[at], self.offsets[at + len(needle) - 1] + 1

    def count(self, phrase: str) -> int:
        return self.squeezed.count(self.squeeze(phrase))

    def holds(self, phrase: str, start: int, end: int) -> bool:
        """Whether ``phrase`` occurs inside ``text[start:end]``."""
        lo, hi = bisect.bisect_left(self.offsets, start), bisect.bisect_left(self.offsets, end)
        return self.squeeze(phrase) in self.squeezed[lo:hi]


def normalise(title: str) -> str:
    """A heading or title compared without case, punctuation or spacing."""
    folded = unicodedata.normalize("NFKC", title).translate(_INVISIBLE).casefold()
    return " ".join(_NON_WORD.sub(" ", folded).split())


def heading_matches(truth: str, title: str) -> bool:
    """A section title is the truth's heading, or a wrapped heading the truth gives the start of."""
    want, got = normalise(truth), normalise(title)
    return bool(want) and (got == want or got.startswith(want + " "))


def _contains_words(outer: str, inner: str) -> bool:
    return bool(inner) and f" {inner} " in f" {outer} "


def _significant(words: str) -> str:
    """The words, when they can name a work at all (not a bare ordinal like "VI")."""
    return words if any(len(word) >= 4 for word in words.split()) else ""


def _main_title(title: str) -> str:
    return _significant(normalise(_MAIN_TITLE_END.split(title, maxsplit=1)[0]))


def title_matches(truth: Truth, ours: str) -> bool:
    if any(normalise(wrong) == normalise(ours) for wrong in truth.title_not):
        return False
    want, got = normalise(truth.title), normalise(ours)
    if want == got:
        return True
    return any(
        _contains_words(outer, part)
        for outer, title in ((want, ours), (got, truth.title))
        for part in (_main_title(title), _significant(normalise(title)))
    )


def _surname(name: str) -> str:
    words = [w for w in normalise(name).split() if w not in _SUFFIXES]
    return words[-1] if words else ""


def _names_in(names: tuple[str, ...], ours: str, whole: bool) -> bool:
    return any(_contains_words(normalise(ours), normalise(n) if whole else _surname(n)) for n in names)


def author_matches(truth: Truth, ours: str | None) -> bool:
    if not ours:
        return False
    return _names_in(truth.author, ours, truth.author_is_organisation) and not _names_in(truth.author_not, ours, False)


def _letters_or_digits(text: str) -> bool:
    return any(c.isalnum() for c in text)


@dataclass(frozen=True)
class Span:
    """The author's text as offsets: its stretches, and the anchors that could not be found."""

    stretches: tuple[tuple[int, int], ...]
    missing: tuple[str, ...]

    def holds(self, text: str, start: int, end: int) -> bool:
        """``text[start:end]`` lies inside one stretch, overhanging it by no letter or digit."""
        return any(
            not _letters_or_digits(text[start:a]) and not _letters_or_digits(text[b:end]) for a, b in self.stretches
        )


def author_span(truth: Truth, text: str, anchors: Anchors, end_anchor: str | None = None) -> Span:
    """The author's text (``end_anchor`` overrides where it ends, e.g. for the listed headings)."""
    begin = anchors.find(truth.begins) if truth.begins else None
    if begin is None:
        return Span((), (f"begins: {truth.begins}",) if truth.begins else ())
    missing: list[str] = []
    end: int | None = None
    if end_anchor or truth.ends:
        found = anchors.find(end_anchor or truth.ends or "", begin[0])
        end = found[1] if found else None
        if found is None:
            missing.append(f"ends: {end_anchor or truth.ends}")
    if truth.runs_until and not end_anchor:
        found = anchors.find(truth.runs_until, end or begin[0])
        end = found[0] if found else None
        if found is None:
            missing.append(f"runs until: {truth.runs_until}")
    if end is None:
        return Span((), tuple(missing))
    stretches, cursor = [], begin[0]
    for stretch in truth.excludes:
        cut = anchors.find(stretch.start, cursor)
        resume = anchors.find(stretch.until, cut[1]) if cut else None
        if cut is None or resume is None:
            missing.append(f"excluded stretch: {stretch.start} … {stretch.until}")
            continue
        stretches.append((cursor, cut[0]))
        cursor = resume[0]
    stretches.append((cursor, end))
    return Span(tuple((a, b) for a, b in stretches if b > a), tuple(missing))


@dataclass(frozen=True)
class Headings:
    """How the document's sections compare with the README's headings."""

    counted: int
    matched: int
    found: int
    expected: int
    precision: float | None
    precision_bound: float | None
    recall: float | None
    missed: tuple[str, ...]
    extra: tuple[str, ...]
    missing_anchors: tuple[str, ...]


def _counted_sections(doc: Document, span: Span, truth: Truth) -> list[int]:
    """Indexes of the sections inside the author's text, and of those that hold its first words."""
    starts = [s.start for s in doc.sections]
    chosen: set[int] = set()
    for a, b in span.stretches:
        holder = bisect.bisect_right(starts, a) - 1
        chosen.update(i for i in range(len(starts)) if a <= starts[i] < b)
        if holder >= 0:
            chosen.add(holder)
    optional = [i for i in chosen if any(heading_matches(h, doc.sections[i].title) for h in truth.headings_optional)]
    return sorted(chosen.difference(optional))


def compare_headings(doc: Document, truth: Truth, anchors: Anchors) -> Headings | None:
    if truth.headings is None:
        return None
    if truth.begins is None:  # the README places no author's text: the whole document is it
        span = Span(((0, len(doc.text)),), ())
    else:
        span = author_span(truth, doc.text, anchors, truth.headings_end)
    counted = _counted_sections(doc, span, truth)
    used: set[int] = set()
    missed: list[str] = []
    by_title = 0
    for forms in truth.headings:
        index = next(
            (i for i in counted if i not in used and any(heading_matches(f, doc.sections[i].title) for f in forms)),
            None,
        )
        if index is not None:
            used.add(index)
        elif any(heading_matches(f, doc.meta.title) for f in forms):
            by_title += 1
        else:
            missed.append(forms[0])
    matched, expected = len(used), len(truth.headings)
    precision = matched / len(counted) if counted else 1.0
    bound = min(1.0, truth.headings_count / len(counted)) if truth.headings_count is not None and counted else None
    return Headings(
        counted=len(counted),
        matched=matched,
        found=matched + by_title,
        expected=expected,
        precision=precision if truth.headings_complete else None,
        precision_bound=None if truth.headings_complete else bound,
        recall=(matched + by_title) / expected if expected else 1.0,
        missed=tuple(missed),
        extra=tuple(doc.sections[i].title for i in counted if i not in used),
        missing_anchors=span.missing,
    )


@dataclass(frozen=True)
class Notes:
    recorded: int
    linked: int
    bodies: int


def count_notes(doc: Document) -> Notes:
    starts = [p.start for p in doc.passages]

    def in_passage(offset: int) -> bool:
        at = bisect.bisect_right(starts, offset) - 1
        return at >= 0 and doc.passages[at].start <= offset < doc.passages[at].end

    carried = sum(len(p.notes) for p in doc.passages)
    unheld = sum(1 for link in doc.notes if not in_passage(link.marker))
    bodies = len({p.paragraph for p in doc.passages if p.voice is Voice.NOTE})
    return Notes(recorded=carried + unheld, linked=len(doc.notes), bodies=bodies)


@dataclass(frozen=True)
class Measure:
    """One file measured against its truth; ``document`` is None when the file was refused."""

    truth: Truth
    seconds: float
    document: Document | None = None
    refused: str | None = None
    title_ok: bool = False
    author_ok: bool = False
    year_ok: bool = False
    headings: Headings | None = None
    false_headings: tuple[str, ...] = ()
    outside: tuple[str, ...] = ()
    not_author: tuple[str, ...] = ()
    notes: Notes | None = None
    missing_anchors: tuple[str, ...] = field(default=())


def _not_a_section(truth: Truth, title: str) -> bool:
    return normalise(title) in {normalise(n) for n in truth.not_sections} or any(
        heading_matches(n, title) for n in truth.not_sections_starting
    )


def _outside(doc: Document, truth: Truth, span: Span) -> tuple[str, ...]:
    voiced = [p for p in doc.passages if p.voice is Voice.AUTHOR]
    if truth.no_running_text:
        return tuple(p.text for p in voiced)
    if not truth.begins:
        return ()
    return tuple(p.text for p in voiced if not span.holds(doc.text, p.start, p.end))


def _not_author(doc: Document, truth: Truth, anchors: Anchors) -> tuple[str, ...]:
    return tuple(
        p.text
        for p in doc.passages
        if p.voice is Voice.AUTHOR and any(anchors.holds(s, p.start, p.end) for s in truth.not_author_strings)
    )


def measure(truth: Truth) -> Measure:
    """Parse the file with no sidecar and compare it with its truth."""
    data = truth.path.read_bytes()
    started = time.perf_counter()
    try:
        doc = parse_document(truth.path, data, ChunkingSettings(), sidecar={})
    except CorpusError as err:
        return Measure(truth, time.perf_counter() - started, refused=str(err))
    seconds = time.perf_counter() - started
    anchors = Anchors(doc.text)
    span = author_span(truth, doc.text, anchors)
    headings = compare_headings(doc, truth, anchors)
    return Measure(
        truth,
        seconds,
        document=doc,
        title_ok=title_matches(truth, doc.meta.title),
        author_ok=author_matches(truth, doc.meta.author),
        year_ok=doc.meta.year in truth.years,
        headings=headings,
        false_headings=tuple(s.title for s in doc.sections if _not_a_section(truth, s.title)),
        outside=_outside(doc, truth, span),
        not_author=_not_author(doc, truth, anchors),
        notes=count_notes(doc),
        missing_anchors=tuple(dict.fromkeys(span.missing + (headings.missing_anchors if headings else ()))),
    )


def _mark(ok: bool, shown: object) -> str:
    text = str(shown if shown not in (None, "") else "—").replace("|", "/").replace("\n", " ")
    return ("✓ " if ok else "✗ ") + (text[:48] + "…" if len(text) > 48 else text)


def _share(value: float | None, bound: float | None) -> str:
    if value is not None:
        return f"{value:.2f}"
    return f"≤{bound:.2f}" if bound is not None else "n/a"


def _notes_cell(m: Measure) -> str:
    if m.notes is None:
        return ""
    cell = f"{m.notes.recorded} ({m.notes.linked} linked) / {m.truth.notes if m.truth.notes is not None else '?'}"
    if m.truth.note_bodies is not None:
        cell += f"; bodies {m.notes.bodies} / {m.truth.note_bodies}"
    return cell


COLUMNS = (
    "file",
    "title",
    "author",
    "year",
    "heading precision",
    "heading recall",
    "false headings",
    "author voice outside author's text",
    "author voice holding boilerplate",
    "note markers recorded / expected",
    "passages",
    "seconds",
)


def row(m: Measure) -> list[str]:
    name = m.truth.file
    if m.document is None:
        want = m.truth.skip_reason_contains
        ok = want is not None and want in (m.refused or "")
        return [name, _mark(ok, f"refused: {m.refused}"), "", "", "", "", "", "", "", "", "0", f"{m.seconds:.2f}"]
    doc, h = m.document, m.headings
    if m.truth.skip_reason_contains:
        title = _mark(False, f"served, not refused ({doc.meta.title})")
    else:
        title = _mark(m.title_ok, doc.meta.title)
    return [
        name,
        title,
        _mark(m.author_ok, doc.meta.author),
        _mark(m.year_ok, doc.meta.year),
        _share(h.precision, h.precision_bound) + f" ({h.matched}/{h.counted})" if h else "n/a",
        f"{h.recall:.2f} ({h.found}/{h.expected})" if h and h.recall is not None else "n/a",
        str(len(m.false_headings)),
        str(len(m.outside)) if m.truth.begins or m.truth.no_running_text else "n/a",
        str(len(m.not_author)) if m.truth.not_author_strings else "n/a",
        _notes_cell(m),
        str(len(doc.passages)),
        f"{m.seconds:.2f}",
    ]


def totals(measures: list[Measure]) -> list[str]:
    served = [m for m in measures if m.document is not None and not m.truth.skip_reason_contains]
    shares = [m.headings for m in served if m.headings is not None]
    precisions = [h.precision for h in shares if h.precision is not None]
    recalls = [h.recall for h in shares if h.recall is not None]
    recorded = sum(m.notes.recorded for m in served if m.notes and m.truth.notes is not None)
    expected = sum(m.truth.notes for m in served if m.truth.notes is not None)
    refused_right = sum(
        1 for m in measures if m.truth.skip_reason_contains and m.truth.skip_reason_contains in (m.refused or "")
    )
    return [
        f"**all {len(measures)}** (refused as due: {refused_right})",
        f"{sum(m.title_ok for m in served)}/{len(served)}",
        f"{sum(m.author_ok for m in served)}/{len(served)}",
        f"{sum(m.year_ok for m in served)}/{len(served)}",
        f"mean {sum(precisions) / len(precisions):.2f}" if precisions else "n/a",
        f"mean {sum(recalls) / len(recalls):.2f}" if recalls else "n/a",
        str(sum(len(m.false_headings) for m in served)),
        str(sum(len(m.outside) for m in served)),
        str(sum(len(m.not_author) for m in served)),
        f"{recorded} / {expected}",
        str(sum(len(m.document.passages) for m in served if m.document)),
        f"{sum(m.seconds for m in measures):.2f}",
    ]


def _markdown(rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])


def _details(measures: list[Measure]) -> list[str]:
    """What the table's figures are made of, for the files that fall short."""
    lines: list[str] = []
    for m in measures:
        parts = [f"anchor not found: {a}" for a in m.missing_anchors]
        if m.headings and m.headings.missed:
            parts.append("headings missed: " + "; ".join(m.headings.missed[:6]))
        if m.headings and m.headings.extra:
            parts.append(f"sections not in the truth ({len(m.headings.extra)}): " + "; ".join(m.headings.extra[:6]))
        if m.false_headings:
            parts.append("false headings: " + "; ".join(m.false_headings[:6]))
        if m.outside:
            parts.append("first author-voice passage outside: " + m.outside[0][:80].replace("\n", " "))
        if parts:
            lines.append(f"- `{m.truth.file}`: " + " | ".join(parts))
    return lines


def main() -> int:
    measures: list[Measure] = []
    rows: list[list[str]] = []
    for truth in load_truths():
        if not truth.path.exists():
            rows.append([truth.file, "missing from " + str(truth.path.parent)] + [""] * (len(COLUMNS) - 2))
            continue
        try:
            m = measure(truth)
        except Exception as err:  # a reader that breaks is a row of the table, not the end of it
            rows.append([truth.file, f"✗ error: {type(err).__name__}: {err}"[:120]] + [""] * (len(COLUMNS) - 2))
            continue
        measures.append(m)
        rows.append(row(m))
    rows.append(totals(measures))
    print(_markdown(rows))
    details = _details(measures)
    if details:
        print("\n" + "\n".join(details))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
