"""Notebook parameters: the declaration of a notebook's capability, checked before any kernel starts.

A notebook names its capability in its metadata (``"analytics": {"capability": "access"}``);
the capability declares the parameters (:mod:`analytics.core.declarations`). Values are checked
against that declaration — names, types, choices, ranges, order rules — and the values that
depend on a country pack (``country``, ``region``) against the packs. A notebook without a
capability (a test fixture) is checked against its parameters cell, read with papermill:
names and types only. papermill itself only warns about an unknown name.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..core import paths
from ..core.declarations import Declaration, declaration
from ..core.errors import ParameterError
from ..packs.choices import pack_problems

#: Python types accepted for each annotation papermill infers (notebooks without a declaration).
_TYPES: dict[str, tuple[type, ...]] = {"str": (str,), "int": (int,), "float": (int, float), "bool": (bool,),
                                       "list": (list,), "dict": (dict,)}


@dataclass(frozen=True)
class CellParameter:
    """One parameter as written in a notebook's parameters cell (read by papermill)."""

    name: str
    type: str
    default: str
    help: str

    def describe(self) -> str:
        return f"{self.name} ({self.type}, default {self.default})" + (f": {self.help}" if self.help else "")


def notebook_path(notebook: str | Path) -> Path:
    """Resolve a notebook name (``00_country_profile``) or path to an existing ``.ipynb``."""
    p = Path(notebook)
    candidates = [p, p.with_suffix(".ipynb"), paths.notebooks_dir() / p.name,
                  (paths.notebooks_dir() / p.name).with_suffix(".ipynb")]
    for c in candidates:
        if c.suffix == ".ipynb" and c.is_file():
            return c.resolve()
    if p.exists():
        raise ParameterError(f"{notebook} is not a notebook (.ipynb file)")
    available = sorted(x.stem for x in paths.notebooks_dir().glob("[0-9]*.ipynb"))
    if not available and any(paths.notebooks_dir().glob("[0-9]*.py")):
        raise ParameterError(f"notebook {str(notebook)!r} not found: the notebooks are kept as .py files; "
                             "run `make notebooks` (jupytext --sync notebooks/*.py) to make them")
    raise ParameterError(f"notebook {str(notebook)!r} not found; available: {', '.join(available)}")


def capability(notebook: str | Path) -> str | None:
    """The capability a notebook belongs to, from its metadata (``None`` for a plain notebook)."""
    path = notebook_path(notebook)
    return _capability(path, paths.fingerprint(path))


@cache
def _capability(path: Path, _key: tuple) -> str | None:
    """``capability``, read once per version of the notebook file."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as exc:
        raise ParameterError(f"notebook {path.name} cannot be read: {exc}") from None
    meta = doc.get("metadata") if isinstance(doc, dict) else None
    if not isinstance(meta, dict) or not isinstance(doc.get("cells"), list):
        raise ParameterError(f"{path} is not a Jupyter notebook (expected cells and metadata)")
    found = meta.get("analytics", {}).get("capability") if isinstance(meta.get("analytics"), dict) else None
    return str(found) if found else None


def declared(notebook: str | Path) -> Declaration | None:
    """The parameter declaration of a notebook's capability, or ``None``."""
    cap = capability(notebook)
    return declaration(cap) if cap else None


def cell_parameters(notebook: str | Path) -> dict[str, CellParameter]:
    """The parameters cell of a notebook, read with papermill's inspection."""
    from papermill.inspection import inspect_notebook

    path = notebook_path(notebook)
    try:
        found = inspect_notebook(str(path))
    except Exception as exc:  # noqa: BLE001 - nbformat raises many kinds for a malformed notebook
        raise ParameterError(f"notebook {path.name} cannot be inspected: {type(exc).__name__}: {exc}") from None
    return {name: CellParameter(name, str(p.get("inferred_type_name") or "None"), str(p.get("default")),
                                str(p.get("help") or "")) for name, p in found.items()}


def _pack_choices(param, country: str | None, data_root: str) -> str:
    """The values a pack offers for a pack-dependent parameter (its scenarios, regions, reader languages)."""
    from ..packs.choices import region_codes, scenario_names
    from ..packs.locales import pack_languages

    if param.source not in ("scenario", "region", "language") or not country \
            or not (Path(data_root) / country / "pack.yaml").is_file():
        return ""
    offered = {"scenario": lambda: scenario_names(country, data_root),
               "region": lambda: ("all", *region_codes(country, data_root)),
               "language": lambda: tuple(pack_languages(Path(data_root) / country))}[param.source]()
    return f"; in the {country} pack one of " + ", ".join(f'"{n}"' for n in offered)


