"""Which plotly.js a page embeds: the suite's partial bundle, or the full one when a figure needs it.

plotly.py ships the whole plotly.js (about 4.8 MB, every trace type). The suite draws only a
few trace types, so pages embed ``assets/plotly-partial.min.js`` (about 1.4 MB): plotly.js's
core with those types, built from the npm package at the version plotly.py embeds
(``make plotly-bundle``; sources in ``tools/plotly-bundle/``). A page with a figure of any
other type falls back to the full bundle, so a new chart is never drawn blank; the tests
keep :data:`TRACES` equal to what the bundle registers.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

#: Trace types in the partial bundle (scatter comes with plotly.js's core).
TRACES = frozenset({"scatter", "bar", "choropleth"})
#: The partial bundle, inside the package.
ASSET = "publish/assets/plotly-partial.min.js"

_FIGURE = re.compile(r'<script type="application/json" data-figure="[^"]*">(.*?)</script>', re.S)


@cache
def partial_js() -> str:
    """The partial plotly.js bundle."""
    return resources.files("analytics").joinpath(ASSET).read_text(encoding="utf-8")


def trace_types(body: str) -> set[str]:
    """The trace types of every figure embedded in a page body (see :mod:`analytics.publish.export`)."""
    types = set()
    for spec in _FIGURE.findall(body):
        data = json.loads(spec.replace("<\\/", "</")).get("data", [])
        types.update(trace.get("type", "scatter") for trace in data)
    return types


def plotly_for(body: str) -> str:
    """The plotly.js to inline in a page: the partial bundle when it draws every figure, else the full one."""
    from .export import plotly_js

    return partial_js() if trace_types(body) <= TRACES else plotly_js()
