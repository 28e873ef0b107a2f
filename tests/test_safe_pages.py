"""Hostile text from a pack or a briefing file is shown as written and never runs; packs cannot run code."""

from __future__ import annotations

import json
import re
import shutil
import time
from html import unescape

import pytest
import yaml

from analytics.report.record import RESULT_FIELDS

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
    assert {d.name for d in docs} == {"index.html", "briefing-en.html", "methods-en.html", "summary-en.html",
                                      "profile_TJ-GB_en.html"}
    for doc in docs:
        page = offline_page(doc)  # records and dismisses any dialog
        page.page.wait_for_timeout(300)
        if page.page.locator(".plotly-figure").count():
            page.wait_for_figures(1)
            for k in range(page.page.locator(".plotly-figure").count()):
                page.page.locator(".plotly-figure").nth(k).scroll_into_view_if_needed()
            page.page.wait_for_timeout(500)
        text = page.page.inner_text("body")
        assert page.dialogs == [], (doc.name, page.dialogs)
        assert page.page.locator("img[src=x]").count() == 0, doc.name
        # no script element beyond the page's own (geo assets, plotly.js, drawing) and figure data
        assert page.page.evaluate("[...document.scripts].filter(s => !s.type).length") in (0, 3), doc.name
        assert SCRIPT in text, doc.name  # the region's name, as written (header parameters, sentences)
        if doc.name.startswith("methods"):
            assert f"Author {SCRIPT}" in text  # the briefing's author, on the methods page
        elif doc.name.startswith(("index", "briefing", "summary")):
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


#: Outputs a notebook may carry that must never act on a published page (the hostile pass's cases, B7).
PAYLOADS = [
    {"text/html": '<meta http-equiv="refresh" content="0;url=http://example.invalid/">'},
    {"text/html": '<form action="http://example.invalid/"><input type="password" name="p"></form>'},
    {"text/html": '<a id="js" href="javascript:alert(2)">click</a> <a id="ext" href="http://example.invalid/">out</a>'},
    {"text/html": '<a id="pr" href="//example.invalid/x">another site, no scheme</a>'},
    {"text/html": '<iframe src="http://example.invalid/"></iframe><object data="http://example.invalid/x"></object>'},
    {"text/html": '<p onmouseover="alert(3)" id="ev">hover</p><img src="http://example.invalid/i.png">'},
    {"text/html": "<script>alert(4)</script><script src='http://example.invalid/s.js'></script>"},
    {"text/html": '<svg onload="alert(5)"><script>alert(6)</script></svg><style>body{display:none}</style>'},
    {"image/png": 'x" onerror="alert(11)'},
    {"image/svg+xml": '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(7)"><script>alert(8)</script></svg>'},
    {"text/markdown": "[link](javascript:alert(9)) <script>alert(10)</script>"},
    # the third hostile pass: a tab or line break inside the address makes "//host"; a slash path is the disk
    {"text/html": '<a id="tab" href="/\t/example.invalid/tab">t</a> <a id="nl" href="/\n/example.invalid/n">n</a> '
                  '<a id="ent" href="/&#9;/example.invalid/e">e</a> <a id="disk" href="/etc/passwd">d</a>'},
    # the fourth: a relative path that climbs out of the run (a click showed /etc/passwd), written three ways
    {"text/html": "<a id='up' href='../../../../../../../../../../etc/passwd'>UP</a> "
                  "<a id='bs' href='..\\..\\..\\..\\..\\..\\..\\etc\\passwd'>BS</a> "
                  "<a id='pc' href='%2e%2e/%2E%2E/../../../../../../etc/passwd'>PC</a>"},
    {"text/markdown": "[md-up](../../../../../../../../etc/passwd)"},
]


