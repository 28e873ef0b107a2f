"""Result tables of a run: each page's tables once as CSV, and one workbook per language.

The tables are the notebooks' tidy frames (stable snake_case columns, numbers numeric,
intervals as ``*_low``/``*_high``), the same whatever the page language, so each page's table is
written once as CSV (UTF-8 with a byte-order mark, which Russian-locale Excel needs to read
Cyrillic) under its page's name without the language (a region's table is its region's file,
even where it equals another region's). Each language gets a workbook
``tables-<lang>.xlsx``: a read-me sheet (every sheet, its page and area, its units, measured
or modelled), one sheet per table named by its content (at most 31 characters; pages of one area
whose table is the same share its sheet), with a
frozen header, column widths, number formats (shares as percent with one decimal) and the
name beside every region and district code, and a sources sheet in that language. What a column
holds (codes to name, a share to show in percent, the key of its heading) is declared by the
catalogs' ``columns`` sections, so the publisher knows no capability. A text
cell that begins with ``=``, ``+``, ``-`` or ``@`` is written as text, never as a formula.
The read-me names each page by its area and, where pages of one area differ by another
parameter (a scenario), by that too. The cells themselves are written by :mod:`analytics.publish.sheets`.
"""

from __future__ import annotations

import hashlib
import pickle
import re
import unicodedata
from csv import QUOTE_NONNUMERIC
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.i18n import code_names, column_rules
from .sheets import number_format, sheet_name, write_workbooks

#: First characters that make a spreadsheet read a cell as a formula (OWASP's CSV injection list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: The signs that start a formula (and their full-width and small forms).
_FORMULA_SIGNS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20\ufe62\ufe63\ufe66")
#: Characters a spreadsheet may skip before a formula's sign: spaces, control and format characters (zero-width,
#: direction marks …), and the blank-looking fillers.
_SKIPPED = frozenset("\u034f\u115f\u1160\u3164\uffa0\u2800\u00ad")


def _runs_as_formula(text: str) -> bool:
    """Whether a spreadsheet could read ``text``, or any of its lines (an importer may break rows inside quotes), as a
    formula: its first character that is not skipped is one of :data:`_FORMULA_SIGNS`, or it starts with a tab or CR."""
    if text.startswith(FORMULA_START):
        return True
    for line in re.split(r"[\r\n\u2028\u2029\x85]", text):
        first = next((c for c in line if not (c.isspace() or c in _SKIPPED
                                              or unicodedata.category(c) in ("Cc", "Cf", "Zs", "Zl", "Zp"))), "")
        if first in _FORMULA_SIGNS:
            return True
    return False


def column_names(columns: list) -> list[str]:
    """A recorded table's column names as text: a name in parts (a frame with several header rows, recorded as
    lists) joined by spaces."""
    return [" ".join(map(str, c)) if isinstance(c, list | tuple) else str(c) for c in columns]


def inert(df):
    """``df`` with every text cell and column name a spreadsheet would run as a formula prefixed by ``'`` (shown
    as text): a CSV's header row is cells too."""
    def text(v):
        if not isinstance(v, str) or not _runs_as_formula(v):
            return v
        return "'" + re.sub(r"([\r\n\u2028\u2029\x85])", r"\1'", v)  # every line, should an importer break there

    made: dict[str, str] = {}  # a table repeats its codes: each text is checked once

    def once(v):
        if isinstance(v, str) and v not in made:
            made[v] = text(v)
        return made[v] if isinstance(v, str) else v

    out = df.copy()
    for c in [c for c in out.columns if not pd.api.types.is_numeric_dtype(out[c])]:  # a number is never a formula
        out[c] = [once(v) for v in out[c]]
    out.columns = [text(c) for c in out.columns]
    return out


def whole_numbers(df: pd.DataFrame) -> tuple[pd.DataFrame, set[str]]:
    """Counts of people and US dollars as whole numbers (the catalogs' ``columns: whole``): whole columns, and
    the numbers of each row of a long table whose code (its ``measure``, ``stage`` …) is whole; the other numbers
    of such mixed columns to two decimals. Returns the frame and its mixed columns (written without a format)."""
    rules, shares = column_rules()["whole"], column_rules()["shares"]
    out, mixed = df.copy(), set()
    for c in out.columns:
        if c in rules and pd.api.types.is_float_dtype(out[c]):
            out[c] = out[c].round().astype("Int64")
    for key in [c for c in out.columns if not pd.api.types.is_numeric_dtype(out[c])]:
        rows = out[key].isin(rules).to_numpy()
        if rows.any():
            for c in out.columns:  # a row's shares stay shares (a driver's share of the completers' variance)
                if pd.api.types.is_float_dtype(out[c]) and c.removesuffix("_low").removesuffix("_high") not in shares:
                    out[c] = np.where(rows, out[c].round(), out[c].round(2))
                    mixed.add(c)
    return out, mixed


