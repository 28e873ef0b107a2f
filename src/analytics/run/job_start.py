"""The start of every job in a warm kernel: what the runner's hidden first cell calls.

A warm kernel runs job after job (:mod:`analytics.run.kernels`). The hidden first cell of
each job empties the user namespace (``%reset -f``) and then calls :func:`start`, which
returns to the notebook's folder, sets the job's environment, restores the suite's chart
template and pandas' defaults and starts counting what the job computes and reuses. A job never sees a
variable, a working directory, a setting or a data folder left by the job before it.
"""

from __future__ import annotations

import gc
import os
import sys

#: How many modules were imported when the heap was last frozen (see :func:`settle_heap`).
_modules_when_frozen = [0]


def start(cwd: str, env: dict[str, str], forget: list[str], renderer: str) -> None:
    """Prepare the kernel for one job.

    Parameters
    ----------
    cwd : str
        The notebook's folder (the job's working directory).
    env : dict
        Environment variables the job sets (its data folder, outputs, the run's cache).
    forget : list of str
        Environment variables a job may set but this one does not: removed.
    renderer : str
        plotly's renderer for the job's figures.
    """
    settle_heap()
    os.chdir(cwd)
    os.environ.update(env)
    for key in forget:
        os.environ.pop(key, None)
    from ..core import cache
    from ..report.figures import TEMPLATE

    cache.take_stats()  # what this job computes and reuses is counted from here
    import pandas as pd
    import plotly.io as pio

    if pio.renderers.default != renderer:
        pio.renderers.default = renderer
    if pio.templates.default != TEMPLATE:  # setting it copies the template: only when a job changed it
        pio.templates.default = TEMPLATE
    pd.reset_option("^display")


def settle_heap() -> None:
    """Keep the objects of imported libraries out of the garbage collector's scans.

    ``%reset`` collects garbage; with pandas, plotly, statsmodels and geopandas imported, a
    full collection scans about a million objects (0.3–0.5 s a job). When jobs have imported
    new modules since the last time, the garbage is collected once and every object left
    (the libraries, live caches) is frozen (``gc.freeze``): later collections skip them.
    """
    if "analytics.report" not in sys.modules or len(sys.modules) <= _modules_when_frozen[0]:
        return
    gc.collect()
    gc.freeze()
    _modules_when_frozen[0] = len(sys.modules)
