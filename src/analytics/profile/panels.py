"""The country profile's steps: each takes a loaded pack and plain parameters and returns a panel.

``notebooks/00_country_profile`` calls them one per step.
"""

from __future__ import annotations

from ..report.areas import area_name, areas, check_region, where
from ..report.figures import choropleth, localise, title, white_figure
from ..report.panel import Panel, Reading
from ..report.session import builder
from ..report.views import TableView
from .indicators import PROFILE_INDICATORS, InputStatus, comparison, latest, latest_values


@builder
def indicator_figure(pack, year_from: int, year_to: int, language: str = "en"):
    """Small multiples: each profile indicator over time, the country against its comparators.

    Parameters
    ----------
    pack : Pack
        A loaded country pack with an ``indicators`` table.
    year_from, year_to : int
        Inclusive range of years.
    language : str
        Language of titles, labels and numbers.

    Returns
    -------
    Panel
        One small chart per indicator (its name and unit as the chart's title, one line
        per area in the same colour on every chart; on a page they sit side by side and
        stack on a phone) and a sentence on mobile against fixed connections, computed
        from the latest values.
    """
    import plotly.graph_objects as go
    from plotly.colors import qualitative

    from ..core.declarations import Rule

    found = Rule("year_from", "<=", "year_to").problem({"year_from": year_from, "year_to": year_to})
    if found:
        from ..core.errors import ParameterError

        raise ParameterError(found)
    tx = pack.texts(language)
    df = comparison(pack.indicators, PROFILE_INDICATORS, areas(pack), year_from, year_to)
    codes = areas(pack)
    colours = dict(zip(codes, qualitative.Plotly, strict=False))
    figures = []
    for indicator in [i for i in PROFILE_INDICATORS if i in set(df["indicator"])]:
        part = df[df["indicator"] == indicator]
        fig = white_figure()
        for code in codes:  # one line per area, the country first and thicker, in the same colour on every chart
            line = part[part["area_code"] == code]
            if line.empty:
                continue
            name = area_name(tx, code)
            fig.add_trace(go.Scatter(
                x=line["year"].to_numpy(), y=line["value"].to_numpy(), name=name, legendgroup=name, mode="lines+markers",
                line={"color": colours[code], "dash": "solid", **({"width": 3.5} if code == codes[0] else {})},
                marker={"symbol": "circle"}, orientation="v", showlegend=True, xaxis="x", yaxis="y",
                # hover: the area, the year and the value to one decimal in the page's number format
                hovertemplate="%{fullData.name}<br>%{x}: %{y:.1f}<extra></extra>"))
        fig.update_layout(height=340, meta={"chart": "small"}, title={"text": title(tx, tx(f"indicator.{indicator}"))},
                          xaxis={"anchor": "y", "domain": [0.0, 1.0], "title": {"text": tx("profile.year")}},
                          yaxis={"anchor": "x", "domain": [0.0, 1.0], "rangemode": "tozero"},
                          legend={"tracegroupgap": 0, "font": {"size": 11}, "orientation": "h",
                                  "y": -0.18},
                          margin={"l": 40, "r": 10, "t": 40, "b": 40})
        figures.append(localise(fig, language))
    return Panel(connection_reading(pack, tx), figure=figures)


def connection_reading(pack, tx) -> Reading:
    """Mobile against fixed subscriptions in the latest year both are published: a sentence from the numbers."""
    code = areas(pack)[0]
    ind = pack.indicators
    both = ind[(ind["area_code"] == code) & ind["indicator"].isin(["mobile_cellular_per100", "fixed_broadband_per100"])]
    wide = both.dropna(subset=["value"]).pivot_table(index="year", columns="indicator", values="value").dropna()
    if wide.empty or wide.shape[1] < 2:
        return Reading()
    year = int(wide.index.max())  # the latest year both are published
    mobile, fixed = (float(wide.loc[year, k]) for k in ("mobile_cellular_per100", "fixed_broadband_per100"))
    key = "profile.reading_mobile_first" if fixed < mobile / 5 else "profile.reading_connections"
    return Reading({"mobile_per100": mobile, "fixed_per100": fixed},
                   [tx(key, year=year, country=area_name(tx, code), mobile=mobile, fixed=fixed)], importance=3)


