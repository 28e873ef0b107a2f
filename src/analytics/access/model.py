"""Why participation differs: a weighted logit of enrolment and a decomposition of the urban–rural gap.

The model is a binomial GLM with a logit link fitted with the sample's survey weights
(normalised to mean 1, passed as ``var_weights``) and heteroskedasticity-robust (HC1)
sandwich standard errors, the usual design-based choice for probability weights when
strata are not modelled. Results are odds ratios and average marginal effects (AME) with
95 % confidence intervals (AME intervals by the delta method).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: Covariates of the enrolment model, built from the learner sample by :func:`design`.
COVARIATES = ["urban", "female", "quintile", "distance_per_10km", "internet", "age_25_34"]
#: Covariates that are 0/1 indicators (their AME is a difference of probabilities).
BINARY = {"urban", "female", "internet", "age_25_34"}
#: Factors of the urban–rural decomposition and the covariates each one groups.
FACTORS = {"distance": ["distance_per_10km"], "income": ["quintile"], "internet": ["internet"],
           "sex composition": ["female"], "age composition": ["age_25_34"]}


def design(learners: pd.DataFrame) -> pd.DataFrame:
    """Model covariates from the learner sample.

    Returns
    -------
    pandas.DataFrame
        ``urban``, ``female``, ``internet``, ``age_25_34`` (0/1), ``quintile`` (income
        quintile minus 3, so 0 is the middle) and ``distance_per_10km`` (km / 10).
    """
    return pd.DataFrame({
        "urban": (learners["settlement"] == "urban").astype(float),
        "female": (learners["sex"] == "female").astype(float),
        "quintile": learners["quintile"].astype(float) - 3.0,
        "distance_per_10km": learners["distance_km"].astype(float) / 10.0,
        "internet": learners["internet_home"].astype(float),
        "age_25_34": (learners["age_band"] == "25-34").astype(float),
    }, index=learners.index)


def _logistic(x):
    return 1.0 / (1.0 + np.exp(-x))


@dataclass
class EnrolmentModel:
    """A fitted weighted logit of tertiary enrolment, with its inputs kept."""

    params: pd.Series
    cov: pd.DataFrame
    covariates: list[str]
    data: pd.DataFrame
    weights: np.ndarray
    outcome: np.ndarray
    nobs: int
    table: pd.DataFrame = field(default_factory=pd.DataFrame)

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Probability of enrolment (0–1) for rows of covariates."""
        Xc = np.column_stack([np.ones(len(X)), X[self.covariates].to_numpy(dtype=float)])
        return _logistic(Xc @ self.params.to_numpy())

    def to_frame(self) -> pd.DataFrame:
        """Tidy: one row per covariate with coefficient, odds ratio and AME (0–1) and their 95 % bounds."""
        return self.table.reset_index()

    def summary(self) -> str:
        lines = [f"Weighted logit of tertiary enrolment (n = {self.nobs}, robust HC1 standard errors)",
                 f"{'':<20}{'coef':>8}{'odds ratio':>12}{'95% CI':>18}{'AME, pp':>10}{'95% CI':>18}"]
        for name, r in self.table.iterrows():
            lines.append(f"{name:<20}{r.coef:8.3f}{r.odds_ratio:12.3f}   [{r.or_low:6.3f}, {r.or_high:6.3f}]"
                         f"{100 * r.ame:10.2f}   [{100 * r.ame_low:6.2f}, {100 * r.ame_high:6.2f}]")
        return "\n".join(lines)


def _ame(params: np.ndarray, X: pd.DataFrame, w: np.ndarray, covariates: list[str]) -> np.ndarray:
    Xc = np.column_stack([np.ones(len(X)), X[covariates].to_numpy(dtype=float)])
    out = []
    for k, name in enumerate(covariates, start=1):
        if name in BINARY:
            hi, lo = Xc.copy(), Xc.copy()
            hi[:, k], lo[:, k] = 1.0, 0.0
            eff = _logistic(hi @ params) - _logistic(lo @ params)
        else:
            p = _logistic(Xc @ params)
            eff = params[k] * p * (1 - p)
        out.append(np.average(eff, weights=w))
    return np.array(out)


