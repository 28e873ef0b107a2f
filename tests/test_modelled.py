"""Modelled inputs: calibrated to published aggregates, census-exact, reproducible, replaceable.

Reference values come from REFERENCE_FIGURES.md and the census file (see each comment);
they are typed here, not computed by the code under test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.packs import load_pack
from analytics.packs.build import build_pack
from analytics.packs.builders.network import national_mean, national_median
from analytics.packs.builders.pilot_reconstruction import mention_ranking
from analytics.packs.builders.population import summarise

from .conftest import PACK, run_cli

MODELLED = ["institutions", "population", "connectivity", "devices", "plans", "incomes", "learners",
            "pilot_respondents", "pilot_mentions", "employer_survey"]


def test_every_modelled_table_is_labelled_and_valid(pack):
    for name in MODELLED:
        assert pack.info[name].status in ("modelled", "reconstructed from published aggregates"), name
        assert len(pack[name]) > 0


def test_population_sums_to_census_regions_to_the_person(pack):
    # Preliminary 2020 census regional totals, as printed (shared/data/tjk/population).
    census = {"TJ-KT": 3_444_000, "TJ-SU": 2_770_000, "TJ-RA": 2_270_000, "TJ-DU": 948_800, "TJ-GB": 227_200}
    got = pack.population.groupby("region_code")["population"].sum().to_dict()
    assert got == census


def test_districts_keep_their_official_share_of_the_region(pack):
    """District totals: the official 1 January 2020 estimates (raw/population/district_population_2020.csv),
    scaled to the census regional totals: within each region, every district with an official figure has its
    official share to within one person."""
    import pandas as pd

    official = pd.read_csv(PACK / "raw" / "population" / "district_population_2020.csv")
    official["polygon"] = official["district_code"].str.split(":").str[0]
    has = official.groupby("polygon")["population"].apply(lambda v: v.notna().all())
    off = official.groupby("polygon")["population"].sum()
    got = pack.population.groupby("district_code")["population"].sum()
    region = pack.districts.set_index("district_code")["region_code"]
    for r, codes in region.groupby(region).groups.items():
        codes = list(codes)
        full = [c for c in codes if has[c]]  # Khatlon and GBAO have filled units: one common factor for the rest
        factor = got[full].sum() / off[full].sum()
        assert (got[full] - factor * off[full]).abs().max() <= 1, r
        if len(full) == len(codes):  # a region without filled units: the factor is census / official total
            assert factor == pytest.approx(got[codes].sum() / off[codes].sum())
    # the units without a 2020 figure are marked (Bokhtar city lies in the Kushoniyon polygon, TJ-KT-BOK)
    marked = pack.population.groupby("district_code")["district_total"].first()
    assert set(marked[marked == "filled"].index) == {"TJ-GB-SHU", "TJ-KT-QAB", "TJ-KT-VOS", "TJ-KT-BOK"}
    assert set(marked) == {"official", "filled"}
    # Varzob 82,200 and Rudaki 518,200 on 1 January 2020, times the census/estimate ratio of RRS
    # (2,270,000 / 2,165,900 = 1.04806): 86,151 and 543,106
    assert got["TJ-RA-VAR"] == 86_151 and got["TJ-RA-RUD"] == 543_106
    # Khatlon's remainder 3,348,300 - 2,831,900 = 516,400 split 195,100 : 228,200 : 110,800 over Qabodiyon,
    # Vose' and Bokhtar city, then every Khatlon unit times 3,444,000 / 3,348,300
    assert got["TJ-KT-QAB"] == pytest.approx(516_400 * 195_100 / 534_100 * 3_444_000 / 3_348_300, abs=1)


def test_people_live_near_their_places_not_over_the_mountains(pack):
    """Population-weighted mean distance to a university (1 km grid): before, people were spread evenly over
    each district (Vahdat 62 km, Rudaki 33 km); now they live at and near GeoNames' places."""
    from analytics.access import distance

    grid = distance.country_grid(pack.districts, 2.0)
    places, decay = distance.pack_places(pack)
    cells = distance.people_on_grid(grid, pack.population, pack.institutions, pack.districts, places=places,
                                    dispersed_decay_km=decay)
    mean = distance.district_distance(cells).set_index("district_code")["mean_km"]
    assert mean["TJ-RA-VAH"] < 35 and mean["TJ-RA-RUD"] < 20  # Vahdat town is about 20 km from Dushanbe
    assert mean["TJ-GB-MUR"] > 150  # Murghob is far from Khorugh whatever the rule
    old = distance.district_distance(distance.people_on_grid(grid, pack.population, pack.institutions,
                                                             pack.districts)).set_index("district_code")["mean_km"]
    assert mean["TJ-RA-VAH"] < old["TJ-RA-VAH"] - 20
    assert distance.plausibility(pack)["flagged"].sum() == 0


