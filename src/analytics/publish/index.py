"""The landing page of a run in each language, and the briefing book.

* ``index.html`` (first language) and ``index-<lang>.html``: the briefing's five research
  questions, each with its answer, the number it rests on, its evidence grade in words, what
  would change it most and a link to its page; the policy options side by side; the areas
  table; every page in a grid of topic × area; every failed job with its error. All of it
  comes from the jobs' recorded results (never scraped from HTML); nothing graded
  ``demonstration`` reaches it.
* ``briefing-<lang>.html``: the index and every page's article in one self-contained
  file with plotly.js embedded once; charts draw as they scroll into view.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
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
    notebook: str = ""


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


def area_label(parameters: dict, texts) -> str:
    """The area a job covers, by name (the whole country when it has no region)."""
    region = parameters.get("region", "all")
    return texts("index.national") if region == "all" else texts.get(f"region.{region}", str(region))


def _national(entries: list[JobEntry]) -> list[JobEntry]:
    """The jobs for the whole country that ran, those of the baseline scenario (or none) first."""
    ok = [e for e in entries if e.status == "ok" and e.parameters.get("region", "all") == "all"]
    return sorted(ok, key=lambda e: e.parameters.get("scenario", "baseline") != "baseline")


def answers(entries: list[JobEntry], texts, href) -> list[dict]:
    """The five research questions, each with the first national answer recorded for it.

    Returns
    -------
    list of dict
        Per question (:data:`~analytics.report.panel.QUESTIONS`): ``id`` (its anchor), ``question`` (its
        text), and when a page answers it ``verdict`` (the answer in one line), ``glance_grade`` (the
        verdict's own grade in a word or two: a modelled number may follow the pilot's published line),
        ``text``, ``grade`` (in words), ``shown`` (the number), ``finding`` (what the pilot published),
        ``driver`` (what would change it most) and ``href``.
    """
    from ..report.panel import GRADES, QUESTIONS, short_grade

    national = _national(entries)
    drivers: dict[str, dict] = {}
    for e in national:
        for k, v in e.results.get("drivers", {}).items():
            drivers.setdefault(k, v)
    out = []
    for q in QUESTIONS:
        found = next(((e, a) for e in national for a in e.results.get("answers", []) if a["question"] == q), None)
        row = {"id": f"answer-{q}", "question": texts(f"question.{q}"), "verdict": "", "grade": "", "shown": "", "finding": "", "driver": "", "href": ""}
        if found is None:
            out.append(row | {"text": texts("index.no_answer")})
            continue
        e, a = found
        driver = drivers.get(a.get("driver", ""))
        change = a.get("change") or (texts("index.would_change", **driver) if driver else "")
        said = a.get("verdict_grade") if a.get("verdict_grade") in GRADES else ""
        grade = texts(f"grade.{a['grade']}")
        if a["grade"] == "published" and texts.has("pilot.when"):  # an answer in the pilot's own words (official
            grade = texts("grade.published_pilot", when=texts("pilot.when"))  # figures are "measured"): when, by whom
            change = change or texts("index.would_change_published", when=texts("pilot.when"),  # newer evidence,
                                     who=texts.get(f"index.ask.{q}", texts("index.ask.other")))  # from whom
        row |= {"text": a["text"], "verdict": a.get("verdict", ""), "grade": grade,
                "glance_grade": short_grade(said or a["grade"], texts),  # the verdict's own grade, in brief
                "shown": a.get("shown", ""),
                "finding": a.get("finding", ""), "href": href(e), "driver": change}
        out.append(row)
    return out


def glance_legend(texts) -> str:
    """One line under the answers in brief saying what their grades mean (with when and by whom the pilot was
    run, when the pack says so)."""
    pilot = texts("index.glance_pilot", when=texts("pilot.when")) if texts.has("pilot.when") else ""
    return texts("index.glance_legend", pilot=pilot)


def options(entries: list[JobEntry], texts, href=None) -> dict:
    """The policy options side by side, from the first national page that recorded them (empty if none), with
    ``href`` the link to that page (``href(entry)``)."""
    from ..report.panel import short_grade

    for e in _national(entries):
        if e.results.get("options"):
            grade = e.results["options"].get("grade", "modelled")
            return dict(e.results["options"], grade=texts(f"grade.{grade}"), short_grade=short_grade(grade, texts),
                        href=href(e) if href else "")
    return {}


def pages_grid(entries: list[JobEntry], texts, href) -> dict:
    """Every page that ran, as a grid of topic (notebook) × area: each cell links its pages."""
    areas: list[str] = []
    rows: dict[str, dict[str, list[dict]]] = {}
    for e in entries:
        if e.status != "ok":
            continue
        area = area_label(e.parameters, texts)
        if area not in areas:
            areas.append(area)
        params = param_text({**e.parameters, **e.results.get("effective", {})}, texts,  # values used, not sentinels
                            skip=("language", "country", "region"))
        rows.setdefault(e.title, {}).setdefault(area, []).append({"href": href(e), "title": params})
    grid = [{"topic": topic, "cells": [cells.get(a, []) for a in areas]} for topic, cells in rows.items()]
    return {"areas": [a[:1].upper() + a[1:] for a in areas], "rows": grid}


def area_table(entries: list[JobEntry], texts, href) -> dict:
    """Areas × headline numbers: every cell links to the page its number comes from.

    Returns
    -------
    dict
        ``columns`` (labels) and ``rows`` (``area`` and ``cells``: ``text`` and ``href``,
        empty where an area's page does not give that number).
    """
    columns: dict[str, str] = {}
    cells: dict[str, dict[str, tuple[float, str]]] = {}
    for e in entries:
        if e.status != "ok":
            continue
        area = area_label(e.parameters, texts)
        area = area[:1].upper() + area[1:]  # a table cell starts with a capital ("Вся страна")
        for h in e.results.get("headline", []):
            if h.get("grade") == "demonstration":  # a demonstration sample never reaches the index
                continue
            grade = h.get("grade")  # in a word beside the column's name, said once (the full wording made the
            word = texts(f"grade.short.{grade}") if grade else ""  # header 300 px tall on a phone)
            label = h["label"] + (f" ({word})" if word and word.lower() not in h["label"].lower() else "")
            columns.setdefault(h["key"], label)
            cells.setdefault(area, {}).setdefault(h["key"], (h["value"], href(e), h.get("low"), h.get("high")))

    def shown(key: str, value: float, low: float | None = None, high: float | None = None) -> str:
        if low is not None and high is not None:  # a modelled or sampled number with its band
            return texts("index.band", value=one(key, value), low=one(key, low), high=one(key, high))
        return one(key, value)

    def one(key: str, value: float) -> str:
        if key.endswith("_pct"):
            return texts.number(value, 1)
        if key.endswith("_index"):  # a parity index, around 1
            return texts.number(value, 2)
        return texts.number(value, 0, grouping=abs(value) >= 1_000 and not key.endswith("_score"))  # counts

    rows = [{"area": area, "cells": [{"text": shown(k, got[k][0], *got[k][2:]), "href": got[k][1]} if k in got else None
                                     for k in columns]}
            for area, got in cells.items()]
    return {"columns": list(columns.values()), "rows": rows}


#: Limitations listed on the index, the printed summary and the methods page (catalog keys ``summary.limit_<n>``).
LIMITATIONS = 5


def limitations(texts) -> list[str]:
    """The briefing's limitations in the reader's language, one sentence each."""
    return [texts(f"summary.limit_{n}") for n in range(1, LIMITATIONS + 1)]


def index_body(title: str, entries: list[JobEntry], texts, languages: list[str], run_id: str,
               input_hash: str, in_book: bool = False, summary: bool = False) -> str:
    """The landing content in one language: the five questions answered, the policy options, areas × key
    numbers, the limitations, the pages by topic and area, failures. ``summary``: the printed summary
    instead (no grid of pages, no failures)."""
    language = texts.language
    mine = [e for e in entries if e.language == language]
    meta = [f"{texts('page.date')}: {texts.today()} · {texts('page.run')}: {run_id}"]
    other = (lambda lang: f"summary-{lang}.html") if summary else (lambda lang: index_name(lang, languages))
    nav = [] if in_book else language_links(languages, language, other, texts)  # the same document in another
    modelled = sorted({m for e in mine for m in e.results.get("modelled", [])})

    def href(e: JobEntry) -> str:
        return f"#{e.anchor}" if in_book else e.html

    failed = [{"job": e.name, "status": e.status,
               "error": e.error.splitlines()[-1] if e.error else e.status} for e in mine if e.status != "ok"]
    links = [] if in_book or summary else [{"href": f"summary-{language}.html", "text": texts("summary.link")},
                                           {"href": f"briefing-{language}.html", "text": texts("index.book_link")},
                                {"href": f"tables/{workbook_name(language)}", "text": texts("index.workbook_link")},
                                {"href": f"methods-{language}.html", "text": texts("page.to_methods")}]
    return str(render("index.html.j2", title=title, meta=meta, nav=nav, links=links,
                      questions_title=texts("index.questions"), answers=answers(mine, texts, href),
                      glance_title=texts("index.glance"), glance_options=texts("index.glance_options"),
                      glance_legend=glance_legend(texts),
                      pilot_source=texts("index.pilot_source", citation=texts.get("pilot.citation", ""))
                      if texts.has("pilot.citation") else "",
                      labels={k: texts(f"index.{k}") for k in ("evidence", "evidence_number", "number", "pilot_found", "see_page", "open",
                                                      "on_this_page")},
                      options_title=texts("index.options"), options=options(mine, texts, href),
                      options_ranked=texts("index.options_ranked"), favoured_title=texts("index.favoured"),
                      areas_title=texts("index.areas"), table=area_table(mine, texts, href),
                      area_heading=texts("index.area"), pages_title=texts("index.pages_grid"),
                      topic_heading=texts("index.topic"),
                      grid={"rows": []} if summary else pages_grid(mine, texts, href),
                      limitations_title=texts("summary.limitations"),
                      limitations=limitations(texts),
                      failed=[] if summary else failed, failed_title=texts("index.failed"), **status_text(modelled, texts, [i for e in mine for i in e.results.get("inputs", [])])))


def workbook_name(language: str) -> str:
    """File name of the run's workbook (under ``tables/``) in a language."""
    return f"tables-{language}.xlsx"


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


def write_summaries(folder: Path, title_in, entries: list[JobEntry], languages: list[str], texts_in,
                    run_id: str, input_hash: str) -> list[str]:
    """Write one printable summary per language (``summary-<lang>.html``): the five answers, the options, the
    areas table and the limitations, for a meeting; return their file names."""
    names = []
    for lang in languages:
        texts = texts_in(lang)
        title = f"{title_in(lang)} — {texts('summary.title')}"
        body = index_body(title, entries, texts, languages, run_id, input_hash, summary=True)
        name = f"summary-{lang}.html"
        (folder / name).write_text(document(body, title, lang), encoding="utf-8")
        names.append(name)
    return names


def write_readme(folder: Path, languages: list[str], texts_in) -> list[str]:
    """Write ``README.txt``: in each language, which file of the run to send to whom; return its name."""
    parts = []
    for lang in languages:
        t = texts_in(lang)
        lines = [t("readme.heading"), "=" * len(t("readme.heading")),
                 t("readme.summary", file=f"summary-{lang}.html"), t("readme.book", file=f"briefing-{lang}.html"),
                 t("readme.index", file=index_name(lang, languages)), t("readme.workbook", file=f"tables/{workbook_name(lang)}"),
                 t("readme.methods", file=f"methods-{lang}.html"), t("readme.manifest", file="manifest.json")]
        parts.append("\n".join(lines[:2] + [f"- {line}" for line in lines[2:]]))
    (folder / "README.txt").write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    return ["README.txt"]


#: The sources block at the foot of a book's article (the chrome's footer macro).
_SOURCES = re.compile(r'<footer class="page"><strong>.*?</strong><ul>.*?</ul>', re.S)


def sources_once(articles: list[str], texts) -> list[str]:
    """The book's articles with a sources list that repeats the article before it replaced by one line saying
    so: a notebook's pages for several areas list the same sources once, not once a page."""
    out, before = [], None
    for article in articles:
        found = _SOURCES.search(article)
        block = found.group(0) if found else None
        if block is not None and block == before:
            article = article.replace(block, f'<footer class="page"><p class="grade">{texts("book.sources_above")}</p>',
                                      1)
        out.append(article)
        before = block
    return out


def write_books(folder: Path, title_in, entries: list[JobEntry], languages: list[str], texts_in,
                run_id: str, input_hash: str, appendix: dict | None = None) -> list[str]:
    """Write one briefing book per language (the index, every page's article, then ``appendix[lang]``: the
    methods); return their file names."""
    names = []
    for lang in languages:
        body = index_body(title_in(lang), entries, texts_in(lang), languages, run_id, input_hash, in_book=True)
        body = body.replace('<header class="page">', '<header class="page book">', 1)
        articles = sources_once([e.article for e in entries if e.language == lang and e.status == "ok"], texts_in(lang))
        articles += [(appendix or {}).get(lang, "")]
        doc = document(str(Markup(body)) + "\n" + "\n".join(articles), title_in(lang), lang, lazy=True)
        name = f"briefing-{lang}.html"
        (folder / name).write_text(doc, encoding="utf-8")
        names.append(name)
    return names
