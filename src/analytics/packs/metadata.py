"""A pack's metadata file, ``pack.yaml``: its tables, where they live, and who builds them.

Checked before any table is read or built:

* every table has a path, status, source, licence, vintage and columns;
* every path resolves inside the pack folder, and a table with ``built_by`` inside its
  ``derived/`` or ``modelled/`` folder (a build never writes anywhere else);
* ``built_by`` names a builder of :mod:`analytics.packs.registry` — never an import path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..core import yamlio
from ..core.errors import DataError, Problem, shown_key
from ..core.i18n import CONTROL
from . import files
from .registry import BUILDERS
from .schemas import TableSchema

METADATA_FILE = "pack.yaml"
STATUSES = ("measured", "modelled", "reconstructed from published aggregates")

#: Folders a built table may be written to.
BUILT_FOLDERS = ("derived", "modelled")

#: Keys ``pack.yaml`` may hold at the top, and in each table's entry.
PACK_KEYS = ("country", "iso3", "name", "capital_region", "city_regions", "currency", "census_year", "comparators",
             "languages", "national_language", "survey_items", "tables")
#: The survey indicators counted from a named answer category (``survey_items`` in ``pack.yaml`` maps each to
#: the category's wording in the pack's own ``pilot_mentions``, when it differs from the pilot's).
SURVEY_ITEM_KEYS = ("human_capacity", "ict_skills", "poor_connectivity", "no_recognition", "internet_access")
TABLE_KEYS = ("path", "kind", "status", "source", "licence", "vintage", "description", "key", "columns", "crs",
              "built_by", "inputs", "options", "assumptions")


def unknown_keys(found, known: tuple[str, ...], where: str) -> list[str]:
    """One message per key of ``found`` not in ``known``, with the closest known key as a suggestion."""
    import difflib

    out = []
    for key in found:
        if key in known:
            continue
        close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else f"; expected one of {', '.join(known)}"
        out.append(f"{where}unknown key {shown_key(key)}{hint}")
    return out


@dataclass
class TableInfo:
    """Metadata of one table, as written in ``pack.yaml``."""

    name: str
    path: str
    kind: str
    status: str
    source: str
    licence: str
    vintage: str
    schema: TableSchema
    description: str = ""
    built_by: str | None = None
    raw: dict = field(default_factory=dict)


def read_metadata(pack: Path) -> dict:
    """Read and check the shape of ``pack.yaml``; return the parsed mapping."""
    meta_path = pack / METADATA_FILE
    if not pack.is_dir():
        raise DataError([Problem(str(pack), "country pack folder not found")])
    if not meta_path.is_file():
        raise DataError([Problem(str(meta_path), "metadata file not found; every pack needs one "
                                                 "listing its tables")])
    try:
        meta = yamlio.load(files.read_text(pack, meta_path, str(meta_path)))
    except yamlio.YamlProblem as exc:
        raise DataError([Problem(str(meta_path), str(exc))]) from None
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError) as exc:
        raise DataError([Problem(str(meta_path), f"not valid YAML: {yamlio.one_line(exc)}")]) from None
    if not isinstance(meta, dict) or not isinstance(meta.get("tables"), dict):
        raise DataError([Problem(str(meta_path), "expected a mapping with a 'tables' section")])
    problems = unknown_keys(meta, PACK_KEYS, "")
    langs = meta.get("languages", ["en"])
    if not isinstance(langs, list) or not langs or not all(isinstance(x, str) for x in langs):
        problems.append(f"'languages' must be a list of reader language codes such as [en, ru]; found {langs!r}")
    comparators = meta.get("comparators", [])
    if not isinstance(comparators, list) or not all(isinstance(c, str) for c in comparators):
        problems.append(f"'comparators' must be a list of area codes such as [KGZ, UZB]; found {comparators!r}")
    items = meta.get("survey_items", {})
    if not isinstance(items, dict) or not all(isinstance(v, str) and v.strip() for v in items.values()):
        problems.append(f"'survey_items' must map survey indicators to the answer category that counts them, such "
                        f"as {{human_capacity: staff skills}}; found {items!r:.60}")
    else:
        problems += unknown_keys(items, SURVEY_ITEM_KEYS, "survey_items: ")
    cities = meta.get("city_regions", [])
    if not isinstance(cities, list) or not all(isinstance(c, str) for c in cities):
        problems.append(f"'city_regions' must be a list of region codes such as [TJ-DU] (regions that are one city), "
                        f"or left out; found {cities!r:.60}")
    for key in ("country", "iso3", "name", "capital_region"):
        if key in meta and not isinstance(meta[key], str):
            problems.append(f"'{key}' must be text; found {meta[key]!r}")
    if isinstance(meta.get("country"), str) and meta["country"] != Path(pack).name:
        problems.append(f"'country' is {meta['country'][:40]!r}, but the pack's folder is {Path(pack).name!r}; "
                        "expected the folder's name (the lower-case ISO3 code, e.g. tjk)")
    if "currency" in meta and not (isinstance(meta["currency"], str) and len(meta["currency"]) == 3
                                   and meta["currency"].isupper()):
        problems.append(f"'currency' must be an ISO 4217 code such as TJS; found {meta['currency']!r}")
    if "census_year" in meta and not (isinstance(meta["census_year"], int) and 1800 < meta["census_year"] < 2200):
        problems.append(f"'census_year' must be a year; found {meta['census_year']!r}")
    for name, spec in meta["tables"].items():
        if isinstance(spec, dict):
            problems += unknown_keys(spec, TABLE_KEYS, f"table '{name}': ")
    if problems:
        raise DataError([Problem(f"{pack.name}/{METADATA_FILE}", p) for p in problems])
    return meta


def path_problem(pack: Path, name: str, rel: object, built: bool) -> str | None:
    """Why a table's ``path`` is not acceptable, or ``None``."""
    if not isinstance(rel, str) or not rel.strip():
        return f"table '{name}' has path {rel!r}; expected a file path inside the pack"
    root = pack.resolve()
    try:
        target = (pack / rel).resolve()
    except (RuntimeError, OSError):  # a link that leads to itself
        return f"table '{name}' has path {rel!r}, which goes round a loop of symbolic links; expected a file path"
    if Path(rel).is_absolute() or not target.is_relative_to(root):
        return f"table '{name}' has path {rel!r}, which leads outside the pack folder; expected a path inside it"
    if built:
        inside = [(root / f).resolve() for f in BUILT_FOLDERS]
        if not any(target.is_relative_to(f) for f in inside):
            return (f"table '{name}' is built (built_by) but its path {rel!r} is not inside "
                    f"{' or '.join(f + '/' for f in BUILT_FOLDERS)}; a build writes only there")
    return None


