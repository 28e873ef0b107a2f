"""Loading a country pack: every table of ``data/<country>/``, validated, with its names.

A pack is a folder with a metadata file ``pack.yaml`` that lists every table (path,
schema, source, licence, vintage and status ``measured`` or ``modelled``). Loading reads
every table, converts it to its schema types, and checks it; every problem found in
every file is reported at once as a :class:`~analytics.core.errors.DataError`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..core import paths
from ..core.errors import DataError, ParameterError, Problem
from . import assumptions
from . import scenarios as scenario_file
from .locales import pack_languages, read_messages, read_names
from .metadata import METADATA_FILE, TableInfo, read_metadata, regions_named, table_infos
from .readers import coordinate, read_tables


@dataclass
class Pack:
    """Every table of one country pack, validated.

    Attributes
    ----------
    country : str
        Lower-case ISO3 code of the pack (``"tjk"``).
    name : str
        Country name in English.
    root : pathlib.Path
        The pack folder.
    tables : dict
        Table name to DataFrame (GeoDataFrame, in WGS84, for geometry tables).
    info : dict
        Table name to :class:`TableInfo` (source, licence, vintage, status).
    notes : list of str
        Things worth knowing that are not errors (for example a locale-specific CSV).
    used : set of str
        Names of the tables read through this object so far (``pack.districts`` or
        ``pack["districts"]``), so a page can state which inputs it used.
    names : dict
        Language to the pack's names (``region.*``, ``district.*``, ``table.*``,
        ``area.*``) from ``locales/<lang>.yaml``.
    scenarios : dict
        Scenario name to :class:`~analytics.packs.scenarios.Scenario` (``scenarios.yaml``).
    """

    country: str
    name: str
    root: Path
    tables: dict[str, Any]
    info: dict[str, TableInfo]
    meta: dict
    notes: list[str] = field(default_factory=list)
    used: set[str] = field(default_factory=set)
    names: dict[str, dict[str, str]] = field(default_factory=dict)
    messages: dict[str, dict[str, object]] = field(default_factory=dict)
    scenarios: dict[str, scenario_file.Scenario] = field(default_factory=dict)
    #: Results derived from the pack's tables and kept for the pack's life (e.g. each scenario's uptake
    #: setup), by the name of the module that made them.
    derived: dict[str, dict] = field(default_factory=dict, repr=False)

    def __getitem__(self, name: str):
        self.used.add(name)
        return self.tables[name]

    def __getattr__(self, name: str):
        tables = self.__dict__.get("tables", {})
        if name in tables:
            self.__dict__["used"].add(name)
            return tables[name]
        raise AttributeError(name)

    def scenario(self, name: str) -> scenario_file.Scenario:
        """The named scenario of the pack's ``scenarios.yaml``.

        Raises
        ------
        ParameterError
            When the pack names no such scenario, listing those it names.
        """
        if name not in self.scenarios:
            raise ParameterError(f"scenario {name!r} is not in the {self.country} pack's scenarios.yaml; "
                                 f"choose one of {', '.join(self.scenarios)}")
        return self.scenarios[name]

    def status(self) -> pd.DataFrame:
        """Tidy table of every input: table, file, status, source, licence, vintage."""
        rows = [{"table": i.name, "file": i.path, "status": i.status, "source": i.source,
                 "licence": i.licence, "vintage": i.vintage, "description": i.description}
                for i in self.info.values()]
        return pd.DataFrame(rows)

    def texts(self, language: str):
        """The suite's messages in ``language`` with this pack's names (:class:`~analytics.core.i18n.Texts`)."""
        from ..core.i18n import Texts

        return Texts(language, {**self.names.get(language, {}), **scenario_file.labels(self.scenarios, language)},
                     self.messages.get(language))

    @property
    def content_hash(self) -> str:
        """Short SHA-256 of the pack's files (metadata, tables, locales, assumptions, scenarios), hex.

        Part of the key of every computation a briefing run shares between its jobs
        (:mod:`analytics.core.cache`); the same as the manifest's ``input_hash``.
        """
        kept = self.derived.setdefault(__name__, {})
        if "content_hash" not in kept:
            from .hashing import combined_hash, pack_hashes

            kept["content_hash"] = combined_hash(pack_hashes(self.root))
        return kept["content_hash"]

    @property
    def languages(self) -> list[str]:
        """The reader languages of the pack (``languages`` in ``pack.yaml``, else the suite's)."""
        return pack_languages(self.root)

    def assumed(self, section: str) -> dict[str, Any]:
        """The values of one section of the pack's ``assumptions.yaml`` (name to value).

        Raises
        ------
        DataError
            When the section is missing, naming the file and the section.
        """
        doc = assumptions.read(self.root)
        if section not in doc:
            raise DataError([Problem(f"{self.root.name}/{assumptions.FILE}", f"no section '{section}'; the "
                                     f"notebook needs its values (see data/README.md)")])
        return {name: entry["value"] for name, entry in doc[section].items()}

    def is_modelled(self, table: str) -> bool:
        """True when ``table`` is not measured data."""
        return self.info[table].status != "measured"

    def summary(self) -> str:
        """One screen describing the pack."""
        lines = [f"Country pack '{self.country}' ({self.name}) at {self.root}",
                 f"{len(self.tables)} tables, all valid:"]
        for name, info in self.info.items():
            df = self.tables[name]
            size = f"{len(df):>6} rows" if hasattr(df, "__len__") and not isinstance(df, dict) else "      -"
            lines.append(f"  {name:<24} {size}  {info.path:<58} {info.status}")
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)


