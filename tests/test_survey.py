"""The pilot survey: intervals, rankings, tests of association, disclosure control, the published figures."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from analytics.packs import load_pack
from analytics.survey import panels as sp
from analytics.survey.crosstab import crosstab
from analytics.survey.estimates import share, shares_of, wilson
from analytics.survey.questions import research_table
from analytics.survey.rankings import rank
from analytics.survey.responses import likert, respondents, safe_share


@pytest.fixture(scope="module")
def pack():
    return load_pack("tjk")


def test_wilson_against_hand_computed_values():
    # 78 of 200, z = 1.96: centre (0.39 + 3.8415/400) / (1 + 3.8415/200) = 0.392069; half-width
    # 1.96 × sqrt(0.39 × 0.61 / 200 + 3.8415 / 160000) / 1.019207 = 0.066990 -> (0.32508, 0.45906)
    low, high = wilson(78, 200)
    assert low == pytest.approx(0.32508, abs=1e-5) and high == pytest.approx(0.45906, abs=1e-5)
    # 0 of 10: the interval is (0, z² / (n + z²)) = (0, 3.8415 / 13.8415) = (0, 0.27753)
    low, high = wilson(0, 10)
    assert low == pytest.approx(0, abs=1e-12) and high == pytest.approx(0.27753, abs=1e-5)


def test_a_design_based_share_against_a_hand_computed_case():
    # equal weights of 2: the estimate is the plain share (30 %); samplics' Taylor variance of a mean
    # with n = 100 is p(1 − p)/(n − 1) = 0.21/99; the logit interval is
    # expit(logit(0.3) ± t(0.975, 99 df) × se / (p (1 − p))), t = 1.9842 (a design's n − 1 degrees of freedom)
    from scipy.stats import t

    y = pd.Series([True] * 30 + [False] * 70)
    s = share(y, pd.Series(np.full(100, 2.0)))
    se = np.sqrt(0.21 / 99) * t.ppf(0.975, 99) / 1.96
    logit = np.log(0.3 / 0.7)
    expit = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731
    assert s.method == "taylor" and s.estimate == pytest.approx(0.3)
    assert s.low == pytest.approx(expit(logit - 1.96 * se / 0.21), abs=2e-4)
    assert s.high == pytest.approx(expit(logit + 1.96 * se / 0.21), abs=2e-4)
    assert share(y).method == "wilson"


def test_rankings_on_a_fixture_with_a_known_order():
    # 10 respondents asked; A named by 8, B by 5, C by 2 (and one respondent named nothing)
    named = pd.DataFrame({"respondent_id": [f"r{i}" for i in range(8)] + [f"r{i}" for i in range(5)] + ["r0", "r1"],
                          "item": ["A"] * 8 + ["B"] * 5 + ["C"] * 2})
    r = rank(named, pd.Series([f"r{i}" for i in range(10)]), "q", replicates=500, seed=1)
    f = r.to_frame()
    assert r.top(3) == ["A", "B", "C"] and list(f["respondents"]) == [8, 5, 2]
    assert f["share"].tolist() == pytest.approx([0.8, 0.5, 0.2])
    assert f.loc[0, "rank_support"] > 0.8 and (f["top3_support"] == 1).all()


def test_rao_scott_with_equal_weights_is_pearson_times_n_minus_1_over_n():
    rng = np.random.default_rng(0)
    n = 200
    f = pd.DataFrame({"role": np.where(rng.random(n) < 0.4, "t", "s"), "lang": rng.choice(["en", "ru", "tg"], n)})
    pearson = crosstab(f, "role", "lang")
    weighted = crosstab(f, "role", "lang", pd.Series(np.full(n, 2.0)))
    # every design effect is n/(n − 1) under equal weights, so the corrected statistic is X² (n − 1)/n
    assert pearson.method == "pearson" and weighted.method == "rao-scott"
    assert weighted.statistic == pytest.approx(pearson.statistic * (n - 1) / n, rel=1e-9)


def test_rao_scott_with_a_cell_no_one_is_in_is_a_number():
    """Fifth hostile pass: weighted answers with an empty cell (no teacher answered "other") stopped the survey
    page with ZeroDivisionError inside samplics (a share of 0 has no coefficient of variation). The design effect
    of a share of 0 or 1 is taken as 1; the statistic is then finite, and under equal weights it is still
    X² (n − 1)/n (derived in the test above)."""
    rng = np.random.default_rng(1)
    n = 120
    f = pd.DataFrame({"role": np.where(rng.random(n) < 0.4, "t", "s"), "lang": rng.choice(["en", "ru"], n)})
    f.loc[f["role"] == "s", "lang"] = np.where(rng.random((f["role"] == "s").sum()) < 0.1, "other",
                                               f.loc[f["role"] == "s", "lang"])  # "other" among students only
    weighted = crosstab(f, "role", "lang", pd.Series(rng.uniform(0.5, 30, n)))
    assert weighted.method == "rao-scott" and np.isfinite(weighted.statistic) and 0 <= weighted.p_value <= 1
    equal = crosstab(f, "role", "lang", pd.Series(np.full(n, 3.0)))
    assert equal.statistic == pytest.approx(crosstab(f, "role", "lang").statistic * (n - 1) / n, rel=1e-9)


def test_the_published_figures_are_reproduced_from_the_shipped_data(pack):
    people = respondents(pack)
    stated = people["course_language"].dropna()
    shares = shares_of(stated, categories=["en", "ru", "tg"]).set_index("value")["share"]
    assert [round(100 * shares[x]) for x in ("en", "ru", "tg")] == [39, 43, 17]  # World Bank blog
    m = pack.pilot_mentions
    published = {"requirement": ["human capacity", "training materials", "financial resources"],
                 "advantage": ["self-learning opportunities", "lifelong professional development",
                               "reducing the urban-rural gap"],
                 "disadvantage": ["lack of ICT skills", "low motivation for self-learning",
                                  "low quality assurance of content"]}
    for question, top in published.items():
        asked = people if question != "requirement" else people[people["role"] == "teacher"]
        assert rank(m[m["question"] == question], asked["respondent_id"], question, replicates=50).top(3) == top


def test_a_share_resting_on_fewer_than_k_is_withheld():
    yes = pd.Series([True] * 3 + [False] * 40)
    assert safe_share(yes, None, 5)["suppressed"] and np.isnan(safe_share(yes, None, 5)["share"])
    assert not safe_share(yes, None, 3)["suppressed"]
    assert safe_share(pd.Series([True] * 40 + [False] * 2), None, 5)["suppressed"]  # 2 said no


def test_likert_summary():
    answers = pd.Series(["agree"] * 10 + ["neutral"] * 6 + ["disagree"] * 2)
    f = likert(answers, ["disagree", "neutral", "agree"], k=5).set_index("level")
    assert f.loc["agree", "share"] == pytest.approx(10 / 18) and f.loc["disagree", "suppressed"]
    assert f.loc["mean", "share"] == pytest.approx((2 * 1 + 6 * 2 + 10 * 3) / 18)


@pytest.mark.parametrize("role, k", list(itertools.product(["all", "teacher", "student"], [3, 5, 10])))
def test_every_panel_holds_disclosure_control(pack, role, k):
    table = research_table(pack, role, k).frame
    shown = table[(table["method"].isin(["wilson", "taylor", "assumption"])) & ~table["suppressed"]]
    assert len(shown) >= 3  # the shares of respondents and firms are checked, not an empty selection
    assert (shown["respondents"] >= k).all() and (shown["n"] - shown["respondents"] >= k).all()
    cross = sp.crosstab_panel(pack, role, k, "en").to_frame()
    counts = cross["respondents"].dropna()
    assert not ((counts > 0) & (counts < k)).any()
    for _, g in cross.groupby("grouping"):
        grid = g.pivot(index="group", columns="course_language", values="suppressed")
        assert not (grid.sum(axis=0) == 1).any() and not (grid.sum(axis=1) == 1).any()


@pytest.mark.parametrize("language, interval", [("en", "95% intervals"), ("ru", "доверительные интервалы"),
                                                ("tg", "фосилаҳои эътимод")])
def test_charts_of_assumed_shares_claim_no_interval(pack, language, interval):
    """The reader found "(95-процентные доверительные интервалы)" over the firms' 70/75/55 %, shares the
    assumption file chose: a reconstructed survey's charts say their shares are assumptions."""
    from analytics.survey import panels as sp

    assert pack.is_modelled("pilot_respondents") and pack.is_modelled("employer_survey")
    panels = [sp.language_panel(pack, language=language), sp.rankings_panel(pack, n_replicates=20, language=language),
              sp.employers_panel(pack, language=language)]
    figures = [f for p in panels for f in (p.figure if isinstance(p.figure, list) else [p.figure])]
    titles = [f.layout.title.text for f in figures]
    assert len(titles) >= 5 and not [t for t in titles if interval in t], titles
    said = pack.texts(language)("survey.firms_title_assumed", n=40).split("(")[-1]  # "assumed shares, no interval)"
    assert any(said in t for t in titles)
    # nor a bootstrap of the ranks of assumed answers (the workbook showed a "stability" of 0.963)
    ranks = panels[1].result.to_frame()
    assert ranks[["share_low", "share_high", "rank_support", "top3_support"]].isna().all().all()


