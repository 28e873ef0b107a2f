"""Executing notebooks with papermill and publishing each run as a folder under ``outputs/``.

A run is built in a hidden temporary folder beside its final place and renamed into
place at the end (an atomic rename on one file system), so a reader never sees half a
run and no run ever overwrites another: each gets a fresh id.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import manifest, paths
from .notebooks import check, effective, notebook_path, parameters

#: Name of the Jupyter kernel registered for the project (``make setup``).
KERNEL_NAME = "analytics"


@dataclass
class JobResult:
    """Outcome of one executed notebook."""

    job: str
    notebook: str
    parameters: dict[str, Any]
    status: str = "pending"
    seconds: float = 0.0
    error: str = ""
    html: str = ""
    ipynb: str = ""
    n_figures: int = 0
    results: dict = field(default_factory=dict)

    def summary(self) -> str:
        tail = f" — {self.error.splitlines()[-1]}" if self.error else ""
        return f"{self.job}: {self.status} in {self.seconds:.1f} s{tail}"


def new_run_id() -> str:
    """A fresh run id: UTC time stamp and a random suffix (``20261128T180102Z-3fa2``)."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(2)


def staging_dir(parent: Path, run_id: str) -> Path:
    """A hidden folder beside the final run folder, where the run is assembled."""
    parent.mkdir(parents=True, exist_ok=True)
    tmp = parent / f".{run_id}.partial"
    tmp.mkdir()
    return tmp


def publish(tmp: Path, final: Path) -> Path:
    """Rename the assembled run into place; never replaces an existing folder."""
    if final.exists():
        raise FileExistsError(f"{final} exists; runs are never overwritten")
    os.rename(tmp, final)
    return final


def error_tail(exc: BaseException, lines: int = 6) -> str:
    """The last lines of an error, without ANSI colour codes."""
    import re

    text = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip()
    return "\n".join(text.splitlines()[-lines:]) or type(exc).__name__


def execute(notebook: Path, params: dict[str, Any], out_ipynb: Path, timeout: float | None = None,
            km=None, kernel_name: str = KERNEL_NAME):
    """Execute one notebook with papermill and return the executed notebook.

    Parameters
    ----------
    notebook : pathlib.Path
        The notebook to run.
    params : dict
        Parameter values (already checked).
    out_ipynb : pathlib.Path
        Where papermill writes the executed notebook.
    timeout : float, optional
        Seconds allowed per cell.
    km : jupyter_client.KernelManager, optional
        A live kernel to run in instead of starting a new one.
    kernel_name : str
        Kernel to start when ``km`` is not given.
    """
    import papermill as pm

    extra = {"km": km} if km is not None else {}
    return pm.execute_notebook(str(notebook), str(out_ipynb), parameters=params,
                               kernel_name=kernel_name, progress_bar=False, log_output=False,
                               execution_timeout=timeout, cwd=str(notebook.parent), **extra)


def render_job(nb, result: JobResult, language: str, run_id: str, input_hash: str,
               out_html: Path) -> None:
    """Export an executed notebook to its reader page and fill ``result``."""
    from .pages import notebook_results, render

    doc, n = render(nb, result.parameters, language, run_id, input_hash)
    out_html.write_text(doc, encoding="utf-8")
    result.html = out_html.name
    result.n_figures = n
    result.results = notebook_results(nb)


def run_notebook(notebook: str | Path, params: dict[str, Any], outputs: Path | None = None,
                 timeout: float | None = None) -> tuple[Path, JobResult]:
    """Run one notebook and publish it as ``outputs/<notebook>/<run-id>/``.

    The folder holds ``<notebook>.html`` (the reader page), ``<notebook>.ipynb`` (executed)
    and ``manifest.json``. A failed notebook is published too, with its error in the
    manifest, so nothing is lost; the caller decides the exit code from ``result.status``.

    Returns
    -------
    (pathlib.Path, JobResult)
        The published folder and the job's outcome.
    """
    nb_path = notebook_path(notebook)
    declared = parameters(nb_path)
    check(nb_path, params, declared)
    shown = effective(declared, params)
    language = str(params.get("language", "en"))
    country = str(params.get("country", "tjk"))
    hashes = manifest.pack_hashes(paths.pack_dir(country))
    input_hash = manifest.combined_hash(hashes)
    parent = (outputs or paths.outputs_root()) / nb_path.stem
    run_id = new_run_id()
    tmp = staging_dir(parent, run_id)
    result = JobResult(job=nb_path.stem, notebook=nb_path.name, parameters=shown)
    start = time.perf_counter()
    try:
        nb = execute(nb_path, params, tmp / nb_path.name, timeout=timeout)
        render_job(nb, result, language, run_id, input_hash, tmp / f"{nb_path.stem}.html")
        result.status = "ok"
    except Exception as exc:  # a failing notebook is a recorded outcome, not a crash
        result.status = "failed"
        result.error = error_tail(exc)
    result.seconds = round(time.perf_counter() - start, 2)
    write_manifest(tmp, run_id, [result], hashes, extra={"notebook": str(nb_path)})
    try:
        final = publish(tmp, parent / run_id)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final, result


def write_manifest(folder: Path, run_id: str, results: list[JobResult], hashes: dict[str, str],
                   extra: dict | None = None) -> Path:
    """Write ``manifest.json``: jobs with parameters, status and timings; inputs; versions."""
    doc = {
        "run_id": run_id,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        **(extra or {}),
        "git_commit": manifest.git_commit(),
        "inputs": hashes,
        "input_hash": manifest.combined_hash(hashes),
        "packages": manifest.package_versions(),
        "jobs": [asdict(r) for r in results],
        "status": "ok" if all(r.status == "ok" for r in results) else "failed",
    }
    path = folder / "manifest.json"
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    return path
