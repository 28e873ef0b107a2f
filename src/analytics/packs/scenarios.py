"""The named scenarios of a country pack (``scenarios.yaml``), read and checked.

One file serves every notebook: a scenario's ``access`` levers set the access-gaps
counterfactual, its ``connectivity`` levers the connectivity pages and its ``uptake`` levers
the course-uptake funnel. A lever a scenario leaves out takes the baseline's value, so the
file says only what each scenario changes.
"""

from __future__ import annotations

import re
import reprlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..core import yamlio
from ..core.errors import DataError, Problem
from ..core.i18n import CONTROL
from . import files

FILE = "scenarios.yaml"
#: Most named scenarios a pack may hold (baseline included; Tajikistan's has 6).
MAX_SCENARIOS = 24
#: What a pack whose scenarios state no course languages is told (by the uptake model and by ``validate``).
UNSTATED = ("scenario '{scenario}' states no uptake.content_languages: the share of courses in each of the "
            "pack's course languages (assumptions.yaml, uptake.reads), e.g. {{ky: 0.5, ru: 0.4, en: 0.1}}; "
            "notebooks 02, 03 and 04 need it for the course-uptake model")

#: Each section's levers with their default (the baseline's, unless the file sets it) and a check.
LEVERS: dict[str, dict[str, tuple[Any, str]]] = {
    "access": {"online": (True, "bool"), "rural_4g_at_least": (None, "share_or_null")},
    "connectivity": {"speed_uplift": (1.0, "positive"), "price_factor": (1.0, "positive"),
                     "price_point": (None, "price_point")},
    "uptake": {"content_languages": (None, "shares"),  # no default: the pack's baseline states its own
               "recognised": (False, "bool"), "blended": (False, "bool")},
}
_EXPECTED = {"bool": "true or false", "share_or_null": "a share from 0 to 1, or null",
             "positive": "a number from 0.01 to 100 (1 = as today)",
             "shares": "the pack's course languages (assumptions.yaml, uptake.reads) with shares from 0 to 1 "
                       "summing to 1 (within 0.05)",
             "price_point": "null or a point of the pack's dated mobile prices (assumptions.yaml, "
                            "prices.mobile_price_points)"}


@dataclass(frozen=True)
class Scenario:
    """One named scenario: its labels by language and its levers by section."""

    name: str
    label: dict[str, str]
    access: dict[str, Any] = field(default_factory=dict)
    connectivity: dict[str, Any] = field(default_factory=dict)
    uptake: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> str:
        parts = [f"{s}: " + ", ".join(f"{k}={v}" for k, v in getattr(self, s).items()) for s in LEVERS]
        return f"{self.name} ({self.label.get('en', self.name)}): " + "; ".join(parts)


def _bad(kind: str, value: Any, languages: tuple = ()) -> bool:
    if kind == "bool":
        return not isinstance(value, bool)
    if kind == "share_or_null":
        return value is not None and (isinstance(value, bool) or not isinstance(value, int | float)
                                      or not 0 <= value <= 1)
    if kind == "positive":  # a factor on today's speed or price: finite, from a hundredth to a hundredfold
        return isinstance(value, bool) or not isinstance(value, int | float) or not 0.01 <= value <= 100
    if kind == "price_point":
        return value is not None and not isinstance(value, str)
    if not isinstance(value, dict) or not value:
        return True
    shares = list(value.values())
    return (any(k not in languages for k in value)
            or any(isinstance(s, bool) or not isinstance(s, int | float) or not 0 <= s <= 1 for s in shares)
            or abs(sum(shares) - 1) > 0.05)


def labels(scenarios: dict[str, Scenario], language: str) -> dict[str, str]:
    """Message keys ``param.scenario.<name>`` naming each scenario that has a label, in ``language`` (else
    in English): what pages, workbooks and drop-downs call a scenario."""
    return {f"param.scenario.{n}": s.label.get(language) or s.label["en"] for n, s in scenarios.items() if s.label}


