"""The query path of the encoder: the cache, and questions asked together sharing model calls."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from assistant.settings import EncoderSettings
from embeddings.encoder import Encoder

QUESTIONS = [f"What does the author say about question number {n}?" for n in range(8)]


def test_concurrent_questions_share_model_calls_and_get_their_own_vectors() -> None:
    encoder = Encoder()  # its own, so the counts are this test's alone
    alone = {q: encoder.encode([q])[0] for q in QUESTIONS}
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
    np.testing.assert_allclose(np.stack(together), encoder.encode(texts), atol=1e-5)
    assert all(again is first for again, first in zip(encoder.encode_queries(texts), together, strict=True))
    assert encoder.query_batches == calls + 1


def test_a_query_prefix_is_read_before_every_question_and_never_before_a_passage(encoder: Encoder) -> None:
    """A model trained with a query instruction reads it before each question; passages, and the
    cache's keys, stay the plain texts."""
    prefixed = Encoder(settings=EncoderSettings(query_prefix="query: "))
    question = "Who opposed the ban on factions?"
    vector = prefixed.encode_query(question)
    np.testing.assert_allclose(vector, encoder.encode_query("query: " + question), atol=1e-5)
    assert float(vector @ encoder.encode_query(question)) < 0.999
    calls = prefixed.query_batches
    assert prefixed.encode_query(question) is vector and prefixed.query_batches == calls
    np.testing.assert_allclose(prefixed.encode([question]), encoder.encode([question]), atol=1e-6)


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