def test_urban_share_is_the_census_share(pack):
    pop = pack.population
    urban = int(pop.loc[pop["settlement"] == "urban", "population"].sum())
    assert urban == 2_528_000  # census: urban 2.528 million
    assert round(100 * urban / pop["population"].sum(), 1) == 26.2  # census: 26.2 % urban


def test_dushanbe_all_urban_and_gbao_khatlon_most_rural(pack):
    regions = summarise(pack.population, ["region_code"]).set_index("region_code")["urban_share"]
    assert regions["TJ-DU"] == 1.0
    assert set(regions.sort_values().index[:2]) == {"TJ-GB", "TJ-KT"}
    assert (pack.population["age_band"].nunique(), pack.population["district_code"].nunique()) == (5, 59)


def test_connectivity_reproduces_ookla_national_means(pack):
    # Ookla Speedtest Global Index, January 2021: mobile 13.08 / 5.8, fixed 33.3 / 33.12 Mbps, reported as
    # averages (REFERENCE_FIGURES): the modelled national mean equals them, and the median is below the mean
    c = pack.connectivity
    assert national_mean(c, "mobile") == pytest.approx(13.08, rel=0.005)
    assert national_mean(c, "mobile", "up") == pytest.approx(5.8, rel=0.005)
    assert national_mean(c, "fixed") == pytest.approx(33.3, rel=0.005)
    assert national_mean(c, "fixed", "up") == pytest.approx(33.12, rel=0.005)
    assert national_median(c, "mobile") < 13.08 * 0.9


def test_connectivity_has_rural_and_mountain_penalties(pack):
    c = pack.connectivity.set_index(["district_code", "settlement"])
    assert c.loc[("TJ-KT-VAK", "rural"), "mobile_down_median_mbps"] < c.loc[("TJ-KT-VAK", "urban"),
                                                                             "mobile_down_median_mbps"]
    worst = pack.connectivity.sort_values("mobile_down_median_mbps").iloc[0]
    assert (worst["region_code"], worst["settlement"]) == ("TJ-GB", "rural")
    assert set(pack.devices["quintile"]) == {1, 2, 3, 4, 5}


def test_mobile_price_per_gb_is_the_published_price(pack):
    # The pack's price point, 2024: US$ 1.65 per GB of mobile data (Asia-Plus, 2025-01-30; REFERENCE_FIGURES).
    mobile = pack.plans[pack.plans["technology"] == "mobile"]
    assert float(np.median(mobile["usd_per_gb"])) == pytest.approx(1.65, rel=0.005)
    fx = pack.plans["local_per_usd"].iloc[0]
    assert np.allclose(pack.plans["price_usd"] * fx, pack.plans["price_local"], atol=0.01)


def test_incomes_average_to_the_stated_mean(pack):
    inc = pack.incomes
    urban = 2_528_000 / 9_660_000
    mean = (urban * inc[inc.settlement == "urban"]["income_local"].mean()
            + (1 - urban) * inc[inc.settlement == "rural"]["income_local"].mean())
    # assumptions.yaml: mean_monthly_income_local 1,500 (2021) × income_growth 1.29 (wages 2021 → 2023) = 1,935
    assert mean == pytest.approx(1500 * 1.29, rel=0.001)


def test_institutions_are_real_and_placed_in_their_districts(pack):
    inst = pack.institutions.set_index("institution_id")
    assert len(inst) >= 25
    assert inst.loc["TNU", "district_code"] == "TJ-DU-DUS"
    assert inst.loc["KHOSU", "region_code"] == "TJ-GB"
    assert inst.loc["KHSU", "region_code"] == "TJ-SU"
    assert inst.loc["BSU", "region_code"] == "TJ-KT"
    assert inst["students"].sum() == 240_000  # assumptions.yaml: national_students
    assert inst["students_part_time"].sum() == 72_000  # 30 % part-time
    assert (inst["students_full_time"] + inst["students_part_time"] == inst["students"]).all()


