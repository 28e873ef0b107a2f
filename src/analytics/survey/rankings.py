"""Rankings of multiple-choice items, with how sure each rank is.

An item's share is the share of the respondents asked who named it (each could name up to three).
How sure a rank is: respondents are resampled with replacement (a bootstrap of ``replicates``
samples, seeded) and the ranking is made again; the share of samples in which the item holds the
same rank, and in which it is among the top three, is reported.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.results import TableResult
from .estimates import wilson

#: Bootstrap resamples behind how sure each rank is.
REPLICATES = 1000


@dataclass
class Ranking:
    """Items of one question, most named first, with intervals and the bootstrap's support."""

    question: str
    frame: pd.DataFrame
    replicates: int

    def to_frame(self) -> pd.DataFrame:
        """``question``, ``rank``, ``item``, ``respondents``, ``n``, ``share``, ``share_low``,
        ``share_high`` (Wilson, 0–1), ``rank_support`` and ``top3_support`` (0–1 of bootstrap samples)."""
        return self.frame.assign(question=self.question)[["question", *self.frame.columns]]

    def top(self, k: int = 3) -> list[str]:
        return list(self.frame["item"].head(k))

    def summary(self) -> str:
        return "\n".join([f"{self.question} ({self.replicates} bootstrap samples):"] + [
            f"  {r.rank}. {r.item:<36} {r.share:6.1%} [{r.share_low:.1%}, {r.share_high:.1%}] "
            f"rank held in {r.rank_support:.0%}" for r in self.frame.itertuples()])


class Rankings(TableResult):
    """Several questions' rankings after disclosure control (columns of :meth:`Ranking.to_frame` and
    ``suppressed``; withheld shares empty)."""

    def summary(self) -> str:
        return "\n".join(f"{r.question}: {r.rank}. {r.item}" + (" (withheld)" if r.suppressed else
                                                                   f" {r.share:.1%}, rank held in {r.rank_support:.0%}")
                         for r in self.frame.itertuples())


def _order(counts: np.ndarray, names: np.ndarray) -> np.ndarray:
    """Items by count, most first; ties by name (as the published lists are read)."""
    return np.lexsort((names, -counts))


def rank(named: pd.DataFrame, asked: pd.Series, question: str = "", replicates: int = REPLICATES,
         seed: int = 2014) -> Ranking:
    """Rank items by the share of respondents asked who named them.

    Parameters
    ----------
    named : pandas.DataFrame
        One row per respondent and item named: ``respondent_id``, ``item``.
    asked : pandas.Series
        The ids of the respondents asked the question (those who named nothing count too).
    question : str
        Name of the question (a label of the result).
    replicates : int
        Bootstrap samples, >= 1.
    seed : int
        Seed of the bootstrap.

    Returns
    -------
    Ranking
    """
    ids = pd.Index(asked.unique())
    items = np.array(sorted(named["item"].unique()), dtype=object)
    # respondents × items 0/1
    hit = pd.crosstab(named["respondent_id"], named["item"]).reindex(index=ids, columns=items, fill_value=0)
    matrix = (hit.to_numpy() > 0).astype(np.int32)
    counts = matrix.sum(axis=0)
    order = _order(counts, items)
    n = len(ids)
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, n, size=(replicates, n))
    boot = np.stack([np.bincount(picks[d], minlength=n) @ matrix for d in range(replicates)])  # replicates × items
    held = np.zeros(len(items))
    top3 = np.zeros(len(items))
    for d in range(replicates):
        o = _order(boot[d], items)
        position = np.empty(len(items), dtype=int)
        position[o] = np.arange(len(items))
        held += position == np.argsort(order)
        top3 += position < 3
    rows = []
    for r, i in enumerate(order, start=1):
        low, high = wilson(counts[i], n)
        rows.append({"rank": r, "item": items[i], "respondents": int(counts[i]), "n": n, "share": counts[i] / n,
                     "share_low": low, "share_high": high, "rank_support": held[i] / replicates,
                     "top3_support": top3[i] / replicates})
    return Ranking(question, pd.DataFrame(rows), replicates)


def shown_order(frame: pd.DataFrame, withheld: np.ndarray) -> pd.DataFrame:
    """A ranking as it may be published when some items are withheld.

    A withheld item kept in its place would give its count back: items are ordered by count, so it sits
    between its neighbours' counts (equal to both when they tie), and its rank, and how often it or they keep
    their ranks, tell the same. The items shown are ranked among themselves (1, 2, … with no gap); the
    withheld ones follow in the order of their names, without a rank, a share or a bootstrap support; and
    the supports of the items shown are left out too, since they count the withheld items' places.

    Parameters
    ----------
    frame : pandas.DataFrame
        :meth:`Ranking.to_frame`: items by rank.
    withheld : numpy.ndarray
        Bool per row: the item's count is withheld.

    Returns
    -------
    pandas.DataFrame
        The same columns and a ``suppressed`` flag; withheld values NaN.
    """
    withheld = np.asarray(withheld, dtype=bool)
    shown = frame[~withheld].assign(suppressed=False)
    shown["rank"] = np.arange(1, len(shown) + 1)
    hidden = frame[withheld].sort_values("item").assign(suppressed=True)
    hidden[["rank", "share", "share_low", "share_high", "respondents"]] = np.nan
    out = pd.concat([shown, hidden], ignore_index=True)
    if withheld.any():
        out[["rank_support", "top3_support"]] = np.nan
    return out


def top_three(tx, question: str, r: pd.DataFrame, labels: list[str], observed: bool,
              replicates: int = REPLICATES) -> str:
    """The sentence on a question's three most named items, among those shown."""
    top = [label for label, hidden in zip(labels, r["suppressed"], strict=True) if not hidden][:3]
    named = tx(f"survey.q_{question}")
    if len(top) < 3:
        return tx("survey.rank_too_few", question=named)
    if not observed:
        return tx("survey.rank_sentence_assumed", question=named, first=top[0], second=top[1], third=top[2])
    if r["suppressed"].any():
        return tx("survey.rank_sentence_shown", question=named, first=top[0], second=top[1], third=top[2])
    return tx("survey.rank_sentence", question=named, first=top[0], second=top[1], third=top[2],
              support=100 * float(r["rank_support"].head(3).min()), replicates=replicates)
