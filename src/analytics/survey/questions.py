"""The pilot's five research questions, each with the indicators that answer it, computed from the data.

1. Can universities build online courses? — teachers naming human capacity as a requirement;
   respondents naming a lack of ICT skills as a disadvantage.
2. Can students and teachers take online courses over today's connections? — the share of everyone
   who can study online (the access cascade's last step) and the readiness index (modelled, no
   sampling interval);
   respondents naming poor connectivity as a disadvantage.
3. Will employers help? — firms willing to co-create courses, to hire completers, to invest in training.
4. Can online courses count toward a degree? — students more motivated by a recognised certificate;
   respondents naming the lack of recognition as a disadvantage.
5. How should the research network and the LMS be used? — the modelled peak load on the national
   network of the uptake model's active learners studying at once in the busiest year (passed in
   from :func:`analytics.uptake.runs.peak_studying`), and teachers naming internet access as a
   requirement.
"""

from __future__ import annotations

import pandas as pd

from ..core.results import TableResult
from ..models import capacity, cascade, readiness
from .responses import ASKED, linked, respondents, safe_share, withhold

#: Indicators of each question: (key, kind, what) — kind "mention" (question, item), "answer"
#: (column of the respondents), "firm" (column of the employer survey) or "model".
INDICATORS = {
    "q1": [("human_capacity", "mention", ("requirement", "human capacity")),
           ("ict_skills", "mention", ("disadvantage", "lack of ICT skills"))],
    "q2": [("cascade_afford", "model", "afford"), ("readiness_index", "model", "index"),
           ("poor_connectivity", "mention", ("disadvantage", "poor connectivity"))],
    "q3": [("cocreate", "firm", "willing_cocreate"), ("hire", "firm", "willing_hire"),
           ("invest", "firm", "willing_invest_training")],
    "q4": [("certificate_motivation", "answer", "certificate_more_motivated"),
           ("no_recognition", "mention", ("disadvantage", "no recognition of certificates"))],
    "q5": [("peak_national_gbps", "model", "peak"),
           ("internet_access", "mention", ("requirement", "internet access"))],
}
NAN = float("nan")


def survey_item(pack, key: str, item: str) -> str:
    """The answer category of the pack's own survey that indicator ``key`` counts: the pack names it in
    ``pack.yaml`` (``survey_items: {human_capacity: staff skills, …}``) when its survey worded its
    categories otherwise; else the pilot's ``item``."""
    own = pack.meta.get("survey_items") or {}
    return str(own.get(key, item))


def named_answers(pack, role: str, question: str, item: str) -> pd.Series | None:
    """Whether each respondent of a role asked ``question`` named ``item`` (None when none was asked, or when the
    pack's survey never offered ``item`` for ``question``: a category no one could choose is not a 0 %)."""
    people = respondents(pack, role)
    asked = people[people["role"].isin(ASKED[question])]
    m = pack.pilot_mentions
    offered = m.loc[m["question"] == question, "item"]
    if asked.empty or item not in set(offered):
        return None
    named = set(m.loc[(m["question"] == question) & (m["item"] == item), "respondent_id"])
    return asked["respondent_id"].isin(named)


def asked_size_shown(pack, asked: pd.DataFrame, k: int) -> bool:
    """Whether how many were asked may be published: not when they are all of one role whose number of
    respondents the survey's protection withholds (a share's denominator, or "4 asked", would give it back)."""
    from .protection import protect, size_shown

    roles = set(asked["role"])
    if not roles or roles >= {"teacher", "student"}:
        return True
    plan = protect(pack, k)
    return all(size_shown(plan, r) for r in roles)


def _hidden(v: dict) -> dict:
    """A share whose group's size is withheld: nothing of it is published (its denominator is that size)."""
    return {**withhold(v), "n": NAN}


def small_elsewhere(pack, role: str, question: str, items, k: int) -> list[bool]:
    """For each item, whether another role's page withholds its count at ``k`` (then this page must too: all =
    teacher + student would give it back). The same test as :func:`~analytics.survey.responses.small` on
    :func:`named_answers`, counted once per role (item by item it took minutes for thousands of items)."""
    from .responses import ROLES, small_count

    m = pack.pilot_mentions
    m = m[m["question"] == question]
    offered = set(m["item"])
    out = [False] * len(items)
    for other in (r for r in ROLES if r != role):
        people = respondents(pack, other)
        asked = people.loc[people["role"].isin(ASKED[question]), "respondent_id"]
        n = len(asked)
        if not n:
            continue
        said = m[m["respondent_id"].isin(set(asked))].groupby("item")["respondent_id"].nunique()
        for i, item in enumerate(items):
            c = int(said.get(item, 0))
            out[i] = out[i] or (item in offered and small_count(c, n, k))
    return out


def _mention(pack, people: pd.DataFrame, question: str, item: str, k: int, role: str = "all") -> dict:
    yes = named_answers(pack, role, question, item)
    if yes is None:
        return {"share": NAN, "share_low": NAN, "share_high": NAN, "respondents": NAN, "n": 0, "suppressed": False,
                "method": "not asked"}
    weights = people.loc[yes.index, "weight"]  # people: the role's respondents, as named_answers reads them
    v = safe_share(yes, weights, k, not pack.is_modelled("pilot_mentions"))
    v = linked(v, lambda r: named_answers(pack, r, question, item), role, k)
    return v if asked_size_shown(pack, people.loc[yes.index], k) else _hidden(v)