_cache: dict[Path, tuple[tuple, dict, list, dict, dict, dict]] = {}


def _fingerprint(pack: Path, infos: dict[str, TableInfo]) -> tuple:
    """Size and modification time of the metadata file and every table file."""
    out = []
    locales = sorted(str(p.relative_to(pack)) for p in (pack / "locales").glob("*.yaml"))
    for rel in [METADATA_FILE, assumptions.FILE, scenario_file.FILE] + [i.path for i in infos.values()] + locales:
        try:
            st = (pack / rel).stat()
            out.append((rel, st.st_size, st.st_mtime_ns))
        except OSError:
            out.append((rel, -1, -1))
    return tuple(out)


def course_languages_stated(pack: Path) -> list[Problem]:
    """A pack with an uptake section says who reads which course language, and its scenarios the share of
    courses in each (the uptake model has no default: another country's course languages would be wrong)."""
    try:
        have = scenario_file.assumption_values(pack, "uptake")
    except DataError:  # an unreadable assumptions file is reported by assumptions.needed
        return []
    if not have:
        return []
    label = f"{pack.name}/{assumptions.FILE}"
    reads = have.get("reads")
    if not isinstance(reads, dict) or not reads or not all(isinstance(k, str) for k in reads):
        return [Problem(label, "uptake.reads must map each language a course may be in (e.g. ky, ru, en) to the "
                               "share of those whose best language is another who read it (one share, or one by "
                               "settlement); notebooks 02, 03 and 04 need it")]
    own = read_metadata(pack).get("national_language")
    if own is not None and own not in reads:
        return [Problem(f"{pack.name}/{METADATA_FILE}", f"national_language is {own!r}; expected one of the course "
                                                        f"languages of uptake.reads ({', '.join(map(str, reads))})")]
    bad = assumptions.not_numbers(reads, "uptake.reads")
    bad += [(w, v) for w, v in assumptions.leaves(reads, "uptake.reads") if (w, v) not in bad and not 0 <= v <= 1]
    if bad:
        return [Problem(label, "; ".join(f"{w} = {v!r:.40}" for w, v in bad[:3]) + ": expected a share from 0 to 1")]
    try:
        found = scenario_file.read(pack)
    except DataError:  # the scenarios file's own problems are reported where the pack is loaded
        return []
    return [Problem(f"{pack.name}/{scenario_file.FILE}", scenario_file.UNSTATED.format(scenario=name))
            for name, sc in found.items() if sc.uptake.get("content_languages") is None]


