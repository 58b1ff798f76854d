"""The settings: defined once in groups, documented in the README's table, and recorded in the
index, so that changing one that shapes the index rebuilds it and says why."""

from __future__ import annotations

import dataclasses
import logging
import shutil
from pathlib import Path

import pytest

from assistant.index.build import open_store, stale_reason
from assistant.settings import PROJECT_ROOT, LexicalSettings, RankingSettings, Settings
from embeddings.encoder import Encoder
from tests.helpers import SEEDS


def _configuration_section() -> str:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    return readme[readme.index("## Configuration") : readme.index("## How it works")]


def test_every_setting_is_in_the_readme_table() -> None:
    documented = _configuration_section()
    for name, field in Settings.model_fields.items():
        group = field.annotation
        if dataclasses.is_dataclass(group):
            assert f"DEBATE_{name.upper()}__*" in documented, name
            for member in dataclasses.fields(group):
                assert member.name.upper() in documented, f"{name}.{member.name}"
        else:
            assert f"DEBATE_{name.upper()}" in documented, name


def test_a_group_field_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBATE_RANKING__VOICE_BOOST", "0.25")
    monkeypatch.setenv("DEBATE_SERVER__PORT", "8123")
    settings = Settings()
    assert settings.ranking.voice_boost == 0.25 and settings.server.port == 8123
    assert settings.ranking.sentence_weight == RankingSettings().sentence_weight  # the group keeps its other defaults


def test_changed_bm25_settings_rebuild_the_index_and_say_why(
    tmp_path: Path, encoder: Encoder, caplog: pytest.LogCaptureFixture
) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(SEEDS, corpus)
    chunking = Settings().chunking
    open_store(corpus, index, encoder, chunking, lexical=LexicalSettings())
    assert stale_reason(corpus, index, encoder.name, chunking, LexicalSettings()) is None
    other = LexicalSettings(k1=1.2)
    assert stale_reason(corpus, index, encoder.name, chunking, other) == "settings changed: lexical.k1 5.0 → 1.2"
    with caplog.at_level(logging.WARNING):
        store = open_store(corpus, index, encoder, chunking, lexical=other)
    assert store.lexical.settings == other
    assert any("lexical.k1 5.0 → 1.2" in r.getMessage() for r in caplog.records)
    assert stale_reason(corpus, index, encoder.name, chunking, other) is None
