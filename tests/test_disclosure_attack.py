"""The survey's disclosure control attacked as an attacker would, over everything published together.

The attacker holds every cross-tabulation the survey page publishes for every role (all, teacher,
student) at k = 3, 5, 7 and 10 (one at a time and all together), the research questions' counts, and
knows the suppression rule. Three named attacks broke the former per-table control, and a fourth (pages
published at two minimum sizes, differenced) the per-size control after it; each is here, and an interval
attack by linear programming over the whole published set bounds what remains.
"""

from __future__ import annotations

import itertools
import re

import numpy as np
import pandas as pd
import pytest

from analytics.survey import panels as sp
from analytics.survey import protection as pr
from analytics.survey.questions import research_table
from analytics.survey.responses import course_languages, stated

K = (3, 5, 7, 10)


@pytest.fixture(scope="module")
def published(pack):
    """The cross-tabulations exactly as the pages publish them (tidy, withheld counts empty)."""
    return {(role, k): sp.crosstab_panel(pack, role, k, "en").to_frame() for role in pr.ROLES for k in K}


def _as_plan(published, k: int) -> pr.Plan:
    """The attacker's view: each published table as a grid of the shown counts and the withheld flags."""
    tables, withheld = {}, {}
    for role in pr.ROLES:
        f = published[(role, k)]
        for g, t in f.groupby("grouping"):
            tables[(role, g)] = t.pivot(index="group", columns="course_language", values="respondents").fillna(0)
            withheld[(role, g)] = t.pivot(index="group", columns="course_language", values="suppressed").astype(bool)
    return pr.Plan(tables, withheld, k)


@pytest.mark.parametrize("k", K)
def test_attack_1_differencing_across_roles_gives_nothing_back(published, pack, k):
    """all − teacher = student: a count withheld in one role's table is withheld in the others too, and a role's
    total row is withheld wherever the role=all table's row for that role is."""
    cells = {role: published[(role, k)].set_index(["grouping", "group", "course_language"]) for role in pr.ROLES}
    for key in cells["all"].index:
        if key[0] == "role":
            continue
        flags = [bool(cells[r].loc[key, "suppressed"]) for r in pr.ROLES if key in cells[r].index]
        assert sum(flags) != 1 or len(flags) == 1, (k, key, flags)  # never one withheld beside two shown
    for role in ("teacher", "student"):
        for lang in ("en", "ru", "tg", "total"):
            row = cells["all"].loc[("role", role, lang), "suppressed"]
            totals = {bool(v) for (g, grp, c), v in cells[role]["suppressed"].items() if grp == "total" and c == lang}
            assert totals == {bool(row)}, (k, role, lang)
    # the research questions' counts: a count withheld for one role is withheld for every role asked
    frames = {r: research_table(pack, r, k).frame.set_index("indicator") for r in pr.ROLES}
    for ind in frames["all"].index:
        asked = [r for r in pr.ROLES if frames[r].loc[ind, "n"]]
        flags = [bool(frames[r].loc[ind, "suppressed"]) for r in asked]
        assert all(flags) or not any(flags), (k, ind, dict(zip(asked, flags, strict=True)))


@pytest.mark.parametrize("k", K)
def test_the_interval_attack_over_every_published_table_leaves_each_withheld_count_a_range_of_k(published, pack, k):
    """Linear programming over every number published for the pack at this k (every role, every breakdown,
    totals): each withheld count can still take any value over a range of at least k respondents, and the
    range holds the true count (the harness would see a wrong model of the tables)."""
    plan = _as_plan(published, k)
    people = stated(pack, pack.pilot_respondents)
    # the attacker also knows how many of each role were asked (the rankings' n): at least those who stated one
    found = pr.audit(plan, people, asked=pr.asked_sizes(pack)).frame
    assert len(found) and found["protected"].all(), found[~found["protected"]]
    truth = pr._tables(people, course_languages(pack))
    for r in found.itertuples():
        value = truth[(r.role, r.grouping)].loc[r.group, r.language]
        assert r.low - 1e-6 <= value <= r.high + 1e-6, r


