"""The corpus watcher: while the assistant serves, a changed corpus folder (or uploads folder) is
re-indexed and the new index swapped in whole. A policy of the service; surfaces only start and
stop it. The library's own changes are indexed by its jobs; the watcher finds a file put in
either folder by hand."""

from __future__ import annotations

import logging
import threading

from assistant.service import Assistant

log = logging.getLogger(__name__)


class CorpusWatcher:
    """Checks the corpus and the library every ``server.watch_seconds`` (never when 0) on a thread of its own."""

    def __init__(self, assistant: Assistant) -> None:
        self._assistant = assistant
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        every = self._assistant.settings.server.watch_seconds
        if every > 0 and self._thread is None:
            self._thread = threading.Thread(target=self._run, args=(every,), name="corpus-watch", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _run(self, every: float) -> None:
        while not self._stop.wait(every):
            try:
                self._assistant.refresh_if_stale()
            except Exception:
                log.exception("refreshing the index failed; still serving the previous one")
