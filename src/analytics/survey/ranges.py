"""The interval attack's solver: the range of a linear function over every table that agrees with what is
published.

:func:`ranges` builds one HiGHS model (the joint table's cells as non-negative unknowns, the published
numbers as equalities, what an attacker may also know as upper bounds) and solves it for the smallest and
the largest value of each function asked, changing only the objective between solves: HiGHS starts each
solve from the last one's basis. A survey page's audit asks a few hundred ranges of one model; solved one
``scipy.optimize.linprog`` call at a time it set the model up again each time (about 13 ms a range
against well under 1 ms here).
"""

from __future__ import annotations

import os

import numpy as np

_BANNER_SILENCED = False


def _highs():
    """A HiGHS instance that prints nothing. The first one made in a process prints HiGHS's banner to the
    process's standard output whatever its options (a kernel would show it under the cell), so that one is
    made with standard output pointed at /dev/null."""
    global _BANNER_SILENCED
    import highspy

    if not _BANNER_SILENCED:
        saved, null = os.dup(1), os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, 1)
            h = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(null)
        _BANNER_SILENCED = True
    else:
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    return h


def _add_rows(h, a: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None:
    """Add the rows ``lower <= a @ x <= upper`` (``a`` dense, stored row-wise)."""
    rows, cols = np.nonzero(a)
    starts = np.searchsorted(rows, np.arange(a.shape[0])).astype(np.int32)
    h.addRows(a.shape[0], lower.astype(float), upper.astype(float), len(rows), starts, cols.astype(np.int32),
              a[rows, cols].astype(float))


def ranges(objectives: np.ndarray, a_eq: np.ndarray | None, b_eq: np.ndarray | None,
           a_ub: np.ndarray | None, b_ub: np.ndarray | None) -> np.ndarray:
    """The smallest and largest value of each objective over ``x >= 0``, ``a_eq @ x = b_eq``, ``a_ub @ x <= b_ub``.

    Parameters
    ----------
    objectives : numpy.ndarray
        One row of coefficients per function (respondents per joint cell: here 0/1).
    a_eq, b_eq : numpy.ndarray or None
        The published numbers: coefficients and values (respondents).
    a_ub, b_ub : numpy.ndarray or None
        Upper bounds an attacker may also know (respondents).

    Returns
    -------
    numpy.ndarray
        Shape ``(len(objectives), 2)``: the smallest value (NaN where no table agrees with the
        constraints) and the largest (infinite where unbounded or no table agrees), in respondents.
    """
    import highspy

    n = objectives.shape[1]
    h = _highs()
    h.addVars(n, np.zeros(n), np.full(n, highspy.kHighsInf))
    if a_eq is not None:
        _add_rows(h, a_eq, b_eq, b_eq)
    if a_ub is not None:
        _add_rows(h, a_ub, np.full(len(b_ub), -highspy.kHighsInf), b_ub)
    columns = np.arange(n, dtype=np.int32)
    out = np.empty((len(objectives), 2))
    optimal = highspy.HighsModelStatus.kOptimal
    for i, c in enumerate(objectives):
        h.changeColsCost(n, columns, c.astype(float))
        for j, (sense, missing) in enumerate(((highspy.ObjSense.kMinimize, np.nan),
                                              (highspy.ObjSense.kMaximize, np.inf))):
            h.changeObjectiveSense(sense)
            h.run()
            out[i, j] = h.getInfo().objective_function_value if h.getModelStatus() == optimal else missing
    return out
