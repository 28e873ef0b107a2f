"""A small briefing opened page by page in headless Chromium with every network request blocked."""

from __future__ import annotations

import hashlib
import json
import re

import pandas as pd
import pytest

from analytics.core import i18n, paths

from . import printed
from .conftest import PACK

pytestmark = pytest.mark.browser

PHONE = 390  # CSS px: a phone held upright

DRAWN = ("[...document.querySelectorAll('.plotly-figure')]"
         ".filter(f => f.querySelector('.main-svg')).length")


def test_every_page_draws_every_figure_offline_and_speaks_its_language(small_run, offline_page):
    """Each page opened once on a phone's width: every figure drawn, no request, no error, nothing scrolls
    sideways; Russian and Tajik pages (and the text inside their charts) carry no English catalog phrase.
    (Indexes, books and methods pages are checked on a phone in test_reader_pages.)"""
    folder, outcomes = small_run
    phrases = _english_catalog_phrases()
    assert len(phrases) > 20
    previous = None
    for o in outcomes:
        page = offline_page(folder / o.html, width=PHONE)
        page.wait_for_figures(o.n_figures)
        assert page.page.evaluate(DRAWN) == o.n_figures == page.page.locator(".plotly-figure").count()
        width = page.page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE, (o.html, width)
        if o.language != "en":
            visible = page.page.inner_text("body") + "\n" + "\n".join(
                page.page.evaluate("[...document.querySelectorAll('svg text')].map(t => t.textContent)"))
            assert [p for p in phrases if p in visible] == [], o.html
        if previous:  # a page's requests and errors are read once the next page has loaded and been read
            _no_request_or_error(*previous)
        previous = (o, page)
    previous[1].page.wait_for_timeout(500)
    _no_request_or_error(*previous)


def _no_request_or_error(o, page) -> None:
    """Assert that ``page`` (the page of job ``o``) asked for nothing and logged no error; then close it."""
    assert page.requests == [], (o.html, page.requests)
    assert page.errors == [], (o.html, page.errors)
    page.close()


def test_each_page_embeds_plotly_js_once(small_run):
    from analytics.publish.bundle import partial_js
    from analytics.publish.export import plotly_js
    from analytics.report.figures import geo_assets_js

    head = partial_js()[:300]  # the suite's partial bundle: every figure here is of a bundled type
    folder, outcomes = small_run
    for o in outcomes:
        html = (folder / o.html).read_text()
        assert html.count("<script src") == 0
        assert html.count(head) == 1  # the plotly.js bundle, once, whatever the number of figures
        assert plotly_js()[:300] not in html  # not the full 4.8 MB one
        assert html.count(geo_assets_js()) == 1
        assert html.count("<script>") == 3  # geo assets, plotly.js, drawing script


def test_briefing_books_draw_every_chart_as_it_scrolls_into_view(small_run, offline_page):
    from analytics.publish.bundle import partial_js

    folder, outcomes = small_run
    for lang in ("en", "ru"):
        expected = sum(o.n_figures for o in outcomes if o.language == lang)
        html = (folder / f"briefing-{lang}.html").read_text()
        assert html.count("<script>") == 3  # plotly.js once for the whole book
        assert html.count(partial_js()[:300]) == 1
        page = offline_page(folder / f"briefing-{lang}.html")
        page.wait_for_figures(1)  # the first chart draws at once
        assert page.page.evaluate(DRAWN) < expected  # the rest wait until scrolled to
        n = page.page.locator(".plotly-figure").count()
        for k in range(n):
            page.page.locator(".plotly-figure").nth(k).scroll_into_view_if_needed()
            page.wait_until(f"!!document.querySelectorAll('.plotly-figure')[{k}].querySelector('.main-svg')")
        assert page.page.evaluate(DRAWN) == expected == n
        assert page.requests == [] and page.errors == []