def test_a_published_notebook_cannot_navigate_ask_load_or_inject(small_run, offline_page, tmp_path):
    """A saved notebook whose outputs carry scripts, forms, frames, refreshes, event attributes, foreign links and
    a malformed image publishes inert: in Chromium no dialog, no request, no navigation and none of those
    elements; its legitimate tables and sentences are still there."""
    import nbformat

    folder, outcomes = small_run
    source = next(folder.glob("notebooks/04_pilot_survey*_en.ipynb"))
    nb = nbformat.read(source, as_version=4)
    chart = next(o for c in nb.cells for o in c.get("outputs", []) if "application/vnd.plotly.v1+json" in o.get("data", {}))
    chart["data"]["application/vnd.plotly.v1+json"]["data"][0]["name"] = "<!--<script>"  # would swallow the page
    # plotly draws <a href> in a chart's texts as a link (a click opened another site, or took the page away)
    layout = chart["data"]["application/vnd.plotly.v1+json"]["layout"]
    layout["annotations"] = [{"text": '<a href="http://example.invalid/a" target="_top">annotation</a>',
                              "x": 0.5, "y": 0.5, "xref": "paper", "yref": "paper", "showarrow": False},
                             {"text": '<<a>a href="http://example.invalid/n" target="_top">nested<</a>/a>',
                              "x": 0.5, "y": 0.2, "xref": "paper", "yref": "paper", "showarrow": False}]
    layout.setdefault("xaxis", {})["title"] = {"text": '<a href="https://example.invalid/x">axis</a>'}
    # eighth hostile pass: an image by address is fetched by plotly (only the content policy stopped it)
    layout["images"] = [{"source": src, "x": 0, "y": 1, "sizex": 1, "sizey": 1, "xref": "paper", "yref": "paper"}
                        # ninth pass: addresses browsers read though they are no "scheme://" (only the policy held)
                        for src in ("https://example.invalid/i.png", "https:example.invalid/j.png",
                                    "\\\\example.invalid/k.png", "ht\ttps://example.invalid/l.png")]
    # tenth pass: a tile map's style and layers by address (a style name, an address, a style object with tiles,
    # fonts and sprites; tiles as a list) were kept, and fetched where the content policy did not hold
    layout["map"] = {"style": "https:example.invalid/style.json",
                     "layers": [{"sourcetype": "raster", "source": ["https:example.invalid/t/{z}/{x}/{y}.png"]},
                                {"sourcetype": "geojson", "source": "https://example.invalid/g.json"}]}
    layout["mapbox"] = {"style": {"version": 8, "glyphs": "https://example.invalid/{fontstack}",
                                  "sprite": "https://example.invalid/sprite",
                                  "sources": {"t": {"type": "raster", "tiles": ["https://example.invalid/x.png"]}}}}
    outputs = [nbformat.v4.new_output("display_data", data=p) for p in PAYLOADS]
    cell = nbformat.v4.new_code_cell("display(payloads)", outputs=outputs)
    nb.cells.insert(len(nb.cells) - 1, cell)
    # fifth hostile pass: an element dressed as a chart (its class is kept), before every chart of the page, stopped
    # the drawing script at itself; every real chart must still draw
    fake = nbformat.v4.new_output("display_data", data={"text/html": '<div class="plotly-figure">not a chart</div>'})
    nb.cells.insert(1, nbformat.v4.new_code_cell("display(fake)", outputs=[fake]))
    saved = tmp_path / "04_pilot_survey.ipynb"
    nbformat.write(nb, saved)
    proc = run_cli("publish", str(saved), "--outputs", str(tmp_path / "pub"))
    assert proc.returncode == 0, proc.stderr
    (page_path,) = [p for p in (tmp_path / "pub").rglob("*.html") if "04_pilot_survey" in p.name]
    page = offline_page(page_path)  # records and dismisses any dialog
    page.page.hover("text=hover") if page.page.locator("text=hover").count() else None
    page.page.wait_for_timeout(1500)
    assert page.dialogs == [] and page.requests == [], (page.dialogs, page.requests)
    assert page.page.url == page_path.resolve().as_uri()  # no refresh took the reader elsewhere
    found = page.page.evaluate("""() => ({
        bad: document.querySelectorAll('meta[http-equiv="refresh" i], form, input, iframe, object, embed, svg script, '
            + 'img[src^="http"], [onmouseover], [onload], [onerror], a[href^="javascript"], a[href^="http"], '
            + 'a[href^="//"]').length,
        scripts: [...document.scripts].filter(s => !s.type).length,
        hidden: getComputedStyle(document.body).display})""")
    assert found == {"bad": 0, "scripts": 3 if page.page.locator(".plotly-figure").count() else 0,
                     "hidden": "block"}, found
    # every link that is left stays in the run's folder (as the browser resolves it), none inside a chart
    run = (tmp_path / "pub").resolve().as_uri()
    hrefs = page.page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)")
    assert [h for h in hrefs if not h.startswith(run)] == [], hrefs
    assert page.page.locator(".plotly-figure a").count() == 0
    text = page.page.inner_text("body")
    assert "click" in text and "hover" in text  # text kept, only what acts is removed
    assert "No test of association is shown" in text  # the page's own sentences are all there
    n = page.page.locator(".plotly-figure[id]").count()  # the page's own charts (the fake has no id)
    page.page.wait_for_function(f"() => document.querySelectorAll('.plotly-figure[id] .plot-container').length >= {n}",
                                timeout=30_000)  # every chart drawn, the one named "<!--<script>" too
    assert n >= 2 and page.page.locator("footer").count() == 1  # nothing swallowed the rest of the page
    # no address of the payloads is kept where it acts: in no attribute of any element (fourteenth pass: a chart's
    # text keeps only plain formatting tags, so a broken-up link shows as its own characters, address included)
    acting = page.page.evaluate("() => [...document.querySelectorAll('*')].flatMap(e => [...e.attributes]"
                                ".filter(a => a.value.includes('example.invalid') && !a.name.startsWith('data-'))"  # data-*: inert (plotly
                                ".map(a => e.tagName + ' ' + a.name))")  # keeps a text as given in data-unformatted)
    assert acting == [], acting
    # eighth hostile pass: plotly's "Share chart…" button sent a chart to its cloud in a new window (no content
    # policy stops that): no chart offers it, and none has a server to send to
    page.page.hover(".plotly-figure[id]")
    sent = page.page.evaluate("() => [...document.querySelectorAll('.plotly-figure[id]')].map(f => "
                              "[f._context.showSendToCloud, f._context.plotlyServerURL])")
    assert sent and all(s == [False, ""] for s in sent), sent
    assert page.page.locator('.modebar [data-title*="Share"], .modebar [data-title*="Cloud"]').count() == 0


