"""The Milvus engine: dense and BM25 search in a Milvus server or cluster, or its embedded file form.

BM25 is searched as sparse vectors of this index's own weights (its stemming, its corpus-wide
IDF): the inner product of a question's term counts with a passage's weights is the passage's
BM25 score, as the embedded engine computes it. Filters are expressions the engine applies in
the search. The engine searches the collection it was opened on, never the alias: a switch to
another build cannot answer one question in two builds' rows. A search returns at most 16,384
rows (Milvus's own limit), so a larger ``k`` gets that many.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from pymilvus import MilvusClient
from pymilvus.exceptions import ConnectionConfigException, MilvusException

from assistant.engines.base import Lexical, Where
from assistant.engines.milvus_collection import DENSE, ROW, SPARSE, dense_index, serve
from assistant.errors import IndexStateError
from assistant.index.store import Store
from assistant.settings import MilvusSettings

EMBEDDED = "milvus.db"
MOST = 16_384  # the most rows one Milvus search or query returns
# A proxy named in the environment would otherwise carry the embedded engine's loopback calls off the machine.
LOOPBACK = {"grpc.enable_http_proxy": 0}

_embedded_lock = threading.Lock()
_embedded_users: Counter[str] = Counter()  # engines open on each embedded file, which one server serves


class MilvusEngine:
    """Search over the Milvus collection built from one :class:`Store`."""

    kind = "milvus"

    def __init__(
        self, client: MilvusClient, collection: str, store: Store, settings: MilvusSettings, embedded: str | None
    ) -> None:
        self.client = client
        self.collection = collection
        self.count = len(store.passages)
        self.bm25 = store.lexical
        self._ef = settings.hnsw_ef if dense_index(settings, self.count)["index_type"] == "HNSW" else None
        self._embedded = embedded

    @classmethod
    def open(cls, store: Store, settings: MilvusSettings, data_dir: Path, progress: bool = False) -> MilvusEngine:
        """The engine over the collection of ``store``: the one the alias points at when it was
        built from this index, else a new one, built and switched to (the log says why)."""
        embedded = None if settings.uri else str((data_dir / EMBEDDED).resolve())
        if embedded is not None:
            data_dir.mkdir(parents=True, exist_ok=True)
            with _embedded_lock:
                _embedded_users[embedded] += 1
        client = None
        try:
            with _answering(re.sub(r"//[^/@]*@", "//", settings.uri) or embedded or ""):  # never the credentials
                if embedded is None:
                    client = MilvusClient(uri=settings.uri, token=settings.token.get_secret_value())
                else:
                    client = _embedded_client(embedded)
                collection = serve(client, store, settings, progress)
        except BaseException:
            if client is not None:
                client.close()
            _release(embedded)
            raise
        return cls(client, collection, store, settings, embedded)

    def matching(self, where: Where, limit: int) -> np.ndarray | None:
        if where.everything:
            return np.arange(self.count) if self.count <= limit else None
        expression = filter_expression(where)
        with _answering(self.collection):
            if limit < MOST:
                rows = self._rows(expression, limit + 1)
            else:  # a window of MOST rows holds at most MOST that pass: no query is cut short
                rows = []
                for start in range(0, self.count, MOST):
                    rows += self._rows(f"({expression}) and {ROW} >= {start} and {ROW} < {start + MOST}", MOST)
                    if len(rows) > limit:
                        break
        return np.sort(np.array(rows, dtype=np.int64)) if len(rows) <= limit else None

    def _rows(self, expression: str, limit: int) -> list[int]:
        return [
            int(hit[ROW])
            for hit in self.client.query(self.collection, filter=expression, output_fields=[ROW], limit=limit)
        ]

    def dense(self, vector: np.ndarray, k: int, where: Where) -> np.ndarray:
        if k <= 0:
            return np.zeros(0, dtype=np.int64)
        k = min(k, MOST)
        params: dict[str, object] = {"metric_type": "IP"}
        if self._ef is not None:
            params["params"] = {"ef": max(self._ef, k)}
        with _answering(self.collection):
            hits = self.client.search(
                self.collection,
                data=[np.asarray(vector, dtype=np.float32)],
                anns_field=DENSE,
                limit=k,
                filter=filter_expression(where),
                search_params=params,
                output_fields=[ROW],
            )[0]
        return np.array(hits.ids, dtype=np.int64)

    def lexical(self, query: str, k: int, where: Where, score: np.ndarray) -> Lexical:
        weights = self.bm25.query_weights(query)
        rows, scores = self._sparse(weights, min(k, MOST), filter_expression(where))
        order = np.argsort(-scores, kind="stable")
        return Lexical(rows=rows[order], scores=scores[order], scored=self._scores_of(weights, score))

    def _scores_of(self, weights: dict[int, float], rows: np.ndarray) -> np.ndarray:
        """The BM25 scores of ``rows``, in their order, from a search among them only (zero for
        a row without a term of the question)."""
        wanted = np.unique(rows)
        found = [
            self._sparse(weights, len(chunk), f"{ROW} in [{', '.join(map(str, chunk.tolist()))}]")
            for chunk in (wanted[start : start + MOST] for start in range(0, len(wanted), MOST))
        ]
        known = np.concatenate([np.zeros(0, dtype=np.int64), *(r for r, _ in found)])
        if not len(known):
            return np.zeros(len(rows), dtype=np.float32)
        values = np.concatenate([s for _, s in found])
        order = np.argsort(known)
        known, values = known[order], values[order]
        at = np.searchsorted(known, rows).clip(max=len(known) - 1)
        return np.where(known[at] == rows, values[at], 0).astype(np.float32)

    def _sparse(self, weights: dict[int, float], k: int, expression: str) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` best rows by BM25 among those ``expression`` lets through, and their scores."""
        if not weights or k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        with _answering(self.collection):
            hits = self.client.search(
                self.collection,
                data=[weights],
                anns_field=SPARSE,
                limit=k,
                filter=expression,
                search_params={"metric_type": "IP", "params": {"drop_ratio_search": 0.0}},
                output_fields=[ROW],
            )[0]
        rows, scores = np.array(hits.ids, dtype=np.int64), np.array(hits.distances, dtype=np.float32)
        return rows[scores > 0], scores[scores > 0]

    def close(self) -> None:
        """Let go of the connection, and of the embedded server when no other engine uses it."""
        self.client.close()
        _release(self._embedded)
        self._embedded = None


