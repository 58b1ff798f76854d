"""The Milvus engine against its embedded form, milvus-lite, started and stopped by these tests:
it answers as the embedded FAISS + bm25s engine does over the same store, filters in the engine,
reuses a finished collection, and switches builds through the alias only once one is whole."""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from assistant.engines.base import Where
from assistant.engines.local import LocalEngine
from assistant.index.build import open_store
from assistant.index.store import Store
from assistant.service import Assistant
from assistant.settings import MilvusSettings, Settings
from embeddings.encoder import Encoder
from tests.conftest import EXTRA_CORPUS

pytest.importorskip("pymilvus")
pytest.importorskip("milvus_lite")

from pymilvus import DataType, MilvusClient

from assistant.engines.milvus import MilvusEngine, filter_expression, literal
from assistant.engines.milvus_collection import DESCRIPTION, served

QUESTIONS = [
    "What did the workers demand?",
    "Who led the revolution?",
    "the dictatorship of the proletariat",
    "Why did the bourgeoisie fear the communists?",
    "What happened to the soviets after the civil war?",
    "freedom of the press and of speech",
    "peasants and the land",
    "Was the terror necessary?",
    "the party and its bureaucracy",
    "What is the history of class struggles?",
    "disillusionment with the state",
    "zzyzx quibblewort",  # no term of the corpus
]


def _wheres(store: Store) -> list[Where]:
    documents = sorted(store.documents)
    voices = sorted(set(store.passages.column("voice")))
    speakers = sorted({s for s in store.passages.column("speaker") if s})
    return [
        Where(),
        Where(documents=frozenset(documents[:1])),
        Where(documents=frozenset(documents[-2:])),
        Where(voices=frozenset({"quoted"})),
        Where(voices=frozenset(voices[:2])),
        Where(speakers=frozenset(speakers[:2])),
        Where(documents=frozenset(documents[:1]), voices=frozenset({"author"})),
        Where(documents=frozenset(documents), voices=frozenset({"quoted"}), speakers=frozenset(speakers[:3])),
        Where(speakers=frozenset({'O\'Brien "the elder" \\ Łódź'})),
        Where(documents=frozenset()),
    ]


@pytest.fixture(scope="module")
def engines(
    assistant: Assistant, multi_assistant: Assistant, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, tuple[LocalEngine, MilvusEngine]]]:
    """Both engines over the seed store and over the three-document store, each Milvus one in
    its own embedded file."""
    stores = {"seed": assistant.store, "multi": multi_assistant.store}
    pairs = {
        name: (
            LocalEngine(store),
            MilvusEngine.open(store, MilvusSettings(), tmp_path_factory.mktemp(f"milvus-{name}")),
        )
        for name, store in stores.items()
    }
    yield pairs
    for _, engine in pairs.values():
        engine.close()


@pytest.fixture(scope="module")
def other_store(encoder: Encoder, tmp_path_factory: pytest.TempPathFactory) -> Store:
    """A third index, of one other article."""
    corpus = tmp_path_factory.mktemp("other-corpus")
    for source in EXTRA_CORPUS.glob("goldman-*"):
        shutil.copy(source, corpus / source.name)
    return open_store(corpus, tmp_path_factory.mktemp("other-index"), encoder, Settings().chunking)


def _assert_same_top(local: LocalEngine, rows: np.ndarray, scores: np.ndarray, expected, query: str, where: Where):
    """The same top-k as the embedded engine: the same scores in order, the same rows but among
    equal scores (where either order is right), every row passing the filter at its true score."""
    np.testing.assert_allclose(scores, expected.scores, rtol=1e-5)
    if len(rows):
        above = expected.scores > expected.scores[-1] * (1 + 1e-5)
        assert set(rows[: above.sum()]) == set(expected.rows[above])
        np.testing.assert_allclose(local.bm25.scores(query)[rows], scores, rtol=1e-5)
        allowed = local.mask(where)
        assert allowed is None or allowed[rows].all()


@pytest.mark.parametrize("name", ["seed", "multi"])
def test_the_engine_answers_as_the_embedded_one(
    name: str, engines: dict[str, tuple[LocalEngine, MilvusEngine]], encoder: Encoder
) -> None:
    local, milvus = engines[name]
    count = len(local.store.passages)
    for where in _wheres(local.store):
        for limit in (5, 2000):
            expected = local.matching(where, limit)
            found = milvus.matching(where, limit)
            assert (found is None) if expected is None else np.array_equal(found, expected), (where, limit)
        for number, question in enumerate(QUESTIONS):
            vector = encoder.encode_query(question)
            for k in (10, count + 5) if number < 3 else (10,):  # and more than pass the filter
                dense = local.dense(vector, k, where)
                np.testing.assert_array_equal(milvus.dense(vector, k, where), dense, err_msg=f"{question} {where}")
                expected = local.lexical(question, k, where, dense)
                got = milvus.lexical(question, k, where, dense)
                _assert_same_top(local, got.rows, got.scores, expected, question, where)
                np.testing.assert_allclose(got.scored, expected.scored, rtol=1e-5)
            everything = local.matching(where, 2000)
            if everything is not None:  # the candidates a small filter leaves, scored whole
                scored = milvus.lexical(question, 0, where, everything).scored
                np.testing.assert_allclose(scored, local.lexical(question, 0, where, everything).scored, rtol=1e-5)
    assert milvus.kind == "milvus"


