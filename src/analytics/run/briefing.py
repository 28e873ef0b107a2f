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

import hashlib
import itertools
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core import i18n, paths
from ..core.errors import ParameterError


@dataclass
class Job:
    """One notebook run with one set of parameters in one language; ``timeout`` the seconds its briefing entry
    allows it (None: the run's own)."""

    name: str
    notebook: Path
    parameters: dict[str, Any]
    language: str
    timeout: float | None = None

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
    about: dict[str, str] = field(default_factory=dict)

    def title_in(self, language: str) -> str:
        return self.title.get(language) or self.title.get("en") or self.name

    def summary(self) -> str:
        return (f"Briefing '{self.name}' ({self.country}): {len(self.jobs)} jobs in "
                f"{', '.join(self.languages)}")


def slug(value: Any) -> str:
    """A parameter value as part of a file name: letters, digits, ".", "-" (a minus sign is kept)."""
    return re.sub(r"[^A-Za-z0-9.-]+", "-", str(value)).strip(".") or "x"


def job_name(base: str, grid_values: dict[str, Any], language: str) -> str:
    """A file-safe job name: the entry's name (or notebook), the grid values, the language."""
    return "_".join([base, *(slug(v) for v in grid_values.values()), language])


def load(path: str | Path, notebooks: tuple | list = ()) -> Briefing:
    """Read, check and expand a briefing file; nothing runs before every problem is reported.

    A job runs one of the suite's notebooks (``notebooks/``); a notebook elsewhere on disk runs only
    when it is also in ``notebooks`` (named by the user on the command line, ``--notebook PATH``), so
    a briefing shipped beside a notebook in a contributed pack cannot run that notebook's code.

    Raises
    ------
    ParameterError
        One line per problem, naming the file (and line), the job, the parameter and the
        valid choices: a file that is not a small YAML text, a field of the wrong type, an
        unknown key, a missing notebook, a job name that is not a slug, two jobs that are the
        same, an unknown or mistyped parameter, a value outside its allowed range.
    """
    from . import briefing_file

    path = Path(path)
    doc, node = briefing_file.read(path)
    problems = briefing_file.shape_problems(doc, node, path, _languages_for(doc))
    if problems:
        raise ParameterError("\n".join(problems))
    languages = list(doc.get("languages") or [i18n.SOURCE_LANGUAGE])
    title = doc.get("title") or path.stem
    title = title if isinstance(title, dict) else dict.fromkeys(languages, str(title))
    briefing = Briefing(path=path, name=path.stem, title=title, country=str(doc["country"]),
                        languages=languages,
                        about={k: doc[k] for k in ("author", "organisation", "contact") if doc.get(k)})
    for named in notebooks:  # --notebook names a notebook the user means to run: it must be one
        if Path(named).suffix != ".ipynb" or not Path(named).is_file():
            raise ParameterError(f"--notebook {named}: not a notebook file (.ipynb)")
    planned, problems = _plan(briefing, doc["jobs"], path, {Path(n).resolve() for n in notebooks})
    problems += _name_jobs(briefing, planned, path, doc["jobs"])
    if problems:
        raise ParameterError("\n".join(dict.fromkeys(problems)))
    return briefing


#: Longest job name (it names the job's page and notebook files, with the language and a suffix added).
MAX_NAME = 120
#: Most jobs a briefing may make (every entry's grid product × languages).
MAX_JOBS = 5_000


def _repeated(values: list) -> list:
    """Values a grid list names more than once, 1 and 1.0 being one value (True and 1 are not)."""
    seen, out = set(), []
    for v in values:
        key = ("bool", v) if isinstance(v, bool) else ("number", v) if isinstance(v, int | float) else ("text", v)
        if key in seen:
            out.append(v)
        seen.add(key)
    return out