def _embedded_client(path: str) -> MilvusClient:
    """A client of the embedded file, which one process at a time may open."""
    try:
        return MilvusClient(uri=path, grpc_options=LOOPBACK)
    except ConnectionConfigException as err:
        raise IndexStateError(
            f"the embedded Milvus file {path} cannot be opened ({err.message}): another process, such as a "
            "running server, may hold it; ask that server, or set DEBATE_MILVUS__URI to a Milvus server"
        ) from err


def filter_expression(where: Where) -> str:
    """``where`` as a Milvus boolean expression; empty when every row passes."""
    wanted = (("document_id", where.documents), ("voice", where.voices), ("speaker", where.speakers))
    if any(values is not None and not values for _, values in wanted):
        return f"{ROW} < 0"  # nothing passes (without leaning on how a server reads an empty list)
    terms = [
        f"{field} in [{', '.join(literal(value) for value in sorted(values))}]"
        for field, values in wanted
        if values is not None
    ]
    return " and ".join(terms)


def literal(text: str) -> str:
    """``text`` as a double-quoted string literal, in the escapes both Milvus's parser and its
    embedded form read (milvus-lite does not fill in expression templates)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


@contextmanager
def _answering(where: str) -> Iterator[None]:
    """Milvus's failures as the index errors the surfaces map to a 503."""
    try:
        yield
    except MilvusException as err:
        raise IndexStateError(f"Milvus ({where}): {err.message}") from err


def _release(embedded: str | None) -> None:
    """Stop the embedded server of ``embedded`` once the last engine on it is closed."""
    if embedded is None:
        return
    with _embedded_lock:
        _embedded_users[embedded] -= 1
        last = _embedded_users[embedded] <= 0
        if last:
            del _embedded_users[embedded]
    if last:
        from milvus_lite.server_manager import server_manager_instance

        server_manager_instance.release_server(embedded)
