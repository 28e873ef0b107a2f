"""The results contract: what every model result keeps, stated once.

A model result is an object with two methods:

* ``summary()`` — a few lines a specialist reads in JupyterLab (English, the suite's working
  language; pages are written from catalogs, never from a summary);
* ``to_frame()`` — the tidy table that is published as CSV and XLSX: stable ``snake_case``
  column names, numbers numeric (never formatted text), intervals as ``<x>_low``/``<x>_high``
  beside ``<x>``, no index that carries data, the same in every page language.

:class:`Result` is that protocol (``isinstance(x, Result)`` checks it at run time);
:func:`tidy_problems` checks a frame against the tidy rules. A panel
(:class:`~analytics.report.panel.Panel`) refuses a result that does not keep the contract, and a
test walks every panel of every notebook with :func:`contract_problems`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:  # pandas is imported by whoever builds a frame
    import pandas as pd

#: A tidy column name.
TIDY_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@runtime_checkable
class Result(Protocol):
    """A model result: a readable ``summary()`` and a tidy ``to_frame()``."""

    def summary(self) -> str:
        """A few lines describing the result, for a specialist."""

    def to_frame(self) -> pd.DataFrame:
        """The tidy table of the result (what is published)."""


def tidy_problems(frame) -> list[str]:
    """What keeps ``frame`` from being tidy; an empty list when it is.

    Checks: a :class:`pandas.DataFrame` with a plain range index; unique ``snake_case`` column
    names; every ``<x>_low`` and ``<x>_high`` paired with each other and with ``<x>``, and numeric.
    """
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        return [f"to_frame() returned a {type(frame).__name__}, not a pandas DataFrame"]
    out = []
    if not isinstance(frame.index, pd.RangeIndex):
        out.append(f"index {frame.index.names} holds data: reset it into columns")
    names = [str(c) for c in frame.columns]
    bad = [c for c in names if not TIDY_NAME.match(c)]
    if bad:
        out.append(f"columns not snake_case: {bad}")
    if len(set(names)) != len(names):
        out.append(f"columns repeated: {sorted({c for c in names if names.count(c) > 1})}")
    for c in names:
        for end, other in (("_low", "_high"), ("_high", "_low")):
            if c.endswith(end):
                base = c[: -len(end)]
                if base + other not in names:
                    out.append(f"{c} has no {base + other}")
                if base not in names:
                    out.append(f"{c} has no {base}")
                if not pd.api.types.is_numeric_dtype(frame[c]):
                    out.append(f"{c} is not numeric ({frame[c].dtype})")
    return out


def contract_problems(result) -> list[str]:
    """What keeps ``result`` from keeping the results contract; an empty list when it does."""
    if not isinstance(result, Result):
        missing = [m for m in ("summary", "to_frame") if not callable(getattr(result, m, None))]
        return [f"{type(result).__name__} has no {' or '.join(missing)}()"]
    out = [f"{type(result).__name__}.to_frame(): {p}" for p in tidy_problems(result.to_frame())]
    if not isinstance(result.summary(), str) or not result.summary().strip():
        out.append(f"{type(result).__name__}.summary() says nothing")
    return out


class TableResult:
    """Base of a result that is one tidy table (``frame``); a subclass says what it holds in ``summary()``.

    Parameters
    ----------
    frame : pandas.DataFrame
        The tidy table (see the module's rules).
    """

    def __init__(self, frame):
        self.frame = frame.reset_index(drop=True)

    def to_frame(self):
        """A copy of the tidy table."""
        return self.frame.copy()

    def summary(self) -> str:  # pragma: no cover - every subclass says what it holds
        raise NotImplementedError(f"{type(self).__name__} must say what it holds in summary()")

    def __repr__(self) -> str:
        return self.summary()
