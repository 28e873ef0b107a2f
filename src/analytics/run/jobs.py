"""One job of a briefing: execute its notebook in the worker's warm kernel, then publish its page.

:func:`run_job` is what a worker thread or a Dask worker runs. Execution
(:mod:`.kernels`) and page rendering (:mod:`analytics.publish.pages`) are separate steps;
the job only puts them together so that both happen where the notebook ran.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import Path
from typing import Any

from .kernels import error_tail, thread_kernel


@dataclass
class JobSpec:
    """Everything a worker needs to run one job and render its page."""

    name: str
    anchor: str
    notebook: str
    parameters: dict[str, Any]
    language: str
    folder: str
    run_id: str
    input_hash: str
    timeout: float
    country: str
    kernel_name: str = "analytics"
    env: dict[str, str] = field(default_factory=dict)
    nav: list[dict] = field(default_factory=list)
    #: private folder for the kernel's sockets and connection file ("" = the worker process's own)
    kernel_dir: str = ""


@dataclass
class JobOutcome:
    """What a job produced: status, timings, page and its content for the briefing book."""

    job: str
    anchor: str
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
    #: computations of the run's cache this job made and those it read (made by an earlier job)
    cache: dict = field(default_factory=dict)
    #: input hash of the run that produced the job's page
    input_hash: str = ""
    #: SHA-256 of the page and the executed notebook as written ({"html": …, "ipynb": …}): ``--resume``
    #: reuses a finished job only when its files are still these
    files_sha256: dict = field(default_factory=dict)

    def summary(self) -> str:
        tail = f" — {self.error.splitlines()[-1]}" if self.error else ""
        return f"{self.job}: {self.status} in {self.seconds:.1f} s{tail}"

    def record(self) -> dict:
        """The outcome without the page content, as written to the manifest (its values themselves, not copies:
        a deep copy of a mission's tables took seconds, and no caller changes them)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "fragment"}


def run_job(spec: JobSpec | dict) -> JobOutcome:
    """Run one job in the calling thread's warm kernel and render its page.

    The executed notebook and the HTML page are written into ``spec.folder``. Never
    raises for a failing notebook: the outcome says what happened.
    """
    if isinstance(spec, dict):
        spec = JobSpec(**spec)
    folder = Path(spec.folder)
    outcome = JobOutcome(job=spec.name, anchor=spec.anchor, notebook=Path(spec.notebook).name,
                         parameters=dict(spec.parameters), language=spec.language,
                         worker=threading.current_thread().name)
    out_ipynb = folder / "notebooks" / f"{spec.anchor}.ipynb"
    out_ipynb.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    kernel = thread_kernel(spec.kernel_name)
    outcome.kernel_jobs = kernel.jobs_run if kernel.alive() else 0
    try:
        nb = kernel.execute(spec, out_ipynb)
    except TimeoutError as exc:
        outcome.status, outcome.error = "timeout", str(exc)
    except Exception as exc:  # a failing or crashing notebook is an outcome, not a crash of the run
        name = type(exc).__name__
        outcome.status = "crashed" if "DeadKernel" in name or kernel.km is None else "failed"
        outcome.error = error_tail(exc)
    else:
        render_outcome(spec, nb, outcome)
    outcome.ipynb = f"notebooks/{spec.anchor}.ipynb" if out_ipynb.exists() else ""
    outcome.seconds = round(time.perf_counter() - start, 2)
    return outcome


def render_outcome(spec: JobSpec, nb, outcome: JobOutcome, write: bool = True) -> JobOutcome:
    """Render an executed notebook's page into ``spec.folder`` and complete ``outcome`` (status ok).

    ``write=False`` completes the outcome (book article, results) without writing the page.
    """
    from ..publish.pages import PageJob, notebook_results, render_page

    page_job = PageJob(name=spec.name, anchor=spec.anchor, parameters=spec.parameters,
                       texts=texts_for(spec.country, spec.language), run_id=spec.run_id,
                       input_hash=spec.input_hash, nav=spec.nav)
    page, article, n_figures, title = render_page(nb, page_job)
    if write:
        (Path(spec.folder) / f"{spec.anchor}.html").write_text(page, encoding="utf-8")
    outcome.status, outcome.html, outcome.n_figures = "ok", f"{spec.anchor}.html", n_figures
    outcome.fragment, outcome.title = article, title
    outcome.results = notebook_results(nb)
    outcome.cache = outcome.results.pop("cache", {})
    return outcome


def texts_for(country: str, language: str):
    """Messages in ``language`` with the names of the country's pack (read from its locale files)."""
    from ..core import paths
    from ..core.i18n import Texts
    from ..packs.scenarios import labels as scenario_labels

    folder = paths.pack_dir(country)
    if not folder.is_dir():
        return Texts(language)
    names, messages, scenarios = _pack_texts(folder, paths.fingerprint(folder / "pack.yaml", folder / "locales",
                                                                       folder / "scenarios.yaml"))
    return Texts(language, {**names.get(language, {}), **scenario_labels(scenarios, language)}, messages.get(language))


@cache
def _pack_texts(folder: Path, _key: tuple) -> tuple[dict, dict, dict]:
    """A pack's names, added-language messages and scenarios, read once per version of its files."""
    from ..packs.locales import pack_languages, read_messages, read_names
    from ..packs.scenarios import read

    return read_names(folder), read_messages(folder, pack_languages(folder)), read(folder)
