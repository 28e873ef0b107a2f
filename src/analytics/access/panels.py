"""The reader-facing steps of the access-gaps notebook: each returns a :class:`~analytics.report.panel.Panel`.

A panel holds a chart or a table, the sentences that read it for a ministry reader
(computed from the numbers, never typed in, in the page's language) and the result it
shows, whose tidy frame is what gets published. Every rate from the learner sample
carries its 95 % interval or is suppressed below the minimum sample; a panel built on a
modelled sample says so in its own sentences; sentences follow the sign of an estimate
and say "no clear association" when its interval includes zero. A section that does not
apply to the area (the urban–rural decomposition in a city) is left out of the page.
"""

from __future__ import annotations

import html

from ..core.errors import ParameterError
from ..core.numbers import percent_hover
from ..report import sentences
from ..report.areas import area_name, areas, check_region, district_names, in_region, where
from ..report.figures import choropleth, localise, title
from ..report.panel import FrameResult, Panel, Reading
from ..report.sentences import MIN_SAMPLE, SUPPRESSED_MARK
from ..report.session import builder
from ..report.views import TableView
from . import counterfactual as cf_mod
from . import decomposition as dec_mod
from . import distance, participation
from . import model as pm
from .scenarios import AGE_BANDS


def has_rural(pack, region: str) -> bool:
    """Whether the area has rural people in the learner sample (a city-region has none)."""
    return bool((in_region(pack.learners, region)["settlement"] == "rural").any())


def _check(pack, region: str, age_band: str | None = None) -> None:
    check_region(pack, region)
    if age_band is not None and age_band not in AGE_BANDS:
        raise ParameterError(f"age_band {age_band!r} is unknown; choose one of {', '.join(AGE_BANDS)}")


def _modelled(pack, tx) -> list[str]:
    """The sentence that says a panel rests on the modelled sample (none for a real survey)."""
    return [tx("access.modelled_sample")] if pack.is_modelled("learners") else []


def _age(age_band: str) -> str:
    """An age band as a reader writes it: ``17–24`` with an en dash."""
    return age_band.replace("-", "–")


def _interval(tx, low: float, high: float, digits: int = 1) -> str:
    """``low – high`` in the page's number format."""
    return f"{tx.number(low, digits)} – {tx.number(high, digits)}"


