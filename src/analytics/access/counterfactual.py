"""The distance-learning counterfactual: what if distance stopped mattering, for those who can study online?

For each person of the learner sample, the fitted enrolment model gives a probability of
studying now (:math:`P`) and one with distance set to zero (:math:`P_0`). Online study
removes distance only for people who can take it: with a device (smartphone or
computer), a connection (home internet, or else mobile 4G where it covers them: the
share ``cov_4g`` of their district and settlement) and data they can afford (a month of
course data at most ``affordability_share`` of their income). The counterfactual
probability is ``c·P_0 + (1 − c)·P``, where ``c`` is the probability that the person can
study online. Scenarios change coverage or prices.

Course data per month is ``hours_per_week × 52/12 × 0.45 GB × content_mbps``: 1 Mbps
sustained for an hour is 0.45 GB (REFERENCE_FIGURES, unit identity). Every default is a
stated choice: 6 hours a week at 0.25 Mbps on average (mostly text, audio and compressed
video in the LMS; Netflix's minimum for video is 0.5 Mbps) and at most 5 % of monthly
income (above A4AI's "1 GB for at most 2 %" target, since a course needs several GB).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .model import EnrolmentModel, design
from .scenarios import SCENARIOS

GB_PER_MBPS_HOUR = 0.45



@dataclass
class Counterfactual:
    """Participation now and under a scenario, by district and by settlement."""

    scenario: str
    by_district: pd.DataFrame
    by_settlement: pd.DataFrame
    capable_share: float
    assumptions: dict = field(default_factory=dict)

    @property
    def location_parity(self) -> tuple[float, float]:
        """Rural/urban participation ratio now and under the scenario."""
        s = self.by_settlement.set_index("settlement")
        return (s.loc["rural", "now"] / s.loc["urban", "now"],
                s.loc["rural", "scenario"] / s.loc["urban", "scenario"])

    def to_frame(self) -> pd.DataFrame:
        """Tidy: participation now and under the scenario (0–1) and the change (pp), by district."""
        return self.by_district.assign(scenario_name=self.scenario)

    def summary(self) -> str:
        s = self.by_settlement.set_index("settlement")
        if "rural" not in s.index:
            return (f"Scenario '{self.scenario}': {self.capable_share:.0%} of young people can study online.\n"
                    f"  urban {s.loc['urban', 'now']:.1%} -> {s.loc['urban', 'scenario']:.1%}")
        now, then = self.location_parity
        return (f"Scenario '{self.scenario}': {self.capable_share:.0%} of young people can study online.\n"
                f"  urban {s.loc['urban', 'now']:.1%} -> {s.loc['urban', 'scenario']:.1%}; "
                f"rural {s.loc['rural', 'now']:.1%} -> {s.loc['rural', 'scenario']:.1%}\n"
                f"  location parity index {now:.2f} -> {then:.2f}")


def monthly_course_gb(hours_per_week: float = 6.0, content_mbps: float = 0.25) -> float:
    """GB of data a month of online study needs (hours a week × average rate in Mbps)."""
    return hours_per_week * 52 / 12 * GB_PER_MBPS_HOUR * content_mbps


def online_capability(learners: pd.DataFrame, connectivity: pd.DataFrame, plans: pd.DataFrame,
                      incomes: pd.DataFrame, scenario: str = "online", hours_per_week: float = 6.0,
                      content_mbps: float = 0.25, affordability_share: float = 0.05) -> pd.Series:
    """Probability (0–1) that each person can study online under a scenario.

    Parameters
    ----------
    learners : pandas.DataFrame
        Sample with ``district_code``, ``settlement``, ``quintile``, ``internet_home``,
        ``smartphone``, ``computer``.
    connectivity : pandas.DataFrame
        4G coverage (``cov_4g``, 0–1) by district × settlement.
    plans : pandas.DataFrame
        Data plans; the median mobile price per GB (USD) sets the cost.
    incomes : pandas.DataFrame
        Monthly income (USD) by settlement × quintile.
    scenario : str
        One of :data:`SCENARIOS`.
    hours_per_week : float
        Hours of online study a week.
    content_mbps : float
        Average data rate of the course content, Mbps.
    affordability_share : float
        Largest share (0–1) of monthly income that course data may cost.
    """
    spec = SCENARIOS[scenario]
    cov = connectivity.set_index(["district_code", "settlement"])["cov_4g"]
    keys = list(zip(learners["district_code"], learners["settlement"], strict=True))
    cov4g = cov.reindex(keys).fillna(0.0).to_numpy()
    if spec["rural_4g_at_least"] is not None:
        rural = learners["settlement"].to_numpy() == "rural"
        cov4g = np.where(rural, np.maximum(cov4g, spec["rural_4g_at_least"]), cov4g)
    home = learners["internet_home"].to_numpy(dtype=bool)
    connection = np.where(home, 1.0, cov4g)
    device = (learners["smartphone"].to_numpy(dtype=bool) | learners["computer"].to_numpy(dtype=bool))
    mobile = plans[plans["technology"] == "mobile"]
    cost_usd = monthly_course_gb(hours_per_week, content_mbps) * float(np.median(mobile["usd_per_gb"]))
    cost_usd *= spec["price_factor"]
    income = incomes.set_index(["settlement", "quintile"])["income_usd"]
    person_income = income.reindex(list(zip(learners["settlement"], learners["quintile"], strict=True))).to_numpy()
    affordable = cost_usd <= affordability_share * person_income
    return pd.Series(device * connection * affordable, index=learners.index, name="can_study_online")


def counterfactual(model: EnrolmentModel, learners: pd.DataFrame, connectivity: pd.DataFrame,
                   plans: pd.DataFrame, incomes: pd.DataFrame, scenario: str = "online",
                   age_band: str | None = "17-24", **options) -> Counterfactual:
    """Participation now and if distance stopped mattering for those able to study online.

    Parameters
    ----------
    model : EnrolmentModel
        The fitted enrolment model (it must include ``distance_per_10km``).
    learners, connectivity, plans, incomes : pandas.DataFrame
        The pack's tables.
    scenario : str
        One of :data:`SCENARIOS`.
    age_band : str, optional
        Restrict to one age band.
    **options
        ``hours_per_week``, ``content_mbps``, ``affordability_share`` of
        :func:`online_capability`.

    Returns
    -------
    Counterfactual
        Predicted participation (0–1) now and under the scenario, by district and by settlement.
    """
    if scenario not in SCENARIOS:
        from ..core.errors import ParameterError

        raise ParameterError(f"scenario {scenario!r} is unknown; choose one of {', '.join(SCENARIOS)}")
    df = learners if age_band is None else learners[learners["age_band"] == age_band]
    X = design(df)
    now = model.predict(X)
    capable = online_capability(df, connectivity, plans, incomes, scenario, **options).to_numpy()
    if SCENARIOS[scenario]["online"]:
        no_distance = model.predict(X.assign(distance_per_10km=0.0))
        then = capable * no_distance + (1 - capable) * now
    else:
        then = now
    w = df["weight"].to_numpy(dtype=float)
    frame = pd.DataFrame({"district_code": df["district_code"].to_numpy(), "region_code": df["region_code"].to_numpy(),
                          "settlement": df["settlement"].to_numpy(), "w": w, "now": now * w, "scenario": then * w})

    def agg(by):
        g = frame.groupby(by, as_index=False)[["w", "now", "scenario"]].sum()
        g["now"] /= g["w"]
        g["scenario"] /= g["w"]
        g["change_pp"] = 100 * (g["scenario"] - g["now"])
        return g.rename(columns={"w": "population"})

    return Counterfactual(scenario=scenario, by_district=agg(["district_code", "region_code"]),
                          by_settlement=agg(["settlement"]), capable_share=float(np.average(capable, weights=w)),
                          assumptions={"scenario": SCENARIOS[scenario], **options})
