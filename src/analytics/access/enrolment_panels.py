"""Model-based panels of notebook 01_access_gaps: the enrolment regression, the urban–rural
decomposition and the online-study counterfactual (see :mod:`.panels` for the descriptive ones)."""

from __future__ import annotations

import html

from ..core.cache import computed
from ..core.numbers import percent_hover
from ..models import cascade as cascade_mod
from ..models.intervals import REPLICATES
from ..report import sentences
from ..report.areas import area_name, areas, in_region, where
from ..report.figures import localise, title, white_figure
from ..report.panel import Panel, Reading
from ..report.sentences import MIN_SAMPLE, price_point_note
from ..report.session import builder
from ..report.views import TableView
from . import counterfactual as cf_mod
from . import decomposition as dec_mod
from . import enrolment as pm
from . import participation
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
    check_area_and_age(pack, region, age_band)
    tx = pack.texts(language)
    model = pm.national_fit(pack)
    people = in_region(pack.learners, region)
    effects = pm.for_area(model, people[people["age_band"] == age_band])
    frame = effects.frame
    tab = frame.set_index("covariate")
    numbers, said = {}, []
    for cov, key in (("distance_per_10km", "access.reg_distance"), ("internet", "access.reg_internet"),
                     ("quintile", "access.reg_income")):
        r = tab.loc[cov]
        numbers[f"ame_{cov}_pp"] = 100 * r.ame
        said.append(sentences.effect(tx, key, 100 * r.ame, 100 * r.ame_low, 100 * r.ame_high))
    said.append(tx("access.reg_national", n=tx.plural("access.young_people", model.nobs), age=age_text(age_band))
                if region == "all" else
                tx("access.reg_borrowed", n=tx.plural("access.young_people", model.nobs), age=age_text(age_band),
                   where=where(tx, pack, region), own=tx.plural("access.young_people", len(people))))
    if model.truth:
        said.append(tx("access.reg_truth", country=area_name(tx, areas(pack)[0])))
    shown = frame.assign(
        covariate=[tx(f"access.cov_{c}") for c in frame["covariate"]],
        or_ci=[interval_text(tx, a, b, 2) for a, b in zip(frame.odds_ratio_low, frame.odds_ratio_high, strict=True)],
        ame=100 * frame["ame"],
        ame_ci=[interval_text(tx, 100 * a, 100 * b, 2) for a, b in zip(frame.ame_low, frame.ame_high, strict=True)])
    columns = ["covariate", "odds_ratio", "or_ci", "ame", "ame_ci"] + (["true_odds_ratio"] if model.truth else [])
    view = TableView(shown, tx, {c: tx(f"access.col_{c}") for c in columns},
                     {"odds_ratio": 2, "ame": 2, "true_odds_ratio": 2})
    return Panel(Reading(numbers, sample_said(pack, tx, said), importance=1, modelled=bool(model.truth),
                         grade=sample_grade(pack)), view=view,
                 result=effects)


