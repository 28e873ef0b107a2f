"""Cross-tabulations of an answer by a group (role, institution, sex, settlement) with a test of association.

Unweighted (every weight 1): Pearson's chi-square on the counts (``scipy``). Weighted: the Rao–Scott
first-order correction (Rao and Scott 1981), the Pearson statistic on the weighted shares divided by
the mean generalised design effect
``δ̄ = [Σ_ij (1 − p_ij) d_ij − Σ_i (1 − p_i·) d_i· − Σ_j (1 − p_·j) d_·j] / ((I − 1)(J − 1))``,
where each ``d`` is the design effect of a share (its Taylor-linearised variance from ``samplics`` over
the simple-random-sampling variance). (samplics 0.6's own adjusted test returns a degenerate result
for designs without clusters, so only its variances are used.)
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.results import TableResult


@dataclass
class CrossTab:
    """Counts (respondents) and weighted shares of an answer by group, with the test of association."""

    group: str
    answer: str
    counts: pd.DataFrame  # groups × answers, respondents
    statistic: float
    df: int
    p_value: float
    method: str  # "pearson" or "rao-scott"

    def to_frame(self) -> pd.DataFrame:
        """One row per cell: ``group``, ``answer``, ``respondents``, and the test's ``statistic``, ``df``,
        ``p_value``, ``method`` repeated on every row."""
        cells = self.counts.rename_axis(index="group", columns="answer").stack().rename("respondents").reset_index()
        return cells.assign(statistic=self.statistic, df=self.df, p_value=self.p_value, method=self.method)

    def summary(self) -> str:
        return (f"{self.answer} by {self.group}: {self.method} chi-square {self.statistic:.2f} "
                f"on {self.df} df, p = {self.p_value:.3f}\n{self.counts.to_string()}")


class CrossTabs(TableResult):
    """Published cross-tabulations, after disclosure control: ``grouping``, ``group``, ``course_language``,
    ``respondents`` (empty when withheld), ``suppressed``; ``tests`` the test of association of each grouping."""

    def __init__(self, frame: pd.DataFrame, tests: list[CrossTab]):
        super().__init__(frame)
        self.tests = tests

    def summary(self) -> str:
        withheld = int(self.frame["suppressed"].sum())
        return "\n".join([f"{len(self.frame)} cells published, {withheld} withheld"] +
                         [f"  {t.group}: {t.method} chi-square {t.statistic:.2f} on {t.df} df, p = {t.p_value:.3f}"
                          for t in self.tests])


def _deff(y: np.ndarray, w: np.ndarray) -> float:
    """Design effect of the weighted share of ``y`` (0/1): Taylor variance (samplics) over the SRS variance.

    A share of 0 or 1 has no variance either way (samplics divides by the share: a zero cell stopped the
    page); its design effect is Kish's for the weights, ``n Σw² / (Σw)²``, times ``n / (n − 1)``, the value
    every share takes under equal weights (so equal weights still give Pearson's X² (n − 1)/n)."""
    p = float(np.average(y, weights=w))
    if not 0 < p < 1:
        n = len(w)
        return float(n * (w ** 2).sum() / w.sum() ** 2) * n / max(n - 1, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        from samplics.estimation import TaylorEstimator
        from samplics.utils.types import PopParam

        est = TaylorEstimator(param=PopParam.mean)
        est.estimate(y=y.astype(float), samp_weight=w)
    srs = p * (1 - p) / len(y)
    return float(est.stderror) ** 2 / srs if srs > 0 else 1.0


def crosstab(frame: pd.DataFrame, group: str, answer: str, weights: pd.Series | None = None) -> CrossTab:
    """Cross-tabulate ``answer`` by ``group`` (rows with either missing are left out) and test association.

    Returns
    -------
    CrossTab
        Pearson's chi-square when every weight is 1, else the Rao–Scott first-order corrected statistic.
    """
    data = frame[[group, answer]].dropna()
    w = np.ones(len(data)) if weights is None else weights.loc[data.index].to_numpy(float)
    counts = pd.crosstab(data[group], data[answer])
    r, c = counts.shape
    df = (r - 1) * (c - 1)
    if df == 0:
        return CrossTab(group, answer, counts, float("nan"), 0, float("nan"), "none")
    g, a = data[group].to_numpy(), data[answer].to_numpy()
    if np.allclose(w, 1.0):
        from scipy.stats import chi2_contingency  # here, not at import: a notebook's first cell stays quick

        stat, p, dof, _ = chi2_contingency(counts.to_numpy(), correction=False)
        return CrossTab(group, answer, counts, float(stat), int(dof), float(p), "pearson")
    n = len(data)
    shares = pd.crosstab(g, a, values=w, aggfunc="sum").fillna(0).to_numpy() / w.sum()
    rows, cols = shares.sum(axis=1), shares.sum(axis=0)
    expected = np.outer(rows, cols)
    pearson = n * ((shares - expected) ** 2 / expected).sum()
    levels_g, levels_a = counts.index.to_numpy(), counts.columns.to_numpy()
    cell = sum((1 - shares[i, j]) * _deff((g == levels_g[i]) & (a == levels_a[j]), w)
               for i in range(r) for j in range(c))
    row = sum((1 - rows[i]) * _deff(g == levels_g[i], w) for i in range(r))
    col = sum((1 - cols[j]) * _deff(a == levels_a[j], w) for j in range(c))
    mean_deff = max((cell - row - col) / df, 1e-9)
    stat = pearson / mean_deff
    from scipy.stats import chi2

    return CrossTab(group, answer, counts, float(stat), df, float(chi2.sf(stat, df)), "rao-scott")
