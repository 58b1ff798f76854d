"""Real sources dropped into the corpus folder while the server runs: a PDF and a Word file are
indexed and answer with page-cited passages, a scanned PDF is listed as skipped with its reason,
and a card's passage id keeps its words (or answers 404) after the article changes above it."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.api import create_app
from assistant.service import Assistant
from assistant.settings import PROJECT_ROOT, ServerSettings, Settings
from embeddings.encoder import Encoder
from tests.helpers import SEED_ID, SEEDS

DEV = PROJECT_ROOT.parent / "shared" / "data" / "corpus-dev"
PDF = "crs-2026-if13013-conditioning-federal-funding-elections.pdf"
DOCX = "dfe-2025-tuition-fees-equality-impact-assessment.docx"
SCANNED = "tn-wcab-2019-goodwin-scanned-no-text.pdf"

pytestmark = pytest.mark.skipif(not DEV.is_dir(), reason=f"the real test files are not at {DEV}")


def _wait_for(client: TestClient, documents: int) -> dict:
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        health = client.get("/health").json()
        if health["documents"] == documents:
            return health
        time.sleep(0.5)
    pytest.fail(f"the corpus folder's new files were not indexed: {health}")


def test_files_dropped_in_while_serving_are_indexed_and_cited_by_page(tmp_path: Path, encoder: Encoder) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    settings = Settings(corpus_dir=corpus, data_dir=tmp_path / "index", server=ServerSettings(watch_seconds=0.2))
    with TestClient(create_app(Assistant(settings, encoder))) as client:
        old = client.get(f"/documents/{SEED_ID}/passages", params={"limit": 500}).json()["passages"]
        for name in (PDF, DOCX, SCANNED):
            shutil.copy(DEV / name, corpus / name)
        article = corpus / f"{SEED_ID}.txt"
        text = article.read_text(encoding="utf-8")
        at = text.index("\n\n", text.index("In 1936 the Russian Communist paper"))
        article.write_text(text[:at] + "\n\nA paragraph inserted above the others." + text[at:], encoding="utf-8")

        health = _wait_for(client, documents=3)
        assert any(s["name"] == SCANNED and "text layer" in s["reason"] for s in health["skipped"])

        answer = client.post("/ask", json={"question": "conditions on federal election grants to states", "k": 3})
        top = answer.json()["passages"][0]
        assert top["document_id"].startswith("crs-2026") and top["page"] in (1, 2, 3)
        assert f"p. {top['page']}" in top["citation"]
        card = client.post("/cards", json={"passage_id": top["id"]}).json()
        assert f"p. {top['page']}" in card["full_cite"]

        answer = client.post("/ask", json={"question": "student attitudes to debt and tuition fees", "k": 3})
        assert answer.json()["passages"][0]["document_id"].startswith("dfe-2025")

        for passage in old:
            now = client.get(f"/passages/{passage['id']}")
            assert now.status_code in (200, 404)
            if now.status_code == 200:
                assert now.json()["passage"]["text"] == passage["text"]
