"""The Milvus collection one built index is served from: its description, its build, the switch.

A collection is named from what it holds (the store's manifest, a digest of its files' checksums,
the dense index), so a rebuilt index never finds its rows in another build's collection. It is
built whole under that name, flushed, indexed, loaded and counted; only then is its description
written into its properties, and only a described collection is ever pointed at by the alias. A
build cut short leaves an undescribed collection, dropped and built again at the next open.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from typing import Any

import numpy as np
from pymilvus import CollectionSchema, DataType, MilvusClient
from scipy import sparse
from tqdm import tqdm

from assistant.errors import IndexStateError
from assistant.index.store import Store
from assistant.settings import DenseIndex, MilvusSettings
from embeddings.index import EXACT_LIMIT

log = logging.getLogger(__name__)

FORMAT = 1  # the layout of a collection built here; a collection of another layout is rebuilt
DESCRIPTION = "debate.index"  # the property holding what the collection was built from
NO_TERMS = 2**32 - 2  # the one dimension of a passage without terms: Milvus refuses empty sparse rows
ROW, DENSE, SPARSE = "row", "dense", "sparse"
FILTERS = ("document_id", "voice", "speaker")


def description(store: Store, settings: MilvusSettings) -> dict[str, object]:
    """What a collection of ``store`` must have been built from to serve it: the manifest's
    identity, the digest of its files' checksums, and the dense index."""
    manifest = store.vectors.manifest
    files = "\n".join(f"{name} {digest}" for name, digest in sorted(manifest.files.items()))
    return {
        "format": FORMAT,
        "model": manifest.model,
        "dimension": manifest.dimension,
        "count": manifest.count,
        "fingerprint": manifest.fingerprint,
        "parameters": manifest.parameters,
        "files": hashlib.sha256(files.encode()).hexdigest(),
        "dense": dense_index(settings, manifest.count),
        "shards": settings.shards,
    }


def dense_index(settings: MilvusSettings, count: int) -> dict[str, Any]:
    """The dense field's index: exact up to the size the embedded index is exact to, HNSW above."""
    kind = settings.dense_index
    if kind is DenseIndex.HNSW or (kind is DenseIndex.AUTO and count > EXACT_LIMIT):
        return {"index_type": "HNSW", "params": {"M": settings.hnsw_m, "efConstruction": settings.hnsw_ef_construction}}
    return {"index_type": "FLAT", "params": {}}


def collection_name(prefix: str, wanted: dict[str, object]) -> str:
    return f"{prefix}_{hashlib.sha256(json.dumps(wanted, sort_keys=True).encode()).hexdigest()[:16]}"


def described(client: MilvusClient, name: str) -> dict[str, object] | None:
    """What ``name`` says it was built from; None for a collection never finished."""
    text = client.describe_collection(name).get("properties", {}).get(DESCRIPTION)
    try:
        found = json.loads(text) if text else None
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


def served(client: MilvusClient, alias: str) -> str | None:
    """The collection the alias points at, if it exists (asked without a failing call, which
    pymilvus would log as an error)."""
    if alias not in client.list_aliases().get("aliases", []):
        return None
    return str(client.describe_alias(alias)["collection_name"])


def difference(found: dict[str, object] | None, wanted: dict[str, object]) -> str:
    if found is None:
        return "was never finished"
    return "was built from another " + ", ".join(key for key in wanted if found.get(key) != wanted[key])


def serve(client: MilvusClient, store: Store, settings: MilvusSettings, progress: bool = False) -> str:
    """The name of the collection that serves ``store``, built and switched to when the alias
    points elsewhere; the collection it pointed at stays, any older one of the prefix goes."""
    wanted = description(store, settings)
    name, alias = collection_name(settings.prefix, wanted), settings.prefix
    current = served(client, alias)
    exists = client.has_collection(name)
    if current == name and described(client, name) == wanted:
        client.load_collection(name, replica_number=settings.replicas)
        return name
    if current is None:
        reason = f"alias {alias!r} points at no collection yet"
    else:
        reason = f"alias {alias!r} points at {current}, which {difference(described(client, current), wanted)}"
    if exists and described(client, name) == wanted:
        log.warning("serving the existing Milvus collection %s: %s", name, reason)
        client.load_collection(name, replica_number=settings.replicas)
    else:
        if exists:
            log.warning("dropping the unfinished Milvus collection %s", name)
            if current == name:
                client.drop_alias(alias)
                current = None
            client.drop_collection(name)
        log.warning("building the Milvus collection %s: %s", name, reason)
        build(client, name, store, settings, progress)
    if current is None:
        client.create_alias(name, alias)
    elif current != name:
        client.alter_alias(name, alias)
    drop_older(client, settings.prefix, keep={name, current})
    return name


