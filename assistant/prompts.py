"""The fixed sentences of ``prompts/``, loaded once and checked, so no surface invents its own."""

from __future__ import annotations

import string
import tomllib
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import PromptsError

MESSAGES = "messages.toml"
STARTERS = "starters.toml"

# Every sentence the code asks for; a prompts folder without one of them is refused at start.
REQUIRED: dict[str, tuple[str, ...]] = {
    "ask": ("evidence", "rebuttal", "not_answered", "unknown_names", "no_passages"),
    "followup": ("echo", "more", "no_more", "nothing_before"),
    "session": ("greeting",),
    "card": (
        "short",
        "short_undated",
        "author",
        "qualifications",
        "title",
        "publication",
        "year",
        "section",
        "page",
        "paragraph",
        "notes",
        "url",
        "accessed",
    ),
    "brief": ("title", "added", "removed", "empty", "stale_gone", "stale_changed"),
    "page": (
        "copied",
        "copy_failed",
        "thinking",
        "unreachable",
        "session_restarted",
        "nearest",
        "stale",
        "brief_opened",
        "brief_renamed",
        "brief_deleted",
        "confirm_delete_brief",
        "confirm_remove",
        "document_removed",
        "citation_saved",
        "upload_done",
        "case_empty",
        "case_nothing_chosen",
        "case_exported",
    ),
    "terminal": (
        "welcome",
        "unknown_command",
        "no_answer_yet",
        "no_such_passage",
        "card_added",
        "exported",
        "export_failed",
        "export_format",
        "settings",
        "unknown_mode",
        "unknown_voice",
        "unsaved_brief",
        "help_more",
        "help_context",
        "help_card",
        "help_brief",
        "help_remove",
        "help_export",
        "help_mode",
        "help_quit",
    ),
}


def _read(path: Path) -> dict[str, object]:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as err:
        raise PromptsError(f"{path}: cannot be read ({err.strerror or err})") from err
    except tomllib.TOMLDecodeError as err:
        raise PromptsError(f"{path}: not valid TOML ({err})") from err


def placeholders(template: str) -> set[str]:
    """The ``{names}`` a template expects."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@dataclass(frozen=True)
class Prompts:
    """Fixed sentences by group and key, and the starter-question templates."""

    messages: dict[str, dict[str, str]]
    starters: tuple[str, ...]

    @classmethod
    def load(cls, folder: Path) -> Prompts:
        """Read and check ``folder``; a missing sentence is an error that names it."""
        messages = _read(folder / MESSAGES)
        for group, keys in REQUIRED.items():
            table = messages.get(group)
            missing = [k for k in keys if not isinstance(table, dict) or not isinstance(table.get(k), str)]
            if missing:
                raise PromptsError(f"{folder / MESSAGES}: [{group}] lacks {', '.join(missing)}")
        starters = _read(folder / STARTERS).get("templates")
        if not isinstance(starters, list) or not starters or not all(isinstance(t, str) for t in starters):
            raise PromptsError(f"{folder / STARTERS}: 'templates' must be a non-empty list of strings")
        if any(not placeholders(t) <= {"section", "document"} for t in starters):
            raise PromptsError(f"{folder / STARTERS}: templates may only use {{section}} and {{document}}")
        return cls(messages, tuple(starters))  # type: ignore[arg-type]

    def say(self, group: str, key: str, **values: object) -> str:
        """The sentence ``[group] key``, its placeholders filled with ``values``."""
        template = self.messages[group][key]
        return template.format(**values) if values else template

    def group(self, group: str) -> dict[str, str]:
        """Every sentence of one group, e.g. what the chat page shows on its own."""
        return dict(self.messages[group])
