"""The assumptions file of a pack: every modelled number with its source or reason."""

from __future__ import annotations

import math
import re
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


def needed(pack: Path, infos: dict) -> list[Problem]:
    """Every key each built table's builder reads from its ``assumptions`` section, present and of its shape
    (``infos``: table name → :class:`~analytics.packs.metadata.TableInfo`)."""
    from .registry import ASSUMPTION_KEYS, SHAPES

    wanted = {n: i for n, i in infos.items() if i.built_by in ASSUMPTION_KEYS and i.raw.get("assumptions")}
    if not wanted:
        return []
    try:
        doc = read(pack)
    except DataError as exc:
        return list(exc.problems)
    problems = []
    for name, info in wanted.items():
        section = info.raw["assumptions"]
        if section not in doc:
            problems.append(Problem(f"{pack.name}/{FILE}", f"no section '{section}', which table "
                                    f"'{name}' (builder {info.built_by}) reads"))
            continue
        have = values(doc, section)
        lacking = [k for k in ASSUMPTION_KEYS[info.built_by] if not isinstance(have, dict) or k not in have]
        if lacking:
            problems.append(Problem(f"{pack.name}/{FILE}", f"section '{section}' lacks "
                                    f"{', '.join(lacking)}, which builder {info.built_by} reads for table '{name}'"))
        for key in sorted(set(ASSUMPTION_KEYS[info.built_by]) - set(lacking)):
            test, expected = SHAPES.get(key, (None, ""))
            if test is not None:  # a key with a shape of its own: the shape is its whole check
                if not test(have[key]):
                    problems.append(Problem(f"{pack.name}/{FILE}", f"{section}.{key} is "
                                            f"{str(have[key])[:60]!r}; expected {expected} (builder "
                                            f"{info.built_by}, table '{name}')"))
                continue
            if key == "price_point":  # a label of the dated prices, not a number
                points = have.get("mobile_price_points")
                if isinstance(points, dict) and str(have[key]) not in map(str, points):
                    problems.append(Problem(f"{pack.name}/{FILE}", f"{section}.price_point is "
                                            f"{str(have[key])[:40]!r}; expected one of the points of "
                                            f"{section}.mobile_price_points ({', '.join(map(str, points))})"))
                continue
            bad = not_numbers(have[key], f"{section}.{key}")
            if bad:
                shown = "; ".join(f"{where} = {value!r:.40}" for where, value in bad[:3])
                problems.append(Problem(f"{pack.name}/{FILE}", f"{shown}: expected a number "
                                        f"(builder {info.built_by} computes with it for table '{name}')"))
    return problems


def leaves(value: Any, where: str) -> list[tuple[str, Any]]:
    """Every value inside ``value`` (mappings and lists walked) with where it is (``a.b[2]``)."""
    if isinstance(value, dict):
        return [leaf for k, v in value.items() for leaf in leaves(v, f"{where}.{k}")]
    if isinstance(value, list):
        return [leaf for i, v in enumerate(value) for leaf in leaves(v, f"{where}[{i}]")]
    return [(where, value)]


def _finite(v: Any) -> bool:
    """A number a float holds, within :data:`LARGEST` (an integer of 400 digits overflowed the checks)."""
    try:
        return math.isfinite(v) and abs(v) <= LARGEST
    except OverflowError:
        return False


#: The largest magnitude an assumption may have (no count, amount or rate of a country comes near it).
LARGEST = 1e15


def not_numbers(value: Any, where: str) -> list[tuple[str, Any]]:
    """Every place inside ``value`` that is not a finite number (of at most :data:`LARGEST`)."""
    return [(w, v) for w, v in leaves(value, where)
            if isinstance(v, bool) or not isinstance(v, int | float) or not _finite(v)]


#: Values read while a notebook runs (not by a builder), each with its shape: a share (0–1), a triangular
#: range of a share (``low <= mode <= high``) or a mapping of names to shares.
RUN_TIME = {("uptake", "concurrency"): "share", ("uptake", "new_adult_share"): "range",
            ("survey", "course_language_shares"): "shares"}


