"""Hostile text from a pack or a briefing file is shown as written and never runs; packs cannot run code."""

from __future__ import annotations

import json
import re
import shutil
from html import unescape

import pytest
import yaml

from .conftest import PACK, run_cli

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("http://example.invalid","open")'


def _replace_in_table(meta_text: str, table: str, key: str, value: str) -> str:
    """Set ``key`` of one table in pack.yaml text to ``value`` (a YAML-quoted string)."""
    start = meta_text.index(f"\n  {table}:\n")
    end = meta_text.index("\n\n", start)
    block = meta_text[start:end]
    new = re.sub(rf"\n    {key}: .*", f"\n    {key}: {json.dumps(value)}", block, count=1)
    return meta_text.replace(block, new)


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    data = tmp / "data"
    shutil.copytree(PACK, data / "tjk")
    for lang in ("en",):  # a region's name in the pack's locale file
        path = data / "tjk" / "locales" / f"{lang}.yaml"
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        doc["region.TJ-GB"] = f"GBAO {SCRIPT}"
        doc["district.TJ-GB-MUR"] = f"Murghob {IMG}"
        path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    meta = data / "tjk" / "pack.yaml"
    text = _replace_in_table(meta.read_text(encoding="utf-8"), "districts", "source", f"Boundaries {IMG}")
    meta.write_text(_replace_in_table(text, "institutions", "source", FORMULA), encoding="utf-8")
    briefing = tmp / "hostile.yaml"
    briefing.write_text(yaml.safe_dump({
        "title": {"en": f"Briefing {SCRIPT} {IMG}"}, "author": f"Author {SCRIPT}", "country": "tjk",
        "languages": ["en"],
        "jobs": [{"notebook": "00_country_profile", "name": "profile", "grid": {"region": ["TJ-GB"]}}]}))
    proc = run_cli("brief", str(briefing), "--outputs", str(tmp / "out"), "--quiet",
                   env={"ANALYTICS_DATA": str(data)})
    assert proc.returncode == 0, proc.stderr
    folder = next((tmp / "out" / "hostile").iterdir())
    return folder


def test_hostile_names_show_literally_and_never_run(hostile_run, offline_page):
    docs = sorted(hostile_run.glob("*.html"))
    assert {d.name for d in docs} == {"index.html", "briefing-en.html", "methods-en.html", "profile_TJ-GB_en.html"}
    for doc in docs:
        dialogs = []
        page = offline_page(doc)
        page.page.on("dialog", lambda d, seen=dialogs: (seen.append(d.message), d.dismiss()))
        page.page.wait_for_timeout(300)
        if page.page.locator(".plotly-figure").count():
            page.wait_for_figures(1)
            for k in range(page.page.locator(".plotly-figure").count()):
                page.page.locator(".plotly-figure").nth(k).scroll_into_view_if_needed()
            page.page.wait_for_timeout(500)
        text = page.page.inner_text("body")
        assert dialogs == [], (doc.name, dialogs)
        assert page.page.locator("img[src=x]").count() == 0, doc.name
        # no script element beyond the page's own (geo assets, plotly.js, drawing) and figure data
        assert page.page.evaluate("[...document.scripts].filter(s => !s.type).length") in (0, 3), doc.name
        assert SCRIPT in text, doc.name  # the region's name, as written (header parameters, sentences)
        if doc.name.startswith("methods"):
            assert f"Author {SCRIPT}" in text  # the briefing's author, on the methods page
        elif doc.name.startswith(("index", "briefing")):
            assert f"Briefing {SCRIPT} {IMG}" in text, doc.name  # the briefing's title
        else:  # job names are slugs (a name with markup is refused: tests/test_hostile_cli.py)
            assert f"Boundaries {IMG}" in text, doc.name  # a source from pack.yaml, in the footer
        assert page.requests == [] and page.errors == [], (doc.name, page.requests, page.errors)


def test_every_document_carries_a_policy_allowing_only_its_own_scripts(hostile_run):
    for doc in hostile_run.glob("*.html"):
        html = doc.read_text(encoding="utf-8")
        found = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
        policy = unescape(found.group(1))  # the attribute as the browser reads it
        assert "default-src 'none'" in policy and "connect-src 'none'" in policy
        assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
        hashes = re.findall(r"'sha256-[A-Za-z0-9+/=]+'", policy)
        assert len(hashes) == html.count("<script>"), doc.name  # one hash per inline script


def test_workbook_writes_formula_like_text_as_text(hostile_run):
    import openpyxl

    book = openpyxl.load_workbook(hostile_run / "tables" / "tables-en.xlsx")
    cells = [c for row in book["Sources"].iter_rows() for c in row if c.value == FORMULA]
    assert cells and all(c.data_type == "s" for c in cells)


def _snapshot(folder):
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("table,key,value,expected", [
    ("regions", "built_by", "os:system", "has built_by 'os:system', which is not a known builder; expected one of"),
    ("plans", "built_by", "IPython.utils.process:system", "which is not a known builder"),
    ("plans", "path", "../../outside.csv", "leads outside the pack folder"),
    ("plans", "path", "raw/plans.csv", "is not inside derived/ or modelled/"),
    ("census_2020", "path", "/etc/passwd", "leads outside the pack folder"),
])
def test_packs_cannot_run_code_or_write_outside(pack_copy, tmp_path, table, key, value, expected):
    meta = pack_copy / "pack.yaml"
    meta.write_text(_replace_in_table(meta.read_text(encoding="utf-8"), table, key, value), encoding="utf-8")
    before = _snapshot(pack_copy)
    for command in (["pack", "build", str(pack_copy)], ["validate", str(pack_copy)]):
        proc = run_cli(*command)
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert expected in proc.stderr and "tjk/pack.yaml" in proc.stderr
        assert "Traceback" not in proc.stderr
    assert _snapshot(pack_copy) == before  # nothing written
    assert not (tmp_path / "outside.csv").exists() and not (pack_copy.parent / "outside.csv").exists()
