"""Workbooks written with xlsxwriter: sheets whose text is never a formula, numbers with their formats, and a
run's languages written side by side in worker processes.

A sheet's table arrives ready (headings and codes in the reader's language, from
:mod:`analytics.publish.workbook`); here it becomes cells: a text is text whatever it begins with, a missing or
infinite number an empty cell, each column gets its width and number format, the header stays frozen.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from ..core.i18n import column_rules

#: How the workbooks are written: row by row to the file; a text is text (never read as a formula,
#: a number or a link, whatever it begins with); a missing or infinite number is an empty cell.
WORKBOOK_OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
                    "strings_to_urls": False, "nan_inf_to_errors": False}
#: Control characters a workbook cannot hold (XML 1.0 forbids them).
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
#: Characters a sheet name cannot hold.
_SHEET_BAD = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")  # and what XML refuses


def _cell(value):
    """A value as a workbook cell takes it: None for a missing or infinite number, no control characters."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, str):
        return _ILLEGAL.sub("\ufffd", value)
    return value


def number_format(column: str, series: pd.Series) -> str | None:
    """The Excel number format of a column: percent for shares, grouped integers, two decimals."""
    if column.removesuffix("_low").removesuffix("_high") in column_rules()["shares"]:
        return "0.0%"
    if pd.api.types.is_bool_dtype(series):
        return None
    if pd.api.types.is_integer_dtype(series):
        return "0" if column == "year" or column.endswith("_year") else "#,##0"  # 2022, not 2,022
    if pd.api.types.is_float_dtype(series):
        return "#,##0.0" if column.endswith(("_pct", "_pp", "_km", "population")) else "0.00"
    return None


def write_sheet(wb, title: str, df: pd.DataFrame, formats: list[str | None] | None = None) -> None:
    """Add a sheet holding ``df`` (header row, then values); text is always text, never a formula.

    The header is frozen and columns get widths; ``formats`` gives each column's number
    format (see :func:`number_format`), if any. ``wb`` is an ``xlsxwriter`` workbook in
    constant-memory mode: each row goes to the file as it is written.
    """
    ws = wb.add_worksheet(title)
    ws.freeze_panes(1, 0)
    # one format object per formatted column; xlsxwriter writes identical ones once
    styles = [wb.add_format({"num_format": fmt}) if fmt else None for fmt in (formats or [None] * len(df.columns))]
    for k, column in enumerate(df.columns):
        longest = max([len(str(column))] + [len(str(v)) for v in df[column].head(200)])
        ws.set_column(k, k, min(48, max(8, longest + 2)))
        ws.write_string(0, k, _cell(str(column)))
    for r, row in enumerate(df.itertuples(index=False), start=1):
        for k, value in enumerate(row):
            value = _cell(value)
            if value is None:
                continue
            if isinstance(value, str):
                ws.write_string(r, k, value)
            elif isinstance(value, bool | np.bool_):
                ws.write_boolean(r, k, bool(value))
            elif isinstance(value, int | float | np.integer | np.floating):
                ws.write_number(r, k, float(value) if isinstance(value, np.floating) else value, styles[k])
            else:  # dates and anything else: as text
                ws.write_string(r, k, str(value))


def _cut(text: str, units: int) -> str:
    """``text`` cut to at most ``units`` UTF-16 code units (how a workbook counts a sheet name's length) and
    without an apostrophe at either end (a workbook refuses one there)."""
    while _units(text) > units:
        text = text[:-1]
    return text.strip("'")


def sheet_name(label: str, taken: set[str], tail: str = "") -> str:
    """A unique sheet name a workbook accepts, from a label and a ``tail`` kept whole (an area's code, `` – TJ-GB``):
    at most 31 UTF-16 units (the label is cut, never the tail or a ``(2)``), no ``[]:*?/\\`` or control character,
    no apostrophe at either end, not ``History`` (reserved by Excel), none twice (case ignored)."""
    label, tail = _SHEET_BAD.sub("-", label), _cut(_SHEET_BAD.sub("-", tail), 31)
    name, k = (_shorten(label, 31 - _units(tail)) + tail).strip("'") or "table", 2
    while name.lower() in taken or name.lower() == "history":
        end = f"{tail} ({k})"
        name, k = (_shorten(label, 31 - _units(end)) + end).strip("'"), k + 1
    taken.add(name.lower())
    return name


def _shorten(label: str, room: int) -> str:
    """``label`` in at most ``room`` UTF-16 units: whole when it fits, else cut with "…" at its end."""
    if _units(label) <= room:
        return label
    return _cut(label, room - 1).rstrip() + "…" if room > 1 else _cut(label, room)


def _units(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (how a workbook counts a sheet name)."""
    return len(text.encode("utf-16-le")) // 2


def write_workbook(path: str, sheets: list[tuple[str, pd.DataFrame, list | None]]) -> None:
    """Write one workbook: each sheet's name, table and column number formats, in order."""
    from xlsxwriter import Workbook

    wb = Workbook(path, WORKBOOK_OPTIONS)
    for title, df, formats in sheets:
        write_sheet(wb, title, df, formats)
    wb.close()


def write_workbooks(books: list[tuple[str, list]]) -> None:
    """Write the languages' workbooks, side by side in worker processes when the machine has cores to spare.

    A briefing's workbook holds some 200,000 cells (seconds each); they are written after the
    jobs, when the cores are free. This process writes the first; on a machine of more than one
    core each other goes at once to its own ``python -m analytics.publish.sheets`` process (its
    sheets handed over in a pickle file beside the workbook, removed after).
    """
    import os
    import pickle
    import subprocess
    import sys

    if not books:  # no job succeeded: no workbook
        return
    spare = len(books) - 1 if (os.cpu_count() or 1) > 1 else 0  # all at once: three books share two cores best
    started = []
    for path, sheets in books[1:1 + spare]:
        handover = f"{path}.sheets.pickle"
        with open(handover, "wb") as fh:
            pickle.dump(sheets, fh)
        started.append((path, handover, subprocess.Popen([sys.executable, "-m", "analytics.publish.sheets", handover,
                                                          path], stderr=subprocess.PIPE)))
    try:
        for path, sheets in [books[0], *books[1 + spare:]]:
            write_workbook(path, sheets)
    finally:
        failed = []
        for path, handover, proc in started:
            _, err = proc.communicate()
            os.remove(handover)
            if proc.returncode:
                failed.append(f"{path}: {err.decode(errors='replace').strip().splitlines()[-1:]}")
    if failed:
        raise RuntimeError("a workbook could not be written: " + "; ".join(failed))


if __name__ == "__main__":  # a worker of write_workbooks: python -m analytics.publish.sheets SHEETS.pickle BOOK.xlsx
    import pickle
    import sys

    with open(sys.argv[1], "rb") as fh:
        write_workbook(sys.argv[2], pickle.load(fh))
