"""The reader-facing steps of the access-gaps notebook: each returns a :class:`~analytics.report.panel.Panel`.

A panel holds a chart or a table, the sentences that read it for a ministry reader
(computed from the numbers, never typed in, in the page's language) and the result it
shows, whose tidy frame is what gets published.
"""

from __future__ import annotations

from ..core.errors import ParameterError
from ..report import sentences
from ..report.areas import check_region, district_names, in_region, where
from ..report.figures import choropleth, localise, title
from ..report.panel import Panel, Reading
from ..report.views import TableView
from . import counterfactual as cf_mod
from . import distance, participation
from . import model as pm
from .scenarios import AGE_BANDS


def has_rural(pack, region: str) -> bool:
    """Whether the area has rural people in the learner sample (the capital has none)."""
    return bool((in_region(pack.learners, region)["settlement"] == "rural").any())


def _check(pack, region: str, age_band: str | None = None) -> None:
    check_region(pack, region)
    if age_band is not None and age_band not in AGE_BANDS:
        raise ParameterError(f"age_band {age_band!r} is unknown; choose one of {', '.join(AGE_BANDS)}")


def gap_panel(pack, region: str = "all", age_band: str = "17-24", language: str = "en") -> Panel:
    """Participation by settlement and sex, with gender, location and wealth parity indices."""
    _check(pack, region, age_band)
    tx = pack.texts(language)
    gt = participation.gap_table(pack.learners, pack.institutions, pack.population, region, age_band)
    par = gt.parity.set_index("index")
    loc, gen, wealth = (par.loc[k] for k in ("location_parity_index", "gender_parity_index",
                                              "wealth_parity_index"))
    numbers = {"participation_urban_pct": 100 * loc.advantaged, "gender_parity_index": gen.parity,
               "wealth_parity_index": wealth.parity}
    place = where(tx, pack, region)
    if has_rural(pack, region):
        numbers.update(participation_rural_pct=100 * loc.disadvantaged, location_parity_index=loc.parity)
        first = tx("access.gap_sentence_1", where=place, age=age_band, urban=100 * loc.advantaged,
                   rural=100 * loc.disadvantaged, lpi=loc.parity, gap=loc.gap_pp)
    else:
        first = tx("access.gap_sentence_urban", where=place, age=age_band, urban=100 * loc.advantaged)
    reading = Reading(numbers, [first, tx("access.gap_sentence_2", gpi=gen.parity, wpi=wealth.parity,
                                          q1=100 * wealth.disadvantaged, q5=100 * wealth.advantaged)])
    shown = gt.parity.assign(index=[tx(f"access.{k}") for k in gt.parity["index"]],
                             disadvantaged=100 * gt.parity["disadvantaged"],
                             advantaged=100 * gt.parity["advantaged"])
    view = TableView(shown, tx, {c: tx(f"access.col_{c}") for c in shown.columns},
                     {"disadvantaged": 2, "advantaged": 2, "parity": 2, "gap_pp": 2})
    return Panel(reading, view=view, result=gt)


def participation_map(pack, region: str = "all", age_band: str = "17-24", language: str = "en") -> Panel:
    """Map of the weighted participation rate by district (from the sample, so modelled)."""
    _check(pack, region, age_band)
    tx = pack.texts(language)
    rates = participation.participation(in_region(pack.learners, region), ["district_code"], age_band)
    d = pack.districts.merge(rates, on="district_code", how="inner")
    d["rate_pct"] = 100 * d["rate"]
    d["name"] = district_names(tx, d["district_code"])
    heading = title(tx, tx("access.map_participation", where=where(tx, pack, region), age=age_band),
                    pack.is_modelled("learners"))
    fig = choropleth(d, "district_code", "rate_pct", "name", heading, tx("access.percent"),
                     hover_format=".1f", color_scale="Greens", language=language)
    top, low = d.sort_values("rate").iloc[-1], d.sort_values("rate").iloc[0]
    n = int(d["sample"].sum())
    reading = Reading({"highest_district_pct": top.rate_pct, "lowest_district_pct": low.rate_pct},
                      [tx("access.map_sentence_1", high=top["name"], high_v=top.rate_pct, low=low["name"],
                          low_v=low.rate_pct),
                       tx("access.map_sentence_2", people=tx.plural("access.young_people", n))])
    return Panel(reading, figure=fig)


