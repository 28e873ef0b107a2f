"""What a briefing run publishes besides its pages: index pages, briefing books, tables.

* ``index.html`` (first language) and ``index-<lang>.html``: key messages with their
  numbers, taken from the jobs' recorded results (never scraped from HTML), links to
  every page, and every failed job listed with its error.
* ``briefing-<lang>.html``: the index and every page's content in one self-contained
  file with plotly.js embedded once; charts draw as they scroll into view.
* ``tables/``: every result table as CSV, and one workbook with a sheet per table, an
  index sheet and a sources sheet.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from .export import page
from .i18n import t
from .kernels import JobOutcome
from .pages import param_text, table_names


def index_name(language: str, languages: list[str]) -> str:
    """File name of the index page in ``language`` (the first language gets index.html)."""
    return "index.html" if language == languages[0] else f"index-{language}.html"


def _banner(outcomes: list[JobOutcome], language: str) -> str:
    modelled = sorted({m for o in outcomes for m in o.results.get("modelled", [])})
    if modelled:
        return (f'<div class="banner modelled" role="note">'
                f'{html.escape(t("modelled_banner", language, tables=table_names(modelled, language)))}</div>')
    return f'<div class="banner measured" role="note">{html.escape(t("measured_only", language))}</div>'


def index_body(title: str, outcomes: list[JobOutcome], language: str, languages: list[str],
               run_id: str, input_hash: str, in_book: bool = False) -> str:
    """The landing content in one language: key messages, links, failures."""
    mine = [o for o in outcomes if o.language == language]
    date = datetime.now(UTC).strftime("%Y-%m-%d")
    others = " · ".join(f'<a href="{index_name(lang, languages)}">{lang.upper()}</a>'
                        for lang in languages if lang != language)
    parts = [f'<header class="page"><h1>{html.escape(title)}</h1><div class="meta">'
             f'{t("page.date", language)}: {date} · {t("page.run", language)}: {html.escape(run_id)} · '
             f'{t("page.inputs_hash", language)}: {html.escape(input_hash)}'
             + (f" · {others}" if others and not in_book else "") + "</div></header>",
             f'<div class="status">{_banner(mine, language)}</div><main>']
    if not in_book:
        parts.append(f'<p><a href="briefing-{language}.html">{t("index.book_link", language)}</a></p>')
    parts.append(f"<h2>{t('index.key_messages', language)}</h2>")
    for o in mine:
        if o.status != "ok":
            continue
        link = f"#{o.job}" if in_book else o.html
        shown = param_text(o.parameters, language, skip=("language", "country"))
        parts.append(f'<section class="key"><h3><a href="{link}">{html.escape(o.title)}</a> — '
                     f"{html.escape(shown)}</h3><ul>"
                     + "".join(f"<li>{html.escape(s)}</li>" for s in o.results.get("sentences", []))
                     + "</ul></section>")
    failed = [o for o in mine if o.status != "ok"]
    if failed:
        parts.append(f"<h2>{t('index.failed', language)}</h2><ul>")
        for o in failed:
            last = o.error.splitlines()[-1] if o.error else o.status
            parts.append(f"<li><strong>{html.escape(o.job)}</strong> ({html.escape(o.status)}): "
                         f"{html.escape(last)}</li>")
        parts.append("</ul>")
    parts.append("</main>")
    return "\n".join(parts)


def write_indexes(folder: Path, title_in, outcomes: list[JobOutcome], languages: list[str], run_id: str,
                  input_hash: str) -> list[str]:
    """Write the index page of every language; return their file names."""
    names = []
    for lang in languages:
        body = index_body(title_in(lang), outcomes, lang, languages, run_id, input_hash)
        name = index_name(lang, languages)
        (folder / name).write_text(page(body, title_in(lang), lang), encoding="utf-8")
        names.append(name)
    return names


def write_books(folder: Path, title_in, outcomes: list[JobOutcome], languages: list[str], run_id: str,
                input_hash: str) -> list[str]:
    """Write one briefing book per language; return their file names."""
    names = []
    for lang in languages:
        body = index_body(title_in(lang), outcomes, lang, languages, run_id, input_hash, in_book=True)
        body = body.replace('<header class="page">', '<header class="page book">', 1)
        content = [o.fragment for o in outcomes if o.language == lang and o.status == "ok"]
        doc = page(body + "\n" + "\n".join(content), title_in(lang), lang, lazy=True)
        name = f"briefing-{lang}.html"
        (folder / name).write_text(doc, encoding="utf-8")
        names.append(name)
    return names


def write_tables(folder: Path, briefing_name: str, outcomes: list[JobOutcome]) -> list[str]:
    """Write every result table as CSV and all of them in one workbook; return file names."""
    out = folder / "tables"
    out.mkdir(exist_ok=True)
    written, sheets, index_rows, sources = [], [], [], {}
    for o in outcomes:
        if o.status != "ok":
            continue
        for name, tab in (o.results.get("tables") or {}).items():
            df = pd.DataFrame(tab["data"], columns=tab["columns"])
            csv = f"{o.job}__{name}.csv"
            df.to_csv(out / csv, index=False)
            written.append(f"tables/{csv}")
            sheet = f"T{len(sheets) + 1:02d}"
            sheets.append((sheet, df))
            index_rows.append({"sheet": sheet, "job": o.job, "table": name, "csv": csv,
                               "parameters": "; ".join(f"{k}={v}" for k, v in o.parameters.items())})
        for inp in o.results.get("inputs", []):
            sources[inp["table"]] = inp
    if sheets:
        book = out / f"{briefing_name}.xlsx"
        with pd.ExcelWriter(book, engine="openpyxl") as xw:
            pd.DataFrame(index_rows).to_excel(xw, sheet_name="index", index=False)
            for sheet, df in sheets:
                df.to_excel(xw, sheet_name=sheet, index=False)
            pd.DataFrame(list(sources.values())).to_excel(xw, sheet_name="sources", index=False)
        written.append(f"tables/{book.name}")
    return written
