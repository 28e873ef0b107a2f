"""Computations made once per briefing run and reused by every job that asks the same question.

A briefing renders each computation in several languages (the numbers are the same by design), and
the pages of several regions share national simulations. In a batch run the runner names a cache
folder (environment variable :data:`CACHE_ENV`, set for every job); a computation keyed by what it
depends on — the pack's content hash, a name, the arguments other than the language, and the
versions of the packages that compute it — is computed by the first job that asks and read by the
others, including jobs on other kernels and on Dask workers that share the folder. The folder lives
inside the run's staging folder and is removed when the run is published, so nothing is reused
across runs or across a changed input.

Outside a batch run (JupyterLab, Voilà, tests in process) nothing is cached: a session that edits a
pack's tables in memory always sees numbers computed from what it holds.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import pickle
from collections import OrderedDict
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

#: Environment variable naming the run's cache folder ("" or unset: no cache).
CACHE_ENV = "ANALYTICS_CACHE"

#: Results kept in this process's memory as well (the last few: a simulation is about 20 MB).
MEMORY_ITEMS = 8

T = TypeVar("T")

_memory: OrderedDict[str, Any] = OrderedDict()
_memory_of: list[Path] = []  # the run cache folder the results in memory came from
_stats: dict[str, list[str]] = {"computed": [], "reused": [], "rendered": [], "rendered_reused": []}


def folder() -> Path | None:
    """The run's cache folder, or None outside a batch run."""
    where = os.environ.get(CACHE_ENV, "")
    return Path(where) if where else None


@cache
def versions() -> str:
    """Versions of the packages that compute the cached results (part of every key)."""
    from importlib.metadata import PackageNotFoundError, version

    out = []
    for name in ("analytics", "numpy", "pandas", "scipy", "statsmodels"):
        try:
            out.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            out.append(f"{name}=-")
    return ";".join(out)


def key_of(pack, name: str, arguments: tuple) -> str:
    """The cache key of a computation: SHA-256 of the pack's content hash, the name, arguments and versions."""
    text = repr((pack.content_hash, name, arguments, versions()))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def computed(pack, name: str, arguments: tuple, compute: Callable[[], T], rendering: bool = False) -> T:
    """``compute()``, or its result from the run's cache when a job of this run made it already.

    Parameters
    ----------
    pack : analytics.packs.load.Pack
        The country pack the computation reads (its content hash is part of the key).
    name : str
        What is computed, e.g. ``"uptake.simulation"`` (recorded in the manifest).
    arguments : tuple
        Every argument the result depends on besides the pack, never the page's language; values
        must have a stable ``repr`` (strings, numbers, tuples).
    compute : callable
        Makes the result (picklable) when it is not cached.
    rendering : bool
        The result is a rendering in one language (a panel, its arguments holding the language), not
        a computation: a job's statistics count it apart (``rendered`` and ``rendered_reused``, so a
        page in another language that computed nothing is still served wholly from the cache), and it
        is never kept in this process's memory, where every reuse would return the same object (a job
        may change a panel it shows): each reuse reads a fresh copy from the folder.

    Returns
    -------
    object
        The result. Two kernels asking at once wait for one another: the first computes, the
        second reads (a lock file beside the result). The pack tables the computation read are
        kept with it and marked read on the pack (``pack.used``) whenever the result is reused,
        so a page lists the same inputs whether it computed or reused.
    """
    where = folder()
    if where is None:
        return compute()
    key = key_of(pack, name, arguments)
    label = f"{name}{arguments!r}"
    made, reused = ("rendered", "rendered_reused") if rendering else ("computed", "reused")
    if _memory_of != [where]:  # another run: what this process kept belongs to the run before
        _memory.clear()
        _memory_of[:] = [where]
    if key in _memory:
        _memory.move_to_end(key)
        _stats[reused].append(label)
        return _reuse(pack, _memory[key])
    where.mkdir(parents=True, exist_ok=True)
    path = where / f"{key}.pkl"
    with open(where / f"{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also when this process dies
        if path.is_file():
            with open(path, "rb") as fh:
                kept = pickle.load(fh)  # noqa: S301 - written by this run's own jobs, in its own folder
            _stats[reused].append(label)
            _reuse(pack, kept)
        else:
            kept = _compute(pack, compute)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            with open(tmp, "wb") as fh:
                pickle.dump(kept, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
            _stats[made].append(label)
    if rendering:
        return kept[0]
    _memory[key] = kept
    while len(_memory) > MEMORY_ITEMS:
        _memory.popitem(last=False)
    return kept[0]


def _compute(pack, compute: Callable[[], T]) -> tuple[T, frozenset]:
    """``compute()`` and the names of the pack tables it read (``pack.used`` gains them as well)."""
    outer = getattr(pack, "used", None)
    if outer is None:
        return compute(), frozenset()
    pack.used = set()
    try:
        value = compute()
    finally:
        inner = pack.used
        outer.update(inner)
        pack.used = outer
    return value, frozenset(inner)


def _reuse(pack, kept: tuple) -> Any:
    """A kept (result, tables read) pair's result, with its tables marked read on the pack."""
    if getattr(pack, "used", None) is not None:
        pack.used.update(kept[1])
    return kept[0]


def take_stats() -> dict[str, list[str]]:
    """What this process computed and reused since the last call (a job's share), and reset."""
    out = {k: list(v) for k, v in _stats.items()}
    for v in _stats.values():
        v.clear()
    return out
