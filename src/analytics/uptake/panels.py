"""Panels of notebook 03_uptake_scenarios: fan charts, the funnel, the scenarios compared, calibration, costs.

Every number is modelled: the eligible population, access and costs rest on modelled pack tables
and stated assumptions, the completion odds ratios on the UK Open University's learners. Counts are
rounded to two significant figures and each carries its band (10th–90th percentile of the draws).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..report.areas import check_region, in_region, where
from ..report.figures import localise, title
from ..report.panel import FrameResult, Panel, Reading
from ..report.session import builder
from ..report.views import TableView
from . import model
from .simulate import STAGES

#: Published funnel figures the model is compared with (REFERENCE_FIGURES, "MOOC and distance-course funnels").
HARVARDX_CERTIFIED_PCT = 5.13  # 43,196 certified of 841,687 registrations
MOOC_MEDIAN_COMPLETION_PCT = 12.6  # Jordan (2015), 221 MOOCs
COLOURS = {"enrolled": "#4c78a8", "active": "#72b7b2", "completed": "#54a24b", "certified": "#e45756"}


def sig(x: float, digits: int = 2) -> float:
    """``x`` rounded to ``digits`` significant figures (a modelled count is not known closer)."""
    return float(f"{x:.{digits}g}") if np.isfinite(x) and x != 0 else float(x)


def _run(pack, scenario: str, horizon: int, n_draws: int, seed: int):
    """The scenario's setup (made once per pack and scenario) and its national simulation."""
    s = model.setup_of(pack, scenario)
    return s, model.run(s, horizon, n_draws, seed)


def _area(pack, region: str) -> list[str] | None:
    return None if region == "all" else list(in_region(pack.districts, region)["district_code"])


def _band(tx, values: np.ndarray, pct: bool = False) -> dict:
    q = np.quantile(values, [0.1, 0.5, 0.9])
    return {"mid": sig(q[1]), "low": sig(q[0]), "high": sig(q[2])} if not pct else \
        {"mid": float(q[1]), "low": float(q[0]), "high": float(q[2])}


def _modelled(tx) -> str:
    return tx("uptake.modelled")


def fan_data(sim, area: list[str] | None, stage: str) -> list[dict]:
    """The data of a fan's two traces (the P10–P90 band, the P50 line), for drawing or for redrawing."""
    b = sim.bands(stage, area).round({"p10": 0, "p50": 0, "p90": 0})  # whole persons
    years = list(b["year"])
    return [{"x": years + years[::-1], "y": list(b["p90"]) + list(b["p10"][::-1])},
            {"x": years, "y": list(b["p50"]), "customdata": np.stack([b["p10"], b["p90"]], axis=1)}]


def fan_figure(tx, sim, area: list[str] | None, stage: str, text: str) -> go.Figure:
    """New entrants to ``stage`` a year: the P50 line in the P10–P90 band (persons a year)."""
    band, line = fan_data(sim, area, stage)
    name = tx(f"uptake.stage_{stage}")
    fig = go.Figure()
    fig.add_trace(go.Scatter(**band, fill="toself", fillcolor=COLOURS[stage], opacity=0.25, line={"width": 0},
                             hoverinfo="skip", showlegend=False, name=name))
    fig.add_trace(go.Scatter(**line, mode="lines+markers", name=name, showlegend=False, line={"color": COLOURS[stage]},
                             hovertemplate=f"{name}: %{{y:,.0f}} (%{{customdata[0]:,.0f}}–%{{customdata[1]:,.0f}})"
                                           "<extra></extra>"))
    fig.update_layout(template="plotly_white", height=360, xaxis_title=tx("uptake.year_axis"),
                      yaxis_title=tx("uptake.persons_year"), yaxis_rangemode="tozero", title=title(tx, text, True))
    return fig


def fan_figures(tx, sim, area: list[str] | None, texts: dict[str, str]) -> list[go.Figure]:
    """The fans of new enrolments and of completers, each on its own scale."""
    return [fan_figure(tx, sim, area, stage, texts[stage]) for stage in ("enrolled", "completed")]


