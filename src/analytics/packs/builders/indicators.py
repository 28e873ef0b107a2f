"""National indicator series (World Bank WDI / ITU / UN WPP) in one tidy table."""

from __future__ import annotations

import pandas as pd

#: Short code and unit of each indicator, by the name used in the raw file.
UNITS = {
    "internet_users_pct": "% of population",
    "mobile_cellular_per100": "subscriptions per 100 people",
    "fixed_broadband_per100": "subscriptions per 100 people",
    "urban_population_pct": "% of population",
    "tertiary_gross_enrolment_pct": "% gross",
    "gdp_per_capita_ppp_const2021": "constant 2021 international $",
    "population": "persons",
}

#: Codes for aggregates that the raw file leaves without an ISO3 code.
AGGREGATE_CODES = {
    "Europe and Central Asia (WB)": "ECA",
    "Europe & Central Asia": "ECA",
    "World": "WLD",
}


def build_indicators(raw: pd.DataFrame) -> pd.DataFrame:
    """Tidy national indicator series.

    Parameters
    ----------
    raw : pandas.DataFrame
        Long table ``entity, iso3, year, indicator_code, indicator, value``.

    Returns
    -------
    pandas.DataFrame
        ``area_code`` (ISO3, or ``ECA``/``WLD`` for aggregates), ``area``, ``indicator``,
        ``indicator_code``, ``year``, ``value`` and ``unit``; one row per area, indicator
        and year, sorted.
    """
    df = raw.copy()
    code = df["entity"].map(AGGREGATE_CODES)
    df["area_code"] = code.fillna(df["iso3"].replace({"OWID_WRL": "WLD"}))
    df["area"] = df["entity"].replace({"Europe & Central Asia": "Europe and Central Asia (WB)"})
    df["area"] = df["area"].str.replace(" (WB)", "", regex=False)
    df["indicator_code"] = df["indicator_code"].str.replace(r"\s*\(.*\)$", "", regex=True)
    df["unit"] = df["indicator"].map(UNITS)
    cols = ["area_code", "area", "indicator", "indicator_code", "year", "value", "unit"]
    return df[cols].sort_values(["indicator", "area_code", "year"]).reset_index(drop=True)