def _kind(value: Any) -> str:
    """The shape of an assumption's value, in the words of an error message."""
    if isinstance(value, bool):
        return "yes or no"
    if isinstance(value, int | float):
        return "a number"
    return {dict: "a mapping", list: "a list", str: "text"}.get(type(value), "nothing" if value is None else "other")


def shapes_stated(pack: Path) -> list[Problem]:
    """Every value of ``assumptions.yaml`` of the shape the example pack's (the scaffold's) has for the same key,
    and each entry of a mapping too (a list where a builder reads a number passed validation, then stopped the
    build naming ``pack.yaml``): the file, the key, what was found and what was expected."""
    from ..core import paths

    example = paths.pack_dir("tjk", paths.project_root() / "data")  # the shipped example, whatever ANALYTICS_DATA
    if pack.resolve() == example.resolve() or not (example / FILE).is_file():
        return []
    try:
        doc, reference = read(pack), read(example)
    except DataError:  # reported by needed()
        return []

    def values(d: dict) -> dict:
        out = {}
        for section, entries in (d or {}).items():
            items = {section: entries} if "value" in (entries or {}) else (entries or {})
            for name, entry in (items.items() if isinstance(items, dict) else ()):
                if isinstance(entry, dict) and "value" in entry:
                    out[f"{section}.{name}" if name != section else section] = entry["value"]
        return out

    ours, theirs, wrong = values(doc), values(reference), []
    for where, expected in theirs.items():
        if where in ours and expected is not None:
            wrong += _unlike(ours[where], expected, where)
    return [Problem(f"{pack.name}/{FILE}", f"{w} = {str(v)[:40]!r} is {_kind(v)}: expected {_kind(e)}, as in the "
                                           f"example pack") for w, v, e in wrong[:5]]


def _unlike(value: Any, expected: Any, where: str, depth: int = 0) -> list[tuple[str, Any, Any]]:
    """Where ``value`` differs in shape from the example's ``expected``, at every level: a mapping's entries by
    key (an entry the example lacks is compared with its entries when those all have one shape: years, languages),
    a list's items with the example's first item."""
    if expected is None or depth > 8:
        return []
    by_settlement = isinstance(expected, dict) and set(expected) == {"urban", "rural"}
    if by_settlement and _kind(value) == "a number":  # one value, or one by settlement (uptake.reads)
        return []
    if _kind(value) != _kind(expected):
        return [(where, value, expected)]
    out: list = []
    if isinstance(expected, dict):
        kinds = {_kind(v) for v in expected.values() if v is not None}
        alike = next((v for v in expected.values() if v is not None), None) if len(kinds) == 1 else None
        for k, v in value.items():
            out += _unlike(v, expected.get(k, alike), f"{where}.{k}", depth + 1)
    elif isinstance(expected, list) and expected:
        for i, v in enumerate(value):
            out += _unlike(v, expected[0], f"{where}[{i}]", depth + 1)
    return out