def test_index_pages_link_every_page_and_lead_with_the_five_answers(small_run, offline_page, tmp_path):
    folder, outcomes = small_run
    page = offline_page(folder / "index.html")
    links = page.page.evaluate("[...document.querySelectorAll('a')].map(a => a.getAttribute('href'))")
    assert {o.html for o in outcomes if o.language == "en"} <= set(links)  # the grid of topic × area links every page
    assert {"index-ru.html", "briefing-en.html", "tables/tables-en.xlsx"} <= set(links)
    # no sentence twice (the brief at the top names each question as its link to the answer: not counted)
    page.page.evaluate("document.querySelectorAll('section.glance li > a').forEach(a => a.style.display = 'none')")
    text = page.page.inner_text("body")
    page.page.evaluate("document.querySelectorAll('section.glance li > a').forEach(a => a.style.display = '')")
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text) if len(s) > 40]
    assert len(sentences) == len(set(sentences)), [s for s in sentences if sentences.count(s) > 1]
    # the table of areas: GBAO's census population (0.23 million), linked to its profile page
    gbao = page.page.evaluate("""[...document.querySelectorAll('table.areas tr')]
        .filter(tr => tr.textContent.includes('Gorno-Badakhshan'))
        .map(tr => [...tr.querySelectorAll('a')].map(a => [a.textContent, a.getAttribute('href')]))[0]""")
    assert ["227,200", "00_country_profile_TJ-GB_en.html"] in gbao
    # every column of numbers says its evidence grade in a word, once (the full wording, repeated in each header,
    # made the header row 300 px tall on a phone; "modelled" was said twice in one)
    heads = page.page.evaluate("[...document.querySelectorAll('table.areas thead th')].slice(1).map(t => t.textContent)")
    words = ("published", "measured", "assumption", "modelled")
    assert heads and all(sum(t.lower().count(w) for w in words) == 1 for t in heads), heads
    shot = folder / "index.png"
    page.page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    assert page.requests == [] and page.errors == []


#: Each answer: its section, and its line in "The answers in brief" at the top (the link to the section, the verdict
#: and the verdict's own grade).
ANSWER_JS = """[...document.querySelectorAll('section.answer')].map(s => ({
    brief: [...document.querySelectorAll('section.glance li')].find(l => l.querySelector('a').getAttribute('href')
                                                                         === '#' + s.id),
    s: s})).map(({brief, s}) => ({
    question: s.querySelector('h3').textContent, text: s.querySelector('.answer-text').textContent,
    brief_question: brief ? brief.querySelector('a').textContent : '',
    verdict: brief ? brief.querySelector('.verdict').textContent : '',
    verdict_grade: brief ? brief.querySelector('.verdict-grade').textContent : '',
    grade: (s.querySelector('dd.grade') || {}).textContent || '', number: (s.querySelector('dd.number') || {}).textContent || '',
    driver: (s.querySelector('p.driver') || {}).textContent || '',
    href: (s.querySelector('p.see a') || {href: ''}).getAttribute('href')}))"""


