"""The project's exception hierarchy.

Every error a user can cause (bad data, a bad parameter, a bad briefing file) is an
:class:`AnalyticsError`; the command-line tool prints its message and exits with code 2,
never a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: Characters a terminal acts on rather than shows: controls (escape sequences start with one) and the
#: marks that reorder text (a file name with U+202E reads backwards).
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str, one_line: bool = False) -> str:
    """``text`` safe to print on a terminal: every control or reordering character shown as ``\\uXXXX``;
    with ``one_line``, line breaks and runs of spaces become one space (a message quoting what a file holds
    cannot forge a second ``error:`` line)."""
    if one_line:
        text = " ".join(text.split())
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def shown_key(key) -> str:
    """An unknown key as a message names it: quoted when it is a name (``regoin``), else said without its text
    (a file that is not YAML at all, a linked ``/etc/shadow``, would have its lines printed as keys)."""
    return repr(key) if re.fullmatch(r"[\w.-]{1,40}", str(key)) else "that is not a name"


class AnalyticsError(Exception):
    """Base class of every error the suite reports to a user."""

    exit_code = 2

    def _render_traceback_(self) -> list[str]:
        """What IPython shows in a notebook: the message alone, one line per problem, no traceback."""
        return [f"{type(self).__name__}: {line}" if i == 0 else f"  {line}"
                for i, line in enumerate(str(self).splitlines() or [""])]


@dataclass(frozen=True)
class Problem:
    """One problem found in one file of a country pack.

    Parameters
    ----------
    file : str
        Path of the file, relative to the pack folder where possible.
    message : str
        What is wrong and what was expected.
    column : str, optional
        The offending column, when the problem is about one column.
    rows : tuple of int
        Offending data rows, numbered as a spreadsheet shows them (header = row 1).
    """

    file: str
    message: str
    column: str | None = None
    rows: tuple[int, ...] = field(default_factory=tuple)

    def __str__(self) -> str:
        where = self.file
        if self.column:
            where += f": column '{self.column}'"
        if self.rows:
            shown = ", ".join(str(r) for r in self.rows[:8])
            more = f" (+{len(self.rows) - 8} more)" if len(self.rows) > 8 else ""
            where += f", row{'s' if len(self.rows) > 1 else ''} {shown}{more}"
        return f"{where}: {self.message}"


class DataError(AnalyticsError):
    """A country pack failed validation; holds every :class:`Problem` found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(dict.fromkeys(problems))  # a problem two checks find is said once
        super().__init__("\n".join(str(p) for p in self.problems))


class ParameterError(AnalyticsError):
    """A notebook or briefing parameter is unknown or of the wrong type."""
