"""Reading a pack's tables from disk and checking them against their schemas.

CSV files are read as UTF-8 (or Windows-1251), with the separator and decimal mark of a
Russian-locale spreadsheet recognised; vector layers must be in lon/lat degrees. Every
problem is collected, named by file, column and spreadsheet row.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import threading
import warnings
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..core.errors import DataError, Problem
from .metadata import METADATA_FILE, TableInfo
from .schemas import TableSchema, check_columns, check_references, check_values, coerce_column


@dataclass
class ReadResult:
    """A table as read from disk, before cross-table checks."""

    frame: Any
    problems: list[Problem]
    notes: list[str]
    offset: int


def sniff_csv(text: str) -> tuple[str, bool]:
    """Return the delimiter of a CSV text and whether it uses a decimal comma.

    A Russian-locale spreadsheet writes ``;`` between fields and ``,`` as decimal mark;
    that is recognised from the header line and read correctly.
    """
    first = text.split("\n", 1)[0]
    try:
        sep = csv.Sniffer().sniff(first, delimiters=",;\t").delimiter
    except csv.Error:
        sep = ","
    return sep, sep == ";"


def csv_text(data: bytes) -> str:
    """A CSV file's text from its bytes: UTF-8 (with or without BOM), else Windows-1251.

    Raises
    ------
    UnicodeDecodeError
        When the bytes are neither (for example a binary file).
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1251")


#: Most columns a CSV table may have (a header of 200,000 names took over five minutes to check).
MAX_COLUMNS = 10_000


#: Tables (CSV and vector layers) read and checked in this process, by their bytes' SHA-256, schema and
#: label (the last :data:`READ_ITEMS`, each file at most :data:`READ_MAX_BYTES`): reading the same file
#: again (a pack validated, then built, or copied) takes its result from memory, and only a file whose
#: bytes changed is read anew. A larger file is read each time rather than kept twice in memory.
_read: OrderedDict[tuple, ReadResult] = OrderedDict()
_read_lock = threading.Lock()  # threads of one process (a briefing's job threads) share the memo
READ_ITEMS = 32
READ_MAX_BYTES = 16_000_000


def _remembered(data: bytes, schema: TableSchema, label: str, read: Callable[[], ReadResult]) -> ReadResult:
    """What ``read()`` gives for a file holding ``data`` (see :data:`_read`); every caller gets its own copy
    of the table."""
    if len(data) > READ_MAX_BYTES:
        return read()
    key = (hashlib.sha256(data).digest(), schema, label)
    with _read_lock:
        result = _read.get(key)
        if result is not None:
            _read.move_to_end(key)
    if result is None:
        result = read()
        with _read_lock:
            _read[key] = result
            while len(_read) > READ_ITEMS:
                _read.popitem(last=False)
    frame = None if result.frame is None else result.frame.copy()
    return ReadResult(frame, list(result.problems), list(result.notes), result.offset)


def read_csv_table(path: Path, schema: TableSchema, label: str) -> ReadResult:
    """Read one CSV table and convert its columns to the schema's types (the same bytes once per process:
    :data:`_read`)."""
    data = path.read_bytes()
    return _remembered(data, schema, label, lambda: parse_csv_table(data, schema, label))


