"""Starter questions: the templates of ``prompts/starters.toml`` filled with section titles."""

from __future__ import annotations

from collections.abc import Iterable

from assistant.index.derived import OutlineEntry
from assistant.schemas import Starter


def starter_questions(outline: Iterable[OutlineEntry], templates: tuple[str, ...]) -> list[Starter]:
    """One question per section of the index's outline; sections take the templates in turn."""
    return [
        Starter(
            document_id=entry.document_id,
            section=entry.section,
            question=templates[i % len(templates)].format(section=entry.section, document=entry.document_title),
        )
        for i, entry in enumerate(outline)
    ]
