"""What online study could change: an upper bound, anchored on what is observed, with a band.

For each person of the learner sample the fitted national enrolment model gives a
probability of studying now (``P``) and with distance set to zero (``P₀``): what studying
would be if online study counted as much as living next to a campus. Online study removes
distance only for people who can take it: ``c``, the last step of the access cascade of
their district, settlement and income fifth (:mod:`analytics.models.cascade`: reached by a
network, a device, using the internet, a connection that carries the course, data their
household can afford — a probability, so no threshold flips everyone at once). The modelled
change is ``c · (P₀ − P)``.

The scenario's rate is the **observed** rate plus the weighted mean modelled change, so the
"now" on this panel is the same number as everywhere else on the page. It is an upper
bound: it assumes online study removes the whole distance penalty. The band (2.5th–97.5th
percentiles) comes from drawing, together, the model's coefficients from their estimated
covariance, each study need from its stated range (:class:`StudyNeeds.RANGES`) and the
sample itself (a bootstrap stratified by district × settlement), so it includes the sampling
error of today's rate.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..models.affordability import StudyNeeds, monthly_course_gb
from ..models.intervals import SEED, strata_indices
from ..report.sentences import MIN_SAMPLE
from .enrolment import EnrolmentModel, design

#: Draws of the uncertainty band.
DRAWS = 200

__all__ = ["Counterfactual", "StudyNeeds", "counterfactual", "monthly_course_gb", "online_capability"]


@dataclass
class Counterfactual:
    """Participation now (observed) and under a scenario (observed + modelled change), with bands."""

    scenario: str
    by_district: pd.DataFrame
    by_settlement: pd.DataFrame
    capable_share: float
    needs: StudyNeeds = field(default_factory=StudyNeeds)

    def rates(self) -> pd.DataFrame:
        """``by_settlement`` indexed by settlement (urban first)."""
        return self.by_settlement.set_index("settlement").reindex(["urban", "rural"]).dropna(subset=["now"])

    @property
    def location_parity(self) -> tuple[float, float]:
        """Rural/urban participation ratio now and under the scenario."""
        s = self.rates()
        return (s.loc["rural", "now"] / s.loc["urban", "now"], s.loc["rural", "under_scenario"] / s.loc["urban", "under_scenario"])

    def to_frame(self) -> pd.DataFrame:
        """Tidy, by district: ``now``, ``under_scenario`` (0–1, with ``under_scenario_low``/``under_scenario_high``), ``change_pp``
        (with bounds); empty where the district's effective sample is under the minimum (``suppressed``)."""
        from .common import blank_suppressed

        values = ["now", "under_scenario", "under_scenario_low", "under_scenario_high", "capable_share", "change_pp", "change_pp_low",
                  "change_pp_high"]
        return blank_suppressed(self.by_district, [c for c in values if c in self.by_district]).assign(
            scenario_name=self.scenario)

    def summary(self) -> str:
        lines = [f"Scenario '{self.scenario}' (an upper bound): {self.capable_share:.0%} of people can "
                 f"study online ({self.needs.monthly_gb():.2f} GB a month)."]
        for name, r in self.rates().iterrows():
            lines.append(f"  {name}: {r.now:.1%} now -> {r.under_scenario:.1%} [{r.under_scenario_low:.1%}, {r.under_scenario_high:.1%}]")
        return "\n".join(lines)


def online_capability(learners: pd.DataFrame, cascade, needs: StudyNeeds | None = None) -> pd.Series:
    """Probability (0–1) that each person can study online: the last step of the access cascade of
    their district, settlement and income fifth (:mod:`analytics.models.cascade`).

    Parameters
    ----------
    learners : pandas.DataFrame
        Sample with ``district_code``, ``settlement``, ``quintile`` (national income fifth) and ``weight``.
    cascade : analytics.models.cascade.Cascade
        The scenario's access cascade.
    needs : StudyNeeds, optional
        Study needs other than the cascade's (its ``afford`` step recomputed under them).
    """
    afford = None if needs is None else cascade.afford_at(needs)
    return pd.Series(cascade.per_person(learners, afford), index=learners.index, name="can_study_online")


def _change(model: EnrolmentModel, designs: tuple[np.ndarray, np.ndarray], capable: np.ndarray,
            params=None) -> np.ndarray:
    """Each person's modelled change in the probability of studying (0–1), at least 0: online study adds an
    option and takes none away, so a draw of the coefficients in which distance raises participation adds
    nothing (rather than lowering it). ``designs``: the design matrices of the people as they are and with
    distance no longer mattering (:func:`_designs`)."""
    now, near = designs
    return capable * np.maximum(model.probability(near, params) - model.probability(now, params), 0)


