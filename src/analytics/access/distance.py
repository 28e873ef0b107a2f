"""Distance to the nearest university, for districts (population-weighted) and a national grid.

Distances are straight-line kilometres in a Lambert azimuthal equal-area projection
centred on the country (distortion under 1 % across Tajikistan), found with a k-d tree
(``scipy.spatial.cKDTree``). Travel over mountain roads is longer: these are lower bounds.

People are placed on the grid by a stated rule: a district's rural population spreads
evenly over its cells; its urban population over the cells within ``urban_radius_km`` of
its main town (its university town if it has one, else its representative point).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.errors import ParameterError

#: Most grid cells a run may build (3 million cells take about 1 GB with the people placed on them).
MAX_CELLS = 3_000_000


def local_crs(gdf) -> str:
    """A Lambert azimuthal equal-area CRS (metres) centred on the layer's extent."""
    minx, miny, maxx, maxy = gdf.to_crs("EPSG:4326").total_bounds
    return (f"+proj=laea +lat_0={(miny + maxy) / 2:.3f} +lon_0={(minx + maxx) / 2:.3f} "
            "+x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs")


def country_grid(districts, cell_km: float = 1.0, crs: str | None = None) -> pd.DataFrame:
    """Centres of a regular grid of square cells covering the districts.

    Parameters
    ----------
    districts : geopandas.GeoDataFrame
        District polygons with ``district_code`` and ``region_code``.
    cell_km : float
        Cell size, km (1 km gives about 141,000 cells for Tajikistan).
    crs : str, optional
        Projected CRS in metres (default: :func:`local_crs`).

    Returns
    -------
    pandas.DataFrame
        ``x``, ``y`` (m), ``district_code``, ``region_code``; one row per cell whose centre
        lies in a district. ``attrs["crs"]`` holds the CRS, ``attrs["cell_km"]`` the size.
    """
    import shapely

    if not cell_km > 0:
        raise ParameterError(f"grid_km is {cell_km!r}; expected a positive cell size in km")
    crs = crs or local_crs(districts)
    proj = districts.to_crs(crs)
    cells = float(proj.area.sum()) / (cell_km * 1000.0) ** 2
    if cells > MAX_CELLS:
        smallest = (float(proj.area.sum()) / MAX_CELLS) ** 0.5 / 1000.0
        raise ParameterError(f"grid_km={cell_km:g} would make about {cells:,.0f} grid cells, more than the "
                             f"{MAX_CELLS:,} a run may hold in memory; use grid_km of at least {smallest:.2f}")
    step = cell_km * 1000.0
    parts = []
    for code, region, geom in zip(proj["district_code"], proj["region_code"], proj.geometry, strict=True):
        minx, miny, maxx, maxy = geom.bounds
        xs = np.arange(np.floor(minx / step) * step + step / 2, maxx, step)
        ys = np.arange(np.floor(miny / step) * step + step / 2, maxy, step)
        gx, gy = np.meshgrid(xs, ys)
        gx, gy = gx.ravel(), gy.ravel()
        inside = shapely.contains_xy(geom, gx, gy)
        parts.append(pd.DataFrame({"x": gx[inside], "y": gy[inside], "district_code": code, "region_code": region}))
    grid = pd.concat(parts, ignore_index=True).drop_duplicates(["x", "y"], ignore_index=True)
    grid.attrs.update(crs=crs, cell_km=cell_km)
    return grid


def site_xy(institutions: pd.DataFrame, crs: str) -> np.ndarray:
    """Projected coordinates (m) of the distinct institution locations."""
    from pyproj import Transformer

    sites = institutions[["lon", "lat"]].drop_duplicates().to_numpy(dtype=float)
    x, y = Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform(sites[:, 0], sites[:, 1])
    return np.column_stack([x, y])


def nearest_km(points_xy: np.ndarray, sites_xy: np.ndarray) -> np.ndarray:
    """Distance (km) from each point to the nearest site, with a k-d tree."""
    from scipy.spatial import cKDTree

    dist, _ = cKDTree(sites_xy).query(points_xy, k=1)
    return dist / 1000.0


def nearest_km_brute_force(points_xy: np.ndarray, sites_xy: np.ndarray, chunk: int = 20_000) -> np.ndarray:
    """Distance (km) to the nearest site by computing every point–site pair (for checking)."""
    out = np.empty(len(points_xy))
    for start in range(0, len(points_xy), chunk):
        block = points_xy[start:start + chunk]
        d2 = ((block[:, None, :] - sites_xy[None, :, :]) ** 2).sum(axis=2)
        out[start:start + chunk] = np.sqrt(d2.min(axis=1)) / 1000.0
    return out


