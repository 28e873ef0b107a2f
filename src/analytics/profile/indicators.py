"""Queries on a pack's tidy ``indicators`` table: series to compare, latest values."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..core.results import TableResult

#: Indicators shown in the profile, in display order.
PROFILE_INDICATORS = [
    "internet_users_pct",
    "mobile_cellular_per100",
    "fixed_broadband_per100",
    "urban_population_pct",
    "tertiary_gross_enrolment_pct",
]


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


@dataclass
class LatestValues:
    """The latest published value of each indicator for each area.

    ``frame`` is tidy: ``indicator``, ``area_code``, ``year``, ``value`` (units in
    the pack's ``indicators`` table).
    """

    frame: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def summary(self) -> str:
        return "\n".join(f"{r.indicator:<30} {r.area_code:<4} {r.year}  {r.value:,.2f}"
                         for r in self.frame.itertuples(index=False))


class InputStatus(TableResult):
    """The inputs a page used: ``table``, ``status`` (measured or modelled), ``source``, ``licence``, ``vintage``."""

    def summary(self) -> str:
        return "\n".join(f"{r.table:<28} {r.status:<9} {r.vintage}  {r.source}" for r in self.frame.itertuples())


def latest_values(indicators: pd.DataFrame, names: list[str], areas: list[str]) -> LatestValues:
    """Latest (year, value) of each indicator of ``names`` for each area of ``areas``."""
    rows = []
    for name in names:
        for code in areas:
            found = latest(indicators, code, name)
            if found:
                rows.append({"indicator": name, "area_code": code, "year": found[0], "value": found[1]})
    return LatestValues(pd.DataFrame(rows, columns=["indicator", "area_code", "year", "value"]))