@pytest.mark.parametrize("name", ["locales/en.yaml", "assumptions.yaml", "scenarios.yaml", "pack.yaml"])
def test_a_linked_pack_file_is_refused_and_its_target_never_shown(pack_copy, tmp_path, name):
    """B4: a pack file that is a symbolic link to a file outside the pack is refused by name; the error never
    prints what the target holds."""
    secret = tmp_path / "secret.yaml"
    secret.write_text("root-SECRET-20228: 'x'\nregion.TJ-GB: SECRET-VALUE\n", encoding="utf-8")
    target = pack_copy / name
    target.unlink()
    target.symlink_to(secret)
    proc = run_cli("validate", str(pack_copy))
    said = proc.stdout + proc.stderr
    assert proc.returncode == 2 and "Traceback" not in said, said
    assert "symbolic link" in said and name.split("/")[-1] in said
    assert "SECRET" not in said


@pytest.mark.parametrize("name", ["scenarios.yaml", "assumptions.yaml"])
def test_nested_aliases_in_a_pack_file_are_refused_at_once(pack_copy, name):
    """B11: 72 aliases nested 8 levels (9**9 values once followed) in a contributed pack file: one clear error,
    no hang (the type checks never walk or print the expanded value)."""
    from .test_hostile_cli import NESTED_ALIASES

    path = pack_copy / name
    path.write_text(NESTED_ALIASES + path.read_text(encoding="utf-8"), encoding="utf-8")
    proc = run_cli("validate", str(pack_copy), timeout=60)
    assert proc.returncode == 2 and "expand to more than 200,000 values" in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr


#: B8: saved notebooks damaged by hand or by another tool; each change is made to a fresh executed notebook.
DAMAGED = {
    "widget state a string": ("application/vnd.analytics.explored+json", lambda out: "a string",
                              "the widget bar's state is not parameter names with plain values"),
    "results a list": ("application/vnd.analytics.results+json", lambda out: [1, 2],
                       "the recorded results are not a mapping"),
    "an input without its source": ("application/vnd.analytics.results+json",
                                    lambda out: {**out, "inputs": [{k: v for k, v in i.items() if k != "source"}
                                                                   for i in out["inputs"]]},
                                    "a recorded input lacks its table name or source"),
    "results of another version": ("application/vnd.analytics.results+json",
                                   lambda out: {k: v for k, v in out.items() if k != "answers"},
                                   "the recorded results lack 'answers'"),
    "an array of objects": ("application/vnd.plotly.v1+json",
                            lambda out: {**out, "data": [{**out["data"][0], "x": {"dtype": "object", "bdata": "AAAA"}}]},
                            "a chart's array has type 'object', not numbers"),
    "a margin in words": ("application/vnd.plotly.v1+json",
                          lambda out: {**out, "layout": {**out["layout"], "margin": {"t": "abc"}}},
                          "a chart's margins are not finite numbers"),
    "a trace that is a number": ("application/vnd.plotly.v1+json", lambda out: {**out, "data": [5]},
                                 "a chart's trace is not a mapping"),
    "an infinite margin": ("application/vnd.plotly.v1+json",
                           lambda out: {**out, "layout": {**out["layout"], "margin": {"t": float("inf")}}},
                           "a chart's margins are not finite numbers"),
    "a number that is NaN": ("application/vnd.analytics.results+json",
                             lambda out: {**out, "numbers": {**out["numbers"], "x": float("nan")}},
                             "the recorded results' 'numbers' are not names with numbers"),
    "a table named as a path": ("application/vnd.analytics.results+json",
                                lambda out: {**out, "tables": {"../../evil": {"columns": ["a"], "data": [[1]]}}},
                                "a recorded table is named '../../evil'"),
    "options of the wrong shape": ("application/vnd.analytics.results+json",
                                   lambda out: {**out, "options": {"x": 5}},
                                   "the recorded results' 'options' are not names with their entries"),
}


