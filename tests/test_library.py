"""The library over the real app, model and index: real PDF and Word files uploaded, indexed by a
job and answering; a citation corrected once and shown in every passage and card; bad uploads
refused with nothing changed; removals; collections; and all of it kept across a restart."""

from __future__ import annotations

import shutil
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.api import create_app
from assistant.corpus.library import Sources, fingerprint, load_corpus
from assistant.library import recited, served_sources
from assistant.library.database import FILE
from assistant.library.uploads import FOLDER
from assistant.service import Assistant
from assistant.settings import PROJECT_ROOT, ChunkingSettings, LibrarySettings, ServerSettings, Settings
from embeddings.encoder import Encoder
from tests.helpers import SEED_ID, SEEDS, seed_document

DEV = PROJECT_ROOT.parent / "shared" / "data" / "corpus-dev"
PDF = DEV / "crs-2026-if13013-conditioning-federal-funding-elections.pdf"
DOCX = DEV / "dfe-2025-tuition-fees-equality-impact-assessment.docx"
SCANNED = DEV / "tn-wcab-2019-goodwin-scanned-no-text.pdf"
LIMIT = 1_000_000
ELECTIONS = "conditions on federal election grants to states"
FEES = "student attitudes to debt and tuition fees"

pytestmark = pytest.mark.skipif(not DEV.is_dir(), reason=f"the real test files are not at {DEV}")


def _settings(root: Path) -> Settings:
    return Settings(
        corpus_dir=root / "corpus",
        data_dir=root / "data",
        server=ServerSettings(watch_seconds=0),
        library=LibrarySettings(max_upload_bytes=LIMIT, max_uploads=4),
    )


def _upload(client: TestClient, path: Path, collection: str | None = None, name: str | None = None) -> dict:
    data = {"collection": collection} if collection else {}
    response = client.post("/documents", files={"file": (name or path.name, path.read_bytes())}, data=data)
    assert response.status_code == 202, response.text
    return response.json()


def _finished(client: TestClient, job: dict) -> dict:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        now = client.get(f"/jobs/{job['id']}").json()
        if now["state"] in ("done", "failed"):
            return now
        time.sleep(0.1)
    pytest.fail(f"job did not finish: {now}")


def _ask(client: TestClient, question: str, **filters: object) -> list[dict]:
    response = client.post("/ask", json={"question": question, "k": 3, **filters})
    assert response.status_code == 200, response.text
    return response.json()["passages"]


def _ids(client: TestClient) -> list[str]:
    return [d["id"] for d in client.get("/documents").json()]


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("library")
    shutil.copytree(SEEDS, root / "corpus")
    return root


@pytest.fixture(scope="module")
def client(root: Path, encoder: Encoder) -> Iterator[TestClient]:
    with TestClient(create_app(Assistant(_settings(root), encoder))) as client:
        yield client


@pytest.fixture(scope="module")
def uploaded(client: TestClient) -> dict[str, str]:
    """The PDF and the Word file uploaded, each in a collection, and indexed."""
    jobs = {"pdf": _upload(client, PDF, "elections"), "docx": _upload(client, DOCX, "education")}
    assert all(job["state"] == "queued" and job["document_id"] for job in jobs.values())
    for job in jobs.values():
        finished = _finished(client, job)
        assert finished["state"] == "done" and finished["progress"] == 1.0 and finished["error"] is None, finished
    return {kind: job["document_id"] for kind, job in jobs.items()}


def test_uploads_are_listed_with_their_origin_collections_and_passages(
    client: TestClient, uploaded: dict[str, str]
) -> None:
    listed = {d["id"]: d for d in client.get("/documents").json()}
    assert set(listed) == {SEED_ID, *uploaded.values()}
    assert listed[SEED_ID]["origin"] == "corpus" and listed[SEED_ID]["collections"] == []
    for kind, collection in (("pdf", "elections"), ("docx", "education")):
        document = listed[uploaded[kind]]
        assert document["origin"] == "upload" and document["format"] == kind
        assert document["collections"] == [collection]
        assert document["passage_count"] == document["passages"] > 10
    assert listed[uploaded["pdf"]]["author"] == "Karen L. Shanton"
    jobs = client.get("/jobs").json()
    assert [j["document_id"] for j in jobs[:2]] == [uploaded["docx"], uploaded["pdf"]]  # newest first
    assert client.get("/health").json()["documents"] == 3