@pytest.mark.parametrize("lang", ["en", "ru", "tg"])
def test_the_index_answers_the_five_questions_with_a_grade_and_the_pages_number(small_run, offline_page, pack, lang):
    """Each of the five questions has an answer and its evidence grade in words; a modelled answer's number is
    the one its page and its CSV hold; nothing from the demonstration sample reaches the index."""
    folder, outcomes = small_run
    tx = pack.texts(lang)
    index = offline_page(folder / ("index.html" if lang == "en" else f"index-{lang}.html"))
    found = index.page.evaluate(ANSWER_JS)
    assert [a["question"] for a in found] == [a["brief_question"] for a in found] == [tx(f"question.q{i}")
                                                                                     for i in range(1, 6)]
    grades = {tx(f"grade.{g}"): g for g in ("published", "measured", "assumption", "modelled", "demonstration")}
    # the pilot's own answers say when and by whom, beside the grade (the reader: "published" read as current)
    grades[tx("grade.published_pilot", when=tx("pilot.when"))] = "published"
    assert all(a["grade"] in grades and grades[a["grade"]] != "demonstration" for a in found)
    assert [grades[a["grade"]] for a in found] == ["published", "modelled", "published", "modelled", "modelled"]
    assert found[0]["grade"] == found[2]["grade"] == tx("grade.published_pilot", when=tx("pilot.when"))
    manifest = json.loads((folder / "manifest.json").read_text())
    job = {j["job"][:2]: j for j in manifest["jobs"] if j["parameters"]["language"] == lang
           and j["parameters"].get("region", "all") == "all"}

    def csv(nb: str, table: str) -> pd.DataFrame:
        return pd.read_csv(folder / job[nb]["results"]["tables"][table]["csv"], encoding="utf-8-sig")

    # q2: step 5 of the national cascade: people over population of its rows in the CSV, as the connectivity
    # page's cascade table prints it (one decimal)
    c = csv("02", "cascade")
    afford = 100 * c.loc[c["step"] == "afford", "people"].sum() / c.loc[c["step"] == "afford", "population"].sum()
    page02 = (folder / job["02"]["html"]).read_text(encoding="utf-8")
    assert tx.number(afford, 1) in found[1]["number"] and tx.number(afford, 1) in page02
    assert found[1]["href"] == job["02"]["html"]
    # "today's internet" says how recent: the published price of data the share is computed at (the reader asked)
    from analytics.connectivity.panels import levers
    from analytics.report.sentences import price_point_note

    assert found[1]["text"].endswith(price_point_note(pack, tx, levers(pack, "baseline"))[0]), found[1]["text"]
    # q5: the national peak load on the connectivity page and in its network-load CSV
    load = csv("02", "network_load").set_index("link").loc["national", "peak_gbps"]
    assert tx.number(load, 2) in found[4]["number"] and tx.number(load, 2) in page02
    # q4: completers with recognised certificates, in the uptake page's comparison CSV (two significant figures)
    s = csv("03", "scenarios")
    p50 = s[(s["scenario"] == "recognised_certificates") & (s["measure"] == "completed")]["p50"].iloc[0]
    assert found[3]["number"].startswith(tx.number(float(f"{p50:.2g}"), 0, grouping=True))
    assert found[3]["href"] == job["03"]["html"]
    # what would change question 4 most is recognition's own assumed effects (the gap over the baseline comes from
    # them alone), with the ranges of the suite's uncertain inputs (uptake/uncertain.py: ×1.0–1.3, OR 1.1–1.6);
    # the reader found it naming the data budget, which moves both scenarios alike
    assert found[3]["driver"] == tx("uptake.change_q4", market_low=1.0, market_high=1.3, or_low=1.1, or_high=1.6)
    # the pilot's own answers (1 and 3) would change with newer evidence, and say how old theirs is
    assert [found[i]["driver"] for i in (0, 2)] == [
        tx("index.would_change_published", when=tx("pilot.when"), who=tx(f"index.ask.q{i}")) for i in (1, 3)]
    # each answer leads with one line: the pilot's own for 1, 3 and 4 (4: accreditation), the model's for 2
    # (its third of the scale and the same share, whole per cent) and 5 (the network and the LMS by name)
    assert [found[i]["verdict"] for i in (0, 2, 3)] == [tx(f"pilot.verdict.q{i}") for i in (1, 3, 4)]
    # what the grades mean, right under the brief, with when and by whom the pilot was run
    assert f"({tx('pilot.when')})" in index.page.inner_text("section.glance + p.glance-legend")
    # each line in brief says its own grade; question 4's is the pilot's (published) before a modelled number
    pilot = f"({tx('grade.short.published_pilot', year=2015)})"  # the year of the pilot's report (pilot.when)
    assert [a["verdict_grade"] for a in found] == [pilot, f"({tx('grade.short.modelled')})", pilot, pilot,
                                                   f"({tx('grade.short.modelled')})"]
    # the brief's last line leads to the options
    todo = index.page.evaluate("(document.querySelector('section.glance li.todo a') || {}).hash")
    assert todo == "#policy-options" and index.page.locator("#policy-options").count() == 1
    level = "few" if afford < 100 / 3 else "part" if afford <= 200 / 3 else "most"
    assert found[1]["verdict"] == tx(f"conn.verdict_q2_{level}", afford=afford)
    assert tx.number(afford, 0) in found[1]["verdict"]
    assert "TARENA" in found[4]["verdict"] and "Moodle" in found[4]["verdict"]
    # no number of the demonstration sample: the access page's parity index and online-study share stay off
    text = index.page.inner_text("body")
    assert tx("access.location_parity_index") not in text and tx("access.headline_online") not in text
    assert index.requests == [] and index.errors == []


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_options_are_ranked_by_completers_with_their_budget_and_read_on_a_phone(small_run, offline_page, pack,
                                                                                    lang):
    """"What to do": every scenario, the most completers first, with its whole cost over the horizon (the
    uptake page's comparison CSV, two significant figures); on a phone each option is a block that fits."""
    folder, _ = small_run
    tx = pack.texts(lang)
    manifest = json.loads((folder / "manifest.json").read_text())
    job = next(j for j in manifest["jobs"] if j["job"].startswith("03") and j["parameters"]["language"] == lang
               and j["parameters"].get("region", "all") == "all")
    s = pd.read_csv(folder / job["results"]["tables"]["scenarios"]["csv"], encoding="utf-8-sig")
    completed = s[s["measure"] == "completed"].set_index("scenario")["p50"].sort_values(ascending=False)
    index = offline_page(folder / ("index.html" if lang == "en" else f"index-{lang}.html"), width=PHONE)
    rows = index.page.evaluate("[...document.querySelectorAll('table.options tbody tr')].map(r => "
                               "[...r.children].map(c => c.textContent))")
    assert [r[0] for r in rows] == [f"{i}. {tx(f'param.scenario.{n}')}" for i, n in enumerate(completed.index, 1)]
    # side by side on a phone (and on paper): a short table of the same options, completers and cost per completer
    brief = index.page.evaluate("[...document.querySelectorAll('table.options-brief tbody tr')].map(r => "
                                "[...r.children].filter(c => c.offsetParent).map(c => c.textContent))")
    assert [r[0] for r in brief] == [r[0] for r in rows] and {len(r) for r in brief} == {3}, brief
    assert [r[1] for r in brief] == [r[3] for r in rows]  # completers, as in the full table
    total = s[(s["scenario"] == completed.index[0]) & (s["measure"] == "total_usd")]["p50"].iloc[0]
    assert rows[0][-1].startswith(tx.number(float(f"{total:.2g}"), 0, grouping=True))
    # what the numbers favour, in the answers in brief at the top (the reader found the options 8.7 phone screens
    # down): of the options whose costs are all counted (blended delivery: its TV lessons and tutors are in the
    # programme cost; the others add translation, 4G or accreditation), the one with the most completers, named
    # with its number from the CSV; then the one-measure option and the combined one with the measures whose cost
    # is not counted
    # the options side by side inside the brief (the fourth reader: the table was 2,300 px below it), before why
    assert index.page.locator("section.glance li.todo table.options-brief + p.brief-note + span.favoured").count() == 1
    # with its grade in words above it, as every number in the brief has
    grade = index.page.locator("section.glance li.todo > span.verdict-grade:has(+ table.options-brief)")
    assert grade.inner_text() == f"({tx('grade.short.modelled')})"
    favoured = index.page.evaluate("[...document.querySelectorAll('section.glance li.todo ol.favoured li')]"
                                   ".map(li => li.textContent)")
    assert index.page.locator("section.glance span.favoured").inner_text() == tx("index.favoured")
    assert 2 <= len(favoured) <= 3 and index.page.locator("ol.favoured").count() == 1
    blended = completed["blended_tv_offline"]
    assert favoured[0].startswith(f"«{tx('param.scenario.blended_tv_offline')}»" if lang != "en" else
                                  f'"{tx("param.scenario.blended_tv_offline")}"'), favoured[0]
    assert tx.number(float(f"{blended:.2g}"), 0, grouping=True) in favoured[0]
    assert tx("uptake.measure_accreditation") in favoured[1] and tx("param.scenario.combined") in favoured[-1]
    # the 11 years every count is over are said to be a choice (the reader asked where they came from)
    assert tx("uptake.horizon_note", years=11) in index.page.inner_text("ul.options-said")
    assert index.page.evaluate("document.documentElement.scrollWidth") <= PHONE
    # the short table inside the brief is whole on the phone (the fifth reader found its cost column cut by 27 px)
    assert index.page.evaluate("(() => { const t = document.querySelector('section.glance table.options-brief');"
                               " return t.scrollWidth <= t.clientWidth + 1 && t.getBoundingClientRect().right <= innerWidth"
                               " && [...t.querySelectorAll('td')].every(c => c.scrollWidth <= c.clientWidth + 1) })()")
    # the options lead to the page they come from (the reader found no way there but question 4's link)
    assert index.page.locator("#policy-options ~ p.see a").first.get_attribute("href") == job["html"]
    assert index.requests == [] and index.errors == []