def test_attack_2_no_test_statistic_beside_a_table_with_withheld_cells(pack, monkeypatch):
    """A chi-square computed on the full counts pins the withheld cells among the tables that fit the margins:
    on a surveyed pack a test is printed only for a table with nothing withheld; on reconstructed answers never."""
    for role, k in itertools.product(pr.ROLES, K):
        assert sp.crosstab_panel(pack, role, k, "en").result.tests == []  # the shipped pack's answers are reconstructed
    monkeypatch.setattr(type(pack), "is_modelled", lambda self, table: False)
    printed = 0
    for role, k in itertools.product(pr.ROLES, K):
        panel = sp.crosstab_panel(pack, role, k, "en")
        frame = panel.to_frame()
        full = {g for g, t in frame.groupby("grouping") if not t["suppressed"].any()}
        assert len(panel.result.tests) == len(full), (role, k)
        stated = sum("degrees of freedom" in s for s in panel.reading.sentences)
        refused = sum("No test of association is shown for" in s for s in panel.reading.sentences)
        assert stated == len(full) and refused == frame["grouping"].nunique() - len(full)
        printed += stated
    assert printed > 0  # the surveyed pack does get its tests where nothing is withheld


@pytest.mark.parametrize("k", K)
def test_attack_3_the_suppression_pattern_tells_nothing_more(published, pack, k):
    """Knowing the rule: complementary cells are chosen by position, never by value (the same primary cells give
    the same pattern whatever the other counts), zeros can be withheld, and even an attacker who knew which
    withheld counts are primary (1 to k − 1) cannot pin any count to one value."""
    rng = np.random.default_rng(k)
    for _ in range(50):
        values = pd.DataFrame(rng.integers(k, 40, size=(4, 3)), index=list("abcd"), columns=["en", "ru", "tg"])
        values.iloc[rng.integers(0, 4), rng.integers(0, 3)] = rng.integers(1, k)  # one primary cell
        shown = values >= k
        other = values.where(~shown, rng.integers(k, 90, size=values.shape))  # every other count changed
        t, u = pr.with_totals(values), pr.with_totals(other)
        a, b = ((t > 0) & (t < k)).to_numpy(), ((u > 0) & (u < k)).to_numpy()
        assert (a == b).all()
        while pr._complete_lines(t, a):
            pass
        while pr._complete_lines(u, b):
            pass
        assert (a == b).all()  # the pattern depends on where the primary cell is, not on any count
    zero = pr.with_totals(pd.DataFrame([[3, 0, 20], [9, 7, 12]], index=["a", "b"], columns=["en", "ru", "tg"]))
    w = ((zero > 0) & (zero < 5)).to_numpy()
    while pr._complete_lines(zero, w):
        pass
    assert w[0, 1]  # the next cell after the primary 3 is a 0, and it is withheld: "withheld ≥ 1" is not known
    plan = pr.protect(pack, k)
    pinned = pr.audit(plan, stated(pack, pack.pilot_respondents), primary_range=True).frame
    assert (pinned["width"] >= min(1.0, k - 2) - 1e-9).all(), pinned.sort_values("width").head()


def test_the_former_per_table_rule_falls_to_these_attacks(pack):
    """The harness has the power to see a leak: each table protected on its own (its counts of 1 to k − 1
    withheld) gives counts back by differencing across roles, which attack 1 would report."""
    people = stated(pack, pack.pilot_respondents)
    leaks = 0
    for g in ("institution", "sex", "settlement"):
        grids = {r: pr.with_totals(pd.crosstab((people if r == "all" else people[people["role"] == r])[g],
                                               (people if r == "all" else people[people["role"] == r])["course_language"]))
                 for r in pr.ROLES}
        hidden = {r: (t > 0) & (t < 5) for r, t in grids.items()}
        for i in grids["all"].index:
            for c in grids["all"].columns:
                flags = [bool(hidden[r].loc[i, c]) if i in hidden[r].index else False for r in pr.ROLES]
                leaks += sum(flags) == 1
    assert leaks > 0


