"""The reader-facing steps of the access-gaps notebook: each returns a :class:`Panel`.

A panel holds a chart or a table and two sentences that read it for a ministry reader,
computed from the numbers (never typed in), in the page's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from . import access, distance, online
from . import participation_model as pm
from .data import Pack
from .i18n import mark_modelled, t
from .profile import Headlines, area_name, areas, check_region

AGE_BANDS = ("17-24", "25-34")


@dataclass
class Panel:
    """A chart or table with the sentences that read it; displays both in a notebook."""

    reading: Headlines
    figure: Any = None
    table: pd.DataFrame | None = None
    data: dict = field(default_factory=dict)

    def summary(self) -> str:
        return self.reading.summary()

    def _ipython_display_(self):
        from IPython.display import Markdown, display

        from .tables import show

        display(Markdown(self.reading._repr_markdown_()))
        if self.figure is not None:
            display(self.figure)
        if self.table is not None:
            display(show(self.table, precision=2))


def _where(region: str, language: str, pack: Pack | None = None) -> str:
    if region != "all":
        return t(f"region.{region}", language)
    return area_name(areas(pack)[0], language) if pack is not None else t("index.national", language)


def has_rural(pack: Pack, region: str) -> bool:
    """Whether the area has rural people in the learner sample (the capital has none)."""
    return bool((_in_region(pack.learners, region)["settlement"] == "rural").any())


def _check_age(age_band: str) -> None:
    from .errors import ParameterError

    if age_band not in AGE_BANDS:
        raise ParameterError(f"age_band {age_band!r} is unknown; choose one of {', '.join(AGE_BANDS)}")


def _in_region(df: pd.DataFrame, region: str) -> pd.DataFrame:
    return df if region == "all" else df[df["region_code"] == region]


def gap_panel(pack: Pack, region: str = "all", age_band: str = "17-24", language: str = "en") -> Panel:
    """Participation by settlement and sex, with gender, location and wealth parity indices."""
    check_region(pack, region)
    _check_age(age_band)
    gt = access.gap_table(pack.learners, pack.institutions, pack.population, region, age_band)
    par = gt.parity.set_index("index")
    loc, gen, wealth = (par.loc[k] for k in ("location_parity_index", "gender_parity_index",
                                              "wealth_parity_index"))
    numbers = {"participation_urban_pct": 100 * loc.advantaged, "gender_parity_index": gen.parity,
               "wealth_parity_index": wealth.parity}
    if has_rural(pack, region):
        numbers.update(participation_rural_pct=100 * loc.disadvantaged, location_parity_index=loc.parity)
        first = t("access.gap_sentence_1", language, where=_where(region, language, pack), age=age_band,
                  urban=100 * loc.advantaged, rural=100 * loc.disadvantaged, lpi=loc.parity, gap=loc.gap_pp)
    else:
        first = t("access.gap_sentence_urban", language, where=_where(region, language, pack), age=age_band,
                  urban=100 * loc.advantaged)
    reading = Headlines(numbers=numbers, sentences=[first, t(
        "access.gap_sentence_2", language, gpi=gen.parity, wpi=wealth.parity, q1=100 * wealth.disadvantaged,
        q5=100 * wealth.advantaged)])
    table = gt.parity.assign(index=[t(f"access.{k}", language) for k in gt.parity["index"]])
    table = table.assign(disadvantaged=100 * table["disadvantaged"], advantaged=100 * table["advantaged"])
    table = table.rename(columns={c: t(f"access.col_{c}", language) for c in table.columns})
    return Panel(reading=reading, table=table, data={"parity": gt.parity, "rates": gt.rates})


def participation_map(pack: Pack, region: str = "all", age_band: str = "17-24", language: str = "en") -> Panel:
    """Map of the weighted participation rate by district (from the sample, so modelled)."""
    from .maps import choropleth

    check_region(pack, region)
    rates = access.participation(_in_region(pack.learners, region), ["district_code"], age_band)
    d = pack.districts.merge(rates, on="district_code", how="inner")
    d["rate_pct"] = 100 * d["rate"]
    d["name"] = [t(f"district.{c}", language) for c in d["district_code"]]
    title = mark_modelled(t("access.map_participation", language, where=_where(region, language, pack), age=age_band),
                          pack.is_modelled("learners"), language)
    fig = choropleth(d, "district_code", "rate_pct", "name", title, t("access.percent", language),
                     hover_format=".1f", color_scale="Greens")
    top, low = d.sort_values("rate").iloc[-1], d.sort_values("rate").iloc[0]
    reading = Headlines(numbers={"highest_district_pct": top.rate_pct, "lowest_district_pct": low.rate_pct},
                        sentences=[t("access.map_sentence_1", language, high=top["name"], high_v=top.rate_pct,
                                     low=low["name"], low_v=low.rate_pct),
                                   t("access.map_sentence_2", language, n=int(d["sample"].sum()))])
    return Panel(reading=reading, figure=fig, data={"rates": rates})


def distance_panel(pack: Pack, region: str = "all", grid_km: float = 1.0, age_band: str = "17-24",
                   language: str = "en") -> Panel:
    """Population-weighted distance to the nearest university by district, and shares beyond 25/50/100 km."""
    from .maps import choropleth

    check_region(pack, region)
    grid = distance.country_grid(pack.districts, grid_km)
    cells = distance.people_on_grid(grid, pack.population, pack.institutions, pack.districts, [age_band])
    by_d = distance.district_distance(cells)
    shares = distance.beyond_shares(cells, region=region)
    d = pack.districts.merge(_in_region(by_d, region), on=["district_code", "region_code"])
    d["name"] = [t(f"district.{c}", language) for c in d["district_code"]]
    title = mark_modelled(t("access.map_distance", language, where=_where(region, language, pack)),
                          pack.is_modelled("population"), language)
    fig = choropleth(d, "district_code", "mean_km", "name", title, t("access.km", language), hover_format=".0f",
                     color_scale="Oranges")
    far = d.sort_values("mean_km").iloc[-1]
    reading = Headlines(numbers={k + "_pct": 100 * v for k, v in shares.items()} | {"grid_cells": len(grid)},
                        sentences=[t("access.distance_sentence_1", language, where=_where(region, language, pack),
                                     age=age_band, b25=100 * shares["beyond_25km"], b50=100 * shares["beyond_50km"],
                                     b100=100 * shares["beyond_100km"]),
                                   t("access.distance_sentence_2", language, far=far["name"], km=far.mean_km,
                                     cells=len(grid), size=grid_km)])
    return Panel(reading=reading, figure=fig, data={"districts": by_d})


def regression_panel(pack: Pack, region: str = "all", language: str = "en") -> Panel:
    """Odds ratios and average marginal effects of the weighted enrolment logit."""
    check_region(pack, region)
    model = pm.fit(_in_region(pack.learners, region))
    tab = model.table
    dist, net = tab.loc["distance_per_10km"], tab.loc["internet"]
    reading = Headlines(numbers={"ame_distance_pp_per_10km": 100 * dist.ame, "ame_internet_pp": 100 * net.ame},
                        sentences=[t("access.reg_sentence_1", language, ame=-100 * dist.ame, lo=-100 * dist.ame_high,
                                     hi=-100 * dist.ame_low),
                                   t("access.reg_sentence_2", language, ame=100 * net.ame, lo=100 * net.ame_low,
                                     hi=100 * net.ame_high, q=100 * tab.loc["quintile"].ame)])
    out = pd.DataFrame({
        t("access.col_covariate", language): [t(f"access.cov_{c}", language) for c in tab.index],
        t("access.col_odds_ratio", language): tab["odds_ratio"].round(3),
        t("access.col_or_ci", language): [f"{a:.2f} – {b:.2f}" for a, b in zip(tab.or_low, tab.or_high, strict=True)],
        t("access.col_ame", language): (100 * tab["ame"]).round(2),
        t("access.col_ame_ci", language): [f"{100 * a:.2f} – {100 * b:.2f}"
                                           for a, b in zip(tab.ame_low, tab.ame_high, strict=True)],
    })
    return Panel(reading=reading, table=out, data={"model": model})


def decomposition_panel(pack: Pack, region: str = "all", age_band: str = "17-24", language: str = "en") -> Panel:
    """A waterfall of the urban–rural participation gap: the part of each factor and the rest."""
    import plotly.graph_objects as go

    check_region(pack, region)
    if not has_rural(pack, region):
        return Panel(reading=Headlines(sentences=[t("access.dec_urban_only", language,
                                                    where=_where(region, language, pack))]))
    dec = pm.decompose_urban_rural(_in_region(pack.learners, region), age_band)
    parts = dec.frame()
    labels = [t(f"access.part_{p.replace(' ', '_')}", language) for p in parts["part"]]
    fig = go.Figure(go.Waterfall(x=labels + [t("access.part_total", language)], y=list(parts["pp"]) + [None],
                                 measure=["relative"] * len(parts) + ["total"],
                                 text=[f"{v:+.1f}" for v in parts["pp"]] + [f"{100 * dec.total:.1f}"],
                                 textposition="outside"))
    fig.update_layout(title=mark_modelled(t("access.waterfall_title", language, where=_where(region, language, pack),
                                            age=age_band), pack.is_modelled("learners"), language),
                      yaxis_title=t("access.pp", language), template="plotly_white", height=440, showlegend=False)
    explained = parts[parts["part"] != "unexplained"].sort_values("pp")
    biggest = explained.iloc[-1]
    reading = Headlines(numbers={"gap_pp": 100 * dec.total, "unexplained_pp": 100 * dec.unexplained},
                        sentences=[t("access.dec_sentence_1", language, gap=100 * dec.total,
                                     part=t(f"access.part_{biggest['part'].replace(' ', '_')}", language).lower(),
                                     pp=biggest["pp"]),
                                   t("access.dec_sentence_2", language, rest=100 * dec.unexplained,
                                     share=100 * dec.unexplained / dec.total if dec.total else 0)])
    return Panel(reading=reading, figure=fig, data={"decomposition": dec})


def counterfactual_panel(pack: Pack, region: str = "all", age_band: str = "17-24", scenario: str = "online",
                         language: str = "en", fitted: Panel | None = None) -> Panel:
    """Participation of urban and rural young people now and under an online-study scenario.

    ``fitted`` is the :func:`regression_panel` of the same pack and region, whose model is
    reused (it is fitted here otherwise).
    """
    import plotly.graph_objects as go

    check_region(pack, region)
    learners = _in_region(pack.learners, region)
    model = fitted.data["model"] if fitted is not None else pm.fit(learners)
    cf = online.counterfactual(model, learners, pack.connectivity, pack.plans, pack.incomes, scenario, age_band)
    s = cf.by_settlement.set_index("settlement").reindex(["urban", "rural"]).dropna()
    names = [t(f"access.{k}", language) for k in s.index]
    fig = go.Figure([go.Bar(name=t("access.now", language), x=names, y=100 * s["now"]),
                     go.Bar(name=t(f"access.scenario_{scenario}", language), x=names, y=100 * s["scenario"])])
    fig.update_layout(barmode="group", template="plotly_white", height=420, yaxis_title=t("access.percent", language),
                      title=mark_modelled(t("access.cf_title", language, where=_where(region, language, pack), age=age_band),
                                          True, language))
    numbers = {"online_capable_pct": 100 * cf.capable_share}
    if "rural" in s.index:
        lpi_now, lpi_then = cf.location_parity
        numbers.update(lpi_now=lpi_now, lpi_scenario=lpi_then)
        second = t("access.cf_sentence_2", language, rural_now=100 * s.loc["rural", "now"],
                   rural_then=100 * s.loc["rural", "scenario"], lpi_now=lpi_now, lpi_then=lpi_then)
    else:
        second = t("access.cf_sentence_urban", language, now=100 * s.loc["urban", "now"],
                   then=100 * s.loc["urban", "scenario"])
    reading = Headlines(numbers=numbers, sentences=[t("access.cf_sentence_1", language, capable=100 * cf.capable_share,
                                                      scenario=t(f"access.scenario_{scenario}", language)), second])
    return Panel(reading=reading, figure=fig, data={"counterfactual": cf})


def key_numbers(*panels: Panel) -> Headlines:
    """The first sentence and every number of several panels, for the briefing index."""
    out = Headlines()
    for p in panels:
        out.numbers.update(p.reading.numbers)
        out.sentences.extend(p.reading.sentences[:1])
    return out
