"""Country packs: reading, validating and holding every table of ``data/<country>/``.

A pack is a folder with a metadata file ``pack.yaml`` that lists every table (path,
schema, source, licence, vintage and status ``measured`` or ``modelled``). Loading reads
every table, converts it to its schema types, and checks it; every problem found in
every file is reported at once as a :class:`~analytics.errors.DataError`.
"""

from __future__ import annotations

import copy
import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from . import paths
from .errors import DataError, Problem
from .schemas import TableSchema, check_columns, check_references, check_values, coerce_column

METADATA_FILE = "pack.yaml"
STATUSES = ("measured", "modelled", "reconstructed from published aggregates")


@dataclass
class TableInfo:
    """Metadata of one table, as written in ``pack.yaml``."""

    name: str
    path: str
    kind: str
    status: str
    source: str
    licence: str
    vintage: str
    schema: TableSchema
    description: str = ""
    built_by: str | None = None
    raw: dict = field(default_factory=dict)


@dataclass
class ReadResult:
    """A table as read from disk, before cross-table checks."""

    frame: Any
    problems: list[Problem]
    notes: list[str]
    offset: int


def read_metadata(pack: Path) -> dict:
    """Read and check the shape of ``pack.yaml``; return the parsed mapping."""
    meta_path = pack / METADATA_FILE
    if not pack.is_dir():
        raise DataError([Problem(str(pack), "country pack folder not found")])
    if not meta_path.exists():
        raise DataError([Problem(str(meta_path), "metadata file not found; every pack needs one "
                                                 "listing its tables")])
    try:
        meta = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DataError([Problem(str(meta_path), f"not valid YAML: {exc}")]) from None
    if not isinstance(meta, dict) or not isinstance(meta.get("tables"), dict):
        raise DataError([Problem(str(meta_path), "expected a mapping with a 'tables' section")])
    return meta


def table_infos(meta: dict, pack: Path) -> dict[str, TableInfo]:
    """Turn the ``tables`` section of the metadata into :class:`TableInfo` objects."""
    infos, problems = {}, []
    for name, spec in meta["tables"].items():
        missing = [k for k in ("path", "status", "source", "licence", "vintage", "columns")
                   if k not in (spec or {})]
        if missing:
            problems.append(Problem(f"{pack.name}/{METADATA_FILE}",
                                    f"table '{name}' lacks {', '.join(missing)}"))
            continue
        if spec["status"] not in STATUSES:
            problems.append(Problem(f"{pack.name}/{METADATA_FILE}",
                                    f"table '{name}' has status {spec['status']!r}; expected one of "
                                    f"{', '.join(STATUSES)}"))
        kind = spec.get("kind", "csv")
        infos[name] = TableInfo(
            name=name, path=spec["path"], kind=kind, status=spec["status"],
            source=str(spec["source"]).strip(), licence=str(spec["licence"]).strip(),
            vintage=str(spec["vintage"]), schema=TableSchema.from_dict(name, spec),
            description=str(spec.get("description", "")).strip(), built_by=spec.get("built_by"),
            raw=spec)
    if problems:
        raise DataError(problems)
    return infos


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


def read_csv_text(path: Path) -> str:
    """Read a CSV file's text: UTF-8 (with or without BOM), else Windows-1251."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1251")


def read_csv_table(path: Path, schema: TableSchema, label: str) -> ReadResult:
    """Read one CSV table and convert its columns to the schema's types."""
    text = read_csv_text(path)
    sep, decimal_comma = sniff_csv(text)
    notes = []
    if sep != ",":
        notes.append(f"{label}: read as a {'Russian-locale ' if decimal_comma else ''}spreadsheet "
                     f"export (separator {sep!r}{', decimal comma' if decimal_comma else ''})")
    try:
        df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, ValueError) as exc:
        return ReadResult(None, [Problem(label, f"cannot be read as CSV: {exc}")], notes, 2)
    df.columns = [str(c).strip() for c in df.columns]
    problems = check_columns(df, schema, label)
    for col in schema.columns:
        if col.name in df.columns:
            df[col.name], found = coerce_column(df[col.name], col, label, 2, decimal_comma)
            problems += found
    problems += check_values(df, schema, label, 2)
    return ReadResult(df, problems, notes, 2)


