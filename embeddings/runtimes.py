"""What runs the model: sentence-transformers on torch (the reference), or ONNX Runtime on a local
export of the same weights.

Both return unit-length float32 rows. The ONNX runtime tokenises with the ``tokenizers`` library
and pools in numpy, so a process that answers questions imports neither torch nor
sentence-transformers; only making the export (once) does.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

import numpy as np

from embeddings.errors import ModelUnavailable
from embeddings.export import Export
from embeddings.ort import onnxruntime

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

T = TypeVar("T")

# Characters one model call reads, padding included (about a thousand tokens): every text of a
# batch is padded to its longest, and the padding costs as much as text. Past this, a batch of
# long passages only wastes time; questions asked together still go in one call.
_CHARS_PER_CALL = 4096


class Runtime(Protocol):
    """Encodes texts into unit-length rows, at most ``batch_size`` texts per model call;
    ``calls`` model calls may run at once, from as many threads."""

    dimension: int
    calls: int

    def encode(self, texts: Sequence[str], batch_size: int, progress: bool = False) -> np.ndarray: ...


def _shown(items: Iterable[T], total: int, progress: bool) -> Iterable[T]:
    if not progress:
        return items
    from tqdm import tqdm

    return tqdm(items, desc="Batches", unit="batch", total=total)


def _batches(order: list[int], texts: Sequence[str], batch_size: int) -> list[list[int]]:
    """Consecutive runs of ``order`` (the longest text first) of at most ``batch_size`` texts and
    about ``_CHARS_PER_CALL`` characters once padded to their longest. A row's vector does not
    depend on the batch it is in, and many small batches keep every call busy to the end."""
    batches: list[list[int]] = []
    for i in order:
        batch = batches[-1] if batches else None
        if batch is not None and len(batch) < batch_size and (len(batch) + 1) * len(texts[batch[0]]) <= _CHARS_PER_CALL:
            batch.append(i)
        else:
            batches.append([i])
    return batches


class TorchRuntime:
    """sentence-transformers' own encode on the CPU, one call at a time (torch spreads one call
    over its own threads)."""

    calls = 1

    def __init__(self, path: str, name: str, threads: int) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        if threads:
            torch.set_num_threads(threads)
        try:
            self.model: SentenceTransformer = SentenceTransformer(path, device="cpu")
        except (OSError, ValueError) as err:
            raise ModelUnavailable(f"cannot load model '{name}' ({path}): {err}") from err
        dimension = self.model.get_embedding_dimension()
        if dimension is None:
            raise ModelUnavailable(f"model '{name}' ({path}) does not say the dimension of its embeddings")
        self.dimension = int(dimension)
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str], batch_size: int, progress: bool = False) -> np.ndarray:
        with self._lock:
            vectors = self.model.encode(
                list(texts),
                batch_size=batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=progress,
            )
        return np.asarray(vectors, dtype=np.float32)


class OnnxRuntime:
    """One ONNX Runtime session over an export, with its tokenizer; pooling and normalisation as
    the model's own modules do them.

    The session is run from up to ``calls`` threads at once, each call on ``threads`` threads: on
    a few cores, one thread per call (the calling thread) and a call per core spend less CPU per
    text than one call spread over the cores, whose threads wait for each other at every
    operator, and so answer more questions at once; one question alone is a little slower."""

    def __init__(self, export: Export, threads: int, calls: int) -> None:
        from tokenizers import Tokenizer

        runtime = onnxruntime()
        options = runtime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = runtime.ExecutionMode.ORT_SEQUENTIAL
        # Idle threads spinning for the next call would take a core from the rest of a request.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3  # warnings about the graph are for whoever exported it
        self.session = runtime.InferenceSession(str(export.model_file), options, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(export.tokenizer_file))
        self.export = export
        self.dimension = export.dimension
        self.calls = calls
        # One scale for all of a call's activations would make a text's vector depend on the
        # texts beside it (a cosine of 0.99 to itself alone): such a model reads one text a call.
        self.per_text = _scales_per_call(export.model_file)

    def encode(self, texts: Sequence[str], batch_size: int, progress: bool = False) -> np.ndarray:
        """Texts of similar length are batched together (sorted by length, a batch's size
        bounded by its padded length), so little of a batch is padding, and the batches run
        ``calls`` at a time; rows come back in the texts' order."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)
        vectors = np.empty((len(texts), self.dimension), dtype=np.float32)
        batches = _batches(order, texts, 1 if self.per_text else batch_size)
        if len(batches) < 2 or self.calls == 1:  # a question runs on the asking thread
            for batch in _shown(batches, len(batches), progress):
                vectors[batch] = self._run([texts[i] for i in batch])
            return vectors
        with ThreadPoolExecutor(min(self.calls, len(batches))) as pool:
            done = pool.map(self._run, ([texts[i] for i in batch] for batch in batches))
            for batch, rows in zip(batches, _shown(done, len(batches), progress), strict=True):
                vectors[batch] = rows
        return vectors

    def _run(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feed = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": mask,
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        tokens = self.session.run(None, {name: feed[name] for name in self.export.inputs})[0]
        if self.export.pooling == "cls":
            pooled = tokens[:, 0]
        else:
            weights = mask[..., None].astype(np.float32)
            pooled = (tokens * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)


def _scales_per_call(model_file: Path) -> bool:
    """Whether the model quantises its activations dynamically: one scale per call, read off
    the whole batch."""
    import onnx

    graph = onnx.load(str(model_file), load_external_data=False).graph
    return any(node.op_type == "DynamicQuantizeLinear" for node in graph.node)


class Prefixed:
    """A runtime that reads every text after a prefix: a question after its model's query
    instruction (bge's "Represent this sentence …"), so passages and cached texts stay plain."""

    def __init__(self, runtime: Runtime, prefix: str) -> None:
        self.runtime, self.prefix = runtime, prefix
        self.dimension, self.calls = runtime.dimension, runtime.calls

    def encode(self, texts: Sequence[str], batch_size: int, progress: bool = False) -> np.ndarray:
        return self.runtime.encode([self.prefix + text for text in texts], batch_size, progress)


class JointRuntime:
    """Two models' rows side by side, scaled by the square roots of ``1 - weight`` and ``weight``:
    the dot product of two joint rows is the weighted mean of the two models' cosines, and each
    row still has unit length. One index and one search then read with both models, whose errors
    differ (measured in ``benchmarks/quality.py``)."""

    def __init__(self, first: Runtime, second: Runtime, weight: float) -> None:
        self.first, self.second = first, second
        self.scales = (math.sqrt(1 - weight), math.sqrt(weight))
        self.dimension = first.dimension + second.dimension
        self.calls = min(first.calls, second.calls)
        self._beside = ThreadPoolExecutor(self.calls, thread_name_prefix="second-model")

    def encode(self, texts: Sequence[str], batch_size: int, progress: bool = False) -> np.ndarray:
        """A few texts (a question) go through the two models at once, each on a core of its own;
        more (a build) through one model after the other, each of which keeps the cores busy."""
        if len(texts) <= self.calls and self.calls > 1:
            beside = self._beside.submit(self.second.encode, texts, batch_size)
            rows = (self.first.encode(texts, batch_size), beside.result())
        else:
            rows = (self.first.encode(texts, batch_size, progress), self.second.encode(texts, batch_size, progress))
        return np.hstack([scale * row for scale, row in zip(self.scales, rows, strict=True)]).astype(np.float32)