def parse_csv_table(data: bytes, schema: TableSchema, label: str) -> ReadResult:
    """A CSV table from its bytes, its columns converted to the schema's types and checked."""
    try:
        text = csv_text(data)
    except UnicodeDecodeError:
        return ReadResult(None, [Problem(label, "not a text file in UTF-8 or Windows-1251; expected a CSV table")],
                          [], 2)
    if "\x00" in text:
        return ReadResult(None, [Problem(label, "not a text file (it holds NUL bytes); expected a CSV table")], [], 2)
    sep, decimal_comma = sniff_csv(text)
    notes = []
    if sep != ",":
        notes.append(f"{label}: read as a {'Russian-locale ' if decimal_comma else ''}spreadsheet "
                     f"export (separator {sep!r}{', decimal comma' if decimal_comma else ''})")
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    try:
        rows = list(reader)
    except csv.Error as exc:  # a bare carriage return inside a field, a field over the csv module's limit
        return ReadResult(None, [Problem(label, f"cannot be read as CSV near row {reader.line_num} ({exc}); expected "
                                                "one record per line, long or multi-line text in quotes",
                                         rows=(reader.line_num,))], notes, 2)
    header = [c.strip() for c in rows[0]] if rows else []
    if len(header) > MAX_COLUMNS:  # no pack table is that wide; reading one took minutes (sixth hostile pass)
        return ReadResult(None, [Problem(label, f"the header has {len(header):,} columns; expected at most "
                                                f"{MAX_COLUMNS:,} (a pack table has a few dozen)")], notes, 2)
    seen = Counter(header)
    twice = sorted(c for c, n in seen.items() if n > 1)
    if twice:  # pandas would rename the second "district_code.1" and report columns that are there as missing
        return ReadResult(None, [Problem(label, f"the header gives column{'s' if len(twice) > 1 else ''} "
                                                f"{', '.join(map(repr, twice))} twice; expected each column once")],
                          notes, 2)
    ragged = [n + 1 for n, r in enumerate(rows[1:], start=1) if r and len(r) != len(rows[0])]
    if ragged:  # one row with extra fields would shift every column
        return ReadResult(None, [Problem(label, f"has {len(rows[ragged[0] - 1])} fields where the header has "
                                                f"{len(rows[0])}; expected one field per column", rows=tuple(ragged))],
                          notes, 2)
    try:
        df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, ValueError) as exc:
        return ReadResult(None, [Problem(label, f"cannot be read as CSV: {exc}")], notes, 2)
    df.columns = [str(c).strip() for c in df.columns]
    problems = check_columns(df, schema, label)
    if df.empty:  # a header alone passed every column check, then broke the notebooks that read it
        problems.append(Problem(label, "the table has a header but no rows; expected at least one row of data"))
    for col in schema.columns:
        if col.name in df.columns:
            df[col.name], found = coerce_column(df[col.name], col, label, 2, decimal_comma)
            problems += found
    problems += check_values(df, schema, label, 2)
    return ReadResult(df, problems, notes, 2)


def read_geo_table(path: Path, schema: TableSchema, label: str) -> ReadResult:
    """Read one vector layer; check its CRS is lon/lat and its geometries are valid (GEOS's numeric warnings on
    corrupt coordinates are kept off the screen: the problems found say what is wrong). The same bytes are
    read once per process (:data:`_read`)."""
    def read() -> ReadResult:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return _read_geo_table(path, schema, label)

    return _remembered(path.read_bytes(), schema, label, read)


def _read_geo_table(path: Path, schema: TableSchema, label: str) -> ReadResult:
    import geopandas as gpd
    import shapely

    try:
        with warnings.catch_warnings():  # GDAL's warnings (an unclosed ring …) would print before the one message
            warnings.simplefilter("ignore")
            gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        return ReadResult(None, [Problem(label, f"cannot be read as a vector layer: {exc}")], [], 1)
    problems: list[Problem] = []
    if len(gdf) == 0:
        problems.append(Problem(label, "the layer has no features; expected one polygon per area"))
    if gdf.crs is None:
        problems.append(Problem(label, f"layer has no CRS; expected lon/lat degrees ({schema.crs})"))
    elif not gdf.crs.is_geographic:
        problems.append(Problem(label, f"layer is in a projected CRS ({gdf.crs.name}, "
                                       f"{gdf.crs.to_string()}); expected lon/lat degrees "
                                       f"({schema.crs}): reproject it with to_crs('{schema.crs}')"))
    if len(gdf) and gdf.crs is not None and gdf.crs.is_geographic:
        minx, miny, maxx, maxy = gdf.total_bounds
        if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
            problems.append(Problem(label, f"coordinates reach ({coordinate(minx)}, {coordinate(miny)})–("
                                           f"{coordinate(maxx)}, {coordinate(maxy)}), which are not lon/lat "
                                           "degrees; the layer is projected but labelled as lon/lat"))
    empty = gdf.geometry.isna() | gdf.geometry.is_empty
    if empty.any():
        problems.append(Problem(label, "empty geometry; expected a polygon", "geometry",
                                tuple(int(i) + 1 for i in empty.to_numpy().nonzero()[0])))
    other = ~empty & ~gdf.geometry.geom_type.isin(["Polygon", "MultiPolygon"])
    if other.any():
        problems.append(Problem(label, f"{gdf.geometry[other].geom_type.iloc[0]} geometry; expected a polygon for "
                                       "each area", "geometry", tuple(int(i) + 1 for i in other.to_numpy().nonzero()[0])))
    invalid = ~empty & ~other & ~gdf.geometry.is_valid
    if invalid.any():
        reason = shapely.is_valid_reason(gdf.geometry[invalid].iloc[0])
        problems.append(Problem(label, f"invalid geometry ({reason}); expected valid polygons",
                                "geometry", tuple(int(i) + 1 for i in invalid.to_numpy().nonzero()[0])))
    problems += check_columns(gdf, schema, label)
    for col in schema.columns:
        if col.name in gdf.columns:
            gdf[col.name], found = coerce_column(gdf[col.name], col, label, 1)
            problems += found
    problems += check_values(gdf, schema, label, 1)
    # features are numbered from 1 in messages about geo layers
    problems = [Problem(p.file, p.message, p.column, p.rows) for p in problems]
    return ReadResult(gdf, problems, [], 1)


