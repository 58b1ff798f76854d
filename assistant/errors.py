"""The assistant's error types; surfaces map them to HTTP status codes and exit codes once.

Each type carries the ``exit_code`` the command line ends with and the ``http_status`` the API
answers with, so that a new error type is mapped where it is declared. This module imports
nothing, so that every layer (``embeddings/`` too) raises errors of this one family.
"""

from __future__ import annotations


class AssistantError(Exception):
    """Base of every error the assistant raises on purpose."""

    exit_code = 1
    http_status = 400


class BadRequest(AssistantError):
    """A request the assistant cannot answer as asked."""

    exit_code = 2
    http_status = 400


class NotFound(AssistantError):
    """A document or passage id that the corpus does not hold."""

    exit_code = 2
    http_status = 404


class TooMany(AssistantError):
    """A limit on what the assistant keeps is reached: conversations in all, per client, or briefs."""

    exit_code = 2
    http_status = 429


class TooLarge(AssistantError):
    """An upload over its size limit."""

    exit_code = 2
    http_status = 413


class ConfigError(AssistantError):
    """A setting (an environment variable ``DEBATE_…``) has a value the assistant cannot use."""

    exit_code = 3
    http_status = 500


class PromptsError(AssistantError):
    """The prompts folder lacks a file or a sentence that the assistant says."""

    exit_code = 3
    http_status = 500


class CorpusError(AssistantError):
    """A document cannot be read or parsed."""

    exit_code = 4
    http_status = 422


class IndexStateError(AssistantError):
    """The on-disk index is missing, stale or corrupt."""

    exit_code = 4
    http_status = 503


class ModelError(AssistantError):
    """The sentence-transformers model named by the settings cannot be loaded."""

    exit_code = 5
    http_status = 503
