"""What a notebook hands to the briefing runner: its key numbers and the inputs it used.

The last cell of every analysis notebook calls :func:`record`. It displays one output of
the mimetype :data:`RESULTS_MIME` that readers never see: the exporter skips it, and the
runner reads it to build the page header (data status, "modelled" banner), the footer
(sources and licences) and the key messages of the briefing index, without scraping HTML.
"""

from __future__ import annotations

import json

from .data import Pack

RESULTS_MIME = "application/vnd.analytics.results+json"


def results(pack: Pack, headlines=None, tables: dict | None = None, inputs: list[str] | None = None) -> dict:
    """The structured results of a notebook run.

    Parameters
    ----------
    pack : Pack
        The pack the notebook used; its ``used`` set names the tables read.
    headlines : Headlines, optional
        Key numbers and sentences.
    tables : dict of DataFrame, optional
        Result tables to publish (CSV and XLSX), by name.
    inputs : list of str, optional
        Input tables to report as used (default: those the pack saw being read).

    Returns
    -------
    dict
        ``country``, ``inputs`` (name, status, source, licence, vintage), ``modelled``
        (names of modelled inputs), ``numbers``, ``sentences`` and ``tables`` (name to
        ``{"columns": [...], "data": [[...], ...]}``).
    """
    names = sorted(inputs if inputs is not None else pack.used)
    info = [{"table": n, "status": pack.info[n].status, "source": pack.info[n].source,
             "licence": pack.info[n].licence, "vintage": pack.info[n].vintage,
             "description": pack.info[n].description} for n in names]
    out_tables = {}
    for name, df in (tables or {}).items():
        split = json.loads(df.to_json(orient="split", index=False, date_format="iso"))
        out_tables[name] = {"columns": split["columns"], "data": split["data"]}
    return {
        "country": pack.country,
        "inputs": info,
        "modelled": [i["table"] for i in info if i["status"] != "measured"],
        "numbers": {k: float(v) for k, v in (getattr(headlines, "numbers", {}) or {}).items()},
        "sentences": list(getattr(headlines, "sentences", []) or []),
        "tables": out_tables,
    }


def record(pack: Pack, headlines=None, tables: dict | None = None, inputs: list[str] | None = None) -> None:
    """Display the notebook's results for the runner (hidden from readers)."""
    from IPython.display import display

    display({RESULTS_MIME: results(pack, headlines, tables, inputs),
             "text/plain": "results recorded for the briefing"}, raw=True)
