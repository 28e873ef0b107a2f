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

from ..core.errors import DataError, ParameterError

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
    shape = gpd.GeoSeries([Point(0, 0).buffer(radius, quad_segs=POINTS // 4)], crs=local)
    return shape.to_crs("EPSG:4326").iloc[0]


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
    if not sep or not field:
        raise ParameterError(f"pack outline: --where is {where!r}, expected FIELD=VALUE (e.g. shapeName=Osh)")
    if not Path(path).is_file():
        raise ParameterError(f"pack outline: {path}: no such file")
    try:
        layer = gpd.read_file(path)
    except Exception as exc:  # a file GDAL cannot read: say which, in one line
        raise DataError(f"{path}: not a boundary file GDAL can read ({str(exc).splitlines()[0]})") from None
    if field not in layer.columns:
        raise DataError(f"{path}: no column {field!r}; its columns are {', '.join(map(str, layer.columns))}")
    if layer.crs is None:
        raise DataError(f"{path}: the file states no CRS; expected one (EPSG:4326 for lon/lat)")
    chosen = layer[layer[field].astype(str) == value]
    if chosen.empty:
        some = ", ".join(sorted(map(str, layer[field].unique()))[:10])
        raise DataError(f"{path}, column {field!r}: no feature is {value!r}; values include {some}")
    if not chosen.geom_type.isin(["Polygon", "MultiPolygon"]).all():
        raise DataError(f"{path}, column {field!r} = {value!r}: expected polygons, found "
                        f"{', '.join(sorted(set(chosen.geom_type)))}")
    return chosen.to_crs("EPSG:4326").geometry.union_all()


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

    if not CODE.match(code):
        raise ParameterError(f"pack outline: code {code!r} is not an ISO 3166-2 region code (e.g. KG-GO)")
    if not name.strip() or any(ord(ch) < 32 for ch in name):
        raise ParameterError(f"pack outline: name {name!r} is empty or holds control characters")
    if not (Path(pack_dir) / "pack.yaml").is_file():
        raise ParameterError(f"pack outline: {pack_dir} is not a pack folder (no pack.yaml)")
    path = Path(pack_dir) / OUTLINES_PATH
    features = json.loads(path.read_text(encoding="utf-8"))["features"] if path.is_file() else []
    features = [f for f in features if f["properties"].get("shapeISO") != code]
    features.append({"type": "Feature", "properties": {"shapeISO": code, "shapeName": name, "shapeID": f"outline-{code}"},
                     "geometry": mapping(geometry)})
    features.sort(key=lambda f: f["properties"]["shapeISO"])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    tmp.replace(path)  # a reader never sees half a file
    return path


def with_outlines(adm1, outlines=None):
    """The ADM1 layer with each outline cut out of the regions around it and added as a region of its own.

    Parameters
    ----------
    adm1 : geopandas.GeoDataFrame
        Raw ADM1 layer (``shapeISO``, ``shapeName``, ``shapeID``).
    outlines : geopandas.GeoDataFrame, optional
        City outlines with the same columns (:data:`OUTLINES_PATH`); ``None`` or empty: ``adm1`` unchanged.
    """
    import geopandas as gpd
    import pandas as pd

    if outlines is None or len(outlines) == 0:
        return adm1
    outlines = outlines.to_crs(adm1.crs)
    kept = adm1[~adm1["shapeISO"].isin(outlines["shapeISO"])].copy()  # an outline replaces a published one
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
    source: "{source}"
    licence: ""
    vintage: ""
    description: Outlines of the city-regions the first-level boundary file lacks.
    key: shapeISO
and in the regions and districts tables' inputs: `outlines: city_outlines`; the city's code under
city_regions at the top of pack.yaml."""
