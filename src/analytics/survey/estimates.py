"""Shares of survey respondents with confidence intervals.

With every weight 1 (a simple random sample, as the reconstructed pilot responses are treated), a
share's interval is Wilson's score interval. With other weights, the weights are read as design
weights (the number of people each respondent stands for) and the interval is design-based: a
Taylor-linearised standard error with a logit interval, computed by the ``samplics`` library.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: The standard normal's 97.5th percentile (``scipy.stats.norm.ppf(0.975)``; a constant, so that
#: importing this module does not import scipy.stats).
Z95 = 1.959963984540054


def wilson(k: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for ``k`` successes in ``n`` trials (shares 0–1).

    Examples
    --------
    >>> [round(x, 4) for x in wilson(78, 200)]
    [0.3251, 0.4591]
    """
    if n <= 0:
        return float("nan"), float("nan")
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return float(centre - half), float(centre + half)


@dataclass(frozen=True)
class Share:
    """A share with its 95 % interval, the respondents behind it and how the interval was made."""

    estimate: float
    low: float
    high: float
    n: int
    successes: int
    method: str  # "wilson" or "taylor"

    def to_frame(self) -> pd.DataFrame:
        """One row: ``share``, ``share_low``, ``share_high`` (0–1), ``respondents`` (saying yes), ``n``, ``method``."""
        return pd.DataFrame([{"share": self.estimate, "share_low": self.low, "share_high": self.high,
                              "respondents": self.successes, "n": self.n, "method": self.method}])

    def summary(self) -> str:
        return (f"{self.estimate:.1%} [{self.low:.1%}, {self.high:.1%}] ({self.successes} of {self.n}, "
                f"{self.method} interval)")


def share(yes: pd.Series, weights: pd.Series | None = None) -> Share:
    """The (weighted) share of ``True`` in ``yes`` (missing answers left out), with its interval.

    Parameters
    ----------
    yes : pandas.Series of bool
        One answer per respondent; missing values are not counted.
    weights : pandas.Series, optional
        Design weights (persons each respondent stands for); all 1 when None.

    Returns
    -------
    Share
        Wilson interval when every weight is 1, else samplics' Taylor-linearised logit interval.
    """
    keep = yes.notna()
    y = yes[keep].astype(bool).to_numpy()
    w = np.ones(len(y)) if weights is None else weights[keep].to_numpy(float)
    n, k = len(y), int(y.sum())
    if n == 0:
        return Share(float("nan"), float("nan"), float("nan"), 0, 0, "none")
    if np.allclose(w, 1.0):
        low, high = wilson(k, n)
        return Share(k / n, low, high, n, k, "wilson")
    with warnings.catch_warnings():  # samplics announces its successor on import
        warnings.simplefilter("ignore", FutureWarning)
        from samplics.estimation import TaylorEstimator
        from samplics.utils.types import PopParam

        est = TaylorEstimator(param=PopParam.prop)
        est.estimate(y=y.astype(int), samp_weight=w, remove_nan=True)
    key = next(k for k in est.point_est if int(k) == 1) if 1 in [int(x) for x in est.point_est] else None
    if key is None:  # nobody said yes
        return Share(0.0, 0.0, float(wilson(0, n)[1]), n, 0, "taylor")
    return Share(float(est.point_est[key]), float(est.lower_ci[key]), float(est.upper_ci[key]), n, k, "taylor")


def shares_of(values: pd.Series, weights: pd.Series | None = None, categories=None) -> pd.DataFrame:
    """Share of respondents giving each value of a categorical answer, with intervals.

    Returns
    -------
    pandas.DataFrame
        ``value``, ``respondents`` (giving it), ``n`` (answering), ``share``, ``share_low``,
        ``share_high`` (0–1), ``method``.
    """
    answered = values.dropna()
    rows = []
    for value in categories if categories is not None else sorted(answered.unique(), key=str):
        s = share(values.where(values.isna(), values == value), weights)
        rows.append({"value": value, "respondents": s.successes, "n": s.n, "share": s.estimate,
                     "share_low": s.low, "share_high": s.high, "method": s.method})
    return pd.DataFrame(rows)