def places_inside(tables: dict, label: dict) -> list[Problem]:
    """The universities of the reference table lie inside the pack's districts (within about 10 km): boundaries
    with longitude and latitude swapped, or in another country, build and validate otherwise, and every
    university would be given the one district nearest to where it is not."""
    districts, places = tables.get("districts"), tables.get("institutions_reference")
    if districts is None or places is None or not {"lon", "lat"} <= set(places.columns) or "geometry" not in districts:
        return []
    import shapely

    points = shapely.points(places["lon"].to_numpy(float), places["lat"].to_numpy(float))
    # within 0.1 degrees (about 10 km, for a university on a border) of some district
    near = set(shapely.STRtree(districts.geometry.to_numpy()).query(points, predicate="dwithin", distance=0.1)[0])
    outside = [n + 2 for n in range(len(points)) if n not in near]  # spreadsheet rows
    if not outside:
        return []
    west, south, east, north = (coordinate(v, 1) for v in districts.total_bounds)
    return [Problem(label.get("institutions_reference", "institutions_reference"),
                    f"{len(outside)} of {len(points)} universities lie outside every district (the districts span "
                    f"longitude {west}–{east}, latitude {south}–{north}); expected places inside the "
                    "country: are the boundaries' longitude and latitude swapped?", "lon", tuple(outside))]


def what_runs_need(pack: Path, infos: dict[str, TableInfo], tables: dict, names: dict,
                   messages: dict | None = None) -> list[Problem]:
    """Cross-table checks: districts for every region, populations that add up, names in every language,
    and every assumption the builders read."""
    problems = assumptions.needed(pack, infos) + course_languages_stated(pack) + assumptions.costs_stated(pack)
    problems += assumptions.all_stated(pack, problems)  # a value a builder's check already named: once
    regions, districts = tables.get("regions"), tables.get("districts")
    problems += regions_named(pack, read_metadata(pack), regions)
    label = {n: f"{pack.name}/{i.path}" for n, i in infos.items()}
    if regions is not None and districts is not None and {"region_code"} <= set(districts.columns):
        empty = sorted(set(regions["region_code"]) - set(districts["region_code"]))
        if empty:
            problems.append(Problem(label["districts"], f"regions {', '.join(empty)} have no district; every region "
                                                        "needs at least one (a city-region is a district of its own)",
                                    "region_code"))
    population = tables.get("population")
    census = "census_population" if regions is not None and "census_population" in regions.columns else None
    if population is not None and census and {"region_code", "population"} <= set(population.columns):
        got = population.groupby("region_code")["population"].sum()
        want = regions.set_index("region_code")[census]
        off = [f"{r} {int(got.get(r, 0)):,} against {int(want[r]):,}" for r in want.index if int(got.get(r, 0)) != int(want[r])]
        if off:
            problems.append(Problem(label["population"], "district populations do not add up to the census totals "
                                                         f"of their region ({census} of {label['regions']}): "
                                    + "; ".join(off[:5]), "population"))
    problems += places_inside(tables, label)
    people = tables.get("pilot_respondents")
    if people is not None and "weight" in people.columns:  # design weights: all 0 divided by 0, negatives were used
        w = pd.to_numeric(people["weight"], errors="coerce")
        bad = [n + 2 for n, ok in enumerate((w > 0) & np.isfinite(w)) if not ok]  # spreadsheet rows
        if bad:
            problems.append(Problem(label["pilot_respondents"], "survey weights must be numbers above 0",
                                    "weight", tuple(bad)))
    codes = ([f"region.{c}" for c in regions["region_code"]] if regions is not None else []) + \
        ([f"district.{c}" for c in districts["district_code"]] if districts is not None and
         "district_code" in districts.columns else [])
    for language in pack_languages(pack):
        missing = [k for k in codes if k not in names.get(language, {})]
        if missing:
            problems.append(Problem(f"{pack.name}/locales/{language}.yaml", f"no name for {len(missing)} places: "
                                    f"{', '.join(missing[:6])}{' …' if len(missing) > 6 else ''}; every region and "
                                    "district needs a name in every reader language"))
    return problems + area_names_needed(pack, names, messages or {})


