"""Incremental indexing on a corpus of 1,000 articles: after adding, changing or removing one
article, a rebuild in a new process sends only that article's new texts through the model.

The articles are real text, the first ArguAna arguments, one plain-text file each (title line,
blank line, argument). Each rebuild uses a fresh encoder with nothing in memory, as a restarted
server would; the full build is the baseline.

    python -m benchmarks.incremental [--articles 1000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from assistant.corpus.passages import ChunkingSettings
from assistant.index.build import build
from benchmarks.arguana import load
from embeddings.encoder import Encoder

ROOT = Path(__file__).resolve().parent.parent


def timed_build(corpus: Path, index: Path) -> tuple[float, int, int]:
    """Seconds, texts encoded, and passages, for one build by a fresh encoder."""
    encoder = Encoder()
    started = time.perf_counter()
    store = build(corpus, index, encoder, ChunkingSettings(), progress=False)
    return time.perf_counter() - started, encoder.encoded, len(store.passages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000)
    args = parser.parse_args()
    arguments, _, _ = load()
    with tempfile.TemporaryDirectory() as scratch:
        corpus, index = Path(scratch) / "corpus", Path(scratch) / "index"
        corpus.mkdir()
        for i, argument in enumerate(arguments[: args.articles + 1]):
            title = argument["title"] or f"Argument {i}"
            (corpus / f"a{i:05d}.txt").write_text(f"{title}\n\n{argument['text'].strip()}\n", encoding="utf-8")
        spare = corpus / f"a{args.articles:05d}.txt"
        spare.rename(Path(scratch) / spare.name)

        rows = [("full build", *timed_build(corpus, index))]
        changed = corpus / "a00000.txt"
        changed.write_text(changed.read_text(encoding="utf-8") + "\nA sentence added to one article.\n")
        rows.append(("one article changed", *timed_build(corpus, index)))
        (Path(scratch) / spare.name).rename(spare)
        rows.append(("one article added", *timed_build(corpus, index)))
        (corpus / "a00001.txt").unlink()
        rows.append(("one article removed", *timed_build(corpus, index)))

    full_seconds, full_encoded, _ = rows[0][1:]
    print(f"\nIncremental indexing, {args.articles} articles (new encoder each time, as after a restart)")
    print(f"{'build':<22}{'seconds':>9}{'texts encoded':>15}{'passages':>10}{'time / full build':>19}")
    for name, seconds, encoded, passages in rows:
        print(f"{name:<22}{seconds:>9.1f}{encoded:>15}{passages:>10}{seconds / full_seconds:>18.2f}×")
    print(f"(texts are passages plus their sentences; the full build encoded {full_encoded})")


if __name__ == "__main__":
    main()
