"""The survey notebook through the runner: each role, three minimum group sizes, three languages; and
disclosure control checked on everything a run publishes (CSV, workbook, page text and chart data)."""

from __future__ import annotations

import csv
import html
import json
import re

import numpy as np
import pytest

from .conftest import run_briefings


@pytest.fixture(scope="module")
def survey_run(tmp_path_factory, small_run):
    """The notebook at the smallest and largest minimum group size (English; 200 bootstrap resamples), and the
    session's run at the default size in en/ru/tg: (run folder, job outcome) of each page."""
    tmp = tmp_path_factory.mktemp("survey")
    runs = {"en": {"languages": ["en"], "jobs": [
        {"notebook": "04_pilot_survey", "grid": {"min_cell_size": [3, 10]}, "parameters": {"n_replicates": 200}}]}}
    folder, outcomes = small_run
    return run_briefings(tmp, "Survey", runs) + [(folder, o) for o in outcomes if o.notebook.startswith("04")]


@pytest.fixture(scope="module")
def roles(pack):
    """Every panel for each role and minimum size, built in this process."""
    from analytics.survey import panels as sp
    from analytics.uptake.runs import peak_studying

    studying = peak_studying(pack, "all", "baseline")
    return {(role, k): [sp.questions_panel(pack, role, k, studying, "en"), sp.language_panel(pack, role, k, "en"),
                        sp.rankings_panel(pack, role, k, 100, "en"), sp.crosstab_panel(pack, role, k, "en"),
                        sp.employers_panel(pack, k, "en")]
            for role in ("all", "teacher", "student") for k in (3, 5, 10)}


def test_the_notebook_runs_for_each_role_and_minimum_size(survey_run, roles):
    assert len(survey_run) == 2 + 3
    assert [(o.job, o.error) for _, o in survey_run if o.status != "ok"] == []
    for (role, k), panels in roles.items():
        said = " ".join(s for p in panels for s in p.reading.sentences)
        assert not re.search(r"\bnan\b", said) and "{" not in said, (role, k)
        crosstabs = panels[3].to_frame()
        assert not ((crosstabs["respondents"] > 0) & (crosstabs["respondents"] < k)).any(), (role, k)


def test_the_published_figures_are_on_the_page(survey_run):
    folder, page = next((f, o) for f, o in survey_run if o.language == "en" and o.parameters["role"] == "all"
                        and o.parameters["min_cell_size"] == 5)
    text = _visible(folder / page.html)
    assert "These are the pilot's published figures: 39% English, 43% Russian, 17% Tajik." in text
    assert "1. human capacity, 2. training materials, 3. financial resources" in text
    numbers = page.results["numbers"]
    assert (round(numbers["en_pct"]), round(numbers["ru_pct"]), round(numbers["tg_pct"])) == (39, 43, 17)