@builder
def gap_panel(pack, region: str = "all", age_band: str = "17-24", language: str = "en") -> Panel:
    """Participation by settlement, with adjusted gender, location and wealth parity indices and intervals.

    Parameters
    ----------
    pack : analytics.packs.load.Pack
        The country pack (``load_pack("tjk")``).
    region : str
        ISO 3166-2 code of a region of the pack (e.g. ``"TJ-GB"``), or ``"all"`` for the country.
    age_band : {"17-24", "25-34"}
        Age band, in years, of the people whose participation is described.
    language : str
        Language of the sentences, labels and number format: one of the pack's reader
        languages (``"en"``, ``"ru"``, ``"tg"`` for Tajikistan).

    Returns
    -------
    Panel
        Sentences with the participation rates (percent) and parity indices with their 95 %
        intervals, values under the minimum effective sample (30) suppressed and marked;
        a table of the indices; ``result`` the parity table (rates 0–1, indices, gaps in
        percentage points, ``*_low``/``*_high`` bounds, samples).
    """
    _check(pack, region, age_band)
    tx = pack.texts(language)
    gt = participation.gap_table(pack.learners, pack.institutions, pack.population, region, age_band)
    par = gt.parity.set_index("index")
    place = where(tx, pack, region)
    numbers, said = {}, []
    rural = has_rural(pack, region) and "location_parity_index" in par.index
    loc = par.loc["location_parity_index"] if rural else None
    if rural and not loc.suppressed:
        numbers.update(participation_urban_pct=100 * loc.advantaged, participation_rural_pct=100 * loc.disadvantaged,
                       location_parity_index=loc.parity_adjusted)
        said.append(tx("access.gap_sentence_1", where=place, age=_age(age_band), urban=100 * loc.advantaged,
                       rural=100 * loc.disadvantaged, lpi=loc.parity_adjusted, lo=loc.parity_adjusted_low,
                       hi=loc.parity_adjusted_high, gap=loc.gap_pp))
    else:
        rate = participation.participation(in_region(pack.learners, region), [], age_band).iloc[0]
        numbers["participation_pct"] = 100 * rate["rate"]
        said.append(tx("access.gap_sentence_urban" if not rural else "access.gap_sentence_all", where=place,
                       age=_age(age_band), rate=100 * rate["rate"]))
    for name, key in (("gender_parity_index", "access.gender_sentence"),
                      ("wealth_parity_index", "access.wealth_sentence")):
        if name not in par.index:
            continue
        r = par.loc[name]
        if r.suppressed:
            said.append(tx("access.index_suppressed", index=tx(f"access.{name}"), min=MIN_SAMPLE))
            continue
        numbers[name] = r.parity_adjusted
        said.append(tx(key, value=r.parity_adjusted, lo=r.parity_adjusted_low, hi=r.parity_adjusted_high,
                       low_rate=100 * r.disadvantaged, high_rate=100 * r.advantaged))
    shown = gt.parity[gt.parity["index"] != "location_parity_index"] if not rural else gt.parity
    view_frame = shown.assign(
        index=[tx(f"access.{k}") for k in shown["index"]],
        disadvantaged=[SUPPRESSED_MARK if s else 100 * v for v, s in zip(shown["disadvantaged"],
                                                                        shown["disadvantaged_suppressed"], strict=True)],
        advantaged=[SUPPRESSED_MARK if s else 100 * v for v, s in zip(shown["advantaged"],
                                                                     shown["advantaged_suppressed"], strict=True)],
        parity=[SUPPRESSED_MARK if s else v for v, s in zip(shown["parity"], shown["suppressed"], strict=True)],
        parity_adjusted=[SUPPRESSED_MARK if s else v for v, s in zip(shown["parity_adjusted"], shown["suppressed"],
                                                                    strict=True)],
        parity_ci=[SUPPRESSED_MARK if r.suppressed else _interval(tx, r.parity_adjusted_low, r.parity_adjusted_high, 2)
                   for r in shown.itertuples()],
        gap_pp=[SUPPRESSED_MARK if s else v for v, s in zip(shown["gap_pp"], shown["suppressed"], strict=True)],
        gap_ci=[SUPPRESSED_MARK if r.suppressed else _interval(tx, r.gap_pp_low, r.gap_pp_high)
                for r in shown.itertuples()])
    labels = {c: tx(f"access.col_{c}") for c in ("index", "disadvantaged", "advantaged", "parity",
                                                   "parity_adjusted", "parity_ci", "gap_pp", "gap_ci")}
    view = TableView(view_frame, tx, labels, {"disadvantaged": 1, "advantaged": 1, "parity": 2,
                                              "parity_adjusted": 2, "gap_pp": 1})
    if shown["suppressed"].any():
        said.append(tx.plural("suppressed_note", MIN_SAMPLE))
    overall = participation.participation(in_region(pack.learners, region), [], age_band).iloc[0]
    numbers["participation_pct"] = 100 * overall["rate"]
    headline = {"participation_pct": tx("access.headline_participation", age=_age(age_band))}
    if "location_parity_index" in numbers:
        headline["location_parity_index"] = tx("access.location_parity_index")
    return Panel(Reading(numbers, said + _modelled(pack, tx), importance=3, modelled=pack.is_modelled("learners"),
                         headline=headline), view=view, result=gt)


