"""The landing page of a run in each language, and the briefing book.

* ``index.html`` (first language) and ``index-<lang>.html``: key messages with their
  numbers, taken from the jobs' recorded results (never scraped from HTML), links to
  every page, and every failed job listed with its error.
* ``briefing-<lang>.html``: the index and every page's article in one self-contained
  file with plotly.js embedded once; charts draw as they scroll into view.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from markupsafe import Markup

from .chrome import document, render
from .pages import param_text, status_text


@dataclass
class JobEntry:
    """What the index needs of one job's outcome."""

    name: str
    anchor: str
    language: str
    status: str
    parameters: dict
    title: str = ""
    html: str = ""
    error: str = ""
    article: str = ""
    results: dict = field(default_factory=dict)


def index_name(language: str, languages: list[str]) -> str:
    """File name of the index page in ``language`` (the first language gets index.html)."""
    return "index.html" if language == languages[0] else f"index-{language}.html"


def language_label(texts, language: str) -> str:
    """A language's name on a link: the catalog's ``language.<code>``, else its own name from CLDR."""
    from ..core.numbers import language_name

    return texts.get(f"language.{language}", language_name(language))


def language_links(languages: list[str], current: str, href, texts) -> list[dict]:
    """Links to the other languages' versions (``href(lang)`` gives each address)."""
    return [{"href": href(lang), "text": language_label(texts, lang), "lang": lang}
            for lang in languages if lang != current]


def index_body(title: str, entries: list[JobEntry], texts, languages: list[str], run_id: str,
               input_hash: str, in_book: bool = False) -> str:
    """The landing content in one language: header, navigation, banner, key messages, failures."""
    language = texts.language
    mine = [e for e in entries if e.language == language]
    date = datetime.now(UTC).strftime("%Y-%m-%d")
    meta = [f"{texts('page.date')}: {date} · {texts('page.run')}: {run_id} · "
            f"{texts('page.inputs_hash')}: {input_hash}"]
    nav = [] if in_book else language_links(languages, language, lambda lang: index_name(lang, languages), texts)
    modelled = sorted({m for e in mine for m in e.results.get("modelled", [])})
    items = [{"href": f"#{e.anchor}" if in_book else e.html, "title": e.title,
              "params": param_text(e.parameters, texts, skip=("language", "country")),
              "sentences": e.results.get("sentences", [])} for e in mine if e.status == "ok"]
    failed = [{"job": e.name, "status": e.status,
               "error": e.error.splitlines()[-1] if e.error else e.status} for e in mine if e.status != "ok"]
    book_link = None if in_book else {"href": f"briefing-{language}.html", "text": texts("index.book_link")}
    return str(render("index.html.j2", title=title, meta=meta, nav=nav, book_link=book_link,
                      key_messages=texts("index.key_messages"), items=items, failed=failed,
                      failed_title=texts("index.failed"), **status_text(modelled, texts)))


def write_indexes(folder: Path, title_in, entries: list[JobEntry], languages: list[str], texts_in,
                  run_id: str, input_hash: str) -> list[str]:
    """Write the index page of every language; return their file names."""
    names = []
    for lang in languages:
        body = index_body(title_in(lang), entries, texts_in(lang), languages, run_id, input_hash)
        name = index_name(lang, languages)
        (folder / name).write_text(document(body, title_in(lang), lang), encoding="utf-8")
        names.append(name)
    return names


def write_books(folder: Path, title_in, entries: list[JobEntry], languages: list[str], texts_in,
                run_id: str, input_hash: str) -> list[str]:
    """Write one briefing book per language; return their file names."""
    names = []
    for lang in languages:
        body = index_body(title_in(lang), entries, texts_in(lang), languages, run_id, input_hash, in_book=True)
        body = body.replace('<header class="page">', '<header class="page book">', 1)
        articles = [e.article for e in entries if e.language == lang and e.status == "ok"]
        doc = document(str(Markup(body)) + "\n" + "\n".join(articles), title_in(lang), lang, lazy=True)
        name = f"briefing-{lang}.html"
        (folder / name).write_text(doc, encoding="utf-8")
        names.append(name)
    return names