def test_learner_weights_sum_to_the_population_aged_17_to_34(pack):
    pop = pack.population
    young = pop.loc[pop["age_band"].isin(["17-24", "25-34"]), "population"].sum()
    assert pack.learners["weight"].sum() == pytest.approx(young, abs=1.0)
    assert len(pack.learners) == 6000
    assert pack.learners["weight"].nunique() > 50  # unequal weights, as in a real survey


def test_pilot_survey_reproduces_published_aggregates(pack):
    r = pack.pilot_respondents
    # World Bank blog: 39 % English, 43 % Russian, 17 % Tajik.
    shares = r["course_language"].value_counts(normalize=True)
    assert (round(shares["en"], 2), round(shares["ru"], 2), round(shares["tg"], 2)) == (0.39, 0.43, 0.17)
    m = pack.pilot_mentions
    published = {
        "requirement": ["human capacity", "training materials", "financial resources"],
        "advantage": ["self-learning opportunities", "lifelong professional development",
                      "reducing the urban-rural gap"],
        "disadvantage": ["lack of ICT skills", "low motivation for self-learning",
                         "low quality assurance of content"],
    }
    for question, top3 in published.items():
        assert list(mention_ranking(r, m, question)["item"][:3]) == top3
    assert m.groupby(["respondent_id", "question"]).size().max() <= 3
    teachers = set(r.loc[r.role == "teacher", "respondent_id"])
    assert set(m.loc[m.question == "requirement", "respondent_id"]) <= teachers
    students = r[r.role == "student"]
    assert students["certificate_more_motivated"].astype(bool).mean() > 0.5
    firms = pack.employer_survey
    assert firms["willing_cocreate"].mean() > 0.5 and firms["willing_hire"].mean() > 0.5


def test_rebuild_is_byte_identical_and_seed_changes_only_the_sample(pack_copy, tmp_path):
    build_pack(pack_copy)
    built = [*(PACK / "derived").iterdir(), *(PACK / "modelled").glob("*.csv")]
    for rel in sorted(p.relative_to(PACK) for p in built):
        assert (pack_copy / rel).read_bytes() == (PACK / rel).read_bytes(), rel
    build_pack(pack_copy, overrides={"seed": 7})
    for name in ("population", "connectivity", "plans", "incomes", "institutions", "devices"):
        assert (pack_copy / f"modelled/{name}.csv").read_bytes() == (PACK / f"modelled/{name}.csv").read_bytes()
    assert (pack_copy / "modelled/learners.csv").read_bytes() != (PACK / "modelled/learners.csv").read_bytes()
    reseeded = load_pack(root=pack_copy)
    assert reseeded.learners["weight"].sum() == pytest.approx(load_pack("tjk").learners["weight"].sum(), abs=1.0)


def test_pack_build_command_prints_what_it_wrote(pack_copy):
    proc = run_cli("pack", "build", str(pack_copy), "--only", "plans", "--only", "incomes")
    assert proc.returncode == 0, proc.stderr
    assert "Built 2 tables" in proc.stdout and "modelled/plans.csv" in proc.stdout


@pytest.mark.parametrize("rel,column,value,expected", [
    ("modelled/population.csv", "population", "-3", "below the minimum"),
    ("modelled/connectivity.csv", "cov_4g", "1.4", "above the maximum; expected numbers, between 0 and 1"),
    ("modelled/learners.csv", "district_code", "TJ-KT-XXX", "not found in tjk/derived/districts.geojson"),
])
def test_validation_applies_to_modelled_tables(pack_copy, rel, column, value, expected):
    df = pd.read_csv(pack_copy / rel, dtype=str, keep_default_na=False)
    df.loc[3, column] = value
    df.to_csv(pack_copy / rel, index=False)
    proc = run_cli("validate", str(pack_copy))
    assert proc.returncode == 2
    assert f"tjk/{rel}: column '{column}', row 5" in proc.stderr and expected in proc.stderr
    assert "Traceback" not in proc.stderr


def test_pages_say_district_totals_are_official_and_the_splits_modelled(pack):
    from analytics.profile.panels import map_reading

    said = " ".join(map_reading(pack, pack.texts("en"), pack.districts).sentences)
    assert "District populations are the official district estimates (measured), scaled to the regional totals " \
           "of the 2020 census" in said
    assert "official estimate, 1 January 2020" in pack.info["population"].vintage  # the data-status table's words
    assert pack.info["district_population"].status == "measured"
