"""A flood of new conversations over loopback is refused with 429s once the limits are reached,
and the conversation in use, with its brief, goes on untouched."""

from __future__ import annotations

from collections import Counter
from io import BytesIO
from pathlib import Path

import docx
import httpx

from assistant.api import create_app
from assistant.service import Assistant
from embeddings.encoder import Encoder
from tests.chat.conftest import FOG, work_settings
from tests.helpers import serving

TOTAL, PER_CLIENT = 12, 8


def from_address(base: str, address: str) -> httpx.Client:
    """A client whose connections leave from ``address`` (any 127.x.y.z is loopback)."""
    return httpx.Client(base_url=base, transport=httpx.HTTPTransport(local_address=address), timeout=10)


def test_a_flood_gets_429s_and_the_active_conversation_survives(tmp_path: Path, encoder: Encoder) -> None:
    settings = work_settings(tmp_path, max_sessions=TOTAL, max_sessions_per_client=PER_CLIENT)
    with (
        serving(create_app(Assistant(settings, encoder))) as base,
        from_address(base, "127.0.0.1") as me,
        from_address(base, "127.0.0.2") as other,
    ):
        active = me.post("/sessions").json()["session_id"]
        fog = next(p for p in me.get("/documents/notes/passages").json()["passages"] if p["text"] == FOG)
        assert me.post(f"/sessions/{active}/brief", json={"passage_id": fog["id"], "tag": "keep me"}).status_code == 201
        assert me.post("/ask", json={"question": "what failed in November?", "session_id": active}).status_code == 200

        mine = [me.post("/sessions") for _ in range(PER_CLIENT + 4)]
        assert Counter(r.status_code for r in mine) == {201: PER_CLIENT - 1, 429: 5}
        assert "this client (127.0.0.1) has 8 conversations open" in mine[-1].json()["detail"]
        theirs = [other.post("/sessions") for _ in range(TOTAL)]
        assert Counter(r.status_code for r in theirs) == {201: TOTAL - PER_CLIENT, 429: PER_CLIENT}
        assert "12 conversations are open, the limit; none is ended" in theirs[-1].json()["detail"]

        brief = me.get(f"/sessions/{active}/brief").json()
        assert [(c["tag"], c["text"]) for c in brief["cards"]] == [("keep me", FOG)]
        more = me.post("/ask", json={"question": "more", "session_id": active}).json()
        assert more["followup"] == "more" and more["offset"] == 5
        word = docx.Document(BytesIO(me.get(f"/sessions/{active}/brief.docx").content))
        assert FOG in [p.text for p in word.paragraphs]
