"""Rebuild a pack's derived tables from its raw files, as ``pack.yaml`` says.

A table whose metadata has ``built_by: <name>`` is derived: the builder registered under
that name (:mod:`analytics.packs.registry`) is called (with the pack's ``capital_region`` and
``city_regions`` from the top of ``pack.yaml`` when it takes them) with the tables named in ``inputs`` (keyword = table name), the ``options``
mapping and, when the metadata names an ``assumptions`` section, that section of
``assumptions.yaml`` as ``assumptions=`` (plus ``seed=`` if the function takes one); its
result is written to the table's path. Inputs are read and validated
first; derived tables are built in the order the metadata lists them, so a later one
may use an earlier one. Files are written deterministically (the same inputs give
byte-identical files) into a staging folder inside the pack; only when every table is
built do the staged ``derived/`` and ``modelled/`` folders replace the pack's. An
interrupted build leaves the pack as it was (a staging folder left by a killed build is
removed by the next one). Files get the user's umask.
"""

from __future__ import annotations

import inspect
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.errors import DataError, Problem
from . import assumptions
from .load import course_languages_stated
from .metadata import BUILT_FOLDERS, TableInfo, read_metadata, regions_named, table_infos
from .readers import read_tables
from .registry import builder

#: Prefix of the folder a build writes into before its tables replace the pack's.
STAGE_PREFIX = ".build-"

#: Decimal places kept for coordinates written to GeoJSON (about 0.1 m).
COORDINATE_PRECISION = 6


@dataclass
class BuildReport:
    """What a build wrote: one row per table."""

    pack: Path
    written: list[tuple[str, str, int]]

    def summary(self) -> str:
        lines = [f"Built {len(self.written)} tables in {self.pack}:"]
        lines += [f"  {name:<24} {rows:>6} rows  {path}" for name, path, rows in self.written]
        return "\n".join(lines)


def write_table(frame: Any, path: Path, kind: str) -> None:
    """Write one table atomically: to a temporary file, then renamed over the target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=path.suffix)
    os.close(fd)
    try:
        if kind == "geo":
            os.unlink(tmp)
            frame.to_file(tmp, driver="GeoJSON", engine="pyogrio", layer=path.stem,
                          layer_options={"COORDINATE_PRECISION": COORDINATE_PRECISION,
                                         "WRITE_BBOX": "NO"})
        else:
            frame.to_csv(tmp, index=False, lineterminator="\n")
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes files 0600; a pack table is shared data
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def build_pack(pack: Path | str, only: list[str] | None = None,
               overrides: dict[str, Any] | None = None) -> BuildReport:
    """Rebuild the derived tables of the pack folder ``pack``.

    Parameters
    ----------
    pack : path
        The pack folder (holding ``pack.yaml``).
    only : list of str, optional
        Build only these derived tables (default: all).
    overrides : dict, optional
        Option values that replace those in the metadata for every builder that takes
        them; ``{"seed": 7}`` replaces the seed of the assumptions file.

    Returns
    -------
    BuildReport
    """
    pack = Path(pack)
    meta = read_metadata(pack)
    infos = table_infos(meta, pack)
    derived = {n: i for n, i in infos.items() if i.built_by}
    unknown = sorted(set(only or []) - set(derived))
    if unknown:
        raise DataError([Problem(f"{pack.name}/pack.yaml", f"no derived table named {', '.join(unknown)}; "
                                 f"derived tables: {', '.join(derived)}")])
    raw = {n: i for n, i in infos.items() if not i.built_by}
    tables, _ = read_tables(pack, raw)
    needs_assumptions = any(i.raw.get("assumptions") for i in derived.values())
    assumed = assumptions.read(pack) if needs_assumptions else {}
    problems = assumptions.needed(pack, {n: i for n, i in derived.items() if not only or n in only})
    if needs_assumptions:  # every value validate checks, checked the same before anything is built
        problems += course_languages_stated(pack)
        problems += assumptions.all_stated(pack, problems)
    if problems:  # every key present and of its shape, said before anything is built (as validate says it)
        raise DataError(problems)
    if "seed" in (overrides or {}) and assumed:
        assumed["seed"] = {"value": int(overrides["seed"]), "why": "analytics pack build --seed"}
    linked = [p for folder in BUILT_FOLDERS for p in [pack / folder, *_entries(pack / folder)] if p.is_symlink()]
    if linked:  # a link would copy (or loop over) files from outside the pack into it
        raise DataError([Problem(f"{pack.name}/{p.relative_to(pack)}", "is a symbolic link; the built folders "
                                 "hold the pack's own files only (remove the link)") for p in linked[:5]])
    remove_stale_builds(pack)
    stage = Path(tempfile.mkdtemp(prefix=STAGE_PREFIX, dir=pack))
    try:
        for folder in BUILT_FOLDERS:  # the tables not rebuilt now stay as they are
            if (pack / folder).is_dir():
                try:
                    shutil.copytree(pack / folder, stage / folder)
                except shutil.Error as exc:  # a list of (source, target, reason): said as the first one
                    _, target, why = exc.args[0][0]
                    raise OSError(0, re.sub(r"^\[Errno \d+\] |: '.*'$", "", str(why)), target) from None
        written = []
        for name, info in derived.items():
            if only and name not in only:
                tables.update(read_tables(stage, {name: info}, pack.name)[0])
                continue
            named = regions_named(pack, meta, tables.get("regions"))  # once the regions are known, before use
            if named:
                raise DataError(named)
            frame = _build_one(pack, info, tables, overrides or {}, assumed, meta)
            write_table(frame, stage / info.path, info.kind)
            tables.update(read_tables(stage, {name: info}, pack.name)[0])
            written.append((name, info.path, len(frame)))
        swap_in(pack, stage)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return BuildReport(pack, written)


def _entries(folder: Path) -> list[Path]:
    """Every file and folder under ``folder``, links listed but never followed."""
    if folder.is_symlink() or not folder.is_dir():
        return []
    return [Path(top) / name for top, dirs, names in os.walk(folder, followlinks=False) for name in dirs + names]


def swap_in(pack: Path, stage: Path) -> None:
    """Replace the pack's built folders by the staged ones (one rename each, old ones removed after)."""
    for folder in BUILT_FOLDERS:
        if not (stage / folder).is_dir():
            continue
        old = stage / f"{folder}.replaced"
        if (pack / folder).exists():
            os.rename(pack / folder, old)
        os.rename(stage / folder, pack / folder)


