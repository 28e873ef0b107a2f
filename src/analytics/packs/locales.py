"""A pack's reader languages: its names in each (``locales/<lang>.yaml``) and the suite's words in the
languages it adds (``locales/messages-<lang>.yaml``).

A pack's names file may add or override only names — keys starting with ``region.``,
``district.``, ``table.`` or ``area.`` — each a plain text. Anything else (a notebook's
markdown key, a sentence, a nested value) is a validation error: a pack cannot change what
the suite's pages say in its own languages, only what they call places and tables.

A pack reads in the suite's languages (en, ru, tg) unless ``pack.yaml`` lists its own
``languages``. A language the suite does not have (Kyrgyz, ``ky``) is offered only when the
pack gives every one of the suite's messages in ``locales/messages-<lang>.yaml``; the keys
it lacks are listed by ``validate``.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

from ..core import paths, yamlio
from ..core.errors import DataError, Problem
from ..core.i18n import CONTROL, LANGUAGES, NAME_PREFIXES
from . import files

FOLDER = "locales"


def pack_languages(pack: Path) -> list[str]:
    """The reader languages a pack declares in ``pack.yaml`` (default: the suite's)."""
    return list(_languages(Path(pack), paths.fingerprint(Path(pack) / "pack.yaml")))


@cache
def _languages(pack: Path, _key: tuple) -> tuple[str, ...]:
    """``pack_languages``, read once per version of ``pack.yaml``."""
    try:
        meta = yamlio.load(files.read_text(pack, pack / "pack.yaml", "pack.yaml")) or {}
    except (OSError, DataError, yaml.YAMLError, yamlio.YamlProblem, UnicodeDecodeError):
        return LANGUAGES
    found = meta.get("languages") if isinstance(meta, dict) else None
    if isinstance(found, list) and found and all(isinstance(x, str) for x in found):
        return tuple(found)
    return LANGUAGES


def read_messages(pack: Path, languages: list[str]) -> dict[str, dict[str, object]]:
    """The suite's messages in the languages a pack adds; raise :class:`DataError` listing missing keys."""
    from ..core.i18n import keys

    out, problems = {}, []
    for language in languages:
        if language in LANGUAGES:
            continue
        label = f"{pack.name}/{FOLDER}/messages-{language}.yaml"
        path = pack / FOLDER / f"messages-{language}.yaml"
        if not re.fullmatch(r"[a-z]{2,3}", language):
            problems.append(Problem(f"{pack.name}/pack.yaml", f"language {language!r} is not a language code "
                                                              "such as ky or uz", "languages"))
            continue
        if not path.is_file():
            problems.append(Problem(label, f"file not found: the pack adds the reader language {language!r}, so it "
                                           "must give every message of the suite in it"))
            continue
        doc = _mapping(pack, path, label, "message keys", problems)
        if doc is None:
            continue
        missing = [k for k in keys() if doc.get(k) in (None, "")]  # an empty entry is one still to translate
        if missing:
            problems.append(Problem(label, f"{len(missing)} messages missing: {', '.join(missing[:6])}"
                                           f"{' …' if len(missing) > 6 else ''} (analytics pack messages "
                                           f"{pack} {language} writes the file for a translator)"))
        wrong = _placeholders_differ(doc)
        if wrong:
            problems.append(Problem(label, f"{len(wrong)} messages whose {{placeholders}} are not the English "
                                           f"message's names: {', '.join(wrong[:6])}{' …' if len(wrong) > 6 else ''} "
                                           "(keep each {name} or {name:format} as in English; no attribute, "
                                           "index or nested field)"))
        out[language] = {str(k): v for k, v in doc.items()}
    if problems:
        raise DataError(problems)
    return out


def _fields(text: str) -> set[tuple[str, str]] | None:
    """The placeholders of a message with their formats (``{n:,d}`` gives ``("n", ",d")``); None when one is not a
    plain name (``{n.__class__}``, ``{x[0]}``), has a conversion (``{n!r}``) or a nested field (``{who:{n}}``), or
    when braces do not pair."""
    import string

    try:
        parsed = [(name, spec or "", conv) for _, name, spec, conv in string.Formatter().parse(text)
                  if name is not None]
    except ValueError:
        return None
    if any(not re.fullmatch(r"[A-Za-z_]\w*", name) or "{" in spec or conv for name, spec, conv in parsed):
        return None
    return {(name, spec) for name, spec, _ in parsed}


def _placeholders_differ(doc: dict) -> list[str]:
    """Keys of a translated catalog whose placeholders are not the English message's, each with no format but
    the English one's (a message that read an object's attributes printed them on the page; one with a nested
    field stopped the job; ``{n:>99999999}`` wrote a 600 MB page; ``{n:%}`` printed "6000.000000%")."""
    from ..core.i18n import package_catalog

    english, wrong = package_catalog("en"), []
    for key, value in doc.items():
        source = english.get(str(key))
        if source is None or value in (None, ""):
            continue
        forms = value.values() if isinstance(value, dict) else [value]
        known = set().union(*(_fields(f) or set() for f in (source.values() if isinstance(source, dict) else [source])))
        names = {name for name, _ in known} | {"n"}  # plural forms may name their count
        allowed = known | {(name, "") for name in names} | {("n", ",d")}
        if any(not isinstance(f, str) or (found := _fields(f)) is None or not found <= allowed for f in forms):
            wrong.append(str(key))
    return wrong


def write_for_translator(pack: Path, language: str) -> tuple[Path, int]:
    """Write ``locales/messages-<language>.yaml`` for a translator: every message the pack already gives kept
    as it is, every one it lacks as an empty entry (``key: null``) with the English text (and the Russian)
    beside it as a comment. Returns the file and how many entries are still empty.

    The file is replaced only through a temporary file (an interrupted write leaves the old one whole).
    """
    import json
    import os

    from ..core.i18n import keys, package_catalog

    if not re.fullmatch(r"[a-z]{2,3}", language or "") or language in LANGUAGES:
        raise DataError([Problem(f"{pack.name}/pack.yaml", f"language {language!r}: expected a code such as ky or uz "
                                                           f"that the suite does not have ({', '.join(LANGUAGES)})")])
    path = pack / FOLDER / f"messages-{language}.yaml"
    problems: list[Problem] = []
    have = (_mapping(pack, path, f"{pack.name}/{FOLDER}/{path.name}", "message keys", problems) or {}) \
        if path.is_file() else {}
    if problems:
        raise DataError(problems)
    lines = [f"# The suite's messages in '{language}' for the pack {pack.name}. Replace each null with the",
             "# translation of the English text beside it (keep {names} in braces as they are); `analytics",
             "# validate` lists what is still empty. Plural forms are a mapping of CLDR categories (one, few, …)."]
    empty = 0
    given = {lang: package_catalog(lang) for lang in ("en", "ru")}
    for key in keys():
        done = have.get(key)
        if done not in (None, ""):
            lines.append(yaml.safe_dump({key: done}, allow_unicode=True, width=10_000).rstrip())
            continue
        empty += 1
        said = {lang: given[lang][key] for lang in given if key in given[lang]}
        lines.append(f"{json.dumps(key)}: null  # " + "  ".join(
            f"{lang}: {json.dumps(text, ensure_ascii=False)}" for lang, text in said.items()))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path, empty


def _mapping(pack: Path, path: Path, label: str, keys: str, problems: list[Problem]) -> dict | None:
    """A locale file read as a mapping of ``keys`` to texts; None (with its problem added) when it is not one."""
    try:
        doc = yamlio.load(files.read_text(pack, path, label)) or {}
    except DataError as exc:
        problems.extend(exc.problems)
        return None
    except yamlio.YamlProblem as exc:
        problems.append(Problem(label, str(exc)))
        return None
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError) as exc:
        problems.append(Problem(label, f"not valid YAML: {yamlio.one_line(exc)}"))
        return None
    if not isinstance(doc, dict):
        problems.append(Problem(label, f"expected a mapping of {keys} to texts"))
        return None
    return doc


