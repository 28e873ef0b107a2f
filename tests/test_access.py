"""Access gaps: parity on a hand-computed fixture, distances against brute force, the model against
the recorded true effects, the decomposition's parts against the total, and notebook 01 for every region."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

from analytics.access import counterfactual as online
from analytics.access import decomposition as dec
from analytics.access import distance
from analytics.access import enrolment as pm
from analytics.access import participation as access
from analytics.packs.builders.learner_sample import haversine_km

from .conftest import PACK


def test_parity_indices_on_a_hand_computed_fixture():
    rows = [  # settlement, sex, quintile, enrolled, weight
        ("urban", "male", 5, True, 3), ("urban", "male", 5, False, 1), ("urban", "female", 1, True, 1),
        ("urban", "female", 1, False, 1), ("rural", "male", 1, True, 1), ("rural", "male", 5, False, 3),
        ("rural", "female", 1, False, 2), ("rural", "female", 5, True, 2)]
    df = pd.DataFrame(rows, columns=["settlement", "sex", "quintile", "enrolled", "weight"]).assign(
        age_band="17-24", district_code="D1")
    par = access.parity_indices(df, min_sample=1).set_index("index")
    # by hand: urban (3+1)/6 = 0.6667, rural (1+2)/8 = 0.375 -> LPI 0.5625, gap 29.17 pp
    assert par.loc["location_parity_index", "parity"] == pytest.approx(0.5625)
    assert par.loc["location_parity_index", "gap_pp"] == pytest.approx(100 * (4 / 6 - 3 / 8))
    # men (3+1)/8 = 0.5, women (1+2)/6 = 0.5 -> GPI 1
    assert par.loc["gender_parity_index", "parity"] == pytest.approx(1.0)
    # poorest fifth (1+1)/5 = 0.4, richest (3+2)/9 = 0.5556 -> WPI 0.72
    assert par.loc["wealth_parity_index", "parity"] == pytest.approx(0.4 / (5 / 9))
    assert par.loc["wealth_parity_index", "parity_adjusted"] == pytest.approx(0.72)  # below 1: unchanged


def test_seats_per_10k(pack):
    seats = access.seats_per_10k(pack.institutions, pack.population).set_index("region_code")
    # Dushanbe: students of its 16 institutions per 10,000 of its 948,800 people
    dushanbe = pack.institutions.loc[pack.institutions.region_code == "TJ-DU", "students"].sum()
    assert seats.loc["TJ-DU", "seats_per_10k"] == pytest.approx(1e4 * dushanbe / 948_800)
    assert seats.loc["TJ-DU", "seats_per_10k"] == seats["seats_per_10k"].max()


def test_grid_distance_equals_brute_force_and_great_circle(pack):
    grid = distance.country_grid(pack.districts, 1.0)
    assert 135_000 < len(grid) < 145_000  # about 141,000 km² of land
    sites = distance.site_xy(pack.institutions, grid.attrs["crs"])
    rng = np.random.default_rng(0)
    sample = grid.iloc[rng.choice(len(grid), 500, replace=False)]
    xy = sample[["x", "y"]].to_numpy()
    tree = distance.nearest_km(xy, sites)
    assert np.allclose(tree, distance.nearest_km_brute_force(xy, sites), atol=1e-9)
    # independent check: great-circle distance from the cell's lon/lat to every institution
    from pyproj import Transformer

    lon, lat = Transformer.from_crs(grid.attrs["crs"], "EPSG:4326", always_xy=True).transform(xy[:, 0], xy[:, 1])
    inst = pack.institutions
    great = haversine_km(lon[:, None], lat[:, None], inst["lon"].to_numpy()[None, :],
                         inst["lat"].to_numpy()[None, :]).min(axis=1)
    assert np.allclose(tree, great, rtol=0.01, atol=0.05)  # equal-area projection: under 1 % off


def test_people_on_the_grid_add_up_and_districts_are_weighted(pack):
    grid = distance.country_grid(pack.districts, 2.0)
    cells = distance.people_on_grid(grid, pack.population, pack.institutions, pack.districts, ["17-24"])
    young = pack.population.loc[pack.population.age_band == "17-24", "population"].sum()
    assert cells["persons"].sum() == pytest.approx(young)
    by_d = distance.district_distance(cells).set_index("district_code")
    assert by_d.loc["TJ-DU-DUS", "mean_km"] < 5  # 16 institutions in Dushanbe
    assert by_d.loc["TJ-GB-MUR", "beyond_100km"] == pytest.approx(1.0)  # Murghob, far east of Khorog
    shares = distance.beyond_shares(cells)
    assert 0 < shares["beyond_100km"] < shares["beyond_50km"] < shares["beyond_25km"] < 1


def test_regression_recovers_the_true_effects(pack):
    truth = yaml.safe_load((PACK / "assumptions.yaml").read_text())["learners"]["enrolment_logit"]["value"]
    model = pm.national_fit(pack)
    assert model.truth == truth  # the true effects travel with the model, to be shown on the page
    # six 95 % intervals miss at least once in a quarter of samples; within 3 standard errors every
    # true value should be (all six hold with probability 0.984)
    for name in pm.COVARIATES:
        row = model.table.loc[name]
        assert abs(row.coef - truth[name]) < 3 * row.se, (name, truth[name], row.coef, row.se)
    assert np.sign(model.table.loc["distance_per_10km", "ame"]) == -1
    assert sum(c.startswith(pm.REGION) for c in model.covariates) == len(pack.regions) - 1


def test_hc1_is_hc0_times_n_over_n_minus_k(pack):
    """The HC0 sandwich computed by hand (bread (X'VX)^-1, meat X' diag((w(y-p))^2) X), then n/(n-k)."""
    model = pm.fit(pack.learners)
    X = np.column_stack([np.ones(len(model.data)), model.data[model.covariates].to_numpy()])
    p = pm.logistic(X @ model.params.to_numpy())
    w, y = model.weights, model.outcome
    bread = np.linalg.inv(X.T @ (X * (w * p * (1 - p))[:, None]))
    meat = X.T @ (X * ((w * (y - p)) ** 2)[:, None])
    hc0 = bread @ meat @ bread
    n, k = X.shape
    assert np.allclose(model.cov.to_numpy(), hc0 * n / (n - k), rtol=1e-6)
    # the bootstrap's own IRLS gives statsmodels' estimate
    assert np.allclose(pm.irls(X, y, w), model.params.to_numpy(), atol=1e-8)


def test_calibrated_sample_matches_the_institutions(pack):
    """The enrolment intercept is solved: weighted students equal the institutions' total within 2 %."""
    learners = pack.learners
    students = float((learners["weight"] * learners["enrolled"]).sum())
    total = float(pack.institutions["students"].sum())  # 240,000 in the Tajikistan pack
    assert abs(students / total - 1) < 0.02
    part_time = float((learners["weight"] * learners["part_time"]).sum())
    assert abs(part_time / pack.institutions["students_part_time"].sum() - 1) < 0.02


def test_solve_intercept_on_a_hand_case():
    from analytics.packs.builders.learner_sample import solve_intercept

    # thresholds logit(u) - eta: logit(0.5) - 0 = 0, logit(0.2) - 0 = -1.386, logit(0.9) - 0 = 2.197
    eta, u, w = np.zeros(3), np.array([0.5, 0.2, 0.9]), np.array([10.0, 20.0, 30.0])
    a = solve_intercept(eta, u, w, target=30.0)  # the two lowest thresholds: weights 20 + 10
    drawn = u < pm.logistic(a + eta)
    assert list(drawn) == [True, True, False] and w[drawn].sum() == 30.0


def test_adjusted_parity_index_on_hand_cases():
    from analytics.models.intervals import adjusted_parity

    # UIS: at most 1 unchanged; above 1, 2 - 1/x (2 -> 1.5, 4 -> 1.75)
    assert adjusted_parity(0.5) == 0.5 and adjusted_parity(1.0) == 1.0
    assert adjusted_parity(2.0) == 1.5 and adjusted_parity(4.0) == 1.75


def test_parity_intervals_cover_the_estimate_and_repeat_with_the_seed(pack):
    first = access.parity_indices(pack.learners, seed=7)
    again = access.parity_indices(pack.learners, seed=7)
    other = access.parity_indices(pack.learners, seed=8)
    pd.testing.assert_frame_equal(first, again)
    assert not np.allclose(first["parity_adjusted_low"], other["parity_adjusted_low"])
    for r in first.itertuples():
        assert r.parity_adjusted_low <= r.parity_adjusted <= r.parity_adjusted_high
        assert r.disadvantaged_low <= r.disadvantaged <= r.disadvantaged_high


def test_small_groups_are_suppressed(pack):
    dushanbe = pack.learners[pack.learners["region_code"] == "TJ-DU"]
    par = access.parity_indices(dushanbe).set_index("index")
    assert "location_parity_index" not in par.index  # no rural people: no index, no nan
    wealth = par.loc["wealth_parity_index"]
    assert wealth.suppressed and wealth.disadvantaged_sample < 30 and np.isnan(wealth.parity_adjusted)
    rates = access.district_rates(pack.learners)
    assert (rates["suppressed"] == (rates["effective_sample"] < 30)).all()
    # a district where nobody sampled studies still gets an informative upper bound (Wilson)
    zero = rates[(rates["rate"] == 0) & ~rates["suppressed"]]
    assert (zero["rate_high"] > 0.02).all()


def test_decomposition_with_the_group_indicator_and_bootstrap_intervals(pack):
    held = dec.equal_by_construction(pack.population, "17-24")
    assert held == ["female"]  # the population has one sex ratio everywhere
    d = dec.decompose_urban_rural(pack.learners, held=held, seed=3)
    frame = d.to_frame()
    pooled = frame[frame["reference"] == "pooled"].set_index("part")
    parts = pooled.drop(["total", "explained"])
    assert parts["pp"].sum() == pytest.approx(100 * d.total, abs=1e-9)
    assert set(parts.index) == {"distance", "income", "internet", "unexplained"}
    rates = access.participation(pack.learners, ["settlement"]).set_index("settlement")["rate"]
    assert d.total == pytest.approx(rates["urban"] - rates["rural"])
    assert pooled.loc["distance", "pp"] > 0  # rural youth live farther away
    for part, r in pooled.iterrows():
        assert r.pp_low <= r.pp <= r.pp_high, part
    assert set(d.references.index) == {"pooled", "pooled_at_rural", "pooled_at_urban", "rural", "urban"}
    again = dec.decompose_urban_rural(pack.learners, held=held, seed=3)
    pd.testing.assert_frame_equal(d.intervals, again.intervals)


def test_counterfactual_is_anchored_on_the_observed_rate(pack):
    from analytics.models import cascade

    model = pm.national_fit(pack)
    args = (model, pack.learners)
    today = cascade.of(pack, "baseline")
    rates = access.participation(pack.learners, ["settlement"]).set_index("settlement")["rate"]
    base = online.counterfactual(*args, today, "closed", draws=20, online=False)  # online study closed
    assert np.allclose(base.by_district["now"], base.by_district["under_scenario"])
    now = online.counterfactual(*args, today, "baseline", draws=50)
    s = now.rates()
    assert s.loc["rural", "now"] == pytest.approx(rates["rural"])  # the observed rate, not a prediction
    assert (now.by_district["change_pp"] >= 0).all()  # an upper bound never lowers participation
    assert (s["under_scenario_low"] <= s["under_scenario"]).all() and (s["under_scenario"] <= s["under_scenario_high"]).all()
    assert now.capable_share == today.share("afford")  # the cascade's own number, not a second one
    better = online.counterfactual(*args, cascade.of(pack, "4g_expansion"), "4g_expansion", draws=20)
    assert better.capable_share > now.capable_share
    assert better.rates().loc["rural", "under_scenario"] > s.loc["rural", "under_scenario"]
    # 6 hours a week at the content mix's 0.7083 Mbps (down and up): 6 x 52/12 x 0.45 x 0.7083 = 8.287 GB a month
    assert online.monthly_course_gb() == pytest.approx(8.287, abs=1e-3)


@pytest.mark.parametrize("need", ["hours_per_week", "content_mbps", "affordability_share", "within_fifth_log_sd"])
def test_no_knife_edge_a_one_percent_nudge_moves_the_result_a_little(pack, need):
    """Nudging any threshold by 1 % moves national rural and urban participation by less than 0.05 pp."""
    import dataclasses

    from analytics.models import cascade
    from analytics.models.affordability import StudyNeeds

    model = pm.national_fit(pack)
    base = online.counterfactual(model, pack.learners, cascade.of(pack), draws=2).rates()
    for factor in (0.99, 1.01):
        nudged = dataclasses.replace(StudyNeeds(), **{need: getattr(StudyNeeds(), need) * factor})
        moved = online.counterfactual(model, pack.learners, cascade.of(pack, needs=nudged), draws=2).rates()
        assert (100 * (moved["under_scenario"] - base["under_scenario"]).abs() < 0.05).all()


def test_affordability_is_a_smooth_probability():
    from analytics.models.affordability import share_above

    # log-normal with mean 100 and log-sd 0.25: the median is 100 exp(-0.03125) = 96.92, so half lies above it
    assert share_above(100 * np.exp(-0.25 ** 2 / 2), 100.0, 0.25) == pytest.approx(0.5)
    shares = share_above(np.linspace(50, 150, 101), 100.0, 0.25)
    assert (np.diff(shares) < 0).all() and (np.abs(np.diff(shares)) < 0.03).all()


@pytest.mark.parametrize("region", ["all", "TJ-DU", "TJ-GB"])
def test_every_step_runs_in_process(pack, region):
    """The notebook's steps called as the notebook calls them (the notebook itself: test_access_pages)."""
    from analytics.access import panels as ap
    from analytics.report.record import key_reading

    gaps = ap.gap_panel(pack, region)
    far = ap.distance_panel(pack, region, grid_km=5.0)
    model = ap.regression_panel(pack, region)
    parts = ap.decomposition_panel(pack, region)
    online = ap.counterfactual_panel(pack, region, fitted=model)
    urban_only = region == "TJ-DU"  # Dushanbe is all urban: no gap to decompose
    assert parts.applies != urban_only
    reading = key_reading(gaps, far, parts, online)
    # GBAO has too few urban people in the sample (effective sample under 30) to split the gap
    assert ("gap_pp" in reading.numbers) == (region == "all")
    for panel in (gaps, far, model, online):
        assert not panel.to_frame().empty