def funnel_data(sim, area: list[str] | None) -> dict:
    """The data of the funnel's bars: P50 with P10–P90 whiskers, for drawing or for redrawing."""
    f = sim.funnel(area)[["p10", "p50", "p90"]].round()  # whole persons
    return {"y": f["p50"].to_numpy(), "customdata": np.stack([f["p10"], f["p90"]], axis=1),
            "error_y": {"type": "data", "symmetric": False, "array": (f["p90"] - f["p50"]).to_numpy(),
                        "arrayminus": (f["p50"] - f["p10"]).to_numpy()}}


def funnel_figure(tx, sim, area: list[str] | None, text: str) -> go.Figure:
    """The four stages over the horizon: P50 bars with P10–P90 whiskers (persons)."""
    names = [tx(f"uptake.stage_{st}") for st in STAGES]
    fig = go.Figure(go.Bar(x=names, **funnel_data(sim, area), marker_color=[COLOURS[st] for st in STAGES],
                           hovertemplate="%{x}: %{y:,.0f} (%{customdata[0]:,.0f}–%{customdata[1]:,.0f})<extra></extra>"))
    fig.update_layout(template="plotly_white", height=380, yaxis_title=tx("uptake.persons"), showlegend=False,
                      title=title(tx, text, True))
    return fig


@builder
def fan_panel(pack, region: str = "all", scenario: str = "baseline", horizon_years: int = 11,
              n_draws: int = 10_000, seed: int = 2027, language: str = "en") -> Panel:
    """Enrolments and completers a year, with their bands, over the horizon.

    Parameters
    ----------
    pack : analytics.packs.load.Pack
        The country pack.
    region : str
        ISO 3166-2 code of a region, or ``"all"``.
    scenario : str
        A named scenario of the pack's ``scenarios.yaml``.
    horizon_years : int
        Years from the start of online study, >= 1.
    n_draws : int
        Monte Carlo draws.
    seed : int
        Seed of the draws.
    language : str
        One of the pack's reader languages.

    Returns
    -------
    Panel
        Fan charts (persons a year: P50 line, P10–P90 band) of new enrolments and of completers; sentences
        on the horizon's totals and the peak year; ``result`` the bands by district, year and stage.
    """
    check_region(pack, region)
    tx = pack.texts(language)
    s, sim = _run(pack, scenario, horizon_years, n_draws, seed)
    area = _area(pack, region)
    place, named = where(tx, pack, region), tx(f"param.scenario.{scenario}")
    figs = fan_figures(tx, sim, area, {"enrolled": tx("uptake.fan_title", where=place, scenario=named),
                                       "completed": tx("uptake.fan_title_completed", where=place, scenario=named)})
    enrolled, completed = _band(tx, sim.total("enrolled", area)), _band(tx, sim.total("completed", area))
    bands = sim.bands("enrolled", area)
    peak = int(bands.loc[bands["p50"].idxmax(), "year"])  # the year of most new enrolments on the median path
    said = [tx("uptake.fan_sentence_1", where=place, years=horizon_years, enrolled=enrolled["mid"],
               low=enrolled["low"], high=enrolled["high"], peak=peak),
            tx("uptake.fan_sentence_2", completed=completed["mid"], low=completed["low"], high=completed["high"],
               draws=n_draws)]
    frame = pd.concat([sim.district_bands(st) for st in STAGES], ignore_index=True)
    if area is not None:
        frame = frame[frame["district_code"].isin(area)]
    reading = Reading({"enrolled": enrolled["mid"], "enrolled_low": enrolled["low"], "enrolled_high": enrolled["high"],
                       "completed": completed["mid"], "completed_low": completed["low"],
                       "completed_high": completed["high"]},
                      said + [_modelled(tx)], importance=3, modelled=True,
                      headline={"completed": tx("uptake.headline_completed")})
    return Panel(reading, figure=[localise(f, language) for f in figs], result=FrameResult(frame.reset_index(drop=True)))


