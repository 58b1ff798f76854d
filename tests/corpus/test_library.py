"""Bad documents in the corpus folder are named with a reason and skipped; the rest is served."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.corpus.library import load_corpus
from assistant.corpus.passages import ChunkingSettings
from tests.helpers import SEEDS


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (corpus / "latin1.txt").write_bytes("Caf\xe9 cr\xe8me".encode("latin-1"))
    with open(corpus / "huge.txt", "wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    outside = tmp_path / "secret.txt"
    outside.write_text("not part of the corpus")
    (corpus / "link.txt").symlink_to(outside)
    (corpus / "directory.md").mkdir()
    (corpus / "bad-meta.txt").write_text("Some text.")
    (corpus / "bad-meta.meta.json").write_text("{not json")
    return corpus


def test_each_bad_file_is_named_with_its_reason_and_the_rest_is_served(folder: Path) -> None:
    corpus = load_corpus(folder, ChunkingSettings())
    reasons = {s.name: s.reason for s in corpus.skipped}
    assert "empty file" in reasons["empty.txt"]
    assert "binary" in reasons["binary.txt"]
    assert "not UTF-8" in reasons["latin1.txt"]
    assert "limit" in reasons["huge.txt"]
    assert "symbolic link out of the corpus" in reasons["link.txt"]
    assert "cannot be read" in reasons["directory.md"]
    assert "metadata" in reasons["bad-meta.txt"]
    assert list(corpus.documents) == ["red-jacobins"]


def test_a_read_that_fails_midway_is_reported(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = Path.read_bytes

    def failing(path: Path) -> bytes:
        if path.name == "red-jacobins.txt":
            raise OSError(5, "Input/output error")
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", failing)
    corpus = load_corpus(folder, ChunkingSettings())
    assert "Input/output error" in {s.name: s.reason for s in corpus.skipped}["red-jacobins.txt"]
    assert corpus.documents == {}
