"""A notebook's cells run in this process (no kernel): the cheap tier for a grid of parameters.

The cells are the tracked ``notebooks/NN_name.py`` (jupytext), run in order in one namespace; the
parameters cell is followed by the given values, exactly as papermill injects them. Outside a live
session the drop-downs and sliders draw nothing (:func:`analytics.report.session.live`), so what runs
is what a batch kernel runs. The namespace is returned, holding every panel the notebook built.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def cells(notebook: str) -> list[tuple[list[str], str]]:
    """(tags, source) of each code cell of a tracked notebook."""
    import jupytext

    nb = jupytext.read(ROOT / "notebooks" / f"{notebook}.py")
    return [(list(c.metadata.get("tags", [])), c.source) for c in nb.cells if c.cell_type == "code"]


def run(notebook: str, **parameters) -> dict:
    """Run a notebook's cells here with ``parameters`` injected after its parameters cell; its namespace."""
    namespace: dict = {"__name__": f"notebook_{notebook}"}
    with contextlib.redirect_stdout(io.StringIO()):  # display() without a kernel prints reprs
        for tags, source in cells(notebook):
            exec(compile(source, f"{notebook}.py", "exec"), namespace)  # noqa: S102 - the project's own notebook
            if "parameters" in tags:
                namespace.update(parameters)
    return namespace


def panels(namespace: dict) -> dict:
    """The panels a notebook run built, by variable name."""
    from analytics.report.panel import Panel

    return {k: v for k, v in namespace.items() if isinstance(v, Panel)}
