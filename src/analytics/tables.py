"""Tables as a reader sees them in a notebook and an exported page."""

from __future__ import annotations

import pandas as pd


def show(df: pd.DataFrame, precision: int = 1):
    """A styled view of ``df`` for display: no index, full cell text, ``precision`` decimals.

    Returns
    -------
    pandas.io.formats.style.Styler
    """
    return df.style.hide(axis="index").format(precision=precision, thousands=",")