def test_the_workbooks_read_me_sends_each_sheet_to_its_own_areas_csv(small_run):
    """The reader's review: the read-me pointed GBAO's data-status sheet at Dushanbe's CSV (the same content,
    written once). Every sheet's CSV is its own area's file, and holds what the sheet holds."""
    import openpyxl

    folder, _ = small_run
    book = openpyxl.load_workbook(folder / "tables" / "tables-en.xlsx", read_only=True)
    rows = list(book[book.sheetnames[0]].iter_rows(values_only=True))[1:]
    assert len(rows) > 10
    for sheet, _page, _table, _units, _modelled, csv in rows:
        area = sheet.rsplit(" – ", 1)[1].split(" (")[0]  # "Access cascade – TJK (2)": a second page's sheet
        if area == "TJK":  # the country's page: no region in the file's name
            assert not re.search(r"_TJ-[A-Z]{2}__", csv), (sheet, csv)
        else:
            assert f"_{area}__" in csv, (sheet, csv)
        assert (folder / "tables" / csv).is_file()


def _english_catalog_phrases() -> list[str]:
    """English phrases of the suite's catalog, and of the pack's tables (source, licence and vintage, as
    pack.yaml states them), that the Russian and Tajik locales translate."""
    import yaml

    en, ru, tg = (dict(i18n.package_catalog(lang)) for lang in ("en", "ru", "tg"))  # copies: caches stay
    names = {lang: yaml.safe_load((PACK / "locales" / f"{lang}.yaml").read_text(encoding="utf-8"))
             for lang in ("ru", "tg")}
    for table, info in yaml.safe_load((PACK / "pack.yaml").read_text(encoding="utf-8"))["tables"].items():
        for field in ("source", "licence", "vintage"):
            key = f"{field}.{table}"
            if key in names["ru"] or key in names["tg"]:
                en[key] = str(info[field])
                ru[key], tg[key] = names["ru"].get(key, ""), names["tg"].get(key, "")
    phrases = []
    for key, text in en.items():
        if ru.get(key) == text or tg.get(key) == text:
            continue
        forms = text.values() if isinstance(text, dict) else [text]  # plural forms
        for part in (p for form in forms for p in re.split(r"\{[^}]*\}|\n", form)):
            part = part.strip(" .,:;#()")
            if len(part) >= 12 and " " in part:
                phrases.append(part)
    return phrases


