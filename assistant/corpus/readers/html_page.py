"""What a web page says about itself, and which of its parts are the article.

Citation facts are read from the page's own metadata, most trustworthy first: scholarly
``citation_*`` tags, Dublin Core, JSON-LD, author meta tags, Open Graph, the canonical link, a
byline element, and last the ``<title>``. The article is the page's ``<article>`` (when one holds
most of its paragraphs) or ``<main>``; share buttons, related links, tags, comments, newsletter and
donation boxes are recognised by the words their class, id or role use.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from bs4 import BeautifulSoup, Tag

from assistant.corpus.document import Fact

# Words of class names and ids that mark page furniture rather than the article's text.
_CHROME_WORDS = frozenset(
    {
        "share",
        "sharing",
        "social",
        "related",
        "relatedposts",
        "tags",
        "comments",
        "newsletter",
        "donate",
        "donation",
        "subscribe",
        "subscription",
        "signup",
        "breadcrumb",
        "breadcrumbs",
        "sidebar",
        "widget",
        "advert",
        "advertisement",
        "promo",
        "cookie",
        "cookies",
        "popup",
        "modal",
        "paywall",
    }
)
_CHROME_CLASSES = frozenset({"sr-only", "screen-reader-text", "visually-hidden", "skip-link"})
_CHROME_ROLES = frozenset(
    {"navigation", "banner", "contentinfo", "complementary", "search", "form", "dialog", "menu", "menubar"}
)
_WORD_SPLIT = re.compile(r"[-_\s]+")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_MAX_BYLINE_CHARS = 120
_BY_NAME = re.compile(
    r"^(?i:(?:written|posted|words|text)\s+)?(?i:by)\s+"
    r"([A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|and|&|de|van|von|der|la|le|da|del|di))*)"
    r"\s*(?:[•|·,–—-].*|\bon\b.*)?$"
)
_ARTICLE_TYPES = frozenset({"BlogPosting", "Report", "Book", "Chapter", "CreativeWork", "Legislation", "Thesis"})
_TITLE_SEPARATORS = (" | ", " – ", " — ", " - ", " :: ")


def attribute_words(tag: Tag, *names: str) -> list[str]:
    """The lower-case tokens of the named attributes (``epub:type`` prefixes like ``z3998:`` dropped)."""
    words: list[str] = []
    for name in names:
        value = tag.get(name)
        tokens = value if isinstance(value, list) else str(value or "").split()
        words.extend(token.lower().rsplit(":", 1)[-1] for token in tokens)
    return words


def is_chrome(tag: Tag) -> bool:
    """A hidden element or one whose class, id or role names page furniture (share, related, tags…)."""
    if tag.has_attr("hidden") or tag.get("aria-hidden") == "true" or _HIDDEN_STYLE.search(str(tag.get("style", ""))):
        return True
    if _CHROME_ROLES.intersection(attribute_words(tag, "role")):
        return True
    names = attribute_words(tag, "class", "id")
    return bool(_CHROME_CLASSES.intersection(names)) or any(
        _CHROME_WORDS.intersection(_WORD_SPLIT.split(name)) for name in names
    )


def _paragraph_chars(tag: Tag) -> int:
    return sum(len(p.get_text(strip=True)) for p in tag.find_all("p"))


def content_root(soup: BeautifulSoup) -> Tag:
    """The element that holds the article: its ``<article>`` when one holds most of the page's
    paragraph text, else ``<main>`` (or role="main"), else the body."""
    body = soup.body or soup
    main = body.find("main") or body.find(lambda tag: tag.get("role") == "main")
    container = main if isinstance(main, Tag) else body
    articles = [a for a in container.find_all("article") if a.find_parent("article") is None]
    if articles:
        best = max(articles, key=_paragraph_chars)
        if 2 * _paragraph_chars(best) >= _paragraph_chars(container):
            return best
    return container


def is_byline(tag: Tag) -> bool:
    """An element that names the author: rel/itemprop author, a class or id with "byline" or
    "author", or an ``<address>``."""
    if tag.name == "address" or "author" in attribute_words(tag, "rel", "itemprop"):
        return True
    return any(
        {"byline", "author", "authors"}.intersection(_WORD_SPLIT.split(n)) for n in attribute_words(tag, "class", "id")
    )


def byline_name(text: str) -> str | None:
    """The name in a byline ("By Jane Roe • 3 May 2020" → "Jane Roe"), or None when it is not one."""
    text = re.sub(r"\s+", " ", text).strip()
    if not text or len(text) > _MAX_BYLINE_CHARS:
        return None
    found = _BY_NAME.match(text)
    return found.group(1).strip(" ,") if found else None


def _name_of_byline(tag: Tag) -> str | None:
    inner = tag.find(lambda t: "author" in attribute_words(t, "rel", "itemprop") or "fn" in attribute_words(t, "class"))
    text = (inner if isinstance(inner, Tag) else tag).get_text(" ", strip=True)
    if len(text) > _MAX_BYLINE_CHARS or "@" in text or "://" in text:
        return None
    named = byline_name(text)
    if named:
        return named
    # A bare name in an author element: short, and more than one word or capitalised.
    words = text.split()
    return text if 0 < len(words) <= 6 and text[:1].isupper() and not re.search(r"\d", text) else None


def _byline(root: Tag) -> str | None:
    """The first byline inside the article, else the nearest one before it (never one in the
    page furniture, and never the ancestors that wrap the article)."""
    wrappers = {id(parent) for parent in root.parents}
    inside = root.find_all(is_byline)
    before = [t for t in root.find_all_previous(is_byline) if id(t) not in wrappers]
    for tag in [*inside, *before]:
        if any(is_chrome(t) for t in (tag, *tag.parents) if isinstance(t, Tag)):
            continue
        name = _name_of_byline(tag)
        if name:
            return name
    for paragraph in root.find_all("p", limit=5):
        name = byline_name(paragraph.get_text(" ", strip=True))
        if name:
            return name
    return None


def _meta(soup: BeautifulSoup) -> dict[str, list[str]]:
    """``<meta>`` contents by lower-case name or property, in document order."""
    values: dict[str, list[str]] = {}
    for tag in soup.find_all("meta"):
        key = str(tag.get("name") or tag.get("property") or "").strip().lower()
        content = str(tag.get("content") or "").strip()
        if key and content:
            values.setdefault(key, []).append(content)
    return values


def _json_ld_objects(data: object) -> Iterator[dict[str, object]]:
    if isinstance(data, list):
        for item in data:
            yield from _json_ld_objects(item)
    elif isinstance(data, dict):
        yield data
        yield from _json_ld_objects(data.get("@graph"))


def _types(obj: dict[str, object]) -> list[str]:
    kind = obj.get("@type")
    return [str(k) for k in kind] if isinstance(kind, list) else [str(kind or "")]


def _ld_names(value: object, by_id: dict[str, dict[str, object]]) -> list[str]:
    """Names of a JSON-LD person, organisation or list of them (``@id`` references resolved)."""
    if isinstance(value, list):
        return [name for item in value for name in _ld_names(item, by_id)]
    if isinstance(value, str):
        return [value] if "://" not in value else []
    if isinstance(value, dict):
        target = by_id.get(str(value.get("@id")), value) if "name" not in value else value
        name = target.get("name")
        return [str(name)] if isinstance(name, str) and name.strip() else []
    return []


def _json_ld_facts(soup: BeautifulSoup) -> list[Fact]:
    objects: list[dict[str, object]] = []
    for script in soup.find_all("script", attrs={"type": re.compile("ld\\+json", re.IGNORECASE)}):
        try:
            objects.extend(_json_ld_objects(json.loads(script.get_text())))
        except ValueError:
            continue
    by_id = {str(o["@id"]): o for o in objects if "@id" in o}
    works = [o for o in objects if any(t.endswith("Article") or t in _ARTICLE_TYPES for t in _types(o))]
    pages = [o for o in objects if "WebPage" in _types(o)]
    facts: list[Fact] = []
    for obj in [*works, *pages]:
        facts.extend(Fact("title", str(obj[k]), "json-ld") for k in ("headline", "name") if isinstance(obj.get(k), str))
        facts.append(Fact("author", _joined(_ld_names(obj.get("author") or obj.get("creator"), by_id)), "json-ld"))
        date = obj.get("datePublished") or obj.get("dateCreated")
        if isinstance(date, str):
            facts.append(Fact("year", date, "json-ld"))
        for key in ("isPartOf", "publisher"):
            facts.extend(Fact("publication", name, "json-ld") for name in _ld_names(obj.get(key), by_id)[:1])
    return facts


def _joined(names: list[str]) -> str:
    return " and ".join(dict.fromkeys(n.strip() for n in names if n.strip()))


def _without_site(title: str, site: str | None) -> str:
    """A page title without the site name its template appends or prepends."""
    for separator in _TITLE_SEPARATORS:
        if site and title.endswith(separator + site):
            return title[: -len(separator + site)]
        if site and title.startswith(site + separator):
            return title[len(site + separator) :]
    return title


def page_facts(soup: BeautifulSoup, root: Tag) -> list[Fact]:
    """Every citation fact the page states, most trustworthy first (see the module docstring)."""
    meta = _meta(soup)

    def first(*keys: str) -> list[tuple[str, str]]:
        return [(key, meta[key][0]) for key in keys if key in meta][:1]

    site = meta.get("og:site_name", [None])[0]
    facts: list[Fact] = []
    keys: tuple[str, ...]
    for field, keys in (
        ("title", ("citation_title",)),
        ("year", ("citation_publication_date", "citation_date")),
        ("publication", ("citation_journal_title", "citation_conference_title")),
    ):
        facts.extend(Fact(field, value, f"html meta {key}") for key, value in first(*keys))
    if "citation_author" in meta:
        facts.append(Fact("author", _joined(meta["citation_author"]), "html meta citation_author"))
    for field, keys in (
        ("title", ("dc.title", "dcterms.title")),
        ("author", ("dc.creator", "dcterms.creator")),
        ("year", ("dc.date", "dcterms.date", "dcterms.issued", "dcterms.created")),
    ):
        facts.extend(Fact(field, value, f"html meta {key}") for key, value in first(*keys))
    facts.extend(_json_ld_facts(soup))
    facts.extend(Fact("author", value, "html meta author") for _, value in first("author"))
    authors = [v for v in meta.get("article:author", []) if "://" not in v and not v.startswith("/")]
    if authors:
        facts.append(Fact("author", _joined(authors), "html meta article:author"))
    facts.extend(Fact("title", _without_site(v, site), "html meta og:title") for _, v in first("og:title"))
    facts.extend(Fact("year", v, "html meta article:published_time") for _, v in first("article:published_time"))
    facts.extend(Fact("publication", v, "html meta og:site_name") for _, v in first("og:site_name"))
    canonical = soup.find("link", rel="canonical", href=True)
    if isinstance(canonical, Tag):
        facts.append(Fact("url", str(canonical["href"]), "html link canonical"))
    facts.extend(Fact("url", v, "html meta og:url") for _, v in first("og:url"))
    byline = _byline(root)
    if byline:
        facts.append(Fact("author", byline, "html byline"))
    title = soup.find("title")
    if isinstance(title, Tag):
        facts.append(Fact("title", _without_site(title.get_text(" ", strip=True), site), "html <title>"))
    return [f for f in facts if f.value.strip() and (f.field != "url" or "://" in f.value)]