def _answered(pack, role: str, column: str) -> pd.Series | None:
    people = respondents(pack, role)
    asked = people[people[column].notna()]
    return None if asked.empty else asked[column].astype(bool)


def _model(pack, what: str, studying: dict | None = None) -> dict:
    """Modelled evidence: no sampling interval (``n`` 0, method ``modelled``); the peak load carries the
    band of the uptake model's draws (P10–P90) in ``share_low`` and ``share_high``."""
    if what == "peak":
        if studying is None:  # the uptake model's learners were not given: no figure
            return {"share": NAN, "share_low": NAN, "share_high": NAN, "respondents": NAN, "n": 0,
                    "suppressed": False, "method": "modelled"}
        return {"share": capacity.national_gbps(studying["p50"]), "share_low": capacity.national_gbps(studying["p10"]),
                "share_high": capacity.national_gbps(studying["p90"]), "respondents": NAN, "n": 0, "suppressed": False,
                "method": "modelled"}
    elif what == "afford":  # the access cascade's last step, the country's "can study online"
        share = cascade.of(pack).within("all").by_area().set_index("step")["step_share"]
        value = float(share[cascade.STEPS[-1]])
    else:
        ready = readiness.readiness(readiness.connectivity_of(pack), pack.devices,
                                    use_share=cascade.calibration_of(pack).by_group())
        value = float(ready.index()["readiness_index"].iloc[0]) if what == "index" else \
            float(ready.by_area(["profile"]).set_index("profile").loc[what, "capable_share"])
    return {"share": value, "share_low": NAN, "share_high": NAN, "respondents": NAN, "n": 0, "suppressed": False,
            "method": "modelled"}


class ResearchTable(TableResult):
    """The research questions' indicators (columns in :func:`research_table`)."""

    def summary(self) -> str:
        return "\n".join(f"{r.question} {r.indicator:<24} " + ("withheld" if r.suppressed else f"{r.value:.3g}")
                         + f" ({r.method}, {r.strength})" for r in self.frame.itertuples())


def research_table(pack, role: str = "all", k: int = 5, studying: dict | None = None) -> ResearchTable:
    """Each research question's indicators with their values, intervals, sample sizes and strength.

    Parameters
    ----------
    pack : analytics.packs.load.Pack
        The country pack (pilot respondents and mentions, employer survey; connectivity, devices and
        institutions for the modelled evidence).
    role : {"all", "teacher", "student"}
        Whose answers count.
    k : int
        Minimum respondents behind a published share (smaller ones are withheld).
    studying : dict, optional
        The uptake model's active learners studying at once in the busiest year (persons; ``p10``,
        ``p50``, ``p90``): question 5's load. Without it that indicator has no value.

    Returns
    -------
    ResearchTable
        ``frame``: ``question`` (q1…q5), ``indicator``, ``value`` (share 0–1; readiness index 0–100; Gbps),
        ``value_low``, ``value_high`` (95 %), ``respondents``, ``n``, ``suppressed``, ``method``
        (wilson, taylor, modelled, assumption — answers reconstructed from stated choices, no interval —
        or not asked) and ``strength`` (strong: interval narrower than 20 points; moderate: narrower
        than 40; weak; modelled; assumption; none).
    """
    people = respondents(pack, role)
    firms = pack.employer_survey
    rows = []
    for question, indicators in INDICATORS.items():
        for key, kind, what in indicators:
            if kind == "mention":
                v = _mention(pack, people, what[0], survey_item(pack, key, what[1]), k, role)
            elif kind == "answer":
                asked = people[people[what].notna()]
                v = safe_share(asked[what].astype(bool), asked["weight"], k,
                               not pack.is_modelled("pilot_respondents")) if len(asked) else \
                    {"share": NAN, "share_low": NAN, "share_high": NAN, "respondents": NAN, "n": 0,
                     "suppressed": False, "method": "not asked"}
                v = linked(v, lambda r, what=what: _answered(pack, r, what), role, k)
                v = v if not len(asked) or asked_size_shown(pack, asked, k) else _hidden(v)
            elif kind == "firm":
                v = safe_share(firms[what].astype(bool), None, k, not pack.is_modelled("employer_survey"))
            else:
                v = _model(pack, what, studying)
            width = v["share_high"] - v["share_low"]
            strength = (v["method"] if v["method"] in ("modelled", "assumption") else "none" if v["suppressed"] or v["n"] == 0
                        else "strong" if width < 0.2 else "moderate" if width < 0.4 else "weak")
            rows.append({"question": question, "indicator": key, "value": v["share"], "value_low": v["share_low"],
                         "value_high": v["share_high"], "respondents": v["respondents"], "n": v["n"],
                         "suppressed": v["suppressed"], "method": v["method"], "strength": strength})
    return ResearchTable(pd.DataFrame(rows))