def remove_stale_builds(pack: Path) -> list[Path]:
    """Remove staging folders left by a build that was killed."""
    stale = [p for p in Path(pack).glob(STAGE_PREFIX + "*") if p.is_dir()]
    for p in stale:
        shutil.rmtree(p, ignore_errors=True)
    return stale


#: Facts of the whole pack (top of pack.yaml) that a builder receives when it takes them.
PACK_FACTS = ("capital_region", "city_regions")


def _build_one(pack: Path, info: TableInfo, tables: dict, overrides: dict, assumed: dict, meta: dict):
    spec = info.raw
    inputs = spec.get("inputs") or {}
    missing = [t for t in inputs.values() if t not in tables]
    if missing:
        raise DataError([Problem(f"{pack.name}/pack.yaml", f"table '{info.name}' is built from "
                                 f"{', '.join(missing)}, which must be listed before it")])
    kwargs = {arg: tables[t] for arg, t in inputs.items()}
    options = dict(spec.get("options") or {})
    options.update({k: v for k, v in overrides.items() if k in options})
    func = builder(info.built_by)
    takes = inspect.signature(func).parameters
    for fact in PACK_FACTS:  # the pack's own facts, stated once at the top of pack.yaml
        if fact in takes and fact not in options and fact in meta:
            options[fact] = meta[fact]
    if spec.get("assumptions"):
        section = spec["assumptions"]
        if section not in assumed:
            raise DataError([Problem(f"{pack.name}/assumptions.yaml", f"no section '{section}', which table "
                                     f"'{info.name}' (builder {info.built_by}) reads")])
        kwargs["assumptions"] = assumptions.values(assumed, section)
        if "seed" in takes:
            kwargs["seed"] = int(assumptions.values(assumed, "seed"))
    try:
        return func(**kwargs, **options)
    except KeyError as exc:  # an assumption the builder reads is missing
        raise DataError([Problem(f"{pack.name}/assumptions.yaml", f"section '{spec.get('assumptions')}' lacks "
                                 f"{exc}, which builder {info.built_by} reads for table '{info.name}'")]) from None
    except TypeError as exc:  # options the builder does not take
        raise DataError([Problem(f"{pack.name}/pack.yaml", f"table '{info.name}': builder {info.built_by} "
                                 f"cannot take these inputs or options ({exc})")]) from None
    except (ValueError, ArithmeticError) as exc:  # a value of the wrong kind ("many" where a count belongs)
        where = f"section '{spec['assumptions']}' of assumptions.yaml" if spec.get("assumptions") else "its inputs"
        raise DataError([Problem(f"{pack.name}/assumptions.yaml" if spec.get("assumptions") else f"{pack.name}/pack.yaml",
                                 f"builder {info.built_by} cannot read {where} for table '{info.name}': "
                                 f"{str(exc).splitlines()[0][:160]}; expected numbers where numbers belong")]) from None