@builder
def funnel_panel(pack, region: str = "all", scenario: str = "baseline", horizon_years: int = 11,
                 n_draws: int = 10_000, seed: int = 2027, language: str = "en") -> Panel:
    """The funnel: how many of those who enrol are active, complete and are certified, with bands.

    Parameters are those of :func:`fan_panel`.

    Returns
    -------
    Panel
        Bars (persons over the horizon, P50 with P10–P90 whiskers) of the four stages; sentences on the
        share of the enrolled who complete and the largest loss; ``result`` the stages' bands.
    """
    check_region(pack, region)
    tx = pack.texts(language)
    s, sim = _run(pack, scenario, horizon_years, n_draws, seed)
    area = _area(pack, region)
    place = where(tx, pack, region)
    fig = funnel_figure(tx, sim, area, tx("uptake.funnel_title", where=place, years=horizon_years))
    f = sim.funnel(area)
    enrolled, completed = sim.total("enrolled", area), sim.total("completed", area)
    active = sim.total("active", area)
    share = _band(tx, 100 * completed / enrolled, pct=True)
    lost = _band(tx, 100 * (1 - active / enrolled), pct=True)
    blended = pack.scenarios[scenario].uptake["blended"]
    said = [tx("uptake.funnel_sentence_1", where=place, share=share["mid"], low=share["low"], high=share["high"]),
            tx("uptake.funnel_sentence_2_blended" if blended else "uptake.funnel_sentence_2", lost=lost["mid"],
               low=lost["low"], high=lost["high"])]
    reading = Reading({"complete_pct": share["mid"], "complete_pct_low": share["low"],
                       "complete_pct_high": share["high"]}, said + [_modelled(tx)], importance=2, modelled=True)
    return Panel(reading, figure=localise(fig, language), result=FrameResult(f))


@builder
def comparison_panel(pack, region: str = "all", horizon_years: int = 11, n_draws: int = 10_000, seed: int = 2027,
                     language: str = "en") -> Panel:
    """Every scenario of the pack side by side, each number with its band.

    Parameters are those of :func:`fan_panel` (every scenario is run).

    Returns
    -------
    Panel
        A table: per scenario, enrolled, completers and certified in the area over the horizon, the
        urban–rural and female–male gaps in the share of the enrolled who complete (percentage points,
        national) and the cost per completer (USD, national, in-house development), each "P50 (P10–P90)";
        sentences on the scenario with the most completers and the lowest cost per completer;
        ``result`` the tidy comparison.
    """
    check_region(pack, region)
    tx = pack.texts(language)
    cmp = model.compare(pack, list(pack.scenarios), horizon_years, n_draws, seed, _area(pack, region))
    wide = {}
    for r in cmp.itertuples():
        digits = 1 if r.measure.endswith("_pp") else None
        text = (tx("uptake.band_pp", mid=r.p50, low=r.p10, high=r.p90) if digits
                else tx("uptake.band", mid=sig(r.p50), low=sig(r.p10), high=sig(r.p90)))
        wide.setdefault(r.scenario, {"scenario": tx(f"param.scenario.{r.scenario}")})[r.measure] = text
    table = pd.DataFrame(list(wide.values()))
    measures = ["enrolled", "completed", "certified", "urban_rural_gap_pp", "female_male_gap_pp", "usd_per_completer"]
    view = TableView(table, tx, {"scenario": tx("uptake.col_scenario"),
                                 **{m: tx(f"uptake.col_{m}") for m in measures}})
    mid = cmp.pivot(index="scenario", columns="measure", values="p50")
    best, cheap = mid["completed"].idxmax(), mid["usd_per_completer"].idxmin()
    b = cmp[(cmp.scenario == best) & (cmp.measure == "completed")].iloc[0]
    c = cmp[(cmp.scenario == cheap) & (cmp.measure == "usd_per_completer")].iloc[0]
    base = cmp[(cmp.scenario == "baseline") & (cmp.measure == "completed")].iloc[0] if "baseline" in mid.index else b
    said = [tx("uptake.compare_sentence_1", scenario=tx(f"param.scenario.{best}"), completed=sig(b.p50),
               low=sig(b.p10), high=sig(b.p90), baseline=sig(base.p50)),
            tx("uptake.compare_sentence_2", scenario=tx(f"param.scenario.{cheap}"), usd=sig(c.p50), low=sig(c.p10),
               high=sig(c.p90))]
    reading = Reading({}, said + [_modelled(tx)], importance=2, modelled=True)
    return Panel(reading, view=view, result=FrameResult(cmp))
