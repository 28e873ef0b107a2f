"""A live panel of sliders over the scenario's levers that redraws the fan chart and the funnel (JupyterLab only).

Exported pages leave the widgets out and show the notebook's static charts instead.
"""

from __future__ import annotations

import html
from dataclasses import replace

from ..core.kernel import live
from ..core.numbers import decimal, language_in
from ..report.areas import where
from ..report.figures import chart_bundles, localise
from ..report.session import builder
from .common import area_districts
from .figures import fan_data, fan_figures, funnel_data, funnel_figure
from .runs import Setup, run, setup_of
from .uncertain import Uncertain

#: The levers a slider moves: parameter name to (low, high, step) of the slider (shares 0–1).
SLIDERS = {"market_share": (0.1, 1.0, 0.05), "completion": (0.1, 0.9, 0.05),
           "offline_reach": (0.0, 1.0, 0.05)}


def moved(parameter: Uncertain, mode: float) -> Uncertain:
    """The same distribution moved so that its mode is ``mode`` (its width kept, clipped to 0–1)."""
    shift = mode - parameter.mode
    return replace(parameter, low=max(0.0, parameter.low + shift), mode=mode, high=min(1.0, parameter.high + shift))


def with_levers(s: Setup, modes: dict[str, float], recognised: bool, blended: bool, own_share: float,
                content: dict[str, float], own: str) -> Setup:
    """A setup with slider values: parameter modes, recognition, blended delivery and the courses in the
    country's own language.

    ``own_share`` (0–1) of courses are in the language ``own`` (the pack's ``national_language``); the
    rest keep the scenario's proportions of the other languages.
    """
    from .cells import language_match

    others = {k: v for k, v in content.items() if k != own}
    rest = sum(others.values()) or 1.0
    mix = {own: own_share, **{k: (1 - own_share) * v / rest for k, v in others.items()}}
    params = {**s.parameters, **{k: moved(s.parameters[k], v) for k, v in modes.items()}}
    return replace(s, parameters=params, recognised=recognised, blended=blended, match=language_match(s.cells, mix))


def recompute(pack, s: Setup, region: str, horizon_years: int, n_draws: int, seed: int, language: str,
              figures: list | None = None) -> list:
    """The two fan charts and the funnel for a (moved) setup: what one slider move costs.

    With ``figures`` (the charts of an earlier call) only their data are replaced, which is much
    quicker than drawing them anew.
    """
    tx = pack.texts(language)
    sim = run(s, horizon_years, n_draws, seed)
    area, place = area_districts(pack, region), where(tx, pack, region)
    if figures is None:
        return [*fan_figures(tx, sim, area, {"enrolled": tx("uptake.explore_fan_title", where=place),
                                             "completed": tx("uptake.explore_fan_title_completed", where=place)}),
                localise(funnel_figure(tx, sim, area, tx("uptake.funnel_title", where=place, years=horizon_years)),
                         language)]
    for fig, stage in zip(figures[:2], ("enrolled", "completed"), strict=True):
        for trace, data in zip(fig.data, fan_data(sim, area, stage), strict=True):
            trace.update(data)
    figures[2].data[0].update(funnel_data(sim, area))
    return figures


@builder
def sliders(pack, region: str = "all", scenario: str = "baseline", horizon_years: int = 11, n_draws: int = 10_000,
            seed: int = 2027, language: str = "en"):
    """Sliders over the scenario's levers; every move redraws the fan chart and the funnel below them.

    Parameters are those of :func:`~analytics.uptake.panels.fan_panel`. A builder of the session: the
    widget bar's region, scenario and language make the sliders and their charts anew.

    Returns
    -------
    Sliders or None
        Outside a live session, nothing. In one, the sliders, two check boxes (recognised certificates,
        blended delivery) and the three charts, which every move replaces in place.
    """
    if not live():  # a batch run draws no sliders: its page would drop them
        return None
    return Sliders(pack, region, scenario, horizon_years, n_draws, seed, language)


