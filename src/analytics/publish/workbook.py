"""Result tables of a run: one CSV per table and one workbook with an index and a sources sheet.

The tables are the notebooks' tidy frames (stable snake_case columns, numbers numeric,
intervals as ``*_low``/``*_high``), the same whatever the page language. In the workbook
a text cell that begins with ``=``, ``+``, ``-`` or ``@`` is written as text, never as a
formula.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

#: First characters a spreadsheet reads as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@")


def _cell(value):
    """A value as a workbook cell takes it: no NaN, no control characters a workbook cannot hold."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    return value


def write_sheet(wb, title: str, df: pd.DataFrame) -> None:
    """Add a sheet holding ``df`` (header row, then values); text is always text."""
    ws = wb.create_sheet(title)
    ws.append([_cell(str(c)) for c in df.columns])
    for row in df.itertuples(index=False):
        ws.append([_cell(v) for v in row])
    for cells in ws.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                cell.data_type = "s"


def write_tables(folder: Path, briefing_name: str, entries) -> list[str]:
    """Write every result table as CSV and all of them in one workbook; return file names.

    Parameters
    ----------
    folder : path
        The run folder (tables go to ``tables/``).
    briefing_name : str
        Name of the workbook file.
    entries : list of JobEntry
        The jobs; those that succeeded contribute their recorded tables.
    """
    from openpyxl import Workbook

    out = folder / "tables"
    out.mkdir(exist_ok=True)
    written, sheets, index_rows, sources = [], [], [], {}
    for e in entries:
        if e.status != "ok":
            continue
        for name, tab in (e.results.get("tables") or {}).items():
            df = pd.DataFrame(tab["data"], columns=tab["columns"])
            csv = f"{e.anchor}__{name}.csv"
            df.to_csv(out / csv, index=False)
            written.append(f"tables/{csv}")
            sheet = f"T{len(sheets) + 1:02d}"
            sheets.append((sheet, df))
            index_rows.append({"sheet": sheet, "job": e.name, "table": name, "csv": csv,
                               "parameters": "; ".join(f"{k}={v}" for k, v in e.parameters.items())})
        for inp in e.results.get("inputs", []):
            sources[inp["table"]] = inp
    if sheets:
        wb = Workbook()
        wb.remove(wb.active)
        write_sheet(wb, "index", pd.DataFrame(index_rows))
        for sheet, df in sheets:
            write_sheet(wb, sheet, df)
        write_sheet(wb, "sources", pd.DataFrame(list(sources.values())))
        book = out / f"{briefing_name}.xlsx"
        wb.save(book)
        written.append(f"tables/{book.name}")
    return written
