"""What runs the model: sentence-transformers on torch (the reference), or ONNX Runtime on a local
export of the same weights.

Both return unit-length float32 rows. The ONNX runtime tokenises with the ``tokenizers`` library
and pools in numpy, so a process that answers questions imports neither torch nor
sentence-transformers; only making the export (once) does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Protocol, TypeVar

import numpy as np

from embeddings.errors import ModelUnavailable
from embeddings.export import Export
from embeddings.ort import onnxruntime

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

T = TypeVar("T")


class Runtime(Protocol):
    """Encodes texts into unit-length rows, ``batch_size`` texts per model call."""

    dimension: int

    def encode(self, texts: Sequence[str], batch_size: int, progress: bool = False) -> np.ndarray: ...


def _shown(items: list[T], progress: bool) -> Iterable[T]:
    if not progress:
        return items
    from tqdm import tqdm

    return tqdm(items, desc="Batches", unit="batch")


class TorchRuntime:
    """sentence-transformers' own encode on the CPU."""

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

    def encode(self, texts: Sequence[str], batch_size: int, progress: bool = False) -> np.ndarray:
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
    the model's own modules do them."""

    def __init__(self, export: Export, threads: int) -> None:
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

    def encode(self, texts: Sequence[str], batch_size: int, progress: bool = False) -> np.ndarray:
        """Texts of similar length are batched together (sorted by length), so little of a
        batch is padding; rows come back in the texts' order."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)
        vectors = np.empty((len(texts), self.dimension), dtype=np.float32)
        batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
        for batch in _shown(batches, progress):
            vectors[batch] = self._run([texts[i] for i in batch])
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
