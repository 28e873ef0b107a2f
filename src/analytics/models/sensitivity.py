"""What drives a model's uncertain outputs: variance-based (Sobol) sensitivity indices.

The first-order index of an input is the share of an output's variance that the input explains
alone; the total-order index adds its interactions with the other inputs. Both are estimated by
:func:`scipy.stats.sobol_indices` (Saltelli 2010 estimators on a scrambled Sobol sequence), which
evaluates the model ``n · (d + 2)`` times for ``d`` inputs. Indices of an estimate are clipped to
0–1: with a few thousand evaluations an input that explains nothing may come out slightly negative.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ..core.results import TableResult


class Sensitivity(TableResult):
    """Sobol indices: ``output``, ``input``, ``first_order``, ``total_order`` (0–1), ``rank`` (1 = the input
    that explains most of the output's variance alone), one row per output and input."""

    def top(self, output: str) -> pd.Series:
        """The row of the input with the largest first-order index for ``output``."""
        f = self.frame[self.frame["output"] == output]
        return f.sort_values("first_order", ascending=False).iloc[0]

    def summary(self) -> str:
        lines = ["What drives each output (first-order Sobol index, share of its variance explained alone):"]
        for output, f in self.frame.groupby("output", sort=False):
            best = f.sort_values("first_order", ascending=False).head(3)
            lines.append(f"  {output}: " + ", ".join(f"{r.input} {r.first_order:.2f}" for r in best.itertuples()))
        return "\n".join(lines)


def sobol(func: Callable[[dict[str, np.ndarray]], dict[str, np.ndarray]], inputs: dict, n: int = 1024,
          seed: int | None = 2027) -> Sensitivity:
    """First- and total-order Sobol indices of every output of ``func`` for every input.

    Parameters
    ----------
    func : callable
        ``func(values) -> outputs``: ``values`` maps each input name to an (m,) array of draws,
        ``outputs`` maps each output name to the (m,) array of the model's results for them.
    inputs : dict
        Input name to a frozen :mod:`scipy.stats` distribution (independent inputs).
    n : int
        Base sample size, a power of 2 (the model runs ``n · (len(inputs) + 2)`` times).
    seed : int, optional
        Seed of the Sobol sequence's scrambling.

    Returns
    -------
    Sensitivity
        One row per output and input.
    """
    from scipy.stats import sobol_indices

    names = list(inputs)
    outputs: list[str] = []

    def matrix(x: np.ndarray) -> np.ndarray:
        got = func({name: x[i] for i, name in enumerate(names)})
        outputs[:] = list(got)
        return np.stack([np.asarray(got[k], float) for k in outputs])

    res = sobol_indices(func=matrix, n=n, dists=[inputs[k] for k in names], rng=np.random.default_rng(seed))
    first, total = np.atleast_2d(res.first_order), np.atleast_2d(res.total_order)  # (outputs, inputs)
    rows = []
    for i, output in enumerate(outputs):
        order = np.argsort(-first[i], kind="stable")
        rank = np.empty(len(names), dtype=int)
        rank[order] = np.arange(1, len(names) + 1)
        rows += [{"output": output, "input": name, "first_order": float(np.clip(first[i, j], 0, 1)),
                  "total_order": float(np.clip(total[i, j], 0, 1)), "rank": int(rank[j])}
                 for j, name in enumerate(names)]
    return Sensitivity(pd.DataFrame(rows))