@pytest.mark.parametrize("lang,marker", [("ru", "Пять вопросов"), ("tg", "Панҷ савол")])
def test_russian_and_tajik_indexes_show_no_english_catalog_string(small_run, offline_page, lang, marker):
    folder, _ = small_run
    index = offline_page(folder / f"index-{lang}.html")
    text = index.page.inner_text("body")
    assert marker in text
    assert [p for p in _english_catalog_phrases() if p in text] == []

def test_published_notebooks_name_no_folder_of_this_machine(small_run):
    """Eighth hostile pass: every executed notebook of a run carried the publisher's folders (the hidden reset
    cell's working folder, data and cache folders; papermill's input and output paths) and the whole input
    notebook a second time in its metadata. Now: no path of this machine, no reset cell, file names only."""
    import nbformat

    from .conftest import ROOT

    folder, outcomes = small_run
    books = sorted((folder / "notebooks").glob("*.ipynb"))
    assert len(books) == len({o.job for o in outcomes})
    for path in books:
        text = path.read_text(encoding="utf-8")
        assert str(ROOT) not in text and str(folder.parent) not in text, path.name
        nb = nbformat.reads(text, as_version=4)
        assert not [c for c in nb.cells if "analytics-reset" in c.metadata.get("tags", [])], path.name
        record = nb.metadata["papermill"]
        assert record["output_path"] == path.name and record["input_path"].endswith(".ipynb"), record


def frozen_at(xlsx, sheet: str) -> str | None:
    """The first cell below and right of a worksheet's frozen panes (openpyxl's ``freeze_panes``), read from the
    workbook's XML: the read-only workbook that reads the rest quickly leaves sheet views out."""
    import zipfile

    with zipfile.ZipFile(xlsx) as z:
        book, rels = z.read("xl/workbook.xml").decode(), z.read("xl/_rels/workbook.xml.rels").decode()
        rid = re.search(rf'<sheet [^>]*name="{re.escape(sheet)}"[^>]*r:id="(\w+)"', book).group(1)
        target = re.search(rf'<Relationship [^>]*Id="{rid}"[^>]*Target="([^"]+)"', rels) or \
            re.search(rf'<Relationship [^>]*Target="([^"]+)"[^>]*Id="{rid}"', rels)
        xml = z.read("xl/" + target.group(1).removeprefix("/xl/")).decode()
    pane = re.search(r'<pane [^>]*state="frozen"[^>]*>', xml)
    return re.search(r'topLeftCell="(\w+)"', pane.group(0)).group(1) if pane else None


