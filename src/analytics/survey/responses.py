"""The pilot's survey responses as the analysis reads them, and shares made safe for publication.

Schema (the pack's tables, validated like every pack table; a real survey dropped into a pack
under the same names replaces the reconstruction):

* ``pilot_respondents``: ``respondent_id``, ``role`` (teacher, student), ``institution``, ``sex``,
  ``settlement``, ``course_language`` (en, ru, tg, other; empty when not stated),
  ``certificate_more_motivated`` (students; empty for teachers), and optionally ``weight``
  (design weight: people each respondent stands for; 1 when absent);
* ``pilot_mentions``: ``respondent_id``, ``question`` (requirement, advantage, disadvantage), ``item``,
  ``rank`` (requirements were asked of teachers, the others of everyone);
* ``employer_survey``: ``firm_id``, ``sector``, ``size``, ``willing_cocreate``, ``willing_hire``,
  ``willing_invest_training``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.results import TableResult
from .estimates import share

ROLES = ("all", "teacher", "student")
#: Who was asked each multiple-choice question.
ASKED = {"requirement": ("teacher",), "advantage": ("teacher", "student"), "disadvantage": ("teacher", "student")}


def respondents(pack, role: str = "all") -> pd.DataFrame:
    """The respondents of a role (``"all"``, ``"teacher"``, ``"student"``), with a ``weight`` column."""
    r = pack.pilot_respondents
    r = r if role == "all" else r[r["role"] == role]
    return r.assign(weight=r["weight"] if "weight" in r else 1.0).reset_index(drop=True)


#: Answer codes of ``course_language`` that name no language.
NOT_A_LANGUAGE = ("other", "not_stated")
#: The answer "another language": a column of its own wherever a respondent gave it.
OTHER = "other"


def course_languages(pack) -> list[str]:
    """The course languages the survey asks about: those whose shares the pilot published (the pack's
    assumptions for a reconstructed survey), else those the respondents named, in the order given; then
    ``other`` when any respondent answered it (so every table and test covers the same respondents)."""
    named = set(pack.pilot_respondents["course_language"].dropna().astype(str))
    shares = published_languages(pack)
    listed = list(shares) if shares else sorted(named - set(NOT_A_LANGUAGE))
    return listed + ([OTHER] if OTHER in named else [])


def stated(pack, people: pd.DataFrame) -> pd.DataFrame:
    """The respondents of ``people`` whose answer is one of :func:`course_languages`: the same people behind
    every count, share and test of the course language (an answer left out of the published tables but
    counted in a test or a total would give its small counts back by difference)."""
    return people[people["course_language"].astype("string").isin(course_languages(pack)).fillna(False)]


def published_languages(pack) -> dict[str, float]:
    """The course-language shares (percent) the pilot published, for a survey reconstructed from them (the
    ``course_language_shares`` its builder reads); empty for a pack whose survey is its own."""
    info = pack.info.get("pilot_respondents")
    section = getattr(info, "raw", {}).get("assumptions") if info is not None else None
    if not section or not pack.is_modelled("pilot_respondents"):
        return {}
    shares = pack.assumed(section).get("course_language_shares") or {}
    return {str(k): 100 * float(v) for k, v in shares.items() if k not in NOT_A_LANGUAGE}


def safe_share(yes: pd.Series, weights: pd.Series | None, k: int, observed: bool = True) -> dict:
    """A share with its interval, or withheld when it rests on fewer than ``k`` respondents.

    Withheld when fewer than ``k`` answered yes, or fewer than ``k`` did not (the total would give
    them away). ``observed=False`` (answers reconstructed from assumptions, not surveyed): the share
    carries no interval (there is no sampling error to state) and its method is ``assumption``.

    Returns
    -------
    dict
        ``share``, ``share_low``, ``share_high`` (0–1, NaN when withheld), ``respondents`` (saying
        yes; NaN when withheld), ``n`` (answering), ``suppressed`` (bool), ``method``.
    """
    s = share(yes, weights)
    hidden = bool(s.n > 0 and (s.successes < k or s.n - s.successes < k) and s.successes > 0)
    hidden = hidden or (0 < s.n < k)
    nan = float("nan")
    bare = hidden or not observed
    return {"share": nan if hidden else s.estimate, "share_low": nan if bare else s.low,
            "share_high": nan if bare else s.high, "respondents": nan if hidden else float(s.successes),
            "n": s.n, "suppressed": hidden, "method": s.method if observed else "assumption"}


#: The roles a page can be published for: a count for all is the sum of the teacher and student ones.
ROLES = ("all", "teacher", "student")


def small(yes: pd.Series, k: int) -> bool:
    """Whether :func:`safe_share` withholds these answers at ``k`` (counted, unweighted)."""
    answered = yes.dropna().astype(bool)
    return small_count(int(answered.sum()), len(answered), k)


def small_count(said: int, n: int, k: int) -> bool:
    """Whether ``said`` of ``n`` answers is withheld at ``k``: under ``k`` said it, under ``k`` did not, or
    under ``k`` were asked."""
    return bool((said > 0 and (said < k or n - said < k)) or 0 < n < k)


def withhold(v: dict) -> dict:
    """A :func:`safe_share` result withheld (the same count is withheld for another role, and
    ``all = teacher + student`` would give it back)."""
    nan = float("nan")
    return {**v, "share": nan, "share_low": nan, "share_high": nan, "respondents": nan, "suppressed": True}


def linked(v: dict, answers_of, role: str, k: int) -> dict:
    """``v`` (a share for ``role``) withheld when the same question's answers would be withheld for another
    role: ``answers_of(role)`` gives that role's yes/no answers (None when the role was not asked)."""
    if v["suppressed"] or not v["n"]:
        return v
    others = [answers_of(r) for r in ROLES if r != role]
    return withhold(v) if any(a is not None and len(a) and small(a, k) for a in others) else v


