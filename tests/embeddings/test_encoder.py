"""The query path of the encoder: its cache, questions sharing model calls, two models side by side."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import numpy as np
import pytest

from assistant.settings import PARTNER_MODEL, EncoderSettings
from embeddings.encoder import Encoder
from embeddings.errors import ModelUnavailable

MINILM = EncoderSettings(partner="")  # the default model alone
BGE_PREFIX = EncoderSettings().partner_query_prefix
QUESTIONS = [f"What does the author say about question number {n}?" for n in range(8)]


def test_concurrent_questions_share_model_calls_and_get_their_own_vectors() -> None:
    encoder = Encoder()  # its own, so the counts are this test's alone
    alone = {q: encoder.encode_questions([q])[0] for q in QUESTIONS}
    start = threading.Barrier(len(QUESTIONS))

    def ask(question: str) -> np.ndarray:
        start.wait()
        return encoder.encode_query(question)

    with ThreadPoolExecutor(len(QUESTIONS)) as pool:
        vectors = list(pool.map(ask, QUESTIONS))
    for question, vector in zip(QUESTIONS, vectors, strict=True):
        np.testing.assert_allclose(vector, alone[question], atol=1e-5)
    assert encoder.query_batches < len(QUESTIONS), "questions waiting for the model go in together"


def test_a_repeated_question_does_not_reach_the_model(encoder: Encoder) -> None:
    first = encoder.encode_query("Who led the Red Army?")
    calls = encoder.query_batches
    again = encoder.encode_query("Who led the Red Army?")
    assert encoder.query_batches == calls and again is first


def test_the_texts_of_one_call_share_a_model_call(encoder: Encoder) -> None:
    """A question and its topic (the question without the names of works) are encoded together."""
    texts = ["What does Goldman say about the soviets in 1921?", "What does   say about the soviets in 1921?"]
    calls = encoder.query_batches
    together = encoder.encode_queries(texts)
    assert encoder.query_batches == calls + 1 and len(together) == 2
    np.testing.assert_allclose(np.stack(together), encoder.encode_questions(texts), atol=1e-5)
    assert all(again is first for again, first in zip(encoder.encode_queries(texts), together, strict=True))
    assert encoder.query_batches == calls + 1


def test_a_query_prefix_is_read_before_every_question_and_never_before_a_passage(encoder: Encoder) -> None:
    """A model trained with a query instruction reads it before each question; passages, and the
    cache's keys, stay the plain texts."""
    plain = Encoder(settings=MINILM)
    prefixed = Encoder(settings=replace(MINILM, query_prefix="query: "))
    question = "Who opposed the ban on factions?"
    vector = prefixed.encode_query(question)
    np.testing.assert_allclose(vector, plain.encode_query("query: " + question), atol=1e-5)
    assert float(vector @ plain.encode_query(question)) < 0.999
    calls = prefixed.query_batches
    assert prefixed.encode_query(question) is vector and prefixed.query_batches == calls
    np.testing.assert_allclose(prefixed.encode([question]), plain.encode([question]), atol=1e-6)


def test_two_models_are_read_side_by_side_each_cosine_their_weighted_mean(encoder: Encoder) -> None:
    """The served encoder joins MiniLM's vectors to bge-small-en's: a question's cosine with a
    passage is the weighted mean of the two models' cosines, bge reading the question after its
    query instruction and MiniLM reading it plain."""
    minilm = Encoder(settings=MINILM)
    bge = Encoder(PARTNER_MODEL, settings=replace(MINILM, pooling="cls", query_prefix=BGE_PREFIX))
    quarter = Encoder(settings=EncoderSettings(partner_weight=0.25))
    passages = ["The tenth congress banned factions inside the party.", "Kronstadt rose in March 1921."]
    question = "Who banned factions, and when?"
    joint, single = encoder.encode(passages), [minilm.encode(passages), bge.encode(passages)]
    asked, alone = encoder.encode_query(question), [minilm.encode_query(question), bge.encode_query(question)]
    assert joint.shape == (2, minilm.dimension + bge.dimension) == (2, encoder.dimension)
    np.testing.assert_allclose(np.linalg.norm(joint, axis=1), 1.0, atol=1e-5)
    cosines = [vectors @ vector for vectors, vector in zip(single, alone, strict=True)]
    np.testing.assert_allclose(joint @ asked, 0.5 * cosines[0] + 0.5 * cosines[1], atol=1e-5)
    np.testing.assert_allclose(
        quarter.encode(passages) @ quarter.encode_query(question), 0.75 * cosines[0] + 0.25 * cosines[1], atol=1e-5
    )
    assert not np.allclose(cosines[0], cosines[1], atol=1e-2), (
        "the two models judge alike: the test would prove nothing"
    )
    assert minilm.name in encoder.name and str(bge.identity) in encoder.name and encoder.name != quarter.name
    assert minilm.name == str(minilm.identity), "without a partner the name is the model's, as before there were two"


def test_a_partner_that_cannot_be_loaded_is_refused_with_a_message() -> None:
    with pytest.raises(ModelUnavailable, match=r"partner model.*no-such-model"):
        Encoder(settings=EncoderSettings(partner="/nowhere/no-such-model"))


def test_a_question_is_answered_while_a_build_encodes() -> None:
    """A build's encode (hundreds of model calls here) does not hold the model: a question asked
    meanwhile gets a call of its own instead of waiting for the whole corpus."""
    encoder = Encoder(batch_size=1)  # its own: the shared one remembers what it encoded
    texts = [f"Passage {n} of a long article on the congress, its debates and resolutions." for n in range(400)]
    building = threading.Thread(target=encoder.encode, args=(texts,))
    building.start()
    try:
        time.sleep(0.3)  # the build is under way
        encoder.encode_query("Who spoke against the ban on factions?")
        answered_during_build = building.is_alive()
    finally:
        building.join()
    assert answered_during_build, "the question waited for the build's encode to finish"
