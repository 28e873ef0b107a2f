"""notebooks/00_country_profile executed by papermill, published, and opened offline in Chromium."""

from __future__ import annotations

import json
import re

import pytest

from analytics.run.runner import run_notebook


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """``analytics run``'s path: one notebook published as a one-job run (the national profile)."""
    return {"all": run_notebook("00_country_profile", {}, outputs=tmp_path_factory.mktemp("outputs"))}


def test_notebook_runs_and_publishes_a_run_folder(runs):
    region = "all"
    folder, result = runs[region]
    assert result.status == "ok", result.error
    assert result.parameters["region"] == region
    assert {"00_country_profile.html", "index.html", "briefing-en.html", "manifest.json"} <= {
        p.name for p in folder.iterdir()}
    assert (folder / "notebooks" / "00_country_profile.ipynb").exists()
    assert (folder / "tables" / "00_country_profile__key_facts.csv").exists()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["status"] == "ok"
    assert manifest["jobs"][0]["parameters"]["region"] == region
    assert any(k.endswith("derived/districts.geojson") for k in manifest["inputs"])
    assert manifest["packages"]["papermill"] != "not installed"
    # the page carries the numbers the notebook computed: latest internet use (36.1 % in 2022, WDI)
    assert "36.1% of people in Tajikistan used the internet in 2022" in (folder / "00_country_profile.html").read_text()


def test_page_has_no_code_and_no_network_reference(runs):
    html = (runs["all"][0] / "00_country_profile.html").read_text()
    content = html.split("<script>")[0]  # all but the inlined scripts (plotly.js names its CDN)
    assert "load_pack" not in content and "import " not in content
    assert "cdn." not in content.lower() and 'src="http' not in html
    assert html.count("<script>") == 3  # geo assets, plotly.js once, the drawing script
    assert html.count("<script src") == 0


@pytest.mark.browser
@pytest.mark.parametrize("region,districts", [("all", 59), ("TJ-GB", 7)])
def test_map_draws_offline_in_chromium(small_run, offline_page, region, districts):
    page = offline_page(small_run[0] / f"00_country_profile_{region}_en.html")
    page.wait_for_figures(6)  # five indicator charts and the map
    assert page.page.locator(".main-svg").count() >= 6
    drawn = page.page.evaluate(
        "[...document.querySelectorAll('path.choroplethlocation')]"
        ".filter(p => (p.getAttribute('d') || '').length > 10).length")
    assert drawn == districts
    # every district is filled with its own colour, not one flood of colour over the view
    fills = page.page.evaluate(
        "new Set([...document.querySelectorAll('path.choroplethlocation')].map(p => getComputedStyle(p).fill)).size")
    assert fills > 1
    assert page.requests == [], page.requests
    assert page.errors == [], page.errors


def test_a_measured_replacement_flows_into_the_data_status(tmp_path, monkeypatch):
    """A ministry drops its own district population, same schema, marked measured."""
    import shutil

    from .conftest import PACK

    data = tmp_path / "data"
    shutil.copytree(PACK, data / "tjk")
    meta = data / "tjk" / "pack.yaml"
    text = meta.read_text()
    start = text.index("  population:\n")
    block = text[start:text.index("\n\n", start)]
    meta.write_text(text.replace(block, block.replace("status: modelled", "status: measured", 1)))
    monkeypatch.setenv("ANALYTICS_DATA", str(data))
    folder, result = run_notebook("00_country_profile", {}, outputs=tmp_path / "outputs")
    assert result.status == "ok", result.error
    status = {t["table"]: t["status"] for t in result.results["inputs"]}
    assert status["population"] == "measured"
    assert result.results["modelled"] == []
    html = (folder / "00_country_profile.html").read_text()
    assert "All inputs on this page are measured" in html
    assert "(modelled)" not in html.split("<script>")[0]


def test_modelled_population_is_flagged_on_the_page(runs):
    folder, result = runs["all"]
    assert result.results["modelled"] == ["population"]
    html = (folder / "00_country_profile.html").read_text().split("<script>")[0]
    assert "This page uses modelled data: population" in html
    titles = re.findall(r'<p class="chart-title">(.*?)</p>', (folder / "00_country_profile.html").read_text())
    assert any(t.endswith("(modelled)") for t in titles), titles  # the map's title, set above the chart