def area_names_needed(pack: Path, names: dict, messages: dict) -> list[Problem]:
    """A name for the country and each comparator (``area.<code>``) in every reader language.

    The name may come from the pack's ``locales/<lang>.yaml``, the suite's catalogs (which name
    some countries and aggregates) or the pack's ``messages-<lang>.yaml``.
    """
    from ..core.i18n import LANGUAGES, package_catalog

    meta = read_metadata(pack)
    wanted = [f"area.{c}" for c in [meta.get("iso3", pack.name.upper()), *(meta.get("comparators") or [])]]
    problems = []
    for language in pack_languages(pack):
        suite = package_catalog(language) if language in LANGUAGES else messages.get(language, {})
        missing = [k for k in wanted if k not in names.get(language, {}) and k not in suite]
        if missing:
            problems.append(Problem(f"{pack.name}/locales/{language}.yaml", f"no name for {', '.join(missing)}: the "
                                    "country and every comparator in pack.yaml need a name in every reader language"))
    return problems


def load_pack(country: str | None = None, root: Path | str | None = None) -> Pack:
    """Load and validate every table of a country pack.

    Parameters
    ----------
    country : str
        Lower-case ISO3 code of the pack, the name of its folder; may be left out when
        ``root`` is the pack folder itself.
    root : path, optional
        Folder holding the packs (default: the project's ``data/``), or the pack
        folder itself when it holds a ``pack.yaml``.

    Returns
    -------
    Pack
        With its own copies of the tables. A pack read before in this process is taken
        from memory while none of its files has changed (size and modification time), and
        a table (CSV or vector layer) whose bytes were read before is not parsed again
        (another copy of the pack, a pack with one file changed).

    Raises
    ------
    DataError
        Listing every problem in every file: missing files or columns, wrong types,
        values out of range, unknown codes, duplicate keys, bad geometries or CRS.
    """
    pack = Path(root) if root is not None else None
    if pack is not None and not (pack / METADATA_FILE).exists() and not (country and (pack / country.lower()).is_dir()):
        raise DataError([Problem(str(pack), f"not a country pack: no {METADATA_FILE} here"
                                 + (f", and no '{country.lower()}' folder holding one" if country else ""))])
    if country is None and pack is None:
        raise DataError([Problem(str(paths.data_root()), "say which country pack to load (country=...)")])
    if pack is None or not (pack / METADATA_FILE).exists():
        pack = paths.pack_dir(country, pack)
    meta = read_metadata(pack)
    infos = table_infos(meta, pack)
    key = _fingerprint(pack, infos)
    if _cache.get(pack) and _cache[pack][0] == key:
        tables, notes, names, messages, scenarios = _cache[pack][1:]
    else:
        tables, notes = read_tables(pack, infos)
        names = read_names(pack)
        messages = read_messages(pack, pack_languages(pack))
        problems = what_runs_need(pack, infos, tables, names, messages)
        try:
            scenarios = scenario_file.read(pack)
        except DataError as exc:
            problems, scenarios = problems + exc.problems, {}
        if problems:
            raise DataError(problems)
        _cache[pack] = (key, tables, notes, names, messages, scenarios)
    # every caller gets its own copies: a notebook that changes a table cannot change another's
    tables = {name: copy.deepcopy(df) if isinstance(df, dict) else df.copy() for name, df in tables.items()}
    return Pack(country=meta.get("country", country or pack.name), name=meta.get("name", country or pack.name), root=pack,
                tables=tables, info=infos, meta=meta, notes=notes, names=names, messages=messages,
                scenarios=scenarios)
