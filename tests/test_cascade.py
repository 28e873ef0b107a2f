"""The access cascade: each step by hand, its calibration to the published internet use, one data rate."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from analytics.models import cascade
from analytics.models.affordability import MIX_MBPS, StudyNeeds, monthly_course_gb
from analytics.models.capacity import MIX
from analytics.models.content_profiles import PROFILES


def _tables():
    # one district, towns only, one speed for everyone (log-sd 0), two income fifths of equal size
    conn = pd.DataFrame({"district_code": ["A"], "region_code": ["R"], "settlement": ["urban"], "population": [1000.0],
                         "cov_3g": [0.8], "cov_4g": [0.6], "fixed_available": [0.5],
                         "mobile_down_median_mbps": [10.0], "mobile_up_median_mbps": [5.0], "mobile_log_sd": [0.0],
                         "fixed_down_median_mbps": [20.0], "fixed_up_median_mbps": [20.0], "fixed_log_sd": [0.0]})
    devices = pd.DataFrame({"settlement": ["urban", "urban"], "quintile": [1, 2], "smartphone_share": [0.5, 0.8],
                            "computer_share": [0.0, 0.5]})
    incomes = pd.DataFrame({"settlement": ["urban", "urban"], "quintile": [1, 2], "income_usd": [100.0, 400.0]})
    plans = pd.DataFrame({"technology": ["mobile", "fixed"], "usd_per_gb": [2.0, 0.5]})
    return conn, devices, incomes, plans


def test_each_step_by_hand():
    conn, devices, incomes, plans = _tables()
    # covered: 1 − (1 − 0.5)(1 − 0.8) = 0.9; owning a device: fifth 1 0.5, fifth 2 1 − 0.2 × 0.5 = 0.9, so
    # covered device owners 0.9 × (0.5 + 0.9) / 2 = 0.63 of everyone; to reach 31.5 %, half of them: log-odds 0
    cal = cascade.calibrate_use(conn, devices, 31.5, 2022)
    assert cal.intercept == pytest.approx(0.0, abs=1e-9) and cal.modelled_pct == pytest.approx(31.5)
    assert cal.gap_pp == pytest.approx(0.0, abs=1e-9)
    needs = StudyNeeds()
    c = cascade.cascade(conn, devices, incomes, plans, cal, needs, home_fixed_share=0.1)
    f = c.cells.set_index("quintile")
    assert f["covered"].tolist() == pytest.approx([0.9, 0.9])
    assert f["device"].tolist() == pytest.approx([0.45, 0.81])
    assert f["uses"].tolist() == pytest.approx([0.225, 0.405])
    # every profile of the mix needs at most 1 Mbps down and 0.8 up: 10 Mbps mobile and 20 fixed carry them all
    assert f["speed"].tolist() == pytest.approx([0.225, 0.405])
    # a month of 6 h a week at 0.7083 Mbps is 6 × 52/12 × 0.45 × 0.7083 = 8.287 GB; affordable when it costs at most
    # 5 % of a log-normal income (log-sd 0.25, mean 100 or 400), 10 % of households paying the fixed price
    gb = monthly_course_gb(6, 0.7083)
    assert gb == pytest.approx(8.287, abs=1e-3)

    def above(cost, mean):
        return norm.sf((np.log(cost / 0.05) - (np.log(mean) - 0.25 ** 2 / 2)) / 0.25)

    for q, mean in ((1, 100.0), (2, 400.0)):
        share = 0.9 * above(gb * 2.0, mean) + 0.1 * above(gb * 0.5, mean)
        assert f.loc[q, "afford"] == pytest.approx(f.loc[q, "speed"] * share, rel=1e-12)
    whole = c.by_area()
    assert whole["people"].tolist() == pytest.approx(500 * (f[list(cascade.STEPS)].sum()).to_numpy())
    assert (np.diff(whole["step_share"]) <= 0).all()  # each step within the one before


def test_a_published_use_above_what_coverage_and_devices_allow_is_not_reached():
    conn, devices, *_ = _tables()
    cal = cascade.calibrate_use(conn, devices, 80.0, 2022)  # at most 63 % are covered device owners
    assert cal.modelled_pct == pytest.approx(63.0) and cal.gap_pp == pytest.approx(-17.0)
    assert (cal.share(["urban", "urban"], [1, 2]) == 1.0).all()


def test_stated_effects_tilt_use_toward_towns_and_richer_fifths_at_the_same_national_level():
    conn, devices, *_ = _tables()
    # two fifths of 500 people, 90 % covered; covered device owners are 0.5 × 0.9 × 0.5 = 0.225 (fifth 1) and
    # 0.5 × 0.9 × 0.9 = 0.405 (fifth 2) of everyone; with 1 log-odds per fifth the level a solves
    # 0.225 σ(a − 2) + 0.405 σ(a − 1) = 0.315
    cal = cascade.calibrate_use(conn, devices, 31.5, 2022, urban=0.0, per_fifth=1.0)
    sig = 1 / (1 + np.exp(-(cal.intercept + np.array([-2.0, -1.0]))))
    assert 0.225 * sig[0] + 0.405 * sig[1] == pytest.approx(0.315, rel=1e-9)
    assert cal.share(["urban", "urban"], [1, 2]) == pytest.approx(sig) and sig[1] > sig[0]


def test_modelled_internet_use_is_within_two_points_of_the_latest_itu_figure(pack):
    # data/tjk/derived/indicators.csv: IT.NET.USER.ZS for TJK, 2022: 36.0872 % (the latest year in the pack)
    cal = cascade.calibration_of(pack)
    assert cal.year == 2022 and cal.target_pct == pytest.approx(36.0872)
    assert abs(cal.gap_pp) <= cascade.CALIBRATION_TOLERANCE_PP
    national = cascade.of(pack).by_area().set_index("step")["step_share"]
    assert 100 * national["uses"] == pytest.approx(36.0872, abs=cascade.CALIBRATION_TOLERANCE_PP)


def test_the_data_rate_that_prices_a_course_is_the_one_that_sizes_the_network():
    # what a month costs is what the mix sends and receives (a plan bills both ways)
    assert MIX_MBPS == pytest.approx(sum(share * PROFILES[name].gb_per_hour() for name, share in MIX.items()) / 0.45,
                                     abs=1e-4)
    assert StudyNeeds().content_mbps == MIX_MBPS
    lo, hi = StudyNeeds.RANGES["content_mbps"]
    assert lo < MIX_MBPS < hi


def test_a_scenario_moves_only_the_steps_its_levers_touch(pack):
    base = cascade.of(pack, "baseline").by_area(["settlement"]).set_index(["settlement", "step"])["step_share"]
    more = cascade.of(pack, "4g_expansion").by_area(["settlement"]).set_index(["settlement", "step"])["step_share"]
    assert more.loc[("urban", "covered")] == pytest.approx(base.loc[("urban", "covered")])  # rural coverage only
    assert more.loc[("rural", "covered")] > base.loc[("rural", "covered")]
    assert more.loc[("rural", "afford")] > base.loc[("rural", "afford")]
    # the use factor is today's: a scenario does not re-calibrate it
    assert cascade.of(pack, "4g_expansion").calibration == cascade.of(pack, "baseline").calibration


def test_the_access_model_and_the_uptake_model_read_the_same_cascade(pack):
    from analytics.uptake import runs

    setup = runs.setup(pack, "baseline")
    cells = cascade.of(pack).cells.set_index(["district_code", "settlement", "quintile"])
    got = setup.cells.set_index(["district_code", "settlement", "fifth"])["access"]
    assert got.to_numpy() == pytest.approx(cells.loc[got.index, "afford"].to_numpy(), rel=1e-12)
    # the eligible keep their number when spread over the fifths within their settlement
    w = pack.learners["weight"]
    assert setup.cells["part_time"].sum() == pytest.approx(float((w * pack.learners["part_time"]).sum()), rel=1e-9)


def test_a_national_fifth_spreads_over_the_fifths_within_its_settlement():
    # towns: 10 % of people in national fifths 1 and 2, 20 % in 3, 30 % in 4 and 5. National fifth 4 spans the
    # town's income ranks 0.4–0.7: two thirds of it in the town's third fifth (0.4–0.6), a third in its fourth
    people = pd.DataFrame({"settlement": ["urban"] * 5, "quintile": [1, 2, 3, 4, 5], "weight": [1.0, 1.0, 2.0, 3.0, 3.0]})
    got = cascade.fifth_shares(people).set_index(["quintile", "fifth"])["share"]
    # ranks: fifth 1 0.0–0.1, 2 0.1–0.2, 3 0.2–0.4, 4 0.4–0.7, 5 0.7–1.0
    assert got.loc[(1, 1)] == pytest.approx(1.0) and got.loc[(2, 1)] == pytest.approx(1.0)
    assert got.loc[(3, 2)] == pytest.approx(1.0)
    assert got.loc[(4, 3)] == pytest.approx(0.2 / 0.3) and got.loc[(4, 4)] == pytest.approx(0.1 / 0.3)
    assert got.loc[(5, 4)] == pytest.approx(0.1 / 0.3) and got.loc[(5, 5)] == pytest.approx(0.2 / 0.3)
    assert got.groupby(level="quintile").sum().to_numpy() == pytest.approx(np.ones(5))


def test_the_connectivity_shares_are_the_cascade_for_one_format(pack):
    # readiness by format, with the cascade's use factor, weighted by the content mix, is the cascade's speed step
    from analytics.models import readiness

    cal = cascade.calibration_of(pack)
    ready = readiness.readiness(readiness.connectivity_of(pack), pack.devices, list(MIX), use_share=cal.by_group())
    by_profile = ready.by_area(["profile"]).set_index("profile")
    mixed = sum(share * by_profile.loc[name, "capable_share"] for name, share in MIX.items())
    assert mixed == pytest.approx(cascade.of(pack).share("speed"), rel=1e-9)
    halved = readiness.readiness(readiness.connectivity_of(pack), pack.devices, ["video_360p"], use_share=0.5)
    whole = readiness.readiness(readiness.connectivity_of(pack), pack.devices, ["video_360p"])
    assert halved.frame["capable_share"].to_numpy() == pytest.approx(0.5 * whole.frame["capable_share"].to_numpy())
    with pytest.raises(ValueError, match="use_share"):
        readiness.readiness(readiness.connectivity_of(pack), pack.devices, use_share=1.5)
