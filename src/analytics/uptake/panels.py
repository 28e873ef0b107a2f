"""Panels of notebook 03_uptake_scenarios: fan charts, the funnel, the scenarios compared, calibration, costs.

Every number is modelled: the eligible population, access and costs rest on modelled pack tables
and stated assumptions, the completion odds ratios on the UK Open University's learners. Counts are
rounded to two significant figures and each carries its band (10th–90th percentile of the draws).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..report.areas import check_region, where
from ..report.figures import localise, title, white_figure
from ..report.panel import Panel, Reading, answer
from ..report.sentences import modelled_note, price_point_note
from ..report.session import builder
from ..report.views import TableView
from . import runs
from .calibration import CARRIED
from .common import (
    HARVARDX_CERTIFIED_PCT,
    MOOC_MEDIAN_COMPLETION_PCT,
    area_districts,
    band,
    sig,
)
from .course_costs import ROUTES
from .favoured import cheapest_costed, favoured, uncosted_measures
from .figures import fan_figures, funnel_figure
from .simulate import Funnel


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
    s, sim = runs.simulation(pack, scenario, horizon_years, n_draws, seed)
    area = area_districts(pack, region)
    place, named = where(tx, pack, region), tx(f"param.scenario.{scenario}")
    figs = fan_figures(tx, sim, area, {"enrolled": tx("uptake.fan_title", where=place, scenario=named),
                                       "completed": tx("uptake.fan_title_completed", where=place, scenario=named)})
    enrolled, completed = band(sim.total("enrolled", area)), band(sim.total("completed", area))
    bands = sim.bands("enrolled", area)
    peak = int(bands.loc[bands["p50"].idxmax(), "year"])  # the year of most new enrolments on the median path
    said = [tx("uptake.fan_sentence_1", where=place, years=horizon_years, enrolled=enrolled["mid"],
               low=enrolled["low"], high=enrolled["high"], peak=peak),
            tx("uptake.fan_sentence_2", completed=completed["mid"], low=completed["low"], high=completed["high"],
               draws=n_draws)]
    eligible, able = runs.eligible_and_able(s, sim, area)  # for scale: the people these counts come from
    said.append(tx("uptake.fan_context", where=place, part_time=sig(runs.part_time_today(s, area)),
                   eligible=sig(eligible), able=sig(able)))
    reading = Reading({"enrolled": enrolled["mid"], "enrolled_low": enrolled["low"], "enrolled_high": enrolled["high"],
                       "completed": completed["mid"], "completed_low": completed["low"],
                       "completed_high": completed["high"]},
                      said + modelled_note(pack, tx, "uptake.modelled"), importance=3, modelled=True, grade="modelled",
                      headline={"completed": tx("uptake.headline_completed")})
    return Panel(reading, figure=[localise(f, language) for f in figs], result=runs.district_bands(pack, scenario, horizon_years, n_draws, seed, area))


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
    s, sim = runs.simulation(pack, scenario, horizon_years, n_draws, seed)
    area = area_districts(pack, region)
    place = where(tx, pack, region)
    fig = funnel_figure(tx, sim, area, tx("uptake.funnel_title", where=place, years=horizon_years))
    f = sim.funnel(area)
    enrolled, completed = sim.total("enrolled", area), sim.total("completed", area)
    share = band(100 * completed / enrolled, pct=True)
    blended = pack.scenarios[scenario].uptake["blended"]
    eligible, able = runs.eligible_and_able(s, sim, area)
    said = [tx("uptake.funnel_sentence_1", where=place, share=share["mid"], low=share["low"], high=share["high"]),
            tx("uptake.funnel_sentence_2_blended" if blended else "uptake.funnel_sentence_2", where=place,
               eligible=sig(eligible), able=sig(able), reach=100 * s.parameters["offline_reach"].mode)]
    said += price_point_note(pack, tx, pack.scenario(scenario).connectivity)  # the uptake model's data price
    reading = Reading({"complete_pct": share["mid"], "complete_pct_low": share["low"],
                       "complete_pct_high": share["high"]}, said + modelled_note(pack, tx, "uptake.modelled"), importance=2, modelled=True)
    return Panel(reading, figure=localise(fig, language), result=Funnel(f))


@builder
def comparison_panel(pack, region: str = "all", horizon_years: int = 11, n_draws: int = 10_000, seed: int = 2027,
                     language: str = "en") -> Panel:
    """Every scenario of the pack side by side, each number with its band.

    Parameters are those of :func:`fan_panel` (every scenario is run).

    Returns
    -------
    Panel
        A table, the scenario with the most completers first: per scenario, enrolled, completers and
        certified in the area over the horizon, the urban–rural and female–male gaps in the share of the
        enrolled who complete (percentage points, national), the cost per completer and the programme's
        whole cost over the horizon (USD, national, in-house development), each "P50 (P10–P90)";
        sentences on the scenario with the most completers and the lowest cost per completer among
        those whose costs are all counted, and the choices the numbers favour
        (:func:`~analytics.uptake.favoured.favoured`);
        ``result`` the tidy comparison.
    """
    check_region(pack, region)
    tx = pack.texts(language)
    comparison = runs.compare(pack, list(pack.scenarios), horizon_years, n_draws, seed, area_districts(pack, region))
    cmp = comparison.frame
    wide = {}
    for r in cmp.itertuples():
        if r.measure.endswith("_pp"):
            text = tx("uptake.band_pp", mid=r.p50, low=r.p10, high=r.p90)
        elif r.measure.endswith("_pct"):
            text = tx("uptake.band_pct", mid=r.p50, low=r.p10, high=r.p90)
        else:
            text = tx("uptake.band", mid=sig(r.p50), low=sig(r.p10), high=sig(r.p90))
        wide.setdefault(r.scenario, {"scenario": tx(f"param.scenario.{r.scenario}")})[r.measure] = text
    for name in wide:  # a cost that leaves out some of the option's own measures is marked (see the note)
        if uncosted_measures(pack, name):
            for m in ("usd_per_completer", "total_usd"):
                wide[name][m] += " *"
    mid = cmp.pivot(index="scenario", columns="measure", values="p50")
    ranked = mid["completed"].sort_values(ascending=False, kind="stable").index  # most completers first
    table = pd.DataFrame([wide[name] for name in ranked])
    measures = ["able_pct", "enrolled", "completed", "certified", "urban_rural_gap_pp", "female_male_gap_pp",
                "usd_per_completer", "total_usd"]
    table = table[["scenario", *measures]]
    columns = {"scenario": tx("uptake.col_scenario"), **{m: tx(f"uptake.col_{m}") for m in measures},
               "total_usd": tx("uptake.col_total_usd_horizon")}  # the costs table's "total" is one route's
    view = TableView(table, tx, columns)
    best, cheap = mid["completed"].idxmax(), cheapest_costed(pack, cmp)  # cost ranks only fully costed options
    b = cmp[(cmp.scenario == best) & (cmp.measure == "completed")].iloc[0]
    c = cmp[(cmp.scenario == cheap) & (cmp.measure == "usd_per_completer")].iloc[0]
    base = cmp[(cmp.scenario == "baseline") & (cmp.measure == "completed")].iloc[0] if "baseline" in mid.index else b
    said = [tx("uptake.compare_sentence_1", scenario=tx(f"param.scenario.{best}"), completed=sig(b.p50),
               low=sig(b.p10), high=sig(b.p90), baseline=sig(base.p50)),
            tx("uptake.compare_sentence_2", scenario=tx(f"param.scenario.{cheap}"), usd=sig(c.p50), low=sig(c.p10),
               high=sig(c.p90))]
    said.append(tx("uptake.compare_cost_scope", years=horizon_years))  # what the whole cost leaves out
    said.append(tx("uptake.horizon_note", years=horizon_years))  # why the counts are over these years
    if any(uncosted_measures(pack, n) for n in wide):
        said.append(tx("uptake.uncosted_mark"))
    said.append(tx("uptake.able_scope"))  # whose share the first column is (question 2's is everyone's)
    for name in dict.fromkeys([best, cheap]):  # the budget of each favoured option
        t = cmp[(cmp.scenario == name) & (cmp.measure == "total_usd")].iloc[0]
        left_out = ", ".join(tx(f"uptake.measure_{m}") for m in uncosted_measures(pack, name))  # not in the total
        said.append(tx("uptake.compare_sentence_3_partial" if left_out else "uptake.compare_sentence_3",
                       measures=left_out, scenario=tx(f"param.scenario.{name}"), total=sig(t.p50),
                       low=sig(t.p10), high=sig(t.p90), years=horizon_years, per_year=sig(t.p50 / horizon_years)))
    brief = ["scenario", "completed", "usd_per_completer", "total_usd"]  # side by side on a phone and on paper
    options = {"columns": list(columns.values()), "rows": table.astype(str).to_numpy().tolist(), "said": said,
               "grade": "modelled", "favoured": favoured(pack, tx, cmp),
               "brief": {"columns": [tx(f"uptake.brief_{m}") for m in brief],
                         "rows": table[brief].astype(str).to_numpy().tolist(),
                         "note": tx("uptake.uncosted_mark_short") if any(uncosted_measures(pack, n) for n in wide) else ""}}
    reading = Reading({}, said + modelled_note(pack, tx, "uptake.modelled"), importance=2, modelled=True,
                      grade="modelled", options=options, answers=_answer_q4(pack, tx, cmp, horizon_years))
    return Panel(reading, view=view, result=comparison)


def _answer_q4(pack, tx, cmp: pd.DataFrame, horizon: int) -> list[dict]:
    """Question 4 (can online courses count toward a degree?): completers with recognised certificates
    against the baseline, from the first scenario whose only lever is recognition."""
    if "baseline" not in pack.scenarios:
        return []
    base = pack.scenario("baseline")
    recognised = {**base.uptake, "recognised": True}  # the baseline with recognition as its only change
    alone = [n for n, s in pack.scenarios.items() if s.uptake == recognised and s.access == base.access
             and s.connectivity == base.connectivity and not base.uptake.get("recognised")]
    done = cmp[cmp["measure"] == "completed"].set_index("scenario")
    if not alone or "baseline" not in done.index:
        return []
    r, b = done.loc[alone[0]], done.loc["baseline"]
    shown = tx("uptake.band", mid=sig(r.p50), low=sig(r.p10), high=sig(r.p90))
    text = tx("uptake.answer_q4", scenario=tx(f"param.scenario.{alone[0]}"), shown=shown, years=horizon,
              baseline=sig(b.p50))
    # the pilot's word on accreditation leads; without one, what recognition would change by the model
    verdict = tx.get("pilot.verdict.q4", "") or tx("uptake.verdict_q4", shown=shown, baseline=sig(b.p50))
    # the gap over the baseline comes from recognition's assumed effects alone: they would change it most
    u = runs.parameters_of(pack)  # recognition's assumed effects (the same in every scenario's setup)
    change = tx("uptake.change_q4", market_low=u["recognised_market"].low, market_high=u["recognised_market"].high,
                or_low=u["recognition_or"].low, or_high=u["recognition_or"].high)
    return [answer("q4", text, "modelled", shown, float(r.p50), change=change,
                   finding=tx.get("pilot.finding.q4", ""), verdict=verdict,
                   verdict_grade="published" if tx.has("pilot.verdict.q4") else "modelled")]


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
    s, sim = runs.simulation(pack, scenario, horizon_years, n_draws, seed)
    cal = s.calibration
    enrolled = sim.total("enrolled")
    done = band(100 * sim.total("completed") / enrolled, pct=True)
    cert = band(100 * sim.total("certified") / enrolled, pct=True)
    counts = cal.counts.set_index("final_result")["students"]
    oulad = 100 * s.parameters["completion"].mode  # the anchor the model uses: one value on the page and in it
    bars = [(tx("uptake.cmp_model_complete"), done["mid"], done), (tx("uptake.cmp_model_certified"), cert["mid"], cert),
            (tx("uptake.cmp_oulad"), oulad, None), (tx("uptake.cmp_harvardx"), HARVARDX_CERTIFIED_PCT, None),
            (tx("uptake.cmp_mooc_median"), MOOC_MEDIAN_COMPLETION_PCT, None)]
    fig = white_figure()
    for rows, colours, name in ((bars[:2], ["#54a24b", "#e45756"], tx("uptake.this_model")),
                                (bars[2:], ["#9d755d", "#bab0ac", "#bab0ac"], tx("uptake.published"))):
        banded = rows[0][2] is not None
        fig.add_trace(go.Bar(y=[b[0] for b in rows], x=[b[1] for b in rows], orientation="h", name=name,
                             marker_color=colours, hovertemplate="%{y}: %{x:.1f} %<extra></extra>",
                             error_x={"type": "data", "symmetric": False, "array": [b[2]["high"] - b[1] for b in rows],
                                      "arrayminus": [b[1] - b[2]["low"] for b in rows]} if banded else None))
    fig.update_layout(height=360, xaxis_title=tx("uptake.percent_enrolled"),
                      yaxis={"autorange": "reversed", "automargin": True}, showlegend=True, barmode="overlay",
                      legend={"orientation": "h", "y": -0.25}, title=title(tx, tx("uptake.cmp_title"), True))
    ors = cal.odds_ratios().set_index("term").loc[list(CARRIED)].reset_index()
    ors["term"] = [tx(f"uptake.term_{t}") for t in ors["term"]]
    view = TableView(ors, tx, {"term": tx("uptake.col_term"), "odds_ratio": tx("uptake.col_odds_ratio"),
                               "odds_ratio_low": tx("uptake.col_or_low"), "odds_ratio_high": tx("uptake.col_or_high")},
                     {"odds_ratio": 2, "odds_ratio_low": 2, "odds_ratio_high": 2})
    richest = float(np.exp(cal.params["imd_fifth_5"]))
    said = [tx("uptake.cal_sentence_1", n=cal.n, records=int(counts.sum()), passed=int(counts["Pass"]),
               distinction=int(counts["Distinction"]), fail=int(counts["Fail"]), withdrawn=int(counts["Withdrawn"]),
               odds=richest),
            tx("uptake.cal_sentence_2", done=done["mid"], done_low=done["low"], done_high=done["high"],
               cert=cert["mid"], cert_low=cert["low"], cert_high=cert["high"], harvardx=HARVARDX_CERTIFIED_PCT,
               mooc=MOOC_MEDIAN_COMPLETION_PCT),
            tx("uptake.cal_fair", oulad=oulad)]
    reading = Reading({"certified_pct": cert["mid"], "certified_pct_low": cert["low"],
                       "certified_pct_high": cert["high"]}, said + modelled_note(pack, tx, "uptake.modelled"), importance=1, modelled=True)
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
    s, sim = runs.simulation(pack, scenario, horizon_years, n_draws, seed)
    c = runs.run_costs(s, sim)
    f = c.to_frame()
    per = f[f["measure"] == "per_completer_usd"].set_index("route").loc[list(ROUTES)]
    names = [tx(f"uptake.route_{r}") for r in per.index]
    fig = white_figure(go.Bar(x=names, y=per["p50"], marker_color=["#4c78a8", "#f58518", "#54a24b"],
                           error_y={"type": "data", "symmetric": False, "array": per["p90"] - per["p50"],
                                    "arrayminus": per["p50"] - per["p10"]},
                           customdata=np.stack([per["p10"], per["p90"]], axis=1),
                           hovertemplate="%{x}: %{y:,.0f} (%{customdata[0]:,.0f}–%{customdata[1]:,.0f})<extra></extra>"))
    fig.update_layout(height=380, yaxis_title=tx("uptake.usd_per_completer"),
                      showlegend=False, title=title(tx, tx("uptake.cost_title", years=horizon_years, where=where(tx, pack, "all")), True))
    cheapest = per["p50"].idxmin()
    low = per.loc[cheapest]
    at = f[f["route"] == cheapest].set_index("measure")
    buys, dev, per_head, left = (at.loc[m] for m in ("completers_for_budget", "development_usd",
                                                     "delivery_per_completer_usd", "budget_left_usd"))
    dear = per.loc[per["p50"].idxmax()]
    said = [tx("uptake.cost_sentence_1", route=tx(f"uptake.route_{cheapest}"), usd=sig(low.p50), low=sig(low.p10),
               high=sig(low.p90), dearest=tx(f"uptake.route_{per['p50'].idxmax()}"), dear=sig(dear.p50),
               dear_low=sig(dear.p10), dear_high=sig(dear.p90))]
    costs_of = {"development": sig(dev.p50), "dev_low": sig(dev.p10), "dev_high": sig(dev.p90),
                "route": tx(f"uptake.route_{cheapest}")}
    if left.p50 > 0:  # the budget pays for every modelled completer in most draws: say what is left
        said.append(tx("uptake.cost_sentence_2_covers", budget=c.budget_usd, completers=sig(buys.p50),
                       low=sig(buys.p10), high=sig(buys.p90), left=sig(left.p50), left_low=sig(left.p10),
                       left_high=sig(left.p90), **costs_of))
    elif buys.p50 > 0:  # the budget covers the development in most draws
        said.append(tx("uptake.cost_sentence_2", budget=c.budget_usd, completers=sig(buys.p50), low=sig(buys.p10),
                       high=sig(buys.p90), **costs_of))
    else:
        said.append(tx("uptake.cost_sentence_2_short", budget=c.budget_usd, delivery=sig(per_head.p50),
                       del_low=sig(per_head.p10), del_high=sig(per_head.p90), **costs_of))
    if buys.p50 > 0:  # for scale (the short budget's sentence says it already): delivery against development
        said.append(tx("uptake.cost_context", usd=sig(low.p50), delivery=sig(per_head.p50), del_low=sig(per_head.p10),
                       del_high=sig(per_head.p90)))
    if region != "all":
        said.append(tx("uptake.cost_national", where=where(tx, pack, region)))
    reading = Reading({"usd_per_completer": sig(low.p50), "usd_per_completer_low": sig(low.p10),
                       "usd_per_completer_high": sig(low.p90)}, said + modelled_note(pack, tx, "uptake.modelled"), importance=1, modelled=True)
    return Panel(reading, figure=localise(fig, language), result=c)

