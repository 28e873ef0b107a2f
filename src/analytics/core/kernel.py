"""The kernel a notebook runs in: a specialist's live session or a batch run, and what stops a live run.

JupyterLab's Run All sends every cell to the kernel at once. When a cell fails, the kernel drops
the cells already waiting, but cells that arrive a moment later still run: on a refused parameter
they drew charts from the refused value or from an earlier run, or added a second error
(jupyter/jupyter_client#569). So in a live session an error the user caused
(:class:`~analytics.core.errors.AnalyticsError`) *halts* the notebook: every later cell is
skipped (the first skipped cell says so, in one line) until the notebook's set-up cell runs again
and its checks pass. The parameters cell itself (plain assignments) still runs, so fixing a value
and choosing Run All again is all it takes. Batch runs stop at the first error on their own
(papermill) and are not touched.
"""

from __future__ import annotations

import ast
import os

#: Set by the briefing runner in its kernels: a batch run draws no widgets and keeps no registry.
BATCH_ENV = "ANALYTICS_BATCH"
#: A cell holding this call is a notebook's set-up cell: it runs while halted (its checks run again).
SETUP_CALL = "check_parameters("

#: Whether the notebook is halted, the cell that said so (IPython may transform a cell twice) and its language.
_state = {"halted": False, "noted": None, "language": "en", "checked": {}}


def live() -> bool:
    """Whether this is a specialist's live session (a Jupyter kernel that is not a batch run's).

    Only a live session keeps the registries of builders and texts that the drop-downs redraw, and
    draws the drop-downs and sliders: a batch kernel, or plain Python, does neither.
    """
    return _shell() is not None


def in_voila() -> bool:
    """Whether this kernel serves a Voilà dashboard (Voilà puts these in its kernels' environment)."""
    return bool(os.environ.get("VOILA_BASE_URL") or os.environ.get("VOILA_KERNEL_ID"))


def _shell():
    """The live session's IPython shell, or None (plain Python, a batch kernel)."""
    if os.environ.get(BATCH_ENV):
        return None
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with the suite
        return None
    shell = get_ipython()
    return shell if shell is not None and getattr(shell, "kernel", None) is not None else None


def watch() -> None:
    """In a live session, halt the notebook at the first error the user caused (once per kernel)."""
    shell = _shell()
    if shell is None or getattr(shell, "_analytics_watch", False):
        return
    from .errors import AnalyticsError

    shell.set_custom_exc((AnalyticsError,), _on_error)
    shell.input_transformers_post.append(_skip_while_halted)
    shell._analytics_watch = True


def clear(checked: dict | None = None) -> None:
    """The set-up's checks passed: later cells run again. ``checked``: the parameter values that passed (the
    values the notebook's outputs are computed from, recorded with its results)."""
    _state.update(halted=False, noted=None, checked=dict(checked or {}))


def checked() -> dict:
    """The parameter values the set-up cell last checked in this kernel (empty before it runs)."""
    return dict(_state["checked"])


def _on_error(shell, etype, value, tb, tb_offset=None):
    """IPython's handler for an AnalyticsError: show it as usual (one line), then halt."""
    language = shell.user_ns.get("language")
    _state.update(halted=True, noted=None, language=language if isinstance(language, str) else "en")
    shell.showtraceback((etype, value, tb), tb_offset=tb_offset)


def _skip_while_halted(lines: list[str]) -> list[str]:
    """IPython input transformer: while halted, a cell other than the set-up and the parameters is empty."""
    if not _state["halted"]:
        return lines
    code = "".join(lines)
    if SETUP_CALL in code or _assignments_only(code):
        return lines
    if _state["noted"] not in (None, code):
        return []
    _state["noted"] = code
    return [f"print({_note(_state['language'])!r})\n"]


def _assignments_only(code: str) -> bool:
    """Whether a cell only assigns plain values (a parameters cell)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return False
    return bool(tree.body) and all(isinstance(node, ast.Assign | ast.AnnAssign) for node in tree.body)


def _note(language: str) -> str:
    from . import i18n
    from .errors import AnalyticsError

    try:
        return i18n.Texts(language)("session.halted")
    except (KeyError, AnalyticsError):  # a refused language: say it in English
        return i18n.Texts("en")("session.halted")