@builder
def district_map(pack, region: str = "all", language: str = "en"):
    """Map of the districts of the country, or of one region, coloured by population density.

    Density is persons per km²: the pack's ``population`` table (modelled for Tajikistan,
    and marked so in the title) over district area.

    Parameters
    ----------
    pack : analytics.packs.load.Pack
        The country pack.
    region : str
        ISO 3166-2 code of a region of the pack, or ``"all"`` for the whole country.
    language : str
        One of the pack's reader languages (``"en"``, ``"ru"``, ``"tg"``).

    Returns
    -------
    Panel
        The map, and sentences computed from the pack: how many districts it shows, which
        cities are regions of their own, and the census the populations come from.
    """
    check_region(pack, region)
    tx = pack.texts(language)
    people = pack.population.groupby("district_code")["population"].sum()
    districts = pack.districts.copy()
    districts["population"] = districts["district_code"].map(people).fillna(0)
    districts["density"] = districts["population"] / districts["area_km2"]
    districts["name"] = [tx(f"district.{c}") for c in districts["district_code"]]
    if region != "all":
        districts = districts[districts["region_code"] == region]
    heading = title(tx, tx("profile.map_title", area=where(tx, pack, region)), pack.is_modelled("population"))
    fig = choropleth(districts, "district_code", "density", "name", title=heading,
                     colorbar_title=tx("profile.map_colorbar"), hover_format=",.1f", log_color=True,
                     language=language)
    return Panel(map_reading(pack, tx, districts), figure=fig)


def map_reading(pack, tx, districts) -> Reading:
    """How many districts a map shows, which of them are whole city-regions, and the census behind them."""
    units = tx.plural("profile.units", len(districts))
    cities = [tx(f"region.{c}") for c in pack.meta.get("city_regions", []) if c in set(districts["region_code"])]
    sentences = [tx("profile.map_units_cities", units=units, cities=", ".join(cities)) if cities
                 else tx("profile.map_units", units=units)]
    year = pack.meta.get("census_year")
    if year:
        key = ("profile.map_population_measured" if not pack.is_modelled("population") else
               "profile.map_population_official" if "district_population" in pack.tables else
               "profile.map_population_modelled")
        sentences.append(tx(key, year=year))
    return Reading({"districts_shown": len(districts)}, sentences)


@builder(shared=False)  # the tables the page has read so far
def data_status(pack, tables: list[str] | None = None, language: str = "en") -> Panel:
    """The inputs used and whether each is measured or modelled, with source, licence and year.

    Parameters
    ----------
    pack : Pack
        A loaded country pack.
    tables : list of str, optional
        Restrict to these tables (default: the tables the page has used so far, or every
        table of the pack if none was used yet).
    language : str
        Language of the headings and status words shown.

    Returns
    -------
    Panel
        Its result's tidy frame has ``table, status, source, licence, vintage``
        (untranslated); its view shows them translated.
    """
    tx = pack.texts(language)
    df = pack.status()
    tables = tables if tables is not None else sorted(pack.used)
    if tables:
        df = df[df["table"].isin(tables)]
    tidy = df[["table", "status", "source", "licence", "vintage"]].reset_index(drop=True)
    shown = tidy.assign(status=[tx(f"status.{s}") for s in tidy["status"]],
                        **{f: [tx.table_text(n, f, s) for n, s in zip(tidy["table"], tidy[f], strict=True)]
                           for f in ("source", "licence", "vintage")},
                        table=[tx.get(f"table.{n}", n) for n in tidy["table"]])
    view = TableView(shown, tx, {c: tx(f"col.{c}") for c in tidy.columns})
    return Panel(Reading(), view=view, result=InputStatus(tidy))


