"""A FAISS index on disk with a manifest that says what it was built from and how to trust it.

The folder holds ``vectors.faiss``, any attachments the caller stores beside it, and
``manifest.json`` with the model, dimension, corpus fingerprint, format version and a SHA-256 of
every file. The manifest is removed first and written last, each file is written to a temporary
name and renamed into place, so a crash mid-build leaves no manifest (rebuilt on next start) and a
mix of old and new files fails its checksums (reported, rebuilt) instead of being served.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import faiss
import numpy as np

from embeddings.errors import IndexCorrupt

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
EXACT_LIMIT = 50_000  # rows up to which exact search is fast enough on one CPU
VECTORS = "vectors.faiss"


@dataclass(frozen=True)
class Manifest:
    """What an index was built from; any difference from the current corpus makes it stale."""

    model: str
    dimension: int
    fingerprint: str
    count: int
    format_version: int = FORMAT_VERSION
    files: dict[str, str] = field(default_factory=dict)

    def matches(self, model: str, fingerprint: str) -> bool:
        """True when this index was built by this code's format from this corpus and model."""
        return (self.format_version, self.model, self.fingerprint) == (FORMAT_VERSION, model, fingerprint)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` so that ``path`` holds either its old content or all of the new."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_manifest(folder: Path) -> Manifest | None:
    """The folder's manifest, or None when there is no complete index there."""
    path = folder / MANIFEST
    if not path.exists():
        return None
    try:
        return Manifest(**json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, TypeError) as err:
        raise IndexCorrupt(f"{path}: unreadable manifest ({err})") from err


class VectorIndex:
    """Inner-product search over unit vectors (cosine similarity)."""

    def __init__(self, index: faiss.Index, manifest: Manifest) -> None:
        self._index = index
        self.manifest = manifest

    @classmethod
    def build(cls, vectors: np.ndarray, model: str, fingerprint: str, exact_limit: int = EXACT_LIMIT) -> VectorIndex:
        """An index over ``vectors`` (rows are passages in order): exact up to ``exact_limit``
        rows; above it an inverted-file index, probed widely enough to keep recall@10 at 0.95 or more."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        count, dimension = vectors.shape
        if count <= exact_limit:
            index: faiss.Index = faiss.IndexFlatIP(dimension)
        else:
            lists = int(4 * np.sqrt(count))
            index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dimension), dimension, lists, faiss.METRIC_INNER_PRODUCT)
            sample = vectors[np.random.default_rng(0).choice(count, min(count, 64 * lists), replace=False)]
            index.train(sample)
            index.nprobe = max(8, lists // 16)
        index.add(vectors)
        manifest = Manifest(model=model, dimension=dimension, fingerprint=fingerprint, count=count)
        return cls(index, manifest)

    @property
    def kind(self) -> str:
        """``flat`` (exact) or ``ivf`` (approximate)."""
        return "ivf" if isinstance(self._index, faiss.IndexIVF) else "flat"

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def reconstruct_all(self) -> np.ndarray:
        """Every stored vector, row by row (for exact rescoring of candidates)."""
        if not len(self):
            return np.zeros((0, self._index.d), np.float32)
        if isinstance(self._index, faiss.IndexIVF):
            self._index.make_direct_map()
        return self._index.reconstruct_n(0, len(self))

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Scores and row numbers of the ``k`` nearest rows, best first, for each query row."""
        query = np.ascontiguousarray(np.atleast_2d(query), dtype=np.float32)
        scores, rows = self._index.search(query, min(k, len(self)))
        return scores, rows

    def save(self, folder: Path, attachments: dict[str, bytes]) -> None:
        """Store the index and its attachments atomically, manifest last."""
        folder.mkdir(parents=True, exist_ok=True)
        (folder / MANIFEST).unlink(missing_ok=True)
        for leftover in folder.glob(".*.tmp"):  # from a build that was killed mid-write
            leftover.unlink()
        files = {VECTORS: faiss.serialize_index(self._index).tobytes(), **attachments}
        for name, data in files.items():
            write_atomic(folder / name, data)
        manifest = Manifest(**{**asdict(self.manifest), "files": {n: _sha256(d) for n, d in files.items()}})
        write_atomic(folder / MANIFEST, json.dumps(asdict(manifest), indent=2).encode())
        self.manifest = manifest

    @classmethod
    def load(cls, folder: Path) -> tuple[VectorIndex, dict[str, bytes]]:
        """The index and its attachments, after checking every file against the manifest."""
        manifest = read_manifest(folder)
        if manifest is None:
            raise IndexCorrupt(f"{folder}: no manifest")
        contents: dict[str, bytes] = {}
        for name, digest in manifest.files.items():
            path = folder / name
            try:
                data = path.read_bytes()
            except OSError as err:
                raise IndexCorrupt(f"{path}: cannot be read ({err.strerror})") from err
            if _sha256(data) != digest:
                raise IndexCorrupt(f"{path}: checksum does not match the manifest")
            contents[name] = data
        if VECTORS not in contents:
            raise IndexCorrupt(f"{folder}: manifest lists no {VECTORS}")
        index = faiss.deserialize_index(np.frombuffer(contents.pop(VECTORS), dtype=np.uint8))
        if index.ntotal != manifest.count or index.d != manifest.dimension:
            raise IndexCorrupt(
                f"{folder}: index holds {index.ntotal}×{index.d}, manifest says {manifest.count}×{manifest.dimension}"
            )
        return cls(index, manifest), contents
