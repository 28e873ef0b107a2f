"""Panels of notebook 02_connectivity: who can take which format, what it costs, what it puts on the network.

Every panel rests on the pack's connectivity, devices, incomes, plans and institutions tables; for
Tajikistan all of them are modelled (speeds, where an Ookla file has been ingested, are measured),
and each panel says so in a sentence of its own.
"""

from __future__ import annotations

import html
import math
import textwrap

import plotly.graph_objects as go

from ..core.cache import computed
from ..core.numbers import percent_hover
from ..models import capacity as cap_mod
from ..models import cascade as cascade_mod
from ..models import readiness
from ..models.affordability import StudyNeeds
from ..models.cascade_panel import TABLES as CASCADE_TABLES
from ..models.content_profiles import PROFILES, profile, profile_table
from ..report.areas import check_region, district_names, in_region, where
from ..report.figures import choropleth, localise, title, white_figure
from ..report.panel import Panel, Reading, answer, short_grade
from ..report.sentences import modelled_note, price_point_note
from ..report.session import builder
from ..report.views import TableView
from . import data_costs

#: Hours of study a week behind every figure of the page: the study needs' central choice.
HOURS_PER_WEEK = StudyNeeds.hours_per_week
#: Share of learners online at the busiest hour (choice, :data:`analytics.models.capacity.CONCURRENCY`).
CONCURRENCY = cap_mod.CONCURRENCY
#: Capacity of one research circuit, Mbps (CAREN3 gave 1 Gbps circuits from Dushanbe).
CIRCUIT_MBPS = 1000.0




def levers(pack, scenario: str) -> dict:
    """The connectivity levers (``speed_uplift``, ``price_factor``) of a named scenario of the pack."""
    return pack.scenario(scenario).connectivity


@builder
def reach_panel(pack, region: str = "all", content_profile: str = "video_360p", speed_uplift: float = 0.0,
                scenario: str = "baseline", language: str = "en") -> Panel:
    """Who can take a kind of course content over their connection and device, by district.

    Parameters
    ----------
    pack : analytics.packs.load.Pack
        The country pack.
    region : str
        ISO 3166-2 code of a region of the pack, or ``"all"`` for the country.
    content_profile : str
        One of :data:`~analytics.models.content_profiles.PROFILES` (``"video_360p"`` …).
    speed_uplift : float
        Factor on every speed (1 = today), > 0; 0 for the scenario's.
    scenario : str
        A named scenario of the pack's ``scenarios.yaml``: its ``connectivity.speed_uplift``
        applies when ``speed_uplift`` is 0, and its ``access.rural_4g_at_least`` raises rural
        mobile coverage.
    language : str
        One of the pack's reader languages.

    Returns
    -------
    Panel
        A map of the share (percent) of people able to take the profile by district; sentences on
        the area's share (towns and villages), the readiness index (0–100) with its formula and the
        hours to fetch a week's offline package; a table of every profile with the share able and
        its data needs; ``result`` the :class:`~.readiness.Readiness` (shares 0–1 by district ×
        settlement × income fifth × profile, with the connection and device shares behind them).
    """
    check_region(pack, region)
    asked, speed_uplift = speed_uplift, speed_uplift or levers(pack, scenario)["speed_uplift"]
    prof = profile(content_profile)
    tx = pack.texts(language)
    ready, by_d, by_s, share, index, idx, hours, table = computed(
        pack, "connectivity.reach", (region, prof.name, speed_uplift, scenario),
        lambda: _reach(pack, region, prof.name, speed_uplift, scenario))
    d = pack.districts.merge(by_d, on="district_code", how="inner")
    d["share_pct"] = 100 * d["capable_share"]
    d["name"] = district_names(tx, d["district_code"])
    place, name = where(tx, pack, region), tx(f"param.content_profile.{prof.name}")
    modelled = pack.is_modelled("connectivity") or pack.is_modelled("devices")
    fig = choropleth(d, "district_code", "share_pct", "name",
                     title(tx, tx("conn.map_title", profile=name, where=place), modelled), tx("conn.percent"),
                     hover_format=".0f", color_scale="Purples", language=language)
    fig.update_traces(zmin=0, zmax=100)  # shares on one scale in every region and format
    said = [tx("conn.reach_both" if {"urban", "rural"} <= set(by_s.index) else "conn.reach_one",
               where=place, profile=name, share=100 * share, urban=100 * by_s.get("urban", 0.0),
               rural=100 * by_s.get("rural", 0.0))]
    if len(idx) > 1:
        low, high = idx.iloc[0], idx.iloc[-1]
        tied = idx[idx["readiness_index"].round(0) == round(low.readiness_index)]  # equal as the reader sees them
        lowest = tx(f"district.{low.district_code}") if len(tied) == 1 else tx("conn.districts_tied", n=len(tied))
        said.append(tx("conn.index_range", index=index, high=tx(f"district.{high.district_code}"),
                       high_v=high.readiness_index, low=lowest, low_v=low.readiness_index))
    else:
        said.append(tx("conn.index_one", index=index))
    one = "district_code" in hours and hours["district_code"].nunique() == 1  # a city-region is one district
    said.append(tx("conn.package_one" if one else "conn.package", gb=float(hours["package_gb"].iloc[0]),
                   median=float(hours["hours"].median()), worst=float(hours["hours"].max()), hours_week=HOURS_PER_WEEK))
    shown = table.assign(profile=[tx(f"param.content_profile.{p}") for p in table["profile"]],
                         capable_share=100 * table["capable_share"])
    view = TableView(shown[["profile", "capable_share", "down_mbps", "up_mbps", "gb_per_month"]], tx,
                     {c: tx(f"conn.col_{c}") for c in ("profile", "capable_share", "down_mbps", "up_mbps",
                                                        "gb_per_month")},
                     {"capable_share": 1, "down_mbps": 2, "up_mbps": 2, "gb_per_month": 1})
    reading = Reading({"capable_pct": 100 * share, "readiness_score": index}, said + modelled_note(pack, tx, "conn.modelled", ("connectivity", "devices")), importance=3, modelled=modelled,
        grade="modelled", headline={"readiness_score": tx("conn.headline_index")},
        answers=[_answer_q2(pack, tx, region, scenario, place)],
        effective={} if asked else {"speed_uplift": float(speed_uplift)})
    return Panel(reading, figure=localise(fig, language), view=view, result=ready)


