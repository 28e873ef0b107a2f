"""Hashes of a pack's files: what a run read, so every number can be traced to its inputs."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..core import paths


def sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, hex."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def pack_hashes(pack_dir: Path) -> dict[str, str]:
    """SHA-256 of the metadata file and of every table file it lists, by relative path."""
    from .metadata import read_metadata

    meta = read_metadata(pack_dir)
    locales = sorted(str(p.relative_to(pack_dir)) for p in (pack_dir / "locales").glob("*.yaml"))
    files = ["pack.yaml", *[spec["path"] for spec in meta["tables"].values()], *locales]
    files += [f for f in ("assumptions.yaml", "scenarios.yaml") if (pack_dir / f).exists()]
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
