"""What a notebook hands to the briefing runner: its key numbers and the inputs it used.

The last cell of every analysis notebook calls :func:`record`. It displays one output of
the mimetype :data:`RESULTS_MIME` that readers never see: the exporter skips it, and the
runner reads it to build the page header (data status, "modelled" banner), the footer
(sources and licences) and the key messages of the briefing index, without scraping HTML.
"""

from __future__ import annotations

from .data import Pack

RESULTS_MIME = "application/vnd.analytics.results+json"


def results(pack: Pack, headlines=None, tables: list[str] | None = None) -> dict:
    """The structured results of a notebook run.

    Parameters
    ----------
    pack : Pack
        The pack the notebook used; its ``used`` set names the tables read.
    headlines : Headlines, optional
        Key numbers and sentences.
    tables : list of str, optional
        Tables to report as used (default: those the pack saw being read).

    Returns
    -------
    dict
        ``country``, ``tables`` (name, status, source, licence, vintage), ``modelled``
        (names of modelled inputs), ``numbers`` and ``sentences``.
    """
    names = sorted(tables if tables is not None else pack.used)
    info = [{"table": n, "status": pack.info[n].status, "source": pack.info[n].source,
             "licence": pack.info[n].licence, "vintage": pack.info[n].vintage,
             "description": pack.info[n].description} for n in names]
    return {
        "country": pack.country,
        "tables": info,
        "modelled": [i["table"] for i in info if i["status"] != "measured"],
        "numbers": dict(getattr(headlines, "numbers", {}) or {}),
        "sentences": list(getattr(headlines, "sentences", []) or []),
    }


def record(pack: Pack, headlines=None, tables: list[str] | None = None) -> None:
    """Display the notebook's results for the runner (hidden from readers)."""
    from IPython.display import display

    display({RESULTS_MIME: results(pack, headlines, tables),
             "text/plain": "results recorded for the briefing"}, raw=True)