def _reach(pack, region: str, content_profile: str, speed_uplift: float, scenario: str) -> tuple:
    """The numbers :func:`reach_panel` reads, whatever the page's language (made once per run in a batch run):
    the :class:`~.readiness.Readiness` of every profile; for ``content_profile`` the capable share by district
    and by settlement (0–1) and for the area; the readiness index (0–100) of the area and by district; the
    hours to fetch a week's package; every profile's data needs with its capable share."""
    conn = readiness.with_rural_coverage(in_region(readiness.connectivity_of(pack), region),
                                         pack.scenarios[scenario].access["rural_4g_at_least"])
    ready = readiness.readiness(conn, pack.devices, hours_per_week=HOURS_PER_WEEK, speed_uplift=speed_uplift,
                                use_share=cascade_mod.calibration_of(pack).by_group())
    part = readiness.Readiness(ready.frame[ready.frame["profile"] == content_profile], HOURS_PER_WEEK, speed_uplift)
    by_s = part.by_area(["settlement"]).set_index("settlement")["capable_share"]
    share = float(part.by_area(["profile"])["capable_share"].iloc[0])
    index = float(ready.index()["readiness_index"].iloc[0])
    idx = ready.index(["district_code"]).sort_values("readiness_index")
    hours = readiness.download_hours(conn, HOURS_PER_WEEK, speed_uplift)
    table = profile_table(HOURS_PER_WEEK).merge(ready.by_area(["profile"])[["profile", "capable_share"]], on="profile")
    return ready, part.by_area(["district_code"]), by_s, share, index, idx, hours, table


def _answer_q2(pack, tx, region: str, scenario: str, place: str) -> dict:
    """Question 2 (can students take online courses over today's internet?): the access cascade's last step."""
    share = cascade_mod.of(pack, scenario).within(region).by_area().set_index("step")["step_share"]
    afford, speed = 100 * share[cascade_mod.STEPS[-1]], 100 * share[cascade_mod.STEPS[-2]]
    level = "few" if afford < 100 / 3 else "part" if afford <= 200 / 3 else "most"  # the survey answer's thirds
    priced = price_point_note(pack, tx, levers(pack, scenario))  # how recent "today's" price of data is
    return answer("q2", " ".join([tx("conn.answer_q2", where=place, afford=afford, speed=speed), *priced]), "modelled",
                  tx("conn.answer_q2_shown", afford=afford), afford, driver="online_share",
                  finding=tx.get("pilot.finding.q2", ""), verdict=tx(f"conn.verdict_q2_{level}", afford=afford))