def test_an_upload_answers_and_a_collection_narrows_the_answer(client: TestClient, uploaded: dict[str, str]) -> None:
    top = _ask(client, ELECTIONS)[0]
    assert top["document_id"] == uploaded["pdf"] and f"p. {top['page']}" in top["citation"]
    assert _ask(client, FEES)[0]["document_id"] == uploaded["docx"]
    within = _ask(client, ELECTIONS, collection="education")
    assert within and {p["document_id"] for p in within} == {uploaded["docx"]}
    assert {c["name"]: c["documents"] for c in client.get("/collections").json()} == {"education": 1, "elections": 1}
    assert [d["id"] for d in client.get("/documents", params={"collection": "elections"}).json()] == [uploaded["pdf"]]
    unknown = client.post("/ask", json={"question": ELECTIONS, "collection": "nothing filed here"})
    assert unknown.status_code == 404 and "nothing filed here" in unknown.json()["detail"]


def test_a_corrected_citation_is_in_every_passage_and_card_without_reindexing(
    client: TestClient, uploaded: dict[str, str], encoder: Encoder
) -> None:
    document_id = uploaded["docx"]
    before = client.get("/health").json()["fingerprint"]
    encoded = encoder.encoded
    patch = {"author": "Ada Corrected", "qualifications": "Analyst", "url": "https://example.org/eia", "year": 2024}
    response = client.patch(f"/documents/{document_id}", json={**patch, "accessed": "2025-06-01"})
    assert response.status_code == 200, response.text
    corrected = response.json()
    assert {k: corrected[k] for k in patch} == patch and corrected["accessed"] == "2025-06-01"
    assert corrected["provenance"]["author"] == "correction"

    top = _ask(client, FEES)[0]
    assert top["document_id"] == document_id
    assert top["citation"].startswith("Ada Corrected, “Higher education") and "2024" in top["citation"]
    card = client.post("/cards", json={"passage_id": top["id"]}).json()
    assert card["short_cite"].startswith("Corrected 24")
    assert "Ada Corrected" in card["full_cite"] and "Analyst" in card["full_cite"]
    assert card["full_cite"].endswith("https://example.org/eia, accessed 2025-06-01")
    page = client.get(f"/documents/{document_id}/passages", params={"limit": 500}).json()["passages"]
    assert all(p["citation"].startswith("Ada Corrected, ") for p in page)
    context = client.get(f"/passages/{top['id']}").json()["passage"]
    assert context["citation"] == top["citation"]

    assert client.get("/health").json()["fingerprint"] == before and encoder.encoded == encoded
    reverted = client.patch(f"/documents/{document_id}", json={"year": None, "qualifications": None}).json()
    assert reverted["year"] == 2025 and reverted["qualifications"] is None and reverted["author"] == "Ada Corrected"
    for bad, reason in (({"year": 20250}, "year"), ({"url": "javascript:alert(1)"}, "http"), ({"title": ""}, "title")):
        refused = client.patch(f"/documents/{document_id}", json=bad)
        assert refused.status_code == 422 and reason in refused.json()["detail"], refused.text
    assert client.patch("/documents/no-such-document", json={"author": "X"}).status_code == 404
    assert client.patch(f"/documents/{document_id}", json={"colour": "red"}).status_code == 422


def test_a_question_naming_a_corrected_author_leans_to_the_work(client: TestClient, uploaded: dict[str, str]) -> None:
    """A file that names no author, or the wrong one, is put right by a correction: a question that
    names the corrected author (possessive or not) leans to that work, as for an author the file states."""
    document_id = uploaded["pdf"]

    def first_rank(question: str) -> int:
        passages = client.post("/ask", json={"question": question, "k": 20}).json()["passages"]
        return next((i for i, p in enumerate(passages) if p["document_id"] == document_id), len(passages))

    questions = ("What is Quarrendon’s view of the state?", "What does Quarrendon say about the state?")
    before = [first_rank(q) for q in questions]
    assert client.patch(f"/documents/{document_id}", json={"author": "Imogen Quarrendon"}).status_code == 200
    after = [first_rank(q) for q in questions]
    assert all(a < b for a, b in zip(after, before, strict=True)), (before, after)
    assert client.patch(f"/documents/{document_id}", json={"author": None}).status_code == 200
    assert [first_rank(q) for q in questions] == before