#: The range of each number builders read (kind, low, high): ``number`` (every number inside the value), ``whole``
#: (whole numbers: people, firms, districts), ``sum1`` (shares adding up to 1, each mapping of a mapping on its
#: own). A value outside stopped a build with numpy's words (a negative weight), hung it (a negative uplift),
#: filled memory (10^8 respondents) or built nonsense without a word (age shares adding up to 2).
BOUNDS = {("population", "urban_total"): ("whole", 0, 1e10), ("population", "estimate_region_totals"): ("whole", 0, 1e10),
          ("population", "remainder_weights"): ("number", 0, 1e10), ("population", "host_city_urban_uplift"): ("number", 0, 1),
          ("population", "age_shares"): ("sum1", 0, 1), ("institutions", "national_students"): ("whole", 1, 1e8),
          ("institutions", "size_weight"): ("number", 0, 1e6), ("institutions", "part_time_tilt"): ("number", 0, 1e3),
          ("connectivity", "mobile_download_mbps"): ("number", 1e-3, 1e5),
          ("connectivity", "mobile_upload_mbps"): ("number", 1e-3, 1e5),
          ("connectivity", "fixed_download_mbps"): ("number", 1e-3, 1e5),
          ("connectivity", "fixed_upload_mbps"): ("number", 1e-3, 1e5), ("connectivity", "log_sd"): ("number", 0, 10),
          ("connectivity", "rural_penalty"): ("number", 0, 1), ("connectivity", "mountain_penalty"): ("number", 0, 1),
          ("connectivity", "capital_premium"): ("number", 0, 10), ("connectivity", "latency_ms"): ("number", 0, 1e5),
          ("prices", "local_per_usd"): ("number", 1e-6, 1e9), ("prices", "mobile_price_points"): ("number", 1e-6, 1e6),
          ("prices", "fixed_plans"): ("number", 1e-6, 1e9), ("prices", "mobile_plan_gb"): ("whole", 1, 1e6),
          ("prices", "mean_monthly_income_local"): ("number", 1e-6, 1e12), ("prices", "income_growth"): ("number", 0, 1e3),
          ("prices", "urban_rural_income_ratio"): ("number", 1e-3, 1e3), ("prices", "quintile_income_shares"): ("sum1", 0, 1),
          ("learners", "sample_size"): ("whole", 1, 1e5), ("learners", "urban_quintile_probs"): ("sum1", 0, 1),
          ("learners", "language_shares"): ("sum1", 0, 1), ("learners", "urban_jitter_km"): ("number", 0, 1e3),
          ("learners", "unknown_place_population"): ("number", 0, 1e9),
          ("learners", "dispersed_decay_km"): ("number", 1e-3, 1e4), ("survey", "respondents"): ("whole", 0, 1e5),
          ("survey", "firms"): ("whole", 1, 1e5), ("survey", "firm_sectors"): ("number", 0, 1e6),
          ("survey", "mention_weights"): ("number", 0, 1), ("survey", "certificate_motivation"): ("number", 0, 1),
          ("survey", "willing_cocreate"): ("number", 0, 1), ("survey", "willing_hire"): ("number", 0, 1),
          ("survey", "willing_invest_training"): ("number", 0, 1)}
#: What a value of :data:`BOUNDS` must also hold as a whole (a test over its numbers, what is expected): each
#: had passed the ranges and stopped the build naming the CSV it would have written, not the key.
WHOLE = {("survey", "respondents"): (lambda v: min(v, default=0) >= 1, "at least one respondent of each role"),
         ("prices", "mobile_plan_gb"): (lambda v: len(set(v)) == len(v), "each bundle size once"),
         ("survey", "firm_sectors"): (lambda v: sum(v) > 0, "at least one sector with a weight above 0")}
#: The roles of a reconstructed survey's respondents (``survey.respondents`` gives the number of each).
SURVEY_ROLES = ("teacher", "student")
#: The survey's item lists, each given a weight by ``mention_weights`` in its order.
MENTIONED = ("requirements", "advantages", "disadvantages")


