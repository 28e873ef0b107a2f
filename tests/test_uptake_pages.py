"""The uptake notebook: every region, scenario and language in process; its pages from the session's briefing."""

from __future__ import annotations

import csv
import html
import re

import pytest

from analytics.packs import load_pack

REGIONS = ["all", "TJ-DU", "TJ-SU", "TJ-KT", "TJ-GB", "TJ-RA"]
SCENARIOS = tuple(load_pack("tjk").scenarios)


@pytest.fixture(scope="module")
def grid(pack):
    """The notebook's panels built in this process (1,000 draws): each region under the baseline, the country
    under every scenario, and the country and GBAO in Russian and Tajik. The notebook's own run (GBAO,
    en/ru/tg) is the session's briefing."""
    from analytics.uptake import panels as up

    def page(region, scenario="baseline", language="en"):
        return {"fan": up.fan_panel(pack, region, scenario, 11, 1000, 2027, language),
                "funnel": up.funnel_panel(pack, region, scenario, 11, 1000, 2027, language),
                "calibration": up.calibration_panel(pack, scenario, 11, 1000, 2027, language),
                "cost": up.cost_panel(pack, region, scenario, 11, 1000, 2027, language)}

    out = {**{(r, "baseline", "en"): page(r) for r in REGIONS},
           **{("all", s, "en"): page("all", s) for s in SCENARIOS if s != "baseline"},
           **{(r, "baseline", lang): page(r, language=lang) for r in ("all", "TJ-GB") for lang in ("ru", "tg")}}
    out[("all", "compare", "en")] = {"compare": up.comparison_panel(pack, "all", 11, 1000, 2027, "en")}
    return out


