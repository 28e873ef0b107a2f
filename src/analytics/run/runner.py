"""Running a briefing: jobs in parallel (local warm kernels or a Dask cluster), published atomically.

A run is assembled in a hidden folder beside its final place and renamed into place at
the end (an atomic rename on one file system): a reader never sees half a run and no run
overwrites another, since each gets a fresh id. A run whose jobs failed is published too,
with the failures in its manifest and index, so that ``--resume`` can rerun only those.
"""

from __future__ import annotations

import os
import secrets
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..core import paths
from ..core.cache import CACHE_ENV
from ..core.errors import ParameterError
from ..core.kernel import BATCH_ENV
from ..packs.hashing import combined_hash, pack_hashes, sha256
from . import memory
from . import resume as resume_mod
from .briefing import Briefing, Job
from .jobs import JobOutcome, JobSpec, run_job, texts_for
from .manifest import package_versions, write_manifest

#: Name of the Jupyter kernel registered for the project (``make setup``).
KERNEL_NAME = "analytics"



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


def navigation(job: Job, all_jobs: list[Job], languages: list[str], texts) -> list[dict]:
    """A page's links: the index, the book and the workbook in its language, and the same page in other languages."""
    from ..publish.index import index_name, language_label, workbook_name

    same = {k: v for k, v in job.parameters.items() if k != "language"}
    links = [{"href": index_name(job.language, languages), "text": texts("page.to_index")},
             {"href": f"briefing-{job.language}.html", "text": texts("page.to_book")},
             {"href": f"tables/{workbook_name(job.language)}", "text": texts("page.to_workbook")},
             {"href": f"methods-{job.language}.html", "text": texts("page.to_methods")}]
    for other in all_jobs:
        if (other.language != job.language and other.notebook == job.notebook
                and {k: v for k, v in other.parameters.items() if k != "language"} == same):
            links.append({"href": f"{other.anchor}.html", "text": language_label(texts, other.language),
                          "lang": other.language})
    return links


def _specs(briefing: Briefing, jobs: list[Job], folder: Path, run_id: str, input_hash: str,
           timeout: float, cache: bool = True) -> list[JobSpec]:
    env = {**{k: os.environ[k] for k in ("ANALYTICS_DATA", "ANALYTICS_ROOT") if k in os.environ}, BATCH_ENV: "1",
           CACHE_ENV: str(folder / resume_mod.CACHE_DIR) if cache else ""}
    texts = {lang: texts_for(briefing.country, lang) for lang in briefing.languages}
    return [JobSpec(name=j.name, anchor=j.anchor, notebook=str(j.notebook), parameters=j.parameters,
                    language=j.language, folder=str(folder), run_id=run_id, input_hash=input_hash,
                    timeout=j.timeout or timeout, country=briefing.country, kernel_name=KERNEL_NAME, env=env,
                    nav=navigation(j, briefing.jobs, briefing.languages, texts[j.language])) for j in jobs]


def execution_order(specs: list[JobSpec], languages: list[str]) -> list[JobSpec]:
    """Jobs in the order they start: every page in the first language, then in the next, …

    The languages of one page share their computations (:mod:`analytics.core.cache`); started
    apart, the later ones find them made instead of waiting for the kernel that makes them. For the
    same reason a notebook's pages go through its grid diagonally: each differs from the one before
    in every parameter the grid varies (area and scenario), so two kernels do not both wait for
    one area's panels that the other scenarios' pages then show as rendered.
    """
    rank = {lang: k for k, lang in enumerate(languages)}
    notebooks = {n: k for k, n in enumerate(dict.fromkeys(s.notebook for s in specs))}
    values: dict[str, dict[str, dict]] = {}  # notebook -> parameter -> its values, in order of first use
    for s in specs:
        for name, value in s.parameters.items():
            values.setdefault(s.notebook, {}).setdefault(name, {}).setdefault(repr(value), None)
    varied = {n: {k: list(v) for k, v in params.items() if len(v) > 1} for n, params in values.items()}

    def diagonal(s: JobSpec) -> int:
        grid = varied[s.notebook]
        width = max((len(v) for v in grid.values()), default=1)
        return sum(v.index(repr(s.parameters[k])) for k, v in grid.items()) % width

    position = {id(s): k for k, s in enumerate(specs)}
    return sorted(specs, key=lambda s: (rank.get(s.language, len(rank)), notebooks[s.notebook], diagonal(s),
                                        position[id(s)]))