def test_attack_4_pages_at_two_minimum_sizes_give_nothing_back_together(published, pack):
    """Published at k = 5 and k = 7, the student page's rural row showed Russian 21 (k = 5) and English 18
    (k = 7) beside the total 43: 43 − 21 − 18 = 4 Tajik, withheld on both. Plans are nested now (what a smaller
    k withholds stays withheld at every larger one), and the interval attack over every table published at
    every k together leaves each count withheld at all of them a range of at least the smallest k."""
    for k in range(2, 13):
        small, large = pr.protect(pack, k - 1), pr.protect(pack, k)
        assert set(large.tables) <= set(small.tables)
        for key in large.tables:
            assert (large.withheld[key] | ~small.withheld[key]).to_numpy().all(), (k, key)
    people = stated(pack, pack.pilot_respondents)
    cells = pr._joint(people, course_languages(pack))
    base = _as_plan(published, min(K))
    extra = []  # every number shown on the pages of the other sizes, as equalities over the joint table
    for k in K[1:]:
        plan = _as_plan(published, k)
        for (role, g), t in plan.tables.items():
            for i in t.index:
                for c in t.columns:
                    if not plan.withheld[(role, g)].loc[i, c]:
                        extra.append((pr._row(cells, role, g, i, c), float(t.loc[i, c])))
    found = pr.audit(base, people, extra=extra).frame
    assert len(found) and found["protected"].all(), found[~found["protected"]]
    rural = published[("student", 5)].set_index(["grouping", "group", "course_language"])
    assert rural.loc[("settlement", "rural", "tg"), "suppressed"]
    shown = [bool(~published[("student", k)].set_index(["grouping", "group", "course_language"])
                  .loc[("settlement", "rural", c), "suppressed"]) for k in (5, 7) for c in ("en", "ru")]
    assert sum(shown) <= 2  # never Russian at one size and English at the other


def test_an_answer_outside_the_listed_languages_is_a_column_of_its_own(pack, monkeypatch):
    """A surveyed pack where two teachers answered "other": the tables had no column for them while the test of
    association counted them (3 degrees of freedom beside a two-language table) and the language sentence's n did
    too (60 against 58), so the two answers and who gave them came back. Now every count, share and test covers
    the same respondents, and "other" is a column of its own, protected like the others."""
    import dataclasses

    people = pack.pilot_respondents.copy()
    teachers = people.index[people["role"] == "teacher"][:2]
    people.loc[teachers, "course_language"] = "other"
    mine = dataclasses.replace(pack, tables={**pack.tables, "pilot_respondents": people}, derived={})
    monkeypatch.setattr(type(pack), "is_modelled", lambda self, table: False)
    assert course_languages(mine)[-1] == "other"
    for role, k in itertools.product(pr.ROLES, (2, 3)):
        panel = sp.crosstab_panel(mine, role, k, "en")
        frame = panel.to_frame()
        # every table published has the column; at k = 2 the role=all tables are published (at k = 3 the two
        # answers are a column total under k, which the set cannot keep protected: nothing is published)
        assert "other" in set(frame["course_language"]) or (frame.empty and (role != "all" or k == 3)), (role, k)
        answered = stated(mine, sp.respondents(mine, role))
        for g, t in frame.groupby("grouping"):
            total = t[(t["group"] == "total") & (t["course_language"] == "total")]["respondents"]
            assert total.isna().all() or int(total.iloc[0]) == len(answered), (role, g)
        for test in panel.result.tests:  # a test counts the published table's respondents, in its columns
            assert int(test.counts.to_numpy().sum()) == len(answered), (role, test.group)
            assert set(map(str, test.counts.columns)) <= set(course_languages(mine)), (role, test.group)
        said = " ".join(sp.language_panel(mine, role, k, "en").reading.sentences)
        # the sentence's n is the tables' grand total: printed only where a published table prints it (sixth pass:
        # "4 asked" gave back a role's size that every table withheld)
        printed = (frame["group"] == "total") & (frame["course_language"] == "total") & frame["respondents"].notna()
        assert (f"Of the {len(answered):,d} " in said) == bool(printed.any()), said
        assert printed.any() or "how many is withheld" in said, said


