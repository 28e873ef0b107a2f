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

from ..core.cache import computed
from ..core.errors import ParameterError
from ..models.intervals import REPLICATES
from ..report.areas import district_names, in_region, where
from ..report.figures import choropleth, title
from ..report.panel import Panel, Reading
from ..report.sentences import MIN_SAMPLE, SUPPRESSED_MARK
from ..report.session import builder
from ..report.views import TableView
from . import distance, participation
from .common import (
    age_text,
    check_area_and_age,
    has_rural,
    interval_text,
    sample_grade,
    sample_said,
    sample_title,
)


@builder
def gap_panel(pack, region: str = "all", age_band: str = "17-24", n_replicates: int = REPLICATES,
              language: str = "en") -> Panel:
    """Participation by settlement, with adjusted gender, location and wealth parity indices and intervals.

    Parameters
    ----------
    pack : analytics.packs.load.Pack
        The country pack (``load_pack("tjk")``).
    region : str
        ISO 3166-2 code of a region of the pack (e.g. ``"TJ-GB"``), or ``"all"`` for the country.
    age_band : {"17-24", "25-34"}
        Age band, in years, of the people whose participation is described.
    n_replicates : int
        Bootstrap resamples behind every 95 % interval (500 by default; fewer: faster, rougher bounds).
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
    check_area_and_age(pack, region, age_band)
    tx = pack.texts(language)
    gt = computed(pack, "access.gap_table", (region, age_band, n_replicates), lambda: participation.gap_table(
        pack.learners, pack.institutions, pack.population, region, age_band, n_replicates))  # each language reads it
    par = gt.parity.set_index("index")
    place = where(tx, pack, region)
    numbers, said = {}, []
    rural = has_rural(pack, region) and "location_parity_index" in par.index
    loc = par.loc["location_parity_index"] if rural else None
    if rural and not loc.suppressed:
        numbers.update(participation_urban_pct=100 * loc.advantaged, participation_rural_pct=100 * loc.disadvantaged,
                       location_parity_index=loc.parity_adjusted)
        said.append(tx("access.gap_sentence_1", where=place, age=age_text(age_band), urban=100 * loc.advantaged,
                       rural=100 * loc.disadvantaged, lpi=loc.parity_adjusted, lo=loc.parity_adjusted_low,
                       hi=loc.parity_adjusted_high, gap=loc.gap_pp))
    else:
        rate = participation.participation(in_region(pack.learners, region), [], age_band).iloc[0]
        numbers["participation_pct"] = 100 * rate["rate"]
        said.append(tx("access.gap_sentence_urban" if not rural else "access.gap_sentence_all", where=place,
                       age=age_text(age_band), rate=100 * rate["rate"]))
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
        parity_ci=[SUPPRESSED_MARK if r.suppressed else interval_text(tx, r.parity_adjusted_low, r.parity_adjusted_high, 2)
                   for r in shown.itertuples()],
        gap_pp=[SUPPRESSED_MARK if s else v for v, s in zip(shown["gap_pp"], shown["suppressed"], strict=True)],
        gap_ci=[SUPPRESSED_MARK if r.suppressed else interval_text(tx, r.gap_pp_low, r.gap_pp_high)
                for r in shown.itertuples()])
    labels = {c: tx(f"access.col_{c}") for c in ("index", "disadvantaged", "advantaged", "parity",
                                                   "parity_adjusted", "parity_ci", "gap_pp", "gap_ci")}
    view = TableView(view_frame, tx, labels, {"disadvantaged": 1, "advantaged": 1, "parity": 2,
                                              "parity_adjusted": 2, "gap_pp": 1})
    if shown["suppressed"].any():
        said.append(tx.plural("suppressed_note", MIN_SAMPLE))
    overall = participation.participation(in_region(pack.learners, region), [], age_band).iloc[0]
    numbers["participation_pct"] = 100 * overall["rate"]
    headline = {"participation_pct": tx("access.headline_participation", age=age_text(age_band))}
    if "location_parity_index" in numbers:
        headline["location_parity_index"] = tx("access.location_parity_index")
    return Panel(Reading(numbers, sample_said(pack, tx, said), importance=3, modelled=pack.is_modelled("learners"), grade=sample_grade(pack),
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
    check_area_and_age(pack, region, age_band)
    tx = pack.texts(language)
    rates = participation.district_rates(in_region(pack.learners, region), age_band)
    d = pack.districts.merge(rates, on="district_code", how="inner")
    d["rate_pct"] = 100 * d["rate"]
    d["name"] = district_names(tx, d["district_code"])
    heading = sample_title(pack, tx, tx("access.map_participation", where=where(tx, pack, region),
                                        age=age_text(age_band)))
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
                   high_ci=interval_text(tx, 100 * top.rate_low, 100 * top.rate_high))
    else:
        top, low = kept.iloc[-1], kept.iloc[0]
        numbers = {"highest_district_pct": top.rate_pct, "lowest_district_pct": low.rate_pct}
        first = tx("access.map_sentence_1", min=MIN_SAMPLE, high=top["name"], high_v=top.rate_pct,
                   high_ci=interval_text(tx, 100 * top.rate_low, 100 * top.rate_high), low=low["name"],
                   low_v=low.rate_pct, low_ci=interval_text(tx, 100 * low.rate_low, 100 * low.rate_high))
    n = int(d["sample"].sum())
    grey = int(d["suppressed"].sum())
    said = [first, tx("access.map_sentence_2" if grey else "access.map_sentence_2_all",
                      people=tx.plural("access.young_people", n), min=MIN_SAMPLE, grey=grey, age=age_text(age_band))]
    return Panel(Reading(numbers, sample_said(pack, tx, said), importance=1, modelled=pack.is_modelled("learners"), grade=sample_grade(pack)),
                 figure=fig, result=participation.DistrictRates(rates))



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
    check_area_and_age(pack, region, age_band)
    if not 0.25 <= grid_km <= 50:
        raise ParameterError(f"grid_km is {grid_km!r}; expected a cell size between 0.25 and 50 km")
    tx = pack.texts(language)
    result = computed(pack, "access.distance", (region, grid_km, age_band),
                      lambda: distance.for_area(pack, region, grid_km, age_band))
    shares = result.shares
    d = pack.districts.merge(result.by_district, on=["district_code", "region_code"])
    d["name"] = district_names(tx, d["district_code"])
    modelled = pack.is_modelled("population")
    heading = title(tx, tx("access.map_distance", where=where(tx, pack, region)), modelled)
    fig = choropleth(d, "district_code", "mean_km", "name", heading, tx("access.km"), hover_format=".0f",
                     color_scale="Oranges", language=language)
    far = d.sort_values("mean_km").iloc[-1]
    said = [tx("access.distance_sentence_1" if shares["beyond_25km"] > 0 else "access.distance_sentence_near",
               where=where(tx, pack, region), age=age_text(age_band),
               b25=100 * shares["beyond_25km"], b50=100 * shares["beyond_50km"], b100=100 * shares["beyond_100km"]),
            tx("access.distance_sentence_2" if len(d) > 1 else "access.distance_sentence_one", far=far["name"],
               km=far.mean_km, cells=tx.plural("access.cells", result.cells), size=grid_km)]
    if modelled:
        said.append(tx("access.modelled_population"))
    if "settlements" not in pack.tables:  # placed by the old rule (distance.pack_places)
        said.append(tx("access.places_unknown"))
    reading = Reading({k + "_pct": 100 * v for k, v in shares.items()} | {"grid_cells": result.cells}, said,
                      importance=2, modelled=modelled, grade="modelled" if modelled else "measured",
                      headline={"beyond_25km_pct": tx("access.headline_far")})
    return Panel(reading, figure=fig, result=result)


# the model-based panels live in enrolment_panels.py; the notebook reaches all of them here
from .enrolment_panels import counterfactual_panel, decomposition_panel, regression_panel  # noqa: E402, F401
