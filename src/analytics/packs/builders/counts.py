"""Whole-number allocation that keeps totals exact (largest-remainder apportionment)."""

from __future__ import annotations

import numpy as np


def apportion(total: int, weights) -> np.ndarray:
    """Split ``total`` into whole numbers proportional to ``weights``, summing exactly to it.

    Hamilton's largest-remainder method: each part gets the floor of its quota, and the
    units left over go to the largest remainders (ties to the earlier part), so the result
    is deterministic.

    Parameters
    ----------
    total : int
        The whole number to split (persons, respondents …), at least 0.
    weights : array_like of float
        Non-negative weights, not all zero unless ``total`` is 0.

    Returns
    -------
    numpy.ndarray of int64
        Parts with ``parts.sum() == total``.
    """
    w = np.asarray(weights, dtype=float)
    total = int(total)
    if total < 0 or (w < 0).any() or not np.isfinite(w).all():
        raise ValueError("apportion needs a non-negative total and finite non-negative weights")
    if total == 0:
        return np.zeros(len(w), dtype=np.int64)
    if w.sum() <= 0:
        raise ValueError("apportion needs at least one positive weight")
    quota = total * w / w.sum()
    parts = np.floor(quota).astype(np.int64)
    left = total - int(parts.sum())
    if left:
        order = np.argsort(-(quota - parts), kind="stable")
        parts[order[:left]] += 1
    return parts
