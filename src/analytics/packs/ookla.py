"""Measured speeds in a pack: a quarterly file of Ookla's open data, reduced to districts.

Ookla publishes speed tests aggregated to zoom-16 web-mercator tiles (about 600 m), one Parquet
file per quarter and per kind (``mobile`` or ``fixed``), with columns ``quadkey, tile (WKT),
avg_d_kbps, avg_u_kbps, avg_lat_ms, tests, devices``. A global file holds millions of tiles, so it
is never loaded whole: DuckDB reads it in place and keeps only the tiles whose quadkey starts with
one of the zoom-8 quadkeys covering the country's bounding box (a string prefix test, cheap on
every row); only those tiles are placed in districts (point in polygon, on the tile's centre).

Per district, speeds and latency are means over tiles weighted by their number of tests (as
Ookla's own tutorial aggregates), and districts with fewer than :data:`MIN_TESTS` tests are left
out. The result is written to ``measured/ookla_<kind>.csv``, registered in ``pack.yaml`` as table
``ookla_<kind>`` with status ``measured``; connectivity readiness then uses these speeds in place of
the modelled ones for the districts they cover.
"""

from __future__ import annotations

import math
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.errors import ParameterError
from ..core.i18n import CONTROL
from . import files

#: Columns of Ookla's open-data tiles, and whether each must be numeric.
COLUMNS = {"quadkey": False, "tile": False, "avg_d_kbps": True, "avg_u_kbps": True, "avg_lat_ms": True,
           "tests": True, "devices": True}
#: Deepest zoom a tile's quadkey may have (one digit per zoom level; Ookla publishes zoom 16).
MAX_ZOOM = 23
#: Largest count of tests or devices accepted in one tile (Ookla's largest tiles hold tens of thousands).
MAX_COUNT = 10**9
#: Fewest tests a district needs to be reported (as in Ookla's tutorial).
MIN_TESTS = 50
#: Fastest plausible tile mean, kbps (10 Gbps: faster than any consumer line) and slowest latency, ms.
MAX_KBPS, MAX_LATENCY_MS = 10_000_000, 60_000
#: Zoom of the quadkey prefixes used to cut the file down to the country's bounding box.
PREFIX_ZOOM = 8
KINDS = ("mobile", "fixed")
LICENCE = "CC BY-NC-SA 4.0 (Ookla Open Data)"


def quadkey(lon: float, lat: float, zoom: int) -> str:
    """The web-mercator quadkey of the tile holding a point (Bing Maps tile system)."""
    lat = min(max(lat, -85.05112878), 85.05112878)
    n = 2 ** zoom
    x = min(n - 1, int((lon + 180) / 360 * n))
    s = math.sin(math.radians(lat))
    y = min(n - 1, int((0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)) * n))
    return "".join(str(((x >> i) & 1) | (((y >> i) & 1) << 1)) for i in range(zoom - 1, -1, -1))


