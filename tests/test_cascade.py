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
    # covered device owners 0.9 × (0.5 + 0.9) / 2 = 0.63 of everyone; to reach 31.5 % the use factor is 0.5
    cal = cascade.calibrate_use(conn, devices, 31.5, 2022)
    assert cal.factor == pytest.approx(0.5) and cal.modelled_pct == pytest.approx(31.5) and cal.gap_pp == 0
    needs = StudyNeeds()
    c = cascade.cascade(conn, devices, incomes, plans, cal, needs, home_fixed_share=0.1)
    f = c.cells.set_index("quintile")
    assert f["covered"].tolist() == pytest.approx([0.9, 0.9])
    assert f["device"].tolist() == pytest.approx([0.45, 0.81])
    assert f["uses"].tolist() == pytest.approx([0.225, 0.405])
    # every profile of the mix needs at most 1 Mbps down and 0.8 up: 10 Mbps mobile and 20 fixed carry them all
    assert f["speed"].tolist() == pytest.approx([0.225, 0.405])
    # a month of 6 h a week at 0.55 Mbps is 6.435 GB: US$ 12.87 on mobile, 3.2175 on fixed; affordable when it is at
    # most 5 % of a log-normal income (log-sd 0.25, mean 100 or 400), 10 % of households on fixed broadband
    gb = monthly_course_gb(6, 0.55)

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
    assert cal.factor == 1.0 and cal.modelled_pct == pytest.approx(63.0) and cal.gap_pp == pytest.approx(-17.0)


def test_modelled_internet_use_is_within_two_points_of_the_latest_itu_figure(pack):
    # data/tjk/derived/indicators.csv: IT.NET.USER.ZS for TJK, 2022: 36.0872 % (the latest year in the pack)
    cal = cascade.calibration_of(pack)
    assert cal.year == 2022 and cal.target_pct == pytest.approx(36.0872)
    assert abs(cal.gap_pp) <= cascade.CALIBRATION_TOLERANCE_PP
    national = cascade.of(pack).by_area().set_index("step")["step_share"]
    assert 100 * national["uses"] == pytest.approx(36.0872, abs=cascade.CALIBRATION_TOLERANCE_PP)


def test_the_data_rate_that_prices_a_course_is_the_one_that_sizes_the_network():
    assert MIX_MBPS == pytest.approx(sum(share * PROFILES[name].down_mbps for name, share in MIX.items()))
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
    got = setup.cells.set_index(["district_code", "settlement", "quintile"])["access"]
    assert got.to_numpy() == pytest.approx(cells.loc[got.index, "afford"].to_numpy(), rel=1e-12)
