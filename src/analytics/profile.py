"""The country profile: connectivity and education indicators, a district map, data status.

Each function takes a loaded :class:`~analytics.data.Pack` and plain parameters and
returns a figure, a tidy table or a :class:`Headlines` result; ``notebooks/00_country_profile``
calls them one per step.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .data import Pack
from .errors import ParameterError
from .i18n import has, mark_modelled, t
from .indicators import comparison, latest

#: Indicators shown in the profile, in display order.
PROFILE_INDICATORS = [
    "internet_users_pct",
    "mobile_cellular_per100",
    "fixed_broadband_per100",
    "urban_population_pct",
    "tertiary_gross_enrolment_pct",
]


def check_region(pack: Pack, region: str) -> str:
    """Return ``region`` if it is ``"all"`` or a region code of the pack, else raise."""
    codes = list(pack.regions["region_code"])
    if region != "all" and region not in codes:
        raise ParameterError(f"region {region!r} is not a region of {pack.name}; use \"all\" or one "
                             f"of {', '.join(codes)}")
    return region


def areas(pack: Pack) -> list[str]:
    """The country's ISO3 code followed by its comparators from the pack metadata."""
    return [pack.meta.get("iso3", pack.country.upper())] + list(pack.meta.get("comparators", []))


def area_name(code: str, language: str) -> str:
    """Translated name of a country or aggregate code."""
    return t(f"area.{code}", language)


def indicator_figure(pack: Pack, year_from: int, year_to: int, language: str = "en"):
    """Small multiples: each profile indicator over time, the country against its comparators.

    Parameters
    ----------
    pack : Pack
        A loaded country pack with an ``indicators`` table.
    year_from, year_to : int
        Inclusive range of years.
    language : str
        Language of titles and labels.

    Returns
    -------
    plotly.graph_objects.Figure
        One panel per indicator (units in the panel title), one line per area.
    """
    import plotly.express as px

    if year_from > year_to:
        raise ParameterError(f"year_from ({year_from}) is after year_to ({year_to})")
    df = comparison(pack.indicators, PROFILE_INDICATORS, areas(pack), year_from, year_to)
    df["panel"] = [t(f"indicator.{i}", language) for i in df["indicator"]]
    df["area_name"] = [area_name(a, language) for a in df["area_code"]]
    country = area_name(areas(pack)[0], language)
    fig = px.line(df, x="year", y="value", color="area_name", facet_col="panel", facet_col_wrap=3,
                  markers=True, facet_col_spacing=0.06, facet_row_spacing=0.12,
                  labels={"year": t("profile.year", language), "value": t("profile.value", language),
                          "area_name": t("profile.area", language)},
                  title=t("profile.indicators_title", language, country=country,
                          year_from=year_from, year_to=year_to))
    fig.for_each_annotation(lambda a: a.update(text=a.text.split("=", 1)[-1]))
    fig.update_yaxes(matches=None, showticklabels=True, rangemode="tozero")
    fig.update_xaxes(showticklabels=True)
    fig.for_each_trace(lambda tr: tr.update(line_width=3.5) if tr.name == country else None)
    fig.update_layout(height=620, template="plotly_white", legend=dict(orientation="h", y=-0.12),
                      margin=dict(l=40, r=20, t=80, b=40))
    return fig