def build(client: MilvusClient, name: str, store: Store, settings: MilvusSettings, progress: bool = False) -> None:
    """Create ``name`` and fill it with every passage of ``store`` (row ``i`` is passage ``i``),
    in batches; describe it only once it is flushed, indexed, loaded and holds every row."""
    count = len(store.passages)
    columns = {field: [value or "" for value in store.passages.column(field)] for field in FILTERS}
    schema = _schema(client, store, columns)
    client.create_collection(name, schema=schema, consistency_level="Bounded", num_shards=settings.shards)
    weights = store.lexical.passage_weights(slice(0, count))  # at once: a CSC matrix is slow to cut by rows
    vectors = np.asarray(store.passage_vectors, dtype=np.float32)
    with tqdm(total=count, desc="Milvus collection", unit="passage", disable=not progress, leave=False) as bar:
        for start in range(0, count, settings.insert_batch):
            batch = [
                {ROW: row, DENSE: vectors[row], SPARSE: _terms(weights, row)}
                | {field: column[row] for field, column in columns.items()}
                for row in range(start, min(start + settings.insert_batch, count))
            ]
            client.insert(name, batch)
            bar.update(len(batch))
    client.flush(name)
    dense = dense_index(settings, count)
    indexes = client.prepare_index_params()
    indexes.add_index(DENSE, index_type=dense["index_type"], metric_type="IP", params=dense["params"])
    indexes.add_index(SPARSE, index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
    client.create_index(name, indexes, sync=False)  # pymilvus's own wait asks a timestamp milvus-lite cannot give
    for field in (DENSE, SPARSE):
        indexed(client, name, field)
    client.load_collection(name, replica_number=settings.replicas)
    held = client.query(name, filter="", output_fields=["count(*)"], consistency_level="Strong")[0]["count(*)"]
    if held != count:
        raise IndexStateError(f"Milvus collection {name} holds {held} of {count} passages after its build")
    client.alter_collection_properties(name, {DESCRIPTION: json.dumps(description(store, settings), sort_keys=True)})


def _schema(client: MilvusClient, store: Store, columns: dict[str, list[str]]) -> CollectionSchema:
    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field(ROW, DataType.INT64, is_primary=True)
    schema.add_field(DENSE, DataType.FLOAT_VECTOR, dim=store.passage_vectors.shape[1])
    schema.add_field(SPARSE, DataType.SPARSE_FLOAT_VECTOR)
    for field, values in columns.items():
        longest = max((len(value.encode()) for value in values), default=0)  # Milvus counts bytes
        schema.add_field(field, DataType.VARCHAR, max_length=min(65_535, max(256, longest)))
    return schema


def _terms(weights: sparse.csr_matrix, row: int) -> dict[int, float]:
    """A passage's BM25 weights by term id; a passage without terms gets one dimension no question has."""
    lo, hi = weights.indptr[row], weights.indptr[row + 1]
    return dict(zip(weights.indices[lo:hi].tolist(), weights.data[lo:hi].tolist(), strict=True)) or {NO_TERMS: 1.0}


def indexed(client: MilvusClient, name: str, field: str) -> None:
    """Wait for the index of ``field`` to be built."""
    while (index := client.describe_index(name, field)).get("state") != "Finished":
        if index.get("state") == "Failed":
            raise IndexStateError(f"Milvus could not index {name}.{field}: {index.get('index_state_fail_reason')}")
        time.sleep(0.2)


def drop_older(client: MilvusClient, prefix: str, keep: set[str | None]) -> None:
    """Drop the collections of ``prefix`` but those kept: the one served and the one served
    before it, which a question in flight may still be searching."""
    ours = re.compile(re.escape(prefix) + r"_[0-9a-f]{16}")
    for name in client.list_collections():
        if ours.fullmatch(name) and name not in keep:
            log.info("dropping the older Milvus collection %s", name)
            client.drop_collection(name)
