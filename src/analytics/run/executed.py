"""Publish a notebook already run (in JupyterLab, say) as the offline page the batch makes, without running it again.

``analytics publish NOTEBOOK.ipynb`` reads the saved notebook, takes its parameters from its
parameters cell (and papermill's injected cell, if any), checks them against the notebook's
declaration, and renders the page, index, book, workbook, methods page and manifest exactly
as a one-job briefing would, under ``outputs/<notebook>/<run-id>/``. From inside the notebook,
:func:`publish_this` does the same for the notebook the kernel belongs to (save it first).
"""

from __future__ import annotations

import ast
import os
import shutil
from pathlib import Path
from typing import Any

from ..core.errors import ParameterError, printable
from .jobs import JobOutcome, render_outcome

#: Tags of the cells whose assignments are the notebook's parameters, in the order they apply.
PARAMETER_TAGS = ("parameters", "injected-parameters")


def executed_parameters(nb, where: str) -> dict[str, Any]:
    """The parameter values a notebook ran with: the literal assignments of its parameters cells."""
    values: dict[str, Any] = {}
    for tag in PARAMETER_TAGS:
        for cell in nb.cells:
            if cell.cell_type != "code" or tag not in cell.get("metadata", {}).get("tags", []):
                continue
            try:
                tree = ast.parse(cell.source)
            except SyntaxError as exc:
                raise ParameterError(f"{where}: the {tag} cell is not valid Python (line {exc.lineno})") from None
            except ValueError:  # a lone surrogate or a NUL byte in the cell's text
                raise ParameterError(f"{where}: the {tag} cell holds characters that are not text") from None
            for node in tree.body:
                target = node.target if isinstance(node, ast.AnnAssign) else (
                    node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None)
                if not isinstance(target, ast.Name) or node.value is None:
                    continue
                try:
                    values[target.id] = ast.literal_eval(node.value)
                except (ValueError, TypeError, MemoryError, RecursionError):  # {[1]: 2} is a TypeError
                    raise ParameterError(f"{where}: parameter '{target.id}' is not a plain value "
                                         f"in the {tag} cell") from None
    if not values:
        raise ParameterError(f"{where}: the notebook has no cell tagged 'parameters'")
    return values


def check_executed(nb, where: str) -> None:
    """Refuse a notebook that was not run to the end, or that stopped with an error."""
    from ..publish.pages import notebook_results

    code = [c for c in nb.cells if c.cell_type == "code"]
    for number, cell in enumerate(nb.cells, start=1):
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if out.get("output_type") == "error":
                said = printable(f"{out.get('ename')}: {out.get('evalue')}", one_line=True)[:500]
                raise ParameterError(f"{where}: cell {number} stopped with {said}; fix it, run all cells and "
                                     "save, then publish")
    if not code or not any(c.get("execution_count") for c in code) or not notebook_results(nb):
        raise ParameterError(f"{where}: the notebook has not been run to the end (no recorded results); "
                             "run all cells and save it (Ctrl+S), then publish")


def check_explored(nb, values: dict[str, Any], where: str) -> None:
    """Refuse a notebook whose charts were redrawn by the widget bar with values its parameters cell lacks."""
    from ..report.session import STATE_MIME

    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            shown = out.get("data", {}).get(STATE_MIME)
            differ = {k: v for k, v in (shown or {}).items() if values.get(k) != v}
            if differ:
                said = ", ".join(f"{k}={v!r}" for k, v in differ.items())
                cell_says = ", ".join(f"{k}={values.get(k)!r}" for k in differ)
                raise ParameterError(f"{where}: the charts show {said}, chosen in the widget bar, but the "
                                     f"parameters cell says {cell_says}; set them in the parameters cell, "
                                     "run all cells and save, then publish")


#: Largest saved notebook ``publish`` reads (bytes): the suite's executed notebooks are 0.1–3 MB.
MAX_NOTEBOOK_BYTES = 25_000_000