def test_a_damaged_saved_notebook_is_one_message_and_writes_nothing(small_run, tmp_path):
    """Each damaged notebook: exit 2, one `error:` line naming the file, the cell and what was expected; no
    traceback; no folder left under outputs/ (the checks run before anything is written)."""
    folder, _ = small_run
    source = json.loads(next(folder.glob("notebooks/00_country_profile_all_en.ipynb")).read_text())
    if not any("explored+json" in o.get("data", {}) for c in source["cells"] for o in c.get("outputs", [])):
        cell = next(c for c in source["cells"] if c["cell_type"] == "code" and c.get("outputs"))
        cell["outputs"].append({"output_type": "display_data", "metadata": {},
                                "data": {"application/vnd.analytics.explored+json": {}, "text/plain": ""}})

    def attempt(case: str):
        mime, change, _ = DAMAGED[case]
        nb = json.loads(json.dumps(source))
        out = next(o for c in nb["cells"] for o in c.get("outputs", []) if mime in o.get("data", {}))
        out["data"][mime] = change(out["data"][mime])
        saved = tmp_path / (re.sub(r"\W+", "_", case) + ".ipynb")
        saved.write_text(json.dumps(nb))
        return run_cli("publish", str(saved), "--outputs", str(tmp_path / "out"))

    results = {case: attempt(case) for case in DAMAGED}
    results_mime = "application/vnd.analytics.results+json"
    recorded = next(o["data"][results_mime] for c in source["cells"] for o in c.get("outputs", [])
                    if results_mime in o.get("data", {}))
    assert {k: type(v) for k, v in recorded.items()} == RESULT_FIELDS  # the check knows every field record() writes
    nb = json.loads(json.dumps(source))
    cell = next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
    cell["source"] = "".join(cell["source"]) + "\nnote = '\udfff'\n"  # a lone surrogate (hostile pass)
    (tmp_path / "surrogate.ipynb").write_text(json.dumps(nb))
    results["a lone surrogate in the parameters cell"] = run_cli("publish", str(tmp_path / "surrogate.ipynb"),
                                                                 "--outputs", str(tmp_path / "out"))
    expected = {**{case: said for case, (_, _, said) in DAMAGED.items()},
                "a lone surrogate in the parameters cell": "the parameters cell holds characters that are not text"}
    for case, proc in results.items():
        said = proc.stderr.strip()
        assert proc.returncode == 2 and "Traceback" not in said, (case, said)
        assert said.startswith("error: ") and len(said.splitlines()) == 1, (case, said)
        assert expected[case] in said and "_ipynb" not in said and "cell" in said, (case, said)
    assert not (tmp_path / "out").exists()


def test_an_error_saved_in_a_notebook_cannot_write_to_the_terminal(small_run, tmp_path):
    """Fourth hostile pass: a saved error output whose name held terminal codes (a window title, clear screen)
    and whose message held a line break, a forged "error:" line and a right-to-left mark reached the terminal
    as they were. The message is one line, with those characters shown as escapes."""
    folder, _ = small_run
    nb = json.loads(next(folder.glob("notebooks/00_country_profile_all_en.ipynb")).read_text())
    cell = next(c for c in nb["cells"] if c["cell_type"] == "code" and c.get("outputs"))
    cell["outputs"].append({"output_type": "error", "ename": "Err\x1b]0;PWNED\x07\x1b[2J\x1b[31m",
                            "evalue": "line1\nerror: fake second line\u202eRLO", "traceback": []})
    saved = tmp_path / "stopped.ipynb"
    saved.write_text(json.dumps(nb))
    proc = run_cli("publish", str(saved), "--outputs", str(tmp_path / "out"))
    said = proc.stderr.strip()
    assert proc.returncode == 2 and said.startswith("error: ") and len(said.splitlines()) == 1, said
    assert "stopped with Err" in said and "\\u001b]0;PWNED" in said and "\\u202e" in said, said
    assert not any(ch in said for ch in "\x1b\x07\u202e"), said
    assert not (tmp_path / "out").exists()


def test_a_published_csv_cell_never_runs_as_a_spreadsheet_formula():
    """Hostile pass: a text cell "=cmd|' /C calc'!A0" went verbatim into tables/*.csv. Text that a spreadsheet
    reads as a formula gets a leading apostrophe; numbers, negative ones too, are left as they are."""
    import pandas as pd

    from analytics.publish.workbook import inert

    df = inert(pd.DataFrame({"text": ["=cmd|' /C calc'!A0", "+1", "-x", "@SUM(A1)", "plain", None],
                             "number": [1, -2, 3.5, 0, -0.25, 7]}))
    assert df["text"].tolist()[:5] == ["'=cmd|' /C calc'!A0", "'+1", "'-x", "'@SUM(A1)", "plain"]
    assert df["text"].isna().tolist()[5] and df["number"].tolist() == [1, -2, 3.5, 0, -0.25, 7]
    # thirteenth pass: a recorded table's column names are the CSV's header row, and were written as formulas
    named = inert(pd.DataFrame({'=HYPERLINK("http://example.invalid/h","x")': [1], "@SUM(1+1)": [2], "share": [3]}))
    assert list(named.columns) == ["'=HYPERLINK(\"http://example.invalid/h\",\"x\")", "'@SUM(1+1)", "share"]
    # fourteenth pass: a formula after what spreadsheets skip (NUL, spaces, a line break, a no-break space), or
    # written with full-width signs
    tricky = ["\x00=1+1", " =1+1", "\n=1+1", "\u00a0=1+1", "\uff1d1+1", "\uff0b1+1", "a = b", "2 - 1"]
    # fifteenth: zero-width, direction and soft-hyphen characters before it, and the small signs
    tricky += ["\u200b=1", "\u202e=1", "\u00ad=1", "\ufe66 1", "\ufe62 1"]
    # sixteenth: other format characters and fillers (U+2066, U+3164, U+2800, U+E0020), and a formula on a later
    # line (an importer may break rows inside quotes: every line gets its apostrophe)
    tricky += ["\u2066=1", "\u3164=1", "\u2800=1", "\U000e0020=1"]
    got = inert(pd.DataFrame({"t": tricky + ["a\n=1+1;x", "x\ny"]}))["t"].tolist()
    assert got == (["'" + t.replace("\n", "\n'") for t in tricky[:6]] + ["a = b", "2 - 1"]
                   + ["'" + t for t in tricky[8:]] + ["'a\n'=1+1;x", "x\ny"]), got