def test_tables_and_manifest(small_run):
    import openpyxl

    folder, outcomes = small_run
    manifest = json.loads((folder / "manifest.json").read_text())
    # the briefing file lies outside the project (pytest's temporary folder): named by its file name only, as a
    # published manifest names no folder of the machine that made it (one inside the project: relative to it)
    assert manifest["briefing"] == "small.yaml" and str(folder.parent) not in (folder / "manifest.json").read_text()
    assert paths.recorded(paths.project_root() / "briefings" / "tajikistan.yaml") == "briefings/tajikistan.yaml"
    assert {j["job"] for j in manifest["jobs"]} == {o.job for o in outcomes}
    for j in manifest["jobs"]:
        assert j["parameters"].get("region", "all") in ("all", "TJ-GB", "TJ-DU") and j["seconds"] > 0
    assert manifest["git_commit"] and manifest["input_hash"] and manifest["packages"]["plotly"]
    for lang, readme, sources in (("en", "Read me", "Sources"), ("ru", "Описание", "Источники"),
                                  ("tg", "Тавсиф", "Манбаъҳо")):
        book = openpyxl.load_workbook(folder / "tables" / f"tables-{lang}.xlsx", read_only=True)  # no styles: quick
        assert book.sheetnames[0] == readme and book.sheetnames[-1] == sources
        # two tables per country-profile job (key facts, data status); seven per access-gaps job (parity, district
        # rates, regression, distance, decomposition, access cascade, online study), six where the gap is not
        # split: Dushanbe (no rural people), GBAO (too few urban people in the sample); four per connectivity job
        # (access cascade, readiness, affordability, network load); seven per uptake job (bands, access cascade,
        # funnel, scenarios, calibration, costs, what drives the numbers); five per survey job (research
        # questions, languages, rankings, cross-tabulations, employers)
        tables = {"00": 2, "01": 6, "02": 4, "03": 7, "04": 5}
        per_job = sum(tables[o.job[:2]] + (o.job.startswith("01_access_gaps_all")) for o in outcomes
                      if o.language == lang)
        rows = list(book[readme].iter_rows(min_row=2, values_only=True))
        assert len(rows) == per_job  # the read-me lists every page's every table
        assert [r[2] for r in rows if not r[3]] == []  # with its units (the access cascade had none)
        # pages of one area whose table is the same share its sheet: each sheet holds one content, and the access
        # cascade the access, connectivity and uptake pages of the country all show is one sheet, not three
        assert {r[0] for r in rows} == set(book.sheetnames[1:-1])
        content = {}
        for row in rows:
            content.setdefault(row[0], set()).add((folder / "tables" / row[-1]).read_bytes())
        assert all(len(v) == 1 for v in content.values()), [k for k, v in content.items() if len(v) > 1]
        cascade = [r for r in rows if r[-1].endswith("_all__cascade.csv")]
        assert len(cascade) == 3 and len({r[0] for r in cascade}) == 1, cascade
        assert len(book.sheetnames) == 2 + len({(r[0]) for r in rows}) < 2 + per_job
        assert all(len(name) <= 31 for name in book.sheetnames)
        assert frozen_at(folder / "tables" / f"tables-{lang}.xlsx", book.sheetnames[1]) == "A2"
        listed = {row[-1] for row in rows}
        assert listed == {p.name for p in (folder / "tables").glob("*.csv")}  # every CSV, once, named in the read-me
    for csv in (folder / "tables").glob("*.csv"):
        assert csv.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, for Russian-locale Excel
        assert not re.search(r"_(en|ru|tg)__", csv.name)  # one file per table, whatever the language
    # the manifest names each job's tables by their CSV file and its SHA-256, and holds none of their data
    for j, o in zip(sorted(manifest["jobs"], key=lambda j: j["job"]), sorted(outcomes, key=lambda o: o.job), strict=True):
        refs = j["results"].get("tables", {})
        assert set(refs) == set(o.results.get("tables", {}))
        for ref in refs.values():
            data = (folder / ref["csv"]).read_bytes().removeprefix(b"\xef\xbb\xbf")
            assert hashlib.sha256(data).hexdigest() == ref["sha256"]
    # batch jobs leave out the cells of live sessions (drop-down bars, sliders)
    for o in outcomes:
        cells = json.loads((folder / o.ipynb).read_text(encoding="utf-8"))["cells"]
        assert not [c for c in cells if "live-only" in c["metadata"].get("tags", [])], o.job
        assert not [c for c in cells if "explore(" in "".join(c["source"])], o.job
    # a published run keeps none of the hidden folders it was assembled with
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == []


def test_the_russian_workbook_names_its_codes_and_counts_whole_people(small_run):
    """The ministry reader found codes (q1, human_capacity, willing_cocreate, development_usd, assumption),
    English vintages and 116.6165 completers in the Russian workbook. Every text cell of every sheet is now a
    word of the reader's language or a proper name (an area code, a table's source), and counts of people
    and dollars are whole numbers; the CSVs keep the codes and exact values."""
    import openpyxl

    folder, _ = small_run
    book = openpyxl.load_workbook(folder / "tables" / "tables-ru.xlsx", read_only=True)
    code = re.compile(r"[a-z]+(_[a-z0-9]+)+|[a-z]{2,}")  # snake_case codes and bare lower-case English words
    allowed = re.compile(r"[A-Z]{2}-[A-Z]{2}(-[A-Z]{3})?|[A-Z]{3}")  # region, district and country codes
    found, whole = set(), {"Население, чел.", "Человек", "Число респондентов"}
    checked = 0
    for ws in book.worksheets[1:-1]:  # the read-me and sources sheets hold file names and citations
        rows = list(ws.iter_rows(values_only=True))
        head = rows[0]
        found |= {(ws.title, "heading", h) for h in head if isinstance(h, str) and code.fullmatch(h)}
        for row in rows[1:]:
            for h, v in zip(head, row, strict=False):
                if isinstance(v, str) and code.fullmatch(v) and not allowed.fullmatch(v):
                    found.add((ws.title, h, v))
                if h in whole and isinstance(v, int | float):
                    assert float(v).is_integer(), (ws.title, h, v)
                    checked += 1
                if h == "Показатель" and isinstance(v, str):  # a long table's measures (enrolled, USD …)
                    assert not code.fullmatch(v), (ws.title, v)
    assert found == set(), sorted(found)[:10]
    assert checked > 100
    # a long table's shares stay shares where its row counts people: the Sobol indices of the completers
    # (the reader found the top driver's 0.305 written as 0)
    drivers = book[next(n for n in book.sheetnames if n.startswith("Факторы неопределённости"))]
    rows = list(drivers.iter_rows(values_only=True))
    shares = [v for r in rows[1:] for v in r if isinstance(v, float) and 0 < v < 1]
    assert shares, rows[:3]
    # the CSV behind the access cascade keeps fractional people (the model's weights)
    cascade = next((folder / "tables").glob("01_access_gaps_all__cascade*.csv"))
    assert not pd.read_csv(cascade)["people"].map(float.is_integer).all()


