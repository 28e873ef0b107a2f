"""Modelled population by district × urban/rural × sex × age band, exact to the census.

How the split is made (every number is in ``assumptions.yaml``, section ``population``):

1. **Districts.** Where the pack has official district populations (table ``district_population``:
   for Tajikistan the Statistics Agency's estimates for 1 January 2020, each row with its source),
   each region's census total is split over its districts in proportion to them (see
   :func:`official_district_weights`): every district with an official figure keeps its official
   share of the region, to within one person, and the regional totals stay the census's. Without
   such a table, a density rule splits them: ``area_km2 ** district_area_exponent`` times
   ``exp(-d / town_decay_km)``, where ``d`` is the distance (km) from the district's
   representative point to the nearest town with a university or institute, times
   ``1 + host_city_bonus`` for a district that contains such a town. A city-region is its own
   unit and takes its region's total.
2. **Urban and rural.** Every city-region (Dushanbe for Tajikistan) is all urban. Every other district starts from its
   region's ``base_urban_share`` (plus ``host_city_urban_uplift`` if it has a university
   town); these shares are scaled by one common factor, capped at ``max_urban_share``,
   until the national urban total equals the census figure exactly.
3. **Sex and age.** Each district × settlement total is split by ``male_share`` and the
   national ``age_shares``.

Every split uses largest-remainder apportionment, so the cells add up to the census
regional totals to the person and to the census urban total exactly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .counts import apportion

SETTLEMENTS = ("urban", "rural")
SEXES = ("female", "male")


def _urban_factor(base: np.ndarray, pop: np.ndarray, target: int, cap: float) -> np.ndarray:
    """Urban shares ``min(k * base, cap)`` with ``k`` solved so urban persons sum to ``target``."""
    if target > (cap * pop).sum():
        raise ValueError("the urban total cannot be reached under the urban share cap")
    lo, hi = 0.0, 1.0
    while (np.minimum(hi * base, cap) * pop).sum() < target:
        hi *= 2
    for _ in range(100):
        mid = (lo + hi) / 2
        if (np.minimum(mid * base, cap) * pop).sum() < target:
            lo = mid
        else:
            hi = mid
    return np.minimum(hi * base, cap)


def official_district_weights(official: pd.DataFrame, districts: pd.DataFrame, assumptions: dict) -> pd.DataFrame:
    """Each district's population on the official estimates' date, and whether any of it had to be filled.

    A row of ``official`` is a district (``district_code``) or a city inside a district's polygon
    (``<district_code>:<CITY>``, counted in that polygon). A row without a figure is filled: when the
    region's total on the same date is published (``estimate_region_totals``), the region's remainder
    (that total less the rows found) is split over the region's unfilled rows in proportion to their
    figures of another year (``remainder_weights``); otherwise each takes that other-year figure as it is.

    Parameters
    ----------
    official : pandas.DataFrame
        ``district_code``, ``population`` (persons; empty where no figure was found).
    districts : pandas.DataFrame
        ``district_code``, ``region_code`` of the pack's districts.
    assumptions : dict
        The ``population`` section: ``remainder_weights`` (row code to persons, another year) and
        ``estimate_region_totals`` (region code to persons, the estimates' date).

    Returns
    -------
    pandas.DataFrame
        ``district_code``, ``official`` (persons on the estimates' date, filled rows included) and
        ``filled`` (True when part of it is a filled remainder, not an official figure).
    """
    rows = official[["district_code", "population"]].copy()
    rows["polygon"] = rows["district_code"].str.split(":").str[0]
    rows["region_code"] = rows["polygon"].map(districts.set_index("district_code")["region_code"])
    missing = rows["population"].isna()
    weights = {str(k): float(v) for k, v in (assumptions.get("remainder_weights") or {}).items()}
    totals = assumptions.get("estimate_region_totals") or {}
    for region, idx in rows[missing].groupby("region_code").groups.items():
        w = np.array([weights.get(c, np.nan) for c in rows.loc[idx, "district_code"]])
        if np.isnan(w).any():
            raise ValueError(f"no remainder weight for {', '.join(rows.loc[idx, 'district_code'][np.isnan(w)])}")
        if region in totals:
            found = rows.loc[(rows["region_code"] == region) & ~missing, "population"].sum()
            rows.loc[idx, "population"] = apportion(int(totals[region]) - int(found), w)
        else:
            rows.loc[idx, "population"] = w
    rows["filled"] = missing
    out = rows.groupby("polygon").agg(official=("population", "sum"), filled=("filled", "any")).reset_index()
    return out.rename(columns={"polygon": "district_code"})


def district_totals(districts, census: pd.DataFrame, institutions: pd.DataFrame,
                    assumptions: dict, city_regions: list[str] | tuple[str, ...] = (),
                    official: pd.DataFrame | None = None) -> pd.DataFrame:
    """Population and urban population of each district (steps 1 and 2 above).

    Returns
    -------
    pandas.DataFrame
        ``district_code, region_code, host_city, population, urban, rural`` (persons) and
        ``total_source`` (``official`` or ``filled`` with official district populations, else ``density``).
    """
    from .learner_sample import nearest_km

    geo = districts.sort_values("district_code").reset_index(drop=True)
    d = pd.DataFrame(geo.drop(columns="geometry"))[["district_code", "region_code", "area_km2"]]
    d["host_city"] = d["district_code"].isin(set(institutions["district_code"]))
    if official is not None:
        known = official_district_weights(official, d, assumptions).set_index("district_code")
        absent = sorted(set(d["district_code"]) - set(known.index))
        if absent:
            raise ValueError(f"district_population has no row for {', '.join(absent)}")
        weight = d["district_code"].map(known["official"]).astype(float)
        d["total_source"] = np.where(d["district_code"].map(known["filled"]), "filled", "official")
    else:
        points = geo.geometry.representative_point()
        to_town = nearest_km(points.x, points.y, institutions["lon"], institutions["lat"])
        weight = d["area_km2"] ** float(assumptions["district_area_exponent"])
        weight = weight * np.exp(-to_town / float(assumptions["town_decay_km"]))
        weight = weight * np.where(d["host_city"], 1 + float(assumptions["host_city_bonus"]), 1.0)
        d["total_source"] = "density"
    totals = census.drop_duplicates("iso_3166_2").set_index("iso_3166_2")["population"]
    d["population"] = 0
    for region, idx in d.groupby("region_code").groups.items():
        d.loc[idx, "population"] = apportion(int(totals[region]), weight[idx].to_numpy())
    capital = d["region_code"].isin(list(city_regions))  # city-regions are all urban
    base = d["region_code"].map(assumptions["base_urban_share"]).fillna(0).to_numpy(dtype=float)
    base = base + np.where(d["host_city"], float(assumptions["host_city_urban_uplift"]), 0.0)
    target = int(assumptions["urban_total"]) - int(d.loc[capital, "population"].sum())
    others = ~capital.to_numpy()
    shares = _urban_factor(base[others], d.loc[others, "population"].to_numpy(dtype=float), target,
                           float(assumptions["max_urban_share"]))
    urban = np.zeros(len(d), dtype=np.int64)
    urban[capital.to_numpy()] = d.loc[capital, "population"].to_numpy()
    urban[others] = apportion(target, shares * d.loc[others, "population"].to_numpy())
    d["urban"] = np.minimum(urban, d["population"].to_numpy())
    d["rural"] = d["population"] - d["urban"]
    return d[["district_code", "region_code", "host_city", "population", "urban", "rural", "total_source"]]


def build_population(districts, census: pd.DataFrame, institutions: pd.DataFrame,
                     assumptions: dict, city_regions: list[str] | tuple[str, ...] = (),
                     official: pd.DataFrame | None = None) -> pd.DataFrame:
    """Population by district × settlement × sex × age band (persons), census-exact.

    Parameters
    ----------
    districts : geopandas.GeoDataFrame
        The pack's districts (``district_code``, ``region_code``, ``area_km2``).
    census : pandas.DataFrame
        Census totals (``iso_3166_2``, ``population``).
    institutions : pandas.DataFrame
        Institutions with ``district_code`` (their towns raise district weights).
    assumptions : dict
        The ``population`` section of ``assumptions.yaml``.
    city_regions : list of str
        Region codes of the city-regions (the capital and any other city that is a region of
        its own), all urban.
    official : pandas.DataFrame, optional
        Official district populations (``district_code``, ``population``); without them the
        density rule splits the regions.

    Returns
    -------
    pandas.DataFrame
        ``district_code, region_code, settlement, sex, age_band, population`` and ``district_total``
        (how the district's total was made: ``official``, ``filled`` — partly a region's remainder —
        or ``density``); one row per cell, zero cells included, sorted.
    """
    totals = district_totals(districts, census, institutions, assumptions, city_regions, official)
    ages = list(assumptions["age_shares"])
    age_w = np.array([assumptions["age_shares"][a] for a in ages], dtype=float)
    male = float(assumptions["male_share"])
    sex_w = np.array([1 - male, male])
    cell_w = np.outer(sex_w, age_w).ravel()  # female ages…, male ages…
    rows = []
    for rec in totals.itertuples(index=False):
        for settlement in SETTLEMENTS:
            n = int(getattr(rec, settlement))
            parts = apportion(n, cell_w)
            for k, count in enumerate(parts):
                rows.append((rec.district_code, rec.region_code, settlement, SEXES[k // len(ages)],
                             ages[k % len(ages)], int(count), rec.total_source))
    out = pd.DataFrame(rows, columns=["district_code", "region_code", "settlement", "sex", "age_band",
                                      "population", "district_total"])
    return out.sort_values(["district_code", "settlement", "sex", "age_band"]).reset_index(drop=True)


def build_population_official(districts, census: pd.DataFrame, institutions: pd.DataFrame, official: pd.DataFrame,
                              assumptions: dict, city_regions: list[str] | tuple[str, ...] = ()) -> pd.DataFrame:
    """:func:`build_population` with district totals in proportion to official district populations.

    Parameters are those of :func:`build_population`; ``official`` is the pack's measured table of
    district populations (``district_code``, ``population``, one row per district and per city counted
    in a district's polygon), and ``assumptions`` also holds ``remainder_weights`` and
    ``estimate_region_totals`` (see :func:`official_district_weights`).
    """
    return build_population(districts, census, institutions, assumptions, city_regions, official)


def summarise(population: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Population totals and urban share by the given columns.

    Returns
    -------
    pandas.DataFrame
        ``by`` columns, ``population`` (persons), ``urban`` (persons) and ``urban_share`` (0–1).
    """
    p = population.assign(urban=np.where(population["settlement"] == "urban", population["population"], 0))
    g = p.groupby(by, as_index=False)[["population", "urban"]].sum()
    g["urban_share"] = g["urban"] / g["population"]
    return g
