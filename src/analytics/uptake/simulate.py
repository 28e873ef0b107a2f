"""The enrol → active → complete → certified funnel, run as a vectorised Monte Carlo.

For draw ``d`` and cell ``c`` (district × settlement × sex × income fifth):

* eligible ``E = part_time + new_adult_share · adults`` (today's numbers, taken as steady: those who
  graduate are replaced by as many); the market ``E · m`` with ``m = market_share`` (× ``recognised_market``
  with recognised certificates) is the number who ever enrol; by the Bass curve, ``F(y) − F(y−1)`` of it
  enrols in year ``y``, so the horizon's total is ``E · m · F(H)``;
* active: ``active_share · (access + blended · offline_reach · (1 − access))``, with access taken
  from one of the variants of the study needs (each draw takes one at random);
* complete (given active): ``match · σ(L) + (1 − match) · σ(L + ln language_or)`` with
  ``L = logit(completion) + OULAD offsets (income fifth, sex; centred on OULAD's own mix, on which
  the completion rate was measured) + recognised · ln recognition_or + blended · ln tutor_or``;
* certified: completers × ``certified_recognised`` (recognised) or ``certified_share``.

Arrays are (draws × areas × groups) and (draws × districts × years); nothing loops over draws
(the loop over the few variants of access takes each variant's draws at once).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.results import TableResult
from .bass import bass_cdf
from .uncertain import Uncertain

STAGES = ("enrolled", "active", "completed", "certified")
#: Quantiles of every band (P10, P50, P90).
QUANTILES = (0.1, 0.5, 0.9)


def _logit(p):
    return np.log(p / (1 - p))


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


@dataclass
class Simulation:
    """Draws of the funnel: each stage's market by district, and the Bass curve's yearly shares.

    ``per_district[s]`` is (draws × districts): stage ``s`` if the whole market enrolled; ``years``
    is (draws × horizon): ``F(y) − F(y−1)``, the share of the market enrolling in year ``y``.
    ``groups`` holds (draws,) markets of the enrolled and completers for urban, rural, female and
    male learners (for the gaps, which are ratios); ``values`` the parameters' draws.
    """

    districts: list[str]
    per_district: dict[str, np.ndarray]
    years: np.ndarray
    groups: dict[str, np.ndarray]
    n_draws: int
    seed: int | None
    values: dict[str, np.ndarray]

    @property
    def horizon(self) -> int:
        return self.years.shape[1]

    def total(self, stage: str, districts: list[str] | None = None) -> np.ndarray:
        """(draws,) total of a stage over the horizon, for some districts (all by default)."""
        cols = self._cols(districts)
        return self.per_district[stage][:, cols].sum(axis=1) * self.years.sum(axis=1)

    def by_year(self, stage: str, districts: list[str] | None = None) -> np.ndarray:
        """(draws × years) of a stage: each year's new entrants to it."""
        return self.per_district[stage][:, self._cols(districts)].sum(axis=1)[:, None] * self.years

    def by_district_year(self, stage: str) -> np.ndarray:
        """(draws × districts × years) of a stage (float32 to halve the memory)."""
        return (self.per_district[stage].astype(np.float32)[:, :, None] * self.years.astype(np.float32)[:, None, :])

    def _cols(self, districts):
        if districts is None:
            return slice(None)
        index = {d: i for i, d in enumerate(self.districts)}
        return [index[d] for d in districts if d in index]

    def bands(self, stage: str, districts: list[str] | None = None) -> pd.DataFrame:
        """Tidy: ``year`` (1…H), ``stage``, ``p10``, ``p50``, ``p90``, ``mean`` (persons a year) for the area."""
        y = self.by_year(stage, districts)
        q = np.quantile(y, QUANTILES, axis=0)
        return pd.DataFrame({"year": np.arange(1, self.horizon + 1), "stage": stage, "p10": q[0], "p50": q[1],
                             "p90": q[2], "mean": y.mean(axis=0)})

    def district_bands(self, stage: str) -> pd.DataFrame:
        """Tidy: ``district_code``, ``year``, ``stage``, ``p10``, ``p50``, ``p90`` for every district and year."""
        q = np.quantile(self.by_district_year(stage), QUANTILES, axis=0)  # (3, districts, years)
        k, h = q.shape[1:]
        return pd.DataFrame({"district_code": np.repeat(self.districts, h), "year": np.tile(np.arange(1, h + 1), k),
                             "stage": stage, "p10": q[0].ravel(), "p50": q[1].ravel(), "p90": q[2].ravel()})

    def funnel(self, districts: list[str] | None = None) -> pd.DataFrame:
        """Tidy: ``stage``, ``p10``, ``p50``, ``p90``, ``mean`` of each stage's total over the horizon."""
        rows = []
        for s in STAGES:
            t = self.total(s, districts)
            q = np.quantile(t, QUANTILES)
            rows.append({"stage": s, "p10": q[0], "p50": q[1], "p90": q[2], "mean": t.mean()})
        return pd.DataFrame(rows)

    def area_bands(self, districts: list[str] | None = None) -> Bands:
        """The bands of every stage by district and year, for the districts of an area (all when None)."""
        frame = self.to_frame()
        return Bands(frame if districts is None else frame[frame["district_code"].isin(districts)])

    def gap(self, a: str, b: str) -> np.ndarray:
        """(draws,) difference in percentage points of the share of enrolled who complete, ``a`` minus ``b``."""
        g = self.groups
        return 100 * (g[f"completed_{a}"] / g[f"enrolled_{a}"] - g[f"completed_{b}"] / g[f"enrolled_{b}"])

    def to_frame(self) -> pd.DataFrame:
        """Every district, year and stage with its band (the published table)."""
        return pd.concat([self.district_bands(s) for s in STAGES], ignore_index=True)

    def summary(self) -> str:
        f = self.funnel().set_index("stage")
        return "\n".join([f"Funnel over {self.horizon} years, {self.n_draws:,} draws (P50 [P10, P90]):"] +
                         [f"  {s:<10} {r.p50:>10,.0f} [{r.p10:,.0f}, {r.p90:,.0f}]" for s, r in f.iterrows()])


