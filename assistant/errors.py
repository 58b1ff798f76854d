"""The assistant's error types; surfaces map them to HTTP status codes and exit codes once."""

from __future__ import annotations


class AssistantError(Exception):
    """Base of every error the assistant raises on purpose."""


class CorpusError(AssistantError):
    """A document cannot be read or parsed."""


class IndexStateError(AssistantError):
    """The on-disk index is missing, stale or corrupt."""


class NotFound(AssistantError):
    """A document or passage id that the corpus does not hold."""


class BadRequest(AssistantError):
    """A request the assistant cannot answer as asked."""


class PromptsError(AssistantError):
    """The prompts folder lacks a file or a sentence that the assistant says."""
