"""The enrol → active → complete → certified funnel, run as a vectorised Monte Carlo.

For draw ``d`` and cell ``c`` (district × settlement × sex × income fifth):

* eligible today ``E = part_time + new_adult_share · adults``; of them only those who can study
  online enrol: ``E · (access + blended · offline_reach · (1 − access))``, with access the cell's
  ``capable`` share (the access cascade's steps 1–4) times the share of its income group
  (settlement × fifth) who can afford a month of course data under the draw's own study needs
  (hours, data rate, affordable share of income, income spread: continuous draws, one set per
  draw) — the cascade's step 5; the market is that times ``m = market_share`` (× ``recognised_market``
  with recognised certificates). People come and go
  (flows, not a stock): part-time students stay eligible ``programme_years`` and as many enter each
  year as leave; adults for the ten years of the 25–34 band. Each enrols at the population's Bass
  hazard while eligible (:func:`cohort_curve`), so enrolments over the horizon are
  ``E · m`` times a multiple between ``F(H)`` (a closed stock) and ``1 + H / years eligible``;
* active: ``active_share`` of the enrolled;
* complete (given active): ``match · σ(L) + (1 − match) · σ(L + ln language_or)`` with
  ``L = logit(completion) + OULAD offsets (income fifth, sex; centred on OULAD's own mix, on which
  the completion rate was measured) + recognised · ln recognition_or + blended · ln tutor_or``;
* certified: completers × ``certified_recognised`` (recognised) or ``certified_share``.

Every stage is a product of per-draw numbers and sums over cells made once (matrices of a few
dozen rows), so nothing loops over draws or multiplies draws by cells.
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
    is (draws × horizon): the multiple of today's market enrolling in year ``y`` (the Bass curve on a market that grows with the yearly inflow).
    ``groups`` holds (draws,) markets of the enrolled and completers for urban, rural, female and
    male learners (for the gaps, which are ratios); ``values`` the parameters' draws; ``able`` the
    share (0–1) of the eligible whose connection, device and income let them study online.
    """

    districts: list[str]
    per_district: dict[str, np.ndarray]
    years: np.ndarray
    groups: dict[str, np.ndarray]
    n_draws: int
    seed: int | None
    values: dict[str, np.ndarray]
    able: np.ndarray | None = None  # (draws,) share of the eligible able to follow and afford a course
    #: (draws × districts) persons eligible, and of them able to study online (the same draws as ``able``)
    eligible_by_district: np.ndarray | None = None
    able_by_district: np.ndarray | None = None

    def able_share(self, districts: list[str] | None = None) -> np.ndarray:
        """(draws,) share (0–1) of the eligible in some districts (all by default) able to study online: the
        national one is :attr:`able`, the options table's "can study online" column."""
        if districts is None or self.able_by_district is None:
            return self.able
        idx = [self.districts.index(d) for d in districts if d in self.districts]
        return self.able_by_district[:, idx].sum(axis=1) / self.eligible_by_district[:, idx].sum(axis=1)

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

    def studying(self, districts: list[str] | None = None) -> np.ndarray:
        """(draws × years) active learners studying at once in each year (persons).

        Everyone who starts in a year is counted as studying for the length of a programme
        (``programme_years``, drawn; one year without it): the stock in year ``y`` is the sum of the
        active entrants of the last ``programme_years`` years. Those who leave early stop sooner,
        so this is the most the model's active learners put on the network.
        """
        y = self.by_year("active", districts)
        n, h = y.shape
        years = np.rint(self.values.get("programme_years", np.ones(n))).astype(int)
        c = np.concatenate([np.zeros((n, 1)), np.cumsum(y, axis=1)], axis=1)  # c[:, t] = entrants of years < t
        end = np.arange(1, h + 1)[None, :]
        start = np.maximum(end - years[:, None], 0)
        return c[:, 1:] - np.take_along_axis(c, start, axis=1)

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