@builder
def affordability_panel(pack, region: str = "all", content_profile: str = "video_360p",
                        price_per_gb_usd: float = 0.0, scenario: str = "baseline", language: str = "en") -> Panel:
    """What a month of a kind of course content costs, as a share of income, by settlement and income fifth.

    Parameters
    ----------
    pack : analytics.packs.load.Pack
        The country pack.
    region : str
        ISO 3166-2 code of a region, or ``"all"`` (incomes are by settlement and fifth only, so the
        figures are the same for every region).
    content_profile : str
        One of :data:`~analytics.models.content_profiles.PROFILES`.
    price_per_gb_usd : float
        Price of 1 GB of mobile data, USD; 0 for the pack's median mobile plan times the
        scenario's ``connectivity.price_factor``.
    scenario : str
        A named scenario of the pack's ``scenarios.yaml``.
    language : str
        One of the pack's reader languages.

    Returns
    -------
    Panel
        Bars of the month's cost as a percentage of income for each fifth in towns and villages, with
        A4AI's 2 % line; sentences on the poorest and richest groups and on the price per GB that
        would bring the poorest rural fifth to the line; ``result`` the table of costs (USD, shares
        0–1, share of people who can afford it, price to the line in USD per GB).
    """
    check_region(pack, region)
    prof = profile(content_profile)
    tx = pack.texts(language)
    price = price_per_gb_usd or data_costs.price_per_gb(pack.plans)["mobile"] * levers(pack, scenario)["price_factor"]
    aff = data_costs.affordability(pack.incomes, pack.plans, [prof.name], HOURS_PER_WEEK, price)
    f = aff.to_frame()
    name = tx(f"param.content_profile.{prof.name}")
    pop = in_region(pack.population, region)
    present = set(pop.loc[pop["population"] > 0, "settlement"])  # an all-urban city shows its towns alone
    f = f[f["settlement"].isin(present)]
    fig = white_figure()
    hover = "%{fullData.name}<br>%{x}: " + percent_hover("%{y:.1f}", language) + "<extra></extra>"
    for settlement, colour in (("urban", "#4c78a8"), ("rural", "#f58518")):
        g = f[f["settlement"] == settlement].sort_values("quintile")
        if len(g):
            fig.add_bar(name=tx(f"access.{settlement}"), x=[tx("conn.fifth", q=int(q)) for q in g["quintile"]],
                        y=100 * g["cost_share"], marker_color=colour, hovertemplate=hover)
    fig.add_hline(y=100 * data_costs.A4AI_SHARE, line_dash="dash", line_color="#333",
                  annotation_text=html.escape(tx("conn.a4ai_line"), quote=False), annotation_position="top left")
    modelled = pack.is_modelled("incomes") or pack.is_modelled("plans")
    fig.update_layout(barmode="group", height=420, yaxis_title=tx("conn.percent_income"),
                      title=title(tx, tx("conn.cost_title", profile=name), modelled),
                      legend={"orientation": "h", "y": -0.15})
    # the group for whom the month costs most (the poorest fifth where incomes are lowest) and least
    poor, rich = f.loc[f["cost_share"].idxmax()], f.loc[f["cost_share"].idxmin()]
    within = int((f["cost_share"] <= data_costs.A4AI_SHARE).sum())
    kinds = tx("conn.kinds_" + ("both" if len(present) == 2 else next(iter(present))))
    said = [tx("conn.cost_sentence", profile=name, gb=float(poor.gb_per_month), hours=HOURS_PER_WEEK,
               poor=100 * poor.cost_share, rich=100 * rich.cost_share,
               poor_group=tx(f"conn.poorest_{poor.settlement}"), rich_group=tx(f"conn.richest_{rich.settlement}")),
            tx("conn.price_sentence_all" if within == len(f) else "conn.price_sentence" if within
               else "conn.price_sentence_none", price=aff.usd_per_gb, within=within, groups=len(f), kinds=kinds,
               group=tx(f"conn.poorest_{poor.settlement}"), needed=float(poor.price_for_threshold_usd))]
    if region != "all":
        said.append(tx("conn.cost_national"))
    if not price_per_gb_usd:  # priced at the scenario's point of the dated series: say which
        said += price_point_note(pack, tx, levers(pack, scenario))
    reading = Reading({"cost_poorest_pct": 100 * poor.cost_share, "price_usd_per_gb": aff.usd_per_gb},
                      said + modelled_note(pack, tx, "conn.modelled", ("incomes", "plans")), importance=2, modelled=modelled,
                      effective={} if price_per_gb_usd else {"price_per_gb_usd": float(aff.usd_per_gb)})
    return Panel(reading, figure=localise(fig, language), result=aff)