def read_geo_table(path: Path, schema: TableSchema, label: str) -> ReadResult:
    """Read one vector layer; check its CRS is lon/lat and its geometries are valid."""
    import geopandas as gpd
    import shapely

    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        return ReadResult(None, [Problem(label, f"cannot be read as a vector layer: {exc}")], [], 1)
    problems: list[Problem] = []
    if gdf.crs is None:
        problems.append(Problem(label, f"layer has no CRS; expected lon/lat degrees ({schema.crs})"))
    elif not gdf.crs.is_geographic:
        problems.append(Problem(label, f"layer is in a projected CRS ({gdf.crs.name}, "
                                       f"{gdf.crs.to_string()}); expected lon/lat degrees "
                                       f"({schema.crs}): reproject it with to_crs('{schema.crs}')"))
    if len(gdf) and gdf.crs is not None and gdf.crs.is_geographic:
        minx, miny, maxx, maxy = gdf.total_bounds
        if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
            problems.append(Problem(label, f"coordinates reach ({minx:.0f}, {miny:.0f})–({maxx:.0f}, "
                                           f"{maxy:.0f}), which are not lon/lat degrees; the layer "
                                           "is projected but labelled as lon/lat"))
    empty = gdf.geometry.isna() | gdf.geometry.is_empty
    if empty.any():
        problems.append(Problem(label, "empty geometry; expected a polygon", "geometry",
                                tuple(int(i) + 1 for i in empty.to_numpy().nonzero()[0])))
    invalid = ~empty & ~gdf.geometry.is_valid
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


def read_table(pack: Path, info: TableInfo) -> ReadResult:
    """Read one table of a pack as described by its metadata."""
    path = pack / info.path
    label = f"{pack.name}/{info.path}"
    if not path.exists():
        return ReadResult(None, [Problem(label, f"file not found (table '{info.name}' in "
                                                f"{METADATA_FILE})")], [], 0)
    if info.kind == "geo":
        return read_geo_table(path, info.schema, label)
    if info.kind == "csv":
        return read_csv_table(path, info.schema, label)
    if info.kind == "json":
        return ReadResult(json.loads(path.read_text(encoding="utf-8")), [], [], 0)
    return ReadResult(None, [Problem(label, f"unknown table kind {info.kind!r}")], [], 0)


@dataclass
class Pack:
    """Every table of one country pack, validated.

    Attributes
    ----------
    country : str
        Lower-case ISO3 code of the pack (``"tjk"``).
    name : str
        Country name in English.
    root : pathlib.Path
        The pack folder.
    tables : dict
        Table name to DataFrame (GeoDataFrame, in WGS84, for geometry tables).
    info : dict
        Table name to :class:`TableInfo` (source, licence, vintage, status).
    notes : list of str
        Things worth knowing that are not errors (for example a locale-specific CSV).
    used : set of str
        Names of the tables read through this object so far (``pack.districts`` or
        ``pack["districts"]``), so a page can state which inputs it used.
    """

    country: str
    name: str
    root: Path
    tables: dict[str, Any]
    info: dict[str, TableInfo]
    meta: dict
    notes: list[str] = field(default_factory=list)
    used: set[str] = field(default_factory=set)

    def __getitem__(self, name: str):
        self.used.add(name)
        return self.tables[name]

    def __getattr__(self, name: str):
        tables = self.__dict__.get("tables", {})
        if name in tables:
            self.__dict__["used"].add(name)
            return tables[name]
        raise AttributeError(name)

    def status(self) -> pd.DataFrame:
        """Tidy table of every input: table, file, status, source, licence, vintage."""
        rows = [{"table": i.name, "file": i.path, "status": i.status, "source": i.source,
                 "licence": i.licence, "vintage": i.vintage, "description": i.description}
                for i in self.info.values()]
        return pd.DataFrame(rows)

    def is_modelled(self, table: str) -> bool:
        """True when ``table`` is not measured data."""
        return self.info[table].status != "measured"

    def summary(self) -> str:
        """One screen describing the pack."""
        lines = [f"Country pack '{self.country}' ({self.name}) at {self.root}",
                 f"{len(self.tables)} tables, all valid:"]
        for name, info in self.info.items():
            df = self.tables[name]
            size = f"{len(df):>6} rows" if hasattr(df, "__len__") and not isinstance(df, dict) else "      -"
            lines.append(f"  {name:<24} {size}  {info.path:<58} {info.status}")
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)