def describe(notebook: str | Path, pack: Path | None = None) -> list[str]:
    """One line per parameter of a notebook: name, type, default, meaning, allowed values (those of the
    default country's pack, or of the pack folder ``pack``)."""
    decl = declared(notebook)
    if decl is not None:
        country = next((p.default for p in decl.params if p.source == "country"), None)
        root = str(paths.data_root())
        if pack is not None:
            if not (Path(pack) / "pack.yaml").is_file():
                raise ParameterError(f"--pack {pack}: not a country pack folder (no pack.yaml)")
            country, root = Path(pack).resolve().name, str(Path(pack).resolve().parent)
        return [p.describe() + _pack_choices(p, country, root) for p in decl.params]
    return [p.describe() for p in cell_parameters(notebook).values()]


def _cell_problems(cells: dict[str, CellParameter], values: dict[str, Any]) -> list[str]:
    out = []
    for key, value in values.items():
        if key not in cells:
            valid = "".join(f"\n  - {p.describe()}" for p in cells.values())
            out.append(f"unknown parameter {key!r}. Valid parameters:{valid}")
            continue
        want = cells[key].type
        ok = _TYPES.get(want)
        if ok and (not isinstance(value, ok) or (want in ("int", "float") and isinstance(value, bool))):
            out.append(f"parameter {key!r} expects {want} (default {cells[key].default}), "
                       f"got {value!r} ({type(value).__name__})")
    return out


def check_job(notebook: str | Path, values: dict[str, Any], job: str | None = None) -> dict[str, Any]:
    """Check parameter values for a notebook; return the effective values (defaults filled in).

    Raises
    ------
    ParameterError
        One line per problem, naming the job, the parameter and the allowed values.
    """
    name = Path(notebook).stem
    where = f"job {job!r} ({name})" if job else f"notebook {name}"
    try:
        decl = declared(notebook)
    except ParameterError as exc:  # the notebook's metadata names no capability of the suite
        raise ParameterError(f"{notebook}: {exc}") from None
    if decl is not None:
        problems = decl.problems(values)
        full = decl.effective(values)
        if not problems:
            problems = pack_problems(decl, full)
    else:
        cells = cell_parameters(notebook)
        problems = _cell_problems(cells, values)
        full = dict(values)
    if problems:
        raise ParameterError("\n".join(f"{where}: {p}" for p in problems))
    return full


def parse_assignments(pairs: list[str]) -> dict[str, Any]:
    """Parse ``name=value`` strings from the command line; values are read as YAML scalars."""
    import yaml

    out = {}
    for pair in pairs:
        if "=" not in pair:
            raise ParameterError(f"parameter {pair!r} is not of the form name=value")
        key, _, raw = pair.partition("=")
        if key.strip() in out:
            raise ParameterError(f"parameter {key.strip()!r} is given twice")
        try:
            out[key.strip()] = yaml.safe_load(raw) if raw.strip() else ""
        except yaml.YAMLError:
            out[key.strip()] = raw
    return out


#: The line that opens a notebook's parameters cell in its tracked percent-format ``.py``.
PARAMETERS_CELL = '# %% tags=["parameters"]'
_CAPABILITY = re.compile(r"^#\s+capability:\s*([a-z_]+)\s*$", re.MULTILINE)


def generated_source(py: Path) -> str:
    """The text of a tracked notebook (``notebooks/NN_name.py``) with its parameters cell generated from its
    capability's declaration (:meth:`~analytics.core.declarations.Declaration.parameters_cell`)."""
    text = py.read_text(encoding="utf-8")
    found = _CAPABILITY.search(text)
    if found is None or PARAMETERS_CELL not in text:
        raise ParameterError(f"{py.name}: no capability in its header or no parameters cell")
    head, _, rest = text.partition(PARAMETERS_CELL + "\n")
    _, sep, tail = rest.partition("\n# %%")
    cell = declaration(found.group(1)).parameters_cell()
    return f"{head}{PARAMETERS_CELL}\n{cell}\n{sep}{tail}"


def write_parameters_cells(folder: Path | None = None) -> list[str]:
    """Write every tracked notebook's parameters cell from its declaration; the names of those changed."""
    changed = []
    for py in sorted((folder or paths.notebooks_dir()).glob("[0-9]*.py")):
        new = generated_source(py)
        if new != py.read_text(encoding="utf-8"):
            py.write_text(new, encoding="utf-8")
            changed.append(py.name)
    return changed