NBSP = "\u00a0"

#: The page (not the index) of each job in each language.
def _page(outcomes, job):
    return next(o for o in outcomes if o.job == job)


def _hover_point_js(name: str, x: int, y: float) -> str:
    """Viewport position of the point (x, y) of the trace ``name`` in the page's first figure."""
    return f"""(() => {{
      const gd = document.querySelectorAll('.plotly-figure')[0];
      for (const tr of gd._fullData) {{
        const xs = Array.from(tr.x || []), ys = Array.from(tr.y || []), k = xs.indexOf({x});
        if (tr.name === {json.dumps(name)} && k >= 0 && Math.abs(ys[k] - {y}) < 0.05) {{
          const xa = gd._fullLayout[tr.xaxis.replace('x', 'xaxis')], ya = gd._fullLayout[tr.yaxis.replace('y', 'yaxis')];
          const r = gd.getBoundingClientRect();
          return [r.left + xa._offset + xa.l2p(xs[k]), r.top + ya._offset + ya.l2p(ys[k])];
        }}
      }}
      return null;
    }})()"""


@pytest.mark.parametrize("lang,country,text,number", [
    ("en", "Tajikistan", "36.1% of people in Tajikistan used the internet in 2022", "36.1"),
    ("ru", "Таджикистан", f"доля пользователей интернета составила: Таджикистан — 36,1{NBSP}%", "36,1"),
])
def test_numbers_in_the_reader_locale_in_text_tables_and_hover(small_run, offline_page, lang, country, text,
                                                               number):
    folder, outcomes = small_run
    # text: the key fact of the profile page (World Bank WDI: 36.1 % internet users in 2022)
    profile = _page(outcomes, f"00_country_profile_all_{lang}")
    page = offline_page(folder / profile.html)
    page.wait_for_figures(profile.n_figures)
    assert text in page.page.inner_text("body")
    # hover: the country's 2022 point of the internet-use panel
    page.page.locator(".plotly-figure").first.scroll_into_view_if_needed()
    xy = page.page.evaluate(_hover_point_js(country, 2022, 36.1))
    assert xy, "the 2022 point of the country's internet line was not found"
    page.page.mouse.move(*xy)
    page.wait_until("!!document.querySelector('.hoverlayer .hovertext')", 5_000)
    hover = page.page.evaluate("document.querySelector('.hoverlayer').textContent")
    assert number in hover, hover
    # table: the parity table of the access page holds the same numbers as its CSV, written the locale's way
    access = _page(outcomes, f"01_access_gaps_TJ-GB_{lang}")
    page = offline_page(folder / access.html)
    cells = page.page.evaluate("[...document.querySelectorAll('table')[0].querySelectorAll('td')]"
                               ".map(td => td.textContent)")
    tidy = pd.read_csv(folder / "tables" / f"{access.anchor.removesuffix('_' + lang)}__parity.csv",
                       encoding="utf-8-sig")
    gpi = f"{tidy.set_index('index').loc['gender_parity_index', 'parity']:.2f}"
    assert (gpi if lang == "en" else gpi.replace(".", ",")) in cells
    assert not any(re.fullmatch(r"-?\d+\.\d+", c) for c in cells) if lang == "ru" else True


def test_published_tables_are_tidy_and_the_same_in_every_language(small_run):
    folder, outcomes = small_run
    tables = folder / "tables"
    for name in ("parity", "regression", "distance_by_district", "online_by_district"):
        assert (tables / f"01_access_gaps_TJ-GB__{name}.csv").is_file(), name  # one table for en, ru and tg
    for csv in tables.glob("*.csv"):
        df = pd.read_csv(csv, encoding="utf-8-sig")
        assert all(re.fullmatch(r"[a-z][a-z0-9_]*", c) for c in df.columns), (csv.name, list(df.columns))
    reg = pd.read_csv(tables / "01_access_gaps_TJ-GB__regression.csv", encoding="utf-8-sig")
    for col in ("odds_ratio", "odds_ratio_low", "odds_ratio_high", "ame", "ame_low", "ame_high"):
        assert pd.api.types.is_float_dtype(reg[col]), col
    assert (reg["odds_ratio_low"] <= reg["odds_ratio"]).all() and (reg["odds_ratio"] <= reg["odds_ratio_high"]).all()