def bounds_stated(doc: dict, label: str) -> list[Problem]:
    """Every value of :data:`BOUNDS` in its range (and ``mention_weights`` as long as every item list): one line
    per key, naming it, the value and the range."""
    problems = []
    for (section, name), (kind, low, high) in BOUNDS.items():
        entry = (doc.get(section) or {}).get(name) if isinstance(doc.get(section), dict) else None
        if not isinstance(entry, dict) or "value" not in entry:
            continue
        where, value = f"{section}.{name}", entry["value"]
        found = leaves(value, where)
        numbers = [(w, v) for w, v in found if isinstance(v, int | float) and not isinstance(v, bool)]
        wrong = [(w, v) for w, v in numbers if not (_finite(v) and low <= v <= high)
                 or (kind == "whole" and not float(v).is_integer())]
        groups = list(value.values()) if kind == "sum1" and isinstance(value, dict) and all(
            isinstance(v, dict) for v in value.values()) else [value]
        if kind == "sum1" and not wrong and len(numbers) == len(found):  # (a word is the shape check's to say)
            totals = [sum(v for _, v in leaves(g, where)) for g in groups]
            wrong = [(where, round(total, 6)) for total in totals if abs(total - 1) > 0.011]
        test, needed = WHOLE.get((section, name), (None, ""))
        if not wrong and test is not None and len(numbers) == len(found) and not test([v for _, v in numbers]):
            shown = str(value) if len(str(value)) <= 80 else str(value)[:79] + "…"
            problems.append(Problem(label, f"{where} = {shown!r}: expected {needed}"))
        if wrong:
            expected = {"whole": f"whole numbers from {low:,.0f} to {high:,.0f}",
                        "sum1": "shares from 0 to 1 adding up to 1"}.get(kind, f"numbers from {low:g} to {high:g}")
            problems.append(Problem(label, f"{'; '.join(f'{w} = {str(v)[:40]!r}' for w, v in wrong[:3])}: "
                                           f"expected {expected}"))
    survey = doc.get("survey") if isinstance(doc.get("survey"), dict) else {}
    weights = (survey.get("mention_weights") or {}).get("value") if isinstance(survey.get("mention_weights"), dict) else None
    lists = [len(e["value"]) for k in MENTIONED if isinstance(e := survey.get(k), dict) and isinstance(e.get("value"), list)]
    for k in MENTIONED:
        items = (survey.get(k) or {}).get("value") if isinstance(survey.get(k), dict) else None
        seen = [str(i).strip().casefold() for i in items] if isinstance(items, list) else []
        twice = [items[n] for n, i in enumerate(seen) if i in seen[:n]]
        if twice:
            problems.append(Problem(label, f"survey.{k} lists {str(twice[0])[:40]!r} twice: expected each item once"))
    roles = (survey.get("respondents") or {}).get("value") if isinstance(survey.get("respondents"), dict) else None
    if isinstance(roles, dict) and set(roles) != set(SURVEY_ROLES):
        problems.append(Problem(label, f"survey.respondents names {', '.join(map(str, roles)) or 'no role'}: "
                                       f"expected the number of each of {', '.join(SURVEY_ROLES)}"))
    people = [v for v in roles.values() if isinstance(v, int | float)] if isinstance(roles, dict) else []
    numbers = [w for w in weights if isinstance(w, int | float) and _finite(w)] if isinstance(weights, list) else []
    if numbers and sum(people) > 0 and max(numbers) * sum(people) < 1:  # every item rounds to nobody: no table
        problems.append(Problem(label, f"survey.mention_weights: the largest weight ({max(numbers):g}) names no item "
                                       f"among {sum(people):g} respondents; expected at least one mention"))
    if isinstance(weights, list) and lists and len(weights) < max(lists):
        problems.append(Problem(label, f"survey.mention_weights has {len(weights)} weights; expected one for each "
                                       f"item of the longest list ({max(lists)})"))
    return problems


def all_stated(pack: Path, before: list[Problem] = ()) -> list[Problem]:
    """:func:`shapes_stated` and :func:`values_stated` of a pack, each key named once (not again when ``before``, the
    problems already found, names it): what validate and pack build both check before anything is built."""
    problems = list(before)
    for found in (shapes_stated(pack), values_stated(pack)):
        named = [k for k in map(_key_named, problems) if k]
        problems += [p for p in found if not any(_same_key(_key_named(p), k) for k in named)]
    return problems[len(before):]


_KEY = re.compile(r"([A-Za-z_][\w.\[\]\- ]*?)(?: = | is |: | lists | names )")


def _key_named(problem: Problem) -> str:
    """The key a problem of ``assumptions.yaml`` opens with (``survey.respondents.teacher``), or ""."""
    m = _KEY.match(problem.message)
    return m.group(1) if m and "." in m.group(1) else ""


def _same_key(a: str, b: str) -> bool:
    """Whether two keys name one value or one inside the other (``a.b`` and ``a.b.c``, ``a.b[2]``)."""
    return bool(a) and (a == b or a.startswith((b + ".", b + "[")) or b.startswith((a + ".", a + "[")))


