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


def comparison(indicators: pd.DataFrame, names: list[str], areas: list[str],
               year_from: int, year_to: int) -> pd.DataFrame:
    """The rows of ``indicators`` for some indicators, areas and years.

    Parameters
    ----------
    indicators : pandas.DataFrame
        The pack's tidy ``indicators`` table.
    names : list of str
        Indicator names (``"internet_users_pct"`` …).
    areas : list of str
        Area codes (``"TJK"``, ``"KGZ"``, ``"ECA"`` …).
    year_from, year_to : int
        Inclusive range of years.

    Returns
    -------
    pandas.DataFrame
        The selected rows, in the order of ``names`` then ``areas``.
    """
    sel = indicators[indicators["indicator"].isin(names) & indicators["area_code"].isin(areas)
                     & indicators["year"].between(year_from, year_to)].copy()
    sel["indicator"] = pd.Categorical(sel["indicator"], categories=names, ordered=True)
    sel["area_code"] = pd.Categorical(sel["area_code"], categories=areas, ordered=True)
    sel = sel.sort_values(["indicator", "area_code", "year"])
    sel["indicator"] = sel["indicator"].astype(str)
    sel["area_code"] = sel["area_code"].astype(str)
    return sel.reset_index(drop=True)


def latest(indicators: pd.DataFrame, area: str, name: str) -> tuple[int, float] | None:
    """Most recent (year, value) of one indicator for one area, or ``None``."""
    sel = indicators[(indicators["area_code"] == area) & (indicators["indicator"] == name)]
    sel = sel.dropna(subset=["value"])
    if sel.empty:
        return None
    row = sel.sort_values("year").iloc[-1]
    return int(row["year"]), float(row["value"])
