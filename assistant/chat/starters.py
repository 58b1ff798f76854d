"""Starter questions: the templates of ``prompts/starters.toml`` filled with section titles."""

from __future__ import annotations

from collections.abc import Iterable

from assistant.corpus.document import Document
from assistant.schemas import Starter


def starter_questions(documents: Iterable[Document], templates: tuple[str, ...]) -> list[Starter]:
    """One question per section of each document; sections take the templates in turn."""
    return [
        Starter(
            document_id=document.id,
            section=section.title,
            question=templates[i % len(templates)].format(section=section.title, document=document.meta.title),
        )
        for document in documents
        for i, section in enumerate(document.sections)
    ]