def read_names(pack: Path) -> dict[str, dict[str, str]]:
    """The names of a pack by language; raise :class:`DataError` for a key or value not allowed."""
    out: dict[str, dict[str, str]] = {}
    problems: list[Problem] = []
    for language in pack_languages(pack):
        path = pack / FOLDER / f"{language}.yaml"
        label = f"{pack.name}/{FOLDER}/{language}.yaml"
        if path.exists() and not path.is_file():
            problems.append(Problem(label, "expected a YAML file of names; found a folder"))
            continue
        if not path.is_file():
            continue
        doc = _mapping(pack, path, label, "name keys", problems)
        if doc is None:
            continue
        bad = [str(k) for k in doc if not str(k).startswith(NAME_PREFIXES)]
        if bad:  # a key is named only when it looks like one (a file's text is never echoed)
            shown = [repr(k) if re.fullmatch(r"[\w.\-]{1,80}", k) else "(a key that is not a name)" for k in bad[:5]]
            problems.append(Problem(label, f"keys {', '.join(shown)} are not allowed; a pack may "
                                           f"only add or override names ({', '.join(p + '*' for p in NAME_PREFIXES)})"))
        nested = [str(k) for k, v in doc.items() if not isinstance(v, str | int | float)]
        if nested:
            problems.append(Problem(label, f"keys {', '.join(repr(k) for k in nested[:5])} must map to plain text"))
        hidden = [str(k) for k, v in doc.items() if isinstance(v, str) and CONTROL.search(v)]
        if hidden:
            problems.append(Problem(label, f"keys {', '.join(repr(k) for k in hidden[:5])} hold control or "
                                           "text-direction characters (e.g. NUL, ESC, U+202E); expected plain text"))
        out[language] = {str(k): str(v) for k, v in doc.items() if str(k).startswith(NAME_PREFIXES)
                         and isinstance(v, str | int | float)}
    if problems:
        raise DataError(problems)
    return out
