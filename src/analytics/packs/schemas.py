"""Table schemas, read from a pack's metadata file, and the checks they imply.

A schema is plain data (it lives in ``data/<country>/pack.yaml``) so that a second
country needs no code. Each column spec may hold:

``type``
    ``str``, ``int``, ``float`` or ``bool``.
``nullable``
    Whether empty cells are allowed (default ``false``).
``min`` / ``max``
    Inclusive bounds; ``share: true`` is shorthand for ``min: 0, max: 1``.
``unique``
    No two rows share a value.
``allowed``
    The list of permitted values.
``pattern``
    A regular expression every value must match in full.
``references``
    ``"table.column"``: every value must occur in that column of that table
    (``references_also`` lists extra permitted values, such as a national code).

Checks never raise: they return :class:`~analytics.errors.Problem` lists so that one
run reports every problem at once.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..core.errors import Problem

TYPES = ("str", "int", "float", "bool")
#: Largest whole number a table may hold (beyond it a count is no count, and 64-bit integers wrap round).
MAX_INT = 1e15
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}
#: What a cell may hold and still count as empty.
_EMPTY = frozenset({"", "NA", "NaN", "nan", "None"})
#: Rows up to which a column of text is converted value by value (a pandas step costs about 0.1 ms whatever
#: the length; a Python step about 0.1 µs a value).
_SHORT = 1_000


@dataclass(frozen=True)
class ColumnSpec:
    """The expectations for one column."""

    name: str
    type: str = "str"
    nullable: bool = False
    min: float | None = None
    max: float | None = None
    unique: bool = False
    allowed: tuple | None = None
    pattern: str | None = None
    references: str | None = None
    references_also: tuple = ()
    description: str = ""

    @classmethod
    def from_dict(cls, name: str, spec: dict[str, Any]) -> ColumnSpec:
        """A column's expectations from ``pack.yaml``; ``ValueError`` names what is malformed."""
        if spec is not None and not isinstance(spec, dict):
            raise ValueError(f"column '{name}' must be a mapping such as {{type: int, min: 0}}; found {spec!r}")
        spec = dict(spec or {})
        if spec.pop("share", False):
            spec.setdefault("min", 0.0)
            spec.setdefault("max", 1.0)
        unknown = sorted(set(spec) - (set(cls.__dataclass_fields__) - {"name"}))
        if unknown:
            raise ValueError(f"column '{name}': unknown keys {', '.join(unknown)}")
        if spec.get("type", "str") not in TYPES:
            raise ValueError(f"column '{name}': unknown type {spec['type']!r}; use one of {TYPES}")
        for key in ("min", "max"):
            if spec.get(key) is not None and (isinstance(spec[key], bool) or not isinstance(spec[key], int | float)
                                              or math.isnan(spec[key])):  # a NaN bound compares false: no check
                raise ValueError(f"column '{name}': '{key}' must be a number; found {spec[key]!r}")
        if spec.get("pattern") is not None:
            try:
                re.compile(str(spec["pattern"]))
            except re.error as exc:
                raise ValueError(f"column '{name}': 'pattern' is not a regular expression ({exc})") from None
        ref = spec.get("references")
        if ref is not None and not (isinstance(ref, str) and re.fullmatch(r"\w+\.\w+", ref)):
            raise ValueError(f"column '{name}': 'references' must be table.column; found {ref!r}")
        for key in ("allowed", "references_also"):
            if key in spec and spec[key] is not None:
                if not isinstance(spec[key], list):
                    raise ValueError(f"column '{name}': '{key}' must be a list; found {spec[key]!r}")
                spec[key] = tuple(spec[key])
        return cls(name=name, **spec)

    def expectation(self) -> str:
        """Plain-language statement of what this column must hold."""
        parts = [{"str": "text", "int": "whole numbers", "float": "numbers",
                  "bool": "true/false"}[self.type]]
        if self.min is not None and self.max is not None:
            parts.append(f"between {self.min:g} and {self.max:g}")
        elif self.min is not None:
            parts.append(f"at least {self.min:g}")
        elif self.max is not None:
            parts.append(f"at most {self.max:g}")
        if not self.nullable:
            parts.append("no empty cells")
        return ", ".join(parts)


@dataclass(frozen=True)
class TableSchema:
    """The expectations for one table of a pack."""

    name: str
    columns: tuple[ColumnSpec, ...]
    key: tuple[str, ...] = ()
    crs: str = "EPSG:4326"

    @classmethod
    def from_dict(cls, name: str, spec: dict[str, Any]) -> TableSchema:
        columns = spec.get("columns") or {}
        if not isinstance(columns, dict):
            raise ValueError(f"'columns' must map column names to their expectations; found {columns!r}")
        cols = tuple(ColumnSpec.from_dict(str(c), s) for c, s in columns.items())
        key = spec.get("key") or ()
        key = (key,) if isinstance(key, str) else tuple(key)
        return cls(name=name, columns=cols, key=key, crs=spec.get("crs", "EPSG:4326"))


