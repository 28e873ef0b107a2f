"""The results contract kept by every panel of every notebook, a publisher that knows no capability, and
parameters cells that are their declarations."""

from __future__ import annotations

import ast
import re

import pytest

from analytics.core.i18n import _documents, column_rules
from analytics.core.results import Result, contract_problems, tidy_problems
from analytics.report.panel import Panel, Reading
from analytics.run.notebooks import generated_source

from . import inprocess
from .conftest import ROOT

SRC = ROOT / "src" / "analytics"
CAPABILITIES = sorted(d.name for d in SRC.iterdir() if (d / "params.py").is_file())
#: Every notebook with parameters that keep it quick (each is a declared parameter of the notebook).
QUICK = {"00_country_profile": {}, "01_access_gaps": {"n_replicates": 40, "n_draws": 20, "grid_km": 5.0},
         "02_connectivity": {}, "03_uptake_scenarios": {"n_draws": 300}, "04_pilot_survey": {"n_replicates": 40}}


@pytest.fixture(scope="module")
def notebook_runs():
    """Each notebook run in this process (the cells of its tracked .py), for the country."""
    assert sorted(QUICK) == sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9]*.py")), "add the notebook here"
    return {nb: inprocess.run(nb, **params) for nb, params in QUICK.items()}


def test_every_panel_of_every_notebook_keeps_the_results_contract(notebook_runs):
    results = 0
    for nb, namespace in notebook_runs.items():
        for name, panel in inprocess.panels(namespace).items():
            if panel.result is None:  # a panel of sentences or charts only
                continue
            results += 1
            assert isinstance(panel.result, Result), (nb, name)
            assert contract_problems(panel.result) == [], (nb, name, contract_problems(panel.result))
    assert results >= 20  # 3 + 6 + 3 + 5 + 5 panels publish a table today


def test_a_result_without_to_frame_is_refused():
    class SummaryOnly:
        def summary(self) -> str:
            return "a result that publishes nothing"

    assert not isinstance(SummaryOnly(), Result)
    assert contract_problems(SummaryOnly()) == ["SummaryOnly has no to_frame()"]
    with pytest.raises(TypeError, match="results contract"):
        Panel(Reading(), result=SummaryOnly())


def test_the_tidy_rules_catch_untidy_frames():
    import pandas as pd

    assert tidy_problems(pd.DataFrame({"rate": [0.1], "rate_low": [0.0], "rate_high": [0.2]})) == []
    assert tidy_problems(pd.DataFrame({"Rate %": [1]}))  # not snake_case
    assert tidy_problems(pd.DataFrame({"rate": [0.1], "rate_low": [0.0]}))  # a bound without its pair
    assert tidy_problems(pd.DataFrame({"rate": [0.1], "rate_low": ["0"], "rate_high": ["1"]}))  # text bounds
    assert tidy_problems(pd.DataFrame({"rate": [0.1]}, index=pd.Index(["a"], name="area")))  # data in the index
    assert tidy_problems([1, 2])


def _capability_words() -> tuple[re.Pattern, set[str]]:
    """Key prefixes that one capability's catalog alone uses (``access.``, ``nb01.`` …; a prefix several
    catalogs use, such as ``col.`` or ``units.``, is a shared pattern), and the columns capability catalogs declare."""
    users: dict[str, set[str]] = {}
    for rel, doc in _documents():
        for key in doc:
            users.setdefault(key.split(".")[0], set()).add(rel.split("/")[0])
    owned = {prefix for prefix, who in users.items() if len(who) == 1 and next(iter(who)) in CAPABILITIES}
    columns, shared = set(), set()
    for rel, doc in _documents():
        section = doc.get("columns") or {}
        named = set(section.get("values") or {}) | set(section.get("headings") or {}) | set(section.get("shares") or ())
        # a column the shared report catalog names too (the research ``question``) is not one capability's
        (columns if rel.split("/")[0] in CAPABILITIES else shared).update(named)
    shared_parameters = {"country", "region", "language", "scenario"}  # declared once in core.declarations
    return re.compile(rf"^({'|'.join(sorted(owned))})\."), columns - shared_parameters - shared


def capability_words_in(source: str) -> list[str]:
    """String constants of a module that name a capability, its catalog keys or its coded columns."""
    keys, columns = _capability_words()
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
            if keys.match(text) or text in columns or text in CAPABILITIES:
                found.append(text)
    return found


def test_the_publisher_names_no_capability():
    """publish/ reads what a table holds from the catalogs' columns sections: a new capability edits no publisher."""
    assert column_rules()["values"]["settlement"] == ["access.{}"]  # declared by the access catalog
    found = {p.name: w for p in (SRC / "publish").rglob("*.py")
             if (w := capability_words_in(p.read_text(encoding="utf-8")))}
    assert found == {}
    # the scan sees a capability key or column put back into the publisher
    assert capability_words_in('VALUE_KEYS = {"stage": "uptake.stage_{}"}') == ["stage", "uptake.stage_{}"]
    assert capability_words_in('heading = texts(f"access.col_{column}")') == ["access.col_"]


@pytest.mark.parametrize("notebook", sorted(QUICK))
def test_each_parameters_cell_is_generated_from_its_declaration(notebook, tmp_path):
    py = ROOT / "notebooks" / f"{notebook}.py"
    assert py.read_text(encoding="utf-8") == generated_source(py), "run `analytics cells` (make notebooks)"
    # a cell that disagrees with its declaration is caught
    broken = tmp_path / py.name
    broken.write_text(py.read_text(encoding="utf-8").replace(': str = "tjk"', ': str = "kgz"', 1), encoding="utf-8")
    assert broken.read_text(encoding="utf-8") != generated_source(broken)


@pytest.mark.parametrize("notebook", sorted(QUICK))
def test_cells_for_live_sessions_only_are_tagged_so_the_runner_leaves_them_out(notebook):
    from analytics.run.kernels import LIVE_ONLY

    for tags, source in inprocess.cells(notebook):
        live = [line for line in source.splitlines() if re.match(r"(explore|sliders)\(", line)]
        if live:  # a drop-down bar or the sliders: their own cell, tagged
            assert LIVE_ONLY in tags and "remove-cell" in tags, (notebook, source)
            assert len([line for line in source.splitlines() if line.strip()]) == len(live), (notebook, source)
        else:
            assert LIVE_ONLY not in tags, (notebook, source)
