"""Can a household afford the data for online study? One function for every notebook.

A month of online study needs ``hours_per_week × 52/12 × 0.45 GB × content_mbps`` of data
(1 Mbps sustained for an hour is 0.45 GB); the central data rate is what the course's content
mix (:data:`~analytics.models.capacity.MIX`, the same mix that sizes the network) sends and
receives, both billed. Each household is priced at the plan it uses: a share ``home_fixed_share`` of those
connected (the pack's ``prices`` assumption; 0 when the pack does not state it) have fixed
broadband and pay the fixed-plan price per GB; everyone else, including most home connections
where fixed broadband is rare, pays the mobile price per GB (:func:`afford_share`). The course is paid from the
household's income: the monthly income of an adult earner in the household's income fifth
(the pack's ``incomes`` table). Within a fifth, income is log-normal with the fifth's mean
and log-standard deviation ``within_fifth_log_sd``, so the chance that the data costs at
most ``affordability_share`` of income changes smoothly with every threshold: there is no
income at which everyone in a fifth flips from "cannot" to "can".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

GB_PER_MBPS_HOUR = 0.45  # 1 Mbps for 3,600 s = 3,600 Mb = 450 MB
#: Mean data rate the course's content mix bills, Mbps: down and up, since a mobile plan bills both
#: (:data:`~analytics.models.capacity.MIX`: 0.5 × (0.1 + 0.05) + 1/3 × 1.0 + 1/6 × (1.0 + 0.8) = 0.7083;
#: a test holds the two together).
MIX_MBPS = 0.7083


@dataclass(frozen=True)
class StudyNeeds:
    """What a month of online study needs and what a household can spend on it.

    Attributes
    ----------
    hours_per_week : float
        Hours of online study a week (choice: 6, range 4–8, a part-time course load).
    content_mbps : float
        Average data rate of the course content, Mbps, down and up (a plan bills both): the content
        mix that sizes the network (0.71: half text and LMS pages at 0.1 down and 0.05 up, a third
        360p video at 1.0, a sixth live classes at 1.0 down and 0.8 up); range 0.42–0.99 (choice:
        60 % of it when pages are cached and video is watched on a phone's smaller screen, 140 % when
        video is watched at 480p).
    affordability_share : float
        Largest share of monthly income the course data may cost, 0–1 (choice: 0.05, range
        0.03–0.08; above the A4AI target of 1 GB for at most 2 %, since a course needs several GB).
    within_fifth_log_sd : float
        Log-standard deviation of income within an income fifth (choice: 0.25, range 0.15–0.35).
    """

    hours_per_week: float = 6.0
    content_mbps: float = MIX_MBPS
    affordability_share: float = 0.05
    within_fifth_log_sd: float = 0.25

    #: Stated range of each choice (low, high): the uncertainty band draws each from a triangular
    #: distribution over it with the choice as its mode (in the access counterfactual and the uptake model alike).
    RANGES = {"hours_per_week": (4.0, 8.0), "content_mbps": (round(0.6 * MIX_MBPS, 4), round(1.4 * MIX_MBPS, 4)), "affordability_share": (0.03, 0.08),
              "within_fifth_log_sd": (0.15, 0.35)}

    def monthly_gb(self) -> float:
        """GB of data a month of online study needs."""
        return monthly_course_gb(self.hours_per_week, self.content_mbps)


def monthly_course_gb(hours_per_week: float = StudyNeeds.hours_per_week,
                      content_mbps: float = StudyNeeds.content_mbps) -> float:
    """GB of data a month of online study needs (hours a week × average rate in Mbps)."""
    return hours_per_week * 52 / 12 * GB_PER_MBPS_HOUR * content_mbps


def price_per_gb(plans: pd.DataFrame) -> dict[str, float]:
    """Median price per GB (USD) of the pack's mobile and fixed plans."""
    return {tech: float(np.median(plans.loc[plans["technology"] == tech, "usd_per_gb"]))
            for tech in ("mobile", "fixed") if (plans["technology"] == tech).any()}


def share_above(threshold_usd: np.ndarray, mean_usd: np.ndarray, log_sd: float | np.ndarray) -> np.ndarray:
    """Share (0–1) of a log-normal income distribution with mean ``mean_usd`` above ``threshold_usd``.

    The three arguments broadcast (the uptake model passes one log-sd per draw); a log-sd of 0 or
    less means every income equals the mean.
    """
    from scipy.stats import norm

    threshold_usd, mean_usd, log_sd = (np.asarray(x, dtype=float) for x in (threshold_usd, mean_usd, log_sd))
    sd = np.maximum(log_sd, 1e-12)
    mu = np.log(mean_usd) - sd ** 2 / 2  # the mean of a log-normal is exp(mu + sd²/2)
    return np.where(log_sd > 0, norm.sf((np.log(threshold_usd) - mu) / sd), (mean_usd >= threshold_usd).astype(float))


def afford_share(gb: np.ndarray, mobile_per_gb: float, mean_income: np.ndarray, affordability_share: np.ndarray,
                 log_sd: np.ndarray, fixed_per_gb: float | None = None, fixed_share: np.ndarray | float = 0.0
                 ) -> np.ndarray:
    """Share (0–1) of households that can afford ``gb`` of data a month: the one affordability rule.

    A share ``fixed_share`` pays ``fixed_per_gb`` (fixed broadband), the rest ``mobile_per_gb``
    (USD per GB); a household can afford the data when it costs at most ``affordability_share`` of a
    log-normal income with mean ``mean_income`` (USD a month) and log-sd ``log_sd``. Every argument
    broadcasts (draws × income groups in the uptake model, people in the access model).
    """
    fixed_share = np.asarray(fixed_share, dtype=float)
    p = share_above(gb * mobile_per_gb / affordability_share, mean_income, log_sd)
    if fixed_per_gb is not None and np.any(fixed_share > 0):
        p = (1 - fixed_share) * p + fixed_share * share_above(gb * fixed_per_gb / affordability_share, mean_income,
                                                              log_sd)
    return p


@dataclass(frozen=True)
class Pricing:
    """What a GB of data costs a household (USD): mobile, fixed, and the share (0–1) on fixed broadband."""

    mobile_per_gb: float
    fixed_per_gb: float
    fixed_share: float = 0.0

    @classmethod
    def of(cls, plans: pd.DataFrame, price_factor: float = 1.0, fixed_share: float = 0.0) -> Pricing:
        """The median prices of the pack's plans, times a scenario's ``price_factor``."""
        prices = price_per_gb(plans)
        return cls(prices["mobile"] * price_factor, prices.get("fixed", prices["mobile"]) * price_factor,
                   float(fixed_share))

    def afford(self, gb, mean_income, affordability_share, log_sd) -> np.ndarray:
        """Share (0–1) able to afford ``gb`` a month (:func:`afford_share`; arguments broadcast)."""
        return afford_share(gb, self.mobile_per_gb, mean_income, affordability_share, log_sd, self.fixed_per_gb,
                            self.fixed_share)