class Sliders:
    """The live sliders of :func:`sliders` and the charts they redraw (displayed by :meth:`show`)."""

    def __init__(self, pack, region: str, scenario: str, horizon_years: int, n_draws: int, seed: int,
                 language: str):
        import ipywidgets as widgets

        self.pack, self.region, self.language = pack, region, language
        self.run_args = (horizon_years, n_draws, seed)
        tx = pack.texts(language)
        self.base = setup_of(pack, scenario)
        self.content = pack.scenarios[scenario].uptake["content_languages"]
        # each slider's name is a line of its own above it (a long Tajik name wraps instead of running past the
        # edge or squeezing the slider); the slider keeps it as its tooltip
        layout = widgets.Layout(flex="1 1 auto", width="auto")  # the row's width, less the value beside it
        self.levers = {k: widgets.FloatSlider(value=self.base.parameters[k].mode, min=lo, max=hi, step=step,
                                              layout=layout, tooltip=tx(f"uptake.lever_{k}"), continuous_update=False,
                                              readout=False)
                       for k, (lo, hi, step) in SLIDERS.items()}
        # the country's own language of instruction (pack.yaml), else the first course language
        self.own = pack.meta.get("national_language") or next(iter(self.content))
        self.own_share = widgets.FloatSlider(value=self.content.get(self.own, 0.0), min=0, max=1, step=0.05,
                                             layout=layout, continuous_update=False, readout=False,
                                             tooltip=tx("uptake.lever_own_language",
                                                        name=language_in(self.own, language)))
        self.recognised = widgets.Checkbox(value=self.base.recognised, description=tx("uptake.lever_recognised"),
                                           indent=False, layout=widgets.Layout(width="auto"))  # whole on a phone
        self.blended = widgets.Checkbox(value=self.base.blended, description=tx("uptake.lever_blended"), indent=False,
                                       layout=widgets.Layout(width="auto"))
        # TV and offline packages reach learners only through blended delivery: the slider waits for its box
        self.offline_note = widgets.HTML(f"<small>{html.escape(tx('uptake.lever_offline_needs_blended'))}</small>")
        def named(slider):
            # the value beside the slider in the reader's numbers (ipywidgets' own readout always writes "0.35")
            readout = widgets.HTML(decimal(slider.value, 2, language))
            slider.observe(lambda change: setattr(readout, "value", decimal(change["new"], 2, language)), names="value")
            row = widgets.HBox([slider, readout], layout=widgets.Layout(width="100%", max_width="540px"))
            return widgets.VBox([widgets.HTML(html.escape(slider.tooltip)), row])

        self.box = widgets.VBox([widgets.HTML(f"<b>{html.escape(tx('uptake.explore_heading'))}</b>"),
                                 *map(named, self.levers.values()), self.offline_note, named(self.own_share),
                                 widgets.HBox([self.recognised, self.blended],
                                              layout=widgets.Layout(flex_flow="row wrap"))])  # two lines on a phone
        self._follow_blended()
        self.drawn: list = []
        for w in [*self.levers.values(), self.own_share, self.recognised, self.blended]:
            w.observe(self._moved, names="value")

    def _follow_blended(self) -> None:
        self.levers["offline_reach"].disabled = not self.blended.value
        self.offline_note.layout.display = None if not self.blended.value else "none"

    def _moved(self, _=None) -> None:
        self._follow_blended()
        self._draw(update=True)

    def _draw(self, update: bool) -> None:
        from ..report.session import put

        s = with_levers(self.base, {k: w.value for k, w in self.levers.items()}, self.recognised.value,
                        self.blended.value, self.own_share.value, self.content, self.own)
        self.drawn[:] = recompute(self.pack, s, self.region, *self.run_args, self.language, self.drawn or None)
        key = getattr(self, "display_key", "uptake-sliders")
        for i, fig in enumerate(self.drawn):
            heading, chart = chart_bundles(localise(fig, self.language))
            put(heading, f"{key}-title-{i}", update)
            put(chart, f"{key}-figure-{i}", update, fresh=True)

    def _ipython_display_(self):
        self.show()

    def show(self, update: bool = False) -> None:
        """Display the sliders and their three charts, or (``update``) replace those shown."""
        from ..report.session import put

        self.drawn = []
        put(self.box, f"{getattr(self, 'display_key', 'uptake-sliders')}-controls", update)
        self._draw(update)