def _spreadsheet_rows(mask: pd.Series, offset: int) -> tuple[int, ...]:
    """Row numbers of the True entries of ``mask`` (positional index + ``offset``)."""
    return tuple(int(i) + offset for i in np.flatnonzero(np.asarray(mask, dtype=bool)))


def check_columns(df: pd.DataFrame, schema: TableSchema, file: str) -> list[Problem]:
    """Report columns the schema needs that the table lacks, suggesting close misspellings."""
    problems = []
    present = [str(c) for c in df.columns]
    for col in schema.columns:
        if col.name in present:
            continue
        close = difflib.get_close_matches(col.name, present, n=1, cutoff=0.6)
        hint = f" (found '{close[0]}': misspelt?)" if close else ""
        problems.append(Problem(file, f"missing column; expected {col.expectation()}{hint}. "
                                      f"Columns present: {', '.join(present)}", column=col.name))
    return problems


def coerce_column(raw: pd.Series, col: ColumnSpec, file: str, offset: int,
                  decimal_comma: bool = False) -> tuple[pd.Series, list[Problem]]:
    """Convert a column read as text (or already typed) to its schema type.

    Parameters
    ----------
    raw : pandas.Series
        The column as read.
    col : ColumnSpec
        Its expectations.
    file : str
        File name, for messages.
    offset : int
        Added to the positional index to give the row number a user sees.
    decimal_comma : bool
        The file uses ``,`` as decimal mark (a Russian-locale spreadsheet export).

    Returns
    -------
    (pandas.Series, list of Problem)
    """
    texts = _plain_texts(raw)
    if texts is None:  # not all text (numbers, missing values): pandas converts each value
        s = raw.copy()
        if s.dtype == object or pd.api.types.is_string_dtype(s):
            s = s.astype("string").str.strip()
            s = s.mask(s.isin(list(_EMPTY)))
        empty = s.isna().to_numpy(dtype=bool)
    else:  # every value a text (a CSV column): the same steps on the list, without a pandas call per step
        s = None
        empty = np.array([t in _EMPTY for t in texts], dtype=bool)
    problems: list[Problem] = []
    if col.type == "str":
        out = s.astype(object).where(~empty, None) if texts is None else \
            pd.Series([None if e else t for t, e in zip(texts, empty, strict=True)], dtype=object)
    elif col.type == "bool":
        low = s.astype("string").str.lower().tolist() if texts is None else [t.lower() for t in texts]
        bad = ~empty & np.array([v not in _TRUE and v not in _FALSE for v in low], dtype=bool)
        if bad.any():
            problems.append(Problem(file, f"expected true/false, found {_sample(raw[bad])}",
                                    col.name, _spreadsheet_rows(bad, offset)))
        out = pd.Series([None if e else v in _TRUE for v, e in zip(low, empty, strict=True)], dtype=object)
    else:
        if texts is not None:
            digits = [None if e else t.replace("\u00a0", "").replace(" ", "") for t, e in zip(texts, empty, strict=True)]
            if decimal_comma:
                digits = [d if d is None else d.replace(",", ".") for d in digits]
            num = pd.to_numeric(pd.Series(digits, dtype="string"), errors="coerce")
        elif not pd.api.types.is_numeric_dtype(s):
            text = s.astype("string").str.replace("\u00a0", "", regex=False).str.replace(" ", "", regex=False)
            if decimal_comma:
                text = text.str.replace(",", ".", regex=False)
            num = pd.to_numeric(text, errors="coerce")
        else:
            num = s.astype(float)
        # as floats (missing: NaN): exact for every whole number a pack may hold (up to MAX_INT, below 2**53)
        value = pd.Series(num).to_numpy(dtype="float64", na_value=np.nan)
        with np.errstate(invalid="ignore"):
            bad = ~empty & ~np.isfinite(value)  # "inf" parses, but is no measurement
            if col.type == "int":
                bad |= ~empty & ~np.isnan(value) & ((value % 1 != 0) | (np.abs(value) > MAX_INT))
        if bad.any():
            kind = f"a whole number up to {MAX_INT:,.0f}" if col.type == "int" else "a finite number"
            problems.append(Problem(file, f"expected {kind}, found {_sample(raw[bad])}",
                                    col.name, _spreadsheet_rows(bad, offset)))
        value = np.where(bad, np.nan, value)
        out = pd.Series(value)
        if col.type == "int":
            out = out.astype("Int64") if col.nullable or np.isnan(value).any() else out.astype("int64")
    if not col.nullable and empty.any():
        problems.append(Problem(file, f"empty cell; expected {col.expectation()}", col.name,
                                _spreadsheet_rows(empty, offset)))
    return pd.Series(out.array, index=raw.index, name=raw.name, dtype=out.dtype), problems