def _plan(briefing: Briefing, entries: list[dict], path: Path, allowed: set[Path]) -> tuple[list[tuple], list[str]]:
    """Every (entry number, base name, grid values, notebook, checked values, language) of the briefing."""
    from .notebooks import check_job, notebook_path

    planned, problems, total = [], [], 0
    for k, entry in enumerate(entries, start=1):
        try:
            nb = notebook_path(entry["notebook"])
            if nb.parent != paths.notebooks_dir().resolve() and nb not in allowed:
                raise ParameterError(f"notebook {nb} is not one of the suite's notebooks ({paths.notebooks_dir()}); "
                                     f"to run it, name it on the command line: --notebook {nb}")
            declared = _names(nb)
        except ParameterError as exc:
            problems.append(f"{path}: job {k}: {exc}")
            continue
        grid, fixed = entry.get("grid") or {}, entry.get("parameters") or {}
        size = math.prod(len(v) if isinstance(v, list) else 1 for v in grid.values()) * len(briefing.languages)
        total += size
        if total > MAX_JOBS:  # counted before any job is built: a small file can name a huge product
            problems.append(f"{path}: job {k}: the briefing's grids make {total:,} jobs up to here; a briefing runs "
                            f"at most {MAX_JOBS:,} (split it into several briefings)")
            break
        twice = [(n, v) for n, vals in grid.items() if isinstance(vals, list) for v in _repeated(vals)]
        if twice:  # 1 and 1.0 are one value: two jobs would compute the same page
            problems.append(f"{path}: job {k}: grid '{twice[0][0]}' lists {twice[0][1]!r} twice; expected each "
                            "value once")
            continue
        base = entry.get("name") or nb.stem
        for combo in [dict(zip(grid, vals, strict=True)) for vals in itertools.product(*grid.values())] or [{}]:
            for lang in briefing.languages:
                values = {**fixed, **combo}
                if "country" in declared:
                    values.setdefault("country", briefing.country)
                if "language" in declared:
                    values["language"] = lang
                name = job_name(base, combo, lang)
                try:
                    values = check_job(nb, values, job=name)
                except ParameterError as exc:
                    problems.append(f"{path}: {exc}")
                    continue
                planned.append((k, name, nb, values, lang))
    return planned, problems


def _name_jobs(briefing: Briefing, planned: list[tuple], path: Path, entries: list[dict]) -> list[str]:
    """Give every job a unique name (and its entry's own ``timeout``, entry ``k`` counted from 1); two jobs with
    the same notebook and parameters are an error.

    Jobs whose entry name and grid values agree (two entries for one notebook that differ in
    fixed ``parameters``) get the differing parameters added to their names.
    """
    problems, groups = [], {}
    for n, item in enumerate(planned):
        groups.setdefault(item[1], []).append(n)
    final: dict[int, str] = {}
    for name, members in groups.items():
        items = [planned[n] for n in members]
        keys = sorted({key for it in items for key in it[3]})
        differing = [key for key in keys if len({repr(it[3].get(key)) for it in items}) > 1]
        for n, (_k, _name, _nb, values, _lang) in zip(members, items, strict=True):
            suffix = "_".join(f"{key}-{slug(values.get(key))}" for key in differing)
            final[n] = f"{name}_{suffix}" if suffix else name
    for n, name in final.items():  # a long grid value (300 characters) would make a file name the system refuses
        if len(name) > MAX_NAME:
            values = planned[n][3]
            final[n] = name[:MAX_NAME - 9] + "-" + hashlib.sha256(repr(sorted(values.items())).encode()).hexdigest()[:8]
    taken: dict[tuple, list[int]] = {}
    for n, (_k, _name, _nb, _values, lang) in enumerate(planned):
        taken.setdefault((final[n], lang), []).append(n)
    for members in taken.values():  # values that make the same slug ("Ä" and "Ö" both "-"): told apart by a hash
        if len(members) > 1:
            for n in members:
                values = planned[n][3]
                final[n] += "-" + hashlib.sha256(repr(sorted(values.items())).encode("utf-8")).hexdigest()[:8]
    owner: dict[tuple, int] = {}
    for n, (k, _name, nb, values, lang) in enumerate(planned):
        identity = (str(nb), repr(sorted(values.items())))
        if identity in owner:
            first = planned[owner[identity]][0]
            problems.append(f"{path}: jobs {first} and {k} both run {nb.stem} with the same parameters "
                            f"({', '.join(f'{a}={b}' for a, b in values.items())}); remove one")
            continue
        owner[identity] = n
        briefing.jobs.append(Job(name=final[n], notebook=nb, parameters=values, language=lang,
                                 timeout=entries[k - 1].get("timeout")))
    return problems


def _languages_for(doc) -> tuple[str, ...]:
    """Reader languages a briefing may ask for: the suite's, and those its country pack adds."""
    from ..core import paths
    from ..packs.locales import pack_languages

    country = doc.get("country") if isinstance(doc, dict) else None
    if isinstance(country, str) and re.fullmatch(r"[a-z]{2,8}", country) and paths.pack_dir(country).is_dir():
        return tuple(dict.fromkeys([*pack_languages(paths.pack_dir(country)), *i18n.LANGUAGES]))
    return i18n.LANGUAGES


def _names(notebook: Path) -> set[str]:
    """Names of the parameters a notebook takes (its capability's declaration, else its parameters cell)."""
    from .notebooks import cell_parameters, declared

    decl = declared(notebook)
    return set(decl.names()) if decl is not None else set(cell_parameters(notebook))
