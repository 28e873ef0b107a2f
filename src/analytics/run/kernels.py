"""Executing notebooks in warm Jupyter kernels, one job at a time per kernel, each in a clean state.

Starting a kernel and importing pandas, plotly, statsmodels and geopandas costs seconds
per notebook; running notebook after notebook in one live kernel pays it once. A warm
kernel keeps state between notebooks, so before each job a hidden first cell
(:data:`RESET_SOURCE`) empties the user namespace (``%reset -f``) and calls
:func:`analytics.run.job_start.start`: a job never sees a variable, a working directory or
a display setting left by the job before it. The executed notebook is written once, when
the job ends (papermill's default writes it before and after every cell). The kernel's client
(its channels) is kept from job to job too: papermill opens a new one per notebook, and waiting for
it to be ready cost about 0.2 s a job (:class:`WarmClientEngine`).

A job that raises is recorded as ``failed``; one whose kernel dies as ``crashed``; one
that runs longer than its timeout has its kernel killed and is recorded as
``timeout``. The next job on that slot starts a fresh kernel.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

#: First cell of every job in a warm kernel (tagged so that exports skip it).
RESET_SOURCE = """\
get_ipython().run_line_magic("reset", "-f")  # a clean namespace for this job
import analytics.run.job_start as _job_start
_job_start.start({cwd!r}, {env!r}, {forget!r}, {renderer!r})
del _job_start
"""

#: Environment variables a job may set (:class:`~analytics.run.jobs.JobSpec` ``env``); those a job does not
#: set are removed before it runs, so a job never sees another run's data folder or cache.
JOB_ENV = ("ANALYTICS_DATA", "ANALYTICS_ROOT", "ANALYTICS_OUTPUTS", "ANALYTICS_CACHE", "ANALYTICS_BATCH")

#: Tag of a notebook cell that serves live sessions only (drop-down bars, sliders): a batch job leaves it out.
LIVE_ONLY = "live-only"

#: plotly renderer used in jobs: figures are kept as their JSON mimetype (small notebooks)
#: and drawn by the exporter with one inlined plotly.js.
RENDERER = "plotly_mimetype"


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
        self.kc = None  # the client of km, made in (and only used from) the thread in self._kc_thread
        self._kc_thread = None
        self.jobs_run = 0
        self.starts = 0
        self._killed = False

    def alive(self) -> bool:
        """Whether the kernel is running."""
        from jupyter_core.utils import run_sync

        return self.km is not None and bool(run_sync(self.km.is_alive)())

    def ensure(self, cwd: str, env: dict[str, str] | None = None, folder: str | None = None):
        """Start the kernel if it is not running.

        The kernel talks over IPC (Unix) sockets in ``folder``, a private (0700) folder of
        the run, where its connection file lives too; it opens no TCP port.
        """
        import os

        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        if self.alive():
            return self.km
        self.shutdown()
        folder = folder or process_folder()
        self.starts += 1
        stem = os.path.join(folder, f"{threading.get_ident() % 100000:05d}-{self.starts}")
        self.km = AsyncKernelManager(kernel_name=self.kernel_name, transport="ipc", ip=stem,
                                     connection_file=f"{stem}.json")
        argv = list(self.km.kernel_spec.argv)
        if "ipykernel_launcher" in argv:  # the same kernel, with its subprocess pipe on a Unix socket too
            argv[argv.index("ipykernel_launcher")] = "analytics.run.private_kernel"
        if "analytics.run.private_kernel" in argv:  # a batch job's inputs are its notebook: no input history
            argv.append("--HistoryManager.enabled=False")  # (its database writes took 5 % of a kernel's time)
        self.km.kernel_spec.argv = argv
        run_sync(self.km.start_kernel)(cwd=cwd, env={**os.environ, **(env or {})})
        self.jobs_run = 0
        return self.km

    def client(self):
        """The kernel's client, ready, made once per kernel and thread (its channels belong to the event loop
        of the thread that made them; a kernel kept for a next run may be taken by another thread)."""
        from jupyter_core.utils import run_sync

        if self.kc is None or self._kc_thread != threading.get_ident():
            self._close_client()

            async def ready():
                kc = self.km.client()
                kc.start_channels()
                await kc.wait_for_ready(timeout=60)
                kc.allow_stdin = False  # as nbclient sets it: a job never waits for input
                return kc

            self.kc, self._kc_thread = run_sync(ready)(), threading.get_ident()
        return self.kc

    def _close_client(self) -> None:
        if self.kc is not None:
            try:
                self.kc.stop_channels()
            except Exception:  # its loop or kernel may be gone
                pass
        self.kc = self._kc_thread = None

    def shutdown(self) -> None:
        """Stop the kernel, if any."""
        from jupyter_core.utils import run_sync

        self._close_client()
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

    def execute(self, spec, out_ipynb: Path):
        """Execute the job's notebook in this kernel; return the executed notebook.

        Raises
        ------
        TimeoutError
            When the job ran longer than ``spec.timeout`` seconds (its kernel was killed).
        Exception
            papermill's execution error when a cell raised, or nbclient's dead-kernel error.
        """
        import nbformat

        if not _engine_registered:
            _register_engine()
        nb_path = Path(spec.notebook)
        km = self.ensure(str(nb_path.parent), spec.env, spec.kernel_dir or None)
        nb = nbformat.read(nb_path, as_version=4)
        nb.cells = [c for c in nb.cells if LIVE_ONLY not in c.metadata.get("tags", [])]  # nothing to show in batch
        reset = nbformat.v4.new_code_cell(RESET_SOURCE.format(
            cwd=str(nb_path.parent), renderer=RENDERER, env=dict(spec.env),
            forget=[k for k in JOB_ENV if k not in spec.env]))
        reset.metadata["tags"] = ["remove-cell", "analytics-reset"]
        nb.cells.insert(0, reset)
        self._killed = False
        timer = threading.Timer(spec.timeout, self._kill)
        timer.daemon = True
        timer.start()
        try:
            executed = _papermill(nb, nb_path, out_ipynb, spec.parameters, self.kernel_name, km, self.client())
        except Exception as exc:
            if self._killed:
                self.shutdown()
                raise TimeoutError(f"job ran longer than its timeout of {spec.timeout:g} s") from exc
            if not self.alive():
                self.shutdown()
            if Path(out_ipynb).is_file():  # a failed job's notebook is published too: the same without paths
                _as_published(nbformat.read(str(out_ipynb), as_version=4), nb_path, out_ipynb)
            raise
        finally:
            timer.cancel()
        self.jobs_run += 1
        return _as_published(executed, nb_path, out_ipynb)


#: The papermill engine of warm kernels (registered on first use).
WARM_ENGINE = "analytics-warm"
_engine_registered: list[bool] = []


def _register_engine() -> None:
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger
    from papermill.utils import merge_kwargs, remove_args

    class WarmClientEngine(NBClientEngine):
        """papermill's nbclient engine, executing with the warm kernel's own client (``kc``) instead of
        a new one per notebook; the rest is papermill's (parameters, metadata, errors)."""

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, kc=None, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
            kwargs = remove_args(["input_path"], **kwargs)
            final = merge_kwargs(remove_args(["timeout", "startup_timeout"], **kwargs),
                                 timeout=execution_timeout or kwargs.get("timeout"), startup_timeout=start_timeout,
                                 kernel_name=kernel_name, log=logger, log_output=log_output,
                                 stdout_file=stdout_file, stderr_file=stderr_file)
            client = PapermillNotebookClient(nb_man, **final)
            client.kc = kc  # nbclient opens a client only when it has none, and closes none it did not open
            return client.execute()

    papermill_engines.register(WARM_ENGINE, WarmClientEngine)
    _engine_registered.append(True)