def _visible(path) -> str:
    """A page's text as a reader sees it (no styles, no scripts, entities decoded)."""
    source = re.sub(r"<(script|style)\b.*?</\1>", " ", path.read_text(encoding="utf-8"), flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", source))


def _recorded(page, name) -> list[dict]:
    """A table as the run recorded it for its CSV and workbook (identical tables share one CSV)."""
    t = page.results["tables"][name]
    return [dict(zip(t["columns"], row, strict=True)) for row in t["data"]]


@pytest.mark.parametrize("k", [3, 5, 10])
def test_nothing_under_k_leaves_the_run(survey_run, k):
    folder, page = next((f, o) for f, o in survey_run if o.language == "en" and o.parameters["min_cell_size"] == k
                        and o.parameters["role"] == "all")
    rows = _recorded(page, "crosstabs")
    shown = [r["respondents"] for r in rows if r["respondents"] is not None]
    assert shown and not any(0 < v < k for v in shown)  # what the CSV and the workbook hold
    for grouping in {r["grouping"] for r in rows}:  # no row or column with a single withheld entry
        g = [r for r in rows if r["grouping"] == grouping]
        for key in ("group", "course_language"):
            for value in {r[key] for r in g}:
                assert sum(bool(r["suppressed"]) for r in g if r[key] == value) != 1, (grouping, key, value)
    # every crosstab CSV of the run holds only counts of 0, of at least 3 (the smallest k run) or withheld
    for path in (folder / "tables").glob("*__crosstabs.csv"):
        for r in csv.DictReader(path.open(encoding="utf-8-sig")):
            assert r["respondents"] in ("", "nan") or float(r["respondents"]) == 0 or float(r["respondents"]) >= 3
    # the workbook: no crosstab count under the smallest k either
    from openpyxl import load_workbook

    book = load_workbook(folder / "tables" / "tables-en.xlsx", read_only=True)
    sheets = 0
    for ws in book.worksheets:
        rows_ = list(ws.iter_rows(values_only=True))
        if rows_ and "Course language" in rows_[0] and "Group" in rows_[0]:
            at = rows_[0].index("Respondents")
            assert all(r[at] is None or r[at] == 0 or r[at] >= 3 for r in rows_[1:])
            sheets += 1
    assert sheets >= 1
    # the page: the crosstab table shows ‡ for each withheld cell (and once in the note), and the charts'
    # data hold no withheld share
    from analytics.publish.export import _values

    source = (folder / page.html).read_text(encoding="utf-8")
    assert source.count("‡") == sum(bool(r["suppressed"]) for r in rows) + 1
    for spec in re.findall(r'<script type="application/json" data-figure="[^"]+">(.*?)</script>', source, re.S):
        for trace in json.loads(spec)["data"]:
            values = _values(trace.get("x") if trace.get("orientation") == "h" else trace.get("y"))
            assert all(v is not None and np.isfinite(v) for v in values)
    # every share a page states rests on at least k respondents
    recorded = page.results["tables"]["research_questions"]  # what the CSV of this table holds
    for r in (dict(zip(recorded["columns"], row, strict=True)) for row in recorded["data"]):
        if r["respondents"] is not None:
            assert r["respondents"] >= k and r["n"] - r["respondents"] >= k


def test_russian_and_tajik_pages(survey_run):
    for folder, o in survey_run:
        if o.language in ("ru", "tg"):
            text = _visible(folder / o.html)
            assert "{" not in text and "Reconstructed data" not in text
            assert ("39\u00a0%" in text) if o.language == "ru" else ("39%" in text)  # CLDR: no-break space in ru


def test_no_interval_or_test_on_an_assumed_share_anywhere(survey_run):
    """The pilot's respondents, answers and firms are reconstructed from assumptions: the page, the recorded
    tables (CSVs, workbook) and the research questions show their shares without a 95 % interval, a bootstrap of
    the ranks or a test of association, and say why; only modelled indicators keep a band."""
    for folder, o in survey_run:
        for name in ("research_questions", "languages", "rankings", "employers"):
            for r in _recorded(o, name):
                if r.get("method") != "modelled":
                    lows = [r[c] for c in r if c.endswith("_low") or c.endswith("_high") or c == "rank_support"]
                    assert all(v is None for v in lows), (o.job, name, r)
        research = _recorded(o, "research_questions")
        assert {r["strength"] for r in research} <= {"assumption", "modelled", "none"}
        if o.language == "en":
            text = _visible(folder / o.html)
            main = (folder / o.html).read_text(encoding="utf-8").split("<main", 1)[1]
            body = html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", " ", main, flags=re.S)))
            # what the page shows: the header's parameter line may name the (unused) bootstrap resamples
            assert "chi-square" not in body.lower() and "bootstrap" not in body.lower()
            assert "No test of association is shown" in text
            assert "financial resources as the top requirements. This is what the pilot published" in text


def test_a_surveyed_pack_keeps_its_intervals_and_tests(pack, monkeypatch):
    """The same panels on answers that were surveyed (measured) give Wilson intervals, rank support and tests."""
    from analytics.survey import panels as sp
    from analytics.survey.questions import research_table

    monkeypatch.setattr(type(pack), "is_modelled", lambda self, table: False)
    table = research_table(pack, "all", 5).frame
    mentions = table[table["indicator"] == "human_capacity"].iloc[0]
    assert mentions["method"] == "wilson" and mentions["value_low"] < mentions["value"] < mentions["value_high"]
    cross = sp.crosstab_panel(pack, "all", 5, "en")
    assert cross.result.tests and any("degrees of freedom" in x for x in cross.reading.sentences)
    ranks = sp.rankings_panel(pack, "all", 5, 50, "en").to_frame()
    assert ranks["rank_support"].notna().all()
