"""Every real file against its README truth (``tests/data/reader_truths.json``), with no sidecar:
title, author, year, headings, the author's text, notes, refusal. The figures are those that
``benchmarks/readers.py`` prints; its docstring states the matching rules."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator

import pytest

from benchmarks.readers import THRESHOLD, Measure, Truth, load_truths, measure


@functools.cache
def _measured(truth: Truth) -> Measure:
    return measure(truth)


def measured(truth: Truth) -> Measure:
    """The file measured once per session; skipped when the shared data is not there."""
    if not truth.path.exists():
        pytest.skip(f"{truth.path} is missing (the shared corpus is not installed here)")
    return _measured(truth)


def served(truth: Truth) -> Measure:
    m = measured(truth)
    assert m.document is not None, f"{truth.file} was refused: {m.refused}"
    return m


def check_refused(truth: Truth) -> None:
    m = measured(truth)
    assert m.document is None, f"{truth.file} was served ({len(m.document.passages)} passages), not refused"
    assert truth.skip_reason_contains in (m.refused or ""), m.refused


def check_title(truth: Truth) -> None:
    m = served(truth)
    assert m.title_ok, f"title {m.document.meta.title!r}, truth {truth.title!r}"


def check_author(truth: Truth) -> None:
    m = served(truth)
    assert m.author_ok, f"author {m.document.meta.author!r}, truth one of {truth.author}"


def check_year(truth: Truth) -> None:
    m = served(truth)
    assert m.year_ok, f"year {m.document.meta.year!r}, truth {truth.years}"


def check_heading_recall(truth: Truth) -> None:
    h = served(truth).headings
    assert h is not None and h.recall is not None
    assert not h.missing_anchors, f"not in the served text: {list(h.missing_anchors)}"
    assert h.recall >= THRESHOLD, f"recall {h.recall:.2f} ({h.found}/{h.expected}); missed {list(h.missed)}"


def check_heading_precision(truth: Truth) -> None:
    """Exact when the README lists every heading; with a partial list, too many sections still fail."""
    h = served(truth).headings
    assert h is not None
    share = h.precision if h.precision is not None else h.precision_bound
    assert share is not None
    assert share >= THRESHOLD, f"precision {share:.2f} ({h.matched}/{h.counted}); not in the truth {list(h.extra)[:10]}"


def check_false_headings(truth: Truth) -> None:
    m = served(truth)
    assert not m.false_headings, f"sections the README says are not headings: {list(m.false_headings)}"


def check_author_text(truth: Truth) -> None:
    m = served(truth)
    assert not m.missing_anchors, f"not in the served text: {list(m.missing_anchors)}"
    first = [p[:80] for p in m.outside[:3]]
    assert not m.outside, f"{len(m.outside)} author-voice passages outside the author's text, e.g. {first}"


def check_not_author_strings(truth: Truth) -> None:
    m = served(truth)
    first = [p[:80] for p in m.not_author[:3]]
    assert not m.not_author, f"{len(m.not_author)} author-voice passages hold boilerplate, e.g. {first}"


def check_notes(truth: Truth) -> None:
    """As many markers as the README counts; none where it says there are none."""
    notes = served(truth).notes
    assert notes is not None and truth.notes is not None
    if truth.notes == 0:
        assert notes.recorded == 0, f"{notes.recorded} note markers where the README says there are none"
    else:
        assert notes.recorded >= truth.notes, f"{notes.recorded} note markers recorded, {truth.notes} in the file"


def check_note_bodies(truth: Truth) -> None:
    notes = served(truth).notes
    assert notes is not None
    assert notes.bodies == truth.note_bodies, f"{notes.bodies} note bodies, {truth.note_bodies} in the file"


# check → whether a truth states what the check needs
CHECKS: dict[Callable[[Truth], None], Callable[[Truth], bool]] = {
    check_title: lambda t: True,
    check_author: lambda t: bool(t.author),
    check_year: lambda t: bool(t.years),
    check_heading_recall: lambda t: bool(t.headings),
    check_heading_precision: lambda t: t.headings is not None and (t.headings_complete or bool(t.headings_count)),
    check_false_headings: lambda t: bool(t.not_sections or t.not_sections_starting),
    check_author_text: lambda t: bool(t.begins or t.no_running_text),
    check_not_author_strings: lambda t: bool(t.not_author_strings),
    check_notes: lambda t: t.notes is not None,
    check_note_bodies: lambda t: t.note_bodies is not None,
}


# What the file itself does not state, so that no general rule can read it (a sidecar supplies it).
# Strict: the day a rule reads it right, the case fails until it is taken off this list.
KNOWN_MISSES = {
    "federalist-papers-se-endnotes.xhtml:author": "only note bodies: no metadata, title page or byline names "
    "the authors (the notes' own signatures sign notes, not the file)",
    "federalist-papers-se-endnotes.xhtml:year": "no date anywhere in the file",
    "machiavelli-1532-the-prince-pg1232.epub:year": "1532 is not in the file (it says the work was written in "
    "1513); the package's date is the e-book's 2006 release, rightly refused",
    "goldman-1924-my-disillusionment-in-russia-afterword.html:author": "a chapter file with no metadata or byline",
    "goldman-1924-my-disillusionment-in-russia-afterword.html:year": "a chapter file with no date",
    "marx-engels-1848-communist-manifesto.md:title": "the file calls itself 'The Communist Manifesto (February "
    "1848)'; 'Manifesto of the Communist Party' is nowhere in it",
    "marx-engels-1848-communist-manifesto.md:author": "no byline or metadata names the authors",
}


def cases() -> Iterator[object]:
    for truth in load_truths():
        if truth.skip_reason_contains:
            yield pytest.param(truth, check_refused, id=f"{truth.file}:refused")
            continue
        for check, applies in CHECKS.items():
            if applies(truth):
                case = f"{truth.file}:{check.__name__.removeprefix('check_')}"
                miss = KNOWN_MISSES.get(case)
                marks = [pytest.mark.xfail(strict=True, reason=miss)] if miss else []
                yield pytest.param(truth, check, id=case, marks=marks)


@pytest.mark.parametrize(("truth", "check"), list(cases()))
def test_truth(truth: Truth, check: Callable[[Truth], None]) -> None:
    check(truth)