def fit(learners: pd.DataFrame, covariates: list[str] | None = None) -> EnrolmentModel:
    """Fit the weighted logit of ``enrolled`` on the covariates.

    Parameters
    ----------
    learners : pandas.DataFrame
        The learner sample (``enrolled``, ``weight`` and the columns :func:`design` uses).
    covariates : list of str, optional
        Subset of :data:`COVARIATES` (default: all). Covariates that do not vary in the
        data (``urban`` in an all-urban area) are left out.

    Returns
    -------
    EnrolmentModel
        With ``table``: coefficient, odds ratio and AME (0–1 scale) with 95 % intervals.
    """
    import statsmodels.api as sm

    X = design(learners)
    # a covariate without variation (everyone urban, as in the capital) cannot be estimated
    covariates = [c for c in (covariates or COVARIATES) if X[c].nunique() > 1]
    w = learners["weight"].to_numpy(dtype=float)
    w = w / w.mean()
    y = learners["enrolled"].to_numpy(dtype=float)
    res = sm.GLM(y, sm.add_constant(X[covariates], has_constant="add"), family=sm.families.Binomial(),
                 var_weights=w).fit(cov_type="HC1")
    params = res.params.to_numpy()
    cov = res.cov_params().to_numpy()
    ame = _ame(params, X, w, covariates)
    # delta method: numerical gradient of the AMEs with respect to the coefficients
    grad = np.empty((len(covariates), len(params)))
    for j in range(len(params)):
        h = 1e-6 * max(1.0, abs(params[j]))
        up, dn = params.copy(), params.copy()
        up[j] += h
        dn[j] -= h
        grad[:, j] = (_ame(up, X, w, covariates) - _ame(dn, X, w, covariates)) / (2 * h)
    ame_se = np.sqrt(np.diag(grad @ cov @ grad.T))
    ci = res.conf_int(alpha=0.05).to_numpy()
    table = pd.DataFrame({
        "coef": params[1:], "se": res.bse.to_numpy()[1:], "coef_low": ci[1:, 0], "coef_high": ci[1:, 1],
        "odds_ratio": np.exp(params[1:]), "or_low": np.exp(ci[1:, 0]), "or_high": np.exp(ci[1:, 1]),
        "ame": ame, "ame_low": ame - 1.96 * ame_se, "ame_high": ame + 1.96 * ame_se,
    }, index=pd.Index(covariates, name="covariate"))
    return EnrolmentModel(params=res.params, cov=res.cov_params(), covariates=covariates, data=X, weights=w,
                          outcome=y, nobs=int(res.nobs), table=table)


@dataclass
class Decomposition:
    """The urban–rural participation gap split into explained parts and an unexplained rest."""

    total: float
    parts: pd.Series
    unexplained: float
    urban_rate: float
    rural_rate: float

    def summary(self) -> str:
        lines = [f"Urban–rural gap: {100 * self.total:.2f} pp (urban {100 * self.urban_rate:.1f}%, "
                 f"rural {100 * self.rural_rate:.1f}%)"]
        lines += [f"  explained by {k:<16} {100 * v:6.2f} pp" for k, v in self.parts.items()]
        lines.append(f"  unexplained            {100 * self.unexplained:6.2f} pp")
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """Tidy parts: ``part`` and ``pp`` (percentage points), summing to the total gap."""
        rows = [{"part": k, "pp": 100 * v} for k, v in self.parts.items()]
        rows.append({"part": "unexplained", "pp": 100 * self.unexplained})
        return pd.DataFrame(rows)


def decompose_urban_rural(learners: pd.DataFrame, age_band: str | None = "17-24") -> Decomposition:
    """Decompose the urban–rural gap in participation (a non-linear Oaxaca–Blinder decomposition).

    A pooled weighted logit without the urban indicator gives coefficients β. The gap
    ``P̄_urban − P̄_rural`` splits into an explained part ``F̄(X_urban β) − F̄(X_rural β)``
    (differences in characteristics: distance, income, internet, sex and age composition)
    and the unexplained rest. The explained part is divided among factors with Yun's
    weights ``W_k = Δx̄_k β_k / Σ_j Δx̄_j β_j`` (Yun, M.-S. 2004, "Decomposing differences in
    the first moment", Economics Letters 82(2): 275–280), the standard detailed form of
    the Fairlie (2005) extension of Blinder–Oaxaca to logit models (Fairlie, R. W., Journal
    of Economic and Social Measurement 30(4): 305–316). The parts add up to the total gap
    exactly. Means are weighted by the survey weights.

    Returns
    -------
    Decomposition
        Gap, parts and rest on the 0–1 scale (× 100 for percentage points).
    """
    df = learners if age_band is None else learners[learners["age_band"] == age_band]
    if df["settlement"].nunique() < 2:
        from ..core.errors import ParameterError

        raise ParameterError("the urban–rural decomposition needs both urban and rural people in the data")
    model = fit(df, [c for c in COVARIATES if c != "urban" and not (age_band and c == "age_25_34")])
    covs = model.covariates
    X = model.data
    urban = (df["settlement"] == "urban").to_numpy()
    w = model.weights
    y = model.outcome
    p_hat = model.predict(X)
    urban_rate, rural_rate = np.average(y[urban], weights=w[urban]), np.average(y[~urban], weights=w[~urban])
    total = urban_rate - rural_rate
    explained = np.average(p_hat[urban], weights=w[urban]) - np.average(p_hat[~urban], weights=w[~urban])
    beta = model.params[covs].to_numpy()
    dx = np.array([np.average(X[c].to_numpy()[urban], weights=w[urban])
                   - np.average(X[c].to_numpy()[~urban], weights=w[~urban]) for c in covs])
    contrib = dx * beta
    weights = contrib / contrib.sum() if contrib.sum() != 0 else np.zeros_like(contrib)
    per_cov = dict(zip(covs, weights * explained, strict=True))
    parts = pd.Series({name: sum(per_cov.get(c, 0.0) for c in cs) for name, cs in FACTORS.items()
                       if any(c in per_cov for c in cs)})
    return Decomposition(total=float(total), parts=parts, unexplained=float(total - explained),
                         urban_rate=float(urban_rate), rural_rate=float(rural_rate))
