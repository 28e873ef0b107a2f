"""The access-gaps notebook: every panel for every region and scenario built in process, and its pages (from the
session's briefing) read as a reader reads them."""

from __future__ import annotations

import base64
import csv
import html
import json
import re
from pathlib import Path

import numpy as np
import pytest

from analytics.packs import scenarios as scenario_file

from .conftest import PACK

SCENARIOS = tuple(scenario_file.read(PACK))  # the pack's scenarios.yaml (read alone: collecting loads no pack)
REGIONS = ["all", "TJ-DU", "TJ-SU", "TJ-KT", "TJ-GB", "TJ-RA"]


@pytest.fixture(scope="module")
def grid(pack):
    """Every panel of the notebook for the country and each region, the counterfactual under each scenario:
    built in this process (40 replicates, 20 draws, 5 km grid) — the notebook's own run is the session's."""
    from analytics.access import panels as ap

    out = {}
    for region in REGIONS:
        model = ap.regression_panel(pack, region, "17-24", "en")
        out[region] = {"gaps": ap.gap_panel(pack, region, "17-24", 40, "en"),
                       "rates": ap.participation_map(pack, region, "17-24", "en"),
                       "far": ap.distance_panel(pack, region, 5.0, "17-24", "en"), "model": model,
                       "parts": ap.decomposition_panel(pack, region, "17-24", 40, "en"),
                       "online": {s: ap.counterfactual_panel(pack, region, "17-24", s, 20, "en", fitted=model)
                                  for s in SCENARIOS}}
    return out


def sentences_of(panels: dict) -> list[str]:
    return [s for p in panels.values() for s in (sentences_of(p) if isinstance(p, dict) else p.reading.sentences)]


def visible_text(path: Path) -> str:
    source = path.read_text(encoding="utf-8")
    body = re.sub(r"<script.*?</script>", " ", source[source.find("<body"):], flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def figures(path: Path) -> list[dict]:
    source = path.read_text(encoding="utf-8")
    return [json.loads(m) for m in re.findall(r'<script type="application/json" data-figure="[^"]+">(.*?)</script>',
                                              source, flags=re.S)]


def values(y) -> list[float]:
    """A plotly array: a list, or a typed array written as base64 (``{"dtype": "f8", "bdata": ...}``)."""
    if isinstance(y, dict):
        return np.frombuffer(base64.b64decode(y["bdata"]), dtype=np.dtype(y["dtype"])).tolist()
    return list(y)


def test_every_panel_reads_for_every_region_and_every_scenario(grid):
    assert set(grid) == set(REGIONS) and all(set(g["online"]) == set(SCENARIOS) for g in grid.values())
    for region, panels in grid.items():
        said = sentences_of(panels)
        text = " ".join(said)
        assert not re.search(r"\bnan\b|\bNaN\b|\binf\b", text), region
        for sentence in said:  # a sentence never says "lower" (or "lowers") before a negative number
            assert not re.search(r"\blowers?\b[^.;]*?[-−]\d", sentence), sentence
        first = panels["online"]["baseline"].result.rates()["now"]
        for p in panels["online"].values():  # "now" is the observed rate whatever the scenario
            assert p.result.rates()["now"].equals(first), region


def test_dushanbe_has_no_urban_rural_section(small_run, grid):
    assert grid["TJ-DU"]["parts"].applies is False
    folder, _ = small_run
    text = visible_text(folder / "01_access_gaps_TJ-DU_en.html")
    assert "everyone lives in town" in text
    for absent in ("What the urban–rural gap goes with", "Location parity index", "rural people",
                   "highest in Dushanbe"):
        assert absent not in text, absent
    tables = sorted(p.name for p in (folder / "tables").glob("01_access_gaps_TJ-DU__*.csv"))
    assert tables
    assert not any("decomposition" in t for t in tables)


def test_rural_participation_now_is_one_number_in_text_table_chart_and_csv(small_run):
    folder, _ = small_run
    page = folder / "01_access_gaps_all_en.html"
    text = visible_text(page)
    in_sentence = re.search(r"of urban and (\d+\.\d)% of rural people", text).group(1)
    row = re.search(r"Location parity index \(rural / urban\)</td>\s*<td[^>]*>([\d.]+)</td>",
                    page.read_text(encoding="utf-8")).group(1)
    cf = next(f for f in figures(page) if any(t.get("name") == "Now" for t in f["data"]))
    bar = next(t for t in cf["data"] if t.get("name") == "Now")
    in_chart = values(bar["y"])[list(bar["x"]).index("Rural")]
    # each page's table is written once for all its languages
    (parity,) = (folder / "tables").glob("01_access_gaps_all__parity.csv")
    with open(parity, encoding="utf-8-sig") as f:
        in_csv = next(r for r in csv.DictReader(f) if r["index"] == "location_parity_index")["disadvantaged"]
    counterfactual = re.search(r"rise from (\d+\.\d)% now", text).group(1)
    assert in_sentence == row == counterfactual == f"{in_chart:.1f}" == f"{100 * float(in_csv):.1f}"


def test_regional_pages_borrow_strength_and_read_the_sign(small_run, grid):
    folder, _ = small_run
    text = visible_text(folder / "01_access_gaps_TJ-DU_en.html")
    assert "estimated on the whole country's sample" in text
    assert "They are not evidence about Tajikistan" in text
    for region in REGIONS:
        said = " ".join(grid[region]["model"].reading.sentences)
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