@pytest.mark.parametrize("seed, n, k", [(1, 60, 7), (113, 30, 5)])
def test_a_plan_that_gives_up_on_the_role_splits_is_audited_again(pack, monkeypatch, seed, n, k):
    """Fifth hostile pass: on small measured surveys (random answers, as the attacker made them) protection gave
    up on the role splits and returned the rest unaudited: NGO rows withheld whole beside shown totals left
    ranges of 4–6 at k = 5–12. Every plan is audited now; what cannot be protected is not published."""
    import dataclasses

    rng = np.random.default_rng(seed)
    people = pack.pilot_respondents.iloc[:n].copy()
    people["role"] = rng.choice(["teacher", "student"], n, p=[.3, .7])
    people["institution"] = rng.choice(["U A", "U B", "U C", "NGO A", "NGO B"], n, p=[.35, .3, .2, .1, .05])
    people["sex"] = rng.choice(["female", "male"], n)
    people["settlement"] = rng.choice(["urban", "rural"], n, p=[.7, .3])
    people["course_language"] = rng.choice(["en", "ru", "tg", "other"], n, p=[.35, .45, .15, .05])
    mine = dataclasses.replace(pack, tables={**pack.tables, "pilot_respondents": people}, derived={})
    monkeypatch.setattr(type(pack), "is_modelled", lambda self, table: False)
    plan = pr.protect(mine, k)
    found = pr.audit(plan, stated(mine, mine.pilot_respondents)).frame
    assert found.empty or found["protected"].all(), found[~found["protected"]]
    for role in pr.ROLES:  # the pages still render, saying what is withheld
        assert sp.crosstab_panel(mine, role, k, "en").reading.sentences
        assert len(sp.language_panel(mine, role, k, "en").to_frame()) == len(course_languages(mine))


def _surveyed(pack, monkeypatch, people=None, mentions=None, **meta):
    """The pack with its survey replaced (and read as measured: tests and bootstrap supports printed)."""
    import dataclasses

    tables = {**pack.tables, **({"pilot_respondents": people} if people is not None else {}),
              **({"pilot_mentions": mentions} if mentions is not None else {})}
    monkeypatch.setattr(type(pack), "is_modelled", lambda self, table: False)
    return dataclasses.replace(pack, tables=tables, derived={}, meta={**pack.meta, **meta})


def _ranked_survey(pack):
    """The sixth pass's survey: 30 teachers, 70 students; "internet access" named by 2 teachers and 18 students,
    its neighbours by 20 (all) and 18 (students): a withheld count kept in its place sat between equal counts."""
    people = pack.pilot_respondents.iloc[:100].copy()
    people["role"] = ["teacher"] * 30 + ["student"] * 70
    counts = {"teacher": {"financial resources": 10, "human capacity": 10, "lack of ICT skills": 10, "lower cost": 10,
                          "infrastructure": 5, "internet access": 2},
              "student": {"financial resources": 20, "human capacity": 10, "lack of ICT skills": 18, "lower cost": 10,
                          "infrastructure": 18, "internet access": 18}}
    rows = [{"respondent_id": rid, "question": "advantage", "item": item, "rank": 1}
            for role, items in counts.items() for item, c in items.items()
            for rid in people.loc[people["role"] == role, "respondent_id"].iloc[:c]]
    return people, pd.DataFrame(rows)


