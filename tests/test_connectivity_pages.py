"""The connectivity notebook through the runner: every region, every content profile, each language."""

from __future__ import annotations

import csv

import pytest

from analytics.models.content_profiles import PROFILES

from .conftest import run_briefings

REGIONS = ["all", "TJ-DU", "TJ-SU", "TJ-KT", "TJ-GB", "TJ-RA"]


@pytest.fixture(scope="module")
def connectivity_run(tmp_path_factory):
    """The notebook for each region (360p video) and for the country in every profile, in English;
    and the country and GBAO in Russian and Tajik."""
    tmp = tmp_path_factory.mktemp("connectivity")
    runs = {"en": {"languages": ["en"], "jobs": [
                {"notebook": "02_connectivity", "grid": {"region": REGIONS}},
                {"notebook": "02_connectivity", "grid": {"content_profile": [p for p in PROFILES if p != "video_360p"]}}]},
            "ru-tg": {"languages": ["ru", "tg"], "jobs": [
                {"notebook": "02_connectivity", "grid": {"region": ["all", "TJ-GB"]}, "parameters": {"speed_uplift": 2.0}}]}}
    return run_briefings(tmp, "Connectivity", runs)


def test_the_notebook_runs_for_every_region_profile_and_language(connectivity_run):
    assert len(connectivity_run) == len(REGIONS) + len(PROFILES) - 1 + 4
    bad = [(o.job, o.error) for _, o in connectivity_run if o.status != "ok"]
    assert bad == []
    for folder, o in connectivity_run:
        page = (folder / o.html).read_text(encoding="utf-8")
        assert page.count('class="plotly-figure"') == 3, o.job  # map, cost bars, network bars


def test_one_number_from_sentence_to_csv(connectivity_run):
    folder, country = next((f, o) for f, o in connectivity_run if o.parameters["region"] == "all" and o.language == "en"
                   and o.parameters["content_profile"] == "video_360p")
    index = country.results["numbers"]["readiness_score"]
    assert f"readiness index {index:.0f} of 100" in " ".join(country.results["sentences"] + [
        (folder / country.html).read_text(encoding="utf-8")])
    # the index recomputed from the published CSV of shares by district × settlement × profile
    table = folder / "tables" / "02_connectivity_all__readiness.csv"
    rows = list(csv.DictReader(table.open(encoding="utf-8-sig")))
    weights = {"text_lms": 0.5, "video_360p": 0.3, "live_group_video": 0.2}
    total = {p: [0.0, 0.0] for p in weights}
    for r in rows:
        if r["profile"] in weights:
            total[r["profile"]][0] += float(r["population"]) * float(r["capable_share"])
            total[r["profile"]][1] += float(r["population"])
    assert index == pytest.approx(100 * sum(w * total[p][0] / total[p][1] for p, w in weights.items()), abs=1e-6)


def test_a_faster_network_reads_as_modelled_in_russian(connectivity_run):
    folder, ru = next((f, o) for f, o in connectivity_run if o.language == "ru" and o.parameters["region"] == "all")
    outcomes = [o for _, o in connectivity_run]
    text = (folder / ru.html).read_text(encoding="utf-8")
    assert "Модельные данные" in text
    assert ru.results["numbers"]["readiness_score"] > next(
        o for o in outcomes if o.language == "en" and o.parameters["region"] == "all"
        and o.parameters["content_profile"] == "video_360p").results["numbers"]["readiness_score"]


def test_the_network_section_gives_lms_load_and_learners_per_circuit(connectivity_run):
    folder, country = next((f, o) for f, o in connectivity_run if o.parameters["region"] == "all" and o.language == "en"
                           and o.parameters["content_profile"] == "video_360p")
    page = (folder / country.html).read_text(encoding="utf-8")
    lms = country.results["numbers"]["peak_lms_gbps"]
    assert f"serve {lms:.2f} Gbps of pages and recorded media" in page
    # 1 Gbps ÷ (5 Mbps × 10 % online) = 2,000 enrolled learners of 720p video per circuit
    assert "2,000" in page.split("Enrolled learners one 1 Gbps circuit carries")[1]
    rows = list(csv.DictReader((folder / "tables" / "02_connectivity_all__network_load.csv").open(encoding="utf-8-sig")))
    assert {r["link"] for r in rows} == {"national", "international", "lms"}
    assert float(next(r for r in rows if r["link"] == "lms")["peak_gbps"]) == pytest.approx(lms)
