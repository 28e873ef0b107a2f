"""Running briefing jobs in warm Jupyter kernels, one job at a time per kernel, each in a clean state.

Starting a kernel and importing pandas, plotly, statsmodels and geopandas costs seconds
per notebook; running notebook after notebook in one live kernel pays it once. A warm
kernel keeps state between notebooks, so before each job a hidden first cell
(:data:`RESET_SOURCE`) empties the user namespace (``%reset -f``), returns to the
notebook's folder and restores plotly's and pandas' defaults: a job never sees a
variable, a working directory or a display setting left by the job before it.

A job that raises is recorded as ``failed``; one whose kernel dies as ``crashed``; one
that runs longer than its timeout has its kernel killed and is recorded as
``timeout``. The next job on that slot starts a fresh kernel.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

#: First cell of every job in a warm kernel (tagged so that exports skip it).
RESET_SOURCE = """\
get_ipython().run_line_magic("reset", "-f")  # a clean namespace for this job
import os as _os
_os.chdir({cwd!r})
import plotly.io as _pio
_pio.renderers.default = {renderer!r}
_pio.templates.default = "plotly"
import pandas as _pd
_pd.reset_option("^display")
del _os, _pio, _pd
"""

#: plotly renderer used in jobs: figures are kept as their JSON mimetype (small notebooks)
#: and drawn by the exporter with one inlined plotly.js.
RENDERER = "plotly_mimetype"


@dataclass
class JobSpec:
    """Everything a worker needs to run one job and render its page."""

    name: str
    notebook: str
    parameters: dict[str, Any]
    language: str
    folder: str
    run_id: str
    input_hash: str
    timeout: float
    title: str = ""
    kernel_name: str = "analytics"
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class JobOutcome:
    """What a job produced: status, timings, page and its content for the briefing book."""

    job: str
    notebook: str
    parameters: dict[str, Any]
    language: str
    status: str = "pending"
    seconds: float = 0.0
    error: str = ""
    html: str = ""
    ipynb: str = ""
    n_figures: int = 0
    results: dict = field(default_factory=dict)
    fragment: str = ""
    title: str = ""
    worker: str = ""
    #: jobs the kernel had run before this one (0: a fresh kernel)
    kernel_jobs: int = 0
    reused: bool = False

    def summary(self) -> str:
        tail = f" — {self.error.splitlines()[-1]}" if self.error else ""
        return f"{self.job}: {self.status} in {self.seconds:.1f} s{tail}"

    def record(self) -> dict:
        """The outcome without the page content, as written to the manifest."""
        out = asdict(self)
        out.pop("fragment")
        return out


def error_tail(exc: BaseException, lines: int = 8) -> str:
    """The last lines of an error, without ANSI colour codes."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip()
    return "\n".join(text.splitlines()[-lines:]) or type(exc).__name__


