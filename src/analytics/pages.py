"""The reader's page around a notebook's content: header, data-status banner, footer."""

from __future__ import annotations

import html
from datetime import UTC, datetime

from .export import markdown_text, notebook_fragment, page
from .i18n import has, t
from .report import RESULTS_MIME


def notebook_results(nb) -> dict:
    """The structured results a notebook recorded (see :mod:`analytics.report`), or ``{}``."""
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = out.get("data", {})
            if RESULTS_MIME in data:
                return dict(data[RESULTS_MIME])
    return {}


def notebook_title(nb, language: str = "en") -> str:
    """The first markdown heading of a notebook, in ``language``."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in markdown_text(cell, language).splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return t("page.untitled", language)


def table_names(names: list[str], language: str) -> str:
    """Translated names of input tables, comma-separated (the table's own name if none)."""
    return ", ".join(t(f"table.{n}", language) if has(f"table.{n}", language) else n for n in names)


def banner(results: dict, language: str) -> str:
    """The data-status banner: a visible warning whenever a modelled input was used."""
    modelled = results.get("modelled") or []
    if modelled:
        text = t("modelled_banner", language, tables=table_names(modelled, language))
        return f'<div class="banner modelled" role="note">{html.escape(text)}</div>'
    return f'<div class="banner measured" role="note">{html.escape(t("measured_only", language))}</div>'


def param_text(parameters: dict, language: str, skip: tuple[str, ...] = ()) -> str:
    """Parameters as a reader sees them: translated names, region names instead of codes."""
    shown = []
    for k, v in parameters.items():
        if k in skip:
            continue
        if k == "region":
            v = t("index.national", language) if v == "all" else (
                t(f"region.{v}", language) if has(f"region.{v}", language) else v)
        label = t(f"param.{k}", language) if has(f"param.{k}", language) else k
        shown.append(f"{label}: {v}")
    return "; ".join(shown)


def header(title: str, parameters: dict, results: dict, language: str, run_id: str) -> str:
    """Page header: title, date, parameters and the data-status banner."""
    date = datetime.now(UTC).strftime("%Y-%m-%d")
    return (f'<header class="page"><h1>{html.escape(title)}</h1>'
            f'<div class="meta">{t("page.date", language)}: {date} · {t("page.run", language)}: '
            f'{html.escape(run_id)}</div>'
            f'<div class="meta">{t("page.parameters", language)}: {html.escape(param_text(parameters, language))}'
            f'</div></header>'
            f'<div class="status">{banner(results, language)}</div>')


def footer(results: dict, language: str, run_id: str, input_hash: str) -> str:
    """Page footer: sources and licences of every input used, run id, input hash."""
    items = []
    seen = set()
    for tab in results.get("inputs", []):
        key = (tab["source"], tab["licence"])
        if key in seen:
            continue
        seen.add(key)
        status = t(f"status.{tab['status']}", language)
        items.append(f"<li>{html.escape(tab['source'])} — {html.escape(tab['licence'])} "
                     f"({html.escape(tab['vintage'])}; {html.escape(status)})</li>")
    return (f'<footer class="page"><strong>{t("page.sources", language)}</strong><ul>{"".join(items)}</ul>'
            f'{t("page.run", language)}: {html.escape(run_id)} · {t("page.inputs_hash", language)}: '
            f'{html.escape(input_hash)}</footer>')


def render(nb, parameters: dict, language: str, run_id: str, input_hash: str,
           prefix: str = "fig") -> tuple[str, str, int, str]:
    """A self-contained HTML page for one executed notebook.

    Returns
    -------
    (str, str, int, str)
        The page; its content (header, body, footer) for a briefing book; its number of
        plotly figures; its title.
    """
    results = notebook_results(nb)
    title = notebook_title(nb, language)
    frag = notebook_fragment(nb, prefix, language)
    # the notebook's own first heading is shown in the page header instead
    body = frag.body.replace(f"<h1>{html.escape(title)}</h1>", "", 1)
    head = header(title, parameters, results, language, run_id)
    foot = footer(results, language, run_id, input_hash)
    doc = page(body, title, language, header=head, footer=foot)
    content = f'<article class="job" id="{html.escape(prefix)}">{head}<main>{body}</main>{foot}</article>'
    return doc, content, frag.n_figures, title
