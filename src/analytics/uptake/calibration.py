"""Who completes a distance course: a logit fitted on real learner data, carried into the funnel.

The data are the Open University Learning Analytics Dataset (OULAD; Kuzilek et al. 2017, CC BY 4.0),
32,593 student-module records of the UK Open University, shipped in the Tajikistan pack as the
measured table ``oulad_students``. Success is Pass or Distinction; failure is Fail or Withdrawn.
The logit has terms for prior education, deprivation (the ``imd_band`` deciles, in fifths), age
band, sex and disability.

**Transfer to Tajik learners** (written out, since OULAD is not Tajik data):

* deprivation fifth ``k`` of the neighbourhood (1 = most deprived fifth, ``imd_band`` 0–20 %) stands
  for income fifth ``k`` of a Tajik learner (1 = poorest);
* sex carries over as it is;
* today's part-time students have completed secondary school, OULAD's reference level "A Level or
  Equivalent"; all are under 35 (OULAD's reference age band "0-35"); disability is not recorded in
  the pack, so its term is held at OULAD's own mix and drops out;
* the funnel's completion rate is OULAD's own (46.6 %, over OULAD's mix of deprivation fifths and
  sexes), so the offsets are centred on that mix: a learner group completes at the rate OULAD's
  matching group would, relative to OULAD's average.

Standard errors are robust to clustering within the 22 module presentations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Final results counted as success and as failure.
SUCCESS = ("Pass", "Distinction")
FAILURE = ("Fail", "Withdrawn")
#: Values of ``imd_band`` a spreadsheet mangled, and what they were.
IMD_MENDED = {"20-Oct": "10-20%"}
#: Reference levels of the logit's categorical terms.
REFERENCE = {"highest_education": "A Level or Equivalent", "imd_fifth": 1, "age_band": "0-35"}
#: Terms carried into the funnel (income fifths 2–5 against the first, and women against men).
CARRIED = ("imd_fifth_2", "imd_fifth_3", "imd_fifth_4", "imd_fifth_5", "female")


def mend(students: pd.DataFrame) -> pd.DataFrame:
    """OULAD's student table with ``imd_band`` mended, ``imd_fifth`` (1–5, 1 most deprived) and ``success``.

    Rows with an empty ``imd_band`` keep ``imd_fifth`` empty; ``success`` is 1 for Pass or
    Distinction and 0 for Fail or Withdrawn.
    """
    out = students.copy()
    out["imd_band"] = out["imd_band"].replace(IMD_MENDED)
    low = pd.to_numeric(out["imd_band"].str.extract(r"^(\d+)-")[0], errors="coerce")
    out["imd_fifth"] = (low // 20 + 1).astype("Int64")
    out["success"] = out["final_result"].isin(SUCCESS).astype(int)
    out["female"] = (out["gender"] == "F").astype(int)
    out["disabled"] = (out["disability"] == "Y").astype(int)
    return out


def outcome_counts(students: pd.DataFrame) -> pd.DataFrame:
    """``final_result`` and ``students`` (records), in the order Pass, Distinction, Fail, Withdrawn."""
    counts = students["final_result"].value_counts()
    return pd.DataFrame({"final_result": [*SUCCESS, *FAILURE],
                         "students": [int(counts.get(r, 0)) for r in (*SUCCESS, *FAILURE)]})


@dataclass
class Calibration:
    """The fitted completion logit and what the funnel takes from it."""

    params: pd.Series
    cov: pd.DataFrame
    n: int
    success_rate: float
    counts: pd.DataFrame
    reference: np.ndarray  # (10,) shares of fifth 1 men, fifth 1 women, …, fifth 5 women among the records
    clusters: int

    def odds_ratios(self) -> pd.DataFrame:
        """Tidy: ``term``, ``odds_ratio``, ``odds_ratio_low``, ``odds_ratio_high`` (95 %), ``coef``, ``std_error``."""
        se = np.sqrt(np.diag(self.cov.to_numpy()))
        b = self.params.to_numpy()
        return pd.DataFrame({"term": self.params.index, "odds_ratio": np.exp(b), "odds_ratio_low": np.exp(b - 1.96 * se),
                             "odds_ratio_high": np.exp(b + 1.96 * se), "coef": b, "std_error": se})

    def carried(self) -> pd.Series:
        """The log-odds terms the funnel uses (income fifths 2–5, women), by :data:`CARRIED`."""
        return self.params[list(CARRIED)]

    def draws(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` draws (rows) of the carried terms from their sampling distribution (multivariate normal)."""
        cov = self.cov.loc[list(CARRIED), list(CARRIED)].to_numpy()
        return rng.multivariate_normal(self.carried().to_numpy(), cov, size=n, method="cholesky")

    def to_frame(self) -> pd.DataFrame:
        return self.odds_ratios()

    def summary(self) -> str:
        rows = self.odds_ratios()
        lines = [f"Completion logit on {self.n:,} OULAD records (success rate {self.success_rate:.1%}):"]
        lines += [f"  {r.term:<34} OR {r.odds_ratio:5.2f} [{r.odds_ratio_low:.2f}, {r.odds_ratio_high:.2f}]"
                  for r in rows.itertuples() if r.term != "const"]
        return "\n".join(lines + [f"  (standard errors clustered in {self.clusters} module presentations)"])


def design(students: pd.DataFrame) -> pd.DataFrame:
    """The logit's design matrix: a constant and 0/1 columns against the :data:`REFERENCE` levels."""
    cols = {"const": np.ones(len(students))}
    for level in ("No Formal quals", "Lower Than A Level", "HE Qualification", "Post Graduate Qualification"):
        cols[f"education_{level.lower().replace(' ', '_')}"] = (students["highest_education"] == level).astype(float)
    for k in (2, 3, 4, 5):
        cols[f"imd_fifth_{k}"] = (students["imd_fifth"] == k).astype(float)
    cols["age_35_55"] = (students["age_band"] == "35-55").astype(float)
    cols["age_55_up"] = (students["age_band"] == "55<=").astype(float)
    cols["female"] = students["female"].astype(float)
    cols["disabled"] = students["disabled"].astype(float)
    return pd.DataFrame(cols, index=students.index)


def calibrate(students: pd.DataFrame) -> Calibration:
    """Fit the completion logit on OULAD's student table (the pack's ``oulad_students``).

    Parameters
    ----------
    students : pandas.DataFrame
        OULAD ``studentInfo`` as shipped (``imd_band`` mended here).

    Returns
    -------
    Calibration
        Coefficients (log-odds) and their covariance, fitted on the records with a deprivation band.
    """
    from statsmodels.discrete.discrete_model import Logit  # not statsmodels.api, which imports every model

    data = mend(students)
    counts = outcome_counts(data)
    data = data[data["imd_fifth"].notna()]
    X = design(data)
    # standard errors robust to clustering within the 22 module presentations (students of one
    # presentation share its course, tutor and assessments)
    clusters = pd.factorize(data["code_module"] + data["code_presentation"])[0]
    fit = Logit(data["success"].to_numpy(float), X).fit(disp=0, method="newton", maxiter=100,
                                                        cov_type="cluster", cov_kwds={"groups": clusters})
    group = (data["imd_fifth"].astype(int).to_numpy() - 1) * 2 + data["female"].to_numpy()
    reference = np.bincount(group, minlength=10) / len(data)
    return Calibration(fit.params, fit.cov_params(), int(fit.nobs), float(data["success"].mean()), counts,
                       reference, int(clusters.max() + 1))