def test_strings_with_quotes_survive_the_filter(engines: dict[str, tuple[LocalEngine, MilvusEngine]]) -> None:
    client = engines["seed"][1].client
    names = ['a "quoted" name', "O'Brien", "back\\slash\\", "Łódź, Zürich", "two\nlines", "", 'x" or speaker != "']
    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("row", DataType.INT64, is_primary=True)
    schema.add_field("dense", DataType.FLOAT_VECTOR, dim=2)
    schema.add_field("speaker", DataType.VARCHAR, max_length=256)
    client.create_collection("scratch_quotes", schema=schema)
    try:
        client.insert("scratch_quotes", [{"row": i, "dense": [1.0, 0.0], "speaker": n} for i, n in enumerate(names)])
        index = client.prepare_index_params()
        index.add_index("dense", index_type="FLAT", metric_type="IP")
        client.create_index("scratch_quotes", index, sync=False)
        client.load_collection("scratch_quotes")
        for row, name in enumerate(names):
            expression = filter_expression(Where(speakers=frozenset({name})))
            assert expression == f"speaker in [{literal(name)}]"
            found = client.query("scratch_quotes", filter=expression, output_fields=["row", "speaker"], limit=10)
            assert [(hit["row"], hit["speaker"]) for hit in found] == [(row, name)]
    finally:
        client.drop_collection("scratch_quotes")


class _Inserts:
    """Counts the client's inserts, and fails the ``fail_at``-th one."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, fail_at: int | None = None) -> None:
        self.calls, self.fail_at = 0, fail_at
        insert = MilvusClient.insert

        def counting(client: MilvusClient, *args: object, **kwargs: object) -> object:
            self.calls += 1
            if self.calls == self.fail_at:
                raise RuntimeError("stopped mid-build")
            return insert(client, *args, **kwargs)

        monkeypatch.setattr(MilvusClient, "insert", counting)


def test_a_second_open_reuses_the_collection(
    assistant: Assistant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = MilvusEngine.open(assistant.store, MilvusSettings(), tmp_path)
    first.close()
    inserts = _Inserts(monkeypatch)
    started = time.perf_counter()
    again = MilvusEngine.open(assistant.store, MilvusSettings(), tmp_path)
    try:
        assert inserts.calls == 0 and again.collection == first.collection
        assert time.perf_counter() - started < 5
        assert len(again.dense(assistant.store.passage_vectors[0], 3, Where())) == 3
    finally:
        again.close()


def test_other_content_moves_the_alias_and_keeps_the_previous_collection(
    assistant: Assistant,
    multi_assistant: Assistant,
    other_store: Store,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = MilvusSettings()
    vector = assistant.store.passage_vectors[7]
    first = MilvusEngine.open(assistant.store, settings, tmp_path)
    before = first.dense(vector, 10, Where())
    with caplog.at_level(logging.WARNING):
        second = MilvusEngine.open(multi_assistant.store, settings, tmp_path)
    messages = [r.getMessage() for r in caplog.records]
    assert any(first.collection in m and "was built from another" in m for m in messages), messages
    try:
        assert second.collection != first.collection
        assert served(second.client, settings.prefix) == second.collection
        np.testing.assert_array_equal(first.dense(vector, 10, Where()), before)  # a question in flight still answers
        third = MilvusEngine.open(other_store, settings, tmp_path)
        collections = set(third.client.list_collections())
        assert served(third.client, settings.prefix) == third.collection
        assert {second.collection, third.collection} <= collections and first.collection not in collections
        third.close()
    finally:
        first.close()
        second.close()


def test_a_build_stopped_midway_is_never_served_and_is_rebuilt(
    assistant: Assistant, multi_assistant: Assistant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = MilvusSettings(insert_batch=50)
    old = MilvusEngine.open(assistant.store, settings, tmp_path)
    try:
        _Inserts(monkeypatch, fail_at=3)
        with pytest.raises(RuntimeError, match="stopped mid-build"):
            MilvusEngine.open(multi_assistant.store, settings, tmp_path)
        assert served(old.client, settings.prefix) == old.collection
        unfinished = set(old.client.list_collections()) - {old.collection}
        assert len(unfinished) == 1
        assert DESCRIPTION not in old.client.describe_collection(unfinished.pop()).get("properties", {})
        monkeypatch.undo()
        inserts = _Inserts(monkeypatch)
        new = MilvusEngine.open(multi_assistant.store, settings, tmp_path)
        try:
            assert inserts.calls == -(-len(multi_assistant.store.passages) // 50)
            assert served(new.client, settings.prefix) == new.collection != old.collection
            local = LocalEngine(multi_assistant.store)
            vector = multi_assistant.store.passage_vectors[1]
            np.testing.assert_array_equal(new.dense(vector, 10, Where()), local.dense(vector, 10, Where()))
        finally:
            new.close()
    finally:
        old.close()


def test_the_served_assistant_searches_with_the_engine_the_settings_name(assistant: Assistant) -> None:
    # the second pass of the suite (DEBATE_ENGINE=milvus) must not quietly run on FAISS
    assert assistant.ranker.engine.kind == Settings().engine.value


def test_a_second_process_on_the_embedded_file_is_told_why_it_cannot_open_it(
    engines: dict[str, tuple[LocalEngine, MilvusEngine]],
) -> None:
    # milvus-lite serves one file from one process: a second one (a CLI beside the server) gets a reason
    held = Path(engines["seed"][1]._embedded or "")
    script = (
        "import sys; from pymilvus import MilvusClient; from assistant.engines.milvus import _embedded_client\n"
        "try:\n    _embedded_client(sys.argv[1])\nexcept Exception as err:\n    print(type(err).__name__, err)\n"
    )
    run = subprocess.run([sys.executable, "-c", script, str(held)], capture_output=True, text=True, timeout=60)
    assert run.stdout.startswith("IndexStateError") and "another process" in run.stdout, run.stdout + run.stderr
