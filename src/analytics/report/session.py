"""A notebook in a live kernel: its text in the chosen language, maps drawn offline, and a
bar of drop-downs that redraws every panel in place.

In JupyterLab or Voilà a notebook is the specialist's own session. Three things make it
read like the page the batch exports:

* :func:`show_text` displays a section's heading and introduction from the catalogs in the
  notebook's language. The exported page renders the same output, so every sentence has one
  source (the catalog key).
* A panel with a map first displays the geo assets plotly.js would otherwise fetch from its
  CDN (an output marked :data:`GEO_MIME`; the exporter drops it, since a page supplies its own).
* :func:`explore` shows a bar of drop-downs over the notebook's declared parameters. A change
  calls every panel builder of the session again with the new values (builders are marked with
  :func:`builder`) and replaces the panels' outputs and the texts in place (IPython display ids).
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import re
from dataclasses import dataclass
from typing import Any

from ..core.kernel import in_voila, live

#: Mimetype of a section's text shown by :func:`show_text` (the exporter renders it as markdown).
TEXT_MIME = "application/vnd.analytics.text+json"
#: Mimetype of the geo assets a live map needs (the exporter leaves this output out).
GEO_MIME = "application/vnd.analytics.geo+json"
#: Mimetype of the values the widget bar shows (saved with the notebook: publishing compares them
#: with the parameters cell, so a page never claims parameters its charts were not drawn with).
STATE_MIME = "application/vnd.analytics.explored+json"

#: Drop-downs :func:`explore` offers, in this order, when the notebook declares them.
EXPLORED = ("region", "language", "scenario", "age_band", "content_profile", "role")


@dataclass
class Call:
    """One call of a panel builder in this kernel: the function and its arguments by name."""

    func: Any
    arguments: dict[str, Any]
    figure_slots: int = 1


_calls: dict[str, Call] = {}
_texts: dict[str, tuple[Any, str]] = {}  # display id -> (pack, catalog key)
_explored: tuple[str, ...] = ()


def _call_key(func, arguments: dict[str, Any]) -> str:
    """A key stable across re-runs of a cell: the builder's name and its arguments other than
    the pack and the explored parameters (those change when the bar does)."""
    fixed = {k: v for k, v in arguments.items() if k != "pack" and k not in _explored}
    digest = hashlib.sha256(repr(sorted(fixed.items(), key=lambda kv: kv[0])).encode()).hexdigest()[:8]
    return f"{func.__module__}.{func.__qualname__}-{digest}"


def builder(func=None, *, shared: bool = True):
    """Mark a panel builder: its panels get display ids, and :func:`explore` can call it again.

    The builder's parameters must carry the notebook parameters' names (``region``,
    ``language`` …) so that a changed value reaches it. In a batch run a builder's panel is rendered
    once for the same arguments and shown again by other pages (:func:`built`); ``shared=False`` marks a
    builder whose panel depends on more than its arguments (what the page has read so far), made on
    every call.
    """
    if func is None:
        return functools.partial(builder, shared=shared)
    signature = inspect.signature(func)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        if not live():
            return built(func, bound) if shared else func(*args, **kwargs)
        panel = func(*args, **kwargs)
        if panel is None:
            return panel
        key = _call_key(func, dict(bound.arguments))
        previous = _calls.get(key)
        _calls[key] = Call(func, dict(bound.arguments), previous.figure_slots if previous else 1)
        panel.display_key = key
        return panel

    return wrapper


def built(func, bound: inspect.BoundArguments):
    """A builder's panel outside a live session. In a batch run (a run cache folder is named) it is made
    and rendered (:meth:`~analytics.report.panel.Panel.prepare`) once per run for the same pack and
    arguments, the page's language included, and read back by every other job that asks (other
    scenarios' pages of the same area, other notebooks showing the same panel): arguments must be plain
    values (text, numbers, and tuples, lists or dicts of them), else the panel is made each time."""
    from ..core.cache import computed, folder

    pack = bound.arguments.get("pack")
    rest = tuple((k, v) for k, v in bound.arguments.items() if k != "pack")
    if folder() is None or pack is None or not all(_plain(v) for _, v in rest):
        return func(*bound.args, **bound.kwargs)

    def make():
        panel = func(*bound.args, **bound.kwargs)
        return panel if panel is None else panel.prepare()

    return computed(pack, f"panel:{func.__module__}.{func.__qualname__}", rest, make, rendering=True)


def _plain(value) -> bool:
    """Whether a value's ``repr`` says all it holds (keys of the run's cache)."""
    if value is None or isinstance(value, str | int | float | bool):
        return True
    if isinstance(value, tuple | list):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(_plain(k) and _plain(v) for k, v in value.items())
    return False


#: The output widget holding each display id's output in Voilà (see :func:`put`).
_slots: dict[str, Any] = {}


def put(out, display_id: str, update: bool = False, fresh: bool = False) -> None:
    """Show an output under a display id, or (``update``) replace what that id shows (the widget bar's
    redraw). ``fresh`` (charts): JupyterLab's plotly renderer never redraws a drawn chart, so an empty
    output replaces it first. Voilà does not apply ``update_display_data`` (its plotly renderer has no
    ``setData``): there each output lives in an output widget that a redraw clears and fills again.
    """
    from IPython.display import display, update_display

    raw = isinstance(out, dict)
    if in_voila():
        import ipywidgets
        from IPython.core.formatters import format_display_data

        data, metadata = (out, {}) if raw else format_display_data(out)
        slot = _slots.get(display_id)
        if slot is None or not update:
            slot = _slots[display_id] = ipywidgets.Output()
            display(slot)
        # set from the kernel (no capture by a page that may not be connected yet)
        slot.outputs = ({"output_type": "display_data", "data": data, "metadata": metadata},)
        return
    if not update:
        display(out, raw=raw, display_id=display_id)
        return
    if fresh:
        update_display({"text/html": "", "text/plain": ""}, raw=True, display_id=display_id)
    update_display(out, raw=raw, display_id=display_id)


def figure_slots(key: str, needed: int) -> int:
    """How many chart outputs a panel keeps (the most it has shown in this kernel, at least one)."""
    call = _calls.get(key)
    if call is None:
        return max(1, needed)
    call.figure_slots = max(call.figure_slots, needed, 1)
    return call.figure_slots


def geo_bundle() -> dict:
    """The output that gives plotly.js its geo base layers in a live notebook (no CDN)."""
    from .figures import geo_assets_js

    return {GEO_MIME: {}, "text/html": f"<script>{geo_assets_js()}</script>", "text/plain": ""}


def text_bundle(pack, key: str, language: str) -> dict:
    """The output of a section's text: its markdown in ``language``, keyed for the exporter."""
    texts = pack.texts(language) if pack is not None else _suite_texts(language)
    # "US$ 4.65 … US$ 0.07" must not become a formula in JupyterLab or Voilà: a markdown-escaped dollar
    # renders as a dollar there and in the exported page
    return {TEXT_MIME: {"key": key, "language": language}, "text/markdown": texts(key).replace("$", r"\$")}