class Shares(TableResult):
    """Shares safe for publication, one row per item: the item's column (``course_language``, ``willing`` …),
    ``share``, ``share_low``, ``share_high`` (0–1, empty when withheld), ``respondents``, ``n``,
    ``suppressed``, ``method`` (see :func:`safe_share`)."""

    def summary(self) -> str:
        key = self.frame.columns[0]
        return "\n".join("{:<26} {}".format(getattr(r, key), "withheld" if r.suppressed else
                                            f"{r.share:6.1%} [{r.share_low:.1%}, {r.share_high:.1%}] of {r.n}"
                                            if r.method != "assumption" else f"{r.share:6.1%} of {r.n} (assumption)")
                         for r in self.frame.itertuples())


def safe_shares(items: dict[str, pd.Series], column: str, weights: pd.Series | None, k: int,
                observed: bool = True) -> Shares:
    """:func:`safe_share` of each item (name to its yes/no answers), one row each, named in ``column``."""
    return Shares(pd.DataFrame([{column: name, **safe_share(yes, weights, k, observed)} for name, yes in items.items()]))


def likert(answers: pd.Series, levels: list, weights: pd.Series | None = None, k: int = 5) -> pd.DataFrame:
    """A Likert item summarised: the share at each level (with intervals, withheld under ``k``) and the
    mean score (levels scored 1, 2, …) with a normal 95 % interval.

    Returns
    -------
    pandas.DataFrame
        ``level``, ``score``, ``share``, ``share_low``, ``share_high``, ``suppressed``; a last row
        ``level = "mean"`` with the mean score in ``share`` and its interval.
    """
    answered = answers.dropna()
    w = pd.Series(1.0, index=answered.index) if weights is None else weights.loc[answered.index]
    rows = [{"level": lv, "score": i, **safe_share(answers.where(answers.isna(), answers == lv), weights, k)}
            for i, lv in enumerate(levels, start=1)]
    scores = answered.map({lv: i for i, lv in enumerate(levels, start=1)}).astype(float)
    mean = float(np.average(scores, weights=w))
    var = float(np.average((scores - mean) ** 2, weights=w)) / max(len(scores) - 1, 1)
    half = 1.96 * np.sqrt(var)
    rows.append({"level": "mean", "score": np.nan, "share": mean, "share_low": mean - half, "share_high": mean + half,
                 "respondents": float(len(scores)), "n": len(scores), "suppressed": len(scores) < k, "method": "normal"})
    return pd.DataFrame(rows)