def _text(path) -> str:
    source = path.read_text(encoding="utf-8")
    body = re.sub(r"<script.*?</script>", " ", source[source.find("<body"):], flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def test_every_panel_reads_for_every_region_scenario_and_language(grid, small_run):
    assert len(grid) == len(REGIONS) + len(SCENARIOS) - 1 + 4 + 1
    for key, panels in grid.items():
        said = " ".join(s for p in panels.values() for s in p.reading.sentences)
        assert not re.search(r"\bnan\b|\bNaN\b|\binf\b", said), key
        if "fan" in panels:  # two fans, the funnel, the calibration comparison, the costs
            assert [len(p.figure) if isinstance(p.figure, list) else 1 for p in panels.values()] == [2, 1, 1, 1], key
    folder, outcomes = small_run
    for o in (o for o in outcomes if o.notebook.startswith("03")):
        page = (folder / o.html).read_text(encoding="utf-8")
        # two fans, the access cascade, the funnel, the calibration comparison, the costs
        assert page.count('class="plotly-figure"') == 6, o.job
        assert "uptake-sliders" not in page and "widget-view" not in page  # the sliders are not on the page
        assert not re.search(r"\bnan\b|\bNaN\b|\binf\b", _text(folder / o.html)), o.job


def test_one_number_from_sentence_to_table_and_csv(small_run):
    folder, outcomes = small_run
    country = next(o for o in outcomes if o.notebook.startswith("03") and o.language == "en"
                   and o.parameters.get("region") == "TJ-GB")
    numbers = country.results["numbers"]
    completed, low, high = numbers["completed"], numbers["completed_low"], numbers["completed_high"]
    assert f"about {completed:,.0f} of them (band {low:,.0f}–{high:,.0f}) would complete a course" in _text(
        folder / country.html)
    # the CSV of the funnel holds the unrounded band the sentence rounds to two significant figures
    rows = {r["stage"]: r for r in csv.DictReader(
        (folder / "tables" / "03_uptake_scenarios_TJ-GB__funnel.csv").open(encoding="utf-8-sig"))}
    assert float(f"{float(rows['completed']['p50']):.2g}") == completed
    assert float(f"{float(rows['completed']['p10']):.2g}") == low
    # the district-year CSV adds up to the same national path (medians of sums differ from sums of
    # medians, so the check is on the means)
    bands = list(csv.DictReader((folder / "tables" / "03_uptake_scenarios_TJ-GB__uptake_bands.csv").open(
        encoding="utf-8-sig")))
    assert {r["stage"] for r in bands} == {"enrolled", "active", "completed", "certified"}
    assert len({r["district_code"] for r in bands}) == 7  # GBAO's districts


def test_regions_are_parts_of_the_country(grid):
    by_region = {r: grid[(r, "baseline", "en")]["fan"].reading.numbers["completed"] for r in REGIONS}
    assert all(by_region[r] < by_region["all"] for r in REGIONS[1:])
    assert sum(by_region[r] for r in REGIONS[1:]) == pytest.approx(by_region["all"], rel=0.1)  # medians, rounded


def test_russian_and_tajik_pages_say_modelled_in_their_own_words(small_run, grid):
    for (region, _, language), panels in grid.items():
        if language in ("ru", "tg"):
            said = " ".join(s for p in panels.values() for s in p.reading.sentences)
            assert ("По модельной оценке" if language == "ru" else "Тибқи арзёбии моделӣ") in said, region
            assert "Modelled" not in said and "{" not in said
    folder, outcomes = small_run
    for o in outcomes:
        if o.notebook.startswith("03") and o.language in ("ru", "tg"):
            text = _text(folder / o.html)
            assert ("По модельной оценке" if o.language == "ru" else "Тибқи арзёбии моделӣ") in text
            assert "Modelled" not in text and "{" not in text
            assert re.search(r"\d \d{3}", text)  # thousands grouped with a space, as the locale writes them


def test_the_sliders_follow_the_widget_bar_in_a_live_kernel():
    """Issue 27: notebook 03's slider charts kept the country, English and the baseline after the drop-downs
    chose GBAO, Russian and blended delivery. In a live kernel, the notebook's cells run, then the widget bar's
    redraw: the sliders are made anew in Russian, their charts name GBAO in Russian, and the offline-reach
    slider is open only because blended delivery is on (the baseline's is closed, with a note saying why)."""
    from jupyter_client.manager import start_new_kernel

    from analytics.core import i18n

    from . import inprocess

    code = [source for _, source in inprocess.cells("03_uptake_scenarios")]
    code[0] = code[0].replace("n_draws: int = 10000", "n_draws: int = 300")
    assert "n_draws: int = 300" in code[0]
    probe = ("import warnings\nimport ipywidgets as w\nfrom analytics.report import session\n"
             "with warnings.catch_warnings():\n    warnings.simplefilter('ignore')\n"
             "    s = [x for x in w.Widget.widgets.values() if isinstance(x, w.FloatSlider)][-4:]\n"
             "    shown = {id(b.children[0]): b.children[1].value for b in w.Widget.widgets.values()\n"
             "             if isinstance(b, w.HBox) and len(b.children) == 2 and isinstance(b.children[0], w.FloatSlider)}\n"
             "print([x.tooltip for x in s], [(x.readout, shown[id(x)]) for x in s], s[2].disabled)")
    # each slider's name (shown above it), and its value beside it in the reader's numbers (the widget's own
    # readout, off, wrote "0.35" in every language)
    km, kc = start_new_kernel(kernel_name="analytics")
    try:
        def run(source: str) -> list:
            said = []
            reply = kc.execute_interactive(source, timeout=300, output_hook=lambda m: said.append(m))
            assert reply["content"]["status"] == "ok", source[:200]
            return said

        for source in code:
            run(source)
        before = "".join(m["content"]["text"] for m in run(probe) if m["msg_type"] == "stream" and m["content"]["name"] == "stdout")
        en = i18n.package_catalog("en")
        assert en["uptake.lever_market_share"] in before and before.rstrip().endswith("True"), before
        updates = run("session.redraw({'region': 'TJ-GB', 'language': 'ru', 'scenario': 'blended_tv_offline'}, "
                      "globals())")
        after = "".join(m["content"]["text"] for m in run(probe) if m["msg_type"] == "stream" and m["content"]["name"] == "stdout")
        ru = i18n.package_catalog("ru")
        assert ru["uptake.lever_market_share"] in after and after.rstrip().endswith("False"), after
        assert re.search(r"\(False, '0\.\d\d'\)", before) and not re.search(r"\(True|\d\.\d", after), (before, after)
        assert re.search(r"\(False, '0,\d\d'\)", after), after  # "0,35" in Russian
        charts = [m["content"]["data"]["application/vnd.plotly.v1+json"] for m in updates
                  if m["msg_type"] == "update_display_data"
                  and m["content"]["transient"]["display_id"].startswith("analytics.uptake.sliders.sliders")
                  and "application/vnd.plotly.v1+json" in m["content"]["data"]]
        assert len(charts) == 3, len(charts)
        titles = [str(c["layout"]["meta"]["title"]) for c in charts]  # shown as text above each chart
        assert all("ГБАО" in t for t in titles), titles
    finally:
        km.shutdown_kernel(now=True)


def test_the_widget_bar_speaks_the_language_it_switches_to():
    """Specialist's pass (issue 27): after the language drop-down chose Russian or Tajik, the bar itself stayed
    English ("region / whole country / Dushanbe …"). In a live kernel running notebook 00, choosing Russian in the
    bar names every drop-down and its options in Russian and keeps the values chosen."""
    from jupyter_client.manager import start_new_kernel

    from analytics.core import i18n

    from . import inprocess

    probe = ("import warnings\nimport ipywidgets as w\n"
             "with warnings.catch_warnings():\n    warnings.simplefilter('ignore')\n"
             "    boxes = {x.description: x for x in w.Widget.widgets.values() if isinstance(x, w.Dropdown)}\n")
    show = "print(repr(sorted((b.description, b.value, [label for label, _ in b.options][:2]) for b in boxes.values())))"
    km, kc = start_new_kernel(kernel_name="analytics")
    try:
        def run(source: str) -> str:
            said = []
            reply = kc.execute_interactive(source, timeout=300, output_hook=lambda m: said.append(m))
            assert reply["content"]["status"] == "ok", (source[:200], said)
            return "".join(m["content"].get("text", "") for m in said if m["msg_type"] == "stream")

        for _, source in inprocess.cells("00_country_profile"):
            run(source)
        en, ru = i18n.package_catalog("en"), i18n.package_catalog("ru")
        before = run(probe + show)
        assert f"'{en['param.region']}', 'all', ['{en['index.national']}'" in before, before
        run(probe + f"boxes['{en['param.region']}'].value = 'TJ-GB'\nboxes['{en['param.language']}'].value = 'ru'")
        after = run(probe + show)
        assert f"'{ru['param.region']}', 'TJ-GB', ['{ru['index.national']}'" in after, after  # value kept
        assert f"'{ru['param.language']}', 'ru'" in after and en["param.region"] not in after, after
    finally:
        km.shutdown_kernel(now=True)