def test_publish_refuses_outputs_of_other_parameters_than_the_cell_says(small_run, tmp_path):
    """The hostile pass ran the survey at a minimum cell of 2, changed the parameters cell to 5 and published a
    page saying "minimum group size: 5" with nothing withheld; a Dushanbe page relabelled GBAO published
    Dushanbe's figures as GBAO's. Results now record the values the set-up cell checked."""
    import nbformat

    folder, _ = small_run
    source = next(folder.glob("notebooks/01_access_gaps_TJ-DU_en.ipynb"))
    nb = nbformat.read(source, as_version=4)
    results = next(o["data"]["application/vnd.analytics.results+json"] for c in nb.cells for o in c.get("outputs", [])
                   if "application/vnd.analytics.results+json" in o.get("data", {}))
    assert results["parameters"]["region"] == "TJ-DU"
    cell = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    cell.source = cell.source.replace('region = "TJ-DU"', 'region = "TJ-GB"')
    assert 'region = "TJ-GB"' in cell.source
    saved = tmp_path / "relabelled.ipynb"
    nbformat.write(nb, saved)
    proc = run_cli("publish", str(saved), "--outputs", str(tmp_path / "pub"))
    assert proc.returncode == 2, proc.stderr
    assert "the outputs were computed with region='TJ-DU', but the parameters cell now says region='TJ-GB'" \
        in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "pub").exists() or not list((tmp_path / "pub").rglob("*.html"))


def test_any_translated_sheet_name_makes_a_workbook_that_opens():
    """Eighth and ninth hostile passes: a pack's translation named sheets a workbook refuses ("Read me / Окуу",
    31 characters ending in an apostrophe once cut, 20 emoji — 40 UTF-16 units —, "History", one name twice), and
    the briefing stopped with a traceback. Every such name becomes one xlsxwriter writes and openpyxl reads."""
    import openpyxl
    import xlsxwriter

    from analytics.publish.sheets import sheet_name

    labels = ["Read me / Окуу", "A" * 30 + "'x", "R" * 30 + "'", "😀" * 20, "History", "history", "'''",
              "[]:*?/\\", "Окуу / Read me", "Окуу / Read me", "Ж" * 500,
              "Read\x01me", "\x00\x1f\x7f\x85",  # tenth pass: a control character made a workbook no one can open
              "Read\ufffeme", "\uffff", "Read\ud800me"]  # eleventh: characters XML refuses
    taken: set[str] = set()
    names = [sheet_name(label, taken) for label in labels]
    assert len({n.lower() for n in names}) == len(names) and "history" not in {n.lower() for n in names}
    assert all(len(n.encode("utf-16-le")) <= 62 and not n.startswith("'") and not n.endswith("'") for n in names)
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        book = xlsxwriter.Workbook(f"{tmp}/t.xlsx")
        for name in names:
            book.add_worksheet(name).write(0, 0, name)
        book.close()
        assert openpyxl.load_workbook(f"{tmp}/t.xlsx", read_only=True).sheetnames == names


def test_a_sheet_name_cut_to_31_units_keeps_its_area_and_number():
    """A reader's review: "Диапазоны записи на курсы – TJ-" lost Dushanbe's code, and four regions' sheets became
    "… – (2)" to "… – (5)", alike but for a number. The label is cut; the area's code and the number stay whole."""
    from analytics.publish.sheets import sheet_name

    taken: set[str] = set()
    label = "Факторы неопределённости (что влияет на результат)"
    names = [sheet_name(label, taken, f" – {code}") for code in ("TJ-DU", "TJ-SU", "TJ-DU", "TJK", "TJ-DU")]
    assert [n.rsplit(" – ", 1)[1] for n in names] == ["TJ-DU", "TJ-SU", "TJ-DU (2)", "TJK", "TJ-DU (3)"], names
    assert all(len(n.encode("utf-16-le")) <= 62 and n.startswith("Факторы неопред") and "… – " in n and "  " not in n
               for n in names), names
    assert sheet_name("Parity", taken, " – TJK") == "Parity – TJK"  # a short label is whole


