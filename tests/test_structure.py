"""The shape of the package: layers enforced by import-linter, capabilities declared, modules small."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from analytics.core.declarations import declaration
from analytics.run.notebooks import capability, cell_parameters

from .conftest import ROOT

SRC = ROOT / "src" / "analytics"

#: Shared layers, from the top; every capability sits between publish and the shared estimators (models).
TOP = ["analytics.cli", "analytics.run", "analytics.publish"]
BOTTOM = ["analytics.models", "analytics.report", "analytics.packs", "analytics.core"]


def capabilities() -> list[str]:
    """Folders of the package that declare a notebook's parameters: the capabilities."""
    return sorted(d.name for d in SRC.iterdir() if (d / "params.py").is_file())


def test_layers_and_independent_capabilities():
    """The contract in pyproject.toml names every capability, and lint-imports keeps it."""
    import tomllib

    caps = [f"analytics.{c}" for c in capabilities()]
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    layers = next(c for c in contracts if c["type"] == "layers")["layers"]
    assert layers == [*TOP, " | ".join(caps), *BOTTOM], "add the new capability to the contract in pyproject.toml"
    assert next(c for c in contracts if c["type"] == "independence")["modules"] == caps
    proc = subprocess.run([str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 kept, 0 broken" in proc.stdout


def test_no_module_over_400_lines():
    long = {str(p.relative_to(SRC)): n for p in SRC.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}


@pytest.mark.parametrize("notebook", sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9]*.py")))
def test_each_notebook_belongs_to_a_capability_that_declares_its_parameters(notebook):
    """(That the parameters cell is generated from the declaration: tests/test_contract.py.)"""
    cap = capability(notebook)
    assert cap in capabilities(), f"{notebook} names capability {cap!r}"
    decl = declaration(cap)
    assert list(cell_parameters(notebook)) == decl.names()
    assert (SRC / cap / "catalog.yaml").is_file()