def _suite_texts(language: str):
    from ..core.i18n import Texts

    return Texts(language)


def show_text(pack, key: str, language: str) -> None:
    """Display the heading and introduction of a section in the notebook's language.

    Parameters
    ----------
    pack : analytics.packs.load.Pack or None
        The country pack (for its names and any language it adds); None for the suite's
        catalogs only.
    key : str
        Catalog key of the text, e.g. ``"nb01.gaps"`` (markdown: a heading and a paragraph).
    language : str
        Language code (``en``, ``ru``, ``tg`` or one the pack adds).
    """
    if live():
        _texts[f"text-{key}"] = (pack, key)
    put(text_bundle(pack, key, language), f"text-{key}")


def explore(declaration, namespace: dict[str, Any]):
    """Show a bar of drop-downs over the notebook's parameters; a change redraws the panels in place.

    Parameters
    ----------
    declaration : analytics.core.declarations.Declaration
        The notebook's parameter declaration (``PARAMETERS``); a drop-down is offered for each
        declared parameter named in :data:`EXPLORED` (regions and languages from the pack).
    namespace : dict
        The notebook's ``globals()``; the chosen values are written back into it, so a cell
        run by hand afterwards uses them too.

    Returns
    -------
    ipywidgets.HBox or None
        The bar (drop-downs and a status line); None outside a live session (a batch run draws no bar).
    """
    if not live():
        return None
    import ipywidgets as widgets

    global _explored
    names = declaration.names()
    _explored = tuple(n for n in EXPLORED if n in names)
    pack = namespace.get("pack")
    boxes = {}
    for name in _explored:
        options = _options(declaration, name, pack, namespace.get("language", "en"))
        label = pack.texts(namespace.get("language", "en")).get(f"param.{name}", name) if pack else name
        boxes[name] = widgets.Dropdown(options=options, value=namespace[name], description=label,
                                       style={"description_width": "initial"},
                                       layout=widgets.Layout(width="auto", max_width="100%"))  # a phone
    status = widgets.HTML("")
    _show_state({n: namespace[n] for n in _explored})
    relabelling = []  # set while the bar relabels itself: option changes are not the user's

    def relabel(language: str) -> None:
        """Name every drop-down and its options in the session's new language (values kept)."""
        relabelling.append(True)
        try:
            for name, box in boxes.items():
                value = box.value  # new options reset the choice (a change ignored here): it is set back
                box.options = _options(declaration, name, pack, language)
                box.value = value
                box.description = pack.texts(language).get(f"param.{name}", name)
        finally:
            relabelling.clear()

    def changed(change):
        if relabelling:
            return
        values = {n: box.value for n, box in boxes.items()}
        status.value = "…"
        try:
            redraw(values, namespace)
            _show_state(values, update=True)
            if change.owner is boxes.get("language") and pack is not None:
                relabel(values["language"])
            status.value = ""
        except Exception as exc:  # shown in the bar, like any message, not as a traceback
            status.value = f"<span style='color:#a40000'>{type(exc).__name__}: {exc}</span>"

    for box in boxes.values():
        box.observe(changed, names="value")
    return widgets.HBox([*boxes.values(), status], layout=widgets.Layout(flex_flow="row wrap"))