def test_a_tile_map_keeps_no_style_or_layer_that_fetches():
    """Tenth hostile pass: a named tile style ("open-street-map" loads tiles from its servers), a style by address
    or as an object, and layers of tiles by address were kept in a page; only a GeoJSON written into the chart
    stays, and the style is one that names nothing to fetch (thirteenth pass: plotly's "white-bg" names a font
    server, which text on a map fetched)."""
    from analytics.report.figures import BLANK_STYLE, without_links

    inline = {"type": "FeatureCollection", "features": []}
    for style in ("open-street-map", "carto-positron", "https:example.invalid/s.json", {"sources": {}, "glyphs": "x"}):
        for key in ("map", "mapbox"):
            got = without_links({"layout": {key: {"style": style, "center": {"lat": 38, "lon": 71},
                                                  "layers": [{"source": ["https://example.invalid/t.png"]},
                                                             {"source": inline, "type": "fill"}]}}})
            assert got["layout"][key] == {"style": BLANK_STYLE, "center": {"lat": 38, "lon": 71},
                                          "layers": [{"source": inline, "type": "fill"}]}, (style, key)
    assert without_links({"source": ["https://example.invalid/a.png"]}) == {"source": []}
    # eleventh pass: a second map ("map2"), a map trace with no map in the layout (plotly's default style loads
    # its tiles from a CDN), a style inside a template; and styles in a chart's text that load an image
    fig = without_links({"data": [{"type": "scattermap", "subplot": "map2"}, {"type": "densitymapbox"}],
                         "layout": {"map2": {"style": "open-street-map"},
                                    "template": {"layout": {"map": {"style": "basic"}}}}})
    assert fig["layout"]["map2"]["style"] == fig["layout"]["mapbox"]["style"] == BLANK_STYLE
    assert fig["layout"]["template"]["layout"]["map"]["style"] == BLANK_STYLE
    for text in ('<span style="background-image:url(https://example.invalid/b.png)">x</span>',
                 "<span style='mask:u\\rl(//example.invalid/m)'>x</span>", '<b style="list-style-image:image-set(x)">x</b>'):
        assert not re.search(r"<[a-z]+\s", without_links(text)) and "&lt;" in without_links(text), text
    # thirteenth pass: every tag with attributes goes (the spaces around "=" as JavaScript reads them, U+FEFF
    # included); fourteenth: a chart's text keeps only plain formatting tags, every other "<" and ">" is written as
    # an entity, so pieces that a template joins when drawn cannot make a tag ("<span sty" + "le='…'>")
    # (fifteenth: shown as its characters, not taken out, so that "children <age 7 and >10 km" keeps its words)
    assert without_links('<span style="color:#c00">x</span>') == '&lt;span style="color:#c00"&gt;x</span>'
    assert without_links("<span style\ufeff=\ufeff'f:url(//e.invalid/f)'>x</span>").startswith("&lt;span style")
    assert without_links("children <age 7 and >10 km") == "children &lt;age 7 and &gt;10 km"
    assert without_links('<a href="https://example.invalid/x" target="_top">link</a>') == "link"
    assert [without_links(t) for t in ("<span sty", "le='fill:url(//example.invalid/f)'>x</span>", "<a hr",
                                       "<%{text}>", "a < b > c", "<b>x</b><br>y<sup>2</sup>%{x}<extra></extra>")] == [
        "&lt;span sty", "le='fill:url(//example.invalid/f)'&gt;x</span>", "&lt;a hr", "&lt;%{text}&gt;",
        "a &lt; b &gt; c", "<b>x</b><br>y<sup>2</sup>%{x}<extra></extra>"]
    # a chart's own buttons and sliders (a click could turn a trace into a tile map, or set a map's style) go
    assert without_links({"layout": {"updatemenus": [{"buttons": []}], "sliders": [{}], "height": 3}}) == {
        "layout": {"height": 3}}
    # twelfth pass: a style written with entities (plotly decodes them: "&#117;rl(") or split around a template
    # ("u%{text}l(" is "url(" once drawn) loaded its address; and a publish of a map trace with no map in the
    # layout, or naming one the layout lacks, kept plotly's default style (its tiles from a CDN)
    for text in ('<span style="cursor:&#117;rl(https://example.invalid/c.png),auto">T</span>',
                 '<span style="fill:&#x75;&#x72;&#x6c;(//example.invalid/h)">T</span>',
                 '<span style="fill:u%{text}l(https://example.invalid/a.svg#a)">T</span>'):
        assert without_links(text).startswith("&lt;span style=") and without_links(text).endswith("&gt;T</span>"), text
    from analytics.report.figures import offline_maps

    for trace in ({"type": "scattermap"}, {"type": "scattermap", "subplot": "map1"}):
        maps = offline_maps([trace], {})
        assert maps["map"]["style"] == maps["mapbox"]["style"] == BLANK_STYLE, maps
    templated = offline_maps([], {"template": {"data": {"scattermap": [{"subplot": "map3"}]}}})
    assert templated["map3"]["style"] == templated["map"]["style"] == BLANK_STYLE
    from analytics.report.figures import geo_assets_js

    assert all(f'"{s}_{r}"' in geo_assets_js() for s in ("antarctica", "oceania") for r in ("110m", "50m"))
    assert without_links("http:example.invalid/x") == "" and without_links("Note: 5") == "Note: 5"


