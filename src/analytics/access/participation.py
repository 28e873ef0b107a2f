"""Who is left out of higher education, where, and why: participation, parity, and the gap's parts.

Participation rates are weighted shares of a survey sample (the pack's ``learners``) that
are enrolled in tertiary education; parity indices follow UNESCO's definitions (UIS
Glossary): the value of the disadvantaged group divided by that of the advantaged one
(female/male, rural/urban, poorest/richest quintile), with 1 meaning parity, and UNESCO's
adjusted index (``2 − 1/ratio`` above 1, symmetric around parity). The rate is an
age-specific enrolment rate: the share of people of one age band who are enrolled, whatever
their level of study, not the gross enrolment ratio (students of any age over a five-year
age group) published by UNESCO and the World Bank.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..core.results import TableResult
from ..models.intervals import REPLICATES, SEED
from ..report.sentences import MIN_SAMPLE

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


def parity_indices(learners: pd.DataFrame, age_band: str | None = "17-24", min_sample: int = MIN_SAMPLE,
                   replicates: int = REPLICATES, seed: int = SEED) -> pd.DataFrame:
    """UNESCO parity indices and gaps of participation, with 95 % bootstrap intervals.

    Intervals are percentiles of ``replicates`` resamples stratified by district × settlement
    (:func:`analytics.models.intervals.strata_indices`; the same seed gives the same
    intervals). A group resting on fewer than ``min_sample`` sample members is suppressed:
    its rate and every index built on it are left empty (``suppressed`` is true). An index
    with a group missing altogether (no rural people in a city) is left out.

    Returns
    -------
    pandas.DataFrame
        One row per index: ``index``; ``disadvantaged`` and ``advantaged`` rates (0–1) with
        ``*_low``/``*_high`` and ``*_sample`` (people); ``parity`` (their ratio, unadjusted);
        ``parity_adjusted`` (UNESCO: ``2 − 1/ratio`` above 1) with bounds; ``gap_pp``
        (advantaged minus disadvantaged, percentage points) with bounds; ``suppressed``.
    """
    from ..models.intervals import adjusted_parity, strata_indices

    df = (learners if age_band is None else learners[learners["age_band"] == age_band]).reset_index(drop=True)
    w = df["weight"].to_numpy(dtype=float)
    wy = w * df["enrolled"].to_numpy(dtype=float)
    rows_of = strata_indices(df, replicates=replicates, seed=seed) if len(df) else np.empty((0, 0), dtype=int)

    def rate(mask):
        """The group's rate in the sample and in every replicate."""
        m = mask.astype(float)
        point = (wy * m).sum() / (w * m).sum()
        with np.errstate(invalid="ignore", divide="ignore"):
            draws = (wy * m)[rows_of].sum(axis=1) / (w * m)[rows_of].sum(axis=1)
        return point, draws

    def bounds(draws):
        return np.nanpercentile(draws, 2.5), np.nanpercentile(draws, 97.5)

    rows = []
    for name, (col, low, high) in PARITY.items():
        lo_mask, hi_mask = (df[col] == low).to_numpy(), (df[col] == high).to_numpy()
        n_lo, n_hi = int(lo_mask.sum()), int(hi_mask.sum())
        if n_lo == 0 or n_hi == 0:
            continue
        small_lo = effective_sample(w[lo_mask]) < min_sample
        small_hi = effective_sample(w[hi_mask]) < min_sample
        (lo, lo_d), (hi, hi_d) = rate(lo_mask), rate(hi_mask)
        with np.errstate(invalid="ignore", divide="ignore"):
            adj_d = adjusted_parity(lo_d / hi_d)
        row = {"index": name, "disadvantaged": lo, "disadvantaged_sample": n_lo, "advantaged": hi,
               "advantaged_sample": n_hi, "parity": lo / hi if hi else np.nan,
               "parity_adjusted": adjusted_parity(lo / hi) if hi else np.nan, "gap_pp": 100 * (hi - lo),
               "disadvantaged_suppressed": small_lo, "advantaged_suppressed": small_hi,
               "suppressed": small_lo or small_hi}
        for label, draws in (("disadvantaged", lo_d), ("advantaged", hi_d), ("parity_adjusted", adj_d),
                             ("gap_pp", 100 * (hi_d - lo_d))):
            row[f"{label}_low"], row[f"{label}_high"] = bounds(draws)
        for group, small in (("disadvantaged", small_lo), ("advantaged", small_hi)):
            if small:  # a group too small to show
                row.update({group: np.nan, f"{group}_low": np.nan, f"{group}_high": np.nan})
        if row["suppressed"]:  # an index resting on a group too small to show
            row.update({k: np.nan for k in ("parity", "parity_adjusted", "parity_adjusted_low", "parity_adjusted_high",
                                            "gap_pp", "gap_pp_low", "gap_pp_high")})
        rows.append(row)
    cols = ["index", "disadvantaged", "disadvantaged_low", "disadvantaged_high", "disadvantaged_sample",
            "advantaged", "advantaged_low", "advantaged_high", "advantaged_sample", "parity", "parity_adjusted",
            "parity_adjusted_low", "parity_adjusted_high", "gap_pp", "gap_pp_low", "gap_pp_high",
            "disadvantaged_suppressed", "advantaged_suppressed", "suppressed"]
    return pd.DataFrame(rows, columns=cols)