def _papermill(nb, source: Path, out_ipynb, parameters: dict, kernel_name: str, km, kc):
    """``papermill.execute_notebook`` step by step, but for its final write of the executed notebook (the runner
    writes it once, as published: :func:`_as_published`; papermill's own copy took a sixth of the runner's time).
    A notebook that failed is still written by papermill, with its error marked."""
    from papermill.engines import papermill_engines
    from papermill.execute import prepare_notebook_metadata, raise_for_execution_errors, remove_error_markers
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    nb = load_notebook_node(nb)
    if parameters:  # each is checked against the notebook's declaration before any job runs
        nb = parameterize_notebook(nb, parameters, kernel_name=kernel_name, language="python", engine_name=WARM_ENGINE)
    nb = remove_error_markers(prepare_notebook_metadata(nb, str(source), str(out_ipynb)))
    nb = papermill_engines.execute_notebook_with_engine(
        WARM_ENGINE, nb, input_path=str(source), output_path=None, kernel_name=kernel_name, progress_bar=False,
        log_output=False, start_timeout=60, stdout_file=None, stderr_file=None, km=km, kc=kc)
    raise_for_execution_errors(nb, str(out_ipynb))
    return nb


def _as_published(executed, source: Path, out_ipynb) -> object:
    """The executed notebook as a run publishes it (written over ``out_ipynb``; a failed job's too): without the
    hidden reset cell, which names this machine's folders, with papermill's record naming the notebooks by file
    name only (it held the publisher's paths, and the whole input notebook a second time), and the project's
    folder written as ``./``."""
    import json

    from ..core import paths

    executed.cells = [c for c in executed.cells if "analytics-reset" not in c.metadata.get("tags", [])]
    record = executed.metadata.get("papermill")
    if record is not None:
        record["input_path"], record["output_path"] = source.name, Path(out_ipynb).name
    # without validating again what papermill has just validated (a third of the time), and without nbformat's
    # indentation (Python's JSON encoder indents five times slower, and the file is a third larger); a
    # traceback's or warning's file names relative to the project ("./.venv/…", "./src/…")
    text = json.dumps(executed, sort_keys=True, ensure_ascii=False) + "\n"
    Path(out_ipynb).write_text(text.replace(str(paths.project_root()) + "/", "./"), encoding="utf-8")
    return executed