class WarmKernel:
    """One live kernel that runs jobs one after another, restarted after a crash or timeout.

    It holds an ``AsyncKernelManager`` (nbclient detects a dead kernel through it, where a
    blocking manager would wait for ever) driven from this thread with ``run_sync``.
    """

    def __init__(self, kernel_name: str = "analytics"):
        self.kernel_name = kernel_name
        self.km = None
        self.jobs_run = 0
        self._killed = False

    def alive(self) -> bool:
        """Whether the kernel is running."""
        from jupyter_core.utils import run_sync

        return self.km is not None and bool(run_sync(self.km.is_alive)())

    def ensure(self, cwd: str, env: dict[str, str] | None = None):
        """Start the kernel if it is not running."""
        import os

        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        if self.alive():
            return self.km
        self.shutdown()
        self.km = AsyncKernelManager(kernel_name=self.kernel_name)
        run_sync(self.km.start_kernel)(cwd=cwd, env={**os.environ, **(env or {})})
        self.jobs_run = 0
        return self.km

    def shutdown(self) -> None:
        """Stop the kernel, if any."""
        from jupyter_core.utils import run_sync

        if self.km is not None:
            try:
                run_sync(self.km.shutdown_kernel)(now=True)
            except Exception:  # the kernel may already be gone
                pass
            self.km = None

    def _kill(self) -> None:
        """Kill the kernel process (called from a timer thread when a job overruns)."""
        self._killed = True
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        if process is not None:
            try:
                process.kill()
            except OSError:
                pass

    def execute(self, spec: JobSpec, out_ipynb: Path):
        """Execute the job's notebook in this kernel; return the executed notebook.

        Raises
        ------
        TimeoutError
            When the job ran longer than ``spec.timeout`` seconds (its kernel was killed).
        Exception
            papermill's execution error when a cell raised, or nbclient's dead-kernel error.
        """
        import nbformat
        import papermill as pm

        nb_path = Path(spec.notebook)
        km = self.ensure(str(nb_path.parent), spec.env)
        nb = nbformat.read(nb_path, as_version=4)
        reset = nbformat.v4.new_code_cell(RESET_SOURCE.format(cwd=str(nb_path.parent), renderer=RENDERER))
        reset.metadata["tags"] = ["remove-cell", "analytics-reset"]
        nb.cells.insert(0, reset)
        self._killed = False
        timer = threading.Timer(spec.timeout, self._kill)
        timer.daemon = True
        timer.start()
        try:
            executed = pm.execute_notebook(nb, str(out_ipynb), parameters=spec.parameters,
                                           kernel_name=self.kernel_name, progress_bar=False,
                                           log_output=False, km=km, language="python")
        except Exception as exc:
            if self._killed:
                self.shutdown()
                raise TimeoutError(f"job ran longer than its timeout of {spec.timeout:g} s") from exc
            if not self.alive():
                self.shutdown()
            raise
        finally:
            timer.cancel()
        self.jobs_run += 1
        return executed


_local = threading.local()
_kernels: list[WarmKernel] = []
_kernels_lock = threading.Lock()


def thread_kernel(kernel_name: str) -> WarmKernel:
    """The warm kernel of the calling thread (one per worker thread or Dask worker)."""
    kernel = getattr(_local, "kernel", None)
    if kernel is None or kernel.kernel_name != kernel_name:
        kernel = WarmKernel(kernel_name)
        _local.kernel = kernel
        with _kernels_lock:
            if not _kernels:
                import atexit

                atexit.register(shutdown_all)
            _kernels.append(kernel)
    return kernel


def shutdown_all() -> None:
    """Stop every warm kernel this process started."""
    with _kernels_lock:
        for kernel in _kernels:
            kernel.shutdown()


def run_job(spec: JobSpec | dict) -> JobOutcome:
    """Run one job in the calling thread's warm kernel and render its page.

    The executed notebook and the HTML page are written into ``spec.folder``. Never
    raises for a failing notebook: the outcome says what happened.
    """
    from .pages import notebook_results, render

    if isinstance(spec, dict):
        spec = JobSpec(**spec)
    folder = Path(spec.folder)
    outcome = JobOutcome(job=spec.name, notebook=Path(spec.notebook).name, parameters=dict(spec.parameters),
                         language=spec.language, worker=threading.current_thread().name)
    out_ipynb = folder / "notebooks" / f"{spec.name}.ipynb"
    out_ipynb.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    kernel = thread_kernel(spec.kernel_name)
    outcome.kernel_jobs = kernel.jobs_run if kernel.alive() else 0
    try:
        nb = kernel.execute(spec, out_ipynb)
        page, fragment, n_figures, title = render(nb, spec.parameters, spec.language, spec.run_id,
                                                  spec.input_hash, prefix=spec.name)
        (folder / f"{spec.name}.html").write_text(page, encoding="utf-8")
        outcome.status, outcome.html, outcome.n_figures = "ok", f"{spec.name}.html", n_figures
        outcome.fragment, outcome.title = fragment, title
        outcome.results = notebook_results(nb)
    except TimeoutError as exc:
        outcome.status, outcome.error = "timeout", str(exc)
    except Exception as exc:  # a failing or crashing notebook is an outcome, not a crash of the run
        name = type(exc).__name__
        outcome.status = "crashed" if "DeadKernel" in name or kernel.km is None else "failed"
        outcome.error = error_tail(exc)
    outcome.ipynb = f"notebooks/{spec.name}.ipynb" if out_ipynb.exists() else ""
    outcome.seconds = round(time.perf_counter() - start, 2)
    return outcome