@builder
def decomposition_panel(pack, region: str = "all", age_band: str = "17-24", n_replicates: int = REPLICATES,
                        language: str = "en") -> Panel:
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
    n_replicates : int
        Bootstrap resamples behind every 95 % interval (500 by default; fewer: faster, rougher bounds).
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

    check_area_and_age(pack, region, age_band)
    tx = pack.texts(language)
    place = where(tx, pack, region)
    if not has_rural(pack, region):
        return Panel(Reading(sentences=[tx("access.dec_urban_only", where=place)]), applies=False)
    if participation.location_suppressed(in_region(pack.learners, region), age_band):
        return Panel(Reading(sentences=[tx("access.dec_too_few", where=place, min=MIN_SAMPLE)]))
    held = dec_mod.equal_by_construction(in_region(pack.population, region), age_band)
    dec = computed(pack, "access.decomposition", (region, age_band, tuple(held), n_replicates),
                   lambda: dec_mod.decompose_urban_rural(in_region(pack.learners, region), age_band, held=held,
                                                         replicates=n_replicates))
    iv = dec.intervals
    names = [*dec.parts.index, "unexplained"]
    labels = [tx(f"access.part_{p.replace(' ', '_')}") for p in names]
    fig = white_figure(go.Bar(
        x=[100 * iv.loc[p, "estimate"] for p in names], y=labels, orientation="h",
        error_x={"type": "data", "symmetric": False,
                 "array": [100 * (iv.loc[p, "high"] - iv.loc[p, "estimate"]) for p in names],
                 "arrayminus": [100 * (iv.loc[p, "estimate"] - iv.loc[p, "low"]) for p in names]},
        marker_color=["#4c78a8"] * len(dec.parts) + ["#bab0ac"],
        hovertemplate="%{y}: %{x:+.1f} " + html.escape(tx("access.pp_short"), quote=False) + "<extra></extra>"))
    fig.update_layout(title=sample_title(pack, tx, tx("access.waterfall_title", where=place, age=age_text(age_band))),
                      xaxis_title=tx("access.pp"), height=380, showlegend=False,
                      yaxis={"autorange": "reversed"}, margin={"l": 10, "r": 10})
    explained = dec.parts.sort_values()
    biggest = explained.index[-1]
    refs = dec.references
    unclear = iv.loc["explained", "low"] <= 0 <= iv.loc["explained", "high"]
    said = [tx("access.dec_sentence_1_unclear" if unclear else "access.dec_sentence_1", gap=100 * dec.total, gap_ci=interval_text(tx, 100 * iv.loc["total", "low"],
                                                                           100 * iv.loc["total", "high"]),
               exp=100 * iv.loc["explained", "estimate"],
               exp_ci=interval_text(tx, 100 * iv.loc["explained", "low"], 100 * iv.loc["explained", "high"]),
               part=tx(f"access.part_{biggest.replace(' ', '_')}").lower(), pp=100 * explained[biggest]),
            tx("access.dec_sentence_2", rest=100 * dec.unexplained,
               rest_ci=interval_text(tx, 100 * iv.loc["unexplained", "low"], 100 * iv.loc["unexplained", "high"]),
               ref_low=100 * min(refs), ref_high=100 * max(refs))]
    if "female" in held:
        said.append(tx("access.dec_held_sex"))
    rows = dec.to_frame()
    parts = rows[rows["reference"] == "pooled"]
    view = TableView(parts.assign(part=[tx(f"access.part_{p.replace(' ', '_')}") for p in parts["part"]],
                                  pp_ci=[interval_text(tx, a, b) for a, b in zip(parts.pp_low, parts.pp_high, strict=True)]),
                     tx, {"part": tx("access.col_part"), "pp": tx("access.col_pp"), "pp_ci": tx("access.col_pp_ci")},
                     {"pp": 1})
    reading = Reading({"gap_pp": 100 * dec.total, "unexplained_pp": 100 * dec.unexplained},
                      sample_said(pack, tx, said), importance=2, modelled=pack.is_modelled("learners"), grade=sample_grade(pack))
    return Panel(reading, figure=localise(fig, language), view=view, result=dec)


def _change_text(tx, row) -> dict[str, str]:
    """The modelled change of a row in percentage points and its 95 % band, in the page's number format."""
    return {"change": tx.number(row.change_pp, 1), "band": interval_text(tx, row.change_pp_low, row.change_pp_high)}


