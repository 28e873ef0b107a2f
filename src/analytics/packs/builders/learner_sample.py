"""A modelled, weighted household-survey-like sample of people aged 17–34.

The data-generating model (``assumptions.yaml``, section ``learners``; true effects are
recorded there so that regressions on the sample can be checked to recover them):

* **Design.** Strata are district × settlement. Each non-empty stratum gets 2 people plus
  a share of the rest proportional to ``population ** allocation_power``; the weight of a
  person is the stratum's 17–34 population divided by its sample size, so weights add up
  to the modelled population aged 17–34.
* **People.** Sex and age band follow the stratum's population cells; age is uniform
  within the band. Income quintile follows ``urban_quintile_probs`` in towns and, in
  villages, the probabilities that make every national quintile hold 20 %.
* **Place.** With the pack's ``settlements`` (:mod:`.places`): urban people live at their
  district's places, drawn by population, within about ``urban_jitter_km``; rural people near
  them, at a distance whose density falls as ``exp(-r / dispersed_decay_km)``. Without
  settlements: urban people near the district's main town (a university town when there is one),
  rural people anywhere in the polygon. Distance to the nearest university is the great-circle
  distance (km).
* **Outcomes.** Home internet, then tertiary enrolment, then part-time status, each a
  logistic model with the recorded coefficients. The intercepts of enrolment and part-time
  study are not typed: each is solved (:func:`solve_intercept`) so that the weighted number
  of students in the sample equals the institutions table's students, and of part-time
  students its part-time students (every student is taken to be aged 17–34); devices follow household ownership
  shares by settlement and quintile; language best understood follows regional shares.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .counts import apportion

EARTH_RADIUS_KM = 6371.0088
AGE_RANGES = {"17-24": (17, 24), "25-34": (25, 34)}


def haversine_km(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Great-circle distance in km between points given in degrees (broadcasting)."""
    lon1, lat1, lon2, lat2 = (np.radians(np.asarray(a, dtype=float)) for a in (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def nearest_km(lon, lat, inst_lon, inst_lat) -> np.ndarray:
    """Distance (km) from each point to the nearest of the given institutions (brute force)."""
    d = haversine_km(np.asarray(lon)[:, None], np.asarray(lat)[:, None],
                     np.asarray(inst_lon)[None, :], np.asarray(inst_lat)[None, :])
    return d.min(axis=1)


def _logistic(x):
    return 1.0 / (1.0 + np.exp(-x))


def rural_quintile_probs(urban_probs, urban_share: float) -> np.ndarray:
    """Rural quintile probabilities that make each national quintile hold exactly 20 %."""
    u = np.asarray(urban_probs, dtype=float)
    r = (0.2 - urban_share * u) / (1 - urban_share)
    if (r < 0).any():
        raise ValueError("urban quintile probabilities are too skewed for the urban share")
    return r


def _slopes(assumptions: dict, key: str) -> dict:
    """The recorded effects of a logit; its intercept is solved from the institutions, never typed."""
    effects = assumptions[key]
    if "intercept" in effects:
        from ...core.errors import DataError, Problem

        raise DataError([Problem("assumptions.yaml", f"learners.{key} gives an intercept; remove it: the "
                                 "intercept is solved so that the sample's students equal the institutions' total")])
    return effects


def solve_intercept(eta: np.ndarray, uniforms: np.ndarray, weights: np.ndarray, target: float) -> float:
    """The intercept ``a`` whose draws ``uniforms < logistic(a + eta)`` weigh closest to ``target``.

    Person ``i`` is drawn when ``a > logit(u_i) − eta_i``; sorting those thresholds and
    adding weights in that order gives the weighted total for every ``a`` at once, so the
    realised total (not only its expectation) is matched to within one person's weight.

    Parameters
    ----------
    eta : numpy.ndarray
        Linear predictor without the intercept (log-odds).
    uniforms : numpy.ndarray
        The uniform draws (0–1) that decide each person.
    weights : numpy.ndarray
        Survey weights (persons).
    target : float
        Weighted total to reach (persons).
    """
    u = np.clip(np.asarray(uniforms, dtype=float), 1e-12, 1 - 1e-12)
    weights = np.asarray(weights, dtype=float)
    threshold = np.log(u / (1 - u)) - np.asarray(eta, dtype=float)
    order = np.argsort(threshold, kind="stable")
    cum = np.cumsum(weights[order])
    k = int(np.argmin(np.abs(np.concatenate([[0.0], cum]) - target)))  # k people drawn
    t = threshold[order]
    if k == 0:
        return float(t[0] - 1.0)
    if k == len(t):
        return float(t[-1] + 1.0)
    return float((t[k - 1] + t[k]) / 2)


def _points_in(geom, n: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """``n`` uniform random points inside a polygon (rejection sampling)."""
    import shapely

    minx, miny, maxx, maxy = geom.bounds
    xs, ys = [], []
    got = 0
    while got < n:
        x = rng.uniform(minx, maxx, size=4 * (n - got) + 16)
        y = rng.uniform(miny, maxy, size=x.size)
        inside = shapely.contains_xy(geom, x, y)
        xs.append(x[inside])
        ys.append(y[inside])
        got += int(inside.sum())
    return np.concatenate(xs)[:n], np.concatenate(ys)[:n]


def build_learner_sample(population: pd.DataFrame, districts, institutions: pd.DataFrame,
                         connectivity: pd.DataFrame, devices: pd.DataFrame, assumptions: dict,
                         seed: int, settlements: pd.DataFrame | None = None) -> pd.DataFrame:
    """Draw the weighted sample of people aged 17–34.

    Parameters
    ----------
    population : pandas.DataFrame
        Modelled population by district × settlement × sex × age band.
    districts : geopandas.GeoDataFrame
        District polygons (WGS84).
    institutions : pandas.DataFrame
        Institutions with ``lon``, ``lat`` (degrees) and ``district_code``.
    connectivity : pandas.DataFrame
        Coverage by district × settlement (``cov_4g``).
    devices : pandas.DataFrame
        Device ownership by settlement × quintile.
    assumptions : dict
        The ``learners`` section of ``assumptions.yaml``.
    seed : int
        Random seed.
    settlements : pandas.DataFrame, optional
        Populated places (``name``, ``lon``, ``lat``, ``population``): where people live; without
        them, rural people are spread evenly over their district.

    Returns
    -------
    pandas.DataFrame
        One row per person: ``person_id, district_code, region_code, settlement, sex, age,
        age_band, quintile, distance_km, internet_home, smartphone, computer, device,
        language, enrolled, part_time, weight``.
    """
    rng = np.random.default_rng(seed)
    young = population[population["age_band"].isin(list(AGE_RANGES))]
    strata = young.groupby(["district_code", "region_code", "settlement"], as_index=False)["population"].sum()
    strata = strata[strata["population"] > 0].sort_values(["district_code", "settlement"]).reset_index(drop=True)
    n_total = int(assumptions["sample_size"])
    extra = apportion(n_total - 2 * len(strata),
                      strata["population"].to_numpy(dtype=float) ** float(assumptions["allocation_power"]))
    strata["n"] = 2 + extra
    urban_share = strata.loc[strata["settlement"] == "urban", "population"].sum() / strata["population"].sum()
    q_probs = {"urban": np.asarray(assumptions["urban_quintile_probs"], dtype=float),
               "rural": rural_quintile_probs(assumptions["urban_quintile_probs"], urban_share)}
    geoms = districts.set_index("district_code").geometry
    town = institutions.groupby("district_code")[["lon", "lat"]].first()
    cov4g = connectivity.set_index(["district_code", "settlement"])["cov_4g"]
    jitter = float(assumptions["urban_jitter_km"])
    places = None
    if settlements is not None:
        from .places import district_places, draw_near

        places = district_places(districts, settlements, float(assumptions["unknown_place_population"]))
        places = {c: g for c, g in places.groupby("district_code")}
        decay = float(assumptions["dispersed_decay_km"])

    parts = []
    for s in strata.itertuples(index=False):
        n = int(s.n)
        cells = young[(young["district_code"] == s.district_code) & (young["settlement"] == s.settlement)]
        cells = cells[cells["population"] > 0]
        pick = rng.choice(len(cells), size=n, p=(cells["population"] / cells["population"].sum()).to_numpy())
        sex = cells["sex"].to_numpy()[pick]
        band = cells["age_band"].to_numpy()[pick]
        lo = np.array([AGE_RANGES[b][0] for b in band])
        hi = np.array([AGE_RANGES[b][1] for b in band])
        age = rng.integers(lo, hi + 1)
        quintile = rng.choice(5, size=n, p=q_probs[s.settlement]) + 1
        geom = geoms[s.district_code]
        if places is not None:
            mine = places[s.district_code]
            if s.settlement == "urban":
                pick = rng.choice(len(mine), size=n, p=(mine["weight"] / mine["weight"].sum()).to_numpy())
                lat0 = mine["lat"].to_numpy()[pick]
                lon = mine["lon"].to_numpy()[pick] + rng.normal(0, jitter / 111.32, size=n) / np.cos(np.radians(lat0))
                lat = lat0 + rng.normal(0, jitter / 111.32, size=n)
            else:
                lon, lat = draw_near(mine, n, decay, geom, rng)
        elif s.settlement == "urban":
            if s.district_code in town.index:
                lon0, lat0 = town.loc[s.district_code, ["lon", "lat"]]
            else:
                pt = geom.representative_point()
                lon0, lat0 = pt.x, pt.y
            dy = rng.normal(0, jitter / 111.32, size=n)
            dx = rng.normal(0, jitter / (111.32 * np.cos(np.radians(lat0))), size=n)
            lon, lat = lon0 + dx, lat0 + dy
        else:
            lon, lat = _points_in(geom, n, rng)
        parts.append(pd.DataFrame({
            "district_code": s.district_code, "region_code": s.region_code, "settlement": s.settlement,
            "sex": sex, "age": age, "age_band": band, "quintile": quintile, "lon": lon, "lat": lat,
            "cov_4g": float(cov4g.get((s.district_code, s.settlement), 0.0)),
            "weight": s.population / n}))
    df = pd.concat(parts, ignore_index=True)
    df["distance_km"] = nearest_km(df["lon"], df["lat"], institutions["lon"], institutions["lat"]).round(3)

    urban = (df["settlement"] == "urban").to_numpy(dtype=float)
    female = (df["sex"] == "female").to_numpy(dtype=float)
    older = (df["age_band"] == "25-34").to_numpy(dtype=float)
    qc = df["quintile"].to_numpy(dtype=float) - 3
    b = assumptions["internet_logit"]
    p_net = _logistic(b["intercept"] + b["urban"] * urban + b["quintile"] * qc + b["cov_4g"] * df["cov_4g"])
    df["internet_home"] = rng.random(len(df)) < p_net

    dev = devices.set_index(["settlement", "quintile"])
    keys = list(zip(df["settlement"], df["quintile"], strict=True))
    df["smartphone"] = rng.random(len(df)) < dev.loc[keys, "smartphone_share"].to_numpy()
    df["computer"] = rng.random(len(df)) < dev.loc[keys, "computer_share"].to_numpy()
    df["device"] = np.where(df["computer"], "computer", np.where(df["smartphone"], "smartphone", "none"))

    shares = assumptions["language_shares"]
    lang = np.empty(len(df), dtype=object)
    for region, idx in df.groupby("region_code").groups.items():
        table = shares.get(region, shares["default"])
        names = list(table)
        p = np.asarray([table[k] for k in names], dtype=float)
        lang[np.asarray(idx)] = rng.choice(names, size=len(idx), p=p / p.sum())
    df["language"] = lang

    c = _slopes(assumptions, "enrolment_logit")
    eta = (c["urban"] * urban + c["female"] * female + c["quintile"] * qc
           + c["distance_per_10km"] * df["distance_km"].to_numpy() / 10 + c["internet"] * df["internet_home"]
           + c["age_25_34"] * older).to_numpy(dtype=float)
    weight = df["weight"].to_numpy(dtype=float)
    u = rng.random(len(df))
    intercept = solve_intercept(eta, u, weight, float(institutions["students"].sum()))
    df["enrolled"] = u < _logistic(intercept + eta)
    g = _slopes(assumptions, "part_time_logit")
    eta_part = g["age_25_34"] * older + g["rural"] * (1 - urban) + g["female"] * female
    u = rng.random(len(df))
    enrolled = df["enrolled"].to_numpy()
    part_intercept = solve_intercept(eta_part[enrolled], u[enrolled], weight[enrolled],
                                     float(institutions["students_part_time"].sum()))
    df["part_time"] = enrolled & (u < _logistic(part_intercept + eta_part))

    df.insert(0, "person_id", [f"P{i:05d}" for i in range(1, len(df) + 1)])
    df["weight"] = df["weight"].round(4)
    cols = ["person_id", "district_code", "region_code", "settlement", "sex", "age", "age_band", "quintile",
            "distance_km", "internet_home", "smartphone", "computer", "device", "language", "enrolled",
            "part_time", "weight"]
    return df[cols]