def test_a_pack_names_its_own_answer_categories_and_an_unoffered_one_is_not_a_zero(pack):
    """Issue 28: the indicators counted answer categories by the pilot's wording ("human capacity"); a survey that
    worded them otherwise showed 0 %. A category the pack's survey never offered is "not asked"; `survey_items`
    in pack.yaml names the pack's own wording, and the share is then the count of those naming it among the
    teachers asked (computed here by hand from the table)."""
    import dataclasses

    from analytics.packs.metadata import SURVEY_ITEM_KEYS
    from analytics.survey.questions import INDICATORS, research_table

    assert set(SURVEY_ITEM_KEYS) == {key for rows in INDICATORS.values() for key, kind, _ in rows if kind == "mention"}
    mentions = pack.pilot_mentions.replace({"item": {"human capacity": "staff skills"}})
    reworded = dataclasses.replace(pack, tables={**pack.tables, "pilot_mentions": mentions}, derived={})
    row = research_table(reworded, "all", 5).frame.set_index("indicator").loc["human_capacity"]
    assert row["method"] == "not asked" and row["n"] == 0
    mapped = dataclasses.replace(reworded, meta={**pack.meta, "survey_items": {"human_capacity": "staff skills"}})
    row = research_table(mapped, "all", 5).frame.set_index("indicator").loc["human_capacity"]
    teachers = pack.pilot_respondents[pack.pilot_respondents["role"] == "teacher"]["respondent_id"]
    named = set(mentions.loc[(mentions["question"] == "requirement") & (mentions["item"] == "staff skills"),
                             "respondent_id"])
    assert row["value"] == pytest.approx(teachers.isin(named).mean()) and row["n"] == len(teachers)