@builder
def capacity_panel(pack, region: str = "all", cache_share: float = 0.5, studying: dict | None = None,
                   busiest: dict | None = None, language: str = "en") -> Panel:
    """The peak traffic online courses would put on the national and international links, and a cache's saving.

    Parameters
    ----------
    pack : analytics.packs.load.Pack
        The country pack.
    region : str
        ISO 3166-2 code of a region, or ``"all"``: whose part-time students who can study online (the
        access cascade's last step) go online.
    cache_share : float
        Share (0–1) of course traffic served from a national cache or mirror.
    studying : dict, optional
        The uptake model's active learners studying at once in the busiest year, in the region
        (persons; ``p10``, ``p50``, ``p90``: :func:`analytics.uptake.runs.peak_studying`): the load is
        that of the ``p50``, with the band in the sentence. Without it, every part-time student who
        can study online is counted (the most who could be online).
    busiest : dict, optional
        The same for the scenario with the most learners at once (``scenario`` and ``p10``, ``p50``,
        ``p90``: :func:`analytics.uptake.runs.busiest_studying`): question 5's answer says how many 1 Gbps
        circuits that option would need.
    language : str
        One of the pack's reader languages.

    Returns
    -------
    Panel
        Bars of the peak load in Gbps (national network; international link without and with the
        cache; LMS servers); sentences on learners online at the peak and the load, on the cache's
        saving and what one 1 Gbps circuit carries, and on the LMS's sessions and traffic; a table of
        the enrolled learners one 1 Gbps circuit carries at each format; ``result`` the load by link
        and server (Mbps, Gbps, sessions).
    """
    check_region(pack, region)
    tx = pack.texts(language)
    learners = in_region(pack.learners, region)
    able = cascade_mod.of(pack).able(learners[learners["part_time"].astype(bool)])  # the most who could be online
    enrolled = able if studying is None else studying["p50"]
    load = cap_mod.capacity(enrolled, CONCURRENCY, cache_share)
    no_cache = cap_mod.capacity(enrolled, CONCURRENCY, 0.0)
    f = load.to_frame().set_index("link")["peak_gbps"]
    before = float(no_cache.to_frame().set_index("link").loc["international", "peak_gbps"])
    labels = [tx("conn.link_national"), tx("conn.link_uncached"), tx("conn.link_cached", share=100 * cache_share),
              tx("conn.link_lms")]
    labels = ["<br>".join(textwrap.wrap(html.escape(x, quote=False), 26)) for x in labels]  # long names wrap
    fig = white_figure(go.Bar(y=labels, x=[f["national"], before, f["international"], f["lms"]], orientation="h",
                           marker_color=["#54a24b", "#e45756", "#72b7b2", "#b279a2"],
                           hovertemplate="%{y}: %{x:.2f} " + html.escape(tx("conn.gbps"), quote=False) + "<extra></extra>"))
    place = where(tx, pack, region)
    modelled = any(pack.is_modelled(t) for t in ("learners", *CASCADE_TABLES))
    fig.update_layout(height=380, xaxis_title=tx("conn.gbps"), showlegend=False,
                      yaxis={"autorange": "reversed", "automargin": True},
                      title=title(tx, tx("conn.capacity_title" if studying is None else "conn.capacity_active_title",
                                         where=place), modelled))  # whose traffic: the sentence's learners
    per_circuit = CIRCUIT_MBPS / (PROFILES["video_360p"].down_mbps * CONCURRENCY)
    peak = float(f"{load.peak_learners:.2g}")  # two significant figures: a modelled count
    said = [tx("conn.capacity_sentence", students=float(f"{able:.2g}"), where=place, peak=peak,
               concurrency=100 * CONCURRENCY, national=float(f["national"])) if studying is None else
            tx("conn.capacity_active_sentence", where=place, students=float(f"{able:.2g}"), peak=peak,
               concurrency=100 * CONCURRENCY, national=float(f["national"]),
               **{k: float(f"{v:.2g}") for k, v in studying.items()}),
            tx("conn.cache_sentence", share=100 * cache_share, before=before, after=float(f["international"]),
               learners=per_circuit),
            tx("conn.lms_sentence", peak=peak, lms=float(f["lms"]))]
    per_link = cap_mod.learners_per_link(CIRCUIT_MBPS, CONCURRENCY)
    per_link["learners"] = per_link["learners"].round(-2)  # a capacity in hundreds of learners
    per_link["profile"] = [tx(f"param.content_profile.{p}") for p in per_link["profile"]]
    view = TableView(per_link, tx, {"profile": tx("conn.col_profile"), "down_mbps": tx("conn.col_down_mbps"),
                                    "learners": tx("conn.col_learners_circuit", concurrency=100 * CONCURRENCY)},
                     {"down_mbps": 2, "learners": 0})
    answers = [] if studying is None else [_answer_q5(pack, tx, studying, cache_share, float(f["national"]), busiest)]
    option = _busiest_option(tx, busiest) if studying is not None else None
    if option:  # the option with the most learners at once, said on the page as the index's answer says it
        said.append(tx("conn.answer_q5_busiest", **option))
    reading = Reading({"peak_national_gbps": float(f["national"]), "peak_learners": load.peak_learners,
                       "peak_lms_gbps": float(f["lms"])},
                      said + modelled_note(pack, tx, "conn.modelled", ("learners", *CASCADE_TABLES)), importance=1,
                      modelled=modelled, grade="modelled", answers=answers)
    return Panel(reading, figure=localise(fig, language), view=view, result=load)


