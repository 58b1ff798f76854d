"""The encoder backends against the reference (sentence-transformers on torch): the same vectors
and neighbours on the seed's passages, an export made locally without touching the network or
the installed model, and a query path that imports no torch."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pytest

from assistant.settings import Backend, EncoderSettings, Settings
from embeddings.encoder import EXPORTS, Encoder, default_exports, resolve_model
from embeddings.errors import ModelUnavailable
from embeddings.export import META
from embeddings.identity import Identity
from embeddings.index import Manifest
from embeddings.runtimes import OnnxRuntime
from tests.helpers import seed_document

PASSAGES = 60  # of the seed, in order: enough for neighbours to be worth comparing
QUESTIONS = [
    "What does the author say about the ban on factions?",
    "Was Stalin a foreign body in the party?",
    "where does Lenin say the opposition must end?",
    "Who led the Red Army?",
    "the Kronstadt uprising",
    "Did the Bolsheviks intend a one-party state from the start?",
    "How did the Jacobins treat their own left?",
    "What happened to the soviets during the civil war?",
]
ONNX_BACKENDS = [b for b in Backend if b != Backend.TORCH]
# fp32 computes what torch computes; int8 trades a little agreement for speed.
AGREEMENT = {Backend.ONNX: (0.9999, 10), Backend.ONNX_INT8: (0.97, 6)}


@pytest.fixture(scope="module")
def torch_encoder() -> Encoder:
    return Encoder(settings=EncoderSettings(Backend.TORCH, partner=""))


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return [p.text for p in seed_document().passages[:PASSAGES]]


@pytest.fixture(scope="module")
def reference(torch_encoder: Encoder, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    return torch_encoder.encode(QUESTIONS), torch_encoder.encode(texts)


def neighbours(questions: np.ndarray, passages: np.ndarray) -> list[set[int]]:
    return [set(row) for row in np.argsort(-(questions @ passages.T), axis=1)[:, :10]]


@pytest.mark.parametrize("backend", ONNX_BACKENDS)
def test_a_backend_encodes_as_torch_does(
    backend: Backend, texts: list[str], reference: tuple[np.ndarray, np.ndarray]
) -> None:
    encoder = Encoder(settings=EncoderSettings(backend, partner=""))
    questions, passages = encoder.encode(QUESTIONS), encoder.encode(texts)
    torch_questions, torch_passages = reference
    cosine = np.concatenate([(questions * torch_questions).sum(1), (passages * torch_passages).sum(1)])
    least_cosine, least_shared = AGREEMENT[backend]
    assert cosine.min() >= least_cosine, f"{backend}: cosine to torch down to {cosine.min():.5f}"
    shared = [len(a & b) for a, b in zip(neighbours(questions, passages), neighbours(*reference), strict=True)]
    assert min(shared) >= least_shared, f"{backend}: top-10 neighbours shared with torch: {shared}"
    assert np.allclose(np.linalg.norm(passages, axis=1), 1, atol=1e-5)
    assert encoder.dimension == passages.shape[1] == torch_passages.shape[1]


@pytest.mark.parametrize(
    "settings",
    [EncoderSettings(Backend.ONNX, partner=""), EncoderSettings(Backend.ONNX_INT8, partner=""), EncoderSettings()],
    ids=["onnx", "onnx-int8", "served pair"],
)
def test_a_single_question_is_encoded_as_in_a_batch(settings: EncoderSettings, texts: list[str]) -> None:
    """Batches are padded to their longest text, and passages are sorted by length: neither may
    change a vector. A model quantised dynamically (int8, bge-small-en) scales each call's
    activations together, so it reads one text a call."""
    encoder = Encoder(settings=settings)
    together = encoder.runtime.encode([*QUESTIONS, *texts[:20]], batch_size=7)
    alone = np.stack([encoder.runtime.encode([t], batch_size=1)[0] for t in [*QUESTIONS, *texts[:20]]])
    np.testing.assert_allclose(together, alone, atol=2e-6)


@pytest.fixture()
def network_attempts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, Any]]]:
    """Every connection or name look-up made from Python, in any thread, toward anything but
    this machine: recorded, and refused."""
    attempts: list[tuple[str, Any]] = []
    local = {"127.0.0.1", "::1", "localhost"}
    connect, getaddrinfo = socket.socket.connect, socket.getaddrinfo

    def guarded_connect(self: socket.socket, address: Any) -> None:
        if self.family != socket.AF_UNIX and address[0] not in local:
            attempts.append(("connect", address))
            raise OSError("the network is blocked in this test")
        connect(self, address)

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in local:
            attempts.append(("getaddrinfo", host))
            raise socket.gaierror("the network is blocked in this test")
        return getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    yield attempts


def _snapshot(folder: Path) -> list[tuple[str, int, int]]:
    return sorted((str(f.relative_to(folder)), f.stat().st_size, f.stat().st_mtime_ns) for f in folder.rglob("*"))


def test_the_export_is_made_locally_into_a_copy_without_the_network(
    tmp_path: Path, network_attempts: list[tuple[str, Any]], texts: list[str]
) -> None:
    package = Path(resolve_model("default"))
    before = _snapshot(package)
    settings = Settings(data_dir=tmp_path, encoder=EncoderSettings(Backend.ONNX, partner=""))
    encoder = Encoder.from_settings(settings)
    encoder.encode(texts[:10])
    encoder.encode_query("Who led the Red Army?")
    assert network_attempts == []
    assert _snapshot(package) == before, "the installed model's folder is never written"
    (export,) = (tmp_path / EXPORTS).iterdir()
    meta = json.loads((export / META).read_text())
    assert encoder.identity == Identity("default", "onnx", "fp32", meta["sha256"][:16])
    assert not list((tmp_path / EXPORTS).glob(".*.tmp")), "the export was renamed into place whole"
    again = Encoder.from_settings(settings)
    assert again.name == encoder.name and list((tmp_path / EXPORTS).iterdir()) == [export], "exported once"
    with pytest.raises(OSError):
        socket.getaddrinfo("example.org", 443)  # the guard itself sees an attempt
    assert network_attempts == [("getaddrinfo", "example.org")]


_QUERY_PROCESS = """
    import sys
    from pathlib import Path
    from assistant.settings import Backend, EncoderSettings
    from embeddings.encoder import Encoder
    encoder = Encoder(settings=EncoderSettings(Backend.ONNX, partner=""), exports=Path(sys.argv[1]))
    for n in range(20):
        encoder.encode_query(f"question number {n} about the party")
    import time
    time.sleep(1)  # time for any thread of the runtime to send what it queued
    print(sorted(m for m in ("torch", "sentence_transformers", "transformers") if m in sys.modules))
