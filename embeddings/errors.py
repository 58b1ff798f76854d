"""Errors of the embedding layer, in the assistant's one error family (so surfaces map them once)."""

from __future__ import annotations

from assistant.errors import IndexStateError, ModelError


class IndexCorrupt(IndexStateError):
    """An index on disk fails its manifest checks (missing file, wrong checksum, bad format)."""


class ModelUnavailable(ModelError):
    """The configured sentence-transformers model cannot be loaded."""
