"""What a month of each kind of course costs in data, against income, by settlement and income fifth.

The affordability test is the one the access-gaps counterfactual uses
(:func:`analytics.models.affordability.share_above`): within a fifth, income is log-normal around
the fifth's mean (``within_fifth_log_sd``), and the share that can afford a cost is the share whose
income is at least ``cost / threshold``. Thresholds are A4AI's: 1 GB, and (since 2021) 5 GB, for at
most 2 % of monthly income. Everyone pays the mobile price per GB (the median of the pack's mobile
plans unless a price is given): most learners will study on a phone.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..models.affordability import StudyNeeds, price_per_gb, share_above
from ..models.content_profiles import PROFILES

#: A4AI affordability thresholds: GB of data for at most this share of monthly income.
A4AI_SHARE = 0.02
A4AI_GB = (1.0, 5.0)


@dataclass
class Affordability:
    """Cost of a month of each profile against income, by settlement × quintile, tidy."""

    frame: pd.DataFrame
    usd_per_gb: float
    hours_per_week: float

    def to_frame(self) -> pd.DataFrame:
        """One row per settlement × quintile × profile: ``income_usd`` (a month), ``gb_per_month``,
        ``cost_usd``, ``cost_share`` (0–1 of income), ``afford_share`` (0–1 of people for whom the
        month costs at most 2 % of income), ``price_for_threshold_usd`` (USD per GB that brings the
        fifth's mean income to the threshold), and the A4AI ``gb1_share`` and ``gb5_share``."""
        return self.frame.copy()

    def summary(self) -> str:
        f = self.frame
        lines = [f"Data at US$ {self.usd_per_gb:.2f} per GB, {self.hours_per_week:g} h a week:"]
        for (settlement, profile), g in f.groupby(["settlement", "profile"], sort=False):
            shares = ", ".join(f"Q{q}: {100 * s:.1f}%" for q, s in zip(g["quintile"], g["cost_share"], strict=True))
            lines.append(f"  {settlement:<5} {profile:<18} cost as share of income {shares}")
        return "\n".join(lines)


def affordability(incomes: pd.DataFrame, plans: pd.DataFrame, profiles: list[str] | None = None,
                  hours_per_week: float = StudyNeeds.hours_per_week, usd_per_gb: float | None = None,
                  threshold: float = A4AI_SHARE, log_sd: float = StudyNeeds.within_fifth_log_sd) -> Affordability:
    """The cost of a month of study in each profile as a share of income, by settlement and fifth.

    Parameters
    ----------
    incomes : pandas.DataFrame
        The pack's ``incomes`` (mean monthly income of an adult earner, ``income_usd``, by
        ``settlement`` × ``quintile``).
    plans : pandas.DataFrame
        The pack's ``plans`` (``technology``, ``usd_per_gb``); the median mobile price is used.
    profiles : list of str, optional
        Profile codes (default: every profile).
    hours_per_week : float
        Hours of study a week, > 0.
    usd_per_gb : float, optional
        Price of a GB in USD (default: the pack's median mobile plan), > 0.
    threshold : float
        Largest affordable share of monthly income (A4AI: 0.02).
    log_sd : float
        Log-standard deviation of income within a fifth.

    Returns
    -------
    Affordability
    """
    price = float(usd_per_gb) if usd_per_gb is not None else price_per_gb(plans)["mobile"]
    if price <= 0 or hours_per_week <= 0:
        raise ValueError("the price per GB and the hours a week must be positive")
    rows = []
    for name in profiles or list(PROFILES):
        gb = PROFILES[name].gb_per_month(hours_per_week)
        for r in incomes.itertuples(index=False):
            cost = gb * price
            rows.append({"settlement": r.settlement, "quintile": int(r.quintile), "profile": name,
                         "income_usd": float(r.income_usd), "gb_per_month": gb, "cost_usd": cost,
                         "cost_share": cost / r.income_usd,
                         "afford_share": float(share_above(cost / threshold, r.income_usd, log_sd)),
                         "price_for_threshold_usd": threshold * r.income_usd / gb,
                         "gb1_share": A4AI_GB[0] * price / r.income_usd,
                         "gb5_share": A4AI_GB[1] * price / r.income_usd})
    return Affordability(pd.DataFrame(rows), price, hours_per_week)