def test_a_live_chart_with_map_text_icons_or_templated_styles_fetches_nothing(open_tab):
    """Thirteenth hostile pass, on a chart as JupyterLab and Voilà draw it (full plotly.js, no content policy):
    text on a tile map fetched its font from the server plotly's "white-bg" style names, a marker symbol or a
    symbol layer fetched an icon from a CDN, a style attribute that a template fills when the chart is drawn
    (``<span %{text}>`` with ``text`` holding it) and one with U+FEFF around its "=" loaded their images. The same
    figure, cleaned as every chart is (:func:`without_links`), draws with no request at all in Chromium; uncleaned,
    the harness sees the requests (so it would see them again)."""
    import json

    from plotly.offline import get_plotlyjs

    from analytics.report.figures import PLOTLY_CONFIG, geo_assets_js, without_links

    styled = "style='background-image:url(https://example.invalid/b.png);cursor:url(https://example.invalid/c.png),auto'"
    point = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [68.7, 38.5]}, "properties": {}}]}
    fig = {"data": [{"type": "scattermap", "lat": [38.5], "lon": [68.7], "mode": "markers+text", "text": ["Dushanbe"],
                     "marker": {"symbol": "bus", "size": 12}},
                    {"type": "bar", "x": ["a"], "y": [1], "text": [styled], "texttemplate": "<span %{text}>bar</span>",
                     "textposition": "inside", "xaxis": "x", "yaxis": "y"},
                    # fourteenth pass: a style or a link in pieces that the template joins when drawn
                    {"type": "bar", "x": ["b", "c"], "y": [1, 1], "text": ["<span sty", "<a hr"],
                     "customdata": ["le='background-image:url(https://example.invalid/h1.png)'>split</span>",
                                    "ef='https://example.invalid/link' target='_top'>link</a>"],
                     "texttemplate": "%{text}%{customdata}", "textposition": "inside", "xaxis": "x", "yaxis": "y"}],
           "layout": {"map": {"domain": {"x": [0, 0.45]}, "center": {"lat": 38.5, "lon": 68.7}, "zoom": 5,
                              "layers": [{"type": "symbol", "source": point, "symbol": {"text": "x", "icon": "airport"}}]},
                      "xaxis": {"domain": [0.55, 1], "title": {"text": "<span style\ufeff=\ufeff'background:url("
                                                                       "https://example.invalid/t.png)'>axis</span>"}},
                      "annotations": [{"text": '<span style\u3000="background:url(https://example.invalid/a.png)">n</span>',
                                       "x": 0.8, "y": 0.9, "xref": "paper", "yref": "paper", "showarrow": False}],
                      # fourteenth pass: the chart's own button sets a tile style by name when clicked
                      "updatemenus": [{"type": "buttons", "x": 0.5, "y": 1.15, "buttons": [
                          {"label": "tiles", "method": "relayout", "args": [{"map.style": "open-street-map"}]}]}],
                      "width": 900, "height": 400}}

    def drawn(figure: dict, name: str, drawing=None, clicked=None) -> list[str]:
        """The requests of a page drawing ``figure``, served from an http origin as a live session is (MapLibre
        draws nothing on a page opened from a file); every request but the page itself is recorded and refused.
        The map's style, fonts and icons load after the first drawing, the button's tiles after its click: each
        stage is given 3 s and 2 s, or until ``drawing`` and ``clicked`` (tests on the requests so far) hold."""
        def settle(holds, ms: int) -> None:
            deadline = time.monotonic() + (15 if holds else ms / 1000)
            while time.monotonic() < deadline and not (holds and holds(requests)):
                page.wait_for_timeout(100)

        html = ("<!doctype html><meta charset=utf-8><body><div id=c></div><script>" + get_plotlyjs()
                + "</script><script>" + geo_assets_js() + "</script><script>Plotly.newPlot('c', "
                + json.dumps(figure["data"]) + ", " + json.dumps(figure["layout"]) + ", "
                + json.dumps(PLOTLY_CONFIG) + ")</script>")
        address, requests = f"http://analytics.test/{name}", []

        def route(r):
            if r.request.url == address:
                r.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
            elif r.request.url.startswith(("data:", "blob:")):
                r.continue_()
            else:
                requests.append(r.request.url)
                r.abort()

        page = open_tab(1000, 500)
        page.route("**/*", route)
        page.goto(address)
        page.wait_for_selector("#c .main-svg")
        settle(drawing, 3000)
        if page.locator("#c .updatemenu-button").count():
            page.locator("#c .updatemenu-button").first.click()
            settle(clicked, 2000)
        drawn.canvas = page.locator("#c canvas").count()
        drawn.links = page.evaluate("() => [...document.querySelectorAll('#c a')].filter(a => [...a.attributes]"
                                    ".some(x => x.value.includes('example.invalid'))).length")
        page.goto("about:blank")  # the map stops before the next drawing starts
        return requests

    # uncleaned, with the style the twelfth pass set ("white-bg"): the font, the icons and the four images
    raw = drawn({**fig, "layout": {**fig["layout"], "map": {**fig["layout"]["map"], "style": "white-bg"}}}, "raw.html",
                drawing=lambda seen: len({r for r in seen if "example.invalid" in r}) >= 5
                and any(r.endswith(".pbf") for r in seen) and any(r.endswith(".svg") for r in seen),
                clicked=lambda seen: any("openstreetmap" in r for r in seen))  # what is asked below, as soon as seen
    assert len({r for r in raw if "example.invalid" in r}) == 5 and drawn.links == 1, raw  # (an image may be asked
    assert any(r.endswith(".pbf") for r in raw) and any(r.endswith(".svg") for r in raw), raw  # for twice)
    assert any("openstreetmap" in r for r in raw), raw  # the button's tiles
    clean = drawn(without_links(fig), "clean.html")
    assert clean == [] and drawn.canvas >= 1 and drawn.links == 0, clean  # and the map itself still draws