def read_tables(pack: Path, infos: dict[str, TableInfo]) -> tuple[dict[str, Any], list[str]]:
    """Read and validate the tables ``infos`` of the pack folder ``pack``.

    Returns the tables by name and the notes; raises :class:`DataError` listing every
    problem, including values that reference unknown codes in another of these tables.
    """
    tables, problems, notes, offsets = {}, [], [], {}
    for name, info in infos.items():
        result = read_table(pack, info)
        problems += result.problems
        notes += result.notes
        offsets[name] = result.offset
        if result.frame is not None:
            tables[name] = result.frame
    labels = {n: f"{pack.name}/{i.path}" for n, i in infos.items()}
    problems += check_references(tables, {n: i.schema for n, i in infos.items()}, labels, offsets)
    if problems:
        raise DataError(problems)
    return tables, notes


#: Validated tables by pack folder, with the fingerprint of the files they were read from.
_cache: dict[Path, tuple[tuple, dict, list]] = {}


def _fingerprint(pack: Path, infos: dict[str, TableInfo]) -> tuple:
    """Size and modification time of the metadata file and every table file."""
    out = []
    for rel in [METADATA_FILE] + [i.path for i in infos.values()]:
        try:
            st = (pack / rel).stat()
            out.append((rel, st.st_size, st.st_mtime_ns))
        except OSError:
            out.append((rel, -1, -1))
    return tuple(out)


def load_pack(country: str = "tjk", root: Path | str | None = None) -> Pack:
    """Load and validate every table of a country pack.

    Parameters
    ----------
    country : str
        Lower-case ISO3 code of the pack, the name of its folder (default ``"tjk"``).
    root : path, optional
        Folder holding the packs (default: the project's ``data/``), or the pack
        folder itself when it holds a ``pack.yaml``.

    Returns
    -------
    Pack
        With its own copies of the tables. A pack read before in this process is taken
        from memory while none of its files has changed (size and modification time).

    Raises
    ------
    DataError
        Listing every problem in every file: missing files or columns, wrong types,
        values out of range, unknown codes, duplicate keys, bad geometries or CRS.
    """
    pack = Path(root) if root is not None else None
    if pack is not None and not (pack / METADATA_FILE).exists() and not (pack / country.lower()).is_dir():
        raise DataError([Problem(str(pack), f"not a country pack: no {METADATA_FILE} here, and no "
                                            f"'{country.lower()}' folder holding one")])
    if pack is None or not (pack / METADATA_FILE).exists():
        pack = paths.pack_dir(country, pack)
    meta = read_metadata(pack)
    infos = table_infos(meta, pack)
    key = _fingerprint(pack, infos)
    if _cache.get(pack) and _cache[pack][0] == key:
        tables, notes = _cache[pack][1], _cache[pack][2]
    else:
        tables, notes = read_tables(pack, infos)
        _cache[pack] = (key, tables, notes)
    # every caller gets its own copies: a notebook that changes a table cannot change another's
    tables = {name: copy.deepcopy(df) if isinstance(df, dict) else df.copy() for name, df in tables.items()}
    from . import i18n

    i18n.register(pack / "locales")
    return Pack(country=meta.get("country", country), name=meta.get("name", country), root=pack,
                tables=tables, info=infos, meta=meta, notes=notes)