@builder
def participation_map(pack, region: str = "all", age_band: str = "17-24", language: str = "en") -> Panel:
    """Map of the weighted participation rate by district; districts under the minimum sample in grey.

    Parameters
    ----------
    pack : analytics.packs.load.Pack
        The country pack (``load_pack("tjk")``).
    region : str
        ISO 3166-2 code of a region of the pack (e.g. ``"TJ-GB"``), or ``"all"`` for the country.
    age_band : {"17-24", "25-34"}
        Age band, in years, of the people whose participation is described.
    language : str
        Language of the sentences, labels and number format: one of the pack's reader
        languages (``"en"``, ``"ru"``, ``"tg"`` for Tajikistan).

    Returns
    -------
    Panel
        A map of the weighted participation rate (percent) by district, districts under the
        minimum effective sample in grey without a value; sentences naming the highest and
        lowest districts with Wilson intervals; ``result`` the district table (rate 0–1 with
        bounds, sample, effective sample, suppressed).
    """
    _check(pack, region, age_band)
    tx = pack.texts(language)
    rates = participation.district_rates(in_region(pack.learners, region), age_band)
    d = pack.districts.merge(rates, on="district_code", how="inner")
    d["rate_pct"] = 100 * d["rate"]
    d["name"] = district_names(tx, d["district_code"])
    heading = title(tx, tx("access.map_participation", where=where(tx, pack, region), age=_age(age_band)),
                    pack.is_modelled("learners"))
    fig = choropleth(d, "district_code", "rate_pct", "name", heading, tx("access.percent"),
                     hover_format=".1f", color_scale="Greens", language=language, muted_col="suppressed",
                     muted_text=tx.plural("suppressed_note", MIN_SAMPLE))
    kept = d[~d["suppressed"]].sort_values("rate")
    numbers = {}
    if len(d) == 1:
        first = tx("access.map_sentence_one", where=where(tx, pack, region))
    elif kept.empty:
        first = tx("access.map_sentence_none", min=MIN_SAMPLE)
    elif len(kept) == 1:
        top = kept.iloc[0]
        numbers = {"highest_district_pct": top.rate_pct}
        first = tx("access.map_sentence_only", min=MIN_SAMPLE, high=top["name"], high_v=top.rate_pct,
                   high_ci=_interval(tx, 100 * top.rate_low, 100 * top.rate_high))
    else:
        top, low = kept.iloc[-1], kept.iloc[0]
        numbers = {"highest_district_pct": top.rate_pct, "lowest_district_pct": low.rate_pct}
        first = tx("access.map_sentence_1", min=MIN_SAMPLE, high=top["name"], high_v=top.rate_pct,
                   high_ci=_interval(tx, 100 * top.rate_low, 100 * top.rate_high), low=low["name"],
                   low_v=low.rate_pct, low_ci=_interval(tx, 100 * low.rate_low, 100 * low.rate_high))
    n = int(d["sample"].sum())
    grey = int(d["suppressed"].sum())
    said = [first, tx("access.map_sentence_2" if grey else "access.map_sentence_2_all",
                      people=tx.plural("access.young_people", n), min=MIN_SAMPLE, grey=grey, age=_age(age_band))]
    return Panel(Reading(numbers, said + _modelled(pack, tx), importance=1, modelled=pack.is_modelled("learners")),
                 figure=fig, result=FrameResult(rates))



