"""The pilot's surveys, reconstructed from their published aggregates.

The 2013–14 pilot published shares and rankings, not responses. These builders make
respondent-level tables whose aggregates reproduce what was published exactly (course
language 39 % English, 43 % Russian, 17 % Tajik; the top-three requirements, advantages
and disadvantages in their published order) and whose other details are stated choices
(``assumptions.yaml``, section ``survey``). Institutions are anonymous because the pilot
did not name them. Every table is flagged ``reconstructed from published aggregates``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..assumptions import SURVEY_ROLES
from .counts import apportion

INSTITUTIONS = ["University A", "University B", "University C", "NGO A", "NGO B"]
QUESTIONS = {"requirement": "requirements", "advantage": "advantages", "disadvantage": "disadvantages"}
MAX_MENTIONS = 3


def _exact(rng, n: int, shares: dict) -> np.ndarray:
    """``n`` labels with exactly the apportioned count of each, in random order."""
    counts = apportion(n, list(shares.values()))
    labels = np.repeat(np.array(list(shares), dtype=object), counts)
    return rng.permutation(labels)


def build_pilot_respondents(assumptions: dict, seed: int) -> pd.DataFrame:
    """Pilot respondents: role, institution, sex, settlement, course language, certificate motivation.

    Returns
    -------
    pandas.DataFrame
        ``respondent_id, role, institution, sex, settlement, course_language,
        certificate_more_motivated`` (students only; empty for teachers).
    """
    rng = np.random.default_rng(seed)
    n = assumptions["respondents"]
    roles = np.repeat(SURVEY_ROLES, [n[role] for role in SURVEY_ROLES])
    total = len(roles)
    df = pd.DataFrame({"respondent_id": [f"R{i:03d}" for i in range(1, total + 1)], "role": roles})
    df["institution"] = _exact(rng, total, dict.fromkeys(INSTITUTIONS, 1.0))
    df["sex"] = _exact(rng, total, {"female": 0.5, "male": 0.5})
    df["settlement"] = _exact(rng, total, {"urban": 0.7, "rural": 0.3})
    language = _exact(rng, total, assumptions["course_language_shares"])
    df["course_language"] = pd.Series(language, dtype=object).where(language != "not_stated", None)  # no answer
    share = float(assumptions["certificate_motivation"])
    students = df["role"] == "student"
    motivated = _exact(rng, int(students.sum()), {True: share, False: 1 - share})
    df["certificate_more_motivated"] = pd.Series([None] * total, dtype=object)
    df.loc[students, "certificate_more_motivated"] = list(motivated)
    return df


def build_pilot_mentions(respondents: pd.DataFrame, assumptions: dict, seed: int) -> pd.DataFrame:
    """Items each respondent named (up to three per question), ranked in the published order.

    Requirements were asked of teachers; advantages and disadvantages of everyone. Item
    ``i`` of a list is named by ``mention_weights[i]`` of the respondents asked, so the
    published top-three order holds by construction.

    Returns
    -------
    pandas.DataFrame
        ``respondent_id, question, item, rank`` (1 = named first).
    """
    rng = np.random.default_rng(seed + 1)
    weights = assumptions["mention_weights"]
    rows = []
    for question, key in QUESTIONS.items():
        asked = respondents if question != "requirement" else respondents[respondents["role"] == "teacher"]
        ids = asked["respondent_id"].to_numpy()
        named = {rid: [] for rid in ids}
        for i, item in enumerate(assumptions[key]):
            count = int(round(weights[i] * len(ids)))
            free = np.array([rid for rid in ids if len(named[rid]) < MAX_MENTIONS], dtype=object)
            # those with fewer mentions first, random among equals
            order = np.lexsort((rng.random(len(free)), [len(named[r]) for r in free]))
            for rid in free[order][:count]:
                named[rid].append(item)
        for rid in ids:
            for rank, item in enumerate(named[rid], start=1):
                rows.append((rid, question, item, rank))
    return pd.DataFrame(rows, columns=["respondent_id", "question", "item", "rank"])


def build_employer_survey(assumptions: dict, seed: int) -> pd.DataFrame:
    """Private-sector survey: firm, sector, size, willingness to co-create, hire and invest.

    Returns
    -------
    pandas.DataFrame
        ``firm_id, sector, size, willing_cocreate, willing_hire, willing_invest_training``.
    """
    rng = np.random.default_rng(seed + 2)
    n = int(assumptions["firms"])
    df = pd.DataFrame({"firm_id": [f"F{i:03d}" for i in range(1, n + 1)]})
    df["sector"] = _exact(rng, n, assumptions["firm_sectors"])
    df["size"] = _exact(rng, n, {"small": 0.5, "medium": 0.3, "large": 0.2})
    for col in ("willing_cocreate", "willing_hire", "willing_invest_training"):
        share = float(assumptions[col])
        df[col] = _exact(rng, n, {True: share, False: 1 - share}).astype(bool)
    return df


def mention_ranking(respondents: pd.DataFrame, mentions: pd.DataFrame, question: str) -> pd.DataFrame:
    """Share of respondents asked who named each item, most named first.

    Returns
    -------
    pandas.DataFrame
        ``item, mentions, share`` (0–1 of respondents asked).
    """
    asked = respondents if question != "requirement" else respondents[respondents["role"] == "teacher"]
    m = mentions[mentions["question"] == question]
    out = m.groupby("item", as_index=False).size().rename(columns={"size": "mentions"})
    out["share"] = out["mentions"] / len(asked)
    return out.sort_values(["mentions", "item"], ascending=[False, True]).reset_index(drop=True)