def test_a_bad_upload_is_refused_with_its_reason_and_changes_nothing(
    client: TestClient, uploaded: dict[str, str], root: Path, tmp_path: Path
) -> None:
    documents, jobs = client.get("/documents").json(), client.get("/jobs").json()
    files = sorted(p.name for p in (root / "data" / FOLDER).iterdir())
    over = tmp_path / "over.txt"
    over.write_bytes(b"A sentence of an article. " * (LIMIT // 26 + 10))
    huge = DEV / "hobbes-1651-leviathan-pg3207-lf-bom.txt"  # over the limit and the form's allowance both
    refusals = [
        ({"files": {"file": ("report.pdf", b"Only plain words, not a PDF at all.")}}, 422, "not a pdf"),
        ({"files": {"file": ("empty.txt", b"")}}, 422, "empty"),
        ({"files": {"file": ("blank.md", b" \n\n ")}}, 422, "empty"),
        ({"files": {"file": (SCANNED.name, SCANNED.read_bytes())}}, 422, "text layer"),
        ({"files": {"file": ("data.bin", b"\x00\x01 some bytes")}}, 422, "unsupported format"),
        ({"files": {"file": ("broken.docx", DOCX.read_bytes()[:4000])}}, 422, "Word"),
        ({"files": {"file": (over.name, over.read_bytes())}}, 413, "limit"),
        ({"files": {"file": (huge.name, huge.read_bytes())}}, 413, "limit"),
        ({"data": {"text": "Words pasted without a title."}}, 400, "title"),
        ({"data": {"text": "Words.", "title": "T"}, "files": {"file": ("a.txt", b"Words.")}}, 400, "either"),
        ({"data": {"title": "Nothing else"}}, 400, "either"),
        ({"data": {"text": "Words.", "title": "T", "year": "99999"}}, 422, "year"),
    ]
    for request, status, reason in refusals:
        response = client.post("/documents", **request)
        assert response.status_code == status and reason in response.json()["detail"], (request, response.text)
    assert client.get("/documents").json() == documents and client.get("/jobs").json() == jobs
    assert sorted(p.name for p in (root / "data" / FOLDER).iterdir()) == files


def test_an_upload_named_like_a_corpus_file_gets_its_own_id_and_a_pasted_text_is_served(
    client: TestClient, uploaded: dict[str, str], tmp_path: Path
) -> None:
    namesake = tmp_path / f"{SEED_ID}.txt"
    namesake.write_text("OTHER WORDS\n\nA namesake of the seed speaks of harbours, tides and lighthouses.\n")
    jobs = [
        _upload(client, namesake),
        client.post(
            "/documents",
            data={"text": "Bees dance to tell the hive where flowers are.", "title": "On Bees", "year": "1999"},
        ).json(),
    ]
    assert jobs[0]["document_id"] != SEED_ID and jobs[1]["document_id"] == "on-bees"
    assert [_finished(client, job)["state"] for job in jobs] == ["done", "done"]
    seed = client.get(f"/documents/{SEED_ID}").json()
    assert seed["origin"] == "corpus" and seed["source"] == f"{SEED_ID}.txt" and seed["passage_count"] > 100
    twin = client.get(f"/documents/{jobs[0]['document_id']}").json()
    assert twin["origin"] == "upload" and twin["passage_count"] >= 1
    assert _ask(client, "harbours tides and lighthouses")[0]["document_id"] == jobs[0]["document_id"]
    bees = client.get("/documents/on-bees").json()
    assert (bees["title"], bees["year"], bees["author"]) == ("On Bees", 1999, None)
    assert _ask(client, "how do bees tell the hive where flowers are")[0]["citation"].startswith("“On Bees”, 1999")
    full = client.post("/documents", files={"file": ("sixth.txt", b"One more short text to serve.")})
    assert full.status_code == 429 and "limit of 4 uploads" in full.json()["detail"]


def test_a_removed_document_is_gone_from_answers_at_once_and_from_the_index_after_its_job(
    client: TestClient, uploaded: dict[str, str], root: Path
) -> None:
    stored = root / "data" / FOLDER / f"{uploaded['pdf']}.pdf"
    assert stored.exists()
    assert client.delete(f"/documents/{uploaded['pdf']}").status_code == 204
    assert not stored.exists()
    assert all(p["document_id"] != uploaded["pdf"] for p in _ask(client, ELECTIONS))
    assert client.get(f"/documents/{uploaded['pdf']}").status_code == 404
    job = client.get("/jobs").json()[0]
    assert job["document_id"] == uploaded["pdf"] and _finished(client, job)["state"] == "done"
    assert uploaded["pdf"] not in _ids(client) and "elections" not in {
        c["name"] for c in client.get("/collections").json()
    }
    assert client.get("/health").json()["passages"] == sum(d["passage_count"] for d in client.get("/documents").json())
    assert client.delete(f"/documents/{uploaded['pdf']}").status_code == 404

    assert client.delete(f"/documents/{SEED_ID}").status_code == 204  # a corpus document is hidden, not deleted
    assert (root / "corpus" / f"{SEED_ID}.txt").exists()
    assert all(p["document_id"] != SEED_ID for p in _ask(client, "What does the author say about the ban on factions?"))
    _finished(client, client.get("/jobs").json()[0])
    assert SEED_ID not in _ids(client)
    # the command line sees the same sources as the server, so it asks the server rather than itself
    assert fingerprint(served_sources(_settings(root))) == client.get("/health").json()["fingerprint"]


def test_a_restart_keeps_uploads_corrections_removals_and_resumes_unfinished_jobs(
    client: TestClient, uploaded: dict[str, str], root: Path, encoder: Encoder
) -> None:
    before = client.get("/documents").json()
    assert client.app.state.assistant.library.jobs.idle(timeout=30)
    last = client.get("/jobs").json()[0]
    with sqlite3.connect(root / "data" / FILE) as db:  # as if the process stopped mid-job
        db.execute("UPDATE jobs SET state = 'running', progress = 0.1 WHERE id = ?", (last["id"],))
    with TestClient(create_app(Assistant(_settings(root), encoder))) as again:
        assert _finished(again, last)["state"] == "done"
        assert again.get("/documents").json() == before
        docx = again.get(f"/documents/{uploaded['docx']}").json()
        assert docx["author"] == "Ada Corrected" and docx["accessed"] == "2025-06-01"
        assert _ask(again, FEES)[0]["citation"].startswith("Ada Corrected, ")
        assert SEED_ID not in _ids(again) and uploaded["pdf"] not in _ids(again)


def test_sources_keep_upload_ids_and_hash_as_the_folder_alone_without_uploads(tmp_path: Path) -> None:
    corpus, uploads = tmp_path / "corpus", tmp_path / "uploads"
    shutil.copytree(SEEDS, corpus)
    assert fingerprint(Sources(corpus, uploads)) == fingerprint(corpus)  # no uploads folder yet
    uploads.mkdir()
    (uploads / f"{SEED_ID}.md").write_text("# Harbours\n\nTides rise and fall along the harbour wall.\n")
    loaded = load_corpus(Sources(corpus, uploads), ChunkingSettings())
    assert loaded.documents[SEED_ID].source == f"{SEED_ID}.md"  # the upload keeps the id it was given
    assert loaded.documents[f"{SEED_ID}-txt"].source == f"{SEED_ID}.txt"
    hidden = load_corpus(Sources(corpus, uploads, frozenset({f"{SEED_ID}-txt"})), ChunkingSettings())
    assert list(hidden.documents) == [SEED_ID] and not hidden.skipped
    stamps = {
        fingerprint(corpus),
        fingerprint(Sources(corpus, uploads)),
        fingerprint(Sources(corpus, uploads, frozenset("x"))),
    }
    assert len(stamps) == 3


def test_a_citation_made_again_from_unchanged_metadata_is_the_one_built() -> None:
    document = seed_document()
    assert all(recited(p, document.meta) is p for p in document.passages)
