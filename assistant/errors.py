"""The assistant's error types; surfaces map them to HTTP status codes and exit codes once.

Each type carries the ``exit_code`` the command line ends with and the ``http_status`` the API
answers with, so that a new error type is mapped where it is declared.
"""

from __future__ import annotations

from embeddings.errors import IndexCorrupt, ModelUnavailable


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


# The embedding layer's errors cannot derive from AssistantError (embeddings/ imports nothing of
# assistant/); each stands for one of the assistant's types, whose codes it takes.
_EMBEDDING_ERRORS: dict[type[Exception], type[AssistantError]] = {
    ModelUnavailable: ModelError,
    IndexCorrupt: IndexStateError,
}


def as_assistant_error(err: BaseException) -> AssistantError | None:
    """The error as one of the assistant's types (with its codes), or None for an unexpected one."""
    if isinstance(err, AssistantError):
        return err
    for kind, ours in _EMBEDDING_ERRORS.items():
        if isinstance(err, kind):
            converted = ours(str(err))
            converted.__cause__ = err
            return converted
    return None
