"""The uptake model: Bass diffusion, the OULAD calibration, the Monte Carlo funnel, costs, scenarios."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.core.errors import DataError
from analytics.packs import load_pack
from analytics.packs import scenarios as scenario_file
from analytics.uptake import bass_cdf, bass_peak, fit_bass
from analytics.uptake import runs as model
from analytics.uptake.calibration import calibrate, design, mend, outcome_counts
from analytics.uptake.simulate import STAGES, cohort_curve, simulate
from analytics.uptake.sliders import with_levers
from analytics.uptake.uncertain import PARAMETERS, Uncertain


@pytest.fixture(scope="module")
def pack():
    return load_pack("tjk")


@pytest.fixture(scope="module")
def base(pack):
    return model.setup_of(pack, "baseline")


def test_bass_peak_reference_value():
    # REFERENCE_FIGURES: p = 0.03, q = 0.38 gives t* = ln(0.38/0.03)/0.41 = 6.19 and F(t*) = 0.5 − 0.03/0.76 = 0.4605
    t, share = bass_peak(0.03, 0.38)
    assert round(t, 2) == 6.19 and round(share, 4) == 0.4605
    assert bass_cdf(t, 0.03, 0.38) == pytest.approx(share, abs=1e-12)  # the closed form agrees with the curve
    with pytest.raises(ValueError):
        bass_peak(0.4, 0.3)


def test_fit_recovers_p_and_q_from_a_simulated_series():
    # 20 periods of cumulative adopters from p = 0.02, q = 0.45, m = 50,000, with 0.5 % multiplicative noise
    rng = np.random.default_rng(7)
    t = np.arange(1, 21)
    y = 50_000 * bass_cdf(t, 0.02, 0.45) * (1 + 0.005 * rng.standard_normal(len(t)))
    fit = fit_bass(t, y)
    assert abs(fit.p - 0.02) < 3 * fit.se_p and abs(fit.q - 0.45) < 3 * fit.se_q
    assert fit.p == pytest.approx(0.02, rel=0.1) and fit.q == pytest.approx(0.45, rel=0.05)
    assert 0 < fit.se_p < 0.01 and set(fit.to_frame()["parameter"]) == {"p", "q", "m"}


def test_the_calibration_data_reproduce_their_own_outcome_counts(pack):
    # published with OULAD (Kuzilek et al. 2017): Pass 12,361, Distinction 3,024, Fail 7,052, Withdrawn 10,156
    counts = outcome_counts(pack.oulad_students).set_index("final_result")["students"]
    assert counts.to_dict() == {"Pass": 12_361, "Distinction": 3_024, "Fail": 7_052, "Withdrawn": 10_156}
    assert counts.sum() == 32_593
    mended = mend(pack.oulad_students)
    assert not (mended["imd_band"] == "20-Oct").any() and (mended["imd_band"] == "10-20%").sum() == 3_516
    assert mended.loc[mended["imd_band"] == "10-20%", "imd_fifth"].eq(1).all()


def test_the_logit_meets_its_score_equations(pack):
    """At the maximum of a logit's likelihood, predicted and observed successes agree in total and
    within every 0/1 term of the design (an exact property, checked independently of statsmodels)."""
    cal = calibrate(pack.oulad_students)
    data = mend(pack.oulad_students)
    data = data[data["imd_fifth"].notna()]
    X = design(data)
    p = 1 / (1 + np.exp(-(X.to_numpy() @ cal.params.to_numpy())))
    y = data["success"].to_numpy(float)
    assert np.allclose(X.to_numpy().T @ (y - p), 0, atol=1e-6)
    assert cal.n == 32_593 - 1_111  # records without a deprivation band are left out
    assert 1 < np.exp(cal.params["imd_fifth_5"]) < 3  # the least deprived fifth completes more often


def _cells() -> pd.DataFrame:
    return pd.DataFrame({"district_code": ["A", "A", "B", "B"], "settlement": ["urban", "rural", "urban", "rural"],
                         "quintile": [5, 1, 3, 2], "female": [1, 0, 0, 1], "part_time": [100.0, 50.0, 30.0, 0.0],
                         "adults": [1000.0, 2000.0, 0.0, 500.0], "access": [0.9, 0.1, 0.5, 0.0]})


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), recognised=st.booleans(), blended=st.booleans(),
       match=st.lists(st.floats(0, 1), min_size=4, max_size=4))
def test_funnel_stages_never_increase(seed, recognised, blended, match):
    sim = simulate(_cells(), np.array(match), {**PARAMETERS, "new_adult_share": Uncertain(0, 0.01, 0.05, "test")},
                   np.array([0.2, 0.4, 0.5, 0.7, 0.2]), recognised, blended, horizon=5, n_draws=200, seed=seed)
    for upper, lower in zip(STAGES, STAGES[1:], strict=False):
        assert (sim.per_district[lower] <= sim.per_district[upper] + 1e-9).all(), (upper, lower)


def test_the_aggregated_funnel_equals_a_per_cell_computation():
    # one draw with every parameter fixed, computed cell by cell by hand with the module's formulas
    fixed = {k: v.fixed() for k, v in PARAMETERS.items()} | {"new_adult_share": Uncertain(0.01, 0.01, 0.01, "t")}
    cells, match, offsets = _cells(), np.array([1.0, 0.5, 0.2, 0.0]), np.array([0.2, 0.4, 0.5, 0.7, 0.2])
    # the reference population (OULAD's mix in the model): groups fifth 1 men, fifth 1 women, … fifth 5 women
    reference = np.array([0.2, 0.1, 0.05, 0.05, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1])
    sim = simulate(cells, match, fixed, offsets, recognised=True, blended=True, horizon=3, n_draws=1,
                   reference=reference)
    v = {k: u.mode for k, u in fixed.items()}
    eligible = cells["part_time"] + 0.01 * cells["adults"]
    active = v["active_share"] * (cells["access"] + v["offline_reach"] * (1 - cells["access"]))
    fifth = np.array([0.0, *offsets[:4]])[cells["quintile"] - 1] + offsets[4] * cells["female"]
    # mean offset of the reference: Σ_g share_g × (fifth term of g + women's term if g is women)
    centre = sum(reference[2 * q + f] * ([0.0, *offsets[:4]][q] + offsets[4] * f) for q in range(5) for f in (0, 1))
    lift = np.log(v["completion"] / (1 - v["completion"])) + fifth - centre \
        + np.log(v["recognition_or"]) + np.log(v["tutor_or"])
    sig = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731
    complete = match * sig(lift) + (1 - match) * sig(lift + np.log(v["language_or"]))
    market = v["market_share"] * v["recognised_market"]
    # flows (the cohort curve is checked on its own in test_uncertainty): today's eligible are 180 part-time
    # students (staying 5 years) and 1 % of 3,500 adults (staying 10), mixed in that proportion
    p_, q_ = np.array([v["p"]]), np.array([v["q"]])
    share = (180 * cohort_curve(p_, q_, np.array([v["programme_years"]]), 3)[0, 3]
             + 35 * cohort_curve(p_, q_, np.array([10.0]), 3)[0, 3]) / 215
    want = (eligible * market * active * complete).groupby(cells["district_code"]).sum() * share
    assert sim.total("completed", ["A"])[0] == pytest.approx(want["A"], rel=1e-12)
    assert sim.total("completed", ["B"])[0] == pytest.approx(want["B"], rel=1e-12)
    assert sim.total("certified")[0] == pytest.approx(want.sum() * v["certified_recognised"], rel=1e-12)


def test_monte_carlo_mean_converges_to_the_deterministic_run(base):
    """With the parameters that enter the funnel as factors left uncertain (market, active share,
    certificate share: independent, so the mean of their product is the product of their means)
    and the others fixed, the mean of the draws approaches the run at the means as draws grow."""
    linear = {"market_share", "active_share", "certified_share", "cost_factor"}  # new adults also set the inflow
    params = {k: (u if k in linear else u.fixed()) for k, u in base.parameters.items()}
    det_params = {k: u.fixed() for k, u in params.items()}
    s = model.Setup(**{**base.__dict__, "parameters": params})
    det = simulate(s.cells, s.match, det_params, s.calibration.carried().to_numpy(), horizon=11, n_draws=1)
    target = det.total("certified")[0]
    errors = []
    for n in (100, 10_000, 200_000):
        draws = simulate(s.cells, s.match, params, s.calibration.carried().to_numpy(), horizon=11, n_draws=n, seed=3)
        values = draws.total("certified")
        errors.append(abs(values.mean() - target))
        assert errors[-1] < 4 * values.std() / np.sqrt(n)  # within sampling error of the mean
    assert errors[-1] < errors[0] and errors[-1] / target < 0.002


def test_the_same_seed_gives_identical_results(base):
    a, b = model.run(base, 11, 2_000, seed=11), model.run(base, 11, 2_000, seed=11)
    c = model.run(base, 11, 2_000, seed=12)
    assert all(np.array_equal(a.per_district[s], b.per_district[s]) for s in STAGES)
    assert np.array_equal(a.years, b.years)
    assert not np.array_equal(a.per_district["completed"], c.per_district["completed"])


def test_bands_hold_the_median_and_years_add_up(base):
    sim = model.run(base, 11, 2_000, seed=1)
    b = sim.bands("enrolled")
    assert (b["p10"] <= b["p50"]).all() and (b["p50"] <= b["p90"]).all() and len(b) == 11
    assert np.allclose(sim.by_year("enrolled").sum(axis=1), sim.total("enrolled"))
    d = sim.district_bands("completed")
    assert len(d) == 11 * len(sim.districts) and (d["p10"] <= d["p90"] + 1e-6).all()


def test_learners_studying_at_once_are_the_last_programme_years_of_starters(base):
    """The stock on the network: in year y, those who started in the last ``programme_years`` years
    (a plain loop over draws and years, written independently of the vectorised code)."""
    sim = model.run(base, 11, 500, seed=3)
    starts, stock = sim.by_year("active"), sim.studying()
    for i in range(0, 500, 37):
        d = int(round(sim.values["programme_years"][i]))
        for y in range(11):
            assert stock[i, y] == pytest.approx(starts[i, max(0, y - d + 1): y + 1].sum(), rel=1e-9)
    # the stock never exceeds everyone who started, and exceeds one year's starters once they accumulate
    assert (stock <= np.cumsum(starts, axis=1) * (1 + 1e-9)).all() and (stock[:, -1] > starts[:, -1]).all()


def test_scenarios_move_the_funnel_the_way_their_levers_say(pack):
    cmp = model.compare(pack, n_draws=2_000).frame.pivot(index="scenario", columns="measure", values="p50")
    base = cmp.loc["baseline"]
    assert cmp.loc["tajik_localisation", "completed"] > base["completed"]  # more courses in a language read
    assert cmp.loc["recognised_certificates", "certified"] > base["certified"]
    assert cmp.loc["4g_expansion", "completed"] >= base["completed"]
    assert cmp.loc["blended_tv_offline", "completed"] > base["completed"]
    assert cmp.loc["combined", "completed"] == cmp["completed"].max()
    # only those who can study online enrol: more coverage, more enrolments; languages do not change who can
    assert cmp.loc["4g_expansion", "enrolled"] > base["enrolled"]
    assert cmp.loc["tajik_localisation", "enrolled"] == base["enrolled"]


def test_costs_by_hand(base):
    # one fixed draw: development 300 × 45 × 1,500 = 20,250,000; LMS 6 US$ per enrolment; bandwidth
    # 10 US$ per Mbps a year for 10 % of the active learners online at the draw's data rate; certificates 5 each
    fixed = {k: u.fixed() for k, u in base.parameters.items()} | {"cost_factor": Uncertain(1, 1, 1, "t")}
    sim = model.run(base, 11, 1, seed=0, parameters=fixed)
    c = model.run_costs(base, sim)
    enrolled, active, certified = (sim.total(s)[0] for s in ("enrolled", "active", "certified"))
    rate = sim.values["content_mbps"][0]
    want = 20_250_000 + 6 * enrolled + 10 * 0.1 * rate * active + 5 * certified
    assert c.total["in_house"][0] == pytest.approx(want, rel=1e-9)
    assert c.per_completer("oer_localisation")[0] < c.per_completer("in_house")[0] < c.per_completer("outsourced")[0]


def test_a_slider_move_changes_what_it_should(base):
    up = with_levers(base, {"completion": 0.6}, False, False, 0.17 / 0.99, {"en": 0.39, "ru": 0.43, "tg": 0.17}, "tg")
    assert model.run(up, 11, 1_000, 1).total("completed").mean() > model.run(base, 11, 1_000, 1).total("completed").mean()
    tajik = with_levers(base, {}, False, False, 1.0, {"en": 0.39, "ru": 0.43, "tg": 0.17}, "tg")
    assert tajik.match.mean() > base.match.mean()


def test_a_scenario_prices_data_at_another_point_of_the_dated_series(tmp_path):
    import shutil

    from analytics.core import paths

    # data/tjk/assumptions.yaml: US$ 4.65 per GB (January 2021), 1.94 (2022), 1.65 (2024, the plans' point)
    shutil.copy(paths.pack_dir("tjk") / "assumptions.yaml", tmp_path / "assumptions.yaml")
    (tmp_path / "scenarios.yaml").write_text(
        "baseline: {label: {en: B}}\nold: {label: {en: O}, connectivity: {price_point: '2021-01'}}\n"
        "half: {label: {en: H}, connectivity: {price_point: '2021-01', price_factor: 0.5}}\n"
        "odd: {label: {en: X}, connectivity: {price_point: '2023'}}\n",
        encoding="utf-8")
    with pytest.raises(DataError) as err:
        scenario_file.read(tmp_path)
    assert "scenario 'odd': connectivity.price_point is '2023'; expected one of 2021-01, 2022, 2024" in str(err.value)
    text = (tmp_path / "scenarios.yaml").read_text(encoding="utf-8")
    (tmp_path / "scenarios.yaml").write_text(text.split("odd:")[0], encoding="utf-8")
    read = scenario_file.read(tmp_path)
    assert read["baseline"].connectivity["price_point"] == "2024"
    assert read["baseline"].connectivity["price_factor"] == 1.0
    assert read["old"].connectivity["price_factor"] == pytest.approx(4.65 / 1.65)
    assert read["half"].connectivity["price_factor"] == pytest.approx(0.5 * 4.65 / 1.65)  # a factor on the older price
    # the pack's own point must be in its series: one message naming the assumptions file
    text = (tmp_path / "assumptions.yaml").read_text(encoding="utf-8")
    (tmp_path / "assumptions.yaml").write_text(text.replace('value: "2024"', 'value: "2030"'), encoding="utf-8")
    with pytest.raises(DataError) as err:
        scenario_file.read(tmp_path)
    assert "assumptions.yaml: prices.price_point is '2030'; expected one of 2021-01, 2022, 2024" in str(err.value)


@pytest.mark.parametrize("text, expected", [
    ("baseline: {label: {en: B}, uptake: {recognised: maybe}}",
     "scenario 'baseline': uptake.recognised is 'maybe'; expected true or false"),
    ("baseline: {label: {en: B}}\nfast: {label: {en: F}, connectivity: {speed_uplift: -2}}",
     "scenario 'fast': connectivity.speed_uplift is -2; expected a number from 0.01 to 100"),
    # B15: nonsense the file used to accept
    ("baseline: {label: {en: B}}\nfast: {label: {en: F}, connectivity: {speed_uplift: .inf}}",
     "connectivity.speed_uplift is inf; expected a number from 0.01 to 100"),
    ("baseline: {label: {en: B}}\ncheap: {label: {en: C}, connectivity: {price_factor: 1.0e-300}}",
     "connectivity.price_factor is 1e-300; expected a number from 0.01 to 100"),
    ("baseline: {label: {en: B}, uptake: {content_languages: {xx: 1.0}}}",
     "uptake.content_languages is {'xx': 1.0}; expected the pack's course languages"),
    ("baseline: {label: {en: B}}\n~: {label: {en: N}}", "a scenario is named 'None'; a scenario's name is letters"),
    ("baseline: {label: {en: B}, access: {teleport: 1}}", "unknown access lever 'teleport'"),
    ("other: {label: {en: O}}", "includes 'baseline'"),
    ("baseline: {label: {en: B}, uptake: {content_languages: {en: 0.9, tg: 0.9}}}", "summing to 1"),
    ("baseline: {label: {en: B}, connectivity: {price_point: 2021}}",
     "connectivity.price_point is 2021; expected null or a point"),
    ("baseline: {label: {en: B}, connectivity: {price_point: '1999'}}",
     "connectivity.price_point is '1999'; the pack has no dated mobile prices"),
    ("baseline: {label: {en: B}, access: {price_factor: 0.5}}",  # one price per scenario, for every notebook
     "unknown access lever 'price_factor'; expected online, rural_4g_at_least (price_factor is set once per "
     "scenario, under connectivity)"),
])
def test_a_bad_scenarios_file_names_the_scenario_and_the_lever(tmp_path, text, expected):
    (tmp_path / "scenarios.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as err:
        scenario_file.read(tmp_path)
    assert expected in str(err.value) and "scenarios.yaml" in str(err.value)


def test_the_measures_whose_cost_is_not_counted_are_read_from_each_scenarios_levers(pack):
    """Read by hand from data/tjk/scenarios.yaml against its baseline: blended delivery changes only `blended`
    (costed: TV lessons, tutors); the others change course languages, 4G coverage and speed, or recognition."""
    from analytics.uptake.favoured import uncosted_measures

    assert {n: uncosted_measures(pack, n) for n in pack.scenarios} == {
        "baseline": [], "blended_tv_offline": [], "tajik_localisation": ["translation"],
        "recognised_certificates": ["accreditation"], "4g_expansion": ["network"],
        "combined": ["translation", "network", "accreditation"]}


def test_who_can_study_online_in_the_target_group_is_one_value(pack):
    """Second ministry reader: the uptake page said "of 87,000 … about 15,000 can study online" (at the central
    study needs) beside the options table's 18.6 % (the median of the draws) for the same people. The page's count
    is now the eligible times that median, for the country and for a region alike; and the split by district adds
    up, draw by draw, to the national share the table reports (to rounding: 1e-12)."""
    import numpy as np

    from analytics.uptake import panels, runs
    from analytics.uptake.common import area_districts, sig

    s, sim = runs.simulation(pack, "baseline", 11, 500, 2027)
    assert np.allclose(sim.able_by_district.sum(axis=1) / sim.eligible_by_district.sum(axis=1), sim.able, atol=1e-12)
    p50 = runs.compare(pack, ["baseline"], 11, 500, 2027).frame.query("measure == 'able_pct'")["p50"].iloc[0]
    eligible, able = runs.eligible_and_able(s, sim)
    assert 100 * able / eligible == pytest.approx(p50, rel=1e-12)
    said = " ".join(panels.fan_panel(pack, "all", "baseline", 11, 500, 2027, "en").reading.sentences)
    assert f"{sig(eligible):,.0f} people are eligible, of whom about {sig(able):,.0f} can study online" in said
    gbao = area_districts(pack, "TJ-GB")
    e, a = runs.eligible_and_able(s, sim, gbao)
    assert a / e == pytest.approx(float(np.median(sim.able_share(gbao)))) and a / e != pytest.approx(able / eligible)
