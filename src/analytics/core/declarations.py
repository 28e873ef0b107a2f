"""Parameter declarations: what each notebook accepts, declared by its capability.

Every capability declares its notebook's parameters in ``analytics.<capability>.params``
as :data:`PARAMETERS` (a :class:`Declaration`): name, type, default, meaning and allowed
values (choices, minimum and maximum, order rules such as ``year_from <= year_to``). The
notebook's parameters cell is generated from it (:meth:`Declaration.parameters_cell`, written by
``analytics cells``; a test keeps the tracked notebooks equal to it);
the runner checks every job against the declaration before any kernel starts, and a
notebook checks its own values in its first cell, so the same message appears in both.

Values that depend on a country pack (``country``, ``region``) are marked by ``source``
and checked by the runner, which can read the packs.
"""

from __future__ import annotations

import importlib
import operator
import re
from dataclasses import dataclass, field
from typing import Any

from .errors import ParameterError

_TYPE_NAMES = {str: "str", int: "int", float: "float", bool: "bool"}
_OPS = {"<=": operator.le, "<": operator.lt, ">=": operator.ge, ">": operator.gt}


def _fmt(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)


def _say(texts, key: str, **values) -> str:
    """A check's message (catalog key ``check.<key>``) in the session's language: ``texts`` is a live notebook's
    :class:`~analytics.core.i18n.Texts`, None for the command line and the runner (English)."""
    from .i18n import Texts

    return (texts or Texts("en"))(f"check.{key}", **values)


@dataclass(frozen=True)
class Param:
    """One parameter of a notebook.

    Parameters
    ----------
    name : str
        Name in the notebook's parameters cell.
    type : type
        ``str``, ``int``, ``float`` or ``bool`` (an ``int`` is accepted for a ``float``).
    default : Any
        Value in the parameters cell.
    help : str
        Meaning, with the unit.
    choices : tuple, optional
        The allowed values.
    min, max : float, optional
        Inclusive bounds of a number.
    source : str, optional
        ``"country"``, ``"region"``, ``"scenario"`` or ``"language"``: allowed values come from the
        country packs or the catalogs and are checked by the runner.
    """

    name: str
    type: type
    default: Any
    help: str
    choices: tuple | None = None
    min: float | None = None
    max: float | None = None
    source: str | None = None

    def allowed(self, texts=None) -> str:
        """The allowed values in words (in the language of ``texts``; English without)."""
        if self.choices is not None:
            return _say(texts, "one_of", values=", ".join(_fmt(c) for c in self.choices))
        if self.min is not None and self.max is not None:
            return _say(texts, "between", low=f"{self.min:g}", high=f"{self.max:g}")
        if self.min is not None:
            return _say(texts, "at_least", low=f"{self.min:g}")
        if self.max is not None:
            return _say(texts, "at_most", high=f"{self.max:g}")
        return f"a {_TYPE_NAMES[self.type]}"

    def describe(self) -> str:
        """One line: name, type, default, meaning and allowed values."""
        extra = f"; {self.allowed()}" if (self.choices or self.min is not None or self.max is not None) else ""
        return f"{self.name} ({_TYPE_NAMES[self.type]}, default {_fmt(self.default)}): {self.help}{extra}"

    def problem(self, value: Any, texts=None) -> str | None:
        """What is wrong with ``value``, or ``None`` (in the language of ``texts``; English without)."""
        ok = (int, float) if self.type is float else (self.type,)
        name = repr(self.name)
        if not isinstance(value, ok) or (self.type in (int, float) and isinstance(value, bool)):
            return _say(texts, "type", name=name, kind=_TYPE_NAMES[self.type], default=_fmt(self.default),
                        value=repr(value), got=type(value).__name__)
        if self.choices is not None and value not in self.choices:
            return _say(texts, "choose", name=name, value=repr(value), allowed=self.allowed(texts))
        if (self.min is not None and value < self.min) or (self.max is not None and value > self.max):
            return _say(texts, "range", name=name, value=repr(value), allowed=self.allowed(texts))
        if self.type is float and value != value:  # NaN
            return _say(texts, "nan", name=name)
        return None


@dataclass(frozen=True)
class Rule:
    """An order between two parameters, e.g. ``Rule("year_from", "<=", "year_to")``."""

    left: str
    op: str
    right: str

    def problem(self, values: dict[str, Any], texts=None) -> str | None:
        a, b = values.get(self.left), values.get(self.right)
        if a is None or b is None or _OPS[self.op](a, b):
            return None
        return _say(texts, "rule", left=repr(self.left), a=repr(a), right=repr(self.right), b=repr(b),
                    order=f"{self.left} {self.op} {self.right}")


