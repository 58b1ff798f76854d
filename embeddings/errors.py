"""Errors of the embedding layer."""

from __future__ import annotations


class IndexCorrupt(Exception):
    """An index on disk fails its manifest checks (missing file, wrong checksum, bad format)."""


class ModelUnavailable(Exception):
    """The configured sentence-transformers model cannot be loaded."""
