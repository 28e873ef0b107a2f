"""Disclosure control: no published number rests on fewer than ``k`` respondents.

**Primary suppression**: a count of 1 to ``k − 1`` respondents (and any share, interval or total
made from it) is withheld. A count of 0 is shown: it says that nobody in a group gave an answer,
which the suite does not treat as disclosing a person.

**Complementary suppression**: a table is published with its row and column totals, so a single
withheld cell in a row or column could be recovered by subtraction. While any row or column (totals
included) holds exactly one withheld entry, the smallest other positive entry of that line is
withheld too (a total when no cell is left). A withheld 0 would not protect anything, so zeros are
never chosen.

Suppression is applied to the tidy table before it is recorded: CSVs, workbooks, pages, chart data
and sentences all read the suppressed table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

TOTAL = "total"


@dataclass
class Suppressed:
    """A table of counts with totals, and which entries are withheld (``True``) and why."""

    counts: pd.DataFrame  # rows × columns, with a "total" row and column
    withheld: pd.DataFrame  # same shape, bool
    primary: pd.DataFrame  # same shape, bool
    k: int

    def shown(self) -> pd.DataFrame:
        """The counts as published: withheld entries are NaN."""
        return self.counts.astype(float).mask(self.withheld)

    def to_frame(self, row: str = "row", column: str = "column") -> pd.DataFrame:
        """One row per cell (totals included): ``row``, ``column``, ``respondents`` (NaN when withheld),
        ``suppressed`` (bool)."""
        shown = self.shown()
        out = shown.stack(future_stack=True).rename("respondents").reset_index()
        out.columns = [row, column, "respondents"]
        flags = self.withheld.stack(future_stack=True).to_numpy()
        return out.assign(suppressed=flags)

    def summary(self) -> str:
        return (f"{int(self.primary.to_numpy().sum())} entries under {self.k} respondents withheld, "
                f"{int((self.withheld & ~self.primary).to_numpy().sum())} more to protect them")


def with_totals(counts: pd.DataFrame) -> pd.DataFrame:
    """``counts`` with a ``total`` column and a ``total`` row."""
    out = counts.copy()
    out[TOTAL] = out.sum(axis=1)
    out.loc[TOTAL] = out.sum(axis=0)
    return out


def suppress(counts: pd.DataFrame, k: int = 5) -> Suppressed:
    """Withhold every entry under ``k`` respondents, and enough others that none can be recovered.

    Parameters
    ----------
    counts : pandas.DataFrame
        Respondents in each cell (rows × columns, no totals; non-negative integers).
    k : int
        Minimum respondents behind a published number, >= 1.

    Returns
    -------
    Suppressed
    """
    if k < 1:
        raise ValueError("the minimum cell size k must be at least 1")
    table = with_totals(counts)
    values = table.to_numpy(float)
    primary = (values > 0) & (values < k)
    withheld = primary.copy()
    lines = [("row", i) for i in range(values.shape[0])] + [("col", j) for j in range(values.shape[1])]
    changed = True
    while changed:
        changed = False
        for axis, i in lines:
            w = withheld[i, :] if axis == "row" else withheld[:, i]
            v = values[i, :] if axis == "row" else values[:, i]
            if w.sum() != 1:
                continue
            total_at = len(v) - 1  # the line's own total is its last entry
            candidates = [j for j in range(len(v)) if not w[j] and v[j] > 0 and j != total_at]
            if not candidates and not w[total_at] and v[total_at] > 0:
                candidates = [total_at]
            if not candidates:
                continue
            j = min(candidates, key=lambda c: (v[c], c))
            if axis == "row":
                withheld[i, j] = True
            else:
                withheld[j, i] = True
            changed = True
    frame = lambda a: pd.DataFrame(a, index=table.index, columns=table.columns)  # noqa: E731
    return Suppressed(table, frame(withheld), frame(primary), k)


def recoverable(s: Suppressed) -> list[tuple]:
    """Withheld entries whose value the published entries determine (linear algebra on the additive
    relations of rows and columns); empty when the suppression holds."""
    values = s.counts.to_numpy(float)
    hidden = list(zip(*np.nonzero(s.withheld.to_numpy()), strict=True))
    if not hidden:
        return []
    index = {cell: n for n, cell in enumerate(hidden)}
    rows, rhs = [], []
    r, c = values.shape
    for axis in ("row", "col"):
        for i in range(r if axis == "row" else c):
            line = [(i, j) for j in range(c)] if axis == "row" else [(j, i) for j in range(r)]
            cells, total = line[:-1], line[-1]
            coef = np.zeros(len(hidden))
            known = 0.0
            for cell in cells:
                if cell in index:
                    coef[index[cell]] += 1
                else:
                    known += values[cell]
            if total in index:
                coef[index[total]] -= 1
                b = -known
            else:
                b = values[total] - known
            if coef.any():
                rows.append(coef)
                rhs.append(b)
    if not rows:
        return []
    A = np.array(rows)
    rank = np.linalg.matrix_rank(A)
    out = []
    for cell, n in index.items():
        e = np.zeros(len(hidden))
        e[n] = 1
        if np.linalg.matrix_rank(np.vstack([A, e])) == rank:  # e is in the row space: the value is determined
            out.append((s.counts.index[cell[0]], s.counts.columns[cell[1]]))
    return out
