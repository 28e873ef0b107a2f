"""What goes with studying: a weighted logit of enrolment, fitted on the whole country.

The model is a binomial GLM with a logit link fitted with the sample's survey weights
(normalised to mean 1, passed as ``var_weights``) and HC1 sandwich standard errors: the
HC0 sandwich times ``n / (n − k)`` (statsmodels' GLM offers HC0 under the name HC1, so the
factor is applied here). Results are odds ratios and average marginal effects (AME) with 95 %
intervals (AME intervals by the delta method).

Regions borrow strength: one national model with a term per region (a region's own level
of enrolment), so a region's page uses effects estimated on the whole sample and averaged
over the region's people. A region's own few hundred people cannot identify every effect
(in the capital, distances span a few km).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..core.cache import computed
from ..core.results import TableResult

#: Covariates of the enrolment model, built from the learner sample by :func:`design`.
COVARIATES = ["urban", "female", "quintile", "distance_per_10km", "internet", "age_25_34"]
#: Covariates that are 0/1 indicators (their AME is a difference of probabilities).
BINARY = {"urban", "female", "internet", "age_25_34"}
#: Prefix of the region terms' columns.
REGION = "region:"


def design(learners: pd.DataFrame, regions: list[str] | None = None) -> pd.DataFrame:
    """Model covariates from the learner sample.

    Parameters
    ----------
    learners : pandas.DataFrame
        The learner sample.
    regions : list of str, optional
        Region codes: adds a 0/1 column ``region:<code>`` for every region but the first
        (the reference).

    Returns
    -------
    pandas.DataFrame
        ``urban``, ``female``, ``internet``, ``age_25_34`` (0/1), ``quintile`` (income
        quintile minus 3, so 0 is the middle), ``distance_per_10km`` (km / 10) and the region
        columns.
    """
    X = pd.DataFrame({
        "urban": (learners["settlement"] == "urban").astype(float),
        "female": (learners["sex"] == "female").astype(float),
        "quintile": learners["quintile"].astype(float) - 3.0,
        "distance_per_10km": learners["distance_km"].astype(float) / 10.0,
        "internet": learners["internet_home"].astype(float),
        "age_25_34": (learners["age_band"] == "25-34").astype(float),
    }, index=learners.index)
    for code in (regions or [])[1:]:
        X[REGION + code] = (learners["region_code"] == code).astype(float)
    return X


def logistic(x):
    """The logistic function ``1 / (1 + e^-x)``."""
    return 1.0 / (1.0 + np.exp(-x))


def irls(X: np.ndarray, y: np.ndarray, w: np.ndarray, start: np.ndarray | None = None,
         iterations: int = 25) -> np.ndarray:
    """Weighted logit coefficients by iteratively reweighted least squares (``X`` includes the constant).

    The same estimate as statsmodels' GLM with ``var_weights`` (to 1e-8), without its
    overhead: the bootstrap refits the model hundreds of times.
    """
    beta = np.zeros(X.shape[1]) if start is None else start.copy()
    for _ in range(iterations):
        p = logistic(X @ beta)
        v = np.clip(w * p * (1 - p), 1e-12, None)
        step = np.linalg.lstsq(X.T @ (X * v[:, None]), X.T @ (w * (y - p)), rcond=None)[0]
        beta += step
        if np.max(np.abs(step)) < 1e-10:
            break
    return beta


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
    regions: list[str] = field(default_factory=list)
    table: pd.DataFrame = field(default_factory=pd.DataFrame)
    truth: dict = field(default_factory=dict)

    def matrix(self, X: pd.DataFrame) -> np.ndarray:
        """The design matrix (constant first) of covariate rows."""
        return np.column_stack([np.ones(len(X)), X[self.covariates].to_numpy(dtype=float)])

    def predict(self, X: pd.DataFrame, params: np.ndarray | None = None) -> np.ndarray:
        """Probability of enrolment (0–1) for rows of covariates (with other coefficients if given)."""
        return self.probability(self.matrix(X), params)

    def probability(self, design: np.ndarray, params: np.ndarray | None = None) -> np.ndarray:
        """Probability of enrolment (0–1) for the rows of a design matrix (:meth:`matrix`), made once where many
        draws of the coefficients (``params``) are applied to the same people."""
        return logistic(design @ (self.params.to_numpy() if params is None else params))

    def effects(self, X: pd.DataFrame, w: np.ndarray) -> pd.DataFrame:
        """Coefficients, odds ratios and AMEs averaged over the rows ``X`` (weights ``w``), with 95 % bounds."""
        params, cov = self.params.to_numpy(), self.cov.to_numpy()
        shown = [c for c in self.covariates if not c.startswith(REGION)]
        Xc = self.matrix(X)
        ame = _ame(params, Xc, w, self.covariates, shown)
        grad = np.empty((len(shown), len(params)))
        for j in range(len(params)):  # delta method: numerical gradient of the AMEs
            h = 1e-6 * max(1.0, abs(params[j]))
            up, dn = params.copy(), params.copy()
            up[j] += h
            dn[j] -= h
            grad[:, j] = (_ame(up, Xc, w, self.covariates, shown) - _ame(dn, Xc, w, self.covariates, shown)) / (2 * h)
        ame_se = np.sqrt(np.diag(grad @ cov @ grad.T))
        k = [self.covariates.index(c) + 1 for c in shown]
        coef, se = params[k], np.sqrt(np.diag(cov))[k]
        table = pd.DataFrame({
            "coef": coef, "se": se, "coef_low": coef - 1.96 * se, "coef_high": coef + 1.96 * se,
            "odds_ratio": np.exp(coef), "odds_ratio_low": np.exp(coef - 1.96 * se), "odds_ratio_high": np.exp(coef + 1.96 * se),
            "ame": ame, "ame_low": ame - 1.96 * ame_se, "ame_high": ame + 1.96 * ame_se,
        }, index=pd.Index(shown, name="covariate"))
        if self.truth:
            table["true_coef"] = [self.truth.get(c, np.nan) for c in shown]
            table["true_odds_ratio"] = np.exp(table["true_coef"])
        return table

    def to_frame(self) -> pd.DataFrame:
        """Tidy: one row per covariate with coefficient, odds ratio and AME (0–1) and their 95 % bounds."""
        return self.table.reset_index()

    def summary(self) -> str:
        lines = [f"Weighted logit of tertiary enrolment (n = {self.nobs}, HC1 standard errors"
                 + (f", {len(self.regions) - 1} region terms)" if self.regions else ")"),
                 f"{'':<20}{'coef':>8}{'odds ratio':>12}{'95% CI':>18}{'AME, pp':>10}{'95% CI':>18}"]
        for name, r in self.table.iterrows():
            lines.append(f"{name:<20}{r.coef:8.3f}{r.odds_ratio:12.3f}   [{r.odds_ratio_low:6.3f}, {r.odds_ratio_high:6.3f}]"
                         f"{100 * r.ame:10.2f}   [{100 * r.ame_low:6.2f}, {100 * r.ame_high:6.2f}]")
        return "\n".join(lines)


def _ame(params: np.ndarray, Xc: np.ndarray, w: np.ndarray, covariates: list[str], shown: list[str]) -> np.ndarray:
    out = []
    p = logistic(Xc @ params)
    for name in shown:
        k = covariates.index(name) + 1
        if name in BINARY:
            hi, lo = Xc.copy(), Xc.copy()
            hi[:, k], lo[:, k] = 1.0, 0.0
            eff = logistic(hi @ params) - logistic(lo @ params)
        else:
            eff = params[k] * p * (1 - p)
        out.append(np.average(eff, weights=w))
    return np.array(out)


def fit(learners: pd.DataFrame, covariates: list[str] | None = None, regions: list[str] | None = None,
        truth: dict | None = None) -> EnrolmentModel:
    """Fit the weighted logit of ``enrolled`` on the covariates.

    Parameters
    ----------
    learners : pandas.DataFrame
        The learner sample (``enrolled``, ``weight`` and the columns :func:`design` uses).
    covariates : list of str, optional
        Subset of :data:`COVARIATES` (default: all). Covariates that do not vary in the
        data are left out.
    regions : list of str, optional
        Region codes: a term for every region but the first.
    truth : dict, optional
        Coefficients the sample was generated with (a modelled sample), shown beside the estimates.

    Returns
    -------
    EnrolmentModel
        With ``table``: coefficient, odds ratio and AME (0–1 scale) with 95 % intervals,
        averaged over the whole data.
    """
    # the modules themselves, not statsmodels.api (which imports every model: about 0.3 s more per kernel)
    from statsmodels.genmod.families import Binomial
    from statsmodels.genmod.generalized_linear_model import GLM
    from statsmodels.tools.tools import add_constant

    X = design(learners, regions)
    base = [c for c in (covariates or COVARIATES)] + [c for c in X.columns if c.startswith(REGION)]
    # a covariate without variation (everyone urban, as in a city) cannot be estimated
    covariates = [c for c in base if X[c].nunique() > 1]
    w = learners["weight"].to_numpy(dtype=float)
    w = w / w.mean()
    y = learners["enrolled"].to_numpy(dtype=float)
    res = GLM(y, add_constant(X[covariates], has_constant="add"), family=Binomial(),
              var_weights=w).fit(cov_type="HC0")
    n, k = len(y), len(covariates) + 1
    cov = res.cov_params() * n / (n - k)  # HC1
    model = EnrolmentModel(params=res.params, cov=cov, covariates=covariates, data=X, weights=w, outcome=y,
                           nobs=int(res.nobs), regions=list(regions or []), truth=dict(truth or {}))
    model.table = model.effects(X, w)
    return model


def national_fit(pack) -> EnrolmentModel:
    """The national model with a term per region, and the pack's true effects when its sample is modelled.

    Fitted once per briefing run and shared by every page (:func:`analytics.core.cache.computed`).
    """
    return computed(pack, "access.national_fit", (), lambda: _national_fit(pack))


def _national_fit(pack) -> EnrolmentModel:
    truth = {}
    if pack.is_modelled("learners"):
        from ..packs import assumptions

        doc = assumptions.read(pack.root)
        truth = dict(assumptions.values(doc, "learners").get("enrolment_logit", {}))
    return fit(pack.learners, regions=sorted(pack.regions["region_code"]), truth=truth)


class AreaEffects(TableResult):
    """The national model's effects averaged over one area's people (one row per covariate).

    ``frame``: ``covariate``, ``coef`` (log-odds), ``se`` (HC1), ``odds_ratio`` with ``odds_ratio_low``/``odds_ratio_high``,
    ``ame`` (0–1) with ``ame_low``/``ame_high`` …, as :meth:`EnrolmentModel.effects`.
    """

    def __init__(self, model: EnrolmentModel, frame: pd.DataFrame):
        super().__init__(frame)
        self.model = model

    def summary(self) -> str:
        return self.model.summary()


def for_area(model: EnrolmentModel, learners: pd.DataFrame) -> AreaEffects:
    """The model's effects averaged over the people of an area (rows of the sample it was fitted on).

    An indicator that does not vary in the area (``urban`` in a city) is left out: the
    area's people say nothing about it.
    """
    X = design(learners, model.regions or None)
    w = learners["weight"].to_numpy(dtype=float)
    table = model.effects(X, w / w.mean())
    kept = table[[c not in BINARY or X[c].nunique() > 1 for c in table.index]]
    return AreaEffects(model, kept.rename_axis("covariate").reset_index())
