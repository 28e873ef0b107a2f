"""The assumptions file of a pack: every modelled number with its source or reason."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..core import yamlio
from ..core.errors import DataError, Problem
from . import files

FILE = "assumptions.yaml"


def read(pack: Path) -> dict[str, Any]:
    """Read ``assumptions.yaml`` of a pack; check every entry has a value and a source or reason."""
    path = Path(pack) / FILE
    if not path.exists():
        raise DataError([Problem(f"{Path(pack).name}/{FILE}", "assumptions file not found")])
    label = f"{Path(pack).name}/{FILE}"
    try:
        doc = yamlio.load(files.read_text(Path(pack), path, label)) or {}
    except (yamlio.YamlProblem, yaml.YAMLError, UnicodeDecodeError, RecursionError) as exc:
        raise DataError([Problem(label, f"not a valid assumptions file: {yamlio.one_line(exc)}")]) from None
    if not isinstance(doc, dict):
        raise DataError([Problem(label, "expected a mapping of sections of named assumptions, each with a "
                                        "value and a source or why")])
    problems = []
    for section, entries in doc.items():
        if not isinstance(entries, dict | None):
            problems.append(Problem(label, f"section '{section}' is {type(entries).__name__} {str(entries)[:40]!r}; "
                                           "expected a mapping of named assumptions, each with a value and a source "
                                           "or why (or, for a single one, value and source or why)"))
            continue
        items = {section: entries} if "value" in (entries or {}) else (entries or {})
        for name, entry in items.items():
            if not isinstance(entry, dict) or "value" not in entry or not (entry.get("source") or entry.get("why")):
                problems.append(Problem(f"{Path(pack).name}/{FILE}",
                                        f"'{section}.{name}' needs a value and a source or why"))
    seed = (doc.get("seed") or {}).get("value") if isinstance(doc.get("seed"), dict) else None
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**32):
        problems.append(Problem(label, f"'seed.seed' is {str(seed)[:40]!r}; expected a whole number from 0 to "
                                       "4294967295 (the random seed of the modelled tables)"))
    if problems:
        raise DataError(problems)
    return doc


def values(doc: dict[str, Any], section: str) -> dict[str, Any]:
    """The plain values of one section (``{"urban_total": 2528000, ...}``)."""
    entries = doc.get(section) or {}
    if "value" in entries:
        return entries["value"]
    return {k: v["value"] for k, v in entries.items()}

