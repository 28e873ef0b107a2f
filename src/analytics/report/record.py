"""What a notebook hands to the briefing runner: its key numbers, tidy tables and the inputs it used.

The last cell of every analysis notebook calls :func:`record`. It displays one output of
the mimetype :data:`RESULTS_MIME` that readers never see: the exporter skips it, and the
runner reads it to build the page header (data status, "modelled" banner), the footer
(sources and licences), the key messages of the briefing index and the published tables,
without scraping HTML.

Tables are recorded as their tidy frames (``to_frame()`` of a result or panel): stable
snake_case columns, numbers numeric, intervals as ``*_low``/``*_high``. They are the same
whatever the page's language.
"""

from __future__ import annotations

import json

from ..core.cache import take_stats

RESULTS_MIME = "application/vnd.analytics.results+json"
#: The fields of :func:`results` and the type of each (what ``analytics publish`` checks a saved notebook for).
RESULT_FIELDS = {"country": str, "inputs": list, "modelled": list, "numbers": dict, "sentences": list,
                 "messages": list, "answers": list, "options": dict, "drivers": dict, "effective": dict,
                 "headline": list, "tables": dict, "cache": dict, "parameters": dict}


def tidy(table):
    """The tidy frame of a result, a panel or a frame."""
    import pandas as pd

    if isinstance(table, pd.DataFrame):
        return table
    if hasattr(table, "to_frame"):
        return table.to_frame()
    raise TypeError(f"cannot publish a {type(table).__name__}: give a DataFrame or an object with to_frame()")


def recorded(table) -> dict:
    """A table as a job records it: ``columns`` and ``data`` (JSON values, row by row) of its tidy frame; a
    prepared panel's (:meth:`~analytics.report.panel.Panel.prepare`) as it was made then."""
    kept = getattr(table, "__dict__", {}).get("_recorded")
    if kept is not None:
        return kept
    split = json.loads(tidy(table).to_json(orient="split", index=False, date_format="iso"))
    return {"columns": split["columns"], "data": split["data"]}


def results(pack, reading=None, tables: dict | None = None, inputs: list[str] | None = None) -> dict:
    """The structured results of a notebook run.

    Parameters
    ----------
    pack : Pack
        The pack the notebook used; its ``used`` set names the tables read.
    reading : Reading, optional
        Key numbers and sentences.
    tables : dict, optional
        Name to a result, a panel or a tidy DataFrame, published as CSV and XLSX (a panel
        whose section does not apply to the area, or without a result, is left out).
    inputs : list of str, optional
        Input tables to report as used (default: those the pack saw being read).

    Returns
    -------
    dict
        ``country``, ``inputs`` (name, status, source, licence, vintage), ``modelled``
        (names of modelled inputs), ``numbers``, ``sentences``, ``messages`` (candidate key
        messages: ``text``, ``importance``, ``modelled``, ``grade``), ``answers`` (to the research
        questions), ``options`` (the policy options side by side), ``drivers`` (each headline's largest
        source of uncertainty), ``effective`` (the value used for a parameter left at 0, "the default"), ``headline`` (``key``, ``label``, ``value``, ``grade`` of the numbers for
        the index's table of areas, with ``low`` and ``high`` when the
        reading holds the number's band as ``<key>_low`` and ``<key>_high``) and ``tables`` (name to
        ``{"columns": [...], "data": [[...], ...]}``); ``cache``: the computations of the run's
        cache this job made and those it read (:func:`analytics.core.cache.take_stats`); ``parameters``: the
        values the set-up cell checked, from which every output was computed (``analytics publish`` compares
        them with the parameters cell).
    """
    names = sorted(inputs if inputs is not None else pack.used)
    info = [{"table": n, "status": pack.info[n].status, "source": pack.info[n].source,
             "licence": pack.info[n].licence, "vintage": pack.info[n].vintage,
             "description": pack.info[n].description} for n in names]
    out_tables = {}
    for name, table in (tables or {}).items():
        if getattr(table, "applies", True) is False or (hasattr(table, "reading") and table.result is None):
            continue  # a section that does not apply to the area, or one that only says why it shows nothing
        out_tables[name] = recorded(table)
    from ..core.kernel import checked

    return {
        "parameters": {k: v for k, v in checked().items() if isinstance(v, str | int | float | bool)},
        "country": pack.country,
        "inputs": info,
        "modelled": [i["table"] for i in info if i["status"] != "measured"],
        "numbers": {k: float(v) for k, v in (getattr(reading, "numbers", {}) or {}).items()},
        "sentences": list(getattr(reading, "sentences", []) or []),
        "messages": list(getattr(reading, "messages", []) or []),
        "answers": list(getattr(reading, "answers", []) or []),
        "options": dict(getattr(reading, "options", {}) or {}),
        "drivers": dict(getattr(reading, "drivers", {}) or {}),
        "effective": {k: float(v) for k, v in (getattr(reading, "effective", {}) or {}).items()},
        "headline": [{"key": k, "label": label, "value": float(reading.numbers[k]),
                      "grade": (getattr(reading, "grades", {}) or {}).get(k, ""),
                      **{end: float(reading.numbers[f"{k}_{end}"]) for end in ("low", "high")
                         if f"{k}_{end}" in reading.numbers}}
                     for k, label in (getattr(reading, "headline", {}) or {}).items() if k in reading.numbers],
        "tables": out_tables,
        "cache": take_stats(),
    }


def record(pack, reading=None, tables: dict | None = None, inputs: list[str] | None = None) -> None:
    """Display the notebook's results for the runner and the workbook (hidden from readers).

    Parameters
    ----------
    pack : analytics.packs.load.Pack
        The country pack (its inputs' sources and status are recorded).
    reading : Reading, optional
        Key numbers, sentences and candidate key messages, usually from :func:`key_reading`.
    tables : dict, optional
        Name to a panel, result or tidy DataFrame, published as CSV and XLSX.
    inputs : list of str, optional
        Input tables to report as used (default: those the page read).

    Returns
    -------
    None
        One output of mimetype ``RESULTS_MIME`` (see :func:`results`); pages do not show it.
    """
    from IPython.display import display

    display({RESULTS_MIME: results(pack, reading, tables, inputs), "text/plain": ""}, raw=True)  # shows nothing


def key_reading(*panels) -> object:
    """The first sentence and every number of several panels (or readings), for the briefing index.

    Each panel's first sentence is also a candidate key message, with the panel's
    importance and whether it rests on modelled data; the panels' headline numbers are kept.

    Parameters
    ----------
    *panels : Panel or Reading
        The page's panels, most important first.

    Returns
    -------
    Reading
        ``numbers`` of all panels, each panel's first sentence, ``messages`` (candidate key
        messages with ``importance`` and ``modelled``) and ``headline`` numbers for the index.
    """
    from .panel import Reading

    out = Reading()
    for p in panels:
        r = p.reading if hasattr(p, "reading") else p  # a panel, or a reading of its own
        out.numbers.update(r.numbers)
        out.sentences.extend(r.sentences[:1])
        out.headline.update({k: v for k, v in r.headline.items() if k in r.numbers})
        if r.sentences and r.importance > 0:
            out.messages.append({"text": r.sentences[0], "importance": r.importance, "modelled": r.modelled,
                                 "grade": r.grade})
        out.grades.update({k: r.grade for k in r.headline if k in r.numbers})
        out.answers.extend(r.answers)
        out.options = out.options or r.options
        out.drivers.update(r.drivers)
        out.effective.update(r.effective)
    return out