def test_a_notebooks_tile_maps_publish_drawn_on_geo_maps(small_run, offline_page, tmp_path):
    """Thirteenth hostile pass: a notebook's map on tiles (scattermap) published blank: MapLibre draws in a worker
    made from the page's code, and a page opened from a file gets none. A published page draws every tile-map
    trace's data on a geo map fitted to it (points, a GeoJSON's shapes, a density's points), fetching nothing."""
    import nbformat

    folder, _ = small_run
    nb = nbformat.read(next(folder.glob("notebooks/04_pilot_survey*_en.ipynb")), as_version=4)
    shape = {"type": "FeatureCollection", "features": [{"type": "Feature", "id": "A", "properties": {}, "geometry": {
        "type": "Polygon", "coordinates": [[[68, 38], [69, 38], [69, 39], [68, 39], [68, 38]]]}}]}
    figure = {"data": [{"type": "scattermap", "lat": [38.56, 37.49], "lon": [68.77, 71.55], "mode": "markers+text",
                        "text": ["Dushanbe", "Khorog"], "marker": {"size": 14, "color": "#c00"}},
                       {"type": "choroplethmap", "geojson": shape, "locations": ["A"], "z": [1], "subplot": "map2"},
                       {"type": "densitymap", "lat": [38, 39], "lon": [70, 71], "z": [1, 2], "below": "x"}],
              "layout": {"map": {"style": "open-street-map", "domain": {"x": [0, 0.5]}, "zoom": 5},
                         "map2": {"domain": {"x": [0.5, 1]}, "layers": [{"source": "https://example.invalid/t"}]},
                         "height": 400}}
    out = nbformat.v4.new_output("display_data", data={"application/vnd.plotly.v1+json": figure, "text/plain": "map"})
    nb.cells.insert(len(nb.cells) - 1, nbformat.v4.new_code_cell("fig", outputs=[out]))
    saved = tmp_path / "04_pilot_survey.ipynb"
    nbformat.write(nb, saved)
    proc = run_cli("publish", str(saved), "--outputs", str(tmp_path / "pub"))
    assert proc.returncode == 0, proc.stderr
    (path,) = [p for p in (tmp_path / "pub").rglob("*.html") if "04_pilot_survey" in p.name]
    page = offline_page(path)
    page.page.evaluate("() => [...document.querySelectorAll('.plotly-figure')].forEach(e => e.scrollIntoView())")
    # the three traces drawn on two geo maps: the two towns with their names, the shape, the density's two points
    page.wait_until("document.querySelectorAll('.geo .scattergeo path.point').length == 4")
    drawn = page.page.evaluate("""() => ({shapes: document.querySelectorAll('.geo .choroplethlocation').length,
        names: [...document.querySelectorAll('.geo .scattergeo text')].map(t => t.textContent),
        tiles: document.querySelectorAll('.maplibregl-map, canvas.maplibregl-canvas').length})""")
    assert drawn == {"shapes": 1, "names": ["Dushanbe", "Khorog"], "tiles": 0}, drawn
    assert page.requests == [] and page.errors == [], (page.requests, page.errors)


def test_a_tile_maps_shapes_turn_clockwise_for_a_geo_map():
    """plotly's geo maps draw a counter-clockwise outer ring as the globe minus the shape (a tile map does not
    care): a published tile map's polygons are turned clockwise, their holes counter-clockwise, anything
    malformed left as it is. The signed areas were worked out by hand (shoelace: +1 for the unit square
    counter-clockwise)."""
    from analytics.publish.tile_maps import clockwise

    ccw = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]
    hole_cw = [[0.2, 0.2], [0.2, 0.8], [0.8, 0.8], [0.8, 0.2], [0.2, 0.2]]
    got = clockwise({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ccw, hole_cw]}},
        {"type": "Feature", "geometry": {"type": "MultiPolygon", "coordinates": [[ccw[::-1]]]}},
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [["x", None]]}}]})
    first, second, third = (f["geometry"]["coordinates"] for f in got["features"])
    assert first == [ccw[::-1], hole_cw[::-1]] and second == [[ccw[::-1]]] and third == [["x", None]]


def test_chart_json_in_a_page_keeps_letters_and_escapes_what_could_end_its_script():
    """A chart's JSON keeps Cyrillic letters as written (as \\u escapes they took six bytes each: 0.15 MB of each
    Russian or Tajik book), and still escapes what could end or swallow its <script> element (<, >, &), the line
    separators older browsers end a script line at, and a lone surrogate (a UTF-8 page cannot hold one)."""
    import json

    from analytics.publish.export import _script_json

    value = {"text": "Душанбе</script><!--&\u2028\u2029\ud800", "emoji": "😀"}
    out = _script_json(value)
    assert "Душанбе" in out and "😀" in out and json.loads(out) == value
    assert not set(out) & set("<>&\u2028\u2029") and not any(0xD800 <= ord(c) <= 0xDFFF for c in out)
    out.encode("utf-8")  # a page holding it can be written