def _busiest_option(tx, busiest: dict | None) -> dict | None:
    """The option with the most learners at once, when the top of its band needs more than one 1 Gbps circuit:
    its name, its load (Gbps, central and top of band) and the circuits each needs; else None."""
    top = None if busiest is None else float(cap_mod.national_gbps(busiest["p90"]))
    if top is None or top <= CIRCUIT_MBPS / 1000:
        return None
    circuits = math.ceil(top / (CIRCUIT_MBPS / 1000))  # enough at the top of that option's band
    mid = float(cap_mod.national_gbps(busiest["p50"]))
    central = max(1, math.ceil(mid / (CIRCUIT_MBPS / 1000)))  # at the central value: the top is said apart
    return {"scenario": tx(f"param.scenario.{busiest['scenario']}"), "circuits": circuits, "central": central,
            "gbps": mid, "high": top, "top_note": tx("conn.q5_top_note", circuits=circuits) if circuits != central else ""}


def _answer_q5(pack, tx, studying: dict, cache_share: float, national: float, busiest: dict | None = None) -> dict:
    """Question 5 (how to use the research network and the LMS): the peak load of the uptake model's
    active learners, in 1 Gbps circuits (judged on the band's top), and what a cache keeps at home; with
    ``busiest``, what the option with the most learners at once would need."""
    low, high = cap_mod.national_gbps(studying["p10"]), cap_mod.national_gbps(studying["p90"])
    fits = "one" if max(high, national) <= CIRCUIT_MBPS / 1000 else "more"
    shown = tx("conn.answer_q5_shown", gbps=national, low=float(low), high=float(high))
    named = {k: f" ({tx(f'pilot.{k}')})" if tx.has(f"pilot.{k}") else "" for k in ("network", "lms")}
    # the lead says what the pilot published about its network and LMS, graded so; only the circuits are modelled
    lead = tx("conn.q5_lead_pilot", net=tx("pilot.network"), lms_name=tx("pilot.lms"),
              said=f" ({short_grade('published', tx)})") if all(
        tx.has(f"pilot.{k}") for k in ("finding.q5", "network", "lms")) else tx("conn.q5_lead", **named)
    text = tx(f"conn.answer_q5_{fits}", shown=shown, share=100 * cache_share, kept=national * cache_share)
    verdict = lead + " " + tx(f"conn.verdict_q5_{fits}")
    option = _busiest_option(tx, busiest)
    if option:
        if fits == "one":  # the baseline fits one circuit, but that is not the whole answer
            text = tx("conn.answer_q5_one_baseline", shown=shown, share=100 * cache_share, kept=national * cache_share)
        text += " " + tx("conn.answer_q5_busiest", **option)
        verdict = lead + " " + tx("conn.verdict_q5_grow", **option)
    return answer("q5", text, "modelled", shown, national, finding=tx.get("pilot.finding.q5", ""), verdict=verdict,
                  change=tx("conn.answer_q5_change", concurrency=100 * CONCURRENCY,
                            flip=100 * CONCURRENCY * (CIRCUIT_MBPS / 1000) / max(float(high), 1e-9)))