def table_infos(meta: dict, pack: Path) -> dict[str, TableInfo]:
    """Turn the ``tables`` section of the metadata into :class:`TableInfo` objects, checking each."""
    infos, problems = {}, []
    where = f"{pack.name}/{METADATA_FILE}"
    for name, spec in meta["tables"].items():
        if not isinstance(spec, dict):
            problems.append(Problem(where, f"table '{name}' must be a mapping of path, status, source, "
                                           "licence, vintage and columns"))
            continue
        missing = [k for k in ("path", "status", "source", "licence", "vintage", "columns") if k not in spec]
        if missing:
            problems.append(Problem(where, f"table '{name}' lacks {', '.join(missing)}"))
            continue
        hidden = [k for k in ("source", "licence", "vintage", "description") if CONTROL.search(str(spec.get(k) or ""))]
        if hidden:
            problems.append(Problem(where, f"table '{name}': {', '.join(hidden)} hold control or text-direction "
                                           "characters (e.g. NUL, ESC, U+202E); expected plain text"))
        if spec["status"] not in STATUSES:
            problems.append(Problem(where, f"table '{name}' has status {spec['status']!r}; expected one of "
                                           f"{', '.join(STATUSES)}"))
        built_by = spec.get("built_by")
        if built_by is not None and (not isinstance(built_by, str) or built_by not in BUILDERS):
            problems.append(Problem(where, f"table '{name}' has built_by {built_by!r}, which is not a known "
                                           f"builder; expected one of {', '.join(BUILDERS)}", column="built_by"))
        for key in ("inputs", "options"):
            value = spec.get(key)
            if value is not None and not (isinstance(value, dict) and all(isinstance(k, str) for k in value)):
                problems.append(Problem(where, f"table '{name}': '{key}' must map names to "
                                               f"{'table names' if key == 'inputs' else 'values'}; found {value!r}"))
        inputs = spec.get("inputs") if isinstance(spec.get("inputs"), dict) else {}
        unknown = [t for t in inputs.values() if not isinstance(t, str) or t not in meta["tables"]]
        if unknown:
            problems.append(Problem(where, f"table '{name}' is built from {', '.join(map(repr, unknown))}, "
                                           "which are not tables of this pack"))
        bad_path = path_problem(pack, name, spec["path"], built_by is not None)
        if bad_path:
            problems.append(Problem(where, bad_path, column="path"))
            continue
        try:
            schema = TableSchema.from_dict(name, spec)
        except (ValueError, TypeError) as exc:
            problems.append(Problem(where, f"table '{name}': {exc}"))
            continue
        infos[name] = TableInfo(
            name=name, path=spec["path"], kind=spec.get("kind", "csv"), status=spec["status"],
            source=str(spec["source"]).strip(), licence=str(spec["licence"]).strip(),
            vintage=str(spec["vintage"]), schema=schema,
            description=str(spec.get("description", "")).strip(), built_by=built_by, raw=spec)
    for info in infos.values():
        for col in info.schema.columns:
            if col.references and col.references.partition(".")[0] not in meta["tables"]:
                problems.append(Problem(where, f"table '{info.name}', column '{col.name}' references "
                                               f"{col.references!r}, but the pack has no table "
                                               f"'{col.references.partition('.')[0]}'", column="references"))
    if problems:
        raise DataError(problems)
    return infos


def regions_named(pack: Path, meta: dict, regions) -> list[Problem]:
    """``capital_region`` and ``city_regions`` name regions of the pack's regions table (``regions``: that table,
    or None when it is not read). An unknown code built without a word: the capital lost its figures."""
    if regions is None or "region_code" not in getattr(regions, "columns", ()):
        return []
    known = set(regions["region_code"].astype(str))
    named = ([meta["capital_region"]] if isinstance(meta.get("capital_region"), str) else []) + \
        [c for c in meta.get("city_regions") or [] if isinstance(c, str)]  # their shape: read_metadata
    unknown = sorted({c for c in named if c not in known})
    if not unknown:
        return []
    what = f"{', '.join(repr(c[:20]) for c in unknown[:5])} not in the regions table"
    return [Problem(f"{Path(pack).name}/{METADATA_FILE}", f"capital_region / city_regions: {what}; expected codes of "
                    f"the regions table (e.g. {', '.join(sorted(known)[:3])})")]
