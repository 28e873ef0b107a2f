"""The uptake charts: fans of enrolments and completers, and the funnel (drawn by the panels and the sliders)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..report.figures import title, white_figure
from .simulate import STAGES

COLOURS = {"enrolled": "#4c78a8", "active": "#72b7b2", "completed": "#54a24b", "certified": "#e45756"}


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
    fig = white_figure()
    fig.add_trace(go.Scatter(**band, fill="toself", fillcolor=COLOURS[stage], opacity=0.25, line={"width": 0},
                             hoverinfo="skip", showlegend=False, name=name))
    fig.add_trace(go.Scatter(**line, mode="lines+markers", name=name, showlegend=False, line={"color": COLOURS[stage]},
                             hovertemplate=f"{name}: %{{y:,.0f}} (%{{customdata[0]:,.0f}}–%{{customdata[1]:,.0f}})"
                                           "<extra></extra>"))
    fig.update_layout(height=360, xaxis_title=tx("uptake.year_axis"),
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
    fig = white_figure(go.Bar(x=names, **funnel_data(sim, area), marker_color=[COLOURS[st] for st in STAGES],
                           hovertemplate="%{x}: %{y:,.0f} (%{customdata[0]:,.0f}–%{customdata[1]:,.0f})<extra></extra>"))
    fig.update_layout(height=380, yaxis_title=tx("uptake.persons"), showlegend=False,
                      title=title(tx, text, True))
    return fig
