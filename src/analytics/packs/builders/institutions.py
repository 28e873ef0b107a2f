"""Higher-education institutions: real names, cities and coordinates; modelled enrolment."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .counts import apportion


def locate(points: pd.DataFrame, districts, lon: str = "lon", lat: str = "lat") -> pd.DataFrame:
    """District and region of each point (point in polygon; nearest district if on no polygon).

    Parameters
    ----------
    points : pandas.DataFrame
        Rows with longitude and latitude columns (degrees, WGS84).
    districts : geopandas.GeoDataFrame
        The pack's districts (``district_code``, ``region_code``).

    Returns
    -------
    pandas.DataFrame
        ``points`` with ``district_code`` and ``region_code`` added.
    """
    import geopandas as gpd

    gpts = gpd.GeoDataFrame(points.reset_index(drop=True),
                            geometry=gpd.points_from_xy(points[lon], points[lat]), crs="EPSG:4326")
    metric = "EPSG:6933"
    joined = gpd.sjoin_nearest(gpts.to_crs(metric),
                               districts[["district_code", "region_code", "geometry"]].to_crs(metric),
                               how="left")
    joined = joined[~joined.index.duplicated(keep="first")]
    out = points.reset_index(drop=True).copy()
    out["district_code"] = joined["district_code"].to_numpy()
    out["region_code"] = joined["region_code"].to_numpy()
    return out


def build_institutions(reference: pd.DataFrame, districts, assumptions: dict) -> pd.DataFrame:
    """Institutions with their district and modelled full-time and part-time enrolment.

    Enrolment is modelled: a stated national total of students is split across
    institutions by a weight for their kind (``size_weight``), and each institution's
    students into full-time and part-time (correspondence) so that the national part-time
    share holds exactly, tilted by kind (``part_time_tilt``).

    Parameters
    ----------
    reference : pandas.DataFrame
        ``reference/institutions.csv``: id, name, city, lat, lon (degrees), kind, languages.
    districts : geopandas.GeoDataFrame
        The pack's districts.
    assumptions : dict
        The ``institutions`` section of ``assumptions.yaml``.

    Returns
    -------
    pandas.DataFrame
        One row per institution with ``district_code``, ``region_code``, ``students``,
        ``students_full_time`` and ``students_part_time`` (persons).
    """
    df = locate(reference, districts)
    weight = df["kind"].map(assumptions["size_weight"]).astype(float)
    total = int(assumptions["national_students"])
    df["students"] = apportion(total, weight.to_numpy())
    tilt = df["kind"].map(assumptions["part_time_tilt"]).astype(float).to_numpy()
    part_total = int(round(total * float(assumptions["part_time_share"])))
    part = apportion(part_total, df["students"].to_numpy() * tilt)
    # no institution can teach more part-time students than it has: move any excess on
    excess = np.maximum(part - df["students"].to_numpy(), 0)
    if excess.any():
        part = part - excess
        room = df["students"].to_numpy() - part
        part = part + apportion(int(excess.sum()), room * (tilt > 0))
    df["students_part_time"] = part.astype("int64")
    df["students_full_time"] = (df["students"] - df["students_part_time"]).astype("int64")
    cols = ["institution_id", "name_en", "city", "lat", "lon", "district_code", "region_code", "kind",
            "languages", "students", "students_full_time", "students_part_time", "source"]
    return df[cols].sort_values("institution_id").reset_index(drop=True)
