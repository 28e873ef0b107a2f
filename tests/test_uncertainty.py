"""Uncertainty that converges and says what drives it: continuous draws of the study needs, the
Sobol indices of the headline numbers, and households priced at the plan they use."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm, uniform

from analytics.models.affordability import Pricing, StudyNeeds, monthly_course_gb
from analytics.models.sensitivity import sobol
from analytics.packs import load_pack
from analytics.uptake import drivers as drivers_mod
from analytics.uptake import runs
from analytics.uptake.simulate import simulate
from analytics.uptake.uncertain import PARAMETERS, Uncertain


@pytest.fixture(scope="module")
def pack():
    return load_pack("tjk")


def test_sobol_indices_match_hand_cases():
    # y = 2a + b with a, b ~ U(0, 1): Var = 4/12 + 1/12, so a explains 4/5 and b 1/5, alone and in total
    lin = sobol(lambda v: {"y": 2 * v["a"] + v["b"]}, {"a": uniform(0, 1), "b": uniform(0, 1)}, n=1024).frame
    assert lin.set_index("input")["first_order"].to_dict() == pytest.approx({"a": 0.8, "b": 0.2}, abs=0.01)
    assert lin.set_index("input")["rank"].to_dict() == {"a": 1, "b": 2}
    # Ishigami function (a = 7, b = 0.1) on U(-π, π)³; analytic variances (Ishigami & Homma 1990):
    # V1 = b π⁴/5 + b² π⁸/50 + 1/2, V2 = a²/8, V13 = b² π⁸ (1/18 − 1/50), V3 = 0
    a, b, pi = 7.0, 0.1, np.pi
    v1, v2, v13 = b * pi ** 4 / 5 + b ** 2 * pi ** 8 / 50 + 0.5, a ** 2 / 8, b ** 2 * pi ** 8 * (1 / 18 - 1 / 50)
    total = v1 + v2 + v13
    u = uniform(-pi, 2 * pi)
    ish = sobol(lambda v: {"y": np.sin(v["x1"]) + a * np.sin(v["x2"]) ** 2 + b * v["x3"] ** 4 * np.sin(v["x1"])},
                {"x1": u, "x2": u, "x3": u}, n=4096).frame.set_index("input")
    assert ish["first_order"].to_dict() == pytest.approx({"x1": v1 / total, "x2": v2 / total, "x3": 0.0}, abs=0.03)
    assert ish["total_order"].to_dict() == pytest.approx(
        {"x1": (v1 + v13) / total, "x2": v2 / total, "x3": v13 / total}, abs=0.03)


def test_the_draws_price_each_income_group_under_their_own_study_needs():
    # three draws of the study needs, two cells of different income groups, computed by hand
    cells = pd.DataFrame({"district_code": ["A", "A"], "settlement": ["urban", "rural"], "quintile": [5, 1],
                          "female": [0, 1], "part_time": [100.0, 40.0], "adults": [0.0, 0.0],
                          "capable": [0.8, 0.5], "access": [0.0, 0.0]})
    incomes = pd.DataFrame({"settlement": ["urban", "rural"], "quintile": [5, 1], "income_usd": [300.0, 60.0]})
    needs = {"hours_per_week": np.array([4.0, 6.0, 8.0]), "content_mbps": np.array([0.15, 0.25, 0.5]),
             "affordability_share": np.array([0.08, 0.05, 0.03]), "within_fifth_log_sd": np.array([0.15, 0.25, 0.35])}
    values = {k: np.full(3, u.mode) for k, u in PARAMETERS.items()} | needs | {"new_adult_share": np.zeros(3)}
    sim = simulate(cells, np.ones(2), PARAMETERS, np.zeros(5), incomes=incomes, pricing=Pricing(1.65, 1.65), values=values)
    want = []
    for d in range(3):
        cost = monthly_course_gb(needs["hours_per_week"][d], needs["content_mbps"][d]) * 1.65
        sd = needs["within_fifth_log_sd"][d]
        afford = [norm.sf((np.log(cost / needs["affordability_share"][d]) - (np.log(m) - sd ** 2 / 2)) / sd)
                  for m in (300.0, 60.0)]
        want.append((100 * 0.8 * afford[0] + 40 * 0.5 * afford[1]) / 140)
    assert sim.able == pytest.approx(want, rel=1e-12)
    active = values["active_share"] * np.array(want) * 140 * values["market_share"]
    assert sim.per_district["active"][:, 0] == pytest.approx(active, rel=1e-12)


def test_bands_of_national_completers_converge_across_seeds(pack):
    # at the default 10,000 draws, P10, P50 and P90 each move less than 5 % across seeds 1–5
    s = runs.setup(pack, "baseline")
    q = np.array([np.quantile(runs.run(s, 11, 10_000, seed).total("completed"), [0.1, 0.5, 0.9])
                  for seed in range(1, 6)])
    spread = (q.max(axis=0) - q.min(axis=0)) / q.mean(axis=0)
    assert (spread < 0.05).all(), spread


def test_drivers_name_only_inputs_that_act_and_sum_to_at_most_one(pack):
    d = drivers_mod.drivers(pack, "baseline", n_draws=2_000, base=256).to_frame()
    assert set(d["output"]) == set(drivers_mod.OUTPUTS)
    assert not set(d["input"]) & {*drivers_mod.RECOGNISED_ONLY, *drivers_mod.BLENDED_ONLY}  # levers off
    assert d["first_order"].between(0, 1).all() and (d["first_order"] <= d["total_order"] + 0.05).all()
    assert (d.groupby("output")["first_order"].sum() <= 1.05).all()
    able = d[d["output"] == "online_share"].set_index("input")["total_order"]
    # who could study online (the cascade's last step) depends on the study needs only
    assert able.drop(list(StudyNeeds.RANGES)).max() < 0.01
    assert able[list(StudyNeeds.RANGES)].sum() > 0.9
    cost = d[d["output"] == "usd_per_completer"].set_index("input")["total_order"]
    assert cost["cost_factor"] > 0.02  # unit costs move the cost (about 0.045 today), not the completers
    assert d[d["output"] == "completed"].set_index("input").loc["cost_factor", "total_order"] < 0.01


def test_connected_households_are_priced_at_the_plan_they_use():
    plans = pd.DataFrame({"technology": ["mobile", "fixed"], "usd_per_gb": [1.65, 0.10]})
    needs = StudyNeeds()
    gb = needs.monthly_gb()
    at = {p: Pricing(p, p).afford(gb, 100.0, needs.affordability_share, needs.within_fifth_log_sd) for p in (1.65, 0.10)}
    mixed = Pricing.of(plans, fixed_share=0.03).afford(gb, 100.0, needs.affordability_share, needs.within_fifth_log_sd)
    assert mixed == pytest.approx(0.97 * at[1.65] + 0.03 * at[0.10], rel=1e-12)
    mobile = Pricing.of(plans).afford(gb, 100.0, needs.affordability_share, needs.within_fifth_log_sd)
    assert mobile == pytest.approx(at[1.65], rel=1e-12)  # no fixed share stated: mobile for everyone


def test_uncertain_study_needs_keep_the_central_choices_as_their_mode():
    for name, (low, high) in StudyNeeds.RANGES.items():
        u = PARAMETERS[name]
        assert isinstance(u, Uncertain) and (u.low, u.mode, u.high) == (low, getattr(StudyNeeds, name), high)


def test_a_budget_never_buys_more_completers_than_the_model_expects():
    from analytics.uptake.course_costs import Costs

    # budget 100; development 10; delivery 20 for 5 completers (4 each): 90 / 4 = 22.5 would be "bought",
    # but only 5 complete, so 5 are paid for and 100 − 10 − 20 = 70 is left; a budget of 20 pays 10 / 4 = 2.5
    costs = Costs({"in_house": np.array([10.0])}, np.array([20.0]), np.array([50.0]), np.array([5.0]), 100.0)
    assert costs.completers_for_budget("in_house")[0] == 5.0 and costs.budget_left("in_house")[0] == 70.0
    tight = Costs({"in_house": np.array([10.0])}, np.array([20.0]), np.array([50.0]), np.array([5.0]), 20.0)
    assert tight.completers_for_budget("in_house")[0] == 2.5 and tight.budget_left("in_house")[0] == 0.0


def test_a_district_the_map_withholds_is_withheld_from_every_published_table(pack):
    from analytics.access.panels import counterfactual_panel, participation_map

    rates = participation_map(pack, "TJ-GB", "17-24", "en").result.to_frame()
    withheld = set(rates.loc[rates["suppressed"], "district_code"])
    assert withheld, "GBAO has districts under the minimum effective sample in the shipped sample"
    assert rates.loc[rates["suppressed"], ["rate", "rate_low", "rate_high"]].isna().all().all()
    assert rates.loc[~rates["suppressed"], "rate"].notna().all()
    cf = counterfactual_panel(pack, "TJ-GB", "17-24", "baseline", 10, "en").result.to_frame()
    assert set(cf.loc[cf["suppressed"], "district_code"]) == withheld  # the same rule on the same people
    assert cf.loc[cf["suppressed"], ["now", "under_scenario", "change_pp"]].isna().all().all()


def test_cohorts_enrol_only_while_eligible():
    from analytics.uptake.bass import bass_cdf
    from analytics.uptake.simulate import STOCK_PARTS, cohort_curve

    p, q = np.array([0.02]), np.array([0.4])
    # people who stay very long: nearly no one comes or goes, the closed-stock Bass curve
    assert cohort_curve(p, q, np.array([1e6]), 11)[0] == pytest.approx(bass_cdf(np.arange(12), 0.02, 0.4), abs=1e-4)
    # by hand, stay 2 years, up to year 3: today's eligible have (i + 0.5)/20 · 2 years left; arrivals at 0.5, 1.5
    # and 2.5 (half of today's number a year) enrol from arrival until they leave or year 3
    F = lambda t: float(bass_cdf(t, 0.02, 0.4))  # noqa: E731
    stock = sum(F(min(3.0, 2 * (i + 0.5) / STOCK_PARTS)) for i in range(STOCK_PARTS)) / STOCK_PARTS
    arrivals = sum(0.5 * (F(min(3.0, a + 2)) - F(a)) / (1 - F(a)) for a in (0.5, 1.5, 2.5))
    assert cohort_curve(p, q, np.array([2.0]), 3)[0, 3] == pytest.approx(stock + arrivals, rel=1e-12)
    # with q = 0 the hazard is p, constant (F = 1 − e^(−p·t)): a person present for d years enrols with chance
    # 1 − e^(−p·d); at most everyone today and every arrival once: 1 + horizon / stay
    stay, horizon, rate = 5.0, 10, 1.0
    left = [stay * (i + 0.5) / STOCK_PARTS for i in range(STOCK_PARTS)]
    want = (sum(1 - np.exp(-rate * min(horizon, r)) for r in left) / STOCK_PARTS
            + sum((1 - np.exp(-rate * (min(horizon, a + stay) - a))) / stay for a in np.arange(horizon) + 0.5))
    got = cohort_curve(np.array([rate]), np.array([0.0]), np.array([stay]), horizon)[0, horizon]
    assert got == pytest.approx(want, rel=1e-9) and got < 1 + horizon / stay


def test_new_cohorts_add_enrolments_and_people_leave(pack):
    # flows add enrolments beyond a closed stock (the Bass curve F(11)), but leaving caps them below today's
    # market plus every arrival (1 + 11 / 4 at the shortest stay), far from the 3× of a market that only grows
    from analytics.uptake.bass import bass_cdf

    s = runs.setup(pack, "baseline")
    sim = runs.run(s, 11, 2_000, 1)
    multiple = sim.years.sum(axis=1)  # enrolments over the horizon / today's market, per draw
    closed = bass_cdf(11, sim.values["p"], sim.values["q"])
    assert (multiple > closed).all() and (multiple < 1 + 11 / 4).all()
    assert 1.0 < np.median(multiple) < 1.6
