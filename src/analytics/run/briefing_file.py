"""Reading a briefing file safely and checking its shape, with the line of every problem.

The file must be a regular UTF-8 text file of at most :data:`MAX_BYTES`, read by
:mod:`analytics.core.yamlio` (no duplicate keys; few aliases, so an "alias bomb" stops at
once instead of filling memory); every field must have its type:

``title``        text, or a mapping of language code to text
``description``  text
``author``, ``organisation``, ``contact``  text, optional: shown on the methods page
``country``      a pack name (lower-case letters); required
``languages``    a non-empty list of language codes, each once
``jobs``         a non-empty list of mappings, each with ``notebook`` (text) and optionally
                 ``name`` (letters, digits, ``-``, ``_``), ``grid`` (parameter name to a non-empty
                 list of plain values), ``parameters`` (parameter name to a plain value) and
                 ``timeout`` (seconds each of the entry's jobs may take, a number from 1 to 86,400;
                 else the run's ``--timeout``)
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from ..core import yamlio
from ..core.errors import ParameterError, shown_key
from ..core.i18n import CONTROL

MAX_BYTES = 1_000_000
TOP_KEYS = ("title", "description", "author", "organisation", "contact", "country", "languages", "jobs")
JOB_KEYS = ("notebook", "name", "grid", "parameters", "timeout")
#: Longest per-job timeout a briefing entry may ask for (seconds: a day).
MAX_TIMEOUT = 86_400
#: A job name or a briefing file's stem: letters, digits, "-" and "_", starting with a letter or digit.
SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$")


def page_name(notebook: Path) -> str:
    """The name a notebook run on its own publishes under (its file name), refused unless it is a slug: it
    becomes a folder and a file of the run, so ``..``, ``/`` or markup never do."""
    if not SLUG.match(Path(notebook).stem):
        raise ParameterError(f"{notebook}: a notebook's file name names its published page, so it must be letters, "
                             "digits, '-' and '_' before .ipynb (rename it, e.g. my_notebook.ipynb)")
    return Path(notebook).stem
SCALARS = (str, int, float, bool)


def read(path: Path) -> tuple[Any, yaml.Node]:
    """Read a briefing file: its data and its YAML node tree (for line numbers).

    Raises
    ------
    ParameterError
        For a missing file, a folder, a file too large, not text, or not valid YAML.
    """
    if not path.exists():
        raise ParameterError(f"briefing file {path} not found")
    if not path.is_file():
        raise ParameterError(f"{path} is not a file; give a briefing file (briefings/*.yaml)")
    if path.stat().st_size > MAX_BYTES:
        raise ParameterError(f"{path}: {path.stat().st_size:,} bytes; a briefing file holds at most {MAX_BYTES:,}")
    if not SLUG.match(path.stem):
        raise ParameterError(f"{path}: the file name {path.stem[:90]!r} names the run's folder, so it must be "
                             "letters, digits, '-' and '_', at most 80 of them (e.g. tajikistan.yaml)")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ParameterError(f"{path}: not a UTF-8 text file") from None
    if "\x00" in text:
        raise ParameterError(f"{path}: not a text file (it holds NUL bytes)")
    try:
        node = yamlio.compose(text)
        doc = yamlio.load(text) if node is not None else None
    except yamlio.YamlProblem as exc:
        raise ParameterError(f"{path}: {exc}") from None
    except (yaml.YAMLError, RecursionError) as exc:
        raise ParameterError(f"{path}: not valid YAML: {yamlio.one_line(exc)}") from None
    return doc, node


def _child(node: yaml.Node | None, key) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == key:
                return v
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        return node.value[key]
    return None


def line(node: yaml.Node | None, *keys) -> str:
    """``"line N"`` of the value at ``keys`` in the node tree (or of the nearest parent found)."""
    found = node
    for key in keys:
        nxt = _child(found, key)
        if nxt is None:
            break
        found = nxt
    return f"line {found.start_mark.line + 1}" if found is not None else "the file"


def _kind(value: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false", int: "a whole number",
            float: "a number", type(None): "nothing"}.get(type(value), type(value).__name__)


def shape_problems(doc: Any, node: yaml.Node | None, path: Path, languages: tuple[str, ...]) -> list[str]:
    """Every problem with the shape of a briefing, one line each, with its line number."""
    if not isinstance(doc, dict):
        return [f"{path}: expected a mapping with title, country, languages and jobs; found {_kind(doc)}"]
    out = []

    def bad(keys: tuple, message: str) -> None:
        out.append(f"{path} ({line(node, *keys)}): {message}")

    out += [f"{path} ({line(node, k)}): unknown key {shown_key(k)}; expected {', '.join(TOP_KEYS)}"
            for k in doc if k not in TOP_KEYS]
    for key in ("description", "author", "organisation", "contact"):
        if doc.get(key) is not None and not isinstance(doc[key], str):
            bad((key,), f"{key!r} must be text; found {_kind(doc[key])}")
    title = doc.get("title")
    if title is not None and not isinstance(title, str):
        if not isinstance(title, dict) or not all(isinstance(v, str) for v in title.values()):
            bad(("title",), f"'title' must be text or a mapping of language to text; found {_kind(title)}"
                + (" with values that are not text" if isinstance(title, dict) else ""))
        else:
            bad_langs = [k for k in title if k not in languages]
            if bad_langs:
                bad(("title",), f"'title' has languages {', '.join(map(repr, bad_langs))}; expected {', '.join(languages)}")
    texts = [(k, doc[k]) for k in ("description", "author", "organisation", "contact") if isinstance(doc.get(k), str)]
    texts += [("title", t) for t in ([title] if isinstance(title, str) else
                                     title.values() if isinstance(title, dict) else []) if isinstance(t, str)]
    for key, text in texts:
        if CONTROL.search(text):
            bad((key,), f"{key!r} holds control or text-direction characters (e.g. NUL, ESC, U+202E); "
                        "expected plain text")
    if "description" in doc and not isinstance(doc["description"], str):
        bad(("description",), f"'description' must be text; found {_kind(doc['description'])}")
    country = doc.get("country")
    if country is None:
        out.append(f"{path}: 'country' is required: the country pack the briefing is about, e.g. country: tjk")
    elif not (isinstance(country, str) and re.fullmatch(r"[a-z]{2,8}", country)):
        bad(("country",), f"'country' must be the name of a country pack such as tjk; found {country!r}")
    langs = doc.get("languages")
    if langs is not None:
        if not isinstance(langs, list) or not langs or not all(isinstance(x, str) for x in langs):
            bad(("languages",), f"'languages' must be a non-empty list of language codes such as [en, ru]; "
                                f"found {langs!r}")
        else:
            for k, lang in enumerate(langs):
                if lang not in languages:
                    bad(("languages", k), f"language {lang!r} is not available; choose from {', '.join(languages)}")
            if len(set(langs)) != len(langs):
                bad(("languages",), "each language may be listed once")
    jobs = doc.get("jobs")
    if not isinstance(jobs, list) or not jobs:
        bad(("jobs",), f"'jobs' must be a non-empty list of jobs; found {_kind(jobs)}")
        return out
    for k, entry in enumerate(jobs):
        where = f"job {k + 1}"
        if not isinstance(entry, dict) or "notebook" not in entry:
            bad(("jobs", k), f"{where}: expected a mapping with a 'notebook'; found {_kind(entry)}")
            continue
        out += [f"{path} ({line(node, 'jobs', k, key)}): {where}: unknown key {shown_key(key)}; expected "
                f"{', '.join(JOB_KEYS)}" for key in entry if key not in JOB_KEYS]
        if not isinstance(entry["notebook"], str):
            bad(("jobs", k, "notebook"), f"{where}: 'notebook' must be a notebook name such as 00_country_profile; "
                                         f"found {entry['notebook']!r}")
        name = entry.get("name")
        if name is not None and not (isinstance(name, str) and SLUG.match(name)):
            bad(("jobs", k, "name"), f"{where}: 'name' must be letters, digits, '-' and '_', at most 80 of them "
                                     f"(it names files); found {str(name)[:90]!r}")
        seconds = entry.get("timeout")
        if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, int | float)
                                    or not 1 <= seconds <= MAX_TIMEOUT):
            bad(("jobs", k, "timeout"), f"{where}: 'timeout' must be a number of seconds from 1 to {MAX_TIMEOUT:,}; "
                                        f"found {str(seconds)[:40]!r}")
        grid = entry.get("grid")
        if grid is not None and (not isinstance(grid, dict) or not all(
                isinstance(v, list) and v and all(isinstance(x, SCALARS) for x in v) for v in grid.values())):
            bad(("jobs", k, "grid"), f"{where}: 'grid' must map parameter names to non-empty lists of plain values")

        params = entry.get("parameters")
        if params is not None and (not isinstance(params, dict) or not all(
                isinstance(v, SCALARS) for v in params.values())):
            bad(("jobs", k, "parameters"), f"{where}: 'parameters' must map parameter names to plain values; "
                                           f"found {_kind(params)}")
        for field_name, values in (("grid", grid), ("parameters", params)):
            if isinstance(values, dict) and "language" in values:
                bad(("jobs", k, field_name), f"{where}: 'language' comes from the briefing's 'languages'; "
                                             f"remove it from '{field_name}'")
        both = set(grid or {}) & set(params or {}) if isinstance(grid, dict) and isinstance(params, dict) else set()
        if both:
            bad(("jobs", k), f"{where}: {', '.join(sorted(both))} is both in 'grid' and in 'parameters'")
    return out