def heading(column: str, texts) -> str:
    """The workbook heading of a tidy column in the reader's language (its code if none is known)."""
    if texts.has(f"col.{column}"):
        return texts(f"col.{column}")
    named_by = column_rules()["headings"].get(column)
    if named_by and texts.has(named_by):
        return texts(named_by)
    for end, key in (("_low", "col.low_of"), ("_high", "col.high_of")):
        base = column[: -len(end)]
        if column.endswith(end) and (name := heading(base, texts)) != base:
            return texts(key, name=name)
    return column


def in_language(df: pd.DataFrame, texts) -> pd.DataFrame:
    """A table as a reader of the workbook sees it: headings and coded values named in the language.

    A heading is named by ``col.<column>``, or by the key a catalog's ``columns: headings`` gives
    (:func:`~analytics.core.i18n.column_rules`); ``<x>_low``/``<x>_high`` are named as the bounds of
    ``<x>``'s interval; a coded value is named by the key pattern of ``columns: values``. Anything else keeps
    its code (the CSV keeps all codes; the read-me sheet gives the units).
    """
    out = df.copy()
    if "table" in out.columns:  # a list of a pack's tables: their source, licence and vintage in the language
        for field in ("source", "licence", "vintage"):
            if field in out.columns:
                out[field] = [texts.table_text(str(t), field, v) if isinstance(v, str) else v
                              for t, v in zip(out["table"], out[field], strict=True)]
    for column, patterns in column_rules()["values"].items():
        if column in out.columns:
            out[column] = [coded(v, patterns, texts) for v in out[column]]
    heads = {c: heading(c, texts) for c in out.columns}
    seen: dict[str, int] = {}
    for c, h in heads.items():  # two columns never share a heading
        seen[h] = seen.get(h, 0) + 1
        if seen[h] > 1:
            heads[c] = f"{h} ({c})"
    return out.rename(columns=heads)


def coded(value, patterns: list[str], texts):
    """A coded value named by the first of ``patterns`` the catalogs know (``value`` itself if none does)."""
    names = code_names(texts, value, patterns) if isinstance(value, str) else []
    return names[0] if names else value


def with_names(df: pd.DataFrame, texts) -> pd.DataFrame:
    """The frame with a name column beside every ``region_code`` and ``district_code`` column."""
    out = df.copy()
    for code, prefix in (("district_code", "district"), ("region_code", "region")):
        if code in out.columns:
            names = [texts.get(f"{prefix}.{c}", str(c)) for c in out[code]]
            out.insert(out.columns.get_loc(code) + 1, f"{prefix}_name", names)
    return out


