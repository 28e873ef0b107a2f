"""The reader's page around a notebook's content: header, data-status banner, footer."""

from __future__ import annotations

import html
from datetime import UTC, datetime

from .export import notebook_fragment, page
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


def notebook_title(nb) -> str:
    """The first markdown heading of a notebook."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return "Briefing"


def banner(results: dict, language: str) -> str:
    """The data-status banner: a visible warning whenever a modelled input was used."""
    modelled = results.get("modelled") or []
    if modelled:
        text = t("modelled_banner", language, tables=", ".join(modelled))
        return f'<div class="banner modelled" role="note">{html.escape(text)}</div>'
    return f'<div class="banner measured" role="note">{html.escape(t("measured_only", language))}</div>'


def header(title: str, parameters: dict, results: dict, language: str, run_id: str) -> str:
    """Page header: title, date, parameters and the data-status banner."""
    shown = []
    for k, v in parameters.items():
        label = t(f"param.{k}", language) if has(f"param.{k}", language) else k
        shown.append(f"{html.escape(label)} = {html.escape(str(v))}")
    date = datetime.now(UTC).strftime("%Y-%m-%d")
    return (f'<header class="page"><h1>{html.escape(title)}</h1>'
            f'<div class="meta">{t("page.date", language)}: {date} · {t("page.run", language)}: '
            f'{html.escape(run_id)}</div>'
            f'<div class="meta">{t("page.parameters", language)}: {"; ".join(shown)}</div></header>'
            f'<div class="status">{banner(results, language)}</div>')


def footer(results: dict, language: str, run_id: str, input_hash: str) -> str:
    """Page footer: sources and licences of every input used, run id, input hash."""
    items = []
    seen = set()
    for tab in results.get("tables", []):
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
           prefix: str = "fig") -> tuple[str, int]:
    """A self-contained HTML page for one executed notebook.

    Returns
    -------
    (str, int)
        The page and its number of plotly figures.
    """
    results = notebook_results(nb)
    title = notebook_title(nb)
    frag = notebook_fragment(nb, prefix)
    # the notebook's own first heading is shown in the page header instead
    body = frag.body.replace(f"<h1>{html.escape(title)}</h1>", "", 1)
    doc = page(body, title, language,
               header=header(title, parameters, results, language, run_id),
               footer=footer(results, language, run_id, input_hash))
    return doc, frag.n_figures