@builder
def distance_panel(pack, region: str = "all", grid_km: float = 1.0, age_band: str = "17-24",
                   language: str = "en") -> Panel:
    """Population-weighted distance to the nearest university by district, and shares beyond 25/50/100 km.

    Parameters
    ----------
    pack : analytics.packs.load.Pack
        The country pack (``load_pack("tjk")``).
    region : str
        ISO 3166-2 code of a region of the pack (e.g. ``"TJ-GB"``), or ``"all"`` for the country.
    grid_km : float
        Cell size of the population grid in km, 0.25 to 50 (1 km: 141,244 cells for Tajikistan).
    age_band : {"17-24", "25-34"}
        Age band, in years, of the people whose participation is described.
    language : str
        Language of the sentences, labels and number format: one of the pack's reader
        languages (``"en"``, ``"ru"``, ``"tg"`` for Tajikistan).

    Returns
    -------
    Panel
        A map of the population-weighted straight-line distance (km) to the nearest
        university by district; sentences with the shares of the age band living beyond 25,
        50 and 100 km; ``result`` the district table (``mean_km``, population in persons,
        shares 0–1).
    """
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
    modelled = pack.is_modelled("population")
    heading = title(tx, tx("access.map_distance", where=where(tx, pack, region)), modelled)
    fig = choropleth(d, "district_code", "mean_km", "name", heading, tx("access.km"), hover_format=".0f",
                     color_scale="Oranges", language=language)
    far = d.sort_values("mean_km").iloc[-1]
    said = [tx("access.distance_sentence_1" if shares["beyond_25km"] > 0 else "access.distance_sentence_near",
               where=where(tx, pack, region), age=_age(age_band),
               b25=100 * shares["beyond_25km"], b50=100 * shares["beyond_50km"], b100=100 * shares["beyond_100km"]),
            tx("access.distance_sentence_2" if len(d) > 1 else "access.distance_sentence_one", far=far["name"],
               km=far.mean_km, cells=tx.plural("access.cells", len(grid)), size=grid_km)]
    if modelled:
        said.append(tx("access.modelled_population"))
    reading = Reading({k + "_pct": 100 * v for k, v in shares.items()} | {"grid_cells": len(grid)}, said,
                      importance=2, modelled=modelled, headline={"beyond_25km_pct": tx("access.headline_far")})
    return Panel(reading, figure=fig, result=result)


@builder
def regression_panel(pack, region: str = "all", age_band: str = "17-24", language: str = "en") -> Panel:
    """Odds ratios of the national enrolment logit, and marginal effects averaged over the area's people of the age band.

    The model is fitted on everyone aged 17–34 (with the age band as a covariate); the
    marginal effects are averaged over the people the page's rates describe, so they are
    read on the same scale as the participation rates above them.

    Parameters
    ----------
    pack : analytics.packs.load.Pack
        The country pack (``load_pack("tjk")``).
    region : str
        ISO 3166-2 code of a region of the pack (e.g. ``"TJ-GB"``), or ``"all"`` for the country.
    age_band : {"17-24", "25-34"}
        Age band, in years, of the people whose participation is described.
    language : str
        Language of the sentences, labels and number format: one of the pack's reader
        languages (``"en"``, ``"ru"``, ``"tg"`` for Tajikistan).

    Returns
    -------
    Panel
        Sentences on distance (percentage points per 10 km), home internet and income fifth,
        each with its 95 % interval or "no clear association"; a table of odds ratios and
        average marginal effects (percentage points) with intervals; ``result`` the fitted
        model (coefficients in log-odds, HC1 standard errors, odds ratios, AMEs as 0–1).
    """
    _check(pack, region, age_band)
    tx = pack.texts(language)
    model = pm.national_fit(pack)
    people = in_region(pack.learners, region)
    tab = pm.for_area(model, people[people["age_band"] == age_band])
    numbers, said = {}, []
    for cov, key in (("distance_per_10km", "access.reg_distance"), ("internet", "access.reg_internet"),
                     ("quintile", "access.reg_income")):
        r = tab.loc[cov]
        numbers[f"ame_{cov}_pp"] = 100 * r.ame
        said.append(sentences.effect(tx, key, 100 * r.ame, 100 * r.ame_low, 100 * r.ame_high))
    said.append(tx("access.reg_national", n=tx.plural("access.young_people", model.nobs), age=_age(age_band))
                if region == "all" else
                tx("access.reg_borrowed", n=tx.plural("access.young_people", model.nobs), age=_age(age_band),
                   where=where(tx, pack, region), own=tx.plural("access.young_people", len(people))))
    if model.truth:
        said.append(tx("access.reg_truth", country=area_name(tx, areas(pack)[0])))
    frame = tab.reset_index()
    shown = frame.assign(
        covariate=[tx(f"access.cov_{c}") for c in frame["covariate"]],
        or_ci=[_interval(tx, a, b, 2) for a, b in zip(frame.or_low, frame.or_high, strict=True)],
        ame=100 * frame["ame"],
        ame_ci=[_interval(tx, 100 * a, 100 * b, 2) for a, b in zip(frame.ame_low, frame.ame_high, strict=True)])
    columns = ["covariate", "odds_ratio", "or_ci", "ame", "ame_ci"] + (["true_odds_ratio"] if model.truth else [])
    view = TableView(shown, tx, {c: tx(f"access.col_{c}") for c in columns},
                     {"odds_ratio": 2, "ame": 2, "true_odds_ratio": 2})
    return Panel(Reading(numbers, said, importance=1, modelled=bool(model.truth)), view=view,
                 result=_AreaModel(model, tab))