def write_tables(folder: Path, briefing_name: str, entries, languages: list[str] | None = None,
                 texts_in=None) -> tuple[list[str], dict]:
    """Write each page's result tables once as CSV (the same for every language), and a workbook per language.

    Parameters
    ----------
    folder : path
        The run folder (tables go to ``tables/``).
    briefing_name : str
        Name of the briefing (kept for the callers; workbooks are named by language).
    entries : list of JobEntry
        The jobs; those that succeeded contribute their recorded tables.
    languages : list of str
        The run's languages (default: those of the entries).
    texts_in : callable
        Language to :class:`~analytics.core.i18n.Texts` (default: the suite's messages).

    Returns
    -------
    (list of str, dict)
        The files written (relative to ``folder``), and each job's table, ``(anchor, name)``, to
        its CSV file and that file's SHA-256 (``{"csv": …, "sha256": …}``: what the manifest records).
    """
    from ..core.i18n import Texts
    from .index import area_label, workbook_name
    from .pages import param_text

    languages = languages or sorted({e.language for e in entries})
    texts_in = texts_in or Texts
    out = folder / "tables"
    out.mkdir(exist_ok=True)
    written, csv_of, refs, books, table_of, bytes_of = [], {}, {}, [], {}, {}
    for e in entries:
        if e.status != "ok":
            continue
        stem = e.anchor.removesuffix(f"_{e.language}")
        for name, tab in (e.results.get("tables") or {}).items():
            # what a table holds, as recorded (two tables that differ stay apart even where their CSVs agree)
            held = table_of[(e.anchor, name)] = hashlib.sha256(pickle.dumps((tab["columns"], tab["data"]), 5)).hexdigest()
            if held not in bytes_of:  # the same table of another language's or scenario's page: the same bytes
                df = pd.DataFrame(tab["data"], columns=column_names(tab["columns"]))
                # every text quoted: a spreadsheet whose list separator is ";" (Russian-locale Excel) splits an
                # unquoted field "Школа;=1+1" and runs its second half as a formula
                data = inert(df).to_csv(index=False, quoting=QUOTE_NONNUMERIC).encode("utf-8")
                bytes_of[held] = data, hashlib.sha256(data).hexdigest()
            data, digest = bytes_of[held]
            # one file per page and table, named for its area (a region's table that happens to equal
            # another region's is still its own file: the read-me never sends a reader to another area)
            key = (stem, name, digest)
            if key not in csv_of:
                taken = {v for k, v in csv_of.items() if k[:2] == (stem, name)}
                csv = f"{stem}__{name}.csv" if not taken else f"{stem}__{name}-{digest[:8]}.csv"
                (out / csv).write_bytes(b"\xef\xbb\xbf" + data)
                csv_of[key] = csv
                written.append(f"tables/{csv}")
            refs[(e.anchor, name)] = {"csv": f"tables/{csv_of[key]}", "sha256": digest}
    for lang in languages:
        texts = texts_in(lang)
        mine = [e for e in entries if e.status == "ok" and e.language == lang]
        sheets, readme, sources, taken, sheet_of = [], [], {}, set(), {}
        # a translation's names too go through sheet_name (one with "/" or a name twice stopped the workbook)
        readme_sheet, sources_sheet = sheet_name(texts("sheet.readme"), taken), sheet_name(texts("sheet.sources"), taken)
        differ = varying(mine)
        for e in mine:
            area = area_label(e.parameters, texts)
            shown = {k: e.parameters[k] for k in differ.get(getattr(e, "notebook", ""), []) if k in e.parameters}
            page = f"{e.title} — {area}" + (f" ({param_text(shown, texts)})" if shown else "")
            modelled = set(e.results.get("modelled", []))
            for name, tab in (e.results.get("tables") or {}).items():
                label = texts.get(f"sheet.{name}", name.replace("_", " "))
                code = e.parameters.get("region", "all")  # codes keep sheet names short; the read-me names the area
                code = str(e.parameters.get("country", "")).upper() or area if code == "all" else code
                # pages of one area whose table is the same (each scenario's data-status table, the cascade of
                # three notebooks) share its sheet; the read-me lists every page beside it, with its own CSV
                same = (code, name, table_of[(e.anchor, name)])
                if same not in sheet_of:
                    sheet_of[same] = sheet = sheet_name(label, taken, f" – {code}")
                    df = pd.DataFrame(tab["data"], columns=column_names(tab["columns"]))
                    named, mixed = whole_numbers(with_names(df, texts))
                    formats = [None if c in mixed else number_format(str(c), named[c]) for c in named.columns]
                    sheets.append((sheet, in_language(named, texts), formats))
                sheet = sheet_of[same]
                readme.append({texts("readme.sheet"): sheet, texts("readme.page"): page,
                               texts("readme.table"): label,
                               texts("readme.units"): texts.get(f"units.{name}", ""),
                               texts("readme.status"): texts("readme.yes" if modelled else "readme.no"),
                               texts("readme.csv"): refs[(e.anchor, name)]["csv"].removeprefix("tables/")})
            for inp in e.results.get("inputs", []):
                sources[inp["table"]] = {texts("col.table"): texts.get(f"table.{inp['table']}", inp["table"]),
                                         texts("col.status"): texts.get(f"status.{inp['status']}", inp["status"]),
                                         **{texts(f"col.{f}"): texts.table_text(inp["table"], f, inp[f])
                                            for f in ("source", "licence", "vintage")}}
        if not sheets:
            continue
        books.append((str(out / workbook_name(lang)), [(readme_sheet, pd.DataFrame(readme), None),
                                                        *sheets,
                                                        (sources_sheet, pd.DataFrame(list(sources.values())), None)]))
        written.append(f"tables/{workbook_name(lang)}")
    write_workbooks(books)
    return written, refs


def varying(entries) -> dict[str, list[str]]:
    """For each notebook, the parameters (besides the language and the area) whose values differ between its
    pages: what tells two pages of one area apart (a scenario, a course format …)."""
    values: dict[str, dict[str, set[str]]] = {}
    for e in entries:
        for k, v in e.parameters.items():
            values.setdefault(getattr(e, "notebook", ""), {}).setdefault(k, set()).add(repr(v))
    return {nb: [k for k, seen in keys.items() if len(seen) > 1 and k not in ("language", "region")]
            for nb, keys in values.items()}
