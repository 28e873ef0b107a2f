"""The project's own habits: light import, dependency lists in step, notebooks paired and clean."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import jupytext
import yaml

from .conftest import ROOT

HEAVY = ("pandas", "plotly", "geopandas", "statsmodels", "papermill", "shapely")


def test_import_analytics_is_light():
    code = f"import sys, analytics; print([m for m in {HEAVY!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def _name_spec(req: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?\s*(.*)$", req)
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = dict(_name_spec(r) for r in project["dependencies"] + project["optional-dependencies"]["test"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = dict(_name_spec(d) for d in env["dependencies"] if isinstance(d, str))
    conda.pop("python"), conda.pop("pip")
    assert conda == wanted
    pip_part = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_part


def test_notebooks_are_tracked_as_py_and_generated_as_ipynb():
    # git tracks the percent-format .py files only: saving outputs in JupyterLab never changes git
    tracked = subprocess.run(["git", "ls-files", "notebooks"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    assert tracked and all(t.endswith(".py") for t in tracked), tracked
    notebooks = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
    assert {n.stem for n in notebooks} == {Path(t).stem for t in tracked}, "run `make notebooks`"
    for nb_path in notebooks:
        nb = json.loads(nb_path.read_text())
        paired = nb_path.with_suffix(".py")
        assert paired.exists(), f"{nb_path.name} has no percent-format .py pair"
        py = jupytext.read(paired)
        assert [c.source for c in py.cells] == ["".join(c["source"]) for c in nb["cells"]], \
            f"{nb_path.name} and {paired.name} differ: run `jupytext --sync {paired}`"
        params = [c for c in py.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(params) == 1
        for line in params[0].source.splitlines():
            assert re.match(r"^\w+: \w+ = .+  # .+$", line), f"untyped or uncommented parameter: {line}"
