"""What a run leaves behind as it goes, and how ``--resume`` picks it up.

A run is assembled in a hidden ``.<run-id>.partial`` folder. It first writes ``.run.json``
(briefing, its SHA-256, the input hash, package versions, the process id), then each job's
outcome into ``.jobs/<job>.json`` (and its book article into ``.book/``) as soon as the job
finishes. A run that is killed therefore leaves a folder that ``--resume`` accepts just
like a published run: finished jobs are copied, the rest run again. A published run keeps
none of these hidden files: its finished pages are rendered again from their executed notebooks.

``--resume`` refuses, naming what differs, when the briefing file, the input hash or the
package versions are not the previous run's, unless ``--force``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from dataclasses import replace
from pathlib import Path

from ..core.errors import ParameterError
from ..packs.hashing import sha256
from .jobs import JobOutcome, JobSpec, render_outcome
from .kernels import process_alive

RUN_FILE = ".run.json"
JOBS_DIR = ".jobs"
BOOK_DIR = ".book"
#: Folder of the run's shared computations (:mod:`analytics.core.cache`).
CACHE_DIR = ".cache"


def start_record(folder: Path, record: dict) -> None:
    """Write ``.run.json`` into a staging folder (with this process's id)."""
    (folder / JOBS_DIR).mkdir(exist_ok=True)
    (folder / RUN_FILE).write_text(json.dumps({**record, "pid": os.getpid()}, indent=2, ensure_ascii=False),
                                   encoding="utf-8")


#: In the outputs folder (never inside a published run): ``<briefing>/<run id>`` → the full path of the briefing
#: file the run ran, for ``--resume`` without a file (a manifest names only the file's name outside the project).
BRIEFING_PATHS = ".briefing-paths.json"


#: The largest notes file read (200 runs' paths take some 40 kB).
MAX_NOTES_BYTES = 1_000_000


def remember_briefing(run: Path, briefing: Path) -> None:
    """Note where the briefing file of the published run ``run`` (``outputs/<briefing>/<run id>``) is; the
    last 200 runs are kept. Written to a new file of its own, then renamed over the notes (a link or a folder
    planted at a fixed temporary name is never written through); a note that cannot be written only means that
    ``--resume`` will ask for the briefing file, so it never fails a published run."""
    import tempfile

    run = Path(run).resolve()
    parent = run.parent.parent
    known = _briefing_paths(parent)
    known[f"{run.parent.name}/{run.name}"] = str(Path(briefing).resolve())
    kept = dict(list(known.items())[-200:])
    partial = None
    try:
        fd, partial = tempfile.mkstemp(prefix=f"{BRIEFING_PATHS}.", suffix=".partial", dir=parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(kept, fh, indent=1, ensure_ascii=False)
        os.replace(partial, parent / BRIEFING_PATHS)
    except OSError:
        if partial is not None:
            Path(partial).unlink(missing_ok=True)


def briefing_of(folder: Path, record: dict) -> tuple[Path, str] | None:
    """The briefing file an earlier run ran, for ``--resume`` without one, and where that was read: the path its
    staging record holds, the manifest's name read from the project, or the path noted in the outputs folder
    (None when none is known). The caller reads it only if it is the run's (:func:`same_briefing`)."""
    from ..core import paths

    if isinstance(record.get("briefing_path"), str):  # an interrupted run's own record (never published)
        return Path(record["briefing_path"]), "the run's record"
    if not isinstance(record.get("briefing"), str):
        return None
    named = paths.from_record(record["briefing"])
    if named.is_file():
        return named, "its manifest"
    run = Path(folder).resolve()
    noted = _briefing_paths(run.parent.parent).get(f"{run.parent.name}/{run.name}")
    return (Path(noted), f"{BRIEFING_PATHS} in the outputs folder") if isinstance(noted, str) else (named, "its manifest")


def same_briefing(path: Path, record: dict) -> str:
    """Why ``path`` is not the briefing the run ran, or "" when it is: a regular file (not a link) of at most 1 MB
    whose SHA-256 is the run's. A file named by a run's records is never read otherwise."""
    try:
        if path.is_symlink():
            return "a link (a run's briefing is read only from a file of its own)"
        if not path.is_file() or path.stat().st_size > MAX_NOTES_BYTES:
            return "not a file of at most 1 MB"
        return "" if sha256(path) == record.get("briefing_sha256") else "not the file the run ran (its SHA-256 differs)"
    except OSError as exc:
        return f"unreadable ({exc.strerror})"


def _briefing_paths(parent: Path) -> dict:
    path = parent / BRIEFING_PATHS
    try:
        usable = path.is_file() and not path.is_symlink() and path.stat().st_size <= MAX_NOTES_BYTES
        doc = json.loads(path.read_text(encoding="utf-8")) if usable else {}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        doc = {}
    return doc if isinstance(doc, dict) else {}


def save_outcome(folder: Path, outcome) -> None:
    """Write one finished job's outcome (with its files' SHA-256, and its book article) into the staging folder,
    atomically."""
    outcome.files_sha256 = {k: sha256(folder / getattr(outcome, k)) for k in ("html", "ipynb")
                            if getattr(outcome, k) and (folder / getattr(outcome, k)).is_file()}
    if outcome.status == "ok" and outcome.fragment:
        (folder / BOOK_DIR).mkdir(exist_ok=True)
        (folder / BOOK_DIR / f"{outcome.anchor}.html").write_text(outcome.fragment, encoding="utf-8")
        outcome.files_sha256["article"] = hashlib.sha256(outcome.fragment.encode("utf-8")).hexdigest()
    path = folder / JOBS_DIR / f"{outcome.anchor}.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(outcome.record(), ensure_ascii=False, default=str), encoding="utf-8")
    os.replace(tmp, path)


#: Largest record of a run read back (bytes): a manifest of hundreds of jobs is a few MB.
MAX_RECORD_BYTES = 100_000_000


def _load_json(path: Path, what: str) -> dict:
    if path.is_symlink() or not path.is_file():  # a link to /dev/zero, a pipe: never read
        raise ParameterError(f"--resume: {path} is a link or not a regular file; a run's {what} is a file it wrote")
    if path.stat().st_size > MAX_RECORD_BYTES:
        raise ParameterError(f"--resume: {path} is {path.stat().st_size:,} bytes; a run's {what} is at most "
                             f"{MAX_RECORD_BYTES:,}")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ParameterError(f"--resume: {path} cannot be read as a run's {what}: {exc}") from None
    if not isinstance(doc, dict):
        raise ParameterError(f"--resume: {path} is not a run's {what}")
    return doc


def previous_run(folder: Path) -> tuple[dict, list[dict]]:
    """The record and the job outcomes of a published run or an interrupted (``.partial``) one.

    Raises
    ------
    ParameterError
        When the folder is neither, or its files are damaged.
    """
    folder = Path(folder)
    if (folder / "manifest.json").is_file():
        doc = _load_json(folder / "manifest.json", "manifest")
        jobs = doc.get("jobs")
    elif (folder / RUN_FILE).is_file():
        doc = _load_json(folder / RUN_FILE, "record")
        jobs = [_load_json(p, "job record") for p in sorted((folder / JOBS_DIR).glob("*.json"))]
    else:
        raise ParameterError(f"--resume {folder}: neither a published run (manifest.json) nor an interrupted "
                             f"one ({RUN_FILE}); give a folder under outputs/<briefing>/")
    if not isinstance(jobs, list) or not all(_job_record_ok(j) for j in jobs):
        raise ParameterError(f"--resume {folder}: its list of jobs is damaged")
    if not isinstance(doc.get("packages", {}), dict):
        raise ParameterError(f"--resume {folder}: its record of package versions is damaged")
    return doc, jobs


#: What a finished job's files may be called inside a run folder.
_PAGE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\.html$")
_NOTEBOOK = re.compile(r"^notebooks/[A-Za-z0-9][A-Za-z0-9._-]*\.ipynb$")


def _job_record_ok(rec) -> bool:
    """Whether a job record has the fields and types a run writes (file names inside the run)."""
    if not isinstance(rec, dict) or not isinstance(rec.get("job"), str) or not isinstance(rec.get("status"), str):
        return False
    if not isinstance(rec.get("parameters", {}), dict) or not isinstance(rec.get("results", {}), dict):
        return False
    if rec.get("html") and not (isinstance(rec["html"], str) and _PAGE.match(rec["html"])):
        return False
    if rec.get("ipynb") and not (isinstance(rec["ipynb"], str) and _NOTEBOOK.match(rec["ipynb"])):
        return False
    return isinstance(rec.get("anchor", ""), str) and ("/" not in rec.get("anchor", ""))


def differences(previous: dict, current: dict) -> list[str]:
    """What differs between a previous run's record and the run about to start."""
    out = []
    if previous.get("briefing_name") != current["briefing_name"]:
        out.append(f"it ran briefing {previous.get('briefing_name')!r}, not {current['briefing_name']!r}")
    elif previous.get("briefing_sha256") != current["briefing_sha256"]:
        out.append("the briefing file has changed since")
    if previous.get("input_hash") != current["input_hash"]:
        out.append(f"the input data have changed (input hash {previous.get('input_hash')} then, "
                   f"{current['input_hash']} now)")
    before, now = previous.get("packages") or {}, current["packages"]
    changed = sorted(k for k in now if before.get(k) != now[k])
    if changed:
        out.append("package versions differ: " + ", ".join(f"{k} {before.get(k)} → {now[k]}" for k in changed))
    return out


def stale_runs(parent: Path) -> list[Path]:
    """Interrupted runs of a briefing: staging folders whose process is gone."""
    stale = []
    for folder in sorted(Path(parent).glob(".*.partial")):
        try:
            pid = int(json.loads((folder / RUN_FILE).read_text(encoding="utf-8")).get("pid", 0))
        except (OSError, ValueError, TypeError, AttributeError, json.JSONDecodeError):
            pid = 0  # no readable record: not a live run either
        if not process_alive(pid):
            stale.append(folder)
    return stale


def copy_job(previous: Path, folder: Path, rec: dict) -> str:
    """Copy a finished job's page, notebook and book article; return the article."""
    for key in ("html", "ipynb"):
        if rec.get(key) and (previous / rec[key]).is_file() and not (previous / rec[key]).is_symlink():
            (folder / rec[key]).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(previous / rec[key], folder / rec[key])
    article = previous / BOOK_DIR / f"{rec.get('anchor', '')}.html"
    if article.is_symlink() or not article.is_file():
        return ""
    text = article.read_text(encoding="utf-8")
    sums = rec.get("files_sha256") if isinstance(rec.get("files_sha256"), dict) else {}
    return text if sums.get("article") == hashlib.sha256(text.encode("utf-8")).hexdigest() else ""


def _unchanged(previous: Path, rec: dict, keys: list[str]) -> bool:
    """Whether a finished job's files (``keys`` of its record) are regular files of the earlier run, not links,
    with the SHA-256 recorded when they were written; a job whose page was cut short, replaced or linked to
    another file runs again."""
    sums = rec.get("files_sha256") if isinstance(rec.get("files_sha256"), dict) else {}
    for key in keys:
        name, path = rec.get(key), previous / str(rec.get(key) or "")
        if not name or path.is_symlink() or not path.is_file() or sums.get(key) != sha256(path):
            return False
    return True


def reuse(previous: Path, specs: list[JobSpec]) -> tuple[list[JobSpec], list[JobOutcome]]:
    """Split jobs into those to run and those a previous run completed.

    A finished job's page and executed notebook are copied. An interrupted run also holds its
    book article and its tables; a published run keeps neither (its manifest names tables by
    reference), so they are made again from the executed notebook, as the page was made then
    (that run's id and input hash); nothing is computed again.
    """
    import nbformat


    previous_record, records = previous_run(previous)
    published = (previous / "manifest.json").is_file()
    done = {j["job"]: j for j in records if j.get("status") == "ok"}
    to_run, reused = [], []
    fields = set(JobOutcome.__dataclass_fields__)
    for spec in specs:
        rec = done.get(spec.name)
        # the job's own page and notebook, by the names the job gives them, each as written
        own = rec is not None and rec.get("html") == f"{spec.anchor}.html" \
            and rec.get("ipynb") == f"notebooks/{spec.anchor}.ipynb"
        if own and rec.get("parameters") == spec.parameters and _unchanged(previous, rec, ["html", "ipynb"]):
            outcome = JobOutcome(**{k: v for k, v in rec.items() if k in fields})
            outcome.fragment = copy_job(previous, Path(spec.folder), rec)
            if not published and not outcome.fragment:  # its book article is gone or not as written
                to_run.append(spec)
                continue
            if published:
                then = replace(spec, run_id=str(previous_record.get("run_id", "")),
                               input_hash=str(rec.get("input_hash") or previous_record.get("input_hash", "")))
                try:
                    nb = nbformat.read(Path(spec.folder) / rec["ipynb"], as_version=4)
                    render_outcome(then, nb, outcome, write=False)
                except Exception:  # noqa: BLE001 - a damaged saved notebook: the job runs again instead
                    to_run.append(spec)
                    continue
            outcome.reused = True
            reused.append(outcome)
        else:
            to_run.append(spec)
    return to_run, reused


#: Hidden folders of a run being assembled (records for ``--resume``, book articles, shared
#: computations); a published run has none of them.
STAGING_ONLY = (JOBS_DIR, BOOK_DIR, CACHE_DIR)