@pytest.mark.parametrize("lang", ["en", "ru", "tg"])
def test_the_summary_for_a_meeting_prints_on_a_few_a4_pages(small_run, open_tab, lang, pack):
    """summary-<lang>.html: the five answers, the options, the areas table and the limitations; printed to A4 by
    Chromium it takes at most 20 pages, and no table is wider than its box (nothing cut at the right edge)."""
    folder, _ = small_run
    tx = pack.texts(lang)
    page = open_tab(1100, 900)
    page.goto((folder / f"summary-{lang}.html").as_uri())
    page.emulate_media(media="print")
    text = page.inner_text("body")
    assert tx("index.questions") in text and tx("summary.limitations") in text and tx("index.options") in text
    assert page.locator("section.answer").count() == 5
    # its language links open the summary in the other languages, not their indexes (the reader's review)
    others = page.evaluate("[...document.querySelectorAll('nav.page a')].map(a => a.getAttribute('href'))")
    assert sorted(others) == sorted(f"summary-{o}.html" for o in ("en", "ru", "tg") if o != lang), others
    assert printed.too_wide(page) == []  # no table or chart wider than A4 or clipped by its box
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))  # page objects, not the /Pages tree
    assert 1 <= pages <= 20, pages
    empty = printed.pages(pdf)  # the PDF itself, rendered: what the paper shows
    assert len(empty) == pages
    assert not [(i + 1, round(e, 2)) for i, e in enumerate(empty[:-1]) if e > 0.8]  # the last may end short


def test_the_briefing_book_prints_on_a4_with_nothing_cut_and_no_near_empty_page_inside_a_section(small_run, open_tab,
                                                                                                 pack):
    """The whole book in Russian, printed as Chromium prints it (beforeprint draws every chart first): no table or
    chart wider than A4's content box or clipped by its box, and no page more than 80 % empty except the last of
    a section (a page, or the methods that end the book); the sources of a notebook's pages are listed once."""
    folder, _ = small_run
    tx = pack.texts("ru")
    page = open_tab(printed.CONTENT_PX, 900)
    page.goto((folder / "briefing-ru.html").as_uri())
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.wait_for_function("[...document.querySelectorAll('.plotly-figure')].every(f => f.querySelector('svg'))")
    assert printed.too_wide(page) == []
    assert page.locator("article.methods").count() == 1
    assert page.locator(f"text={tx('book.sources_above')}").count() >= 1
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    empty, texts = printed.pages(pdf), printed.page_texts(pdf)
    starts = [bool(re.search(rf"{tx('page.job')}:\s", t)) or tx("methods.title") in t for t in texts]  # a section's 1st page
    near_empty = [i + 1 for i, e in enumerate(empty[:-1]) if e > 0.8 and not starts[i + 1]]
    assert near_empty == [], [(p, round(empty[p - 1], 2), texts[p - 1][:120]) for p in near_empty]


def test_the_print_measures_see_a_table_too_wide_a_clipped_chart_and_a_near_empty_page(open_tab):
    """The measures behind the summary's print test have the power to fail: a table of 40 columns is wider than
    A4's content box, a drawing clipped by its chart's box is found, and a page holding one line before a
    forced break is over 80 % empty (a full page of text is not)."""
    from analytics.publish.chrome import document

    wide = "<table><tr>" + "".join(f"<td>column{i:02d}</td>" for i in range(40)) + "</tr></table>"
    clipped = ('<div class="plotly-figure" style="overflow:hidden;width:300px">'
               '<svg class="main-svg" style="width:900px;max-width:none" height="50"></svg></div>')
    text = "<p>" + " ".join(["words"] * 4000) + "</p>"
    body = f"<h1>One line</h1><div style='break-before:page'>{wide}{clipped}</div>{text}"
    page = open_tab()
    page.set_content(document(body, "t"))
    found = printed.too_wide(page)
    empty = printed.pages(page.pdf(format="A4", prefer_css_page_size=True))
    assert any(f.startswith("document") for f in found) and any(f.startswith("table") for f in found), found
    assert "svg.main-svg wider than its chart" in found
    assert empty[0] > 0.9 and min(empty[1:]) < 0.2
