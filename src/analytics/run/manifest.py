"""The record of a run (``manifest.json``): jobs, parameters, timings, input hashes, versions, commit."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from ..core import paths
from ..packs.hashing import combined_hash

#: Packages whose versions every manifest records.
PACKAGES = ["analytics", "pandas", "numpy", "plotly", "statsmodels", "geopandas", "shapely",
            "pyproj", "papermill", "nbclient", "nbconvert", "ipykernel", "babel", "jinja2", "dask",
            "distributed"]


def package_versions() -> dict[str, str]:
    """Installed versions of the packages that shape the results."""
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def git_commit() -> str:
    """Commit of the project checkout, with ``+dirty`` when it has uncommitted changes."""
    root = paths.project_root()
    try:
        rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True,
                             timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return (rev or "unknown") + ("+dirty" if dirty else "")


def job_record(outcome, tables: dict | None = None) -> dict:
    """A job's outcome as the manifest records it: its tables by reference (CSV file and SHA-256), not their data.

    ``tables`` maps ``(anchor, table name)`` to ``{"csv": …, "sha256": …}``
    (:func:`analytics.publish.workbook.write_tables`).
    """
    rec = outcome.record()
    results = rec.get("results") or {}
    if results.get("tables"):
        rec["results"] = {**results, "tables": {name: (tables or {}).get((outcome.anchor, name), {})
                                                for name in results["tables"]}}
    return rec


def write_manifest(folder: Path, run_id: str, outcomes: list, hashes: dict[str, str],
                   extra: dict | None = None, tables: dict | None = None) -> Path:
    """Write ``manifest.json``: jobs with parameters, status, timings and tables (by reference); inputs; versions."""
    doc = {
        "run_id": run_id,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        **(extra or {}),
        "git_commit": git_commit(),
        "inputs": hashes,
        "input_hash": combined_hash(hashes),
        "packages": package_versions(),
        "jobs": [job_record(o, tables) for o in outcomes],
        "status": "ok" if all(o.status == "ok" for o in outcomes) else "failed",
    }
    path = folder / "manifest.json"
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    return path