def distance_panel(pack, region: str = "all", grid_km: float = 1.0, age_band: str = "17-24",
                   language: str = "en") -> Panel:
    """Population-weighted distance to the nearest university by district, and shares beyond 25/50/100 km."""
    _check(pack, region, age_band)
    if not 0.25 <= grid_km <= 50:
        raise ParameterError(f"grid_km is {grid_km!r}; expected a cell size between 0.25 and 50 km")
    tx = pack.texts(language)
    grid = distance.country_grid(pack.districts, grid_km)
    cells = distance.people_on_grid(grid, pack.population, pack.institutions, pack.districts, [age_band])
    by_d = distance.district_distance(cells)
    result = distance.DistanceResult(in_region(by_d, region).reset_index(drop=True),
                                     distance.beyond_shares(cells, region=region), len(grid), grid_km)
    shares = result.shares
    d = pack.districts.merge(result.by_district, on=["district_code", "region_code"])
    d["name"] = district_names(tx, d["district_code"])
    heading = title(tx, tx("access.map_distance", where=where(tx, pack, region)), pack.is_modelled("population"))
    fig = choropleth(d, "district_code", "mean_km", "name", heading, tx("access.km"), hover_format=".0f",
                     color_scale="Oranges", language=language)
    far = d.sort_values("mean_km").iloc[-1]
    reading = Reading({k + "_pct": 100 * v for k, v in shares.items()} | {"grid_cells": len(grid)},
                      [tx("access.distance_sentence_1", where=where(tx, pack, region), age=age_band,
                          b25=100 * shares["beyond_25km"], b50=100 * shares["beyond_50km"],
                          b100=100 * shares["beyond_100km"]),
                       tx("access.distance_sentence_2", far=far["name"], km=far.mean_km,
                          cells=tx.plural("access.cells", len(grid)), size=grid_km)])
    return Panel(reading, figure=fig, result=result)


def regression_panel(pack, region: str = "all", language: str = "en") -> Panel:
    """Odds ratios and average marginal effects of the weighted enrolment logit."""
    _check(pack, region)
    tx = pack.texts(language)
    model = pm.fit(in_region(pack.learners, region))
    tab = model.table
    dist, net = tab.loc["distance_per_10km"], tab.loc["internet"]
    first = sentences.effect(tx, "access.reg_distance", 100 * dist.ame, 100 * dist.ame_low, 100 * dist.ame_high)
    reading = Reading({"ame_distance_pp_per_10km": 100 * dist.ame, "ame_internet_pp": 100 * net.ame},
                      [first, tx("access.reg_sentence_2", ame=100 * net.ame, lo=100 * net.ame_low,
                                 hi=100 * net.ame_high, q=100 * tab.loc["quintile"].ame)])
    frame = model.to_frame()
    shown = frame.assign(
        covariate=[tx(f"access.cov_{c}") for c in frame["covariate"]],
        or_ci=[f"{tx.number(a, 2)} – {tx.number(b, 2)}" for a, b in zip(frame.or_low, frame.or_high, strict=True)],
        ame=100 * frame["ame"],
        ame_ci=[f"{tx.number(100 * a, 2)} – {tx.number(100 * b, 2)}"
                for a, b in zip(frame.ame_low, frame.ame_high, strict=True)])
    labels = {c: tx(f"access.col_{c}") for c in ("covariate", "odds_ratio", "or_ci", "ame", "ame_ci")}
    view = TableView(shown, tx, labels, {"odds_ratio": 2, "ame": 2})
    return Panel(reading, view=view, result=model)