def _sums(cells: pd.DataFrame, match: np.ndarray, layout: np.ndarray, capable: np.ndarray,
          income_group: np.ndarray, k: int) -> dict[str, np.ndarray]:
    """Sums over cells that the draws combine, for each income group, area and group.

    With ``pt`` part-time, ``ad`` adults and ``cap`` the capable share of a cell, the products
    ``pt·cap`` and ``ad·cap`` are summed by income group (whose affordability the draw sets), area
    and group (income fifth × sex), and ``pt``, ``ad`` by area and group; each unweighted (``all``)
    and weighted by the chance a course is (``match``) or is not (``miss``) in a language the cell
    reads. Returns name → (``pt_cap``: K × A·G, ``ad_cap``: K × A·G, ``pt``: A·G, ``ad``: A·G).
    """
    pt, ad = cells["part_time"].to_numpy(float), cells["adults"].to_numpy(float)
    onehot = np.zeros((k, len(cells)))
    onehot[income_group, np.arange(len(cells))] = 1.0
    out = {}
    for name, u in {"all": np.ones(len(cells)), "match": match, "miss": 1 - match}.items():
        out[name] = ((onehot * (pt * u * capable)) @ layout, (onehot * (ad * u * capable)) @ layout,
                     (pt * u) @ layout, (ad * u) @ layout)
    return out


def affordability(v: dict[str, np.ndarray], incomes_usd: np.ndarray, pricing) -> np.ndarray:
    """(draws × income groups) share able to afford a month of course data under each draw's needs.

    ``v`` holds the draws of ``hours_per_week``, ``content_mbps``, ``affordability_share`` and
    ``within_fifth_log_sd`` (:class:`~analytics.models.affordability.StudyNeeds`); incomes are the
    groups' mean monthly incomes (USD); ``pricing`` a :class:`~analytics.models.affordability.Pricing`.
    The shared affordability rule (:func:`~analytics.models.affordability.afford_share`), one row a draw.
    """
    from ..models.affordability import monthly_course_gb

    gb = monthly_course_gb(v["hours_per_week"], v["content_mbps"])[:, None]  # (draws, 1) GB a month
    return pricing.afford(gb, np.asarray(incomes_usd, float)[None, :], v["affordability_share"][:, None],
                          v["within_fifth_log_sd"][:, None])


def _by_pair(sums: np.ndarray) -> np.ndarray:
    """(income groups · groups, areas) from (income groups, areas, groups): the sums as a matrix that a
    draw's product of affordability and completion odds (by income group and group) multiplies."""
    k, areas, groups = sums.shape
    return sums.transpose(0, 2, 1).reshape(k * groups, areas)


#: Years in the adults' age band (25–34): a tenth of it turns 25 each year, a tenth turns 35.
ADULT_BAND_YEARS = 10
#: Points over which today's eligible are spread by the years they have left.
STOCK_PARTS = 20


def cohort_curve(p: np.ndarray, q: np.ndarray, stay: np.ndarray, horizon: int) -> np.ndarray:
    """(draws × horizon + 1) enrolments up to each year as a multiple of today's market, with flows.

    A person stays eligible ``stay`` years (per draw). Today's eligible have between 0 and ``stay``
    years left, evenly; each year ``1/stay`` of today's number arrive (mid-year) and stay ``stay``
    years, so the number eligible stays steady. Everyone enrols at the population's Bass hazard
    while eligible: of those present from ``a`` to ``b``, ``(F(b) − F(a)) / (1 − F(a))`` enrol. As
    ``stay`` grows this tends to ``F(y)``, the closed-stock curve.
    """
    p, q, stay = (np.asarray(x, float)[:, None] for x in (p, q, stay))
    t = np.arange(horizon + 1, dtype=float)[None, :]
    at_t = bass_cdf(t, p, q)  # (draws, horizon + 1); F is increasing, so F(min(t, x)) = where(t < x, F(t), F(x))
    left = stay * (np.arange(STOCK_PARTS) + 0.5)[None, :] / STOCK_PARTS  # (draws, parts): years left today
    at_left = bass_cdf(left, p, q)
    curve = np.where(t[:, :, None] < left[:, None, :], at_t[:, :, None], at_left[:, None, :]).mean(axis=2)
    for k in range(1, horizon + 1):  # the arrivals of year k, mid-year
        a = k - 0.5
        start = bass_cdf(a, p, q)
        joined = (np.where(t < a + stay, at_t, bass_cdf(a + stay, p, q)) - start) / (1 - start)
        curve = curve + np.where(t > a, joined, 0.0) / stay
    return curve


