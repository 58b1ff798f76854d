"""Several documents: a question that names an author or a work is answered from it, the
same words in two documents are shown once, and answers can be grouped by document."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np

from assistant.index.derived import NameKey, name_keys
from assistant.retrieval.ranker import Query, Ranker
from assistant.retrieval.routing import Names, without_names
from assistant.schemas import AskRequest
from assistant.service import Assistant
from assistant.settings import Settings
from embeddings.encoder import Encoder
from tests.helpers import SEED_ID, SEEDS, ask

GOLDMAN = "goldman-1924-my-disillusionment-in-russia-afterword"
MANIFESTO = "marx-engels-1848-communist-manifesto"


def routed(names: Names, question: str) -> frozenset[str]:
    return names.find(question)[0]


def test_names_route_by_the_corpus_metadata_and_ordinary_words_need_capitals() -> None:
    names = Names([NameKey("marx", "m"), NameKey("on liberty", "l"), NameKey("mill", "j", capitalised_only=True)])
    assert routed(names, "what does Marx say about wages?") == {"m"}
    assert routed(names, "is free speech defended in on liberty?") == {"l"}
    assert routed(names, "what does Mill say about custom?") == {"j"}
    assert routed(names, "who owned the mill in the town?") == frozenset()
    assert routed(names, "Marx, Mill and On Liberty") == {"m", "j", "l"}
    assert routed(names, "Is Marx’s view of wages in Mill's book?") == {"m", "j"}


def test_a_corrected_name_replaces_the_stated_one_and_an_ordinary_word_needs_capitals() -> None:
    names = Names([NameKey("marx", "m"), NameKey("karl marx", "m"), NameKey("capital", "m", capitalised_only=True)])
    renamed = names.renamed({"m": ("Jenny Marx", "Letters")}, is_word=lambda word: word == "letters")
    assert routed(renamed, "what does Jenny Marx say?") == {"m"} and routed(renamed, "and Karl Marx?") == {"m"}
    assert routed(renamed, "is it in Capital?") == frozenset()
    assert routed(renamed, "what is in Letters?") == {"m"} and routed(renamed, "any letters?") == frozenset()
    untitled = names.renamed({"m": (None, "Letters")}, is_word=lambda word: False)
    assert routed(untitled, "what does Marx say?") == frozenset()


def test_a_title_is_named_by_its_main_part_without_a_chapter_number() -> None:
    assert name_keys("Karl Marx and Friedrich Engels", "The Communist Manifesto (1848)") == [
        "karl marx", "marx", "friedrich engels", "engels", "communist manifesto",
    ]  # fmt: skip
    assert name_keys(None, "XXXIII: Afterword") == ["afterword"]
    assert name_keys(None, "Chapter 4. Wages of Labour") == ["wages of labour"]
    assert name_keys(None, "CIVIL: the war") == ["civil"]  # letters of a numeral, not a numeral
    assert name_keys(None, "I, Robot") == ["i robot"]


def test_the_words_that_name_a_work_are_found_and_left_out_of_its_topic() -> None:
    names = Names([NameKey("mill", "j"), NameKey("on liberty", "l"), NameKey("prince", "p", capitalised_only=True)])
    routed, naming = names.find("What is Mill's harm principle, and is it in On Liberty?")
    assert routed == {"j", "l"} and naming == ("Mill's", "On", "Liberty")
    assert without_names("What is Mill's harm principle, and is it in On Liberty?", naming).split() == [
        "What", "is", "harm", "principle,", "and", "is", "it", "in", "?",
    ]  # fmt: skip
    assert names.find("what should a prince fear?") == (frozenset(), ())
    assert without_names("Mill?", ("Mill",)) == "Mill?"  # nothing but the name: the name is the topic


def test_a_question_naming_the_author_gets_the_authors_words_not_an_editors(multi_assistant: Assistant) -> None:
    """The seed's standfirst, by its editors, names the author and sums up his claim: the author's
    own passages come before it for a question that names him."""
    passages = ask(multi_assistant, AskRequest(question="What is Hoskisson's central claim about 1921?", k=3)).passages
    assert [(p.document_id, p.voice.value) for p in passages[:2]] == [(SEED_ID, "author")] * 2


def test_a_question_naming_an_author_is_answered_from_their_document(multi_assistant: Assistant) -> None:
    names = {(n.key, n.document_id) for n in multi_assistant.store.derived.names}
    assert ("goldman", GOLDMAN) in names and ("engels", MANIFESTO) in names
    for question, document in (
        ("What does Goldman say about the State and the revolution?", GOLDMAN),
        ("What do Marx and Engels say about the revolution?", MANIFESTO),
        ("What does Hoskisson say about the revolution?", SEED_ID),
    ):
        top = ask(multi_assistant, AskRequest(question=question, k=3)).passages[0]
        assert top.document_id == document, (question, top.document_id)


def test_the_names_that_pick_some_works_are_left_out_of_half_the_question_vector(
    multi_assistant: Assistant, assistant: Assistant
) -> None:
    """The names say where to look (the routing boost); the vector reads the question half with
    them and half without, so passages that only mention the name ("Mrs. Mill") do not outrank the
    topic. In a corpus of one work the names pick nothing, and the question is read whole."""
    asked = "What does {} say about the Bolsheviks and the peasants?"

    def scores(of: Assistant, name: str, weight: float, vector: np.ndarray | None = None) -> dict[str, float]:
        ranker = Ranker(of.store, of.ranker.encoder, replace(of.settings.ranking, named_topic_weight=weight))
        return {hit.passage.id: hit.score for hit in ranker.rank(Query(asked.format(name), k=20), vector).hits}

    encode = multi_assistant.ranker.encoder.encode_query
    mixed = encode(asked.format("Goldman")) + encode(without_names(asked.format("Goldman"), ("Goldman",)))
    half = scores(multi_assistant, "Goldman", 0.5)
    assert half == scores(multi_assistant, "Goldman", 0.0, mixed / np.linalg.norm(mixed))
    assert half != scores(multi_assistant, "Goldman", 0.0)
    assert assistant.ranker.names.find(asked.format("Hoskisson"))[0] == {SEED_ID}
    assert scores(assistant, "Hoskisson", 0.5) == scores(assistant, "Hoskisson", 0.0)


def test_the_same_words_in_two_documents_are_shown_once(tmp_path: Path, encoder: Encoder) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    shutil.copy(corpus / f"{SEED_ID}.txt", corpus / "reprint.txt")
    assistant = Assistant(Settings(corpus_dir=corpus, data_dir=tmp_path / "index"), encoder)
    passages = ask(assistant, AskRequest(question="the ban on factions in 1921", k=10)).passages
    texts = [p.text for p in passages]
    assert len(texts) == 10 and len(set(texts)) == 10
    assert {p.document_id for p in passages} <= {SEED_ID, "reprint"}


def test_grouped_by_document_each_source_that_answers_gives_its_best(multi_assistant: Assistant) -> None:
    question = "the revolution and the State"
    flat = ask(multi_assistant, AskRequest(question=question, k=50)).passages
    grouped = ask(multi_assistant, AskRequest(question=question, k=10, per_document=2))
    documents = [p.document_id for p in grouped.passages]
    assert grouped.answered and len(set(documents)) >= 2
    # each document's passages together, at most two, the documents in the order of their best passage
    runs = [d for i, d in enumerate(documents) if i == 0 or documents[i - 1] != d]
    assert len(runs) == len(set(runs)) and all(documents.count(d) <= 2 for d in runs)
    assert runs == list(dict.fromkeys(p.document_id for p in flat if p.document_id in runs))
    assert grouped.passages[0].id == flat[0].id


def test_grouped_by_document_a_question_nothing_answers_is_not_answered(multi_assistant: Assistant) -> None:
    reply = ask(multi_assistant, AskRequest(question="the best recipe for sourdough bread", per_document=2))
    assert not reply.answered and reply.passages
