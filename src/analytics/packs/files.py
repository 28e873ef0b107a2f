"""A pack's own text files (``pack.yaml``, ``assumptions.yaml``, ``scenarios.yaml``, ``locales/``), read safely.

A contributed pack is untrusted: a file that is a symbolic link (or lies under one), that leads
outside the pack's folder, or that is larger than :data:`MAX_BYTES` is refused before it is read,
and the refusal names the file, never its contents.
"""

from __future__ import annotations

from pathlib import Path

from ..core.errors import DataError, Problem

#: Largest pack text file read (bytes): the shipped ones are under 60 KB.
MAX_BYTES = 1_000_000


def problem(pack: Path, path: Path) -> str | None:
    """Why ``path`` (a file of the pack ``pack``) may not be read, or None."""
    pack, path = Path(pack), Path(path)
    here = path
    while True:  # the file and every folder between it and the pack
        if here.is_symlink():
            return "is a symbolic link or lies in a linked folder; a pack's files must be plain files inside it"
        if here.parent == here or here == pack or here.parent == pack:
            break
        here = here.parent
    if not path.resolve().is_relative_to(pack.resolve()):
        return "leads outside the pack folder; a pack's files must be inside it"
    if path.exists() and not path.is_file() and not path.is_dir():  # a pipe would block the reader
        return "is not a regular file (a pipe or a device); a pack's files must be plain files"
    if path.is_file() and path.stat().st_size > MAX_BYTES:
        return f"is {path.stat().st_size:,} bytes; a pack's text files are at most {MAX_BYTES:,}"
    return None


def read_text(pack: Path, path: Path, label: str) -> str:
    """The text of a pack file, after :func:`problem` (a :class:`DataError` naming ``label`` if refused)."""
    why = problem(pack, path)
    if why:
        raise DataError([Problem(label, why)])
    return Path(path).read_text(encoding="utf-8")