"""


@pytest.fixture(scope="module")
def onnx_exports() -> Path:
    """The default exports folder, holding the fp32 export (made here if not made before)."""
    Encoder(settings=EncoderSettings(Backend.ONNX, partner=""))
    return default_exports()


def test_the_onnx_query_path_imports_no_torch(onnx_exports: Path) -> None:
    script = textwrap.dedent(_QUERY_PROCESS)
    done = subprocess.run([sys.executable, "-c", script, str(onnx_exports)], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
def test_the_onnx_runtime_threads_make_no_connection(onnx_exports: Path, tmp_path: Path) -> None:
    """Its own threads would not pass through Python's socket module: the system calls are watched."""
    log = tmp_path / "trace"
    script = textwrap.dedent(_QUERY_PROCESS)
    command = ["strace", "-f", "-qq", "-e", "trace=connect,sendto", "-o", str(log)]
    subprocess.run([*command, sys.executable, "-c", script, str(onnx_exports)], capture_output=True, check=True)
    calls = [line for line in log.read_text().splitlines() if "AF_INET" in line]
    assert calls == []


def test_an_index_of_another_backend_or_export_is_stale_and_says_why(
    torch_encoder: Encoder, onnx_exports: Path
) -> None:
    onnx = Encoder(settings=EncoderSettings(Backend.ONNX, partner=""))
    built = Manifest(model=onnx.name, dimension=384, fingerprint="f", count=1)
    assert built.encoder == {"model": "default", "backend": "onnx", "precision": "fp32", "export": onnx.identity.export}
    assert built.stale_reason(onnx.name, "f", {}) is None
    assert built.stale_reason(torch_encoder.name, "f", {}) == "encoder backend changed (onnx fp32 → torch fp32)"
    reexported = str(Identity("default", "onnx", "fp32", "0" * 16))
    assert built.stale_reason(reexported, "f", {}).startswith("the onnx export of the model changed")
    assert built.stale_reason("other-model", "f", {}) == "model changed (default → other-model)"
    by_torch = Manifest(model=torch_encoder.name, dimension=384, fingerprint="f", count=1)
    assert by_torch.encoder["backend"] == "torch" and torch_encoder.name == "default"


def test_a_bare_onnx_model_folder_runs_as_it_is_pooled_as_the_settings_say(tmp_path: Path) -> None:
    """A folder of just an ONNX model and its tokenizer (as other tools ship models) is copied as
    an export: its tokenizer made to pad and truncate, its inputs and dimension read from the
    model. Mean pooling gives back MiniLM's own vectors; CLS pooling gives other ones; torch
    cannot run it and says so."""
    from tokenizers import Tokenizer

    encoder = Encoder(settings=EncoderSettings(partner=""))
    assert isinstance(encoder.runtime, OnnxRuntime)
    bare = tmp_path / "bare-minilm"
    bare.mkdir()
    shutil.copyfile(encoder.runtime.export.model_file, bare / "model.onnx")
    tokenizer = Tokenizer.from_file(str(encoder.runtime.export.tokenizer_file))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    tokenizer.save(str(bare / "tokenizer.json"))
    texts = [*QUESTIONS, seed_document().passages[3].text]

    def encoded(pooling: Literal["mean", "cls"]) -> tuple[Encoder, np.ndarray]:
        made = Encoder(str(bare), settings=EncoderSettings(pooling=pooling, partner=""), exports=tmp_path / EXPORTS)
        return made, made.encode(texts)

    mean, vectors = encoded("mean")
    assert Identity.parse(mean.name).precision == "native" and mean.dimension == encoder.dimension
    np.testing.assert_allclose(vectors, encoder.encode(texts), atol=1e-5)
    assert not (bare / "export.json").exists()  # the folder is read, never written
    _, cls_vectors = encoded("cls")
    assert float(np.mean(np.sum(cls_vectors * vectors, axis=1))) < 0.99
    with pytest.raises(ModelUnavailable, match="BACKEND=onnx"):
        Encoder(str(bare), settings=EncoderSettings(backend=Backend.TORCH, partner=""), exports=tmp_path / EXPORTS)
