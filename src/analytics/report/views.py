"""Tables as a reader sees them: labelled, escaped, and with numbers in the reader's locale.

A :class:`TableView` keeps the tidy frame and says how to show it; nothing is rounded or
translated in the frame itself, which is what gets published as data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

#: Most columns a table prints with as it is; a wider one is marked ``wide`` and printed turned on its
#: side (A4 holds about seven columns of numbers with their bands; see ``publish.export.turned``).
PRINT_COLUMNS = 7


@dataclass
class TableView:
    """How to show a tidy frame to a reader.

    Parameters
    ----------
    frame : pandas.DataFrame
        Tidy data; may hold text columns made for the view (such as an interval).
    texts : analytics.core.i18n.Texts
        Messages and number format of the page's language.
    labels : dict
        Column to heading, in the order shown (columns not listed are not shown).
    digits : dict
        Column to decimal places (default 1 for numbers). Whole numbers are written
        without decimals, grouped in a column that holds one of 10,000 or more (a year stays ``2022``).
    """

    frame: pd.DataFrame
    texts: object
    labels: dict[str, str]
    digits: dict[str, int] = field(default_factory=dict)

    def _formatter(self, column: str) -> Callable:
        digits = self.digits.get(column, 1)
        texts = self.texts
        # a column holding a count of five digits or more is grouped throughout (2,000 beside 125,000)
        big = bool(pd.to_numeric(self.frame[column], errors="coerce").abs().max() >= 10_000)

        def fmt(value):
            if isinstance(value, bool) or not isinstance(value, int | float):
                return "" if value is None else str(value)
            if isinstance(value, int) or (digits == 0 and float(value).is_integer()):
                # whole numbers: years stay "2022"; a column with counts of five digits is grouped
                return texts.number(value, 0, grouping=big or abs(value) >= 10_000)
            return texts.number(value, digits)

        return fmt

    def shown(self) -> pd.DataFrame:
        """The columns shown, with their headings (values still raw)."""
        return self.frame[list(self.labels)].rename(columns=self.labels).reset_index(drop=True)

    def styled(self):
        """A pandas ``Styler``: no index, every cell and heading HTML-escaped, numbers in the locale."""
        df = self.shown()
        formatters = {self.labels[c]: self._formatter(c) for c in self.labels}
        from .panel import NO_MATH

        return (df.style.hide(axis="index").format(formatters, escape="html")
                .format_index(escape="html", axis=1).set_table_attributes(f'class="{NO_MATH}"'))

    def _repr_html_(self) -> str:
        """The table; one of more than :data:`PRINT_COLUMNS` columns has the class ``wide`` (a published
        page prints it turned on its side)."""
        from .panel import NO_MATH

        html = self.styled().to_html()
        if len(self.labels) <= PRINT_COLUMNS:
            return html
        return html.replace(f'class="{NO_MATH}"', f'class="{NO_MATH} wide"', 1)


def labelled(frame: pd.DataFrame, texts, prefix: str = "col.", digits: dict[str, int] | None = None) -> TableView:
    """A view of every column of ``frame`` with headings from the catalog keys ``<prefix><column>``."""
    labels = {c: texts.get(f"{prefix}{c}", c) for c in frame.columns}
    return TableView(frame, texts, labels, digits or {})