class _AreaModel:
    """The national model with its effects averaged over one area."""

    def __init__(self, model: pm.EnrolmentModel, table):
        self.model, self.table = model, table

    def to_frame(self):
        return self.table.reset_index()

    def summary(self) -> str:
        return self.model.summary()


@builder
def decomposition_panel(pack, region: str = "all", age_band: str = "17-24", language: str = "en") -> Panel:
    """The urban–rural participation gap: the part each characteristic goes with and the rest, with intervals.

    In an area without rural people the section does not apply: the panel is marked so and
    the page leaves the section out.

    Parameters
    ----------
    pack : analytics.packs.load.Pack
        The country pack (``load_pack("tjk")``).
    region : str
        ISO 3166-2 code of a region of the pack (e.g. ``"TJ-GB"``), or ``"all"`` for the country.
    age_band : {"17-24", "25-34"}
        Age band, in years, of the people whose participation is described.
    language : str
        Language of the sentences, labels and number format: one of the pack's reader
        languages (``"en"``, ``"ru"``, ``"tg"`` for Tajikistan).

    Returns
    -------
    Panel
        A bar chart of the parts of the urban–rural gap (percentage points, 95 % intervals);
        sentences on the gap, the part explained and the rest; ``result`` the decomposition
        (parts under each reference coefficient set). Not applicable (``applies=False``) in
        an area without rural people.
    """
    import plotly.graph_objects as go

    _check(pack, region, age_band)
    tx = pack.texts(language)
    place = where(tx, pack, region)
    if not has_rural(pack, region):
        return Panel(Reading(sentences=[tx("access.dec_urban_only", where=place)]), applies=False)
    location = participation.gap_table(pack.learners, pack.institutions, pack.population, region, age_band).parity
    location = location[location["index"] == "location_parity_index"]
    if location["suppressed"].any():
        return Panel(Reading(sentences=[tx("access.dec_too_few", where=place, min=MIN_SAMPLE)]))
    held = dec_mod.equal_by_construction(in_region(pack.population, region), age_band)
    dec = dec_mod.decompose_urban_rural(in_region(pack.learners, region), age_band, held=held)
    iv = dec.intervals
    names = [*dec.parts.index, "unexplained"]
    labels = [tx(f"access.part_{p.replace(' ', '_')}") for p in names]
    fig = go.Figure(go.Bar(
        x=[100 * iv.loc[p, "estimate"] for p in names], y=labels, orientation="h",
        error_x={"type": "data", "symmetric": False,
                 "array": [100 * (iv.loc[p, "high"] - iv.loc[p, "estimate"]) for p in names],
                 "arrayminus": [100 * (iv.loc[p, "estimate"] - iv.loc[p, "low"]) for p in names]},
        marker_color=["#4c78a8"] * len(dec.parts) + ["#bab0ac"],
        hovertemplate="%{y}: %{x:+.1f} " + html.escape(tx("access.pp_short"), quote=False) + "<extra></extra>"))
    fig.update_layout(title=title(tx, tx("access.waterfall_title", where=place, age=_age(age_band)),
                                  pack.is_modelled("learners")),
                      xaxis_title=tx("access.pp"), template="plotly_white", height=380, showlegend=False,
                      yaxis={"autorange": "reversed"}, margin={"l": 10, "r": 10})
    explained = dec.parts.sort_values()
    biggest = explained.index[-1]
    refs = dec.references
    unclear = iv.loc["explained", "low"] <= 0 <= iv.loc["explained", "high"]
    said = [tx("access.dec_sentence_1_unclear" if unclear else "access.dec_sentence_1", gap=100 * dec.total, gap_ci=_interval(tx, 100 * iv.loc["total", "low"],
                                                                           100 * iv.loc["total", "high"]),
               exp=100 * iv.loc["explained", "estimate"],
               exp_ci=_interval(tx, 100 * iv.loc["explained", "low"], 100 * iv.loc["explained", "high"]),
               part=tx(f"access.part_{biggest.replace(' ', '_')}").lower(), pp=100 * explained[biggest]),
            tx("access.dec_sentence_2", rest=100 * dec.unexplained,
               rest_ci=_interval(tx, 100 * iv.loc["unexplained", "low"], 100 * iv.loc["unexplained", "high"]),
               ref_low=100 * min(refs), ref_high=100 * max(refs))]
    if "female" in held:
        said.append(tx("access.dec_held_sex"))
    rows = dec.to_frame()
    parts = rows[rows["reference"] == "pooled"]
    view = TableView(parts.assign(part=[tx(f"access.part_{p.replace(' ', '_')}") for p in parts["part"]],
                                  pp_ci=[_interval(tx, a, b) for a, b in zip(parts.pp_low, parts.pp_high, strict=True)]),
                     tx, {"part": tx("access.col_part"), "pp": tx("access.col_pp"), "pp_ci": tx("access.col_pp_ci")},
                     {"pp": 1})
    reading = Reading({"gap_pp": 100 * dec.total, "unexplained_pp": 100 * dec.unexplained},
                      said + _modelled(pack, tx), importance=2, modelled=pack.is_modelled("learners"))
    return Panel(reading, figure=localise(fig, language), view=view, result=dec)


