"""Why the urban–rural gap exists: a non-linear Oaxaca–Blinder decomposition with intervals.

The gap ``P̄_urban − P̄_rural`` (observed, weighted) splits into a part explained by
differences in characteristics and an unexplained rest:

* **Reference coefficients.** A pooled weighted logit over both groups *with the urban
  indicator* (Fortin, N. 2008, "The gender wage gap among young adults in the United States:
  the importance of money versus people", Journal of Human Resources 43(4); Jann, B. 2008,
  "The Blinder–Oaxaca decomposition for linear regression models", Stata Journal 8(4)):
  leaving the indicator out lets the group difference leak into the other coefficients.
  The explained part is ``F̄(X_urban β) − F̄(X_rural β)`` with the indicator, and any
  characteristic held common, set to its pooled mean for both groups. In a logit, unlike
  the linear case those papers treat, the explained part depends on where the indicator is
  evaluated, so the pooled-mean value is one convention: the range over evaluating it at 0
  and at 1 and over the other usual references (the rural and the urban groups' own
  coefficients, with held characteristics also at their pooled means) is reported beside it.
* **Detailed parts.** The explained part is divided among factors with Yun's weights
  ``W_k = Δx̄_k β_k / Σ_j Δx̄_j β_j`` (Yun, M.-S. 2004, Economics Letters 82(2): 275–280),
  the detailed form of Fairlie's (2005) extension to logit models. Parts add up exactly.
* **Held common.** A characteristic whose urban and rural distributions are equal by
  construction of the population (the sex ratio in the default pack) is held common: its
  part would be sampling noise, so it is not shown.
* **Intervals.** 95 % percentile intervals from a bootstrap stratified by district ×
  settlement (:mod:`analytics.models.intervals`), refitting the pooled model each time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..models.intervals import REPLICATES, SEED, strata_indices
from .enrolment import design, irls, logistic

#: Factors of the decomposition and the covariate each one is.
FACTORS = {"distance": "distance_per_10km", "income": "quintile", "internet": "internet", "sex composition": "female"}


@dataclass
class Decomposition:
    """The urban–rural participation gap split into explained parts and an unexplained rest (0–1 scale)."""

    total: float
    parts: pd.Series
    unexplained: float
    urban_rate: float
    rural_rate: float
    references: pd.Series = field(default_factory=pd.Series)
    intervals: pd.DataFrame = field(default_factory=pd.DataFrame)
    held: list[str] = field(default_factory=list)
    sample: int = 0

    def summary(self) -> str:
        iv = self.intervals
        lines = [f"Urban–rural gap: {100 * self.total:.2f} pp (urban {100 * self.urban_rate:.1f}%, "
                 f"rural {100 * self.rural_rate:.1f}%, n = {self.sample})"]
        for k, v in [*self.parts.items(), ("unexplained", self.unexplained)]:
            lines.append(f"  {k:<16} {100 * v:6.2f} pp  [{100 * iv.loc[k, 'low']:6.2f}, {100 * iv.loc[k, 'high']:6.2f}]")
        lines.append("  explained under each reference: "
                     + ", ".join(f"{k} {100 * v:.2f} pp" for k, v in self.references.items()))
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """Tidy: ``part``, ``reference``, ``pp`` and its 95 % bounds ``pp_low``/``pp_high`` (percentage points)."""
        iv = self.intervals
        rows = [{"part": k, "reference": "pooled", "pp": 100 * v, "pp_low": 100 * iv.loc[k, "low"],
                 "pp_high": 100 * iv.loc[k, "high"]}
                for k, v in [*self.parts.items(), ("unexplained", self.unexplained), ("total", self.total)]]
        rows += [{"part": "explained", "reference": k, "pp": 100 * v,
                  "pp_low": 100 * iv.loc["explained", "low"] if k == "pooled" else np.nan,
                  "pp_high": 100 * iv.loc["explained", "high"] if k == "pooled" else np.nan}
                 for k, v in self.references.items()]
        return pd.DataFrame(rows)


def _explained(Xu: np.ndarray, Xr: np.ndarray, wu: np.ndarray, wr: np.ndarray, beta: np.ndarray) -> float:
    return float(np.average(logistic(Xu @ beta), weights=wu) - np.average(logistic(Xr @ beta), weights=wr))


def _pieces(X: pd.DataFrame, y: np.ndarray, w: np.ndarray, urban: np.ndarray, factors: list[str],
            held: list[str], start: np.ndarray | None = None):
    """Total, explained, parts by factor and the pooled coefficients of one (re)sample."""
    cols = ["urban", *held, *factors]
    M = np.column_stack([np.ones(len(X)), X[cols].to_numpy(dtype=float)])
    beta = irls(M, y, w, start)
    common = M.copy()
    for j in range(1, 2 + len(held)):  # the indicator and held characteristics at their pooled means
        common[:, j] = np.average(M[:, j], weights=w)
    Mu, Mr, wu, wr = common[urban], common[~urban], w[urban], w[~urban]
    total = float(np.average(y[urban], weights=wu) - np.average(y[~urban], weights=wr))
    explained = _explained(Mu, Mr, wu, wr, beta)
    f = slice(2 + len(held), None)
    contrib = (np.average(Mu[:, f], axis=0, weights=wu) - np.average(Mr[:, f], axis=0, weights=wr)) * beta[f]
    share = contrib / contrib.sum() if contrib.sum() != 0 else np.zeros_like(contrib)
    return total, explained, share * explained, beta


def decompose_urban_rural(learners: pd.DataFrame, age_band: str | None = "17-24", held: list[str] | None = None,
                          replicates: int = REPLICATES, seed: int = SEED) -> Decomposition:
    """Decompose the urban–rural gap in participation, with bootstrap intervals.

    Parameters
    ----------
    learners : pandas.DataFrame
        The learner sample of the area.
    age_band : str, optional
        Keep one age band.
    held : list of str, optional
        Covariates held common (equal by construction): ``["female"]`` holds the sex ratio.
    replicates, seed : int
        Bootstrap resamples and their seed (the same seed gives the same intervals).

    Returns
    -------
    Decomposition
    """
    df = learners if age_band is None else learners[learners["age_band"] == age_band]
    if df["settlement"].nunique() < 2:
        from ..core.errors import ParameterError

        raise ParameterError("the urban–rural decomposition needs both urban and rural people in the data")
    df = df.reset_index(drop=True)
    held = list(held or [])
    X = design(df)
    factors = [c for name, c in FACTORS.items() if c not in held and X[c].nunique() > 1]
    w = df["weight"].to_numpy(dtype=float)
    w = w / w.mean()
    y = df["enrolled"].to_numpy(dtype=float)
    urban = (df["settlement"] == "urban").to_numpy()
    total, explained, parts, beta = _pieces(X, y, w, urban, factors, held)
    names = [name for name, c in FACTORS.items() if c in factors]
    references = {"pooled": explained}
    full = np.column_stack([np.ones(len(X)), X[["urban", *held, *factors]].to_numpy(dtype=float)])
    for value in (0.0, 1.0):  # the pooled model with the indicator evaluated at 0 (rural) and 1 (urban)
        at = full.copy()
        at[:, 1] = value
        for j in range(2, 2 + len(held)):
            at[:, j] = np.average(full[:, j], weights=w)
        references[f"pooled_at_{'urban' if value else 'rural'}"] = _explained(at[urban], at[~urban], w[urban],
                                                                             w[~urban], beta)
    M = full[:, [0, *range(2, full.shape[1])]]  # without the indicator
    common = M.copy()
    for j in range(1, 1 + len(held)):
        common[:, j] = np.average(M[:, j], weights=w)
    for ref, rows in (("rural", ~urban), ("urban", urban)):
        b = irls(M[rows], y[rows], w[rows])
        references[ref] = _explained(common[urban], common[~urban], w[urban], w[~urban], b)
    draws = []
    for rows in strata_indices(df, replicates=replicates, seed=seed):
        t, e, p, _ = _pieces(X.iloc[rows], y[rows], w[rows], urban[rows], factors, held, start=beta)
        draws.append([*p, t - e, t, e])
    draws = np.array(draws)
    labels = [*names, "unexplained", "total", "explained"]
    intervals = pd.DataFrame({"estimate": [*parts, total - explained, total, explained],
                              "low": np.nanpercentile(draws, 2.5, axis=0),
                              "high": np.nanpercentile(draws, 97.5, axis=0)}, index=labels)
    return Decomposition(total=total, parts=pd.Series(parts, index=names), unexplained=total - explained,
                         urban_rate=float(np.average(y[urban], weights=w[urban])),
                         rural_rate=float(np.average(y[~urban], weights=w[~urban])),
                         references=pd.Series(references), intervals=intervals, held=held, sample=len(df))


def equal_by_construction(population: pd.DataFrame, age_band: str, tolerance: float = 0.001) -> list[str]:
    """Covariates whose urban and rural shares are equal in the population the sample was drawn from.

    Only the sex ratio can be checked against the population table (it has sex × settlement
    × age band): ``["female"]`` when the female share differs by less than ``tolerance``.
    """
    p = population[population["age_band"] == age_band] if age_band else population
    share = p.assign(f=np.where(p["sex"] == "female", p["population"], 0)).groupby("settlement")[
        ["f", "population"]].sum()
    if set(share.index) < {"urban", "rural"}:
        return []
    female = share["f"] / share["population"]
    return ["female"] if abs(female["urban"] - female["rural"]) < tolerance else []
