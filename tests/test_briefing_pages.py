"""A small briefing opened page by page in headless Chromium with every network request blocked."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from analytics.core import i18n
from analytics.run import briefing
from analytics.run.runner import run_briefing

pytestmark = pytest.mark.browser

DRAWN = ("[...document.querySelectorAll('.plotly-figure')]"
         ".filter(f => f.querySelector('.main-svg')).length")


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("small")
    path = tmp / "small.yaml"
    path.write_text(yaml.safe_dump({
        "title": {"en": "Small briefing", "ru": "Краткая справка", "tg": "Маълумотномаи мухтасар"},
        "country": "tjk", "languages": ["en", "ru", "tg"],
        "jobs": [{"notebook": "00_country_profile", "grid": {"region": ["all", "TJ-GB"]}},
                 {"notebook": "01_access_gaps", "grid": {"region": ["TJ-GB"]}, "parameters": {"grid_km": 2.0}}]}))
    folder, outcomes = run_briefing(briefing.load(path), outputs=tmp / "out", workers=2, quiet=True)
    assert all(o.status == "ok" for o in outcomes), [o.error for o in outcomes]
    return folder, outcomes


def test_every_page_draws_every_figure_offline(small_run, offline_page):
    folder, outcomes = small_run
    for o in outcomes:
        page = offline_page(folder / o.html)
        page.wait_for_figures(o.n_figures)
        assert page.page.evaluate(DRAWN) == o.n_figures == page.page.locator(".plotly-figure").count()
        assert page.requests == [], (o.html, page.requests)
        assert page.errors == [], (o.html, page.errors)


def test_each_page_embeds_plotly_js_once(small_run):
    from analytics.publish.export import geo_assets_js, plotly_js

    head = plotly_js()[:300]
    folder, outcomes = small_run
    for o in outcomes:
        html = (folder / o.html).read_text()
        assert html.count("<script src") == 0
        assert html.count(head) == 1  # the plotly.js bundle, once, whatever the number of figures
        assert html.count(geo_assets_js()) == 1
        assert html.count("<script>") == 3  # geo assets, plotly.js, drawing script


def test_briefing_books_draw_every_chart_as_it_scrolls_into_view(small_run, offline_page):
    from analytics.publish.export import plotly_js

    folder, outcomes = small_run
    for lang in ("en", "ru"):
        expected = sum(o.n_figures for o in outcomes if o.language == lang)
        html = (folder / f"briefing-{lang}.html").read_text()
        assert html.count("<script>") == 3  # plotly.js once for the whole book
        assert html.count(plotly_js()[:300]) == 1
        page = offline_page(folder / f"briefing-{lang}.html")
        page.wait_for_figures(1)  # the first chart draws at once
        assert page.page.evaluate(DRAWN) < expected  # the rest wait until scrolled to
        n = page.page.locator(".plotly-figure").count()
        for k in range(n):
            page.page.locator(".plotly-figure").nth(k).scroll_into_view_if_needed()
            page.page.wait_for_function(
                f"document.querySelectorAll('.plotly-figure')[{k}].querySelector('.main-svg')", timeout=30_000)
        assert page.page.evaluate(DRAWN) == expected == n
        assert page.requests == [] and page.errors == []


def test_index_pages_link_every_page_and_carry_key_messages(small_run, offline_page, tmp_path):
    folder, outcomes = small_run
    page = offline_page(folder / "index.html")
    links = page.page.evaluate("[...document.querySelectorAll('a')].map(a => a.getAttribute('href'))")
    assert {o.html for o in outcomes if o.language == "en"} <= set(links)
    assert "index-ru.html" in links and "briefing-en.html" in links
    text = page.page.inner_text("body")
    assert "36.1% of people in Tajikistan used the internet in 2022" in text
    assert "Gorno-Badakhshan (GBAO): 0.23 million people" in text
    shot = folder / "index.png"
    page.page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    assert page.requests == [] and page.errors == []


def _english_catalog_phrases() -> list[str]:
    en, ru, tg = (i18n.package_catalog(lang) for lang in ("en", "ru", "tg"))
    phrases = []
    for key, text in en.items():
        if ru.get(key) == text or tg.get(key) == text:
            continue
        for part in re.split(r"\{[^}]*\}|\n", text):
            part = part.strip(" .,:;#()")
            if len(part) >= 12 and " " in part:
                phrases.append(part)
    return phrases


@pytest.mark.parametrize("lang,marker", [("ru", "Основные выводы"), ("tg", "Хулосаҳои асосӣ")])
def test_russian_and_tajik_pages_show_no_english_catalog_string(small_run, offline_page, lang, marker):
    folder, outcomes = small_run
    phrases = _english_catalog_phrases()
    assert len(phrases) > 20
    pages = [o for o in outcomes if o.language == lang]
    for name in [o.html for o in pages] + [f"index-{lang}.html"]:
        page = offline_page(folder / name)
        if not name.startswith("index"):
            page.wait_for_figures(next(o.n_figures for o in pages if o.html == name))
        visible = page.page.inner_text("body") + "\n" + "\n".join(
            page.page.evaluate("[...document.querySelectorAll('svg text')].map(t => t.textContent)"))
        found = [p for p in phrases if p in visible]
        assert found == [], (name, found)
    index = offline_page(folder / f"index-{lang}.html")
    assert marker in index.page.inner_text("body")


def test_tables_and_manifest(small_run):
    import openpyxl

    folder, outcomes = small_run
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["briefing"].endswith("small.yaml")
    assert {j["job"] for j in manifest["jobs"]} == {o.job for o in outcomes}
    for j in manifest["jobs"]:
        assert j["parameters"]["region"] in ("all", "TJ-GB") and j["seconds"] > 0
    assert manifest["git_commit"] and manifest["input_hash"] and manifest["packages"]["plotly"]
    book = openpyxl.load_workbook(folder / "tables" / "small.xlsx", read_only=True)
    assert book.sheetnames[0] == "index" and book.sheetnames[-1] == "sources"
    # two tables per country-profile job (key facts, data status), four per access-gaps job
    per_job = sum(4 if o.job.startswith("01_") else 2 for o in outcomes)
    assert len(book.sheetnames) == 2 + per_job
    assert len(list((folder / "tables").glob("*.csv"))) == per_job
