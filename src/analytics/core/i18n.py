"""Reader-facing text: message catalogs in English, Russian and Tajik, and number formatting.

Each layer or capability that writes for readers keeps one ``catalog.yaml`` in its own
folder (``analytics/access/catalog.yaml`` …), each key with its ``en``, ``ru`` and ``tg``
text; a value may instead map CLDR plural categories to texts. The catalogs are found by
looking for those files, never by importing the capabilities.

A :class:`Texts` object speaks one language: ``Texts("ru")("access.gap_sentence_1", …)``.
It may carry names from a country pack (regions, districts, tables, areas), which add to
or override only those name keys. Numbers placed in a message are written in the
language's locale (see :mod:`analytics.core.numbers`): a format spec ``.1f`` gives
``36.1`` / ``36,1``, ``,d`` groups thousands, and ``.1P`` writes a value in percent with
the locale's percent sign (``36.1%`` / ``36,1 %``). A key missing from a language raises
``KeyError``; a test checks every catalog has every language.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from functools import cache
from importlib import resources

from . import numbers
from .errors import ParameterError

LANGUAGES = ("en", "ru", "tg")

#: Characters no text a reader sees may hold (a briefing's title, a pack's names, labels and sources): C0/C1
#: control characters other than tab and newline, and the bidirectional overrides that reorder what is read.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

#: Language the notebooks' own markdown is written in.
SOURCE_LANGUAGE = "en"

#: The only keys a country pack's locale files may add or override: names of areas and
#: tables, and the pack's own texts in the reader's language (``source.<table>`` for a
#: table's source, ``assumption.<section>.<name>`` for an assumption's source or reason,
#: ``pilot.finding.<question>`` for what a pilot published on a research question,
#: ``pilot.verdict.<question>`` for that finding in one line, ``pilot.citation`` for that
#: publication, ``pilot.network`` and ``pilot.lms`` for the names of the research network and the LMS).
NAME_PREFIXES = ("region.", "district.", "table.", "area.", "source.", "licence.", "vintage.", "assumption.", "pilot.")

CATALOG_FILE = "catalog.yaml"

#: Reserved section of a catalog: how the workbook reads the columns of its capability's tidy tables.
#: ``values`` maps a column whose values are codes to the key pattern that names a value
#: (``settlement: "access.{}"``); ``headings`` maps a column to the key of its heading when that is
#: not ``col.<column>``; ``shares`` lists columns holding shares (0–1), shown in percent (their
#: ``_low``/``_high`` bounds too); ``whole`` lists columns (or the ``measure``/``stage`` of a long table's rows)
#: counting people or US dollars, written as whole numbers. The publisher reads these and knows no capability.
COLUMNS_SECTION = "columns"

_SPEC = re.compile(r"^(?P<sign>\+)?(?P<group>,)?(?:\.(?P<digits>\d+))?(?P<kind>[fdgP])?$")


def check_language(language: str, extra: tuple[str, ...] | list[str] = ()) -> str:
    """Return ``language`` if the suite (or a pack, through ``extra``) can write it, else raise."""
    if language not in LANGUAGES and language not in extra:
        raise ParameterError(f"language {language!r} is not available; choose one of "
                             f"{', '.join([*LANGUAGES, *extra])}")
    return language


def keys() -> list[str]:
    """Every key of the suite's catalogs (what a pack's catalog for a new language must hold)."""
    return list(_entries())


@cache
def catalog_files() -> tuple[str, ...]:
    """Package-relative paths of every ``catalog.yaml`` (one per folder of the package)."""
    root = resources.files("analytics")
    return tuple(sorted(f"{d.name}/{CATALOG_FILE}" for d in root.iterdir()
                        if d.is_dir() and d.joinpath(CATALOG_FILE).is_file()))


@cache
def _documents() -> tuple[tuple[str, dict], ...]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: the suite's own files, read fast
    return tuple((rel, yaml.load(resources.files("analytics").joinpath(rel).read_text("utf-8"), Loader=loader) or {})
                 for rel in catalog_files())


@cache
def _entries() -> dict[str, dict]:
    out: dict[str, dict] = {}
    for rel, doc in _documents():
        for key, entry in doc.items():
            if key == COLUMNS_SECTION:
                continue
            if key in out:
                raise KeyError(f"catalog key {key!r} is defined twice (again in {rel})")
            out[str(key)] = entry
    return out


@cache
def column_rules() -> dict[str, object]:
    """The ``columns`` sections of every catalog, merged: ``values`` (column to the key patterns that may name
    its codes, tried in order: each capability names its own codes of a shared column such as ``indicator``),
    ``headings`` (column to key; a column two catalogs head differently is an error), ``shares`` (columns of
    shares, 0–1) and ``whole`` (columns, or ``measure``/``stage`` codes, counting people or US dollars: whole
    numbers in the workbook)."""
    values: dict[str, list[str]] = {}
    headings: dict[str, str] = {}
    shares: set[str] = set()
    whole: set[str] = set()
    for rel, doc in _documents():
        section = doc.get(COLUMNS_SECTION) or {}
        unknown = set(section) - {"values", "headings", "shares", "whole"}
        if unknown:
            raise KeyError(f"{rel}: the columns section takes values, headings, shares and whole, not {sorted(unknown)}")
        for column, given in (section.get("values") or {}).items():
            patterns = values.setdefault(str(column), [])
            patterns += [str(p) for p in ([given] if isinstance(given, str) else given) if str(p) not in patterns]
        for column, key in (section.get("headings") or {}).items():
            if headings.get(column, key) != key:
                raise KeyError(f"{rel}: column {column!r} is named by {key!r} here and {headings[column]!r} "
                               "in another catalog")
            headings[str(column)] = str(key)
        shares |= {str(c) for c in section.get("shares") or ()}
        whole |= {str(c) for c in section.get("whole") or ()}
    return {"values": values, "headings": headings, "shares": shares, "whole": whole}


def code_names(texts, value: str, patterns) -> list[str]:
    """The names ``texts`` gives a coded value under each key pattern it knows (``"access.{}"`` …), in the
    patterns' order; a code is tried as written with spaces as ``_``, then with ``-`` as ``_`` too
    (``"urban-rural gap"`` → ``…_urban_rural_gap``)."""
    slug = value.replace(" ", "_")
    keys = dict.fromkeys(p.format(c) for p in patterns for c in (slug, slug.replace("-", "_")))
    return [texts(k) for k in keys if texts.has(k)]


@cache
def package_catalog(language: str) -> dict[str, object]:
    """Every message of the suite in ``language`` (a text, or plural forms by category)."""
    check_language(language)
    return {k: v[language] for k, v in _entries().items() if isinstance(v, dict) and language in v}


class _Formatter(string.Formatter):
    """``str.format`` with numbers written in one language's locale."""

    def __init__(self, language: str):
        self.language = language

    def format_field(self, value, format_spec: str):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return super().format_field(value, format_spec)
        m = _SPEC.match(format_spec)
        if m is None:
            return super().format_field(value, format_spec)
        kind, digits = m["kind"], m["digits"]
        sign = bool(m["sign"])
        if kind == "P":
            return numbers.percent(value, int(digits or 0), self.language, sign)
        if kind == "f" or (kind is None and digits is not None):
            return numbers.decimal(value, int(digits or 0), self.language, bool(m["group"]), sign)
        if kind == "g":
            return numbers.decimal(value, None, self.language, bool(m["group"]), sign)
        if kind == "d" or m["group"]:
            return numbers.decimal(value, 0, self.language, bool(m["group"]), sign)
        if isinstance(value, float):  # no spec: a float still gets the locale's decimal mark
            return numbers.decimal(value, None, self.language, False, sign)
        return str(value)  # a plain integer (a year) is written as it is


