"""Connectivity readiness: data needs, who can take what, affordability, network load."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.connectivity import data_costs
from analytics.models import capacity, readiness
from analytics.models import content_profiles as profiles


def test_one_mbps_sustained_is_045_gb_an_hour():
    # unit identity (REFERENCE_FIGURES): 1 Mbps × 3,600 s = 3,600 Mb = 450 MB; 2.5 Mbps = 1.125 GB/h
    assert profiles.ContentProfile("x", 1.0, 0.0, False, "").gb_per_hour() == pytest.approx(0.45)
    assert profiles.PROFILES["video_480p"].gb_per_hour() == pytest.approx(1.125)
    # a live class bills both directions: (1.0 + 0.8) × 0.45 = 0.81 GB/h
    assert profiles.PROFILES["live_group_video"].gb_per_hour() == pytest.approx(0.81)
    # a month at 6 h a week: 0.45 × 6 × 52 / 12 = 11.7 GB of 360p video
    assert profiles.PROFILES["video_360p"].gb_per_month(6) == pytest.approx(11.7)


def _conn(**over) -> pd.DataFrame:
    row = {"district_code": "D1", "region_code": "R1", "settlement": "rural", "population": 1000,
           "cov_3g": 0.8, "fixed_available": 0.0, "mobile_down_median_mbps": 1.0, "mobile_up_median_mbps": 1.0,
           "mobile_log_sd": 0.5, "fixed_down_median_mbps": 10.0, "fixed_up_median_mbps": 10.0, "fixed_log_sd": 0.5}
    row.update(over)
    return pd.DataFrame([row])


DEVICES = pd.DataFrame({"settlement": ["rural"] * 5, "quintile": [1, 2, 3, 4, 5],
                        "smartphone_share": [0.5] * 5, "computer_share": [0.0] * 5})


def test_share_able_to_take_a_profile_by_hand():
    # 360p video needs 1 Mbps down: half of log-normal speeds with median 1 Mbps reach it, on 3G
    # coverage of 0.8 (no fixed line) -> 0.4 connected; half own a smartphone -> 0.2 capable
    r = readiness.readiness(_conn(), DEVICES, ["video_360p"])
    assert r.to_frame()["capable_share"].tolist() == pytest.approx([0.2] * 5)


def test_shares_by_sex_where_the_devices_give_sex():
    # the same cell, women owning smartphones at 0.3 and men at 0.7: 0.4 connected -> 0.12 and
    # 0.28 capable; each of the 10 rows holds 1000 / 10 = 100 people, so the mean stays 0.2
    dev = pd.concat([DEVICES.assign(sex="female", smartphone_share=0.3), DEVICES.assign(sex="male", smartphone_share=0.7)])
    r = readiness.readiness(_conn(), dev, ["video_360p"])
    by_sex = r.by_area(["sex"]).set_index("sex")["capable_share"]
    assert by_sex["female"] == pytest.approx(0.12) and by_sex["male"] == pytest.approx(0.28)
    assert r.to_frame()["population"].tolist() == pytest.approx([100] * 10)
    assert r.by_area(["profile"])["capable_share"].iloc[0] == pytest.approx(0.2)
    assert r.by_area(["profile"])["capable_share"].iloc[0] == pytest.approx(0.2)
    # with a fixed line for 30 % at a median of 10 Mbps (P(>=1) = P(z >= ln(0.1)/0.5) = 0.99999):
    # 1 - (1 - 0.3 × 0.99999)(1 - 0.4) = 0.58 connected
    r = readiness.readiness(_conn(fixed_available=0.3), DEVICES, ["video_360p"])
    assert r.to_frame()["connection_share"].iloc[0] == pytest.approx(0.58, abs=1e-4)


def test_readiness_index_is_its_stated_formula():
    r = readiness.readiness(_conn(), DEVICES)
    s = r.by_area(["profile"]).set_index("profile")["capable_share"]
    expected = 100 * (0.5 * s["text_lms"] + 0.3 * s["video_360p"] + 0.2 * s["live_group_video"])
    assert r.index()["readiness_index"].iloc[0] == pytest.approx(expected)


@settings(max_examples=60, deadline=None)
@given(low=st.floats(0.1, 5), factor=st.floats(1, 10), median=st.floats(0.05, 50), sd=st.floats(0, 1.5),
       cov=st.floats(0, 1), fixed=st.floats(0, 1))
def test_a_faster_connection_never_lowers_the_share_able(low, factor, median, sd, cov, fixed):
    conn = _conn(mobile_down_median_mbps=median, mobile_up_median_mbps=median / 2, mobile_log_sd=sd,
                 fixed_down_median_mbps=median * 3, fixed_up_median_mbps=median, fixed_log_sd=sd,
                 cov_3g=cov, fixed_available=fixed)
    slow = readiness.readiness(conn, DEVICES, speed_uplift=low).to_frame()["capable_share"]
    fast = readiness.readiness(conn, DEVICES, speed_uplift=low * factor).to_frame()["capable_share"]
    assert (fast.to_numpy() >= slow.to_numpy() - 1e-12).all()


INCOMES = pd.DataFrame({"settlement": ["urban", "rural"], "quintile": [3, 1], "income_usd": [500.0, 100.0]})
PLANS = pd.DataFrame({"technology": ["mobile", "mobile", "mobile"], "usd_per_gb": [4.0, 5.0, 9.0]})


def test_affordability_by_hand():
    a = data_costs.affordability(INCOMES, PLANS, ["text_lms"], hours_per_week=6).to_frame().set_index("settlement")
    # price: median of the mobile plans = 5.0 USD/GB; text and LMS pages: 0.15 Mbps both ways ->
    # 0.0675 GB/h × 6 h × 52/12 = 1.755 GB a month -> 8.775 USD
    urban = a.loc["urban"]
    assert urban["gb_per_month"] == pytest.approx(1.755)
    assert urban["cost_usd"] == pytest.approx(8.775)
    assert urban["cost_share"] == pytest.approx(8.775 / 500)
    # A4AI: 1 GB = 5/500 = 1 % of income, 5 GB = 5 %; the price that brings the month to 2 %:
    # 0.02 × 500 / 1.755 = 5.698 USD/GB
    assert urban["gb1_share"] == pytest.approx(0.01) and urban["gb5_share"] == pytest.approx(0.05)
    assert urban["price_for_threshold_usd"] == pytest.approx(5.6980, abs=1e-4)
    # share whose income (log-normal, mean 500, log-sd 0.25) is at least 8.775 / 0.02 = 438.75:
    # mu = ln 500 - 0.25²/2 = 6.183358; z = (ln 438.75 - mu) / 0.25 = -0.397713; 1 - Φ(z) = 0.654579
    assert urban["afford_share"] == pytest.approx(0.654579, abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(price=st.floats(0.05, 50), factor=st.floats(1, 20), hours=st.floats(0.5, 30))
def test_a_higher_price_never_raises_affordability(price, factor, hours):
    cheap = data_costs.affordability(INCOMES, PLANS, hours_per_week=hours, usd_per_gb=price).to_frame()
    dear = data_costs.affordability(INCOMES, PLANS, hours_per_week=hours, usd_per_gb=price * factor).to_frame()
    assert (dear["afford_share"].to_numpy() <= cheap["afford_share"].to_numpy() + 1e-12).all()


def test_network_load_by_hand():
    # 1,000 enrolled, 10 % online at the peak, all 360p video (1 Mbps): 100 Mbps on the national
    # network; a cache serving a quarter leaves 75 Mbps on the international link
    c = capacity.capacity(1000, 0.1, 0.25, {"video_360p": 1.0})
    f = c.to_frame().set_index("link")["peak_mbps"]
    assert f["national"] == pytest.approx(100) and f["international"] == pytest.approx(75)
    assert c.saved_mbps() == pytest.approx(25)
    # a 1 Gbps link carries 1000 / (1 × 0.1) = 10,000 enrolled learners of 360p video
    per = capacity.learners_per_link(1000, 0.1).set_index("profile")["learners"]
    assert per["video_360p"] == pytest.approx(10_000)


def test_lms_load_leaves_out_live_classes():
    # 2,000 enrolled, 10 % online (200 sessions); half text (0.1 Mbps), half live group video:
    # the LMS serves 200 × 0.5 × 0.1 = 10 Mbps; the national network carries 200 × (0.05 + 0.5) = 110
    c = capacity.capacity(2000, 0.1, 0.0, {"text_lms": 0.5, "live_group_video": 0.5})
    f = c.to_frame().set_index("link")
    assert f.loc["lms", "peak_mbps"] == pytest.approx(10) and f.loc["national", "peak_mbps"] == pytest.approx(110)
    assert f.loc["lms", "sessions"] == pytest.approx(200)


def test_offline_package_download_time_by_hand():
    # a week of 360p video at 6 h: 0.45 × 6 = 2.7 GB = 21,600 Mb; at 1 Mbps: 21,600 s = 6 h
    hours = readiness.download_hours(_conn(), hours_per_week=6)["hours"].iloc[0]
    assert hours == pytest.approx(6.0)


def test_a_price_every_group_can_afford_is_not_said_to_need_falling(pack):
    """The Kyrgyz trial read "the price would have to fall to US$ 0.18" at US$ 0.17: when every group's month
    of course data is within 2 % of income, the sentence says so instead of naming a lower price."""
    from analytics.connectivity import panels as cp

    cheap = cp.affordability_panel(pack, "all", "text_lms", 0.001, "baseline", "en").reading.sentences
    assert any("within 2% of income in all 10 groups" in s for s in cheap), cheap
    assert not any("would have to fall" in s for s in cheap)
    dear = cp.affordability_panel(pack, "all", "video_720p", 5.0, "baseline", "en").reading.sentences
    assert any("would have to fall" in s or "more than 2%" in s for s in dear), dear


def test_an_all_urban_city_is_priced_for_its_town_dwellers_alone(pack):
    """The Kyrgyz trial's Osh city page spoke of "the poorest rural fifth" and "10 of 10 groups (towns and
    villages)" for a city with no villages. Dushanbe (TJ-DU) is all urban in the Tajik pack: its page counts
    the 5 urban fifths, names the poorest urban fifth and draws no village bars."""
    from analytics.connectivity import panels as cp

    assert set(pack.population.loc[(pack.population["region_code"] == "TJ-DU")
                                   & (pack.population["population"] > 0), "settlement"]) == {"urban"}
    for language, urban_only, village in (("en", "5 fifths of town dwellers", "rural"),
                                          ("ru", "5 квинтилей городского населения", "сельск")):
        panel = cp.affordability_panel(pack, "TJ-DU", "video_720p", 5.0, "baseline", language)
        said = " ".join(panel.reading.sentences)
        assert urban_only in said and village not in said, said
        assert [t.name for t in panel.figure.data] == [pack.texts(language)("access.urban")]
    # a country with villages keeps both and names its poorest group (rural in Tajikistan: lower incomes)
    said = " ".join(cp.affordability_panel(pack, "all", "video_720p", 5.0, "baseline", "en").reading.sentences)
    assert "(5 fifths in towns and in villages)" in said and "for the poorest rural fifth the price" in said


def test_a_one_district_city_has_no_slowest_district(pack):
    """The hostile pass read "0.2 hours at the median district speed, and 0.2 hours in the slowest district"
    on Dushanbe's page: a city-region is one district."""
    from analytics.connectivity import panels as cp

    said = " ".join(cp.reach_panel(pack, "TJ-DU", "video_360p", 0.0, "baseline", "en").reading.sentences)
    package = next(x for x in said.split(". ") if "offline package" in x)
    assert "at the area's median speed" in package and "district" not in package, package
    said = " ".join(cp.reach_panel(pack, "TJ-GB", "video_360p", 0.0, "baseline", "en").reading.sentences)
    assert "in the slowest district" in said