def test_attack_6_a_withheld_ranking_item_keeps_no_place_between_its_neighbours(pack, monkeypatch):
    """Sixth hostile pass: rankings kept a withheld item in its place (items run by count), with its rank and
    bootstrap supports; tied neighbours pinned it (all: 20, students: 18, so teachers: 2 at k = 5). Now the items
    shown are ranked among themselves, the withheld ones follow by name with no rank, and no support is given."""
    people, mentions = _ranked_survey(pack)
    mine = _surveyed(pack, monkeypatch, people, mentions)
    for role in pr.ROLES:
        panel = sp.rankings_panel(mine, role, 5, 50, "en")
        frame = panel.result.to_frame()
        r = frame[frame["question"] == "advantage"]
        shown, hidden = r[~r["suppressed"]], r[r["suppressed"]]
        assert list(shown["rank"]) == list(range(1, len(shown) + 1)), role
        assert hidden["rank"].isna().all() and hidden[["share", "respondents"]].isna().all().all(), role
        assert list(hidden["item"]) == sorted(hidden["item"]), role  # by name, not by count
        assert list(r["suppressed"]) == sorted(r["suppressed"]), role  # every withheld item after every shown one
        if len(hidden):
            assert r[["rank_support", "top3_support"]].isna().all().all(), role
        # the bar chart shows the items in the table's order (a bar's place is a rank too)
        bars = list(panel.figure[-1].data[0].y)
        order = [sp._item(mine.texts("en"), i) for i in r["item"]]
        assert bars == [b for b in order if b in bars] and bars[:len(shown)] == order[:len(shown)], role
    # a survey's own records are not "(modelled)" (seventh pass: every survey chart said so)
    assert all("modelled" not in f.layout.title.text for f in sp.rankings_panel(mine, "all", 5, 50, "en").figure)
    assert "modelled" not in sp.language_panel(mine, "all", 5, "en").figure.layout.title.text
    teacher = sp.rankings_panel(mine, "teacher", 5, 50, "en").result.to_frame()
    assert teacher.loc[teacher["item"] == "internet access", "suppressed"].all()  # the 2 of the attack


def test_attack_7_a_role_size_that_every_table_withholds_is_not_printed_elsewhere(pack, monkeypatch):
    """Sixth hostile pass: with 4 teachers the cross-tabulations withhold the teachers' and students' totals, but
    the rankings said "(4 asked)" and the research table n = 4 for the questions asked of teachers. A share's
    denominator, a title's n and a role page's own tables are now withheld wherever that size is."""
    people = pack.pilot_respondents
    keep = people[(people["role"] == "student") | people.index.isin(people.index[people["role"] == "teacher"][:4])]
    mentions = pack.pilot_mentions[pack.pilot_mentions["respondent_id"].isin(keep["respondent_id"])]
    mine = _surveyed(pack, monkeypatch, keep.copy(), mentions)
    plan = pr.protect(mine, 5)
    assert not pr.size_shown(plan, "teacher")
    for role in pr.ROLES:
        table = research_table(mine, role, 5).to_frame()
        teachers_only = table[table["indicator"].isin(["human_capacity", "internet_access"])
                              & (table["method"] != "not asked")]
        assert teachers_only["n"].isna().all() and teachers_only["value"].isna().all(), (role, teachers_only)
        panel = sp.rankings_panel(mine, role, 5, 50, "en")
        said = " ".join(panel.reading.sentences) + " ".join(f.layout.title.text or "" for f in panel.figure)
        assert not re.search(r"\b4 asked", said), (role, said)
        frame = panel.result.to_frame()
        assert frame.loc[frame["question"] == "requirement", "n"].isna().all(), role
    language = " ".join(sp.language_panel(mine, "teacher", 5, "en").reading.sentences)
    assert "Of the 4 " not in language and "how many is withheld" in language
    # seventh pass: the language table's own n column (CSV, workbook, recorded results) had kept the 4 and 39
    for role in ("teacher", "student"):
        assert sp.language_panel(mine, role, 5, "en").to_frame()["n"].isna().all(), role


