"""Panels of notebook 03 on what the model rests on and what it costs: the calibration, MOOC figures, costs."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..report.areas import check_region, where
from ..report.figures import localise, title
from ..report.panel import Panel, Reading
from ..report.session import builder
from ..report.views import TableView
from . import model
from .calibration import CARRIED
from .costs import ROUTES
from .panels import HARVARDX_CERTIFIED_PCT, MOOC_MEDIAN_COMPLETION_PCT, _band, _modelled, _run, sig


@builder
def calibration_panel(pack, scenario: str = "baseline", horizon_years: int = 11, n_draws: int = 10_000,
                      seed: int = 2027, language: str = "en") -> Panel:
    """The completion logit fitted on the Open University's learners, and the model beside published MOOC figures.

    Parameters are those of :func:`~analytics.uptake.panels.fan_panel` (national: the calibration
    and the comparison do not depend on the region).

    Returns
    -------
    Panel
        Bars (percent) of the modelled share of the enrolled who complete and who are certified (with
        bands), OULAD's success rate, HarvardX/MITx's certification rate and the median MOOC completion
        rate; a table of the odds ratios carried into the funnel with 95 % intervals; sentences on the
        calibration and on the comparison; ``result`` every odds ratio of the logit.
    """
    tx = pack.texts(language)
    s, sim = _run(pack, scenario, horizon_years, n_draws, seed)
    cal = s.calibration
    enrolled = sim.total("enrolled")
    done = _band(tx, 100 * sim.total("completed") / enrolled, pct=True)
    cert = _band(tx, 100 * sim.total("certified") / enrolled, pct=True)
    counts = cal.counts.set_index("final_result")["students"]
    oulad = 100 * (counts["Pass"] + counts["Distinction"]) / counts.sum()
    bars = [(tx("uptake.cmp_model_complete"), done["mid"], done), (tx("uptake.cmp_model_certified"), cert["mid"], cert),
            (tx("uptake.cmp_oulad"), oulad, None), (tx("uptake.cmp_harvardx"), HARVARDX_CERTIFIED_PCT, None),
            (tx("uptake.cmp_mooc_median"), MOOC_MEDIAN_COMPLETION_PCT, None)]
    fig = go.Figure()
    for rows, colours, name in ((bars[:2], ["#54a24b", "#e45756"], tx("uptake.this_model")),
                                (bars[2:], ["#9d755d", "#bab0ac", "#bab0ac"], tx("uptake.published"))):
        banded = rows[0][2] is not None
        fig.add_trace(go.Bar(y=[b[0] for b in rows], x=[b[1] for b in rows], orientation="h", name=name,
                             marker_color=colours, hovertemplate="%{y}: %{x:.1f} %<extra></extra>",
                             error_x={"type": "data", "symmetric": False, "array": [b[2]["high"] - b[1] for b in rows],
                                      "arrayminus": [b[1] - b[2]["low"] for b in rows]} if banded else None))
    fig.update_layout(template="plotly_white", height=360, xaxis_title=tx("uptake.percent_enrolled"),
                      yaxis={"autorange": "reversed", "automargin": True}, showlegend=True, barmode="overlay",
                      legend={"orientation": "h", "y": -0.25}, title=title(tx, tx("uptake.cmp_title"), True))
    ors = cal.odds_ratios().set_index("term").loc[list(CARRIED)].reset_index()
    ors["term"] = [tx(f"uptake.term_{t}") for t in ors["term"]]
    view = TableView(ors, tx, {"term": tx("uptake.col_term"), "odds_ratio": tx("uptake.col_odds_ratio"),
                               "or_low": tx("uptake.col_or_low"), "or_high": tx("uptake.col_or_high")},
                     {"odds_ratio": 2, "or_low": 2, "or_high": 2})
    richest = float(np.exp(cal.params["imd_fifth_5"]))
    said = [tx("uptake.cal_sentence_1", n=cal.n, records=int(counts.sum()), passed=int(counts["Pass"]),
               distinction=int(counts["Distinction"]), fail=int(counts["Fail"]), withdrawn=int(counts["Withdrawn"]),
               odds=richest),
            tx("uptake.cal_sentence_2", done=done["mid"], done_low=done["low"], done_high=done["high"],
               cert=cert["mid"], cert_low=cert["low"], cert_high=cert["high"], harvardx=HARVARDX_CERTIFIED_PCT,
               mooc=MOOC_MEDIAN_COMPLETION_PCT)]
    reading = Reading({"certified_pct": cert["mid"], "certified_pct_low": cert["low"],
                       "certified_pct_high": cert["high"]}, said + [_modelled(tx)], importance=1, modelled=True)
    return Panel(reading, figure=localise(fig, language), view=view, result=cal)


@builder
def cost_panel(pack, region: str = "all", scenario: str = "baseline", horizon_years: int = 11,
               n_draws: int = 10_000, seed: int = 2027, language: str = "en") -> Panel:
    """Cost per completer by course-development route, and how many completers a budget buys.

    Parameters are those of :func:`~analytics.uptake.panels.fan_panel`; costs are national (courses
    are built once for every region).

    Returns
    -------
    Panel
        Bars (USD per completer, P50 with P10–P90 whiskers) for in-house, outsourced and open-resource
        development; sentences on the cheapest route and on what the pack's budget buys; ``result`` the
        cost bands by route and measure.
    """
    check_region(pack, region)
    tx = pack.texts(language)
    s, sim = _run(pack, scenario, horizon_years, n_draws, seed)
    c = model.run_costs(s, sim)
    f = c.to_frame()
    per = f[f["measure"] == "per_completer_usd"].set_index("route").loc[list(ROUTES)]
    names = [tx(f"uptake.route_{r}") for r in per.index]
    fig = go.Figure(go.Bar(x=names, y=per["p50"], marker_color=["#4c78a8", "#f58518", "#54a24b"],
                           error_y={"type": "data", "symmetric": False, "array": per["p90"] - per["p50"],
                                    "arrayminus": per["p50"] - per["p10"]},
                           customdata=np.stack([per["p10"], per["p90"]], axis=1),
                           hovertemplate="%{x}: %{y:,.0f} (%{customdata[0]:,.0f}–%{customdata[1]:,.0f})<extra></extra>"))
    fig.update_layout(template="plotly_white", height=380, yaxis_title=tx("uptake.usd_per_completer"),
                      showlegend=False, title=title(tx, tx("uptake.cost_title", years=horizon_years), True))
    cheapest = per["p50"].idxmin()
    low = per.loc[cheapest]
    at = f[f["route"] == cheapest].set_index("measure")
    buys, dev, per_head = (at.loc[m] for m in ("completers_for_budget", "development_usd", "delivery_per_completer_usd"))
    dear = per.loc[per["p50"].idxmax()]
    said = [tx("uptake.cost_sentence_1", route=tx(f"uptake.route_{cheapest}"), usd=sig(low.p50), low=sig(low.p10),
               high=sig(low.p90), dearest=tx(f"uptake.route_{per['p50'].idxmax()}"), dear=sig(dear.p50),
               dear_low=sig(dear.p10), dear_high=sig(dear.p90))]
    costs_of = {"development": sig(dev.p50), "dev_low": sig(dev.p10), "dev_high": sig(dev.p90)}
    if buys.p50 > 0:  # the budget covers the development in most draws
        said.append(tx("uptake.cost_sentence_2", budget=c.budget_usd, completers=sig(buys.p50), low=sig(buys.p10),
                       high=sig(buys.p90), **costs_of))
    else:
        said.append(tx("uptake.cost_sentence_2_short", budget=c.budget_usd, delivery=sig(per_head.p50),
                       del_low=sig(per_head.p10), del_high=sig(per_head.p90), **costs_of))
    if region != "all":
        said.append(tx("uptake.cost_national", where=where(tx, pack, region)))
    reading = Reading({"usd_per_completer": sig(low.p50), "usd_per_completer_low": sig(low.p10),
                       "usd_per_completer_high": sig(low.p90)}, said + [_modelled(tx)], importance=1, modelled=True)
    return Panel(reading, figure=localise(fig, language), result=c)