def tile_centres(quadkeys: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Longitude and latitude (degrees) of the centre of each quadkey's tile."""
    keys = quadkeys.astype(str).to_numpy()
    zoom = np.array([len(k) for k in keys])
    x = np.zeros(len(keys), dtype=np.int64)
    y = np.zeros(len(keys), dtype=np.int64)
    width = zoom.max() if len(keys) else 0
    padded = np.array([list(k.ljust(width, "0")) for k in keys], dtype="U1") if len(keys) else np.empty((0, 0))
    for i in range(width):
        d = np.where(i < zoom, padded[:, i].astype(np.int64), 0) if len(keys) else np.zeros(0, np.int64)
        live = i < zoom
        x = np.where(live, (x << 1) | (d & 1), x)
        y = np.where(live, (y << 1) | ((d >> 1) & 1), y)
    n = 2.0 ** zoom
    lon = (x + 0.5) / n * 360 - 180
    lat = np.degrees(np.arctan(np.sinh(np.pi * (1 - 2 * (y + 0.5) / n))))
    return lon, lat


def covering_prefixes(bounds: tuple[float, float, float, float], zoom: int = PREFIX_ZOOM) -> list[str]:
    """Quadkeys at ``zoom`` of every tile meeting the bounding box (min lon, min lat, max lon, max lat)."""
    west, south, east, north = bounds
    corner_nw, corner_se = quadkey(west, north, zoom), quadkey(east, south, zoom)

    def xy(key: str) -> tuple[int, int]:
        x = y = 0
        for c in key:
            d = int(c)
            x, y = (x << 1) | (d & 1), (y << 1) | (d >> 1)
        return x, y

    (x0, y0), (x1, y1) = xy(corner_nw), xy(corner_se)
    out = []
    for x in range(x0, x1 + 1):
        for y in range(y0, y1 + 1):
            out.append("".join(str(((x >> i) & 1) | (((y >> i) & 1) << 1)) for i in range(zoom - 1, -1, -1)))
    return out


@dataclass
class Ingested:
    """Districts' measured speeds and what was kept and dropped on the way."""

    frame: pd.DataFrame
    kind: str
    rows_read: int
    tiles_in_box: int
    tiles_in_country: int
    dropped_districts: list[str]

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def summary(self) -> str:
        return (f"Ookla {self.kind}: {self.rows_read:,} tiles read, {self.tiles_in_box:,} in the country's box, "
                f"{self.tiles_in_country:,} in its districts; {len(self.frame)} districts kept, "
                f"{len(self.dropped_districts)} with fewer than {MIN_TESTS} tests left out")


def _check_file(con, path: Path, where: str) -> int:
    """Check the file's columns and types in place (no rows loaded); return its number of rows (``where``: the
    file's name as the user gave it, for messages)."""
    try:
        described = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()
    except Exception as exc:  # duckdb raises its own IOException / InvalidInputException
        raise ParameterError(f"{where}: not a readable Parquet file ({str(exc).splitlines()[0][:120]})") from None
    types = {name: str(kind).upper() for name, kind, *_ in described}
    missing = [c for c in COLUMNS if c not in types]
    if missing:
        raise ParameterError(f"{where}: missing column(s) {', '.join(missing)}; an Ookla open-data tile file has "
                             f"{', '.join(COLUMNS)}")
    numeric = ("INT", "BIGINT", "DOUBLE", "FLOAT", "DECIMAL", "SMALLINT", "HUGEINT", "UBIGINT", "UINTEGER", "INTEGER")
    text = [c for c, needs in COLUMNS.items()  # a list column ("DOUBLE[]") or a struct is not a number
            if needs and (not types[c].startswith(numeric) or any(ch in types[c] for ch in "[]<>") or "STRUCT" in types[c])]
    if text:
        raise ParameterError(f"{where}: column(s) {', '.join(text)} hold {', '.join(types[c] for c in text)}, "
                             "expected numbers (kbps, ms, counts)")
    rows, keyless = con.execute("SELECT count(*), count(*) - count(quadkey) FROM read_parquet(?)", [str(path)]).fetchone()
    if keyless:  # a tile with no quadkey has no place: left out, it silently took its tests away from a district
        raise ParameterError(f"{where}: {keyless} tile(s) have no quadkey; expected every tile's zoom-16 quadkey")
    return int(rows)


@contextmanager
def _plain_name(path: Path):
    """The file under a name DuckDB reads as itself: it reads ``*``, ``?`` and ``[…]`` in a name as a pattern
    (a file named ``q*.parquet`` read every matching file beside it)."""
    with tempfile.TemporaryDirectory(prefix="analytics-ookla-") as tmp:
        link = Path(tmp) / "tiles.parquet"
        link.symlink_to(path.resolve())
        yield link


def ingest(path: Path | str, districts, kind: str = "mobile") -> Ingested:
    """Reduce an Ookla tile file to tests-weighted speeds by district.

    Parameters
    ----------
    path : Path or str
        Parquet file in Ookla's open-data tile schema.
    districts : geopandas.GeoDataFrame
        The pack's districts (``district_code``, ``region_code``, polygons in EPSG:4326).
    kind : {"mobile", "fixed"}
        Which network the file measures.

    Returns
    -------
    Ingested
        ``frame``: ``district_code, region_code, down_mbps, up_mbps, latency_ms, tests, devices, tiles``
        for districts with at least :data:`MIN_TESTS` tests.

    Raises
    ------
    ParameterError
        Missing file or columns, text where numbers belong, negative values, or no tile in the country.
    """
    import duckdb

    path = Path(path)
    if kind not in KINDS:
        raise ParameterError(f"kind {kind!r} is unknown; choose one of {', '.join(KINDS)}")
    if not path.is_file():
        raise ParameterError(f"{path}: no such file")
    with _plain_name(path) as read:
        return _reduce(duckdb.connect(), read, path, districts, kind)


def _reduce(con, read: Path, path: Path, districts, kind: str) -> Ingested:
    """:func:`ingest` on the file at ``read`` (``path``: its name as the user gave it, for messages)."""
    import geopandas as gpd

    rows = _check_file(con, read, str(path))
    prefixes = covering_prefixes(tuple(districts.total_bounds))
    con.execute("CREATE TEMP TABLE prefixes (p VARCHAR)")
    con.executemany("INSERT INTO prefixes VALUES (?)", [[p] for p in prefixes])
    inside = f"FROM read_parquet(?) WHERE substr(CAST(quadkey AS VARCHAR), 1, {PREFIX_ZOOM}) IN (SELECT p FROM prefixes)"
    malformed = con.execute(f"SELECT count(*) {inside} AND NOT regexp_full_match(CAST(quadkey AS VARCHAR), "
                            f"'[0-3]{{{PREFIX_ZOOM},{MAX_ZOOM}}}')", [str(read)]).fetchone()[0]
    if malformed:  # checked in the database, before a long or foreign key reaches Python
        raise ParameterError(f"{path}: {malformed} tile(s) in the country's box have a quadkey that is not "
                             f"{PREFIX_ZOOM} to {MAX_ZOOM} digits 0–3 (Ookla's tiles are zoom 16)")
    zooms = con.execute(f"SELECT DISTINCT length(CAST(quadkey AS VARCHAR)) AS z {inside} ORDER BY z",
                        [str(read)]).fetchall()
    if len(zooms) > 1:  # a tile of one zoom lies inside one of another: their tests would be counted twice
        raise ParameterError(f"{path}: the tiles in the country's box are of {len(zooms)} zoom levels "
                             f"({', '.join(str(z) for (z,) in zooms[:5])} digits); expected tiles of one zoom "
                             "(Ookla's are zoom 16), none inside another")
    tiles = con.execute(
        f"SELECT CAST(quadkey AS VARCHAR) AS quadkey, avg_d_kbps, avg_u_kbps, avg_lat_ms, tests, devices {inside}",
        [str(read)]).df()
    repeated = tiles["quadkey"][tiles["quadkey"].duplicated()].unique()
    if len(repeated):  # one tile per quadkey in Ookla's files: a tile twice counted its tests twice
        raise ParameterError(f"{path}: {len(repeated)} quadkey(s) appear more than once (e.g. {repeated[0][:24]}); "
                             "expected one row per tile (is the same file appended twice?)")
    numbers = tiles[["avg_d_kbps", "avg_u_kbps", "avg_lat_ms", "tests", "devices"]].astype(float)
    counts = numbers[["tests", "devices"]]
    bad = (numbers.isna().any(axis=1) | (numbers < 0).any(axis=1) | ~np.isfinite(numbers).all(axis=1)
           | (counts != counts.round()).any(axis=1) | (counts > MAX_COUNT).any(axis=1)
           | (numbers[["avg_d_kbps", "avg_u_kbps"]] > MAX_KBPS).any(axis=1) | (numbers["avg_lat_ms"] > MAX_LATENCY_MS))
    if bad.any():
        raise ParameterError(f"{path}: {int(bad.sum())} tile(s) in the country's box have a missing, negative, "
                             f"infinite or implausible speed or latency (above {MAX_KBPS:,} kbps or "
                             f"{MAX_LATENCY_MS:,} ms), or a count that is not a whole number up to {MAX_COUNT:,}; "
                             "expected finite values of at least 0 and whole counts")
    lon, lat = tile_centres(tiles["quadkey"])
    points = gpd.GeoDataFrame(tiles, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
    placed = gpd.sjoin(points, districts[["district_code", "region_code", "geometry"]].to_crs("EPSG:4326"),
                       how="inner", predicate="within")
    if placed.empty:
        raise ParameterError(f"{path}: no tile lies inside the country's districts; is it the right file?")
    w = placed["tests"].astype(float)
    placed = placed.assign(_d=placed["avg_d_kbps"] * w, _u=placed["avg_u_kbps"] * w, _l=placed["avg_lat_ms"] * w)
    g = placed.groupby(["district_code", "region_code"], as_index=False).agg(
        _d=("_d", "sum"), _u=("_u", "sum"), _l=("_l", "sum"), tests=("tests", "sum"), devices=("devices", "sum"),
        tiles=("quadkey", "count"))
    g["down_mbps"] = g["_d"] / g["tests"] / 1000
    g["up_mbps"] = g["_u"] / g["tests"] / 1000
    g["latency_ms"] = g["_l"] / g["tests"]
    kept = g[g["tests"] >= MIN_TESTS]
    if kept.empty:
        raise ParameterError(f"{path}: no district has {MIN_TESTS} tests or more ({int(g['tests'].sum()):,} tests in "
                             f"{len(placed):,} tiles inside the country); expected a file with the country's tests")
    frame = kept[["district_code", "region_code", "down_mbps", "up_mbps", "latency_ms", "tests", "devices",
                  "tiles"]].sort_values("district_code").reset_index(drop=True)
    frame = frame.astype({"tests": int, "devices": int, "tiles": int})
    return Ingested(frame, kind, rows, len(tiles), len(placed), sorted(g.loc[g["tests"] < MIN_TESTS, "district_code"]))


def table_entry(kind: str, source_file: str, vintage: str) -> str:
    """The ``pack.yaml`` entry (YAML text, indented under ``tables:``) of an ingested table."""
    import json

    return (f"\n  ookla_{kind}:\n"
            f"    path: measured/ookla_{kind}.csv\n"
            f"    status: measured\n"
            f"    source: {json.dumps(f'Ookla Speedtest open data, {kind} tiles ({source_file}); means over tiles weighted by tests, by district; districts with fewer than {MIN_TESTS} tests left out', ensure_ascii=False)}\n"  # noqa: E501
            f"    licence: {LICENCE}\n"
            f"    vintage: {json.dumps(vintage)}\n"
            f"    description: Measured {kind} download and upload speeds (Mbps) and latency (ms) by district.\n"
            f"    key: district_code\n"
            f"    columns:\n"
            f"      district_code: {{type: str, unique: true, references: districts.district_code}}\n"
            f"      region_code: {{type: str, references: regions.region_code}}\n"
            f"      down_mbps: {{type: float, min: 0}}\n"
            f"      up_mbps: {{type: float, min: 0}}\n"
            f"      latency_ms: {{type: float, min: 0}}\n"
            f"      tests: {{type: int, min: {MIN_TESTS}}}\n"
            f"      devices: {{type: int, min: 0}}\n"
            f"      tiles: {{type: int, min: 1}}\n")


def ingest_into_pack(path: Path | str, pack_dir: Path | str, kind: str = "mobile",
                     vintage: str | None = None) -> Ingested:
    """Ingest an Ookla file into a pack: write ``measured/ookla_<kind>.csv`` and register the table.

    The table is written atomically, ``pack.yaml`` gains the table's entry the first time (a later
    ingest keeps the entry as it is), and the pack is validated again; if it does not validate,
    ``pack.yaml`` and the table are put back as they were.
    """
    from .build import write_table
    from .load import load_pack

    pack_dir = Path(pack_dir)
    if not (pack_dir / "pack.yaml").is_file():
        raise ParameterError(f"{pack_dir}: not a country pack (no pack.yaml)")
    if any(ord(c) < 32 or ord(c) == 127 for c in Path(path).name):  # the name goes into pack.yaml as the source
        raise ParameterError(f"{Path(path).name!r}: the file name holds control characters; rename the file")
    if vintage is not None and CONTROL.search(vintage):  # it goes into pack.yaml and onto every page
        raise ParameterError(f"--vintage {vintage!r}: holds control or text-direction characters (e.g. NUL, ESC, "
                             "U+202E); expected plain text")
    pack = load_pack(root=pack_dir)
    target = pack_dir / "measured" / f"ookla_{kind}.csv"
    made_folder = not target.parent.exists()
    if (why := files.problem(pack_dir, target)) is not None:  # never write through a link out of the pack
        raise ParameterError(f"{pack_dir}/measured/ookla_{kind}.csv {why}")
    result = ingest(path, pack.districts, kind)
    meta_path = pack_dir / "pack.yaml"
    old_meta = meta_path.read_text(encoding="utf-8")
    old_table = target.read_bytes() if target.exists() else None
    old_mode = target.stat().st_mode & 0o7777 if old_table is not None else None
    vintage = vintage or Path(path).stem
    write_table(result.frame, target, "table")
    if old_mode is not None:
        target.chmod(old_mode)  # the new table keeps the permissions the old one had (0600 stays 0600)
    if f"\n  ookla_{kind}:\n" not in old_meta:
        meta_path.write_text(old_meta.rstrip("\n") + "\n" + table_entry(kind, Path(path).name, vintage), encoding="utf-8")
    try:
        load_pack(root=pack_dir)
    except Exception:
        meta_path.write_text(old_meta, encoding="utf-8")
        if old_table is None:
            target.unlink(missing_ok=True)
            if made_folder and target.parent.is_dir() and not any(target.parent.iterdir()):
                target.parent.rmdir()  # the folder this ingest made goes with it
        else:
            target.write_bytes(old_table)
            target.chmod(old_mode)
        raise
    return result
