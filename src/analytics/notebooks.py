"""Notebook parameters: reading a notebook's parameters cell and checking values against it.

papermill only warns about a parameter the notebook does not declare; here an unknown
name or a value of the wrong type stops the run with a message naming the valid choices.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .errors import ParameterError

#: Python types accepted for each annotation papermill infers.
_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
    "list": (list,),
    "dict": (dict,),
}


@dataclass(frozen=True)
class Parameter:
    """One parameter declared in a notebook's parameters cell."""

    name: str
    type: str
    default: str
    help: str

    def describe(self) -> str:
        return f"{self.name} ({self.type}, default {self.default})" + (f": {self.help}" if self.help else "")


def notebook_path(notebook: str | Path) -> Path:
    """Resolve a notebook name (``00_country_profile``) or path to an existing ``.ipynb``."""
    from . import paths

    p = Path(notebook)
    candidates = [p, p.with_suffix(".ipynb"), paths.notebooks_dir() / p.name,
                  (paths.notebooks_dir() / p.name).with_suffix(".ipynb")]
    for c in candidates:
        if c.suffix == ".ipynb" and c.exists():
            return c.resolve()
    available = sorted(x.stem for x in paths.notebooks_dir().glob("[0-9]*.ipynb"))
    raise ParameterError(f"notebook {str(notebook)!r} not found; available: {', '.join(available)}")


def parameters(notebook: str | Path) -> dict[str, Parameter]:
    """The parameters a notebook declares, read with papermill's inspection.

    Parameters
    ----------
    notebook : path
        A notebook with a cell tagged ``parameters``.

    Returns
    -------
    dict
        Parameter name to :class:`Parameter`.
    """
    from papermill.inspection import inspect_notebook

    path = notebook_path(notebook)
    try:
        found = inspect_notebook(str(path))
    except ValueError as exc:  # e.g. no kernel name in the notebook's metadata
        raise ParameterError(f"notebook {path.name} cannot be inspected: {exc}") from None
    return {name: Parameter(name, str(p.get("inferred_type_name") or "None"), str(p.get("default")),
                            str(p.get("help") or "")) for name, p in found.items()}


def check(notebook: str | Path, values: dict[str, Any], declared: dict[str, Parameter] | None = None,
          job: str | None = None) -> dict[str, Any]:
    """Check parameter values against a notebook's parameters cell.

    Parameters
    ----------
    notebook : path
        The notebook.
    values : dict
        Parameter values to pass.
    declared : dict, optional
        Result of :func:`parameters` (read if not given).
    job : str, optional
        Name of the job, for messages.

    Returns
    -------
    dict
        ``values``, unchanged, when every name is declared and every value has its type.

    Raises
    ------
    ParameterError
        Naming the job, the parameter and the valid choices.
    """
    declared = declared if declared is not None else parameters(notebook)
    name = Path(notebook).stem
    where = f"job {job!r} ({name})" if job else f"notebook {name}"
    problems = []
    for key, value in values.items():
        if key not in declared:
            valid = "".join(f"\n  - {p.describe()}" for p in declared.values())
            problems.append(f"{where}: unknown parameter {key!r}. Valid parameters:{valid}")
            continue
        want = declared[key].type
        ok = _TYPES.get(want)
        if ok and (not isinstance(value, ok) or (want in ("int", "float") and isinstance(value, bool))):
            problems.append(f"{where}: parameter {key!r} expects {want} (default {declared[key].default}), "
                            f"got {value!r} ({type(value).__name__})")
    if not problems:
        problems = check_values(values)
    if problems:
        raise ParameterError("\n".join(f"{where}: {p}" if not p.startswith(where) else p
                                        for p in problems))
    return values


def check_values(values: dict[str, Any]) -> list[str]:
    """Check the values of the parameters every notebook shares: country, region, language.

    Returns one message per problem (an unknown pack, region or language), naming the
    valid choices. Loading the pack also validates its data, so bad data stops a run
    before any notebook starts.
    """
    from . import i18n, paths

    problems = []
    language = values.get("language")
    if language is not None and language not in i18n.LANGUAGES:
        problems.append(f"parameter 'language' is {language!r}; choose one of {', '.join(i18n.LANGUAGES)}")
    scenario = values.get("scenario")
    if scenario is not None:
        from .online import SCENARIOS

        if scenario not in SCENARIOS:
            problems.append(f"parameter 'scenario' is {scenario!r}; choose one of {', '.join(SCENARIOS)}")
    age_band = values.get("age_band")
    if age_band is not None:
        from .access_pages import AGE_BANDS

        if age_band not in AGE_BANDS:
            problems.append(f"parameter 'age_band' is {age_band!r}; choose one of {', '.join(AGE_BANDS)}")
    if "country" in values or "region" in values:
        country = str(values.get("country", "tjk"))
        known = sorted(p.name for p in paths.data_root().iterdir() if (p / "pack.yaml").exists())
        if country not in known:
            problems.append(f"parameter 'country' is {country!r}; country packs available: {', '.join(known)}")
            return problems
        region = values.get("region", "all")
        if region != "all":
            codes = region_codes(country, str(paths.data_root()))
            if region not in codes:
                problems.append(f"parameter 'region' is {region!r}; use \"all\" or one of {', '.join(codes)}")
    return problems


@cache
def region_codes(country: str, data_root: str) -> tuple[str, ...]:
    """Region codes of a country pack (read once per process)."""
    from .data import load_pack

    return tuple(load_pack(country, data_root).regions["region_code"])


def effective(declared: dict[str, Parameter], values: dict[str, Any]) -> dict[str, Any]:
    """Every declared parameter with its value for a run: the given value, else the default."""
    import ast

    out = {}
    for name, p in declared.items():
        if name in values:
            out[name] = values[name]
            continue
        try:
            out[name] = ast.literal_eval(p.default)
        except (ValueError, SyntaxError):
            out[name] = p.default
    return out


def parse_assignments(pairs: list[str]) -> dict[str, Any]:
    """Parse ``name=value`` strings from the command line; values are read as YAML scalars."""
    import yaml

    out = {}
    for pair in pairs:
        if "=" not in pair:
            raise ParameterError(f"parameter {pair!r} is not of the form name=value")
        key, _, raw = pair.partition("=")
        try:
            out[key.strip()] = yaml.safe_load(raw) if raw.strip() else ""
        except yaml.YAMLError:
            out[key.strip()] = raw
    return out