def cache_summary(outcomes: list[JobOutcome], enabled: bool) -> dict:
    """How many shared computations the run made and how many times jobs read one instead; how many panels
    it rendered (in one language) and how many times a job showed one another job had rendered."""
    def count(kind: str) -> int:
        return sum(len(o.cache.get(kind, [])) for o in outcomes if not o.reused)

    served = sum(1 for o in outcomes if not o.reused and o.cache.get("reused") and not o.cache.get("computed"))
    return {"enabled": enabled, "computed": count("computed"), "reused": count("reused"),
            "jobs_served_from_cache": served, "panels_rendered": count("rendered"),
            "panels_reused": count("rendered_reused")}


def collect(futures: dict, completed, quiet: bool, on_done=None) -> list[JobOutcome]:
    """Gather job outcomes as they finish, with a progress bar (done, failed, elapsed, estimate).

    ``futures`` maps each future to its job's spec. A future that raises or is cancelled
    (a Dask worker or scheduler lost) becomes a ``crashed`` outcome; the others still count.
    ``on_done`` is called with each outcome as soon as it is known.
    """
    from tqdm import tqdm

    outcomes, failed = [], 0
    total = len(futures)
    with tqdm(total=total, unit="job", desc="briefing", disable=quiet or total == 0, dynamic_ncols=True) as bar:
        for fut in completed(list(futures)):
            try:
                outcome = fut.result()
            except BaseException as exc:  # noqa: BLE001 - a lost worker must not lose the run
                if isinstance(exc, KeyboardInterrupt):
                    raise
                spec = futures[fut]
                outcome = JobOutcome(job=spec.name, anchor=spec.anchor, notebook=Path(spec.notebook).name,
                                     parameters=dict(spec.parameters), language=spec.language, status="crashed",
                                     error=f"the job's worker was lost: {type(exc).__name__}: {exc}"[:500])
            outcome.input_hash = futures[fut].input_hash
            outcomes.append(outcome)
            if on_done is not None:
                on_done(outcome)
            failed += outcome.status != "ok"
            bar.set_postfix(done=len(outcomes) - failed, failed=failed)
            bar.update()
    return outcomes




def execute_local(specs: list[JobSpec], workers: int, quiet: bool = False, on_done=None) -> list[JobOutcome]:
    """Run jobs on local warm kernels, ``workers`` at a time.

    Each worker thread keeps its own kernel (one left warm by an earlier run of this process
    when there is one); at the end this call's kernels are kept warm for the next run or
    stopped (:func:`~analytics.run.kernels.release`), so two runs in one process never stop
    each other's kernels.
    """
    from .kernels import current_kernel, process_folder, release, remove_stale_folders

    remove_stale_folders()
    folder = process_folder()
    mine, lock = set(), threading.Lock()

    def job(spec: JobSpec) -> JobOutcome:
        try:
            return run_job(replace(spec, kernel_dir=folder))
        finally:
            with lock:
                mine.add(current_kernel())

    try:
        with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="kernel") as pool:
            return collect({pool.submit(job, s): s for s in specs}, as_completed, quiet, on_done)
    finally:
        release(mine - {None})


def execute_dask(specs: list[JobSpec], address: str, quiet: bool = False, on_done=None) -> list[JobOutcome]:
    """Run jobs on a Dask distributed cluster; each worker keeps its own warm kernel."""
    from distributed import Client
    from distributed import as_completed as dask_completed

    reachable(address)
    try:
        client = Client(address, timeout="20s")
    except OSError as exc:
        raise ParameterError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        futures = {client.submit(run_job, asdict(s), pure=False, key=f"{s.name}-{s.run_id}"): s for s in specs}
        return collect(futures, dask_completed, quiet, on_done)
    finally:
        client.close()


def reachable(address: str, seconds: float = 3.0) -> None:
    """Fail at once, with a clear message, when nothing listens at a ``tcp://host:port`` address."""
    import socket
    from urllib.parse import urlsplit

    try:  # urlsplit itself refuses "http://[::1" (an unclosed IPv6 bracket)
        parts = urlsplit(address if "://" in address else f"tcp://{address}")
        host, port = parts.hostname, parts.port
    except ValueError:
        host = port = None
    if not host or not port:
        raise ParameterError(f"--scheduler {address!r} is not an address like tcp://host:8786")
    try:
        socket.create_connection((host, port), timeout=seconds).close()
    except OSError as exc:
        raise ParameterError(f"cannot reach the Dask scheduler at {address}: {exc}") from None