def publish_executed(notebook: str | Path, outputs: Path | None = None) -> tuple[Path, JobOutcome]:
    """Publish an executed notebook as a one-job run, without running it.

    Parameters
    ----------
    notebook : str or Path
        The saved, executed ``.ipynb`` (its outputs are what the page shows).
    outputs : Path, optional
        Outputs folder (default: the project's ``outputs/``).

    Returns
    -------
    (pathlib.Path, JobOutcome)
        The published run folder and the job's outcome.

    Raises
    ------
    ParameterError
        For a missing or unreadable file, a notebook not run to the end or stopped by an
        error, or parameters the notebook's declaration refuses.
    """
    import nbformat

    from .briefing_file import page_name
    from .notebooks import check_job
    from .runner import one_job_briefing, run_briefing
    from .saved import check_outputs

    path = Path(notebook)
    where = str(path)
    if path.suffix != ".ipynb" or not path.is_file():
        raise ParameterError(f"{where}: no such notebook (give the saved .ipynb file)")
    page_name(path)
    if path.stat().st_size > MAX_NOTEBOOK_BYTES:  # before reading: a page holds what the notebook holds
        raise ParameterError(f"{where}: the notebook is {path.stat().st_size / 1e6:,.0f} MB; a published notebook "
                             f"is at most {MAX_NOTEBOOK_BYTES / 1e6:,.0f} MB (clear large outputs and save it again)")
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # nbformat raises several kinds for a damaged file
        raise ParameterError(f"{where}: not a readable notebook ({type(exc).__name__})") from None
    check_outputs(nb, where)
    check_executed(nb, where)
    values = check_job(path, executed_parameters(nb, where))
    from ..publish.pages import notebook_results

    computed = (notebook_results(nb) or {}).get("parameters") or {}
    differ = {k: v for k, v in computed.items() if k in values and values[k] != v}
    if differ:  # the parameters cell was edited after the run: the outputs are another run's
        said = ", ".join(f"{k}={v!r}" for k, v in differ.items())
        cell = ", ".join(f"{k}={values[k]!r}" for k in differ)
        raise ParameterError(f"{where}: the outputs were computed with {said}, but the parameters cell now says "
                             f"{cell}; run all cells and save, then publish")
    check_explored(nb, values, where)
    briefing = one_job_briefing(path, values)

    def rendered(specs, quiet, on_done):
        outcomes = []
        for spec in specs:
            outcome = JobOutcome(job=spec.name, anchor=spec.anchor, notebook=path.name,
                                 parameters=dict(spec.parameters), language=spec.language, worker="publish")
            copy = Path(spec.folder) / "notebooks" / f"{spec.anchor}.ipynb"
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, copy)
            render_outcome(spec, nb, outcome)
            outcome.ipynb = f"notebooks/{spec.anchor}.ipynb"
            on_done(outcome)
            outcomes.append(outcome)
        return outcomes

    try:  # the runner removes what it staged: nothing of a refused notebook is kept
        folder, outcomes = run_briefing(briefing, outputs=outputs, quiet=True, execute=rendered)
    except (ParameterError, OSError):  # an OSError is the disk's (full, read-only): said as such by the command
        raise
    except Exception as exc:  # noqa: BLE001 - outputs the checks let by: a damaged notebook, not a bug to show
        raise ParameterError(f"{where}: its saved outputs cannot be made into a page ({type(exc).__name__}); "
                             "run all cells and save it again, then publish") from None
    return folder, outcomes[0]


def session_notebook() -> Path:
    """The notebook file of the running kernel (JupyterLab and Voilà name it in ``__session__``)."""
    try:
        from IPython import get_ipython

        shell = get_ipython()
        name = shell.user_ns.get("__session__") if shell is not None else None
    except ImportError:
        name = None
    name = name or os.environ.get("JPY_SESSION_NAME")
    if not name:
        raise ParameterError("this kernel does not know its notebook's file; run "
                             "'analytics publish NOTEBOOK.ipynb' from a terminal instead")
    return Path(name)


def publish_this(outputs: Path | None = None) -> Path:
    """Publish the notebook this kernel runs, as last saved: one line at the end of a notebook.

    Save the notebook (Ctrl+S) after running it, then call ``publish_this()``.

    Returns
    -------
    pathlib.Path
        The published page.
    """
    folder, outcome = publish_executed(session_notebook(), outputs)
    page = folder / outcome.html
    print(f"published {page}")
    return page
