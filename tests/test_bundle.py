"""The partial plotly.js bundle: the trace types it registers, its version, and a reproducible build."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from analytics.publish import bundle

from .conftest import ROOT

TOOL = ROOT / "tools" / "plotly-bundle"


def test_bundle_registers_exactly_the_listed_trace_types(browser, tmp_path):
    page = tmp_path / "bundle.html"
    page.write_text(f"<!DOCTYPE html><html><body><script>{bundle.partial_js()}</script></body></html>",
                    encoding="utf-8")
    tab = browser.new_page()
    errors = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.goto(page.as_uri())
    registered = set(tab.evaluate("Object.keys(Plotly.PlotSchema.get().traces)"))
    tab.close()
    assert errors == []
    assert registered == set(bundle.TRACES)
    # index.js, which the bundle is built from, lists the same types (scatter is in plotly.js's core)
    required = set(re.findall(r"require\('plotly\.js/lib/(\w+)'\)", (TOOL / "index.js").read_text()))
    assert required - {"core"} | {"scatter"} == set(bundle.TRACES)


def test_bundle_is_the_version_plotly_py_embeds():
    from analytics.publish.export import plotly_js

    full = re.search(r"plotly\.js v(\d+\.\d+\.\d+)", plotly_js()[:200]).group(1)
    partial = re.search(r"plotly\.js v(\d+\.\d+\.\d+)", bundle.partial_js()[:200]).group(1)
    assert partial == full
    assert (ROOT / "src" / "analytics" / "publish" / "assets" / "plotly-LICENSE.txt").is_file()


def test_every_trace_type_the_notebooks_draw_is_in_the_bundle(small_run):
    folder, outcomes = small_run
    drawn = set()
    for o in outcomes:
        drawn |= bundle.trace_types((folder / o.html).read_text(encoding="utf-8"))
    assert drawn and drawn <= bundle.TRACES, drawn - bundle.TRACES


def test_a_page_with_another_trace_type_falls_back_to_the_full_bundle():
    from analytics.publish.export import plotly_js

    pie = '<script type="application/json" data-figure="f-0">{"data":[{"type":"pie"}],"layout":{}}</script>'
    assert bundle.plotly_for(pie) == plotly_js()
    bar = pie.replace('"pie"', '"bar"')
    assert bundle.plotly_for(bar) == bundle.partial_js()


def test_the_bundle_rebuilds_byte_for_byte_from_the_pinned_npm_packages(tmp_path):
    """npm ci from the lock file, then the build script: the committed bundle is what they make."""
    if shutil.which("npm") is None:
        pytest.fail("npm is needed to rebuild the plotly.js bundle (Debian: apt-get install -y npm)")
    work = tmp_path / "tool"
    shutil.copytree(TOOL, work, ignore=shutil.ignore_patterns("node_modules"))
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=work, check=True,
                   capture_output=True, timeout=600)
    out = tmp_path / "out" / "plotly-partial.min.js"
    out.parent.mkdir()
    subprocess.run(["node", "build.js", str(out)], cwd=work, check=True, capture_output=True, timeout=300)
    assert out.read_bytes() == (ROOT / "src" / "analytics" / bundle.ASSET).read_bytes()