def run_briefing(briefing: Briefing, outputs: Path | None = None, workers: int | None = None,
                 scheduler: str | None = None, timeout: float = 900, resume: Path | None = None,
                 quiet: bool = False, force: bool = False, execute=None,
                 cache: bool = True) -> tuple[Path, list[JobOutcome]]:
    """Run every job of a briefing and publish ``outputs/<briefing>/<run-id>/``.

    Parameters
    ----------
    briefing : Briefing
        A validated briefing (see :func:`analytics.briefing.load`).
    outputs : path, optional
        Outputs folder (default: the project's ``outputs/``).
    workers : int, optional
        Local jobs at a time (default: the number of cores).
    scheduler : str, optional
        Address of a Dask scheduler; jobs then run on its workers.
    timeout : float
        Seconds allowed per job; a job over it is stopped and recorded as ``timeout``.
    resume : path, optional
        A previous run folder of this briefing: its completed jobs are copied, the failed
        and missing ones run again, into a new run folder.
    quiet : bool
        No progress bar.
    force : bool
        Resume even when the briefing, the input data or the package versions differ from
        the previous run's (each reused job keeps its own input hash in the manifest).
    cache : bool
        Compute what jobs share once per run (each language of a page, the national
        simulations behind every region's page; :mod:`analytics.core.cache`). False computes
        everything in every job: the published numbers are the same either way.
    execute : callable, optional
        ``execute(specs, quiet, on_done) -> outcomes`` in place of running the jobs on kernels
        (:func:`analytics.run.executed.publish_executed` renders notebooks already run).

    Returns
    -------
    (pathlib.Path, list of JobOutcome)
        The published run folder and every job's outcome, in briefing order.
    """
    from ..core.i18n import check_language
    from ..packs.locales import pack_languages
    from ..publish.index import write_books, write_indexes, write_readme, write_summaries
    from ..publish.methods import write_methods
    from ..publish.workbook import write_tables

    folder = paths.pack_dir(briefing.country)
    offered = pack_languages(folder) if folder.is_dir() else []
    for lang in briefing.languages:  # before anything is written
        check_language(lang, offered)
    start = time.perf_counter()
    hashes = pack_hashes(paths.pack_dir(briefing.country))
    input_hash = combined_hash(hashes)
    record = {"briefing": paths.recorded(briefing.path), "briefing_name": briefing.name,
              "briefing_sha256": sha256(briefing.path) if briefing.path.is_file() else "",
              "input_hash": input_hash, "packages": package_versions()}
    if resume:
        previous, _ = resume_mod.previous_run(Path(resume))
        differs = resume_mod.differences(previous, record)
        if differs and not force:
            raise ParameterError(f"--resume {resume}: " + "; ".join(differs)
                                 + ". Run the briefing afresh, or add --force to reuse the finished jobs anyway")
    if scheduler:
        reachable(scheduler)  # before anything is written
    kernel_mb = memory.check_jobs(briefing.jobs)  # before anything is written
    parent = (outputs or paths.outputs_root()) / briefing.name
    run_id = new_run_id()
    made_parent = not parent.exists()
    tmp = staging_dir(parent, run_id)
    resume_mod.start_record(tmp, {**record, "run_id": run_id, "briefing_path": str(briefing.path.resolve())})
    try:
        specs = _specs(briefing, briefing.jobs, tmp, run_id, input_hash, timeout, cache)
        specs, reused = resume_mod.reuse(Path(resume), specs) if resume else (specs, [])
        for o in reused:
            resume_mod.save_outcome(tmp, o)
        specs = execution_order(specs, briefing.languages)
        n_workers = memory.worker_count(workers, len(specs), kernel_mb)

        def save(outcome: JobOutcome) -> None:
            resume_mod.save_outcome(tmp, outcome)

        if execute is not None:
            ran = execute(specs, quiet, save)
        elif scheduler:
            ran = execute_dask(specs, scheduler, quiet, save)
        else:
            ran = execute_local(specs, n_workers, quiet, save)
        shutil.rmtree(tmp / resume_mod.CACHE_DIR, ignore_errors=True)  # shared computations are not published
        order = {j.name: k for k, j in enumerate(briefing.jobs)}
        outcomes = sorted(reused + ran, key=lambda o: order[o.job])
        entries = [entry(o) for o in outcomes]
        texts_in = {lang: texts_for(briefing.country, lang) for lang in briefing.languages}.__getitem__
        book_methods: dict[str, str] = {}
        files = write_indexes(tmp, briefing.title_in, entries, briefing.languages, texts_in, run_id, input_hash)
        files += write_methods(tmp, briefing.about, entries, briefing.languages, texts_in,
                               paths.pack_dir(briefing.country), hashes, input_hash, run_id, book_methods)
        files += write_books(tmp, briefing.title_in, entries, briefing.languages, texts_in, run_id, input_hash,
                             book_methods)
        files += write_summaries(tmp, briefing.title_in, entries, briefing.languages, texts_in, run_id, input_hash)
        files += write_readme(tmp, briefing.languages, texts_in)
        written, tables = write_tables(tmp, briefing.name, entries, briefing.languages, texts_in)
        files += written
        write_manifest(tmp, run_id, outcomes, hashes, {
            **record, "title": briefing.title, "languages": briefing.languages,
            "resumed_from": str(resume) if resume else None, "forced": bool(resume and force), "files": files,
            "cache": cache_summary(outcomes, cache),
            "executor": ("published from an executed notebook" if execute is not None
                         else f"dask {scheduler}" if scheduler else f"local, {n_workers} workers"),
            "workers_requested": workers, "workers": None if scheduler else n_workers,
            "seconds": round(time.perf_counter() - start, 2)}, tables)
        (tmp / resume_mod.RUN_FILE).unlink()
        for hidden in resume_mod.STAGING_ONLY:
            shutil.rmtree(tmp / hidden, ignore_errors=True)
        final = publish(tmp, parent / run_id)
        if briefing.path.is_file():
            resume_mod.remember_briefing(final, briefing.path)
    except BaseException:
        shutil.rmtree(tmp / resume_mod.CACHE_DIR, ignore_errors=True)
        if execute is not None or not any((tmp / resume_mod.JOBS_DIR).glob("*.json")):  # publish: no resume
            shutil.rmtree(tmp, ignore_errors=True)  # nothing finished: nothing to keep
            if made_parent and not any(parent.iterdir()):
                parent.rmdir()  # nor an empty folder this run made
        raise
    if resume and Path(resume).name.endswith(".partial") and Path(resume).resolve().parent == parent.resolve():
        shutil.rmtree(resume, ignore_errors=True)  # the interrupted run lives on in the new one
    return final, outcomes


