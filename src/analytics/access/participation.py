"""Who is left out of higher education, where, and why: participation, parity, and the gap's parts.

Participation rates are weighted shares of a survey sample (the pack's ``learners``) that
are enrolled in tertiary education; parity indices follow UNESCO's definitions (UIS
Glossary): the value of the disadvantaged group divided by that of the advantaged one
(female/male, rural/urban, poorest/richest quintile), with 1 meaning parity.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: Parity indices: name, grouping column, disadvantaged value, advantaged value.
PARITY = {
    "gender_parity_index": ("sex", "female", "male"),
    "location_parity_index": ("settlement", "rural", "urban"),
    "wealth_parity_index": ("quintile", 1, 5),
}


def participation(learners: pd.DataFrame, by: list[str], age_band: str | None = "17-24",
                  outcome: str = "enrolled") -> pd.DataFrame:
    """Weighted tertiary participation rate by groups.

    Parameters
    ----------
    learners : pandas.DataFrame
        Sample with ``weight``, the ``outcome`` column and the ``by`` columns.
    by : list of str
        Grouping columns (``["region_code", "settlement"]`` …); empty for one national row.
    age_band : str, optional
        Keep only this age band (``"17-24"``; ``None`` keeps everyone).
    outcome : str
        Boolean column whose weighted share is the rate (``"enrolled"`` or ``"part_time"``).

    Returns
    -------
    pandas.DataFrame
        ``by`` columns, ``rate`` (0–1), ``population`` (sum of weights, persons) and
        ``sample`` (rows).
    """
    df = learners if age_band is None else learners[learners["age_band"] == age_band]
    df = df.assign(_w=df["weight"], _y=df[outcome].astype(float) * df["weight"])
    if by:
        g = df.groupby(by, as_index=False).agg(_y=("_y", "sum"), population=("_w", "sum"), sample=("_w", "size"))
    else:
        g = pd.DataFrame({"_y": [df["_y"].sum()], "population": [df["_w"].sum()], "sample": [len(df)]})
    g["rate"] = g["_y"] / g["population"]
    return g.drop(columns="_y")[[*by, "rate", "population", "sample"]]


def parity_indices(learners: pd.DataFrame, by: list[str] | None = None, age_band: str | None = "17-24",
                   outcome: str = "enrolled") -> pd.DataFrame:
    """UNESCO parity indices and absolute gaps of participation.

    Returns
    -------
    pandas.DataFrame
        One row per group of ``by`` and index: ``index`` (gender, location, wealth),
        ``disadvantaged`` and ``advantaged`` rates (0–1), ``parity`` (their ratio) and
        ``gap_pp`` (advantaged minus disadvantaged, percentage points).
    """
    by = by or []
    rows = []
    groups = learners.groupby(by) if by else [((), learners)]
    for key, part in groups:
        key = key if isinstance(key, tuple) else (key,)
        for name, (col, low, high) in PARITY.items():
            rates = participation(part, [col], age_band, outcome).set_index(col)["rate"]
            lo, hi = rates.get(low, np.nan), rates.get(high, np.nan)
            rows.append({**dict(zip(by, key, strict=True)), "index": name, "disadvantaged": lo,
                         "advantaged": hi, "parity": lo / hi if hi else np.nan, "gap_pp": 100 * (hi - lo)})
    return pd.DataFrame(rows)


def seats_per_10k(institutions: pd.DataFrame, population: pd.DataFrame, by: str = "region_code") -> pd.DataFrame:
    """Students at institutions located in an area per 10,000 of its population, and part-time share.

    Returns
    -------
    pandas.DataFrame
        ``by``, ``students`` (persons), ``population`` (persons), ``seats_per_10k`` and
        ``part_time_share`` (0–1).
    """
    students = institutions.groupby(by)[["students", "students_part_time"]].sum()
    people = population.groupby(by)["population"].sum()
    out = pd.DataFrame({"population": people}).join(students).fillna(0)
    out["seats_per_10k"] = 1e4 * out["students"] / out["population"]
    out["part_time_share"] = np.where(out["students"] > 0, out["students_part_time"] / out["students"].clip(lower=1),
                                      np.nan)
    return out.reset_index()[[by, "students", "population", "seats_per_10k", "part_time_share"]]


@dataclass
class GapTable:
    """Participation and its gaps for one area (country or region)."""

    area: str
    rates: pd.DataFrame
    parity: pd.DataFrame
    seats: pd.DataFrame = field(default_factory=pd.DataFrame)

    def to_frame(self) -> pd.DataFrame:
        """Tidy parity indices: ``index``, ``disadvantaged`` and ``advantaged`` rates (0–1), ``parity``, ``gap_pp``."""
        return self.parity.copy()

    def summary(self) -> str:
        lines = [f"Participation and parity: {self.area}"]
        for r in self.parity.itertuples(index=False):
            lines.append(f"  {r.index:<22} {r.disadvantaged:6.1%} vs {r.advantaged:6.1%}  "
                         f"parity {r.parity:5.2f}  gap {r.gap_pp:5.1f} pp")
        return "\n".join(lines)


def gap_table(learners: pd.DataFrame, institutions: pd.DataFrame, population: pd.DataFrame,
              region: str = "all", age_band: str = "17-24") -> GapTable:
    """Participation by settlement × sex, parity indices and seats for the country or a region."""
    if region != "all":
        learners = learners[learners["region_code"] == region]
        institutions = institutions[institutions["region_code"] == region]
        population = population[population["region_code"] == region]
    rates = participation(learners, ["settlement", "sex"], age_band)
    return GapTable(area=region, rates=rates, parity=parity_indices(learners, age_band=age_band),
                    seats=seats_per_10k(institutions, population))
