"""Briefing files: which notebooks to run with which parameters, in which languages.

A briefing is YAML::

    title: {en: "...", ru: "...", tg: "..."}   # or one string
    country: tjk                               # the country pack
    languages: [en, ru]
    jobs:
      - notebook: 00_country_profile
        name: profile                          # optional: prefix of the job names (default: notebook)
        grid:                                  # every combination is a job
          region: [all, TJ-DU, TJ-SU]
        parameters:                            # the same for every job of this entry
          year_from: 2000

Every job also gets ``country`` and ``language`` when its notebook declares them. Before
anything runs, :func:`load` checks the file, every notebook and every parameter (name,
type and, for country/region/language, value) and reports every problem at once.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..core import i18n
from ..core.errors import ParameterError

TOP_KEYS = {"title", "country", "languages", "jobs", "description"}
JOB_KEYS = {"notebook", "grid", "parameters", "name"}


@dataclass
class Job:
    """One notebook run with one set of parameters in one language."""

    name: str
    notebook: Path
    parameters: dict[str, Any]
    language: str

    @property
    def anchor(self) -> str:
        """File stem and HTML id of the job (its name, made file- and HTML-safe)."""
        from ..publish.chrome import safe_id

        return safe_id(self.name)


@dataclass
class Briefing:
    """A validated briefing file and the jobs it expands to."""

    path: Path
    name: str
    title: dict[str, str]
    country: str
    languages: list[str]
    jobs: list[Job] = field(default_factory=list)

    def title_in(self, language: str) -> str:
        return self.title.get(language) or self.title.get("en") or self.name

    def summary(self) -> str:
        return (f"Briefing '{self.name}' ({self.country}): {len(self.jobs)} jobs in "
                f"{', '.join(self.languages)}")


def _slug(value: Any) -> str:
    return re.sub(r"[^A-Za-z0-9-]+", "-", str(value)).strip("-") or "x"


def job_name(notebook: str, grid_values: dict[str, Any], language: str) -> str:
    """A file-safe, unique job name: notebook, grid values, language."""
    parts = [notebook] + [_slug(v) for v in grid_values.values()] + [language]
    return "_".join(parts)


def load(path: str | Path) -> Briefing:
    """Read, check and expand a briefing file.

    Raises
    ------
    ParameterError
        Naming the file, the job, the parameter and the valid choices, for a file that is
        not YAML, an unknown key, a missing notebook, an unknown or mistyped parameter, or
        an unknown country, region or language.
    """
    from .notebooks import check, notebook_path

    path = Path(path)
    if not path.exists():
        raise ParameterError(f"briefing file {path} not found")
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ParameterError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(doc, dict):
        raise ParameterError(f"{path}: expected a mapping with title, country, languages and jobs")
    problems = [f"{path}: unknown key {k!r}; expected {', '.join(sorted(TOP_KEYS))}"
                for k in doc if k not in TOP_KEYS]
    languages = doc.get("languages") or [i18n.SOURCE_LANGUAGE]
    for lang in languages:
        if lang not in i18n.LANGUAGES:
            problems.append(f"{path}: language {lang!r} is not available; choose from "
                            f"{', '.join(i18n.LANGUAGES)}")
    title = doc.get("title") or path.stem
    title = title if isinstance(title, dict) else dict.fromkeys(languages, str(title))
    country = str(doc.get("country", "tjk"))
    entries = doc.get("jobs")
    if not isinstance(entries, list) or not entries:
        problems.append(f"{path}: 'jobs' must be a non-empty list")
        entries = []
    briefing = Briefing(path=path, name=path.stem, title=title, country=country, languages=list(languages))
    seen: set[str] = set()
    for k, entry in enumerate(entries, start=1):
        where = f"{path}: job {k}"
        if not isinstance(entry, dict) or "notebook" not in entry:
            problems.append(f"{where}: expected a mapping with a 'notebook'")
            continue
        problems += [f"{where}: unknown key {key!r}; expected {', '.join(sorted(JOB_KEYS))}"
                     for key in entry if key not in JOB_KEYS]
        try:
            nb = notebook_path(str(entry["notebook"]))
            declared = _names(nb)
        except ParameterError as exc:
            problems.append(f"{where}: {exc}")
            continue
        grid = entry.get("grid") or {}
        fixed = entry.get("parameters") or {}
        if not isinstance(grid, dict) or not all(isinstance(v, list) and v for v in grid.values()):
            problems.append(f"{where}: 'grid' must map parameter names to non-empty lists")
            continue
        combos = [dict(zip(grid, values, strict=True)) for values in itertools.product(*grid.values())] or [{}]
        for combo in combos:
            for lang in languages:
                values = {**fixed, **combo}
                if "country" in declared:
                    values.setdefault("country", country)
                if "language" in declared:
                    values["language"] = lang
                name = job_name(str(entry.get("name") or nb.stem), combo, lang)
                if name in seen:
                    continue
                seen.add(name)
                try:
                    values = check(nb, values, job=name)
                except ParameterError as exc:
                    problems.append(f"{path}: {exc}")
                    continue
                briefing.jobs.append(Job(name=name, notebook=nb, parameters=values, language=lang))
    if problems:
        raise ParameterError("\n".join(dict.fromkeys(problems)))
    return briefing


def _names(notebook: Path) -> set[str]:
    """Names of the parameters a notebook takes (its capability's declaration, else its parameters cell)."""
    from .notebooks import cell_parameters, declared

    decl = declared(notebook)
    return set(decl.names()) if decl is not None else set(cell_parameters(notebook))