def read(pack: Path) -> dict[str, Scenario]:
    """Read and check a pack's ``scenarios.yaml``.

    Returns
    -------
    dict
        Scenario name to :class:`Scenario` (the baseline alone when the pack has no file), each
        section complete (levers left out take the
        baseline's value); content-language shares rescaled to sum to 1.

    Raises
    ------
    DataError
        Naming the file, the scenario and the lever, with what was expected.
    """
    pack = Path(pack)
    label = f"{pack.name}/{FILE}"
    path = pack / FILE
    if not path.exists():  # a pack without the file has the baseline alone, named by the suite's catalogs
        return {"baseline": Scenario("baseline", {}, **{s: {k: d for k, (d, _) in v.items()} for s, v in LEVERS.items()})}
    try:
        doc = yamlio.load(files.read_text(pack, path, label))
    except (yamlio.YamlProblem, yaml.YAMLError, UnicodeDecodeError, RecursionError) as exc:
        raise DataError([Problem(label, f"not a valid scenarios file: {yamlio.one_line(exc)}")]) from None
    if not isinstance(doc, dict) or "baseline" not in doc:
        raise DataError([Problem(label, "expected a mapping of named scenarios that includes 'baseline'")])
    if len(doc) > MAX_SCENARIOS:  # every uptake page simulates each one, and the options are compared side by side
        raise DataError([Problem(label, f"{len(doc):,} scenarios; a pack names at most {MAX_SCENARIOS} (the "
                                        "policy options a briefing compares side by side)")])
    problems: list[Problem] = []
    base = {s: {k: d for k, (d, _) in levers.items()} for s, levers in LEVERS.items()}
    out = {}
    languages = course_languages(pack)
    for name in ["baseline", *[n for n in doc if n != "baseline"]]:
        entry = doc[name]
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,79}", name):
            problems.append(Problem(label, f"a scenario is named {str(name)[:40]!r}; a scenario's name is letters, "
                                           "digits, '-' and '_' (it names pages and table rows)"))
            continue
        if not isinstance(entry, dict):
            problems.append(Problem(label, f"scenario '{name}' must be a mapping with label and sections"))
            continue
        unknown = sorted(set(entry) - {"label", *LEVERS})
        if unknown:
            problems.append(Problem(label, f"scenario '{name}': unknown section {', '.join(map(repr, unknown))}; "
                                           f"expected label, {', '.join(LEVERS)}"))
        names = entry.get("label")
        if not isinstance(names, dict) or "en" not in names or not all(isinstance(v, str) for v in names.values()):
            problems.append(Problem(label, f"scenario '{name}': label must give the name in each language (en at least)"))
            names = {"en": name}
        elif any(CONTROL.search(v) for v in names.values()):
            problems.append(Problem(label, f"scenario '{name}': label holds control or text-direction characters "
                                           "(e.g. NUL, ESC, U+202E); expected plain text"))
        sections = {}
        for section, levers in LEVERS.items():
            given = entry.get(section) or {}
            if not isinstance(given, dict):
                problems.append(Problem(label, f"scenario '{name}': {section} must be a mapping of levers"))
                given = {}
            for key in sorted(set(given) - set(levers)):
                elsewhere = [s for s, other in LEVERS.items() if key in other]
                hint = f" ({key} is set once per scenario, under {elsewhere[0]})" if elsewhere else ""
                problems.append(Problem(label, f"scenario '{name}': unknown {section} lever '{key}'; "
                                               f"expected {', '.join(levers)}{hint}"))
            values = {**base[section], **{k: v for k, v in given.items() if k in levers}}
            for key, (_, kind) in levers.items():
                if key in given and _bad(kind, given[key], languages):
                    problems.append(Problem(label, f"scenario '{name}': {section}.{key} is {reprlib.repr(given[key])}; "
                                                   f"expected {_EXPECTED[kind]}"))
            if isinstance(values.get("content_languages"), dict) and not _bad("shares", values["content_languages"],
                                                                               languages):
                total = sum(values["content_languages"].values())
                values["content_languages"] = {k: v / total for k, v in values["content_languages"].items()}
            sections[section] = values
        if name == "baseline":
            base = sections
        out[name] = Scenario(name, dict(names), **sections)
    if problems:
        raise DataError(problems)
    return _priced(pack, out, label)


def _priced(pack: Path, scenarios: dict[str, Scenario], label: str) -> dict[str, Scenario]:
    """Each section's ``price_point`` resolved: the point named (the pack's own when null) and
    ``price_factor`` times the ratio of its price to the price the pack's plans are set at."""
    from . import assumptions
    from .builders.prices import mobile_price

    prices = assumption_values(pack, "prices")
    try:
        _, own = mobile_price(prices)  # the point the pack's plans are priced at
    except KeyError as exc:
        raise DataError([Problem(f"{Path(pack).name}/{assumptions.FILE}", f"prices.price_point is "
                                 f"{prices.get('price_point')!r}; {exc.args[0]} (prices.mobile_price_points)")]) from None
    except (TypeError, ValueError, AttributeError):  # a price that is no number: one line, as validate says it
        shown = str(prices.get("mobile_price_points"))[:60]
        raise DataError([Problem(f"{Path(pack).name}/{assumptions.FILE}", f"prices.mobile_price_points is {shown!r}; "
                                 "expected a mapping of points (years) to prices in US$ per GB (numbers)")]) from None
    if own is not None and not own > 0:  # every price is divided by it (0 stopped validate with a traceback)
        raise DataError([Problem(f"{Path(pack).name}/{assumptions.FILE}", f"prices.mobile_price_points at the pack's "
                                 f"price point is {own!r}; expected a price above 0 in US$ per GB")])
    problems = []
    for name, sc in scenarios.items():
        for section in ("connectivity",):
            levers = getattr(sc, section)
            try:
                point, usd = mobile_price(prices, levers["price_point"])
            except KeyError as exc:
                problems.append(Problem(label, f"scenario '{name}': {section}.price_point is "
                                               f"{levers['price_point']!r}; {exc.args[0]}"))
                continue
            if point is not None:
                levers.update(price_point=point, price_factor=levers["price_factor"] * usd / own)
    if problems:
        raise DataError(problems)
    return scenarios


def course_languages(pack: Path) -> tuple[str, ...]:
    """The languages a course may be in: the keys of the pack's ``uptake.reads`` (who reads each), else none."""
    reads = assumption_values(pack, "uptake").get("reads")
    return tuple(str(k) for k in reads) if isinstance(reads, dict) else ()


def assumption_values(pack: Path, section: str) -> dict[str, Any]:
    """The values of a section of the pack's assumptions (empty when the pack has none)."""
    from . import assumptions

    if not (Path(pack) / assumptions.FILE).exists():
        return {}
    return assumptions.values(assumptions.read(pack), section)