@builder
def counterfactual_panel(pack, region: str = "all", age_band: str = "17-24", scenario: str = "baseline",
                         n_draws: int = cf_mod.DRAWS, language: str = "en", fitted: Panel | None = None) -> Panel:
    """Participation now (observed) and its modelled upper bound under an online-study scenario, with a band.

    Parameters
    ----------
    pack : analytics.packs.load.Pack
        The country pack (``load_pack("tjk")``).
    region : str
        ISO 3166-2 code of a region of the pack (e.g. ``"TJ-GB"``), or ``"all"`` for the country.
    age_band : {"17-24", "25-34"}
        Age band, in years, of the people whose participation is described.
    scenario : str
        A named scenario of the pack's ``scenarios.yaml`` (``"baseline"``, ``"4g_expansion"`` …):
        its access levers say who can study online (device, connection under its 4G
        coverage, data affordable at its price).
    n_draws : int
        Draws of the model's coefficients, the study needs and the sample behind the band (200 by default).
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

    check_area_and_age(pack, region, age_band)
    tx = pack.texts(language)
    learners = in_region(pack.learners, region)
    levers = pack.scenario(scenario).access
    cf = computed(pack, "access.counterfactual", (region, age_band, scenario, n_draws), lambda: cf_mod.counterfactual(
        fitted.result.model if fitted is not None else pm.national_fit(pack), learners,
        cascade_mod.of(pack, scenario).within(region), scenario, age_band, draws=n_draws, online=levers["online"]))
    people = learners[learners["age_band"] == age_band]
    big = [k for k in ("urban", "rural")
           if participation.effective_sample(people.loc[people["settlement"] == k, "weight"]) >= MIN_SAMPLE]
    s = cf.rates().loc[lambda f: f.index.isin(big)]
    names = [tx(f"access.{k}") for k in s.index]
    hover = "%{fullData.name}<br>%{x}: " + percent_hover("%{y:.1f}", language) + "<extra></extra>"
    fig = white_figure([
        go.Bar(name=tx("access.now"), x=names, y=100 * s["now"], hovertemplate=hover),
        go.Bar(name=tx(f"param.scenario.{scenario}"), x=names, y=100 * s["under_scenario"], hovertemplate=hover,
               # the band of the modelled change on top of today's level: it never dips below today
               error_y={"type": "data", "symmetric": False, "array": s["change_pp_high"] - s["change_pp"],
                        "arrayminus": s["change_pp"] - s["change_pp_low"]})])
    fig.update_layout(barmode="group", height=420, yaxis_title=tx("access.percent"),
                      title=title(tx, tx("access.cf_title", where=where(tx, pack, region), age=age_text(age_band)), True),
                      legend={"orientation": "h", "y": -0.15})
    numbers = {"online_capable_pct": 100 * cf.capable_share}
    said = [tx("access.cf_sentence_1", capable=100 * cf.capable_share, scenario=tx(f"param.scenario.{scenario}"),
               share=100 * cf.needs.affordability_share)]
    ranges = cf_mod.StudyNeeds.RANGES
    if "rural" in s.index and "urban" in s.index:
        lpi_now, lpi_then = cf.location_parity
        r = s.loc["rural"]
        numbers.update(participation_rural_pct=100 * r.now, rural_scenario_pct=100 * r.under_scenario,
                       lpi_now=lpi_now, lpi_scenario=lpi_then)
        same = round(lpi_now, 2) == round(lpi_then, 2)  # "from 0.44 to 0.44" read as nonsense
        said.append(tx("access.cf_sentence_2_same" if same else "access.cf_sentence_2", rural_now=100 * r.now, rural_then=100 * r.under_scenario,
                       **_change_text(tx, r), lpi_now=lpi_now, lpi_then=lpi_then))
    elif s.empty:
        said.append(tx("access.cf_too_few", min=MIN_SAMPLE))
    elif has_rural(pack, region):  # one of town and village has too few people in the sample
        g = s.iloc[0]
        said.append(tx(f"access.cf_sentence_{s.index[0]}_only", now=100 * g.now, then=100 * g.under_scenario,
                       **_change_text(tx, g), min=MIN_SAMPLE))
    else:
        u = s.iloc[0]
        numbers.update(participation_pct=100 * u.now, scenario_pct=100 * u.under_scenario)
        said.append(tx("access.cf_sentence_urban", now=100 * u.now, then=100 * u.under_scenario, **_change_text(tx, u)))
    # the first sentence is the access cascade's share and the last ones the study needs' ranges and the price of
    # data: only the participation sentences between them come from the learner sample
    said = [said[0], *sample_said(pack, tx, said[1:])]
    said.append(tx("access.cf_band", h_lo=ranges["hours_per_week"][0], h_hi=ranges["hours_per_week"][1],
                   m_lo=ranges["content_mbps"][0], m_hi=ranges["content_mbps"][1],
                   s_lo=100 * ranges["affordability_share"][0], s_hi=100 * ranges["affordability_share"][1],
                   sd_lo=ranges["within_fifth_log_sd"][0], sd_hi=ranges["within_fifth_log_sd"][1]))
    said += price_point_note(pack, tx, pack.scenario(scenario).connectivity)
    return Panel(Reading(numbers, said, importance=3, modelled=True, grade=sample_grade(pack),
                         headline={"online_capable_pct": tx("access.headline_online")}),
                 figure=localise(fig, language), result=cf)
