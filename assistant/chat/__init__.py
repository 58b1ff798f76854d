"""Conversations with the assistant: sessions, follow-ups, debate cards and briefs."""

from assistant.chat.conversation import Chat

__all__ = ["Chat"]