def values_stated(pack: Path) -> list[Problem]:
    """Every number of ``assumptions.yaml`` finite (NaN, infinity or 1e308 in any section stopped the methods
    page with a traceback), every ``*_share`` or ``*_shares`` value from 0 to 1, and the values notebooks read
    while they run (:data:`RUN_TIME`) of their shape, before anything runs."""
    try:
        doc = read(pack)
    except DataError:  # reported by needed()
        return []
    label = f"{pack.name}/{FILE}"
    problems = bounds_stated(doc, label)
    for section, entries in doc.items():
        items = {section: entries} if "value" in (entries or {}) else (entries or {})
        for name, entry in (items.items() if isinstance(items, dict) else ()):
            value = entry.get("value") if isinstance(entry, dict) else None
            where = f"{section}.{name}" if name != section else section
            wrong = [(w, v) for w, v in leaves(value, where)
                     if isinstance(v, int | float) and not isinstance(v, bool) and not _finite(v)]
            shape = RUN_TIME.get((section, name))
            if str(name).endswith(("_share", "_shares")) or shape in ("share", "shares"):
                wrong += [(w, v) for w, v in leaves(value, where) if (w, v) not in wrong and
                          (isinstance(v, bool) or not isinstance(v, int | float) or not 0 <= v <= 1)]
            if shape == "shares" and not isinstance(value, dict):
                wrong.append((where, value))
            if shape == "range" and not (isinstance(value, dict) and set(value) == {"low", "mode", "high"}
                                         and not not_numbers(value, where)
                                         and 0 <= value["low"] <= value["mode"] <= value["high"] <= 1):
                wrong.append((where, value))
            wrong = list(dict.fromkeys((w, str(v)) for w, v in wrong))  # a value wrong in two ways: named once
            if wrong:
                expected = {"range": "a range {low, mode, high} of shares from 0 to 1, low <= mode <= high",
                            "shares": "a mapping of names to shares from 0 to 1"}.get(shape, "a finite number" + (
                    " from 0 to 1 (a share)" if shape == "share" or str(name).endswith(("_share", "_shares"))
                    else f" of at most {LARGEST:.0e}"))
                shown = "; ".join(f"{w} = {str(v)[:40]!r}" for w, v in wrong[:3])
                problems.append(Problem(label, f"{shown}: expected {expected}"))
    once: dict[str, Problem] = {}  # a value wrong in two ways (out of its range, and not a share): said once
    for p in problems:
        once.setdefault(p.message.split(" = ")[0], p)
    return list(once.values())


#: What the uptake notebooks read from the ``costs`` section (US$, counts), and the development routes
#: ``development_usd_per_course_hour`` prices (those of :data:`analytics.uptake.course_costs.ROUTES`).
COST_KEYS = ("courses", "hours_per_course", "development_usd_per_course_hour", "lms_usd_per_learner_year",
             "bandwidth_usd_per_mbps_year", "tutor_learners", "tutor_usd_year", "certificate_usd", "tv_usd_year",
             "budget_usd")
COST_ROUTES = ("in_house", "outsourced", "oer_localisation")


def costs_stated(pack: Path) -> list[Problem]:
    """The ``costs`` section the uptake notebooks read: every key present, every value a finite number of 0 or
    more (a NaN cost stopped a briefing with a traceback; a negative one gave "US$ -5,400 per completer")."""
    try:
        doc = read(pack)
    except DataError:  # reported by needed()
        return []
    label = f"{pack.name}/{FILE}"
    if "costs" not in doc:
        return [Problem(label, "no section 'costs', which notebook 03 (course uptake) reads")] if "uptake" in doc else []
    have = values(doc, "costs")
    lacking = [k for k in COST_KEYS if not isinstance(have, dict) or k not in have]
    if lacking:
        return [Problem(label, f"section 'costs' lacks {', '.join(lacking)}, which notebook 03 reads")]
    routes = have["development_usd_per_course_hour"]
    if not isinstance(routes, dict) or set(COST_ROUTES) - set(routes):
        return [Problem(label, "costs.development_usd_per_course_hour must give US$ per course hour for each route: "
                               + ", ".join(COST_ROUTES))]
    leaves_ = [(w, v) for k in COST_KEYS for w, v in leaves(have[k], f"costs.{k}")]
    bad = not_numbers(have, "costs")
    bad += [(w, v) for w, v in leaves_ if (w, v) not in bad and v < 0]
    if bad:
        return [Problem(label, "; ".join(f"{w} = {v!r:.40}" for w, v in bad[:3])
                        + f": expected a number from 0 to {LARGEST:.0e} (US$, or a count)")]
    if have["tutor_learners"] <= 0:
        return [Problem(label, f"costs.tutor_learners = {have['tutor_learners']!r}: expected more than 0 learners "
                               "per tutor")]
    return []

