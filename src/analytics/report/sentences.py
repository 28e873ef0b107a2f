"""Sentences that follow the numbers: the sign of an effect, its uncertainty, its sample size.

Every capability reads its results with these helpers, so that a page never says an
effect "lowers" something when the estimate is positive, never states a direction when
the 95 % interval includes zero, and never shows a value resting on fewer than
:data:`MIN_SAMPLE` sample members.

Catalog convention for :func:`effect`: a base key ``<key>`` has three messages,
``<key>.up``, ``<key>.down`` and ``<key>.unclear``; each receives ``estimate``, ``low`` and
``high`` (the effect and its interval, signed), ``value`` (the size of the effect, without
sign), ``size_low`` and ``size_high`` (the interval of that size, for ``up`` and ``down``)
and any extra values given.
"""

from __future__ import annotations

import math

#: Smallest number of sample members a published value may rest on (default of ``min_sample``).
MIN_SAMPLE = 30

#: Mark shown in place of a suppressed value (explained by the catalog key ``suppressed_note``).
SUPPRESSED_MARK = "‡"


def direction(estimate: float, low: float | None = None, high: float | None = None) -> str:
    """``"up"``, ``"down"`` or ``"unclear"``: the sign of ``estimate``, unclear when ``[low, high]`` includes 0.

    Parameters
    ----------
    estimate : float
        The point estimate.
    low, high : float, optional
        Bounds of its 95 % interval; without them only the sign counts (0 is unclear).
    """
    if estimate is None or (isinstance(estimate, float) and math.isnan(estimate)):
        return "unclear"
    if low is not None and high is not None and low <= 0 <= high:
        return "unclear"
    if estimate > 0:
        return "up"
    if estimate < 0:
        return "down"
    return "unclear"


def effect(texts, key: str, estimate: float, low: float, high: float, **values) -> str:
    """The sentence of ``key`` that fits the sign and the interval of an effect.

    Parameters
    ----------
    texts : analytics.core.i18n.Texts
        Messages of the page's language.
    key : str
        Base catalog key (see the module docstring).
    estimate, low, high : float
        The effect and its 95 % interval, in the unit the sentence states.
    **values
        Other values the messages use.

    Returns
    -------
    str
    """
    way = direction(estimate, low, high)
    size_low, size_high = (-high, -low) if way == "down" else (low, high)
    return texts(f"{key}.{way}", estimate=estimate, value=abs(estimate), low=low, high=high,
                 size_low=size_low, size_high=size_high, **values)


def is_suppressed(n: float, min_sample: int = MIN_SAMPLE) -> bool:
    """Whether a value resting on ``n`` sample members must not be shown."""
    return n is None or (isinstance(n, float) and math.isnan(n)) or n < min_sample


def shown(texts, value: float, n: float, digits: int = 1, percent: bool = False,
          min_sample: int = MIN_SAMPLE) -> str:
    """A value in the page's number format, or :data:`SUPPRESSED_MARK` if it rests on too few members."""
    if is_suppressed(n, min_sample):
        return SUPPRESSED_MARK
    return texts.percent(value, digits) if percent else texts.number(value, digits)


def modelled_note(pack, tx, key: str, tables: tuple[str, ...] | list[str] | None = None) -> list[str]:
    """The sentence that says a panel rests on modelled inputs (every capability uses this one rule).

    Parameters
    ----------
    pack : analytics.packs.load.Pack
        The country pack (which of its tables are modelled).
    tx : analytics.core.i18n.Texts
        The page's texts.
    key : str
        Catalog key of the capability's sentence; it may name the tables through ``{tables}``.
    tables : sequence of str, optional
        The pack tables the panel rests on: the sentence is said when any of them is modelled, naming
        those. None for a model's own output, which is always modelled.

    Returns
    -------
    list of str
        The sentence, or nothing when every table is measured.
    """
    if tables is None:
        return [tx(key)]
    modelled = [t for t in tables if t in pack.tables and pack.is_modelled(t)]
    return [tx(key, tables=", ".join(tx.get(f"table.{t}", t) for t in modelled))] if modelled else []


def price_point_note(pack, tx, levers: dict) -> list[str]:
    """The sentence that names the point of the pack's dated mobile prices a panel is priced at.

    Parameters
    ----------
    pack : analytics.packs.load.Pack
        The country pack (``assumptions.yaml``, section ``prices``).
    tx : analytics.core.i18n.Texts
        The page's texts.
    levers : dict
        A scenario section with ``price_point`` (resolved) and ``price_factor`` (times the price
        at the pack's own point, see :mod:`analytics.packs.scenarios`).

    Returns
    -------
    list of str
        The sentence, or nothing when the pack has no dated prices.
    """
    from ..packs.builders.prices import mobile_price
    from ..packs.scenarios import assumption_values

    prices = assumption_values(pack.root, "prices")
    point, usd = mobile_price(prices, levers.get("price_point"))
    if point is None:
        return []
    _, own = mobile_price(prices)
    factor = levers.get("price_factor", 1.0) * own / usd  # the factor on top of the point's own price
    when = point_label(tx, point)
    if abs(factor - 1) < 1e-9:
        return [tx("report.price_point", usd=usd, point=when)]
    return [tx("report.price_point_scaled", published=usd, point=when, factor=factor, usd=usd * factor)]


def point_label(tx, point: str) -> str:
    """A point of a dated series as a reader writes it: ``2024`` → "2024 г.", ``2021-01`` → "январь 2021 г."."""
    year, _, month = str(point).partition("-")
    if not month.isdigit() or not 1 <= int(month) <= 12:
        return tx("report.point_year", year=year)
    return tx("report.point_month", month=str(tx("report.month_names")).split()[int(month) - 1], year=year)