def district_map(pack: Pack, region: str = "all", language: str = "en"):
    """Map of the districts of the country, or of one region, coloured by population density.

    Density is persons per km²: the pack's ``population`` table (modelled for Tajikistan,
    and marked so in the title) over district area.

    Parameters
    ----------
    pack : Pack
        A loaded country pack with a ``districts`` table.
    region : str
        ``"all"`` or a region code (``"TJ-GB"``).
    language : str
        Language of titles and labels.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    from .maps import choropleth

    check_region(pack, region)
    people = pack.population.groupby("district_code")["population"].sum()
    districts = pack.districts.copy()
    districts["population"] = districts["district_code"].map(people).fillna(0)
    districts["density"] = districts["population"] / districts["area_km2"]
    districts["name"] = [t(f"district.{c}", language) for c in districts["district_code"]]
    if region != "all":
        districts = districts[districts["region_code"] == region]
    where = (t(f"region.{region}", language) if region != "all"
             else area_name(areas(pack)[0], language))
    title = mark_modelled(t("profile.map_title", language, area=where), pack.is_modelled("population"),
                          language)
    return choropleth(districts, "district_code", "density", "name", title=title,
                      colorbar_title=t("profile.map_colorbar", language), hover_format=",.1f",
                      log_color=True)


def data_status(pack: Pack, language: str = "en", tables: list[str] | None = None) -> pd.DataFrame:
    """The inputs used and whether each is measured or modelled, with source, licence and year.

    Parameters
    ----------
    pack : Pack
        A loaded country pack.
    language : str
        Language of the column headings and status words.
    tables : list of str, optional
        Restrict to these tables (default: the tables the page has used so far, or every
        table of the pack if none was used yet).

    Returns
    -------
    pandas.DataFrame
        One row per input table.
    """
    df = pack.status()
    tables = tables if tables is not None else sorted(pack.used)
    if tables:
        df = df[df["table"].isin(tables)]
    df = df.assign(status=[t(f"status.{s}", language) for s in df["status"]])
    df = df.assign(table=[t(f"table.{n}", language) if has(f"table.{n}", language) else n for n in df["table"]])
    cols = ["table", "status", "source", "licence", "vintage"]
    return df[cols].rename(columns={c: t(f"col.{c}", language) for c in cols}).reset_index(drop=True)


def latest_table(pack: Pack, language: str = "en") -> pd.DataFrame:
    """The latest published value of each profile indicator for the country and its comparators.

    Returns
    -------
    pandas.DataFrame
        Indicator, area, year and value (units in the indicator name), headings translated.
    """
    rows = []
    for name in PROFILE_INDICATORS:
        for code in areas(pack):
            found = latest(pack.indicators, code, name)
            if found:
                rows.append({"indicator": t(f"indicator.{name}", language), "area": area_name(code, language),
                             "year": found[0], "value": round(found[1], 2)})
    df = pd.DataFrame(rows, columns=["indicator", "area", "year", "value"])
    return df.rename(columns={c: t(f"col.{c}", language) for c in df.columns})


@dataclass
class Headlines:
    """Key numbers of a page and the sentences that state them."""

    numbers: dict[str, float] = field(default_factory=dict)
    sentences: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return "\n".join(self.sentences)

    def _repr_markdown_(self) -> str:
        return "\n".join(f"- {s}" for s in self.sentences)


def headlines(pack: Pack, language: str = "en", region: str = "all") -> Headlines:
    """Key facts of the country profile, computed from the latest published values.

    For a region, a first sentence gives its census population, its modelled urban share
    and its number of universities and institutes.

    Returns
    -------
    Headlines
        Numbers keyed ``internet_users_pct`` etc. (percent; ``region_population`` in
        persons, ``region_urban_pct`` in percent), and one sentence each.
    """
    ind = pack.indicators
    code, *others = areas(pack)
    country = area_name(code, language)
    out = Headlines()
    if check_region(pack, region) != "all":
        pop = pack.population[pack.population["region_code"] == region]
        people = int(pop["population"].sum())
        urban = 100 * pop.loc[pop["settlement"] == "urban", "population"].sum() / people
        n_inst = int((pack.institutions["region_code"] == region).sum())
        out.numbers.update(region_population=people, region_urban_pct=round(urban, 1),
                           region_institutions=n_inst)
        out.sentences.append(t("profile.headline_region", language, region=t(f"region.{region}", language),
                               people=people / 1e6, urban=urban, institutions=n_inst,
                               modelled=t("modelled", language)))
    net = latest(ind, code, "internet_users_pct")
    if net:
        cmp_code = others[0] if others else code
        cmp = latest(ind, cmp_code, "internet_users_pct") or net
        out.numbers["internet_users_pct"] = net[1]
        out.sentences.append(t("profile.headline_internet", language, value=net[1], country=country,
                               year=net[0], cmp_value=cmp[1], cmp_area=area_name(cmp_code, language)))
    urban = latest(ind, code, "urban_population_pct")
    if urban:
        out.numbers["urban_population_pct"] = urban[1]
        out.sentences.append(t("profile.headline_urban", language, value=urban[1], country=country,
                               year=urban[0]))
    ter = latest(ind, code, "tertiary_gross_enrolment_pct")
    if ter:
        out.numbers["tertiary_gross_enrolment_pct"] = ter[1]
        out.sentences.append(t("profile.headline_enrolment", language, value=ter[1], year=ter[0]))
    return out