def decomposition_panel(pack, region: str = "all", age_band: str = "17-24", language: str = "en") -> Panel:
    """A waterfall of the urban–rural participation gap: the part of each factor and the rest."""
    import plotly.graph_objects as go

    _check(pack, region, age_band)
    tx = pack.texts(language)
    if not has_rural(pack, region):
        return Panel(Reading(sentences=[tx("access.dec_urban_only", where=where(tx, pack, region))]))
    dec = pm.decompose_urban_rural(in_region(pack.learners, region), age_band)
    parts = dec.to_frame()
    labels = [tx(f"access.part_{p.replace(' ', '_')}") for p in parts["part"]]
    fig = go.Figure(go.Waterfall(x=labels + [tx("access.part_total")], y=list(parts["pp"]) + [None],
                                 measure=["relative"] * len(parts) + ["total"],
                                 text=[tx.number(v, 1, sign=True) for v in parts["pp"]] + [tx.number(100 * dec.total, 1)],
                                 textposition="outside", hovertemplate="%{x}: %{y:+.1f}<extra></extra>"))
    fig.update_layout(title=title(tx, tx("access.waterfall_title", where=where(tx, pack, region), age=age_band),
                                  pack.is_modelled("learners")),
                      yaxis_title=tx("access.pp"), template="plotly_white", height=440, showlegend=False)
    explained = parts[parts["part"] != "unexplained"].sort_values("pp")
    biggest = explained.iloc[-1]
    reading = Reading({"gap_pp": 100 * dec.total, "unexplained_pp": 100 * dec.unexplained},
                      [tx("access.dec_sentence_1", gap=100 * dec.total,
                          part=tx(f"access.part_{biggest['part'].replace(' ', '_')}").lower(), pp=biggest["pp"]),
                       tx("access.dec_sentence_2", rest=100 * dec.unexplained,
                          share=100 * dec.unexplained / dec.total if dec.total else 0)])
    return Panel(reading, figure=localise(fig, language), result=dec)


def counterfactual_panel(pack, region: str = "all", age_band: str = "17-24", scenario: str = "online",
                         language: str = "en", fitted: Panel | None = None) -> Panel:
    """Participation of urban and rural young people now and under an online-study scenario.

    ``fitted`` is the :func:`regression_panel` of the same pack and region, whose model is
    reused (it is fitted here otherwise).
    """
    import plotly.graph_objects as go

    _check(pack, region, age_band)
    tx = pack.texts(language)
    learners = in_region(pack.learners, region)
    model = fitted.result if fitted is not None else pm.fit(learners)
    cf = cf_mod.counterfactual(model, learners, pack.connectivity, pack.plans, pack.incomes, scenario, age_band)
    s = cf.by_settlement.set_index("settlement").reindex(["urban", "rural"]).dropna()
    names = [tx(f"access.{k}") for k in s.index]
    hover = "%{fullData.name}<br>%{x}: %{y:.1f}<extra></extra>"
    fig = go.Figure([go.Bar(name=tx("access.now"), x=names, y=100 * s["now"], hovertemplate=hover),
                     go.Bar(name=tx(f"access.scenario_{scenario}"), x=names, y=100 * s["scenario"],
                            hovertemplate=hover)])
    fig.update_layout(barmode="group", template="plotly_white", height=420, yaxis_title=tx("access.percent"),
                      title=title(tx, tx("access.cf_title", where=where(tx, pack, region), age=age_band), True))
    numbers = {"online_capable_pct": 100 * cf.capable_share}
    if "rural" in s.index:
        lpi_now, lpi_then = cf.location_parity
        numbers.update(lpi_now=lpi_now, lpi_scenario=lpi_then)
        second = tx("access.cf_sentence_2", rural_now=100 * s.loc["rural", "now"],
                    rural_then=100 * s.loc["rural", "scenario"], lpi_now=lpi_now, lpi_then=lpi_then)
    else:
        second = tx("access.cf_sentence_urban", now=100 * s.loc["urban", "now"], then=100 * s.loc["urban", "scenario"])
    reading = Reading(numbers, [tx("access.cf_sentence_1", capable=100 * cf.capable_share,
                                   scenario=tx(f"access.scenario_{scenario}")), second])
    return Panel(reading, figure=localise(fig, language), result=cf)
