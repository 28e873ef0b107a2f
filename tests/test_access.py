"""Access gaps: parity on a hand-computed fixture, distances against brute force, the model against
the recorded true effects, the decomposition's parts against the total, and notebook 01 for every region."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

from analytics.access import counterfactual as online
from analytics.access import distance
from analytics.access import model as pm
from analytics.access import participation as access
from analytics.packs.builders.learner_sample import haversine_km

from .conftest import PACK


def test_parity_indices_on_a_hand_computed_fixture():
    rows = [  # settlement, sex, quintile, enrolled, weight
        ("urban", "male", 5, True, 3), ("urban", "male", 5, False, 1), ("urban", "female", 1, True, 1),
        ("urban", "female", 1, False, 1), ("rural", "male", 1, True, 1), ("rural", "male", 5, False, 3),
        ("rural", "female", 1, False, 2), ("rural", "female", 5, True, 2)]
    df = pd.DataFrame(rows, columns=["settlement", "sex", "quintile", "enrolled", "weight"]).assign(age_band="17-24")
    par = access.parity_indices(df).set_index("index")
    # by hand: urban (3+1)/6 = 0.6667, rural (1+2)/8 = 0.375 -> LPI 0.5625, gap 29.17 pp
    assert par.loc["location_parity_index", "parity"] == pytest.approx(0.5625)
    assert par.loc["location_parity_index", "gap_pp"] == pytest.approx(100 * (4 / 6 - 3 / 8))
    # men (3+1)/8 = 0.5, women (1+2)/6 = 0.5 -> GPI 1
    assert par.loc["gender_parity_index", "parity"] == pytest.approx(1.0)
    # poorest fifth (1+1)/5 = 0.4, richest (3+2)/9 = 0.5556 -> WPI 0.72
    assert par.loc["wealth_parity_index", "parity"] == pytest.approx(0.4 / (5 / 9))


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
    model = pm.fit(pack.learners)
    for name in pm.COVARIATES:
        row = model.table.loc[name]
        assert row.coef_low <= truth[name] <= row.coef_high, (name, truth[name], row.coef_low, row.coef_high)
    assert np.sign(model.table.loc["distance_per_10km", "ame"]) == -1


def test_decomposition_parts_sum_to_the_total_gap(pack):
    dec = pm.decompose_urban_rural(pack.learners)
    frame = dec.to_frame()
    assert frame["pp"].sum() == pytest.approx(100 * dec.total, abs=1e-9)
    rates = access.participation(pack.learners, ["settlement"]).set_index("settlement")["rate"]
    assert dec.total == pytest.approx(rates["urban"] - rates["rural"])
    assert set(frame["part"]) == {"distance", "income", "internet", "sex composition", "unexplained"}
    assert frame.set_index("part").loc["distance", "pp"] > 0  # rural youth live farther away


def test_counterfactual_scenarios(pack):
    model = pm.fit(pack.learners)
    args = (model, pack.learners, pack.connectivity, pack.plans, pack.incomes)
    base = online.counterfactual(*args, "baseline")
    assert np.allclose(base.by_district["now"], base.by_district["scenario"])
    now = online.counterfactual(*args, "online")
    better = online.counterfactual(*args, "online_4g_cheap_data")
    assert (now.by_district["scenario"] >= now.by_district["now"] - 1e-12).all()
    assert better.capable_share > now.capable_share
    rural = better.by_settlement.set_index("settlement").loc["rural"]
    assert rural["scenario"] > rural["now"]
    # 6 hours a week at 0.25 Mbps: 6 x 52/12 x 0.45 x 0.25 = 2.925 GB a month
    assert online.monthly_course_gb() == pytest.approx(2.925)


@pytest.mark.parametrize("region", ["all", "TJ-DU", "TJ-SU", "TJ-KT", "TJ-GB", "TJ-RA"])
def test_every_step_runs_for_the_country_and_every_region(pack, region):
    """The notebook's steps, called as the notebook calls them (the notebook itself runs in the small briefing)."""
    from analytics.access import panels as ap
    from analytics.report.record import key_reading

    gaps = ap.gap_panel(pack, region)
    far = ap.distance_panel(pack, region, grid_km=5.0)
    model = ap.regression_panel(pack, region)
    parts = ap.decomposition_panel(pack, region)
    online = ap.counterfactual_panel(pack, region, fitted=model)
    figures = [p.figure for p in (ap.participation_map(pack, region), far, parts, online) if p.figure is not None]
    urban_only = region == "TJ-DU"  # Dushanbe is all urban: no gap to decompose
    assert len(figures) == (3 if urban_only else 4)
    reading = key_reading(gaps, far, parts, online)
    assert len(reading.sentences) == 4
    assert ("gap_pp" in reading.numbers) != urban_only
    for panel in (gaps, far, model, online):
        assert not panel.to_frame().empty