#: Prefix of the private folders holding kernel sockets and connection files.
KERNEL_FOLDER_PREFIX = "analytics-kernels-"

_local = threading.local()
_kernels: list[WarmKernel] = []
_kernels_lock = threading.Lock()


#: Warm kernels a finished run left for this process's next run (at most one per core).
_idle: list[WarmKernel] = []


def thread_kernel(kernel_name: str) -> WarmKernel:
    """The warm kernel of the calling thread (one per worker thread or Dask worker).

    A thread without one takes an idle kernel a finished run of this process left (see
    :func:`release`), or starts a new one.
    """
    kernel = getattr(_local, "kernel", None)
    if kernel is None or kernel.kernel_name != kernel_name:
        with _kernels_lock:
            kernel = next((k for k in reversed(_idle) if k.kernel_name == kernel_name), None)  # the last kept
            if kernel is not None:
                _idle.remove(kernel)
            else:
                kernel = WarmKernel(kernel_name)
                if not _kernels:
                    import atexit

                    atexit.register(shutdown_all)
                _kernels.append(kernel)
        _local.kernel = kernel
    return kernel


def release(kernels) -> None:
    """Keep a finished run's live kernels warm for the process's next run (one per core); stop the others.

    Two runs at once in one process each take their own kernels, so neither stops the other's;
    the next job in a kept kernel starts with the reset cell like any other.
    """
    import os

    with _kernels_lock:
        for kernel in kernels:
            if kernel.alive() and len(_idle) < (os.cpu_count() or 1):
                _idle.append(kernel)
            else:
                kernel.shutdown()


def private_folder() -> str:
    """A new folder only this user can enter (0700), for kernel sockets and connection files.

    It is short (Unix socket paths are limited to about 100 bytes) and records the process
    that owns it, so that :func:`remove_stale_folders` can clear one left by a killed run.
    """
    import os
    import tempfile

    folder = tempfile.mkdtemp(prefix=KERNEL_FOLDER_PREFIX)
    partial = os.path.join(folder, "owner.pid.partial")  # written whole, then renamed: another run
    with open(partial, "w") as fh:  # clearing stale folders never reads a half-written owner
        fh.write(str(os.getpid()))
    os.replace(partial, os.path.join(folder, "owner.pid"))
    return folder


_process_folder: list[str] = []


def process_folder() -> str:
    """This process's private kernel folder (its warm kernels outlive a run: a Dask worker's, or one kept for the next run)."""
    if not _process_folder:
        import atexit

        _process_folder.append(private_folder())
        atexit.register(remove_folder, _process_folder[0])
    return _process_folder[0]


def remove_folder(folder: str) -> None:
    """Remove a private kernel folder and what is left in it."""
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


def remove_stale_folders() -> list[str]:
    """Remove private kernel folders whose owning process is gone (a run killed with SIGKILL)."""
    import glob
    import os
    import tempfile

    removed = []
    for folder in glob.glob(os.path.join(tempfile.gettempdir(), KERNEL_FOLDER_PREFIX + "*")):
        try:
            if os.stat(folder).st_uid != os.getuid():
                continue
            with open(os.path.join(folder, "owner.pid")) as fh:
                pid = int(fh.read().strip())
        except (OSError, ValueError):  # no owner yet (a folder being made): not stale
            continue
        if not process_alive(pid):
            remove_folder(folder)
            removed.append(folder)
    return removed


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs (a pid of 0 or less is no process)."""
    import os

    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def current_kernel() -> WarmKernel | None:
    """The warm kernel of the calling thread, if it has one."""
    return getattr(_local, "kernel", None)


def shutdown_all() -> None:
    """Stop every warm kernel this process started."""
    with _kernels_lock:
        for kernel in _kernels:
            kernel.shutdown()
