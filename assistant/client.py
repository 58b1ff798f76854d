"""A client of an assistant already serving on this machine: ``ask`` sends its question there and
answers in well under a second, without loading the model, when that server holds the same corpus."""

from __future__ import annotations

import httpx

from assistant.corpus.library import fingerprint
from assistant.library import served_sources
from assistant.schemas import AskRequest, AskResponse
from assistant.settings import Settings

_WILDCARDS = ("0.0.0.0", "::", "")


def server_url(host: str, port: int) -> str:
    """The URL to reach a server bound to ``host``: one bound to every address is reached on loopback."""
    reachable = "127.0.0.1" if host in _WILDCARDS else host
    if ":" in reachable:  # an IPv6 address
        reachable = f"[{reachable}]"
    return f"http://{reachable}:{port}"


def serves_same_corpus(url: str, settings: Settings) -> bool:
    """True when the server at ``url`` answers with this model over a corpus of the same fingerprint
    (so its answers are the ones this process would give); False when nothing answers there."""
    try:
        health = httpx.get(f"{url}/health", timeout=httpx.Timeout(5, connect=0.25)).json()
    except (httpx.HTTPError, ValueError):
        return False
    if not isinstance(health, dict) or health.get("model") != settings.model:
        return False
    return health.get("fingerprint") == fingerprint(served_sources(settings))


def ask_running_server(url: str, settings: Settings, request: AskRequest) -> AskResponse | None:
    """The answer of the server at ``url`` when it serves exactly this corpus and model, or None
    when it does not (nothing listening, another corpus, or an error): then answer locally."""
    if not serves_same_corpus(url, settings):
        return None
    try:
        answer = httpx.post(f"{url}/ask", json=request.model_dump(mode="json"), timeout=60)
        if answer.status_code != 200:
            return None
        return AskResponse.model_validate_json(answer.content)
    except (httpx.HTTPError, ValueError):
        return None
