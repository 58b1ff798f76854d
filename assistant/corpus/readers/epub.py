"""EPUB books: the package's reading order (its spine) read chapter by chapter into one text.

``META-INF/container.xml`` names the package document (OPF); its manifest and spine give the
XHTML files in reading order, each read by the HTML reader into one builder, so offsets, sections
and note links run through the whole book. The OPF gives the title, author and publisher; its
``dc:date`` is the e-book's release, never the work's year, so it is not reported.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from urllib.parse import unquote
from xml.etree import ElementTree

from assistant.corpus.document import Extracted
from assistant.corpus.readers.builder import TextBuilder
from assistant.corpus.readers.html import add_html
from assistant.corpus.readers.text import decode
from assistant.errors import CorpusError

_CONTAINER = "META-INF/container.xml"
_NS = {
    "container": "urn:oasis:names:tc:opendocument:xmlns:container",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
}
_ROLE = f"{{{_NS['opf']}}}role"
_HTML_TYPES = frozenset({"application/xhtml+xml", "text/html"})
_AUTHOR_ROLES = frozenset({"", "aut"})


def read_epub(data: bytes, name: str) -> Extracted:
    """Blocks, note markers and OPF facts of an EPUB (2 or 3) book."""
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as err:
        raise CorpusError(f"{name}: not a readable EPUB ({err})") from err
    with book:
        opf_path = _package_path(book, name)
        package = _xml(book, opf_path, name)
        builder = TextBuilder()
        _opf_facts(package, builder)
        chapters = _spine(package, opf_path, name)
        if not chapters:
            raise CorpusError(f"{name}: the EPUB spine lists no XHTML chapters")
        for chapter in chapters:
            add_html(builder, decode(_member(book, chapter, name), f"{name}:{chapter}"), chapter)
    return builder.build()


def _member(book: zipfile.ZipFile, path: str, name: str) -> bytes:
    try:
        return book.read(path)
    except KeyError as err:
        raise CorpusError(f"{name}: the EPUB lists {path} but does not contain it") from err
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        raise CorpusError(f"{name}: {path} cannot be unpacked ({err})") from err


def _xml(book: zipfile.ZipFile, path: str, name: str) -> ElementTree.Element:
    try:
        return ElementTree.fromstring(_member(book, path, name))
    except ElementTree.ParseError as err:
        raise CorpusError(f"{name}: {path} is not well-formed XML ({err})") from err


def _package_path(book: zipfile.ZipFile, name: str) -> str:
    """The OPF's path, from the container file every EPUB must have."""
    if _CONTAINER not in book.namelist():
        raise CorpusError(f"{name}: not an EPUB (no {_CONTAINER})")
    rootfile = _xml(book, _CONTAINER, name).find(".//container:rootfile", _NS)
    path = rootfile.get("full-path") if rootfile is not None else None
    if not path:
        raise CorpusError(f"{name}: {_CONTAINER} names no package document")
    return unquote(path)


def _spine(package: ElementTree.Element, opf_path: str, name: str) -> list[str]:
    """Paths in the ZIP of the spine's (X)HTML files, in reading order."""
    base = posixpath.dirname(opf_path)
    manifest = {
        item.get("id"): (
            posixpath.normpath(posixpath.join(base, unquote(item.get("href", "")))),
            item.get("media-type"),
        )
        for item in package.iterfind("opf:manifest/opf:item", _NS)
    }
    spine = package.find("opf:spine", _NS)
    if spine is None:
        raise CorpusError(f"{name}: {opf_path} has no spine")
    chapters = []
    for itemref in spine.iterfind("opf:itemref", _NS):
        path, media_type = manifest.get(itemref.get("idref"), (None, None))
        if path is None:
            raise CorpusError(f"{name}: the spine refers to '{itemref.get('idref')}', which the manifest lacks")
        if media_type in _HTML_TYPES:
            chapters.append(path)
    return chapters


def _opf_facts(package: ElementTree.Element, builder: TextBuilder) -> None:
    metadata = package.find("opf:metadata", _NS)
    if metadata is None:
        return
    roles = _refined_roles(metadata)
    titles = metadata.findall("dc:title", _NS)
    if titles:
        builder.fact("title", titles[0].text, "epub opf")
    authors = [
        (creator.text or "").strip()
        for creator in metadata.findall("dc:creator", _NS)
        if (creator.get(_ROLE) or roles.get(creator.get("id", ""), "")) in _AUTHOR_ROLES
    ]
    builder.fact("author", " and ".join(a for a in authors if a), "epub opf")
    for publisher in metadata.findall("dc:publisher", _NS)[:1]:
        builder.fact("publication", publisher.text, "epub opf")


def _refined_roles(metadata: ElementTree.Element) -> dict[str, str]:
    """EPUB 3 states a creator's role in ``<meta refines="#id" property="role">``."""
    return {
        (meta.get("refines") or "").lstrip("#"): (meta.text or "").strip()
        for meta in metadata.iterfind("opf:meta", _NS)
        if meta.get("property") == "role"
    }