def people_on_grid(grid: pd.DataFrame, population: pd.DataFrame, institutions: pd.DataFrame, districts,
                   age_bands: list[str] | None = None, urban_radius_km: float = 5.0,
                   places: pd.DataFrame | None = None, dispersed_decay_km: float | None = None) -> pd.DataFrame:
    """Persons per grid cell, with the distance of each cell to the nearest university.

    With ``places`` (:func:`analytics.packs.builders.places.district_places`), a district's town
    dwellers live within ``urban_radius_km`` of its places (shared by population) and everyone else
    near them, their density falling as ``exp(-d / dispersed_decay_km)``
    (:mod:`analytics.packs.builders.places`). Without, town dwellers live around the district's
    university town (or its representative point) and everyone else evenly over the district.

    Parameters
    ----------
    grid : pandas.DataFrame
        From :func:`country_grid`.
    population : pandas.DataFrame
        Persons by district × settlement × sex × age band.
    institutions : pandas.DataFrame
        Institutions with ``lon``, ``lat`` and ``district_code``.
    districts : geopandas.GeoDataFrame
        District polygons (for towns of districts without a university).
    age_bands : list of str, optional
        Count only these age bands (default: everyone).
    urban_radius_km : float
        Radius around a place (or the district's town) holding its town dwellers, km.
    places : pandas.DataFrame, optional
        Each district's places: ``district_code``, ``lon``, ``lat`` (degrees), ``weight`` (persons).
    dispersed_decay_km : float, optional
        Distance over which the density of people not in towns falls by a factor e, km (with ``places``).

    Returns
    -------
    pandas.DataFrame
        The grid with ``persons`` (float) and ``distance_km``.
    """
    from pyproj import Transformer

    from ..packs.builders.places import dispersed_density, settled_share

    crs = grid.attrs["crs"]
    pop = population if age_bands is None else population[population["age_band"].isin(age_bands)]
    by = pop.groupby(["district_code", "settlement"])["population"].sum().unstack(fill_value=0)
    towns = institutions.groupby("district_code")[["lon", "lat"]].first()
    reps = districts.set_index("district_code").geometry.representative_point()
    tf = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    of = {c: g for c, g in places.groupby("district_code")} if places is not None else {}
    persons = np.zeros(len(grid))
    codes = grid["district_code"].to_numpy()
    xy = grid[["x", "y"]].to_numpy()
    for code in np.unique(codes):
        idx = np.flatnonzero(codes == code)
        rural = float(by.loc[code, "rural"]) if code in by.index and "rural" in by else 0.0
        urban = float(by.loc[code, "urban"]) if code in by.index and "urban" in by else 0.0
        if code in of:
            px, py = tf.transform(of[code]["lon"].to_numpy(), of[code]["lat"].to_numpy())
            place_xy, weight = np.column_stack([px, py]), of[code]["weight"].to_numpy()
            persons[idx] += rural * dispersed_density(xy[idx], place_xy, weight, dispersed_decay_km)
            persons[idx] += urban * settled_share(xy[idx], place_xy, weight, urban_radius_km)
            continue
        persons[idx] += rural / len(idx)
        lon, lat = (towns.loc[code, ["lon", "lat"]] if code in towns.index else (reps[code].x, reps[code].y))
        tx, ty = tf.transform(float(lon), float(lat))
        d = np.hypot(xy[idx, 0] - tx, xy[idx, 1] - ty)
        near = idx[d <= urban_radius_km * 1000] if (d <= urban_radius_km * 1000).any() else idx[[np.argmin(d)]]
        persons[near] += urban / len(near)
    out = grid.copy()
    out["persons"] = persons
    out["distance_km"] = nearest_km(xy, site_xy(institutions, crs))
    return out


def pack_places(pack) -> tuple[pd.DataFrame | None, float | None]:
    """A pack's district places and dispersed decay (km) for :func:`people_on_grid`; (None, None) for a pack
    without a ``settlements`` table (its people are placed by the old rule)."""
    if "settlements" not in pack.tables:
        return None, None
    from ..packs.builders.places import district_places

    assumed = pack.assumed("learners")
    return (district_places(pack.districts, pack.settlements, float(assumed["unknown_place_population"])),
            float(assumed["dispersed_decay_km"]))


def pack_cells(pack, grid_km: float, age_bands: list[str] | None = None) -> tuple[pd.DataFrame, int]:
    """The pack's people (of ``age_bands``; everyone by default) on a grid of ``grid_km`` cells, with each
    cell's distance to the nearest university (:func:`people_on_grid`), and the grid's number of cells."""
    grid = country_grid(pack.districts, grid_km)
    places, decay = pack_places(pack)
    cells = people_on_grid(grid, pack.population, pack.institutions, pack.districts, age_bands,
                           places=places, dispersed_decay_km=decay)
    return cells, len(grid)


