"""The HTTP surface: routes only; the work is done by the :class:`assistant.service.Assistant`
and :class:`assistant.chat.Chat` the app is made over."""

from assistant.api.app import create_app

__all__ = ["create_app"]