def key_facts_table(pack, language: str = "en") -> Panel:
    """The latest published value of each profile indicator for the country and its comparators.

    Parameters
    ----------
    pack : analytics.packs.load.Pack
        The country pack.
    language : str
        One of the pack's reader languages (``"en"``, ``"ru"``, ``"tg"``).

    Returns
    -------
    Panel
        No sentences; a table of indicator, area, year and value (in the indicator's unit:
        percent, or per 100 people); ``result`` the same values, tidy.
    """
    tx = pack.texts(language)
    result = latest_values(pack.indicators, PROFILE_INDICATORS, areas(pack))
    frame = result.frame.assign(indicator=[tx(f"indicator.{i}") for i in result.frame["indicator"]],
                                area=[area_name(tx, a) for a in result.frame["area_code"]])
    view = TableView(frame, tx, {c: tx(f"col.{c}") for c in ("indicator", "area", "year", "value")},
                     {"year": 0, "value": 1})
    return Panel(Reading(), view=view, result=result)



@builder
def headlines(pack, region: str = "all", language: str = "en") -> Panel:
    """Key facts of the country profile, computed from the latest published values.

    For a region, a first sentence gives its census population, its modelled urban share
    and its number of universities and institutes.

    Parameters
    ----------
    pack : analytics.packs.load.Pack
        The country pack.
    region : str
        ISO 3166-2 region code, or ``"all"`` for the whole country.
    language : str
        Language of the sentences (one of the pack's reader languages).

    Returns
    -------
    Panel
        Sentences only (no chart); its reading's numbers are keyed ``internet_users_pct`` etc. (percent; ``region_population`` in
        persons, ``region_urban_pct`` in percent), and one sentence each.
    """
    tx = pack.texts(language)
    ind = pack.indicators
    code, *others = areas(pack)
    country = area_name(tx, code)
    # census totals (graded as the pack's regions table is: a pack may model them) and published indicators
    out = Reading(importance=2, grade="modelled" if pack.is_modelled("regions") else "measured")
    scope = pack.regions if region == "all" else pack.regions[pack.regions["region_code"] == region]
    out.numbers["census_population"] = int(scope["census_population"].sum())
    out.headline["census_population"] = tx("profile.headline_population", year=pack.meta.get("census_year", ""))
    if check_region(pack, region) != "all":
        pop = pack.population[pack.population["region_code"] == region]
        people = int(pop["population"].sum())
        urban = 100 * pop.loc[pop["settlement"] == "urban", "population"].sum() / people
        n_inst = int((pack.institutions["region_code"] == region).sum())
        out.numbers.update(region_population=people, region_urban_pct=round(urban, 1),
                           region_institutions=n_inst)
        out.modelled = True  # the urban share is modelled
        out.sentences.append(tx("profile.headline_region", region=tx(f"region.{region}"), people=people / 1e6,
                                year=pack.meta.get("census_year", ""),
                                urban=urban, institutions=tx.plural("profile.institutions", n_inst),
                                modelled=tx("modelled")))
    net = latest(ind, code, "internet_users_pct")
    if net:
        cmp_code = others[0] if others else code
        cmp = latest(ind, cmp_code, "internet_users_pct") or net
        out.numbers["internet_users_pct"] = net[1]
        out.sentences.append(tx("profile.headline_internet", value=net[1], country=country, year=net[0],
                                cmp_value=cmp[1], cmp_area=area_name(tx, cmp_code)))
    urban = latest(ind, code, "urban_population_pct")
    if urban:
        out.numbers["urban_population_pct"] = urban[1]
        out.sentences.append(tx("profile.headline_urban", value=urban[1], country=country, year=urban[0]))
    ter = latest(ind, code, "tertiary_gross_enrolment_pct")
    if ter:
        out.numbers["tertiary_gross_enrolment_pct"] = ter[1]
        out.sentences.append(tx("profile.headline_enrolment", value=ter[1], year=ter[0]))
    return Panel(out)
