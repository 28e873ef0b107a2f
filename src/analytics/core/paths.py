"""The one place that knows where things are.

The project root is found from the environment variable ``ANALYTICS_ROOT`` when set,
else by walking up from this file to the folder holding ``pyproject.toml`` (the package
is installed editable, so this is the checkout). Every other module asks here.
"""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    """Return the root folder of the project checkout."""
    env = os.environ.get("ANALYTICS_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").exists() and (parent / "data").is_dir():
            return parent
    return Path.cwd().resolve()


def data_root() -> Path:
    """Folder holding one sub-folder per country pack (``data/<iso3>/``).

    ``ANALYTICS_DATA`` overrides it, for example to run the notebooks on a ministry's
    own copy of a pack.
    """
    env = os.environ.get("ANALYTICS_DATA")
    return Path(env).resolve() if env else project_root() / "data"


def pack_dir(country: str, root: Path | str | None = None) -> Path:
    """Folder of the country pack ``country`` (lower-case ISO3), under ``root`` if given."""
    base = Path(root) if root is not None else data_root()
    return base / country.lower()


def notebooks_dir() -> Path:
    """Folder of the parameterised notebooks."""
    return project_root() / "notebooks"


def outputs_root() -> Path:
    """Folder under which every run publishes its outputs (git-ignored)."""
    env = os.environ.get("ANALYTICS_OUTPUTS")
    return Path(env).resolve() if env else project_root() / "outputs"

def recorded(path: Path | str) -> str:
    """How a run's manifest names a file the user gave: relative to the project root when inside it, else by
    its file name only (a published manifest names no folder of the machine that made it)."""
    path = Path(path).resolve()
    try:
        return path.relative_to(project_root()).as_posix()
    except ValueError:
        return path.name


def from_record(name: str) -> Path:
    """The file a manifest's :func:`recorded` name points at (relative names are read from the project root)."""
    return project_root() / name


def fingerprint(*files: Path) -> tuple:
    """Size and modification time of files (or of every file in a folder): a key for caching what is read from them."""
    out = []
    for f in files:
        f = Path(f)
        for p in (sorted(f.iterdir()) if f.is_dir() else [f]):
            try:
                st = p.stat()
                out.append((str(p), st.st_size, st.st_mtime_ns))
            except OSError:
                out.append((str(p), -1, -1))
    return tuple(out)