def run_notebook(notebook: str | Path, params: dict[str, Any], outputs: Path | None = None,
                 timeout: float = 900, language: str | None = None) -> tuple[Path, JobOutcome]:
    """Run one notebook as a one-job briefing and publish ``outputs/<notebook>/<run-id>/``."""
    from .notebooks import check_job, notebook_path

    nb = notebook_path(notebook)
    briefing = one_job_briefing(nb, check_job(nb, params), language)
    folder, outcomes = run_briefing(briefing, outputs=outputs, workers=1, timeout=timeout, quiet=True)
    return folder, outcomes[0]


def one_job_briefing(nb: Path, values: dict[str, Any], language: str | None = None) -> Briefing:
    """A briefing of one job: ``nb`` with checked parameter ``values``, published as ``outputs/<notebook>/``."""
    from .briefing_file import page_name

    lang = language or str(values.get("language", "en"))
    page_name(nb)
    job = Job(name=nb.stem, notebook=nb, parameters=values, language=lang)
    if not values.get("country"):
        raise ParameterError(f"notebook {nb.stem} takes no 'country' parameter, so it cannot be run on its own; "
                             "run it from a briefing file that names the country")
    return Briefing(path=nb, name=nb.stem, title={lang: nb.stem}, country=str(values["country"]),
                    languages=[lang], jobs=[job])


def entry(o: JobOutcome):
    """What the index, the book and the workbook need of a job's outcome."""
    from ..publish.index import JobEntry

    return JobEntry(name=o.job, anchor=o.anchor, language=o.language, status=o.status, parameters=o.parameters,
                    title=o.title, html=o.html, error=o.error, article=o.fragment, results=o.results,
                    notebook=Path(o.notebook).stem)
