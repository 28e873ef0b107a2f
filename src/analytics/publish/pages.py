"""The reader's page around one executed notebook: header, data-status banner, navigation, footer."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup

from ..report.record import RESULTS_MIME
from ..report.session import TEXT_MIME
from .chrome import document, render
from .export import notebook_fragment


@dataclass
class PageJob:
    """What a page says about the job that made it.

    Parameters
    ----------
    name : str
        The job's name as the briefing file gives it (shown as written).
    anchor : str
        The job's file stem and HTML id (:func:`analytics.publish.chrome.safe_id`).
    parameters : dict
        Its parameter values.
    texts : analytics.core.i18n.Texts
        Messages of the page's language, with the pack's names.
    run_id, input_hash : str
        The run and the hash of its inputs.
    nav : list of dict
        Links (``href``, ``text``, optional ``lang``) to the index, the book and the page in other languages.
    """

    name: str
    anchor: str
    parameters: dict
    texts: object
    run_id: str
    input_hash: str
    nav: list[dict] = field(default_factory=list)


def notebook_results(nb) -> dict:
    """The structured results a notebook recorded (see :mod:`analytics.report.record`), or ``{}``."""
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = out.get("data", {})
            if RESULTS_MIME in data:
                return dict(data[RESULTS_MIME])
    return {}


def notebook_title(nb, texts) -> str:
    """The notebook's title in the texts' language: the heading of its first text.

    That is the first output of :func:`~analytics.report.session.show_text` (its catalog key,
    read in ``texts``), else the first heading of a markdown cell, as written.
    """
    for cell in nb.cells:
        if cell.cell_type == "code":
            for out in cell.get("outputs", []):
                said = out.get("data", {}).get(TEXT_MIME)
                if said and texts.has(said.get("key", "")):
                    return _first_heading(str(texts(said["key"]))) or texts("page.untitled")
        elif cell.cell_type == "markdown" and (found := _first_heading(cell.source)):
            return found
    return texts("page.untitled")


def _first_heading(markdown: str) -> str:
    for line in markdown.splitlines():
        if line.startswith("#"):
            return line.lstrip("#").strip()
    return ""


def table_names(names: list[str], texts) -> str:
    """Translated names of input tables, comma-separated (the table's own name if none)."""
    return ", ".join(texts.get(f"table.{n}", n) for n in names)


#: The status of a table rebuilt from a publication's aggregates (the pilot's survey), told apart on the banner.
RECONSTRUCTED = "reconstructed from published aggregates"


def status_text(modelled: list[str], texts, inputs: list[dict] = ()) -> dict:
    """The banner's two texts: the modelled warning (empty when all inputs are measured) and the measured note.

    Tables of ``inputs`` (the recorded inputs, with their ``status``) that were reconstructed from published
    aggregates get a sentence of their own: the published figures are kept, the single answers assumed.
    """
    rebuilt = list(dict.fromkeys(i["table"] for i in inputs if i.get("status") == RECONSTRUCTED))
    made = [t for t in modelled if t not in rebuilt]
    parts = ([texts("modelled_banner", tables=table_names(made, texts))] if made else []) + \
        ([texts("reconstructed_banner", tables=table_names([t for t in rebuilt if t in modelled], texts))]
         if set(rebuilt) & set(modelled) else [])
    return {"modelled_text": " ".join(parts), "measured_text": texts("measured_only")}


def param_text(parameters: dict, texts, skip: tuple[str, ...] = ()) -> str:
    """Parameters as a reader sees them: translated names, region names instead of codes."""
    shown = []
    for k, v in parameters.items():
        if k in skip:
            continue
        if k == "region":
            v = texts("index.national") if v == "all" else texts.get(f"region.{v}", str(v))
        elif k == "country":  # the country's name, not its pack code
            v = texts.get(f"area.{str(v).upper()}", str(v))
        elif isinstance(v, float):
            v = texts.number(v, None)
        elif isinstance(v, int) and not isinstance(v, bool) and abs(v) >= 10_000:  # a count, not a year
            v = texts.number(v, 0)
        elif isinstance(v, str):  # a named value (a scenario, in quotes), or a range of years with an en dash
            named = texts.get(f"param.{k}.{v}", None)
            v = texts("page.quoted", text=named) if named is not None and k == "scenario" else \
                (named if named is not None else re.sub(r"^(\d+)-(\d+)$", "\\1–\\2", v))
        shown.append(f"{texts.get(f'param.{k}', k)}: {v}")
    return "; ".join(shown)


def sources(results: dict, texts) -> list[str]:
    """One line per distinct source and licence of the inputs used, in the reader's language."""
    lines, seen = [], set()
    for tab in results.get("inputs", []):
        source, licence, vintage = (texts.table_text(tab["table"], f, tab[f]) for f in ("source", "licence", "vintage"))
        key = (source, licence)
        if key not in seen:
            seen.add(key)
            status = texts(f"status.{tab['status']}")
            lines.append(f"{source} — {licence} ({vintage}; {status})")
    return lines


def area_title(parameters: dict, texts) -> str:
    """The area a page covers, for its title: the region's name, or the country's."""
    region = parameters.get("region", "all")
    if region != "all":
        return texts.get(f"region.{region}", str(region))
    country = str(parameters.get("country", ""))
    return texts.get(f"area.{country.upper()}", texts("index.national"))


def chrome_values(title: str, job: PageJob, results: dict) -> dict:
    """The values the chrome templates need for one job's page or book article."""
    tx = job.texts
    meta = [f"{tx('page.date')}: {tx.today()} · {tx('page.run')}: {job.run_id} · {tx('page.job')}: {job.name}",
            f"{tx('page.parameters')}: {param_text({**job.parameters, **results.get('effective', {})}, tx, skip=('language',))}"]
    closing = f"{tx('page.run')}: {job.run_id}"
    return {"title": f"{title} — {area_title(job.parameters, tx)}", "meta": meta, **status_text(results.get("modelled") or [], tx, results.get("inputs") or []),
            "sources_title": tx("page.sources"), "sources": sources(results, tx), "closing": closing}


def render_page(nb, job: PageJob) -> tuple[str, str, int, str]:
    """A self-contained HTML page for one executed notebook.

    Returns
    -------
    (str, str, int, str)
        The page; its article (header, banner, body, footer) for a briefing book; its
        number of plotly figures; its title.
    """
    results = notebook_results(nb)
    title = notebook_title(nb, job.texts)
    frag = notebook_fragment(nb, job.anchor, job.texts)
    # the notebook's own first heading is shown in the page header instead
    body = frag.body.replace(f"<h1>{Markup.escape(title)}</h1>", "", 1)
    values = chrome_values(title, job, results)
    top = render("page_top.html.j2", nav=job.nav, **values)
    bottom = render("page_bottom.html.j2", **values)
    doc = document(body, values["title"], job.texts.language, top=top, bottom=bottom)
    article = render("article.html.j2", anchor=job.anchor, body=Markup(body), **values)
    return doc, str(article), frag.n_figures, title

