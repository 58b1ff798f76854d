"""What the model and BM25 read for a passage and its sentences (the served text never changes)."""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np

from assistant.corpus.document import Passage

_LINE_END_HYPHEN = re.compile(r"(?<=[^\W\d_])-[ \t]*\r?\n[ \t]*(?=[a-z])")


def embedding_text(passage: Passage) -> str:
    """What the model and BM25 read for a passage: its section heading gives the paragraph its
    topic, and a word hyphenated at a line end is read whole (the passage's text keeps the hyphen)."""
    return f"{passage.section}: {_LINE_END_HYPHEN.sub('', passage.text)}"


def sentence_texts(passages: Iterable[Passage], sentences: np.ndarray) -> list[str]:
    """The text of every sentence, in order: ``passages`` by row, ``sentences`` sorted by row."""
    spans = np.asarray(sentences).tolist()
    texts: list[str] = []
    at = 0
    for row, passage in enumerate(passages):
        while at < len(spans) and spans[at][0] == row:
            _, start, end = spans[at]
            texts.append(passage.text[start - passage.start : end - passage.start])
            at += 1
    return texts