def simulate(cells: pd.DataFrame, match: np.ndarray, parameters: dict[str, Uncertain], offsets: np.ndarray,
             recognised: bool = False, blended: bool = False, horizon: int = 11, n_draws: int = 10_000,
             seed: int | None = 2027, offset_draws: np.ndarray | None = None,
             incomes: pd.DataFrame | None = None, pricing=None,
             reference: np.ndarray | None = None, values: dict[str, np.ndarray] | None = None) -> Simulation:
    """Run the funnel for every draw, district and year at once.

    Parameters
    ----------
    cells : pandas.DataFrame
        :func:`analytics.uptake.cells.build` (``district_code``, ``settlement``, ``quintile``, ``female``,
        ``part_time``, ``adults`` in persons, ``capable`` and ``access`` 0–1).
    match : numpy.ndarray
        (cells,) chance a course is in a language the cell reads (:func:`~.cells.language_match`).
    parameters : dict
        Name to :class:`~.uncertain.Uncertain` (see :data:`~.uncertain.PARAMETERS`, plus ``new_adult_share``).
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
    incomes : pandas.DataFrame, optional
        Mean monthly income (``income_usd``) by ``settlement`` × ``quintile``: with ``pricing``,
        each draw's affordability is computed from its study needs; without, the cells' ``access``
        (at the central needs) is used for every draw.
    pricing : analytics.models.affordability.Pricing, optional
        Prices of 1 GB of mobile and fixed data (USD) under the scenario, and the share on fixed.
    reference : numpy.ndarray, optional
        (10,) shares of the groups (fifth 1 men, fifth 1 women, …, fifth 5 women) of the population
        the completion rate was measured on: the offsets are centred on it, so that population keeps
        the rate (default: centred on the eligible of the cells).
    values : dict, optional
        Draws of every parameter (name → (n,) array) in place of drawing them from ``parameters``
        (the sensitivity analysis sets them); ``n_draws`` is then their length.

    Returns
    -------
    Simulation
    """
    from ..models.affordability import StudyNeeds

    if horizon < 1 or n_draws < 1:
        raise ValueError("horizon and n_draws must be at least 1")
    rng = np.random.default_rng(seed)
    v = draw(parameters, n_draws, rng) if values is None else {k: np.asarray(a, float) for k, a in values.items()}
    n_draws = len(next(iter(v.values())))
    for name in StudyNeeds.RANGES:  # study needs the parameters leave out stay at their central choice
        v.setdefault(name, np.full(n_draws, float(getattr(StudyNeeds, name))))
    if incomes is not None and pricing is not None:
        inc = incomes.set_index(["settlement", "quintile"])["income_usd"]
        fifth = cells["fifth"] if "fifth" in cells else cells["quintile"]  # the fifth incomes are stated by
        keys = list(zip(cells["settlement"], fifth, strict=True))
        levels = sorted(set(keys))
        income_group = np.array([levels.index(key) for key in keys], dtype=int)
        afford = affordability(v, inc.reindex(levels).to_numpy(float), pricing)  # (draws, K)
        capable = cells["capable"].to_numpy(float)
    else:
        income_group, afford = np.zeros(len(cells), dtype=int), np.ones((n_draws, 1))
        capable = cells["access"].to_numpy(float)
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
    market = v["market_share"] * (v["recognised_market"] if recognised else 1.0)
    # completion by group: OULAD offsets (fifths 2–5, women) centred on the reference population
    terms = np.broadcast_to(np.asarray(offsets, float), (n_draws, 5)) if offset_draws is None else offset_draws
    fifth = np.concatenate([np.zeros((n_draws, 1)), terms[:, :4]], axis=1)  # (draws, 5)
    shift = np.repeat(fifth, 2, axis=1) + np.tile([0.0, 1.0], 5)[None, :] * terms[:, [4]]  # (draws, 10)
    pt, ad = cells["part_time"].to_numpy(float), cells["adults"].to_numpy(float)
    if reference is None:
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
    T = {name: tuple(a.reshape(a.shape[:-1] + (width, 10)) for a in parts)
         for name, parts in _sums(cells, match, _layout(cells, areas), capable, income_group, afford.shape[1]).items()}
    a_col, b_col, m_col, n_col = alpha[:, None], beta[:, None], market[:, None], new[:, None]
    pt_all, ad_all = T["all"][2].sum(axis=1), T["all"][3].sum(axis=1)  # (areas,)
    with_all = afford @ T["all"][0].sum(axis=2) + n_col * (afford @ T["all"][1].sum(axis=2))  # (draws, areas)
    # only those who can study online enrol (the access cascade's last step), and with blended delivery
    # those the offline packages reach; active_share of them start
    stage = {"enrolled": m_col * ((1 - reach[:, None]) * with_all + reach[:, None] * (pt_all[None, :]
                                                                                       + n_col * ad_all[None, :]))}
    stage["active"] = m_col * (a_col * with_all + b_col * (pt_all[None, :] + n_col * ad_all[None, :]))
    completed = np.zeros((n_draws, width))
    for name, odds in (("match", read), ("miss", unread)):  # who completes: by group, weighted by reading
        pt_cap, ad_cap, pt_w, ad_w = T[name]
        joint = (afford[:, :, None] * odds[:, None, :]).reshape(n_draws, -1)  # (draws, income groups · groups)
        with_access = joint @ _by_pair(pt_cap) + n_col * (joint @ _by_pair(ad_cap))
        without = odds @ pt_w.T + n_col * (odds @ ad_w.T)
        completed += a_col * with_access + b_col * without
    stage["completed"] = m_col * completed
    stage["certified"] = stage["completed"] * (v["certified_recognised"] if recognised else v["certified_share"])[:, None]
    per_district = {s: a[:, :k] for s, a in stage.items()}
    by_group = {f"{s}_{g}": stage[s][:, k + i] for s in ("enrolled", "completed") for i, g in enumerate(groups)}
    cap_pt = np.bincount(income_group, pt * capable, minlength=afford.shape[1])  # (K,)
    cap_ad = np.bincount(income_group, ad * capable, minlength=afford.shape[1])
    able = (afford @ cap_pt + new * (afford @ cap_ad)) / (pt.sum() + new * ad.sum())
    # flows: people become eligible and leave again (part-time students for programme_years, adults for the
    # ten years of the 25–34 band); each enrols at the population's Bass hazard only while eligible
    share_pt = pt.sum() / (pt.sum() + new * ad.sum())  # national mix of today's eligible (per draw)
    if "programme_years" in v:
        curve = (share_pt[:, None] * cohort_curve(v["p"], v["q"], v["programme_years"], horizon)
                 + (1 - share_pt[:, None]) * cohort_curve(v["p"], v["q"], np.full(n_draws, ADULT_BAND_YEARS),
                                                          horizon))
    else:  # parameters without a length of study: a closed stock (no one comes or goes)
        curve = bass_cdf(np.arange(horizon + 1, dtype=float)[None, :], v["p"][:, None], v["q"][:, None])
    years = np.diff(curve, axis=1)  # today's market's multiple enrolling in each year
    return Simulation(list(districts), per_district, years, by_group, n_draws, seed, v, able,
                      pt_all[None, :k] + n_col * ad_all[None, :k], with_all[:, :k])
