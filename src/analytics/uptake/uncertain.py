"""The uncertain parameters of the uptake model, each with its distribution and its source or reason.

Every parameter is drawn once per Monte Carlo draw (the same value for every district and year
of that draw). ``Uncertain(low, mode, high)`` is a triangular distribution; ``low == high`` is a
fixed value. Country-specific values (who reads which language, new learners, unit costs) are in
the pack's ``assumptions.yaml`` (sections ``uptake`` and ``costs``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..models.affordability import StudyNeeds


@dataclass(frozen=True)
class Uncertain:
    """A triangular distribution ``(low, mode, high)`` with where its numbers come from."""

    low: float
    mode: float
    high: float
    source: str

    def draw(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` draws (a fixed value when ``low == high``)."""
        if self.low == self.high:
            return np.full(n, float(self.mode))
        return rng.triangular(self.low, self.mode, self.high, size=n)

    def mean(self) -> float:
        """The distribution's mean ((low + mode + high) / 3)."""
        return (self.low + self.mode + self.high) / 3

    def fixed(self, value: float | None = None) -> Uncertain:
        """The same parameter held at ``value`` (default its mean): for deterministic runs."""
        v = self.mean() if value is None else value
        return replace(self, low=v, mode=v, high=v)


_HX = "HarvardX/MITx year 1 (Ho et al. 2014, Table 2): "
#: The suite's uncertain parameters (the pack may add or override, see :func:`with_pack`).
PARAMETERS: dict[str, Uncertain] = {
    "p": Uncertain(0.01, 0.02, 0.03, "Bass coefficient of innovation, typical 0.01–0.03 (REFERENCE_FIGURES)"),
    "q": Uncertain(0.30, 0.40, 0.50, "Bass coefficient of imitation, typical 0.3–0.5 (REFERENCE_FIGURES)"),
    "market_share": Uncertain(0.4, 0.6, 0.8, "choice: share of the eligible who can study online (the access "
                                             "cascade's last step) who would ever enrol online (the Bass market; F(H) "
                                             "of it enrols within the horizon; correspondence study is being "
                                             "replaced, but not all will move)"),
    "recognised_market": Uncertain(1.0, 1.15, 1.3, "choice: factor on the market when certificates are recognised "
                                                   "(pilot: students are more motivated by a recognised certificate)"),
    "active_share": Uncertain(1.0, 1.0, 1.0, "fixed: no separate share of starters, since the completion rate "
                                             "(OULAD) counts every registrant, withdrawals included; a free-MOOC "
                                             "share of starters (" + _HX + "0.652 entered the courseware) would "
                                             "count non-starters twice"),
    "offline_reach": Uncertain(0.3, 0.5, 0.7, "choice: share of those without a connection able to carry the course, "
                                              "or unable to afford it, whom TV lessons and offline packages let study"),
    "completion": Uncertain(0.35, 0.466, 0.55, "OULAD: 46.6 % of records with a deprivation band passed "
                                               "(calibration); range a choice for the transfer to Tajikistan"),
    "language_or": Uncertain(0.3, 0.5, 0.8, "choice: odds ratio of completing a course in a language the learner "
                                            "does not read well"),
    "recognition_or": Uncertain(1.1, 1.3, 1.6, "choice: odds ratio of completing when the certificate is recognised "
                                               "(pilot: more motivated by a recognised certificate)"),
    "tutor_or": Uncertain(1.05, 1.2, 1.4, "choice: odds ratio of completing with a tutor (blended delivery)"),
    "certified_share": Uncertain(0.5, 0.65, 0.8, "choice: share of completers who take a certificate when it is "
                                                 "not recognised"),
    "certified_recognised": Uncertain(0.85, 0.93, 0.98, "choice: share of completers who take a recognised "
                                                        "certificate"),
    "programme_years": Uncertain(4.0, 5.0, 6.0, "choice: years a part-time (correspondence) student stays "
                                                "enrolled, so that 1/programme_years of today's part-time students "
                                                "are replaced by new entrants each year (flows into the eligible)"),
    "cost_factor": Uncertain(0.7, 1.0, 1.3, "choice: every unit cost is uncertain by ±30 % (one factor a draw)"),
}


#: Why each study need (the inputs of access, :class:`~analytics.models.affordability.StudyNeeds`)
#: has its range; the most likely value is the central choice.
_NEEDS_WHY = {
    "hours_per_week": "choice: hours of online study a week, a part-time course load",
    "content_mbps": "choice: average data rate of course content, Mbps, down and up: the content mix that sizes the "
                    "network (0.71; 60 % of it with cached pages and phone-size video, 140 % with video at 480p)",
    "affordability_share": "choice: largest share of monthly income the course data may cost (above A4AI's "
                           "2 % for 1 GB, since a course needs several GB)",
    "within_fifth_log_sd": "choice: log-standard deviation of income within an income fifth",
}
PARAMETERS.update({name: Uncertain(lo, float(getattr(StudyNeeds, name)), hi, _NEEDS_WHY[name])
                   for name, (lo, hi) in StudyNeeds.RANGES.items()})


def with_pack(assumed: dict) -> dict[str, Uncertain]:
    """The suite's parameters with the pack's ``uptake.new_adult_share`` (low, mode, high) added."""
    share = assumed["new_adult_share"]
    return {**PARAMETERS, "new_adult_share": Uncertain(share["low"], share["mode"], share["high"],
                                                       "pack assumptions.yaml, uptake.new_adult_share")}


def table(parameters: dict[str, Uncertain]) -> pd.DataFrame:
    """Tidy: ``parameter``, ``low``, ``mode``, ``high``, ``source`` (the methods page's list)."""
    return pd.DataFrame([{"parameter": k, "low": u.low, "mode": u.mode, "high": u.high, "source": u.source}
                         for k, u in parameters.items()])