def test_a_survey_that_words_its_own_answers_or_answers_alike_still_publishes(pack, monkeypatch):
    """Sixth hostile pass: `survey_items: {human_capacity: staff skills}`, as the guide shows, stopped the page
    (no catalog key for "staff skills"); a survey where everyone took Russian courses stopped on its
    test (no degrees of freedom); role pages of a survey whose role splits are withheld stopped on an empty table."""
    mentions = pack.pilot_mentions.replace({"item": {"human capacity": "staff skills"}})
    mine = _surveyed(pack, monkeypatch, mentions=mentions, survey_items={"human_capacity": "staff skills"})
    panel = sp.rankings_panel(mine, "all", 5, 50, "en")
    assert "staff skills" in set(panel.result.to_frame()["item"])
    assert any("staff skills" in str(f.data[0].y) for f in panel.figure)
    assert research_table(mine, "all", 5).to_frame().set_index("indicator").loc["human_capacity", "method"] != "not asked"
    people = pack.pilot_respondents.copy()
    people["course_language"] = "ru"
    alike = _surveyed(pack, monkeypatch, people)
    for role in pr.ROLES:
        assert sp.crosstab_panel(alike, role, 5, "en").reading.sentences
    rng = np.random.default_rng(113)  # the fifth pass's survey: its role splits cannot be protected
    small = pack.pilot_respondents.iloc[:30].copy()
    small["role"] = rng.choice(["teacher", "student"], 30, p=[.3, .7])
    small["institution"] = rng.choice(["U A", "U B", "U C", "NGO A", "NGO B"], 30, p=[.35, .3, .2, .1, .05])
    small["course_language"] = rng.choice(["en", "ru", "tg", "other"], 30, p=[.35, .45, .15, .05])
    few = _surveyed(pack, monkeypatch, small, pack.pilot_mentions[pack.pilot_mentions["respondent_id"].isin(
        small["respondent_id"])])
    for role in pr.ROLES:
        panel = sp.crosstab_panel(few, role, 5, "en")
        assert panel.reading.sentences and (panel.view is None or not panel.view.shown().empty), role


def test_attack_8_those_who_stated_no_language_are_known_per_role_only(pack, monkeypatch):
    """Twelfth hostile pass (B3): a role's number asked minus its table's total is how many stated no course
    language (140 − 138 = 2 students: the pilot's own "remaining 1 %"). It is published whole, by decision
    (protection's module description): the number asked is a role's only published size, never broken down by
    institution, sex or settlement, and the audit bounds every withheld total by it."""
    sizes = pr.asked_sizes(pack)
    people = pack.pilot_respondents
    told = stated(pack, people)
    # the difference is the true count of non-response per role (counted here from the records themselves)
    assert {r: sizes[r] - (len(told) if r == "all" else int((told["role"] == r).sum())) for r in pr.ROLES} == \
        {r: int((~people.index.isin(told.index) & ((people["role"] == r) | (r == "all"))).sum()) for r in pr.ROLES}
    for role in pr.ROLES:  # the number asked is published per role only: no page's table names a group's asked
        frame = research_table(pack, role, 5).to_frame()
        assert not {"group", "institution", "sex", "settlement"} & set(frame.columns), role
        ranks = sp.rankings_panel(pack, role, 5, 50, "en").result.to_frame()
        assert not {"group", "institution", "sex", "settlement"} & set(ranks.columns), role
    # the audit knows the numbers asked: with the role=all table's rows for teachers and students withheld (all
    # but the survey's total), a role's count is bounded by how many of it were asked. Without that bound the
    # teachers' total may be anything from 0 to the survey's total of those who stated one; with it, at most 60
    # (the teachers asked) and at least 198 − 140 (the stated total less the students asked).
    table = pr._tables(told, course_languages(pack))[("all", "role")]
    hidden = table.astype(bool) & False
    hidden.loc[["teacher", "student"], :] = True
    plan = pr.Plan({("all", "role"): table}, {("all", "role"): hidden}, 5)
    blind = pr.audit(plan, told).frame.set_index(["group", "language"])
    knows = pr.audit(plan, told, asked=sizes).frame.set_index(["group", "language"])
    total = int(table.loc["total", "total"])
    assert (blind.loc[("teacher", "total"), "low"], blind.loc[("teacher", "total"), "high"]) == (0, total)
    assert knows.loc[("teacher", "total"), "high"] == pytest.approx(sizes["teacher"])
    assert knows.loc[("teacher", "total"), "low"] == pytest.approx(total - sizes["student"])
