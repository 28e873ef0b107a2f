"""Modelled data prices and incomes (``assumptions.yaml``, section ``prices``).

Mobile bundles follow a volume discount (price per GB proportional to
``size ** -volume_discount_exponent``), scaled so that the median price per GB of the
bundles equals the published average price at the pack's ``price_point`` (a point of the
dated series ``mobile_price_points``; for Tajikistan US$ 1.65 per GB, 2024). Incomes are monthly, per
adult earner, by settlement and income quintile, scaled so that the population-weighted
national mean equals the stated mean.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def mobile_price(prices: dict, point: str | None = None) -> tuple[str | None, float | None]:
    """A point of the dated mobile price series and its price (US$ per GB).

    Parameters
    ----------
    prices : dict
        The values of the pack's ``prices`` section (``mobile_price_points``: point → US$ per GB;
        ``price_point``: the point the plans are priced at).
    point : str, optional
        The point wanted (default: ``price_point``).

    Returns
    -------
    (str, float)
        The point and its price; ``(None, None)`` when the pack has no dated prices.

    Raises
    ------
    KeyError
        When ``point`` is not in the series (the message lists the points).
    """
    points = {str(k): float(v) for k, v in (prices.get("mobile_price_points") or {}).items()}
    if not points:
        if point is not None:
            raise KeyError("the pack has no dated mobile prices (assumptions.yaml, prices.mobile_price_points)")
        return None, None
    chosen = str(point if point is not None else prices.get("price_point", max(points)))
    if chosen not in points:
        raise KeyError(f"expected one of {', '.join(points)}")
    return chosen, points[chosen]


def build_plans(assumptions: dict) -> pd.DataFrame:
    """Mobile and fixed data plans with prices in the local currency and US dollars.

    Returns
    -------
    pandas.DataFrame
        ``plan_id, technology, gb`` (monthly volume, GB), ``mbps`` (fixed plans' speed,
        Mbps; empty for mobile), ``price_local``, ``price_usd``, ``usd_per_gb`` and
        ``local_per_usd`` (the exchange rate used).
    """
    fx = float(assumptions["local_per_usd"])
    sizes = np.asarray(assumptions["mobile_plan_gb"], dtype=float)
    shape = sizes ** -float(assumptions["volume_discount_exponent"])
    per_gb_usd = shape * mobile_price(assumptions)[1] / np.median(shape)
    # prices are quoted in whole hundredths of the local currency
    price_local = np.round(per_gb_usd * sizes * fx, 2)
    rows = [{"plan_id": f"M{int(g)}", "technology": "mobile", "gb": g, "mbps": np.nan,
             "price_local": p} for g, p in zip(sizes, price_local, strict=True)]
    for plan in assumptions["fixed_plans"]:
        rows.append({"plan_id": f"F{plan['mbps']}", "technology": "fixed", "gb": float(plan["gb"]),
                     "mbps": float(plan["mbps"]), "price_local": float(plan["price_local"])})
    df = pd.DataFrame(rows)
    df["price_usd"] = (df["price_local"] / fx).round(4)
    df["usd_per_gb"] = (df["price_usd"] / df["gb"]).round(4)
    df["local_per_usd"] = fx
    return df


def build_incomes(population: pd.DataFrame, assumptions: dict) -> pd.DataFrame:
    """Mean monthly income by settlement and income quintile (local currency and USD).

    Parameters
    ----------
    population : pandas.DataFrame
        The modelled population (its urban share weights the national mean).
    assumptions : dict
        The ``prices`` section of ``assumptions.yaml``.

    Returns
    -------
    pandas.DataFrame
        ``settlement, quintile`` (1 = poorest fifth within the settlement), ``income_local`` and
        ``income_usd`` (per month, ``mean_monthly_income_local`` × ``income_growth``).
    """
    urban_share = population.loc[population["settlement"] == "urban", "population"].sum() / \
        population["population"].sum()
    ratio = float(assumptions["urban_rural_income_ratio"])
    # the stated year's mean carried to the year of the price of data (a published wage series' growth)
    mean = float(assumptions["mean_monthly_income_local"]) * float(assumptions["income_growth"])
    rural_mean = mean / (urban_share * ratio + (1 - urban_share))
    shares = np.asarray(assumptions["quintile_income_shares"], dtype=float)
    fx = float(assumptions["local_per_usd"])
    rows = []
    for settlement, m in (("urban", rural_mean * ratio), ("rural", rural_mean)):
        for q, s in enumerate(shares, start=1):
            local = round(m * 5 * s, 2)
            rows.append({"settlement": settlement, "quintile": q, "income_local": local,
                         "income_usd": round(local / fx, 2)})
    return pd.DataFrame(rows)
