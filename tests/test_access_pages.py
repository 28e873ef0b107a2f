"""The access-gaps notebook through papermill for every region and every scenario, read as its reader reads it."""

from __future__ import annotations

import base64
import csv
import html
import json
import re
from pathlib import Path

import numpy as np
import pytest
import yaml

from analytics.packs import load_pack

SCENARIOS = tuple(load_pack("tjk").scenarios)  # the pack's scenarios.yaml
REGIONS = ["all", "TJ-DU", "TJ-SU", "TJ-KT", "TJ-GB", "TJ-RA"]


@pytest.fixture(scope="module")
def every_scenario(tmp_path_factory):
    """One briefing: the notebook for the country and each region under each scenario (English, 5 km grid)."""
    from analytics.run import briefing
    from analytics.run.runner import run_briefing

    tmp = tmp_path_factory.mktemp("scenarios")
    path = tmp / "scenarios.yaml"
    path.write_text(yaml.safe_dump({
        "title": "Every region and scenario", "country": "tjk", "languages": ["en"],
        "jobs": [{"notebook": "01_access_gaps", "grid": {"region": REGIONS, "scenario": list(SCENARIOS)},
                  "parameters": {"grid_km": 5.0}}]}))
    folder, outcomes = run_briefing(briefing.load(path), outputs=tmp / "out", workers=2, quiet=True)
    return folder, outcomes


def page_name(region: str, scenario: str, language: str = "en") -> str:
    return f"01_access_gaps_{region}_{scenario.replace('_', '-')}_{language}"


def visible_text(path: Path) -> str:
    source = path.read_text(encoding="utf-8")
    body = re.sub(r"<script.*?</script>", " ", source[source.find("<body"):], flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def reading_sentences(path: Path) -> list[str]:
    """The sentences of every panel's reading (``<ul class="reading">``)."""
    source = path.read_text(encoding="utf-8")
    lists = re.findall(r'<ul class="reading">(.*?)</ul>', source, flags=re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", s)) for block in lists
            for s in re.findall(r"<li>(.*?)</li>", block, flags=re.S)]


def figures(path: Path) -> list[dict]:
    source = path.read_text(encoding="utf-8")
    return [json.loads(m) for m in re.findall(r'<script type="application/json" data-figure="[^"]+">(.*?)</script>',
                                              source, flags=re.S)]


def values(y) -> list[float]:
    """A plotly array: a list, or a typed array written as base64 (``{"dtype": "f8", "bdata": ...}``)."""
    if isinstance(y, dict):
        return np.frombuffer(base64.b64decode(y["bdata"]), dtype=np.dtype(y["dtype"])).tolist()
    return list(y)


def test_the_notebook_runs_for_every_region_and_every_scenario(every_scenario):
    folder, outcomes = every_scenario
    assert len(outcomes) == len(REGIONS) * len(SCENARIOS)
    assert all(o.status == "ok" for o in outcomes), [o.error for o in outcomes if o.status != "ok"]
    for region in REGIONS:
        now = set()
        for scenario in SCENARIOS:
            text = visible_text(folder / f"{page_name(region, scenario)}.html")
            assert not re.search(r"\bnan\b|\bNaN\b|\binf\b", text), (region, scenario)
            # a sentence never says "lower" (or "lowers") before a negative number
            for sentence in reading_sentences(folder / f"{page_name(region, scenario)}.html"):
                assert not re.search(r"\blowers?\b[^.;]*?[-−]\d", sentence), sentence
            now.add(re.search(r"(\d+\.\d)% now", text).group(1))
        assert len(now) == 1, (region, now)  # "now" is the observed rate whatever the scenario


def test_dushanbe_has_no_urban_rural_section(every_scenario):
    folder, _ = every_scenario
    text = visible_text(folder / f"{page_name('TJ-DU', 'baseline')}.html")
    assert "everyone lives in town" in text
    for absent in ("What the urban–rural gap goes with", "Location parity index", "rural people",
                   "highest in Dushanbe"):
        assert absent not in text, absent
    tables = sorted(p.name for p in (folder / "tables").glob(f"{page_name('TJ-DU', 'baseline')}__*.csv"))
    assert not any("decomposition" in t for t in tables)


def test_rural_participation_now_is_one_number_in_text_table_chart_and_csv(every_scenario):
    folder, _ = every_scenario
    name = page_name("all", "baseline")
    page = folder / f"{name}.html"
    text = visible_text(page)
    in_sentence = re.search(r"of urban and (\d+\.\d)% of rural people", text).group(1)
    row = re.search(r"Location parity index \(rural / urban\)</td>\s*<td[^>]*>([\d.]+)</td>",
                    page.read_text(encoding="utf-8")).group(1)
    cf = next(f for f in figures(page) if any(t.get("name") == "Now" for t in f["data"]))
    bar = next(t for t in cf["data"] if t.get("name") == "Now")
    in_chart = values(bar["y"])[list(bar["x"]).index("Rural")]
    # each distinct table is written once: the parity table does not depend on the scenario
    (parity,) = (folder / "tables").glob("01_access_gaps_all_*__parity.csv")
    with open(parity, encoding="utf-8-sig") as f:
        in_csv = next(r for r in csv.DictReader(f) if r["index"] == "location_parity_index")["disadvantaged"]
    counterfactual = re.search(r"rise from (\d+\.\d)% now", text).group(1)
    assert in_sentence == row == counterfactual == f"{in_chart:.1f}" == f"{100 * float(in_csv):.1f}"


def test_regional_pages_borrow_strength_and_read_the_sign(every_scenario):
    folder, _ = every_scenario
    text = visible_text(folder / f"{page_name('TJ-DU', 'baseline')}.html")
    assert "estimated on the whole country's sample" in text
    assert "They are not evidence about Tajikistan" in text
    for region in REGIONS:
        said = " ".join(reading_sentences(folder / f"{page_name(region, 'baseline')}.html"))
        # the national distance effect is negative with an interval below zero: read as "lower", never as "raises"
        assert "10 km to the nearest university goes with a chance of studying lower by" in said, region


@pytest.mark.parametrize(("language", "location_index"), [("ru", "Индекс паритета по месту жительства"),
                                                          ("tg", "Индекси баробарӣ аз рӯи маҳалли зист")])
def test_dushanbe_in_russian_and_tajik_has_no_nan_and_no_urban_rural_section(small_run, language, location_index):
    folder, _ = small_run
    text = visible_text(folder / f"01_access_gaps_TJ-DU_{language}.html")
    assert not re.search(r"\bnan\b|\bNaN\b", text)
    assert location_index not in text
    assert "‡" in text  # the wealth index rests on fewer than 30 of the poorest fifth: suppressed, marked