class Texts:
    """The messages of one language, with a country pack's names.

    Parameters
    ----------
    language : str
        ``"en"``, ``"ru"`` or ``"tg"``.
    names : mapping, optional
        Extra keys from a country pack (``region.*``, ``district.*``, ``table.*``,
        ``area.*``), already checked by the pack loader.
    messages : mapping, optional
        The suite's messages in a language a pack adds (its ``locales/messages-<lang>.yaml``,
        checked by the pack loader to hold every key); the suite's own catalogs otherwise.
    """

    def __init__(self, language: str, names: Mapping[str, str] | None = None,
                 messages: Mapping[str, object] | None = None):
        self.language = check_language(language, (language,) if messages else ())
        self.names = dict(names or {})
        self._own = bool(messages)
        self.messages = dict(messages) if messages else package_catalog(self.language)
        self._fmt = _Formatter(self.language)

    def __reduce__(self):
        # the suite's own catalog is not copied into every pickle (a panel kept by a batch run's cache holds
        # its table's texts): it is read again, as this process or a worker of the run reads it
        return Texts, (self.language, self.names, self.messages if self._own else None)

    def _raw(self, key: str):
        if key in self.names:
            return self.names[key]
        return self.messages[key]

    def __call__(self, key: str, **values) -> str:
        """The message ``key`` with ``values`` placed in it (numbers in the locale)."""
        text = self._raw(key)
        if isinstance(text, dict):
            raise KeyError(f"{key!r} holds plural forms; use Texts.plural")
        return self._fmt.format(str(text), **values) if values else str(text)

    def has(self, key: str) -> bool:
        """Whether ``key`` exists in this language."""
        return key in self.names or key in self.messages

    def get(self, key: str, default: str) -> str:
        """The message ``key``, or ``default`` when no catalog has it."""
        return self(key) if self.has(key) else default

    def table_text(self, table: str, field: str, default: str) -> str:
        """A pack table's ``source``, ``licence`` or ``vintage`` in this language (the pack locale's key
        ``<field>.<table>``), else as ``pack.yaml`` states it."""
        return self.get(f"{field}.{table}", default)

    def today(self) -> str:
        """Today's date (UTC) in this language's long format (CLDR)."""
        return numbers.today(self.language)

    def plural(self, key: str, n: float, **values) -> str:
        """The form of ``key`` that CLDR's plural rules choose for ``n``, with ``n`` placed in it."""
        forms = self._raw(key)
        if not isinstance(forms, dict):
            return self._fmt.format(str(forms), n=n, **values)
        category = numbers.plural_category(n, self.language)
        text = forms.get(category, forms.get("other"))
        return self._fmt.format(str(text), n=n, **values)

    def number(self, value: float, digits: int | None = 1, grouping: bool = True, sign: bool = False) -> str:
        """A number in this language's locale (see :func:`analytics.core.numbers.decimal`)."""
        return numbers.decimal(value, digits, self.language, grouping, sign)

    def percent(self, value_pct: float, digits: int = 1, sign: bool = False) -> str:
        """A value in percent in this language's locale (``36.1%`` / ``36,1 %``)."""
        return numbers.percent(value_pct, digits, self.language, sign)

    def mark_modelled(self, title: str, modelled: bool) -> str:
        """``title`` followed by the translated "(modelled)" mark when ``modelled`` (plotly markup)."""
        return self.mark(title, self("modelled")) if modelled else title

    def mark(self, title: str, word: str) -> str:
        """``title`` followed by ``word`` (an evidence grade, in the page's language) in brackets (plotly markup)."""
        return f"{title} <i>({word})</i>"

