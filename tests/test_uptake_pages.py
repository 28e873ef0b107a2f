"""The uptake notebook through the runner: every region and every scenario, in English, Russian and Tajik."""

from __future__ import annotations

import csv
import html
import re

import pytest

from analytics.packs import load_pack

from .conftest import run_briefings

REGIONS = ["all", "TJ-DU", "TJ-SU", "TJ-KT", "TJ-GB", "TJ-RA"]
SCENARIOS = tuple(load_pack("tjk").scenarios)


@pytest.fixture(scope="module")
def uptake_run(tmp_path_factory):
    """Each region under the baseline and the country under every scenario (English, 1,000 draws);
    the country and GBAO in Russian and Tajik."""
    tmp = tmp_path_factory.mktemp("uptake")
    runs = {"en": {"languages": ["en"], "jobs": [
                {"notebook": "03_uptake_scenarios", "grid": {"region": REGIONS}, "parameters": {"n_draws": 1000}},
                {"notebook": "03_uptake_scenarios", "grid": {"scenario": [s for s in SCENARIOS if s != "baseline"]},
                 "parameters": {"n_draws": 1000}}]},
            "ru-tg": {"languages": ["ru", "tg"], "jobs": [
                {"notebook": "03_uptake_scenarios", "grid": {"region": ["all", "TJ-GB"]},
                 "parameters": {"n_draws": 1000}}]}}
    return run_briefings(tmp, "Uptake", runs)


def _text(path) -> str:
    source = path.read_text(encoding="utf-8")
    body = re.sub(r"<script.*?</script>", " ", source[source.find("<body"):], flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def test_the_notebook_runs_for_every_region_and_scenario(uptake_run):
    assert len(uptake_run) == len(REGIONS) + len(SCENARIOS) - 1 + 4
    assert [(o.job, o.error) for _, o in uptake_run if o.status != "ok"] == []
    for folder, o in uptake_run:
        page = (folder / o.html).read_text(encoding="utf-8")
        # two fans, the funnel, the calibration comparison, the costs; the sliders are not on the page
        assert page.count('class="plotly-figure"') == 5, o.job
        assert "uptake-sliders" not in page and "widget-view" not in page
        assert not re.search(r"\bnan\b|\bNaN\b|\binf\b", _text(folder / o.html)), o.job


def test_one_number_from_sentence_to_table_and_csv(uptake_run):
    folder, country = next((f, o) for f, o in uptake_run if o.parameters["region"] == "all" and o.language == "en"
                           and o.parameters["scenario"] == "baseline")
    numbers = country.results["numbers"]
    completed, low, high = numbers["completed"], numbers["completed_low"], numbers["completed_high"]
    assert f"about {completed:,.0f} of them (band {low:,.0f}–{high:,.0f}) would complete a course" in _text(
        folder / country.html)
    # the CSV of the funnel holds the unrounded band the sentence rounds to two significant figures
    rows = {r["stage"]: r for r in csv.DictReader(
        (folder / "tables" / "03_uptake_scenarios_all__funnel.csv").open(encoding="utf-8-sig"))}
    assert float(f"{float(rows['completed']['p50']):.2g}") == completed
    assert float(f"{float(rows['completed']['p10']):.2g}") == low
    # the district-year CSV adds up to the same national path (medians of sums differ from sums of
    # medians, so the check is on the means)
    bands = list(csv.DictReader((folder / "tables" / "03_uptake_scenarios_all__uptake_bands.csv").open(
        encoding="utf-8-sig")))
    assert {r["stage"] for r in bands} == {"enrolled", "active", "completed", "certified"}
    assert len({r["district_code"] for r in bands}) == 59


def test_regions_are_parts_of_the_country(uptake_run):
    by_region = {o.parameters["region"]: o.results["numbers"]["completed"] for _, o in uptake_run
                 if o.language == "en" and o.parameters["scenario"] == "baseline"}
    assert all(by_region[r] < by_region["all"] for r in REGIONS[1:])
    assert sum(by_region[r] for r in REGIONS[1:]) == pytest.approx(by_region["all"], rel=0.1)  # medians, rounded


def test_russian_and_tajik_pages_say_modelled_in_their_own_words(uptake_run):
    for folder, o in uptake_run:
        if o.language in ("ru", "tg"):
            text = _text(folder / o.html)
            assert ("По модельной оценке" if o.language == "ru" else "Тибқи арзёбии моделӣ") in text
            assert "Modelled" not in text and "{" not in text
            assert re.search(r"\d \d{3}", text)  # thousands grouped with a space, as the locale writes them
