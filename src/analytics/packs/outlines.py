"""City outlines: a boundary for a city-region that the pack's first-level boundary file lacks.

A city counted as a region of its own in the census (Osh city in Kyrgyzstan) may have no polygon in the
published ADM1 layer. ``analytics pack outline`` writes one into ``reference/city_outlines.geojson``, from
what a user has:

- a point and an area (``--at LON,LAT --area KM2``): a circle of that area around the point, drawn in a
  Lambert azimuthal equal-area projection centred on it (an approximation: say so in the table's source);
- a boundary file and a feature in it (``--from FILE --where FIELD=VALUE``): that feature's polygon.

The ``regions`` and ``districts`` builders take the file as their ``outlines`` input: each outline is cut out
of the regions and districts around it and becomes a unit of its own (:func:`with_outlines`).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

from ..core.errors import DataError, ParameterError, Problem

#: Where a pack keeps its city outlines.
OUTLINES_PATH = Path("reference") / "city_outlines.geojson"
#: Points on a circle's outline (a 72-gon's area is 0.13 % short of the circle's: it is scaled to match).
POINTS = 72
CODE = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")


def circle(lon: float, lat: float, area_km2: float):
    """A polygon of ``area_km2`` km² centred on a point, in lon/lat (EPSG:4326).

    Parameters
    ----------
    lon, lat : float
        The centre, degrees (WGS84).
    area_km2 : float
        The area, km² (the city's published area).

    Returns
    -------
    shapely.Polygon
        A regular polygon whose area in an equal-area projection centred on the point is ``area_km2``.
    """
    import geopandas as gpd
    from shapely.geometry import Point

    problems = [f"{name} is {value}, expected {low} to {high}" for name, value, low, high in
                (("longitude", lon, -180, 180), ("latitude", lat, -90, 90)) if not low <= value <= high]
    if not (math.isfinite(area_km2) and 0 < area_km2 <= 20_000):
        problems.append(f"area is {area_km2} km², expected more than 0 and at most 20,000 (a city)")
    if problems:
        raise ParameterError("pack outline: " + "; ".join(problems))
    local = f"+proj=laea +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m"
    # a regular POINTS-gon with circumradius r has area (n/2) r² sin(2π/n): solve for the stated area
    radius = math.sqrt(2 * area_km2 * 1e6 / (POINTS * math.sin(2 * math.pi / POINTS)))
    shape = gpd.GeoSeries([Point(0, 0).buffer(radius, quad_segs=POINTS // 4)], crs=local).to_crs("EPSG:4326")
    drawn = float(shape.to_crs("EPSG:6933").area.iloc[0]) / 1e6
    if not shape.iloc[0].is_valid or abs(drawn - area_km2) > 0.01 * area_km2:
        raise ParameterError(f"pack outline: a circle of {area_km2:g} km² around {lon:g}, {lat:g} cannot be drawn "
                             "in lon/lat (it crosses the 180th meridian or nears a pole): give a boundary file")
    return shape.iloc[0]


def from_file(path: Path, where: str):
    """The polygon of one feature of a boundary file (GeoJSON, shapefile, GeoPackage …), in lon/lat.

    Parameters
    ----------
    path : pathlib.Path
        A boundary file with a stated CRS.
    where : str
        ``FIELD=VALUE``: the feature(s) whose ``FIELD`` is ``VALUE`` (several are merged).
    """
    import geopandas as gpd

    field, sep, value = where.partition("=")
    if not sep or not field or not value:
        raise ParameterError(f"pack outline: --where is {where!r}, expected FIELD=VALUE (e.g. shapeName=Osh)")
    if not Path(path).is_file():
        raise ParameterError(f"pack outline: {path}: no such file")

    def bad(text: str) -> DataError:
        return DataError([Problem(str(path), text)])

    try:
        layer = gpd.read_file(path)
    except Exception as exc:  # noqa: BLE001 - GDAL raises many kinds for a file it cannot read
        raise bad(f"not a boundary file GDAL can read ({str(exc).splitlines()[0][:200]})") from None
    if field not in layer.columns:
        raise bad(f"no column {field!r}; its columns are {', '.join(map(str, layer.columns))[:300]}")
    if layer.crs is None:
        raise bad("the file states no CRS; expected one (EPSG:4326 for lon/lat)")
    chosen = layer[layer[field].astype(str) == value]
    if chosen.empty:
        some = ", ".join(sorted(map(str, layer[field].dropna().unique()))[:10])[:300]
        raise bad(f"column {field!r}: no feature is {value!r}; values include {some}")
    kinds = set(chosen.geometry.geom_type.fillna("no geometry"))
    if not kinds <= {"Polygon", "MultiPolygon"}:
        raise bad(f"column {field!r} = {value!r}: expected polygons, found {', '.join(sorted(kinds))}")
    shape = chosen.to_crs("EPSG:4326").geometry.union_all()
    if not shape.is_valid or shape.is_empty:
        raise bad(f"column {field!r} = {value!r}: the polygon is empty or invalid (its rings cross)")
    return shape


def write_outline(pack_dir: Path, code: str, name: str, geometry) -> Path:
    """Add (or replace) one city's outline in the pack's ``reference/city_outlines.geojson``.

    Parameters
    ----------
    pack_dir : pathlib.Path
        The pack folder.
    code : str
        The city-region's ISO 3166-2 code (``KG-GO``), as in the census table.
    name : str
        Its name in English.
    geometry : shapely geometry
        Its outline in lon/lat.

    Returns
    -------
    pathlib.Path
        The file written (other cities' outlines kept).
    """
    from shapely.geometry import mapping

    if not CODE.fullmatch(code):
        raise ParameterError(f"pack outline: code {code!r} is not an ISO 3166-2 region code (e.g. KG-GO)")
    if not name.strip() or len(name) > 100 or any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise ParameterError(f"pack outline: name {name!r} is empty, longer than 100 characters or holds "
                             "control characters")
    pack_dir = Path(pack_dir)
    if not (pack_dir / "pack.yaml").is_file():
        raise ParameterError(f"pack outline: {pack_dir} is not a pack folder (no pack.yaml)")
    path = pack_dir / OUTLINES_PATH
    for part in (path.parent, path, path.with_suffix(".tmp")):
        if part.is_symlink() or (part.exists() and part != path.parent and not part.is_file()):
            raise ParameterError(f"pack outline: {part} is a link or not a regular file; expected the pack's "
                                 "own file (remove it first)")
    features = _features(path) if path.is_file() else []
    features = [f for f in features if f["properties"].get("shapeISO") != code]
    features.append({"type": "Feature", "properties": {"shapeISO": code, "shapeName": name, "shapeID": f"outline-{code}"},
                     "geometry": mapping(geometry)})
    features.sort(key=lambda f: f["properties"]["shapeISO"])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    try:
        tmp.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
        tmp.replace(path)  # a reader never sees half a file
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _features(path: Path) -> list[dict]:
    """The features of an existing outlines file, each with properties and a shapeISO (else one clear error)."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        features = doc["features"]
        if not isinstance(features, list) or not all(isinstance(f.get("properties"), dict)
                                                      and isinstance(f["properties"].get("shapeISO"), str)
                                                      for f in features):
            raise ValueError("each feature needs properties with a shapeISO")
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as exc:
        raise DataError([Problem(str(path), f"not an outlines file this command wrote ({str(exc)[:120]}); "
                                            "expected a GeoJSON FeatureCollection: fix or remove it")]) from None
    return features


def with_outlines(adm1, outlines=None):
    """The ADM1 layer with each outline cut out of the regions around it and added as a region of its own.

    Parameters
    ----------
    adm1 : geopandas.GeoDataFrame
        Raw ADM1 layer (``shapeISO``, ``shapeName``, ``shapeID``).
    outlines : geopandas.GeoDataFrame, optional
        City outlines with the same columns (:data:`OUTLINES_PATH`); ``None`` or empty: ``adm1`` unchanged.

    Raises
    ------
    DataError
        An outline whose code is already a region of ``adm1`` (an outline adds a city the file lacks; it
        never replaces a published region), or that lies mostly (over 5 % of its area) outside the regions.
    """
    import geopandas as gpd
    import pandas as pd

    if outlines is None or len(outlines) == 0:
        return adm1
    outlines = outlines.to_crs(adm1.crs)
    where = OUTLINES_PATH.as_posix()
    taken = sorted(set(outlines["shapeISO"]) & set(adm1["shapeISO"]))
    if taken:
        raise DataError([Problem(where, f"{', '.join(taken)} is a region of the first-level boundaries already; "
                                        "an outline adds a city-region the boundary file lacks", "shapeISO")])
    country = adm1.geometry.union_all()
    area = outlines.to_crs("EPSG:6933").area
    inside = outlines.geometry.intersection(country).to_crs("EPSG:6933").area
    outside = [code for code, a, i in zip(outlines["shapeISO"], area, inside, strict=True) if i < 0.95 * a]
    if outside:
        raise DataError([Problem(where, f"{', '.join(outside)} lies mostly outside the country's regions; expected "
                                        "a city inside them (are longitude and latitude swapped?)", "shapeISO")])
    kept = adm1.copy()
    kept["geometry"] = kept.geometry.difference(outlines.geometry.union_all()).make_valid()
    kept = kept[~kept.geometry.is_empty]
    cols = ["shapeISO", "shapeName", "shapeID", "geometry"]
    return gpd.GeoDataFrame(pd.concat([kept, outlines[cols]], ignore_index=True), geometry="geometry", crs=adm1.crs)


def pack_yaml_lines(source: str) -> str:
    """What to add to ``pack.yaml`` so that the builders read the outlines (printed by the command)."""
    return f"""  city_outlines:            # before the regions table
    path: {OUTLINES_PATH.as_posix()}
    kind: geo
    status: measured          # 'modelled' for a circle drawn from a point and an area
    source: {json.dumps(source, ensure_ascii=False)}
    licence: ""
    vintage: ""
    description: Outlines of the city-regions the first-level boundary file lacks.
    key: shapeISO
    columns:
      shapeISO: {{type: str, unique: true}}
      shapeName: {{type: str}}
      shapeID: {{type: str, unique: true}}
and in the regions and districts tables' inputs `outlines: city_outlines`. The city also needs its code under
city_regions at the top of pack.yaml, a row in the census table, a row in the district names crosswalk (its
district, shape_name = the name given here) and its region and district names in every locale file."""
