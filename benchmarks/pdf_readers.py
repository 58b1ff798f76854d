"""The PDF libraries compared on the real PDFs, beside our reader built on the one chosen.

For each library: seconds and characters for the 119-page slip opinion, whether the two-column
CRS page comes out column by column, whether the line-end hyphen of "elections-specific" is kept,
and what the library reports of the CRS heading's type (size, and weight or a bold font name).

    python -m benchmarks.pdf_readers
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

from assistant.corpus.readers.pdf import read_pdf

ROOT = Path(__file__).resolve().parent.parent

DATA = ROOT.parent / "shared" / "data" / "corpus-dev"
LONG = DATA / "scotus-2024-trump-v-united-states-23-939.pdf"
COLUMNS = DATA / "crs-2026-if13013-conditioning-federal-funding-elections.pdf"
HEADING = "Recent Legislative Proposals"


def pypdfium2_text(path: Path) -> str:
    import pypdfium2 as pdfium

    return "\f".join(page.get_textpage().get_text_range() for page in pdfium.PdfDocument(path))


def pypdfium2_type(path: Path) -> str:
    import math

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    textpage = pdfium.PdfDocument(path)[0].get_textpage()
    at = textpage.get_text_range().index(HEADING)
    matrix = raw.FS_MATRIX()
    raw.FPDFText_GetMatrix(textpage.raw, at, matrix)
    size = raw.FPDFText_GetFontSize(textpage.raw, at) * math.hypot(matrix.c, matrix.d)
    return f"{size:.1f} pt, weight {raw.FPDFText_GetFontWeight(textpage.raw, at)}"


def pdfplumber_text(path: Path) -> str:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return "\f".join(page.extract_text() or "" for page in pdf.pages)


def pdfplumber_type(path: Path) -> str:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        chars = pdf.pages[0].chars
        text = "".join(c["text"] for c in chars)
        char = chars[text.index(HEADING)]
        return f"{char['size']:.1f} pt, font {char['fontname']}"


def pdfminer_text(path: Path) -> str:
    from pdfminer.high_level import extract_text

    return extract_text(path)


def pdfminer_type(path: Path) -> str:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar, LTTextContainer

    for box in next(iter(extract_pages(path))):
        if isinstance(box, LTTextContainer) and box.get_text().startswith(HEADING):
            char = next(c for line in box for c in line if isinstance(c, LTChar))
            return f"{char.size:.1f} pt, font {char.fontname}"
    return "not found"


def pypdf_text(path: Path) -> str:
    import pypdf

    return "\f".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def pypdf_type(path: Path) -> str:
    import pypdf

    found: list[str] = []

    def visit(text: str, cm: list[float], tm: list[float], font: dict | None, size: float) -> None:
        if text.startswith(HEADING[:6]) and not found:
            scale = (tm[2] ** 2 + tm[3] ** 2) ** 0.5
            found.append(f"{size * scale:.1f} pt, font {(font or {}).get('/BaseFont', '?')}")

    pypdf.PdfReader(path).pages[0].extract_text(visitor_text=visit)
    return found[0] if found else "not found"


def ours_text(path: Path) -> str:
    return read_pdf(path.read_bytes(), path.name).text


def ours_type(path: Path) -> str:
    extracted = read_pdf(path.read_bytes(), path.name)
    heading = next(b for b in extracted.blocks if extracted.text[b.start : b.end] == HEADING)
    return f"{heading.kind.value} level {heading.level}"


LIBRARIES: dict[str, tuple[str, Callable[[Path], str], Callable[[Path], str]]] = {
    "pypdfium2 (raw text)": ("Apache-2.0/BSD-3", pypdfium2_text, pypdfium2_type),
    "pdfplumber": ("MIT", pdfplumber_text, pdfplumber_type),
    "pdfminer.six": ("MIT", pdfminer_text, pdfminer_type),
    "pypdf": ("BSD-3", pypdf_text, pypdf_type),
    "ours: readers/pdf.py (pypdfium2)": ("-", ours_text, ours_type),
}


def columns_in_order(text: str) -> bool:
    """Column 1's second paragraph comes before column 2's first line."""
    first, second = text.find("An alternative approach"), text.find("state and local offices and using nonpartisan")
    return 0 <= first < second


def main() -> None:
    header = ("library", "licence", "119 pp. s", "chars", "CRS columns", "hyphen", "CRS heading type")
    print("{:34} {:17} {:>9} {:>7} {:>11} {:>6}  {}".format(*header))
    for name, (licence, text_of, type_of) in LIBRARIES.items():
        started = time.perf_counter()
        chars = len(text_of(LONG))
        seconds = time.perf_counter() - started
        crs = text_of(COLUMNS)
        hyphen = re.search(r"elections-\s*specific grant programs has", crs) is not None
        in_order = "in order" if columns_in_order(crs) else "mixed"
        print(f"{name:34} {licence:17} {seconds:9.2f} {chars:7} {in_order:>11} {hyphen!s:>6}  {type_of(COLUMNS)}")


if __name__ == "__main__":
    main()