def _designs(model: EnrolmentModel, X: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The design matrices of the rows ``X`` as they are and with every distance 0, made once for every draw."""
    return model.matrix(X), model.matrix(X.assign(distance_per_10km=0.0))


def counterfactual(model: EnrolmentModel, learners: pd.DataFrame, cascade, scenario: str = "baseline",
                   age_band: str | None = "17-24", draws: int = DRAWS, seed: int = SEED,
                   online: bool = True) -> Counterfactual:
    """Participation now (observed) and if distance stopped mattering for those able to study online.

    Parameters
    ----------
    model : EnrolmentModel
        The fitted enrolment model (national, with region terms).
    learners : pandas.DataFrame
        The pack's learner sample, restricted to the area of the page.
    cascade : analytics.models.cascade.Cascade
        The scenario's access cascade, restricted to the same area (its last step, ``afford``, is
        each person's chance of being able to study online).
    scenario : str
        Name of the scenario (a label of the result).
    age_band : str, optional
        Restrict to one age band.
    draws, seed : int
        Draws of the band and their seed.
    online : bool
        The scenario's ``access.online`` lever (False: online study closed, no change).

    Returns
    -------
    Counterfactual
        Observed participation (0–1) now and under the scenario, with 95 % bands, by
        district and by settlement.
    """
    needs = cascade.needs
    df = learners if age_band is None else learners[learners["age_band"] == age_band]
    X = design(df, model.regions or None)
    w = df["weight"].to_numpy(dtype=float)
    spread = cascade.person_matrix(df)  # each person over the cells of their district, settlement and fifth
    capable = spread @ cascade.cells["afford"].to_numpy(float)
    designs = _designs(model, X)
    change = _change(model, designs, capable) if online else np.zeros(len(df))
    rng = np.random.default_rng(seed)
    betas = rng.multivariate_normal(model.params.to_numpy(), model.cov.to_numpy(), size=draws)
    enrolled = df["enrolled"].to_numpy(dtype=float)
    rows_of = strata_indices(df.reset_index(drop=True), replicates=draws, seed=seed)
    groupings = {"district": ["district_code", "region_code"], "settlement": ["settlement"]}
    codes = {k: pd.MultiIndex.from_frame(df[cols]).factorize() for k, cols in groupings.items()}
    drawn = {k: np.empty((draws, len(labels))) for k, (_, labels) in codes.items()}
    drawn_now = {k: np.empty((draws, len(labels))) for k, (_, labels) in codes.items()}
    for d in range(draws):  # coefficients, study needs and the sample itself drawn together
        needs_d = StudyNeeds(**{k: rng.triangular(lo, getattr(needs, k), hi)  # as the uptake model draws them
                                for k, (lo, hi) in StudyNeeds.RANGES.items()})
        change_d = _change(model, designs, spread @ cascade.afford_at(needs_d), betas[d]) if online else 0.0 * w
        rows = rows_of[d]
        for k, (g, labels) in codes.items():
            den = np.bincount(g[rows], weights=w[rows], minlength=len(labels))
            now_d = np.bincount(g[rows], weights=(w * enrolled)[rows], minlength=len(labels)) / den
            drawn_now[k][d] = now_d
            drawn[k][d] = now_d + np.bincount(g[rows], weights=(w * change_d)[rows], minlength=len(labels)) / den

    def agg(k):
        g, labels = codes[k]
        den = np.bincount(g, weights=w, minlength=len(labels))
        out = labels.to_frame(index=False)
        out.columns = groupings[k]
        out["population"] = den
        out["effective_sample"] = den ** 2 / np.bincount(g, weights=w ** 2, minlength=len(labels))
        out["suppressed"] = out["effective_sample"] < MIN_SAMPLE
        out["now"] = np.bincount(g, weights=w * enrolled, minlength=len(labels)) / den
        change_rate = np.bincount(g, weights=w * change, minlength=len(labels)) / den
        out["under_scenario"] = out["now"] + change_rate
        out["under_scenario_low"] = np.nanpercentile(drawn[k], 2.5, axis=0)
        out["under_scenario_high"] = np.nanpercentile(drawn[k], 97.5, axis=0)
        out["change_pp"] = 100 * change_rate
        out["change_pp_low"] = 100 * np.nanpercentile(drawn[k] - drawn_now[k], 2.5, axis=0)
        out["change_pp_high"] = 100 * np.nanpercentile(drawn[k] - drawn_now[k], 97.5, axis=0)
        out["sample"] = np.bincount(g, minlength=len(labels))
        return out.sort_values(groupings[k]).reset_index(drop=True)

    by_district = agg("district").merge(  # the cascade's own share of each district: one number everywhere
        cascade.by_area(["district_code"]).query("step == 'afford'")[["district_code", "step_share"]].rename(
            columns={"step_share": "capable_share"}), on="district_code", how="left")
    return Counterfactual(scenario=scenario, by_district=by_district, by_settlement=agg("settlement"),
                          capable_share=cascade.share("afford"), needs=needs)