def _show_state(values: dict[str, Any], update: bool = False) -> None:
    """The values the panels show, as a hidden output of the bar's cell (see :data:`STATE_MIME`)."""
    put({STATE_MIME: dict(values), "text/plain": ""}, "analytics-explored", update)


def _options(declaration, name: str, pack, language: str = "en") -> list[tuple[str, Any]]:
    """The values a drop-down offers, each with its name in the session's ``language`` where known."""
    param = next(p for p in declaration.params if p.name == name)
    texts = pack.texts(language) if pack is not None else _suite_texts(language)
    if param.source == "region" and pack is not None:
        codes = ["all", *pack.regions["region_code"]]
        return [(texts("index.national") if c == "all" else texts.get(f"region.{c}", c), c) for c in codes]
    if param.source == "scenario" and pack is not None:
        return [(texts.get(f"param.scenario.{n}", n), n) for n in pack.scenarios]
    if param.source == "language" and pack is not None:
        from ..core.numbers import language_name

        return [(language_name(lang), lang) for lang in pack.languages]
    return [(texts.get(f"param.{name}.{c}", re.sub(r"^(\d+)-(\d+)$", "\\1–\\2", str(c))), c)
            for c in (param.choices or ())]


def redraw(values: dict[str, Any], namespace: dict[str, Any]) -> None:
    """Call every panel builder of the session with ``values`` and replace its outputs in place.

    ``values`` are checked against nothing here: the drop-downs only offer declared values.
    """
    namespace.update(values)
    language = values.get("language", namespace.get("language", "en"))
    for display_id, (pack, key) in list(_texts.items()):
        put(text_bundle(pack, key, language), display_id, update=True)
    for key, call in list(_calls.items()):
        defaults = {k: p.default for k, p in inspect.signature(call.func).parameters.items()}
        # a panel handed from one builder to the next (a fitted model) was made with the old
        # values: the builder makes its own again
        arguments = {k: values.get(k, defaults.get(k) if hasattr(v, "display_key") else v)
                     for k, v in call.arguments.items()}
        panel = call.func(**arguments)
        panel.display_key = key
        panel.show(update=True)