def location_suppressed(learners: pd.DataFrame, age_band: str | None = "17-24", min_sample: int = MIN_SAMPLE) -> bool:
    """Whether :func:`parity_indices` withholds the location parity index: urban or rural people's effective
    sample is under ``min_sample`` (no interval is needed to know it)."""
    df = learners if age_band is None else learners[learners["age_band"] == age_band]
    col, low, high = PARITY["location_parity_index"]
    w = df["weight"].to_numpy(dtype=float)
    return any(bool(effective_sample(w[(df[col] == v).to_numpy()]) < min_sample) for v in (low, high)
               if (df[col] == v).any())


def effective_sample(weights) -> float:
    """Kish's effective sample size ``(Σw)² / Σw²`` of a weighted group (people)."""
    w = np.asarray(weights, dtype=float)
    return float(w.sum() ** 2 / (w ** 2).sum()) if len(w) else 0.0


def wilson(rate, n_eff, z: float = 1.96):
    """Wilson score interval of a proportion with an effective sample size (bounds 0–1).

    Unlike a bootstrap or a normal interval it stays informative at 0 % and 100 %: a
    district where no sampled person studies gets ``0 – 3.84/(n + 3.84)``, not ``0 – 0``.
    """
    rate, n = np.asarray(rate, dtype=float), np.asarray(n_eff, dtype=float)
    centre = (rate + z ** 2 / (2 * n)) / (1 + z ** 2 / n)
    half = z / (1 + z ** 2 / n) * np.sqrt(rate * (1 - rate) / n + z ** 2 / (4 * n ** 2))
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def district_rates(learners: pd.DataFrame, age_band: str | None = "17-24",
                   min_sample: int = MIN_SAMPLE) -> pd.DataFrame:
    """Participation by district with 95 % Wilson intervals; districts whose effective sample is under ``min_sample`` flagged.

    The interval uses Kish's effective sample size ``(Σw)² / Σw²`` of the district's people,
    which allows for unequal weights.

    Returns
    -------
    pandas.DataFrame
        ``district_code, rate`` (0–1), ``rate_low``, ``rate_high``, ``population`` (persons),
        ``sample`` (people), ``effective_sample`` and ``suppressed``.
    """
    df = learners if age_band is None else learners[learners["age_band"] == age_band]
    out = participation(df, ["district_code"], None)
    w2 = df.assign(w2=df["weight"] ** 2).groupby("district_code")["w2"].sum()
    out["effective_sample"] = (out["population"] ** 2 / out["district_code"].map(w2)).to_numpy()
    out["rate_low"], out["rate_high"] = wilson(out["rate"], out["effective_sample"])
    out["suppressed"] = out["effective_sample"] < min_sample
    return out[["district_code", "rate", "rate_low", "rate_high", "population", "sample", "effective_sample",
                "suppressed"]]


class DistrictRates(TableResult):
    """Participation by district with Wilson intervals (see :func:`district_rates`)."""

    def to_frame(self):
        """The table as published: a district the map greys out (``suppressed``) has no rate or bounds."""
        from .common import blank_suppressed

        return blank_suppressed(self.frame, ["rate", "rate_low", "rate_high"])

    def summary(self) -> str:
        f = self.frame
        return (f"Participation in {len(f)} districts: {int((~f['suppressed']).sum())} shown, "
                f"{int(f['suppressed'].sum())} with an effective sample under the minimum; "
                f"rates {f['rate'].min():.1%} to {f['rate'].max():.1%}")


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
        """Tidy parity indices (see :func:`parity_indices`)."""
        return self.parity.copy()

    def summary(self) -> str:
        lines = [f"Participation and parity: {self.area}"]
        for r in self.parity.itertuples(index=False):
            lines.append(f"  {r.index:<22} {r.disadvantaged:6.1%} vs {r.advantaged:6.1%}  "
                         f"parity {r.parity:5.2f} (adjusted {r.parity_adjusted:5.2f} "
                         f"[{r.parity_adjusted_low:5.2f}, {r.parity_adjusted_high:5.2f}])  gap {r.gap_pp:5.1f} pp"
                         + ("  suppressed" if r.suppressed else ""))
        return "\n".join(lines)


def gap_table(learners: pd.DataFrame, institutions: pd.DataFrame, population: pd.DataFrame,
              region: str = "all", age_band: str = "17-24", replicates: int = REPLICATES) -> GapTable:
    """Participation by settlement × sex, parity indices and seats for the country or a region."""
    if region != "all":
        learners = learners[learners["region_code"] == region]
        institutions = institutions[institutions["region_code"] == region]
        population = population[population["region_code"] == region]
    rates = participation(learners, ["settlement", "sex"], age_band)
    return GapTable(area=region, rates=rates, parity=parity_indices(learners, age_band=age_band, replicates=replicates),
                    seats=seats_per_10k(institutions, population))
