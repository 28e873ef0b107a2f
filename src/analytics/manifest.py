"""Provenance of a run: input file hashes, package versions, git commit."""

from __future__ import annotations

import hashlib
import subprocess
from importlib import metadata
from pathlib import Path

from . import paths

#: Packages whose versions every manifest records.
PACKAGES = ["analytics", "pandas", "numpy", "plotly", "statsmodels", "geopandas", "shapely",
            "pyproj", "papermill", "nbclient", "nbconvert", "ipykernel", "dask", "distributed"]


def sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, hex."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def pack_hashes(pack_dir: Path) -> dict[str, str]:
    """SHA-256 of the metadata file and of every table file it lists, by relative path."""
    from .data import read_metadata

    meta = read_metadata(pack_dir)
    files = ["pack.yaml"] + [spec["path"] for spec in meta["tables"].values()]
    root = paths.project_root()
    out = {}
    for rel in files:
        p = pack_dir / rel
        try:
            key = str(p.resolve().relative_to(root))
        except ValueError:
            key = str(p)
        out[key] = sha256(p) if p.exists() else "missing"
    return out


def combined_hash(hashes: dict[str, str]) -> str:
    """One short hash standing for a set of input files (first 12 hex digits)."""
    h = hashlib.sha256()
    for k in sorted(hashes):
        h.update(f"{k}={hashes[k]}\n".encode())
    return h.hexdigest()[:12]


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
