"""Debate preparation assistant: answers with the articles' own passages, verbatim."""

from assistant.errors import AssistantError
from assistant.settings import Settings

__all__ = ["AssistantError", "Settings"]