@dataclass(frozen=True)
class Memory:
    """Peak memory of one kernel running a notebook, measured: ``base_mb`` plus ``per_unit_mb`` for each
    unit of the parameter ``scales_with`` (MB). The runner starts no more kernels at once than memory
    allows and refuses, before anything runs, a job that could not fit in the memory available."""

    base_mb: float = 500.0
    scales_with: str | None = None
    per_unit_mb: float = 0.0

    def estimate(self, values: dict[str, Any]) -> float:
        """MB one kernel needs at ``values`` (the notebook's effective parameters)."""
        extra = self.per_unit_mb * float(values.get(self.scales_with, 0)) if self.scales_with else 0.0
        return self.base_mb + extra

    def most(self, available_mb: float) -> int | None:
        """The largest value of ``scales_with`` that fits in ``available_mb`` (``None`` if it does not scale)."""
        if not self.scales_with or self.per_unit_mb <= 0:
            return None
        return max(0, int((available_mb - self.base_mb) / self.per_unit_mb))


@dataclass(frozen=True)
class Declaration:
    """Every parameter of one capability's notebook, the rules between them and its kernel's memory."""

    capability: str
    params: tuple[Param, ...]
    rules: tuple[Rule, ...] = field(default_factory=tuple)
    memory: Memory = field(default_factory=Memory)

    def __getitem__(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    def names(self) -> list[str]:
        return [p.name for p in self.params]

    def parameters_cell(self) -> str:
        """The notebook's parameters cell, generated from this declaration (its one source)."""
        return "\n".join(cell_line(p) for p in self.params)

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def effective(self, values: dict[str, Any]) -> dict[str, Any]:
        """Every parameter with its value for a run: the given value, else the default."""
        return {**self.defaults(), **{k: v for k, v in values.items() if k in self.names()}}

    def problems(self, values: dict[str, Any], texts=None) -> list[str]:
        """One message per problem: unknown names, wrong types, values not allowed, broken rules (in the
        language of ``texts``; English without)."""
        out = []
        for key, value in values.items():
            if key not in self.names():
                valid = "".join(f"\n  - {p.describe()}" for p in self.params)
                out.append(f"unknown parameter {key!r}. Valid parameters:{valid}")
                continue
            found = self[key].problem(value, texts)
            if found:
                out.append(found)
        if not out:
            full = self.effective(values)
            out += [p for p in (r.problem(full, texts) for r in self.rules) if p]
        return out

    def check_namespace(self, namespace: dict[str, Any]) -> dict[str, Any]:
        """Check the parameters as a notebook holds them (its ``globals()``); return their values. The
        message is in the notebook's ``language`` when that is one of the suite's (a specialist's session)."""
        texts = session_texts(namespace)
        return self.check({k: namespace[k] for k in self.names() if k in namespace},
                          where=_say(texts, "where_cell"), texts=texts)

    def check(self, values: dict[str, Any], where: str | None = None, texts=None) -> dict[str, Any]:
        """Return the effective values, or raise :class:`ParameterError` naming every problem."""
        found = self.problems(values, texts)
        if found:
            prefix = f"{where}: " if where else ""
            raise ParameterError("\n".join(prefix + p for p in found))
        return self.effective(values)


def session_texts(namespace: dict[str, Any]):
    """The :class:`~analytics.core.i18n.Texts` of a notebook's ``language`` when it is one of the suite's, else
    None (English: a refused language is said in English)."""
    from .i18n import LANGUAGES, Texts

    language = namespace.get("language")
    return Texts(language) if isinstance(language, str) and language in LANGUAGES else None


#: Parameters every notebook that has them declares the same way (one home for each).
COUNTRY = Param("country", str, "tjk", "lower-case ISO3 code of the country pack under data/", source="country")
REGION = Param("region", str, "all", 'ISO 3166-2 code of one of the pack\'s regions (analytics params lists them), '
               'or "all" for the whole country',
               source="region")
LANGUAGE = Param("language", str, "en", "language of the page: one of the pack's reader languages (en, ru, tg …)",
                 source="language")


def scenario_param(sets: str) -> Param:
    """The ``scenario`` parameter, saying what the scenario's levers set in this notebook (``sets``)."""
    return Param("scenario", str, "baseline", f"named scenario of the pack's scenarios.yaml ({sets})",
                 source="scenario")


def cell_line(p: Param) -> str:
    """One line of a parameters cell: ``name: type = default  # help`` (papermill's documented form); a
    parameter with at most four choices names them."""
    few = f": {' or '.join(_fmt(c) for c in p.choices)}" if p.choices and len(p.choices) <= 4 else ""
    return f"{p.name}: {_TYPE_NAMES[p.type]} = {_fmt(p.default)}  # {p.help}{few}"


_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def declaration(capability: str) -> Declaration:
    """The parameter declaration of a capability (``analytics.<capability>.params.PARAMETERS``).

    The module is looked up by name, so the caller (the runner) depends on no capability.
    """
    if not _NAME.match(capability or ""):
        raise ParameterError(f"capability name {capability!r} is not a package name")
    try:
        module = importlib.import_module(f"analytics.{capability}.params")
    except ModuleNotFoundError:
        raise ParameterError(f"capability {capability!r} has no parameter declaration "
                             f"(analytics/{capability}/params.py)") from None
    found = getattr(module, "PARAMETERS", None)
    if not isinstance(found, Declaration):
        raise ParameterError(f"analytics/{capability}/params.py does not define PARAMETERS")
    return found
