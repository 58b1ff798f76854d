"""Check the multi-document question set and print its counts.

Every gold string must occur exactly once in the text the parser serves for its document (and, for
plain-text formats, in the file itself); ids must be unique; the fields must take their allowed
values. Usage: ``python -m benchmarks.check_questions [questions.jsonl] [--dirs DIR ...]``.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

from assistant.corpus.library import parse_document
from assistant.corpus.passages import ChunkingSettings

HERE = Path(__file__).resolve().parent
DEFAULT_FILE = HERE / "data" / "multidoc_questions.jsonl"
DEFAULT_DIRS = [
    HERE.parent / "seeds",
    HERE.parent.parent / "shared" / "data" / "corpus",
    HERE.parent.parent / "shared" / "data" / "corpus-dev",
]
KINDS = {"topic", "paraphrase", "rebuttal", "quote", "fact", "author", "section", "unanswerable"}
SPLITS = {"tune", "heldout"}
PLAIN = {".txt"}  # Markdown is served unwrapped, so only .txt is compared with the file


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def find(name: str, dirs: list[Path]) -> Path | None:
    return next((d / name for d in dirs if (d / name).is_file()), None)


def check(rows: list[dict], dirs: list[Path]) -> list[str]:
    problems: list[str] = []
    ids = collections.Counter(r.get("id") for r in rows)
    problems += [f"duplicate id {i!r} ({n} times)" for i, n in ids.items() if n > 1]
    texts: dict[str, tuple[str, str | None]] = {}
    split_doc: dict[str, str] = {}
    for r in rows:
        rid, kind, gold, name = r.get("id"), r.get("kind"), r.get("gold"), r.get("document")
        if kind not in KINDS:
            problems.append(f"{rid}: unknown kind {kind!r}")
        if r.get("split") not in SPLITS or r.get("split_doc") not in SPLITS:
            problems.append(f"{rid}: split/split_doc must be one of {sorted(SPLITS)}")
        if not isinstance(r.get("query"), str) or not r["query"].strip():
            problems.append(f"{rid}: empty query")
        if kind == "unanswerable":
            if gold or name is not None or r.get("section") is not None:
                problems.append(f"{rid}: unanswerable needs empty gold, null document and null section")
            continue
        if not gold or not name or not r.get("section"):
            problems.append(f"{rid}: answerable question needs gold, document and section")
            continue
        if split_doc.setdefault(name, r["split_doc"]) != r["split_doc"]:
            problems.append(f"{rid}: {name} has more than one split_doc")
        if name not in texts:
            path = find(name, dirs)
            if path is None:
                problems.append(f"{rid}: document {name} not found in {[str(d) for d in dirs]}")
                texts[name] = ("", None)
                continue
            data = path.read_bytes()
            doc = parse_document(path, data, ChunkingSettings(), {})
            raw = data.decode("utf-8-sig") if path.suffix.lower() in PLAIN else None
            texts[name] = (doc.text, raw)
        text, raw = texts[name]
        if not text:
            continue
        for g in gold:
            n = text.count(g)
            if n != 1:
                problems.append(f"{rid}: gold occurs {n} times in the served text of {name}: {g[:70]!r}")
            if raw is not None and g not in raw:
                problems.append(f"{rid}: gold is not in the file text of {name}: {g[:70]!r}")
    return problems


def table(rows: list[dict]) -> str:
    kinds = sorted(KINDS)
    docs = sorted({r["document"] or "(none: unanswerable)" for r in rows})
    width = max(len(d) for d in docs) + 2
    head = f"{'document':<{width}}{'split_doc':<10}" + "".join(f"{k[:6]:>7}" for k in kinds)
    head += f"{'tune':>6}{'held':>6}{'total':>7}"
    lines = [head, "-" * len(head)]
    for d in docs:
        sub = [r for r in rows if (r["document"] or "(none: unanswerable)") == d]
        c = collections.Counter(r["kind"] for r in sub)
        s = collections.Counter(r["split"] for r in sub)
        sd = "/".join(sorted({r["split_doc"] for r in sub}))
        lines.append(
            f"{d:<{width}}{sd:<10}"
            + "".join(f"{c[k]:>7}" for k in kinds)
            + f"{s['tune']:>6}{s['heldout']:>6}{len(sub):>7}"
        )
    c = collections.Counter(r["kind"] for r in rows)
    s = collections.Counter(r["split"] for r in rows)
    lines.append("-" * len(head))
    lines.append(
        f"{'all':<{width}}{'':<10}"
        + "".join(f"{c[k]:>7}" for k in kinds)
        + f"{s['tune']:>6}{s['heldout']:>6}{len(rows):>7}"
    )
    both = collections.Counter((r["split_doc"], r["split"]) for r in rows)
    lines.append("")
    lines.append("split_doc x split: " + ", ".join(f"{a}/{b}={n}" for (a, b), n in sorted(both.items())))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--dirs", nargs="+", type=Path, default=DEFAULT_DIRS)
    args = parser.parse_args(argv)
    rows = load(args.file)
    problems = check(rows, args.dirs)
    print(table(rows))
    print()
    for p in problems:
        print("PROBLEM", p)
    print(f"{len(rows)} questions, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