#: Largest table file a pack may hold (bytes): the shipped ones are under 3 MB; a table read whole into
#: memory takes several times its size.
MAX_TABLE_BYTES = 200_000_000


def read_table(pack: Path, info: TableInfo, name: str | None = None) -> ReadResult:
    """Read one table of a pack as described by its metadata (``name``: the pack's name in messages, when
    ``pack`` is a folder standing in for it, such as a build's staging folder)."""
    path = pack / info.path
    label = f"{name or pack.name}/{info.path}"
    if not path.exists():
        return ReadResult(None, [Problem(label, f"file not found (table '{info.name}' in "
                                                f"{METADATA_FILE})")], [], 0)
    if not path.is_file():  # a pipe would block the reader, a device never end
        return ReadResult(None, [Problem(label, "is not a regular file (a folder, a pipe or a device); expected "
                                                f"the table '{info.name}' as a file")], [], 0)
    if path.stat().st_size > MAX_TABLE_BYTES:
        return ReadResult(None, [Problem(label, f"is {path.stat().st_size:,} bytes; a table is at most "
                                                f"{MAX_TABLE_BYTES:,} (reduce it before adding it, e.g. "
                                                "analytics ingest for Ookla tiles)")], [], 0)
    if info.kind == "geo":
        return read_geo_table(path, info.schema, label)
    if info.kind == "csv":
        return read_csv_table(path, info.schema, label)
    if info.kind == "json":
        return ReadResult(json.loads(path.read_text(encoding="utf-8")), [], [], 0)
    return ReadResult(None, [Problem(label, f"unknown table kind {info.kind!r}")], [], 0)


def read_tables(pack: Path, infos: dict[str, TableInfo], name: str | None = None) -> tuple[dict[str, Any], list[str]]:
    """Read and validate the tables ``infos`` of the pack folder ``pack`` (``name``: see :func:`read_table`).

    Returns the tables by name and the notes; raises :class:`DataError` listing every
    problem, including values that reference unknown codes in another of these tables.
    """
    tables, problems, notes, offsets = {}, [], [], {}
    shown = name or pack.name
    for table, info in infos.items():
        result = read_table(pack, info, shown)
        problems += result.problems
        notes += result.notes
        offsets[table] = result.offset
        if result.frame is not None:
            tables[table] = result.frame
    labels = {n: f"{shown}/{i.path}" for n, i in infos.items()}
    problems += check_references(tables, {n: i.schema for n, i in infos.items()}, labels, offsets)
    if problems:
        raise DataError(problems)
    return tables, notes


#: Validated tables by pack folder, with the fingerprint of the files they were read from.


def coordinate(value: float, digits: int = 0) -> str:
    """A coordinate for a message: fixed-point while it is a plausible one (metres or degrees), else three
    significant figures (a corrupt 1e308 is not printed as 309 digits)."""
    return f"{value:.{digits}f}" if abs(value) < 1e9 else f"{value:.3g}"
