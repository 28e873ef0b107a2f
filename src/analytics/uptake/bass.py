"""The Bass diffusion model: how enrolment in online courses spreads among those who could enrol.

A share ``F(t)`` of the market has adopted by time ``t`` (years from the start):
``F(t) = (1 − e^{−(p+q)t}) / (1 + (q/p) e^{−(p+q)t})``, with ``p`` the coefficient of innovation
(adoption from outside influence, such as the ministry's announcement) and ``q`` of imitation (word
of mouth among peers). New adoption peaks at ``t* = ln(q/p) / (p+q)``, when ``F(t*) = 1/2 − p/(2q)``.
Typical values: ``p`` 0.01–0.03, ``q`` 0.3–0.5 (REFERENCE_FIGURES, "Diffusion").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


def bass_cdf(t, p, q):
    """Cumulative share adopted by time ``t`` (0–1); ``t``, ``p`` and ``q`` broadcast (numpy arrays)."""
    t, p, q = np.asarray(t, float), np.asarray(p, float), np.asarray(q, float)
    e = np.exp(-(p + q) * t)
    return (1 - e) / (1 + (q / p) * e)


def bass_peak(p: float, q: float) -> tuple[float, float]:
    """Time of peak adoption and the share adopted by then.

    Parameters
    ----------
    p, q : float
        Coefficients of innovation and imitation (per period), ``0 < p < q``.

    Returns
    -------
    tuple of float
        ``t* = ln(q/p)/(p+q)`` (periods) and ``F(t*) = 1/2 − p/(2q)`` (share, 0–1).

    Examples
    --------
    >>> t, share = bass_peak(0.03, 0.38)
    >>> round(t, 2), round(share, 4)
    (6.19, 0.4605)
    """
    if not 0 < p < q:
        raise ValueError("the Bass peak needs 0 < p < q (below that, adoption is fastest at the start)")
    return float(np.log(q / p) / (p + q)), float(0.5 - p / (2 * q))


@dataclass
class BassFit:
    """``p``, ``q`` and the market ``m`` fitted to an adoption series, with standard errors."""

    p: float
    q: float
    m: float
    se_p: float
    se_q: float
    se_m: float
    periods: int
    at_bound: bool = False  # the market sits at the largest count seen: the series has not turned yet

    def to_frame(self) -> pd.DataFrame:
        """``parameter`` (p, q, m), ``estimate``, ``std_error``, ``ci_low``, ``ci_high`` (95 %, normal)."""
        est = np.array([self.p, self.q, self.m])
        se = np.array([self.se_p, self.se_q, self.se_m])
        return pd.DataFrame({"parameter": ["p", "q", "m"], "estimate": est, "std_error": se,
                             "ci_low": est - 1.96 * se, "ci_high": est + 1.96 * se})

    def summary(self) -> str:
        t, share = bass_peak(self.p, self.q) if 0 < self.p < self.q else (float("nan"), float("nan"))
        note = ("; the market sits at its lower bound (the series has not turned yet): the standard "
                "errors are not reliable" if self.at_bound else "")
        return (f"Bass fit on {self.periods} periods: p = {self.p:.4f} (SE {self.se_p:.4f}), "
                f"q = {self.q:.3f} (SE {self.se_q:.3f}), market m = {self.m:,.0f} (SE {self.se_m:,.0f}); "
                f"peak at t* = {t:.2f} with {share:.1%} adopted{note}")


def fit_bass(t, adopted) -> BassFit:
    """Fit ``p``, ``q`` and the market ``m`` to a cumulative adoption series by non-linear least squares.

    Parameters
    ----------
    t : array-like
        Times of the observations (periods since the start), at least 4.
    adopted : array-like
        Cumulative adopters at those times (persons, or a share of the market).

    Returns
    -------
    BassFit
        Estimates with standard errors from the least-squares covariance (``scipy.optimize.curve_fit``),
        which treat the errors of the cumulative series as independent: read them as a lower bound
        when the noise is in each period's adoptions, and not at all when ``at_bound`` (the market
        estimate rests on its lower bound, the largest count seen).
    """
    from scipy.optimize import curve_fit

    t, y = np.asarray(t, float), np.asarray(adopted, float)
    if len(t) < 4 or len(t) != len(y) or not np.isfinite(y).all() or (y < 0).any():
        raise ValueError("fit_bass needs at least 4 times with finite, non-negative cumulative adopters")

    def model(tt, p, q, m):
        return m * bass_cdf(tt, p, q)

    start = (0.02, 0.4, max(float(y.max()) * 1.5, 1e-9))
    bounds = ([1e-6, 1e-6, float(y.max()) * 0.999 or 1e-12], [1.0, 3.0, np.inf])
    est, cov = curve_fit(model, t, y, p0=start, bounds=bounds, maxfev=20_000)
    se = np.sqrt(np.clip(np.diag(cov), 0, None))
    at_bound = bool(est[2] <= bounds[0][2] * 1.001)
    return BassFit(*map(float, est), *map(float, se), periods=len(t), at_bound=at_bound)
