"""Ids are promises: a passage id names the same words after edits elsewhere, and every file of
the corpus folder is either served under a unique, readable id or skipped with its reason."""

from __future__ import annotations

import shutil
from pathlib import Path

from assistant.corpus.library import load_corpus, parse_document
from assistant.corpus.passages import ChunkingSettings
from tests.helpers import SEED_ID, SEEDS


def _ids(text: str) -> dict[str, str]:
    document = parse_document(Path("article.txt"), text.encode(), ChunkingSettings(), {})
    return {p.id: p.text for p in document.passages}


def test_an_id_keeps_its_words_when_a_paragraph_is_inserted_above_it() -> None:
    original = (SEEDS / f"{SEED_ID}.txt").read_text(encoding="utf-8")
    first_break = original.index("\n\n", original.index("In 1936 the Russian Communist paper"))
    edited = original[:first_break] + "\n\nA paragraph inserted near the top of the article." + original[first_break:]
    before, after = _ids(original), _ids(edited)
    assert len(after) == len(before) + 1
    for passage_id, text in before.items():
        assert after.get(passage_id, text) == text  # the same words, or no such id
    assert sum(passage_id in after for passage_id in before) == len(before)


def test_repeated_paragraphs_get_distinct_ids_in_order() -> None:
    ids = list(_ids("Same words here.\n\nOther words.\n\nSame words here.\n").items())
    assert len({i for i, _ in ids}) == 3
    assert ids[0][0] + "~2" == ids[2][0] and ids[0][1] == ids[2][1]


def test_ids_from_any_file_name_are_readable_and_unique(tmp_path: Path) -> None:
    for name in ("Троцкий.txt", "Ленин.txt", "x.txt", "x.md", "Red Jacobins.txt", "???.txt"):
        (tmp_path / name).write_text(f"# Heading\n\nA paragraph of {name} with words.\n", encoding="utf-8")
    corpus = load_corpus(tmp_path, ChunkingSettings())
    sources = {d.source: d.id for d in corpus.documents.values()}
    assert sources["Троцкий.txt"] == "троцкий" and sources["Ленин.txt"] == "ленин"
    assert sources["x.md"] == "x" and sources["x.txt"] == "x-txt"
    assert sources["Red Jacobins.txt"] == "red-jacobins"
    assert sources["???.txt"].startswith("document-")
    assert len(set(sources.values())) == len(sources) == 6 and not corpus.skipped


def test_every_file_is_served_or_skipped_with_a_reason(tmp_path: Path) -> None:
    shutil.copy(SEEDS / f"{SEED_ID}.txt", tmp_path)
    (tmp_path / "slides.pptx").write_bytes(b"PK\x03\x04 not a document this reader takes")
    (tmp_path / "notes.odt").write_text("some text", encoding="utf-8")
    (tmp_path / "fake.pdf").write_text("just text with a pdf suffix", encoding="utf-8")
    (tmp_path / "fake.docx").write_bytes(b"PK\x03\x04 a zip that is no Word file")
    corpus = load_corpus(tmp_path, ChunkingSettings())
    reasons = {s.name: s.reason for s in corpus.skipped}
    assert set(reasons) == {"slides.pptx", "notes.odt", "fake.pdf", "fake.docx"}
    assert "unsupported format '.odt'" in reasons["notes.odt"]
    assert "not a" in reasons["fake.pdf"] and "not a" in reasons["fake.docx"]
    assert list(corpus.documents) == [SEED_ID]


def test_a_paragraph_without_sentence_ends_is_cut_below_the_maximum() -> None:
    words = " ".join(f"word{i}, and more" if i % 7 == 0 else f"word{i}" for i in range(300_000))
    settings = ChunkingSettings(max_chars=1200)
    document = parse_document(Path("long.txt"), words.encode(), settings, {})
    assert len(words) > 2_000_000
    assert all(len(p.text) <= settings.max_chars for p in document.passages)
    assert all(words[p.start : p.end] == p.text for p in document.passages)
    assert all(not p.text[0].isspace() and p.text[-1] != " " for p in document.passages)
    assert "".join(p.text for p in document.passages).replace(" ", "") == words.replace(" ", "")


def test_a_lead_in_ending_in_a_colon_is_served_with_its_quotation() -> None:
    quotation = "“" + "The words of the quotation go on at length. " * 30 + "”"
    text = f"Heading\n\n{'A long lead-in sentence that says who spoke and when. ' * 8}Lenin said:\n\n{quotation}\n"
    document = parse_document(Path("quote.txt"), text.encode(), ChunkingSettings(max_chars=1200), {})
    lead_in = next(p for p in document.passages if "Lenin said:" in p.text)
    assert "The words of the quotation" in lead_in.text
