"""Modelled connectivity by district and settlement type, calibrated to published national speeds.

Every district × settlement (urban/rural) gets network coverage shares, log-normal
download and upload speed distributions, a latency, and households get device ownership
by settlement and income quintile (``assumptions.yaml``, section ``connectivity``).

Speeds are relative: urban 1, rural ``rural_penalty``, times ``mountain_penalty`` in
mountain regions and ``capital_premium`` in the capital. One national scale is then
solved so that the speed distribution of all users (each cell's log-normal weighted by
the people who can use that service there) has the published national speed, as the
statistic it was published as (``speed_statistic``: ``mean`` or ``median``). For Tajikistan:
Ookla's 13.08 Mbps mobile and 33.3 Mbps fixed in January 2021, reported then as averages (the
index reports medians in later editions), so the national mean equals them and the median is
lower. The figures come from user-initiated tests, not guaranteed delivery rates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm


def mixture_median(medians, sigma: float, weights) -> float:
    """Median of a weighted mixture of log-normal distributions.

    Parameters
    ----------
    medians : array_like of float
        Median of each component (Mbps).
    sigma : float
        Common log-scale standard deviation.
    weights : array_like of float
        Component weights (persons).

    Returns
    -------
    float
        The value m with half of the mixture's weight below it (Mbps).
    """
    m = np.asarray(medians, dtype=float)
    w = np.asarray(weights, dtype=float)
    w = w / w.sum()
    lo, hi = np.log(m.min()) - 6 * sigma, np.log(m.max()) + 6 * sigma
    for _ in range(200):
        mid = (lo + hi) / 2
        if (w * norm.cdf((mid - np.log(m)) / sigma)).sum() < 0.5:
            lo = mid
        else:
            hi = mid
    return float(np.exp((lo + hi) / 2))


def _cell_kind(region: str, settlement: str, capital_region: str, mountain: dict) -> str:
    if region == capital_region:
        return "capital"
    if region in mountain:
        return f"mountain_{settlement}"
    return settlement


def build_connectivity(population: pd.DataFrame, assumptions: dict,
                       capital_region: str) -> pd.DataFrame:
    """Coverage, speed distributions and latency by district × settlement.

    Parameters
    ----------
    population : pandas.DataFrame
        The modelled population (``district_code, region_code, settlement, population``).
    assumptions : dict
        The ``connectivity`` section of ``assumptions.yaml``.
    capital_region : str
        Region code of the capital.

    Returns
    -------
    pandas.DataFrame
        One row per district × settlement with persons ``population``; shares ``cov_2g``,
        ``cov_3g``, ``cov_4g``, ``fixed_available`` (0–1); ``mobile_down_median_mbps``,
        ``mobile_up_median_mbps``, ``fixed_down_median_mbps``, ``fixed_up_median_mbps``
        (Mbps, medians of log-normal distributions with log-sd ``mobile_log_sd`` and
        ``fixed_log_sd``); ``latency_ms`` (ms).
    """
    cells = population.groupby(["district_code", "region_code", "settlement"], as_index=False)[
        "population"].sum()
    cells = cells[cells["population"] > 0].reset_index(drop=True)
    mountain = assumptions["mountain_penalty"]
    kinds = [_cell_kind(r, s, capital_region, mountain)
             for r, s in zip(cells["region_code"], cells["settlement"], strict=True)]
    cov = pd.DataFrame([assumptions["coverage"][k] for k in kinds])
    cells = pd.concat([cells, cov], axis=1)
    rel = np.where(cells["settlement"] == "rural", float(assumptions["rural_penalty"]), 1.0)
    rel = rel * cells["region_code"].map(mountain).fillna(1.0).to_numpy(dtype=float)
    rel = rel * np.where(cells["region_code"] == capital_region, float(assumptions["capital_premium"]), 1.0)
    sd = assumptions["log_sd"]
    lat = assumptions["latency_ms"]
    statistic = assumptions.get("speed_statistic", "median")
    for tech, users in (("mobile", cells["population"] * cells["cov_3g"]),
                        ("fixed", cells["population"] * cells["fixed_available"])):
        target = float(assumptions[f"{tech}_download_mbps"])
        # the published national figure is the mean or the median of the users' mixture of log-normals
        national = mixture_mean(rel, float(sd[tech]), users) if statistic == "mean" else \
            mixture_median(rel, float(sd[tech]), users)
        scale = target / national
        cells[f"{tech}_down_median_mbps"] = (scale * rel).round(4)
        up_ratio = float(assumptions[f"{tech}_upload_mbps"]) / target
        cells[f"{tech}_up_median_mbps"] = (scale * rel * up_ratio).round(4)
        cells[f"{tech}_log_sd"] = float(sd[tech])
    cells["latency_ms"] = np.where(cells["settlement"] == "urban", lat["urban"], lat["rural"]) + np.where(
        cells["region_code"].isin(list(mountain)), lat["mountain_extra"], 0)
    return cells


def mixture_mean(medians, log_sd: float, weights) -> float:
    """Mean (Mbps) of a weighted mixture of log-normals with these medians and one log-sd: each has
    mean ``median · exp(log_sd² / 2)``."""
    medians, weights = np.asarray(medians, float), np.asarray(weights, float)
    return float(np.sum(weights * medians) / np.sum(weights) * np.exp(log_sd ** 2 / 2))


def build_devices(assumptions: dict) -> pd.DataFrame:
    """Household device ownership by settlement and income quintile.

    Returns
    -------
    pandas.DataFrame
        ``settlement, quintile`` (1 = poorest), ``smartphone_share`` and ``computer_share`` (0–1).
    """
    rows = []
    for settlement in ("urban", "rural"):
        for q in range(5):
            rows.append({"settlement": settlement, "quintile": q + 1,
                         "smartphone_share": assumptions["smartphone_share"][settlement][q],
                         "computer_share": assumptions["computer_share"][settlement][q]})
    return pd.DataFrame(rows)


def national_mean(connectivity: pd.DataFrame, tech: str = "mobile", direction: str = "down") -> float:
    """National mean speed (Mbps) implied by the modelled table, weighted by users."""
    users = connectivity["population"] * (connectivity["cov_3g"] if tech == "mobile"
                                          else connectivity["fixed_available"])
    return mixture_mean(connectivity[f"{tech}_{direction}_median_mbps"],
                        float(connectivity[f"{tech}_log_sd"].iloc[0]), users)


def national_median(connectivity: pd.DataFrame, tech: str = "mobile", direction: str = "down") -> float:
    """National median speed (Mbps) implied by the modelled table, weighted by users."""
    users = connectivity["population"] * (connectivity["cov_3g"] if tech == "mobile"
                                          else connectivity["fixed_available"])
    return mixture_median(connectivity[f"{tech}_{direction}_median_mbps"],
                          float(connectivity[f"{tech}_log_sd"].iloc[0]), users)