class Bands(TableResult):
    """Bands of every stage by district and year for an area: ``district_code``, ``year``, ``stage``,
    ``p10``, ``p50``, ``p90`` (persons a year)."""

    def summary(self) -> str:
        f = self.frame
        totals = f.groupby("stage", sort=False)["p50"].sum()
        return (f"Bands for {f['district_code'].nunique()} districts over {f['year'].nunique()} years; "
                "sum of the yearly medians: " + ", ".join(f"{s} {v:,.0f}" for s, v in totals.items()))


class Funnel(TableResult):
    """Each stage's total over the horizon for an area: ``stage``, ``p10``, ``p50``, ``p90``, ``mean`` (persons)."""

    def summary(self) -> str:
        return "\n".join(f"{r.stage:<10} {r.p50:>10,.0f} [{r.p10:,.0f}, {r.p90:,.0f}]" for r in self.frame.itertuples())


def draw(parameters: dict[str, Uncertain], n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """``n`` draws of every parameter (dict of (n,) arrays), in a fixed order for a given seed."""
    return {name: parameters[name].draw(n, rng) for name in sorted(parameters)}


def _layout(cells: pd.DataFrame, areas: np.ndarray) -> np.ndarray:
    """(cells × areas·groups) 0/1: each cell's areas crossed with its group (income fifth × sex)."""
    group = (cells["quintile"].to_numpy(int) - 1) * 2 + cells["female"].to_numpy(int)
    onehot = np.zeros((len(cells), 10))
    onehot[np.arange(len(cells)), group] = 1.0
    return (areas[:, :, None] * onehot[:, None, :]).reshape(len(cells), -1)


def _sums(cells: pd.DataFrame, match: np.ndarray, layout: np.ndarray, acc: np.ndarray) -> dict[str, np.ndarray]:
    """Sums over cells that the draws combine: for each variant of access, area, group and weight.

    With ``pt`` part-time, ``ad`` adults and ``acc`` access of a cell, the four products
    ``pt·acc, pt, ad·acc, ad`` are summed by area and group (income fifth × sex), unweighted
    (``all``) and weighted by the chance a course is (``match``) or is not (``miss``) in a language
    the cell reads: arrays (variants × 4 × areas × groups). Every stage is a sum of these times
    per-draw numbers, so nothing runs over draws × cells.
    """
    pt, ad = cells["part_time"].to_numpy(float), cells["adults"].to_numpy(float)
    n = len(acc)
    out = {}
    for name, u in {"all": np.ones(len(cells)), "match": match, "miss": 1 - match}.items():
        with_access = (acc * np.stack([pt * u, ad * u])[:, None, :]).reshape(2 * n, -1) @ layout  # (2·V, A·G)
        without = np.stack([pt * u, ad * u]) @ layout  # (2, A·G)
        parts = [with_access[:n], np.broadcast_to(without[0], (n, without.shape[1])), with_access[n:],
                 np.broadcast_to(without[1], (n, without.shape[1]))]
        out[name] = np.stack(parts, axis=1).reshape(n, 4, -1, 10)
    return out


def simulate(cells: pd.DataFrame, match: np.ndarray, parameters: dict[str, Uncertain], offsets: np.ndarray,
             recognised: bool = False, blended: bool = False, horizon: int = 11, n_draws: int = 10_000,
             seed: int | None = 2027, offset_draws: np.ndarray | None = None, access: np.ndarray | None = None,
             reference: np.ndarray | None = None) -> Simulation:
    """Run the funnel for every draw, district and year at once.

    Parameters
    ----------
    cells : pandas.DataFrame
        :func:`analytics.uptake.cells.build` (``district_code``, ``settlement``, ``quintile``, ``female``,
        ``part_time``, ``adults`` in persons, ``access`` 0–1).
    match : numpy.ndarray
        (cells,) chance a course is in a language the cell reads (:func:`~.cells.language_match`).
    parameters : dict
        Name to :class:`~.parameters.Uncertain` (see :data:`~.parameters.PARAMETERS`, plus ``new_adult_share``).
    offsets : numpy.ndarray
        (5,) OULAD log-odds terms carried: income fifths 2–5 against the first, and women.
    recognised, blended : bool
        The scenario's levers.
    horizon : int
        Years, >= 1.
    n_draws : int
        Monte Carlo draws, >= 1.
    seed : int, optional
        Seed of the draws (the same seed gives identical results).
    offset_draws : numpy.ndarray, optional
        (n_draws × 5) draws of ``offsets`` from their sampling distribution (fixed at ``offsets`` if None).
    access : numpy.ndarray, optional
        (variants × cells) access under variants of the study needs; each draw takes one variant at
        random (default: the cells' ``access`` alone).
    reference : numpy.ndarray, optional
        (10,) shares of the groups (fifth 1 men, fifth 1 women, …, fifth 5 women) of the population
        the completion rate was measured on: the offsets are centred on it, so that population keeps
        the rate (default: centred on the eligible of the cells).

    Returns
    -------
    Simulation
    """
    if horizon < 1 or n_draws < 1:
        raise ValueError("horizon and n_draws must be at least 1")
    rng = np.random.default_rng(seed)
    v = draw(parameters, n_draws, rng)
    acc = cells["access"].to_numpy(float)[None, :] if access is None else np.asarray(access, float)
    variant = rng.integers(0, len(acc), n_draws) if len(acc) > 1 else np.zeros(n_draws, dtype=int)
    v["access_variant"] = variant.astype(float)
    districts, codes = np.unique(cells["district_code"].to_numpy(), return_inverse=True)
    groups = {"urban": cells["settlement"] == "urban", "rural": cells["settlement"] == "rural",
              "female": cells["female"] == 1, "male": cells["female"] == 0}
    areas = np.zeros((len(cells), len(districts) + len(groups)))
    areas[np.arange(len(cells)), codes] = 1.0
    for i, mask in enumerate(groups.values()):
        areas[:, len(districts) + i] = mask.to_numpy(float)
    # per draw: act = alpha·access + beta (blended adds the offline reach of those without access)
    reach = v["offline_reach"] if blended else np.zeros(n_draws)
    alpha, beta, new = v["active_share"] * (1 - reach), v["active_share"] * reach, v["new_adult_share"]
    coef = np.stack([alpha, beta, new * alpha, new * beta])  # (4, draws): weights of pt·acc, pt, ad·acc, ad
    market = v["market_share"] * (v["recognised_market"] if recognised else 1.0)
    # completion by group: OULAD offsets (fifths 2–5, women) centred on the reference population
    terms = np.broadcast_to(np.asarray(offsets, float), (n_draws, 5)) if offset_draws is None else offset_draws
    fifth = np.concatenate([np.zeros((n_draws, 1)), terms[:, :4]], axis=1)  # (draws, 5)
    shift = np.repeat(fifth, 2, axis=1) + np.tile([0.0, 1.0], 5)[None, :] * terms[:, [4]]  # (draws, 10)
    if reference is None:
        pt, ad = cells["part_time"].to_numpy(float), cells["adults"].to_numpy(float)
        group = (cells["quintile"].to_numpy(int) - 1) * 2 + cells["female"].to_numpy(int)
        reference = np.bincount(group, pt + 0.01 * ad, minlength=10)
    reference = np.asarray(reference, float) / np.sum(reference)
    shift = shift - (shift * reference[None, :]).sum(axis=1, keepdims=True)
    lift = _logit(v["completion"])[:, None] + shift
    if recognised:
        lift = lift + np.log(v["recognition_or"])[:, None]
    if blended:
        lift = lift + np.log(v["tutor_or"])[:, None]
    read, unread = _sigmoid(lift), _sigmoid(lift + np.log(v["language_or"])[:, None])  # (draws, groups)
    k = len(districts)
    width = k + len(groups)
    stage = {name: np.zeros((n_draws, width)) for name in ("enrolled", "active", "completed")}
    sums = _sums(cells, match, _layout(cells, areas), acc)
    for index in range(len(acc)):
        d = np.flatnonzero(variant == index)
        if not len(d):
            continue
        T = {name: a[index] for name, a in sums.items()}
        c = coef[:, d]
        stage["enrolled"][d] = market[d, None] * (T["all"][1].sum(axis=1)[None, :]
                                                  + new[d, None] * T["all"][3].sum(axis=1)[None, :])
        stage["active"][d] = market[d, None] * np.einsum("jd,ja->da", c, T["all"].sum(axis=2))
        stage["completed"][d] = market[d, None] * (
            np.einsum("jd,dg,jag->da", c, read[d], T["match"], optimize=True)
            + np.einsum("jd,dg,jag->da", c, unread[d], T["miss"], optimize=True))
    stage["certified"] = stage["completed"] * (v["certified_recognised"] if recognised else v["certified_share"])[:, None]
    per_district = {s: a[:, :k] for s, a in stage.items()}
    by_group = {f"{s}_{g}": stage[s][:, k + i] for s in ("enrolled", "completed") for i, g in enumerate(groups)}
    t = np.arange(horizon + 1, dtype=float)
    curve = bass_cdf(t[None, :], v["p"][:, None], v["q"][:, None])
    years = np.diff(curve, axis=1)  # share of the market enrolling in each year
    return Simulation(list(districts), per_district, years, by_group, n_draws, seed, v)
