"""A pack's names in each reader language: ``<pack>/locales/<lang>.yaml``.

A pack may add or override only names — keys starting with ``region.``, ``district.``,
``table.`` or ``area.`` — each a plain text. Anything else (a notebook's markdown key, a
sentence, a nested value) is a validation error: a pack cannot change what the suite's
pages say, only what they call places and tables.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from ..core import yamlio
from ..core.errors import DataError, Problem
from ..core.i18n import LANGUAGES, NAME_PREFIXES

FOLDER = "locales"


def read_names(pack: Path) -> dict[str, dict[str, str]]:
    """The names of a pack by language; raise :class:`DataError` for a key or value not allowed."""
    out: dict[str, dict[str, str]] = {}
    problems: list[Problem] = []
    for language in LANGUAGES:
        path = pack / FOLDER / f"{language}.yaml"
        label = f"{pack.name}/{FOLDER}/{language}.yaml"
        if path.exists() and not path.is_file():
            problems.append(Problem(label, "expected a YAML file of names; found a folder"))
            continue
        if not path.is_file():
            continue
        try:
            doc = yamlio.load(path.read_text(encoding="utf-8")) or {}
        except yamlio.YamlProblem as exc:
            problems.append(Problem(label, str(exc)))
            continue
        except (yaml.YAMLError, UnicodeDecodeError, RecursionError) as exc:
            problems.append(Problem(label, f"not valid YAML: {yamlio.one_line(exc)}"))
            continue
        if not isinstance(doc, dict):
            problems.append(Problem(label, "expected a mapping of name keys to texts"))
            continue
        bad = [str(k) for k in doc if not str(k).startswith(NAME_PREFIXES)]
        if bad:
            problems.append(Problem(label, f"keys {', '.join(repr(k) for k in bad[:5])} are not allowed; a pack may "
                                           f"only add or override names ({', '.join(p + '*' for p in NAME_PREFIXES)})"))
        nested = [str(k) for k, v in doc.items() if not isinstance(v, str | int | float)]
        if nested:
            problems.append(Problem(label, f"keys {', '.join(repr(k) for k in nested[:5])} must map to plain text"))
        out[language] = {str(k): str(v) for k, v in doc.items() if str(k).startswith(NAME_PREFIXES)
                         and isinstance(v, str | int | float)}
    if problems:
        raise DataError(problems)
    return out
