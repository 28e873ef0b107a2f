"""Where a district's people live: at its settlements, and the dispersed remainder near them.

A pack's ``settlements`` table lists populated places with coordinates (for Tajikistan, GeoNames'
places of 500 people or more). Each district's places are those inside its polygon; a place GeoNames
gives no population counts as ``unknown_place_population`` people (many district centres are such
places); a district with no place at all has one, its polygon's representative point.

* **Town dwellers** (the urban population) live at the places: each place holds a share proportional
  to its population, within ``urban_radius_km`` of it.
* **Everyone else** lives near the places, not evenly over the district: the density at a point is
  ``Σ_p w_p exp(−d_p / dispersed_decay_km)``, where ``d_p`` is the distance (km) to place ``p`` and
  ``w_p`` its share of the district's place population. People in a mountain district thus live
  in its valleys' villages and towns, not on its glaciers.

A pack without a ``settlements`` table keeps the old rule (town dwellers at the district's university
town or centre, everyone else evenly over the polygon), and its pages say so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Radius around a place that holds its town dwellers, km.
URBAN_RADIUS_KM = 5.0


def district_places(districts, settlements: pd.DataFrame | None, unknown_population: float) -> pd.DataFrame:
    """The places of every district: its settlements, or its representative point when it has none.

    Parameters
    ----------
    districts : geopandas.GeoDataFrame
        ``district_code`` and polygons (WGS84).
    settlements : pandas.DataFrame or None
        ``name``, ``lon``, ``lat`` (degrees), ``population`` (persons, 0 when unknown).
    unknown_population : float
        Persons a place without a population figure counts as, > 0.

    Returns
    -------
    pandas.DataFrame
        ``district_code``, ``name``, ``lon``, ``lat``, ``weight`` (persons) and ``kind`` (``settlement``
        or ``centre``), sorted by district and weight (largest first).
    """
    import geopandas as gpd

    rows = []
    if settlements is not None and len(settlements):
        points = gpd.GeoDataFrame(settlements.reset_index(drop=True),
                                  geometry=gpd.points_from_xy(settlements["lon"], settlements["lat"]), crs=4326)
        joined = gpd.sjoin(points, districts[["district_code", "geometry"]].to_crs(4326), how="inner",
                           predicate="within")
        for r in joined.itertuples():
            rows.append({"district_code": r.district_code, "name": r.name, "lon": float(r.lon), "lat": float(r.lat),
                         "weight": float(r.population) if r.population > 0 else float(unknown_population),
                         "kind": "settlement"})
    have = {r["district_code"] for r in rows}
    for code, geom in zip(districts["district_code"], districts.to_crs(4326).geometry, strict=True):
        if code not in have:
            pt = geom.representative_point()
            rows.append({"district_code": code, "name": "", "lon": pt.x, "lat": pt.y, "weight": 1.0, "kind": "centre"})
    out = pd.DataFrame(rows, columns=["district_code", "name", "lon", "lat", "weight", "kind"])
    return out.sort_values(["district_code", "weight", "name"], ascending=[True, False, True]).reset_index(drop=True)


def dispersed_density(cell_xy: np.ndarray, place_xy: np.ndarray, weight: np.ndarray, decay_km: float) -> np.ndarray:
    """Share (0–1, summing to 1) of a district's dispersed people in each cell: ``Σ_p w_p exp(−d_p / decay_km)``.

    ``cell_xy`` and ``place_xy`` are projected coordinates in metres, ``weight`` the places' populations.
    """
    w = np.asarray(weight, dtype=float) / np.sum(weight)
    d_km = np.hypot(cell_xy[:, None, 0] - place_xy[None, :, 0], cell_xy[:, None, 1] - place_xy[None, :, 1]) / 1000
    density = np.exp(-d_km / float(decay_km)) @ w
    if density.sum() <= 0:  # every cell far beyond every place (cannot happen with a place inside)
        density = np.ones(len(cell_xy))
    return density / density.sum()


def settled_share(cell_xy: np.ndarray, place_xy: np.ndarray, weight: np.ndarray,
                  radius_km: float = URBAN_RADIUS_KM) -> np.ndarray:
    """Share (0–1, summing to 1) of a district's town dwellers in each cell: each place's share (by weight)
    spread evenly over the cells within ``radius_km`` of it (its nearest cell when none is that close)."""
    w = np.asarray(weight, dtype=float) / np.sum(weight)
    share = np.zeros(len(cell_xy))
    for (px, py), wp in zip(place_xy, w, strict=True):
        d = np.hypot(cell_xy[:, 0] - px, cell_xy[:, 1] - py)
        near = np.flatnonzero(d <= radius_km * 1000)
        if near.size == 0:
            near = np.array([int(np.argmin(d))])
        share[near] += wp / near.size
    return share


def draw_near(places: pd.DataFrame, n: int, decay_km: float, geom, rng: np.random.Generator,
              tries: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points (lon, lat in degrees) drawn from the dispersed density of a district's places.

    A place is drawn by weight, then a direction and a distance whose density per area falls as
    ``exp(−r / decay_km)`` (a gamma of shape 2); a point outside the polygon is drawn again, and after
    ``tries`` rounds the rest stay at their place.
    """
    from shapely import contains_xy

    w = places["weight"].to_numpy(dtype=float)
    pick = rng.choice(len(places), size=n, p=w / w.sum())
    lon0, lat0 = places["lon"].to_numpy()[pick], places["lat"].to_numpy()[pick]
    lon, lat = lon0.copy(), lat0.copy()
    todo = np.arange(n)
    for _ in range(tries):
        if todo.size == 0:
            break
        r = rng.gamma(2.0, decay_km, size=todo.size)
        a = rng.uniform(0, 2 * np.pi, size=todo.size)
        x = lon0[todo] + r * np.cos(a) / (111.32 * np.cos(np.radians(lat0[todo])))
        y = lat0[todo] + r * np.sin(a) / 111.32
        inside = contains_xy(geom, x, y)
        lon[todo[inside]], lat[todo[inside]] = x[inside], y[inside]
        todo = todo[~inside]
    return lon, lat