def for_area(pack, region: str = "all", grid_km: float = 1.0, age_band: str = "17-24") -> DistanceResult:
    """Distance to the nearest university for the districts of an area (``"all"``: the country) and one age band."""
    cells, n_cells = pack_cells(pack, grid_km, [age_band])
    by_d = district_distance(cells)
    if region != "all":
        by_d = by_d[by_d["region_code"] == region]
    return DistanceResult(by_d.reset_index(drop=True), beyond_shares(cells, region=region), n_cells, grid_km)


def district_distance(cells: pd.DataFrame, thresholds=(25, 50, 100)) -> pd.DataFrame:
    """Population-weighted distance to the nearest university and shares beyond thresholds, by district.

    Returns
    -------
    pandas.DataFrame
        ``district_code, region_code, persons, mean_km`` (population-weighted), and
        ``beyond_<k>km`` shares (0–1) of persons farther than each threshold.
    """
    c = cells.assign(_wd=cells["persons"] * cells["distance_km"])
    for k in thresholds:
        c[f"beyond_{k}km"] = c["persons"] * (c["distance_km"] > k)
    cols = ["persons", "_wd"] + [f"beyond_{k}km" for k in thresholds]
    g = c.groupby(["district_code", "region_code"], as_index=False)[cols].sum()
    g["mean_km"] = g["_wd"] / g["persons"].where(g["persons"] > 0)
    for k in thresholds:
        g[f"beyond_{k}km"] = g[f"beyond_{k}km"] / g["persons"].where(g["persons"] > 0)
    return g.drop(columns="_wd")[["district_code", "region_code", "persons", "mean_km",
                                  *[f"beyond_{k}km" for k in thresholds]]]


def beyond_shares(cells: pd.DataFrame, thresholds=(25, 50, 100), region: str = "all") -> dict[str, float]:
    """Shares (0–1) of persons farther than each threshold from a university, for the country or a region."""
    c = cells if region == "all" else cells[cells["region_code"] == region]
    total = c["persons"].sum()
    return {f"beyond_{k}km": float(c.loc[c["distance_km"] > k, "persons"].sum() / total) for k in thresholds}


@dataclass
class DistanceResult:
    """Distance to the nearest university for an area: by district, and shares beyond thresholds."""

    by_district: pd.DataFrame
    shares: dict[str, float]
    cells: int
    cell_km: float

    def to_frame(self) -> pd.DataFrame:
        """Tidy: one row per district with persons, population-weighted ``mean_km`` and ``beyond_<k>km`` (0–1)."""
        return self.by_district.copy()

    def summary(self) -> str:
        shares = ", ".join(f"{k.removeprefix('beyond_')}: {v:.1%}" for k, v in self.shares.items())
        return f"Distance to the nearest university on {self.cells:,} cells of {self.cell_km:g} km; beyond {shares}"


#: A district is flagged when its people's mean distance and its centre's distance differ by more than this
#: factor and by more than :data:`PLAUSIBLE_KM`.
PLAUSIBLE_FACTOR = 2.0
PLAUSIBLE_KM = 15.0


def plausibility(pack, grid_km: float = 5.0) -> pd.DataFrame:
    """Each district's population-weighted mean distance to a university beside its centre's distance.

    The centre is the district's largest place (:func:`pack_places`; its representative point without a
    settlements table). A district is ``flagged`` when the two differ by more than
    :data:`PLAUSIBLE_FACTOR` times and :data:`PLAUSIBLE_KM` km: where people were placed does not match
    where its town is, a first thing a reviewer checks.

    Returns
    -------
    pandas.DataFrame
        ``district_code``, ``mean_km`` (people's mean), ``centre_km`` (the centre's distance), ``ratio``,
        ``flagged``.
    """
    from ..packs.builders.learner_sample import nearest_km as great_circle_nearest

    places, _ = pack_places(pack)
    cells, _ = pack_cells(pack, grid_km)
    by = district_distance(cells)[["district_code", "mean_km"]]
    if places is None:
        reps = pack.districts.geometry.representative_point()
        centre = pd.DataFrame({"district_code": pack.districts["district_code"], "lon": reps.x, "lat": reps.y})
    else:
        centre = places.drop_duplicates("district_code")[["district_code", "lon", "lat"]]  # the largest place
    centre = centre.assign(centre_km=great_circle_nearest(centre["lon"], centre["lat"], pack.institutions["lon"],
                                                          pack.institutions["lat"]))
    out = by.merge(centre[["district_code", "centre_km"]], on="district_code")
    out["ratio"] = (out["mean_km"] + 1) / (out["centre_km"] + 1)  # 1 km added: a town with a university is ~0 km
    out["flagged"] = ((out["ratio"] > PLAUSIBLE_FACTOR) | (out["ratio"] < 1 / PLAUSIBLE_FACTOR)) & \
        ((out["mean_km"] - out["centre_km"]).abs() > PLAUSIBLE_KM)
    return out.sort_values("district_code").reset_index(drop=True)
