"""A FAISS index on disk with a manifest that says what it was built from and how to trust it.

The folder holds ``vectors.faiss``, any attachments the caller stores beside it, and
``manifest.json`` with the encoder (the model, and the backend, precision and export hash when it
is not torch), dimension, corpus fingerprint, format version and a SHA-256 of every file.
:class:`IndexWriter` removes the manifest first and writes it last, each file under a temporary
name renamed into place, so a crash mid-build leaves no manifest (rebuilt on next start) and a
mix of old and new files fails its checksums (reported, rebuilt) instead of being served.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

import faiss
import numpy as np

from embeddings.errors import IndexCorrupt
from embeddings.identity import Identity

# 6: a chapter number is not a name to route by; 7: numbers read whole by BM25; 8: a label line
# joins the paragraph it labels
FORMAT_VERSION = 8
MANIFEST = "manifest.json"
EXACT_LIMIT = 50_000  # rows up to which exact search is fast enough on one CPU
RECALL_TARGET = 0.95  # recall@10 against exact search that the probe count is chosen for

VECTORS = "vectors.faiss"


@dataclass(frozen=True)
class Manifest:
    """What an index was built from; any difference from the current corpus makes it stale."""

    model: str  # the encoder's identity (embeddings.identity): model, and backend, precision, export if not torch
    dimension: int
    fingerprint: str
    count: int
    format_version: int = FORMAT_VERSION
    files: dict[str, str] = field(default_factory=dict)
    parameters: dict[str, dict[str, object]] = field(default_factory=dict)
    encoder: dict[str, str] = field(default_factory=dict)  # the identity's parts, for whoever reads the file

    def __post_init__(self) -> None:
        object.__setattr__(self, "encoder", asdict(Identity.parse(self.model)))

    def stale_reason(self, model: str, fingerprint: str, parameters: dict[str, dict[str, object]]) -> str | None:
        """Why this index no longer describes the corpus as it would be built now, or None when it does:
        another format, model, corpus or build parameter (each changed parameter named)."""
        if self.format_version != FORMAT_VERSION:
            return f"index format {self.format_version} is not this version's {FORMAT_VERSION}"
        if self.model != model:
            return Identity.parse(model).change_from(Identity.parse(self.model))
        if self.fingerprint != fingerprint:
            return "the corpus folder changed"
        changed = [
            f"{group}.{name} {self.parameters.get(group, {}).get(name)!r} → {value!r}"
            for group, values in parameters.items()
            for name, value in values.items()
            if self.parameters.get(group, {}).get(name) != value
        ]
        return "settings changed: " + ", ".join(changed) if changed else None


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _probes_for_recall(index: faiss.IndexIVF, vectors: np.ndarray, lists: int, sample: int = 200) -> int:
    """The fewest inverted lists to probe for recall@10 of at least :data:`RECALL_TARGET`
    against exact search. Sampled passages stand in for questions, each one's own row left out;
    probing too few lists loses answers, too many makes a query scan most of the corpus."""
    rows = np.random.default_rng(1).choice(len(vectors), min(sample, len(vectors)), replace=False)
    queries = np.ascontiguousarray(vectors[rows])
    _, exact = faiss.knn(queries, vectors, 11, metric=faiss.METRIC_INNER_PRODUCT)
    truth = [set(found) - {row} for found, row in zip(exact, rows, strict=True)]
    probes = 8
    while probes < lists:
        index.nprobe = probes
        _, approximate = index.search(queries, 11)
        recall = np.mean([len(t & set(a)) / len(t) for t, a in zip(truth, approximate, strict=True)])
        if recall >= RECALL_TARGET:
            break
        probes *= 2
    return min(probes, lists)


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
        if isinstance(index, faiss.IndexIVF):
            index.parallel_mode = 1  # one question at a time: spread its lists over the cores

    @classmethod
    def build(
        cls,
        vectors: np.ndarray,
        model: str,
        fingerprint: str,
        parameters: dict[str, dict[str, object]] | None = None,
        exact_limit: int = EXACT_LIMIT,
    ) -> VectorIndex:
        """An index over ``vectors`` (rows are passages in order): exact up to ``exact_limit``
        rows; above it an inverted-file index, probed just widely enough for the recall target."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        count, dimension = vectors.shape
        if count <= exact_limit:
            index: faiss.Index = faiss.IndexFlatIP(dimension)
            index.add(vectors)
        else:
            # Inverted lists of 8-bit scalar-quantised vectors: a quarter of the memory of float32,
            # and the candidates are rescored exactly from the float vectors afterwards.
            lists = int(4 * np.sqrt(count))
            index = faiss.index_factory(dimension, f"IVF{lists},SQ8", faiss.METRIC_INNER_PRODUCT)
            sample = vectors[np.random.default_rng(0).choice(count, min(count, 64 * lists), replace=False)]
            index.train(sample)
            index.add(vectors)
            inverted = faiss.extract_index_ivf(index)  # the same index, typed for its probe count
            inverted.nprobe = _probes_for_recall(inverted, vectors, lists)
        manifest = Manifest(
            model=model, dimension=dimension, fingerprint=fingerprint, count=count, parameters=parameters or {}
        )
        return cls(index, manifest)

    @property
    def kind(self) -> str:
        """``flat`` (exact) or ``ivf`` (approximate)."""
        return "ivf" if isinstance(self._index, faiss.IndexIVF) else "flat"

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Scores and row numbers of the ``k`` nearest rows, best first, for each query row; only
        rows whose ``allowed`` entry is true when a mask is given (row -1 where fewer pass)."""
        query = np.ascontiguousarray(np.atleast_2d(query), dtype=np.float32)
        k = min(k, len(self))
        if allowed is None:
            return self._index.search(query, k)
        bits = np.packbits(allowed, bitorder="little")  # kept alive here for the whole search
        selector = faiss.IDSelectorBitmap(len(allowed), faiss.swig_ptr(bits))
        inverted = faiss.try_extract_index_ivf(self._index)
        params = faiss.SearchParameters()
        if inverted is not None:
            params = faiss.SearchParametersIVF()
            params.nprobe = inverted.nprobe
        params.sel = selector
        return self._index.search(query, k, params=params)

    def write(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, folder: Path) -> tuple[VectorIndex, dict[str, Path]]:
        """The index and the paths of its attachments, after checking every file against the
        manifest (streamed, so large files are never held in memory whole)."""
        manifest = read_manifest(folder)
        if manifest is None:
            raise IndexCorrupt(f"{folder}: no manifest")
        files: dict[str, Path] = {}
        for name, digest in manifest.files.items():
            path = folder / name
            try:
                matches = _sha256(path) == digest
            except OSError as err:
                raise IndexCorrupt(f"{path}: cannot be read ({err.strerror})") from err
            if not matches:
                raise IndexCorrupt(f"{path}: checksum does not match the manifest")
            files[name] = path
        if VECTORS not in files:
            raise IndexCorrupt(f"{folder}: manifest lists no {VECTORS}")
        index = faiss.read_index(str(files.pop(VECTORS)))
        if index.ntotal != manifest.count or index.d != manifest.dimension:
            raise IndexCorrupt(
                f"{folder}: index holds {index.ntotal}×{index.d}, manifest says {manifest.count}×{manifest.dimension}"
            )
        return cls(index, manifest), files


class IndexWriter:
    """Writes one index into its folder so that a crash at any moment leaves either no manifest
    (rebuilt on next start) or a complete index: the manifest is removed first, every file is
    written under a temporary name, and at :meth:`commit` the files are synced, renamed into
    place and the manifest written last."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        (folder / MANIFEST).unlink(missing_ok=True)
        self._clear()  # what a build that was killed mid-write left behind
        self._staged: dict[str, Path] = {}

    def _clear(self) -> None:
        for leftover in self.folder.glob(".*.tmp"):
            shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()

    def stage(self, name: str) -> Path:
        """A temporary path in the folder for the caller to write ``name`` to."""
        path = self.folder / f".{name}.{uuid.uuid4().hex}.tmp"
        self._staged[name] = path
        return path

    def include(self, files: dict[str, Path]) -> None:
        """Files the caller already wrote somewhere temporary inside the folder, by name."""
        self._staged.update(files)

    def write(self, name: str, data: bytes) -> None:
        self.stage(name).write_bytes(data)

    def write_array(self, name: str, array: np.ndarray) -> None:
        with self.stage(name).open("wb") as handle:
            np.save(handle, array, allow_pickle=False)

    def commit(self, index: VectorIndex) -> None:
        """Publish the staged files and the index, manifest last."""
        index.write(self.stage(VECTORS))
        digests = {}
        for name, staged in self._staged.items():
            _fsync(staged)
            digests[name] = _sha256(staged)
            os.replace(staged, self.folder / name)
        manifest = Manifest(**{**asdict(index.manifest), "files": digests})
        final = self.stage(MANIFEST)
        final.write_text(json.dumps(asdict(manifest), indent=2), encoding="utf-8")
        _fsync(final)
        os.replace(final, self.folder / MANIFEST)
        index.manifest = manifest
        self._clear()
