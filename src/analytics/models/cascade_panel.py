"""The panel of the access cascade: one chart, one table and the same sentences on every notebook's page.

Notebooks 01 (access gaps), 02 (connectivity) and 03 (uptake) each show it for their area and
scenario, and every "could study online" sentence of theirs names its step, so the share at each
step is one number in every page, CSV and workbook of a briefing.
"""

from __future__ import annotations

import textwrap

import plotly.graph_objects as go

from ..core.numbers import percent_hover
from ..report.areas import check_region, where
from ..report.figures import localise, title, white_figure
from ..report.panel import Panel, Reading
from ..report.sentences import modelled_note, price_point_note
from ..report.session import builder
from ..report.views import TableView
from . import cascade as cascade_mod

#: The pack tables the cascade rests on.
TABLES = ("connectivity", "devices", "incomes", "plans")


def step_label(tx, step: str) -> str:
    """The reader's name of a step (``cascade.step_<step>``)."""
    return tx(f"cascade.step_{step}")


def _use_among_owners(casc, settlement: str) -> float:
    """Share (0–1) of the covered device owners of a cascade's towns or villages who use the internet."""
    c = casc.cells[casc.cells["settlement"] == settlement]
    device = float((c["population"] * c["device"]).sum())
    return float((c["population"] * c["uses"]).sum()) / device if device > 0 else float("nan")


@builder
def cascade_panel(pack, region: str = "all", scenario: str = "baseline", language: str = "en") -> Panel:
    """Who can study online, step by step: covered, a device, using the internet, speed, affordable data.

    Parameters
    ----------
    pack : analytics.packs.load.Pack
        The country pack.
    region : str
        ISO 3166-2 code of a region of the pack, or ``"all"`` for the country.
    scenario : str
        A named scenario of the pack's ``scenarios.yaml`` (its rural coverage, speed and price levers).
    language : str
        One of the pack's reader languages.

    Returns
    -------
    Panel
        Bars of the share of everyone (percent) at each step, for the area, its towns and its
        villages; a table of the same; sentences on each step, on the published internet use the
        model is calibrated to and on the price of data; ``result`` the
        :class:`~analytics.models.cascade.Cascade` of the area (shares 0–1 by district ×
        settlement × step, people in persons).
    """
    check_region(pack, region)
    tx = pack.texts(language)
    country = cascade_mod.of(pack, scenario)
    casc = country.within(region)
    whole = casc.by_area().assign(settlement="all")
    parts = casc.by_area(["settlement"])
    settlements = [s for s in ("urban", "rural") if s in set(parts["settlement"])]
    place = where(tx, pack, region)
    names = {"all": place, "urban": tx("cascade.towns"), "rural": tx("cascade.villages")}
    steps = list(cascade_mod.STEPS)
    labels = [step_label(tx, s) for s in steps]
    wrapped = ["<br>".join(textwrap.wrap(label, 22)) for label in labels]  # the bars keep their width on a phone
    hover = "%{fullData.name}<br>%{y}: " + percent_hover("%{x:.1f}", language) + "<extra></extra>"
    groups = ["all", *settlements] if len(settlements) > 1 else ["all"]
    frames = {"all": whole, **{s: parts[parts["settlement"] == s] for s in settlements}}
    fig = white_figure([go.Bar(name=names[g], y=wrapped, x=100 * frames[g].set_index("step").loc[steps, "step_share"],
                            orientation="h", hovertemplate=hover) for g in groups])
    fig.update_layout(barmode="group", height=460, xaxis_title=tx("cascade.percent"),
                      xaxis_range=[0, 100], yaxis={"autorange": "reversed"}, legend={"orientation": "h", "y": -0.2},
                      title=title(tx, tx("cascade.title", where=place), True), margin={"l": 10})
    fig.update_yaxes(automargin=True)
    share = whole.set_index("step")["step_share"]
    cal = casc.calibration
    said = [tx("cascade.sentence", where=place, people=float(whole["population"].iloc[0]),
               **{s: 100 * share[s] for s in steps}),
            tx("cascade.published_use", value=cal.target_pct, year=cal.year, country=tx(f"area.{pack.meta.get('iso3', pack.country.upper())}")),
            tx("cascade.calibration", urban=100 * _use_among_owners(country, "urban"),
               rural=100 * _use_among_owners(country, "rural"), b_urban=cal.urban, b_fifth=cal.per_fifth,
               modelled=cal.modelled_pct)]
    said += price_point_note(pack, tx, pack.scenario(scenario).connectivity)
    said += modelled_note(pack, tx, "cascade.modelled", TABLES)
    table = whole[["step", "step_share", "people"]].rename(columns={"step_share": "all"})
    for s in settlements:
        table[s] = parts[parts["settlement"] == s]["step_share"].to_numpy()
    shown = table.assign(step=labels, **{c: 100 * table[c] for c in ["all", *settlements]},
                         people=[float(f"{v:.3g}") for v in table["people"]])  # a modelled count: 3 figures shown
    view = TableView(shown[["step", "all", *settlements, "people"]], tx,
                     {"step": tx("cascade.col_step"), "all": names["all"], "people": tx("cascade.col_people"),
                      **{s: names[s] for s in settlements}},
                     {"all": 1, **{s: 1 for s in settlements}, "people": 0})
    numbers = {f"cascade_{s}_pct": 100 * share[s] for s in steps}
    reading = Reading(numbers, said, importance=2, modelled=True, grade="modelled",
                      headline={"cascade_afford_pct": tx("cascade.headline")})
    return Panel(reading, figure=localise(fig, language), view=view, result=casc)