@builder
def counterfactual_panel(pack, region: str = "all", age_band: str = "17-24", scenario: str = "online",
                         language: str = "en", fitted: Panel | None = None) -> Panel:
    """Participation now (observed) and its modelled upper bound under an online-study scenario, with a band.

    Parameters
    ----------
    pack : analytics.packs.load.Pack
        The country pack (``load_pack("tjk")``).
    region : str
        ISO 3166-2 code of a region of the pack (e.g. ``"TJ-GB"``), or ``"all"`` for the country.
    age_band : {"17-24", "25-34"}
        Age band, in years, of the people whose participation is described.
    scenario : {"baseline", "online", "online_4g", "online_cheap_data", "online_4g_cheap_data"}
        Online-study scenario: who can study online (device, connection, affordable data)
        now, with 4G everywhere, with cheaper data, or both; ``baseline`` changes nothing.
    language : str
        Language of the sentences, labels and number format: one of the pack's reader
        languages (``"en"``, ``"ru"``, ``"tg"`` for Tajikistan).
    fitted : Panel, optional
        The :func:`regression_panel` of the same pack, whose national model is reused
        (fitted here otherwise).

    Returns
    -------
    Panel
        A bar chart of participation now and its modelled upper bound under the scenario
        (percent, with a 95 % band) for urban and rural people; sentences on the share able
        to study online and the change in location parity; ``result`` the counterfactual by
        district (rates 0–1 with bands, change in percentage points).
    """
    import plotly.graph_objects as go

    _check(pack, region, age_band)
    tx = pack.texts(language)
    learners = in_region(pack.learners, region)
    model = fitted.result.model if fitted is not None else pm.national_fit(pack)
    cf = cf_mod.counterfactual(model, learners, pack.connectivity, pack.plans, pack.incomes, scenario, age_band)
    people = learners[learners["age_band"] == age_band]
    big = [k for k in ("urban", "rural")
           if participation.effective_sample(people.loc[people["settlement"] == k, "weight"]) >= MIN_SAMPLE]
    s = cf.rates().loc[lambda f: f.index.isin(big)]
    names = [tx(f"access.{k}") for k in s.index]
    hover = "%{fullData.name}<br>%{x}: " + percent_hover("%{y:.1f}", language) + "<extra></extra>"
    fig = go.Figure([
        go.Bar(name=tx("access.now"), x=names, y=100 * s["now"], hovertemplate=hover),
        go.Bar(name=tx(f"param.scenario.{scenario}"), x=names, y=100 * s["scenario"], hovertemplate=hover,
               error_y={"type": "data", "symmetric": False, "array": 100 * (s["scenario_high"] - s["scenario"]),
                        "arrayminus": 100 * (s["scenario"] - s["scenario_low"])})])
    fig.update_layout(barmode="group", template="plotly_white", height=420, yaxis_title=tx("access.percent"),
                      title=title(tx, tx("access.cf_title", where=where(tx, pack, region), age=_age(age_band)), True),
                      legend={"orientation": "h", "y": -0.15})
    numbers = {"online_capable_pct": 100 * cf.capable_share}
    said = [tx("access.cf_sentence_1", capable=100 * cf.capable_share, scenario=tx(f"param.scenario.{scenario}"),
               share=100 * cf.needs.affordability_share)]
    ranges = cf_mod.StudyNeeds.RANGES
    if "rural" in s.index and "urban" in s.index:
        lpi_now, lpi_then = cf.location_parity
        r = s.loc["rural"]
        numbers.update(participation_rural_pct=100 * r.now, rural_scenario_pct=100 * r.scenario,
                       lpi_now=lpi_now, lpi_scenario=lpi_then)
        said.append(tx("access.cf_sentence_2", rural_now=100 * r.now, rural_then=100 * r.scenario,
                       band=_interval(tx, 100 * r.scenario_low, 100 * r.scenario_high), lpi_now=lpi_now,
                       lpi_then=lpi_then))
    elif s.empty:
        said.append(tx("access.cf_too_few", min=MIN_SAMPLE))
    elif has_rural(pack, region):  # one of town and village has too few people in the sample
        g = s.iloc[0]
        said.append(tx(f"access.cf_sentence_{s.index[0]}_only", now=100 * g.now, then=100 * g.scenario,
                       band=_interval(tx, 100 * g.scenario_low, 100 * g.scenario_high), min=MIN_SAMPLE))
    else:
        u = s.iloc[0]
        numbers.update(participation_pct=100 * u.now, scenario_pct=100 * u.scenario)
        said.append(tx("access.cf_sentence_urban", now=100 * u.now, then=100 * u.scenario,
                       band=_interval(tx, 100 * u.scenario_low, 100 * u.scenario_high)))
    said.append(tx("access.cf_band", h_lo=ranges["hours_per_week"][0], h_hi=ranges["hours_per_week"][1],
                   m_lo=ranges["content_mbps"][0], m_hi=ranges["content_mbps"][1],
                   s_lo=100 * ranges["affordability_share"][0], s_hi=100 * ranges["affordability_share"][1],
                   sd_lo=ranges["within_fifth_log_sd"][0], sd_hi=ranges["within_fifth_log_sd"][1]))
    return Panel(Reading(numbers, said + _modelled(pack, tx), importance=3, modelled=True,
                         headline={"online_capable_pct": tx("access.headline_online")}),
                 figure=localise(fig, language), result=cf)