def _plain_texts(raw: pd.Series) -> list[str] | None:
    """The column's values, stripped of surrounding white space, if every one is a text and the column has at
    most ``_SHORT`` rows (every pack table but the large samples); else None: pandas' column-wide steps are
    then the quicker route.

    Python's ``str.strip`` removes the same white space as the pandas text steps it stands for (checked for
    every Unicode code point), so both routes give the same values.
    """
    if len(raw) > _SHORT or not (raw.dtype == object or pd.api.types.is_string_dtype(raw)):
        return None
    values = raw.tolist()
    if not all(type(v) is str for v in values):
        return None
    return [v.strip() for v in values]


def _sample(values: pd.Series, n: int = 3) -> str:
    vals = [repr(v) for v in pd.unique(values.astype(object))[:n]]
    return ", ".join(vals)


def check_values(df: pd.DataFrame, schema: TableSchema, file: str, offset: int) -> list[Problem]:
    """Check bounds, allowed values, patterns and uniqueness of typed columns."""
    problems = []
    for col in schema.columns:
        if col.name not in df.columns:
            continue
        s = df[col.name]
        present = s.notna()
        if col.type in ("int", "float"):
            num = pd.to_numeric(s, errors="coerce")
            if col.min is not None:
                bad = present & (num < col.min)
                if bad.any():
                    problems.append(Problem(file, f"{_sample(s[bad])} below the minimum; expected "
                                                  f"{col.expectation()}", col.name,
                                            _spreadsheet_rows(bad, offset)))
            if col.max is not None:
                bad = present & (num > col.max)
                if bad.any():
                    problems.append(Problem(file, f"{_sample(s[bad])} above the maximum; expected "
                                                  f"{col.expectation()}", col.name,
                                            _spreadsheet_rows(bad, offset)))
        if col.allowed is not None:
            bad = present & ~s.isin(list(col.allowed))
            if bad.any():
                problems.append(Problem(file, f"{_sample(s[bad])} not allowed; expected one of "
                                              f"{', '.join(map(str, col.allowed))}", col.name,
                                        _spreadsheet_rows(bad, offset)))
        if col.pattern is not None:
            rx = re.compile(col.pattern)
            bad = present & ~s.astype(str).map(lambda v, rx=rx: bool(rx.fullmatch(v)))
            if bad.any():
                problems.append(Problem(file, f"{_sample(s[bad])} do not match the code pattern "
                                              f"{col.pattern}", col.name,
                                        _spreadsheet_rows(bad, offset)))
        if col.unique:
            dup = present & s.duplicated(keep=False)
            if dup.any():
                problems.append(Problem(file, f"duplicate values {_sample(s[dup])}; expected each "
                                              "value once", col.name, _spreadsheet_rows(dup, offset)))
    if schema.key and all(k in df.columns for k in schema.key) and len(schema.key) > 1:
        dup = df.duplicated(list(schema.key), keep=False)
        if dup.any():
            problems.append(Problem(file, f"duplicate rows for the key ({', '.join(schema.key)}); "
                                          "expected each combination once",
                                    rows=_spreadsheet_rows(dup, offset)))
    return problems


def check_references(tables: dict[str, pd.DataFrame], schemas: dict[str, TableSchema],
                     files: dict[str, str], offsets: dict[str, int]) -> list[Problem]:
    """Check every ``references: table.column`` across the loaded tables."""
    problems = []
    for name, schema in schemas.items():
        df = tables.get(name)
        if df is None:
            continue
        for col in schema.columns:
            if not col.references or col.name not in df.columns:
                continue
            target, _, tcol = col.references.partition(".")
            ref = tables.get(target)
            if ref is None or tcol not in ref.columns:
                continue
            known = set(ref[tcol].dropna()) | set(col.references_also)
            s = df[col.name]
            bad = s.notna() & ~s.isin(known)
            if bad.any():
                problems.append(Problem(
                    files[name], f"{_sample(s[bad])} not found in {files[target]} column '{tcol}' "
                                 f"(expected a known code such as {', '.join(sorted(map(str, known))[:5])})",
                    col.name, _spreadsheet_rows(bad, offsets[name])))
    return problems
