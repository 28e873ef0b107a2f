"""The choices the comparison of scenarios favours, and why, in the reader's words.

The programme cost of a scenario counts building and running the courses (hosting, bandwidth, tutors,
TV lessons, certificates). A scenario's other measures — translating courses, building networks,
changing accreditation rules, lowering data prices — are not costed here, so "lowest cost per
completer" is only a fair ranking among scenarios that use none of them. The favoured choices are:

1. of the scenarios whose costs are all counted (the baseline aside), the one with the most completers,
   with its cost per completer;
2. of the scenarios with exactly one uncosted measure, the one that adds the most completers to the
   baseline, naming the measure whose cost is still to be found;
3. the scenario with the most completers overall when it rests on uncosted measures, naming them: it
   can be compared with the others only once they are costed.
"""

from __future__ import annotations

import pandas as pd

from .common import sig

#: A scenario's levers that the programme cost leaves out, by the word the catalog gives each measure:
#: a lever differs from the baseline's when the measure is taken.
UNCOSTED = {
    "translation": ("uptake", "content_languages"),
    "network": ("access", "rural_4g_at_least"),
    "speed": ("connectivity", "speed_uplift"),
    "accreditation": ("uptake", "recognised"),
    "prices": ("connectivity", "price_factor"),
}


def uncosted_measures(pack, name: str) -> list[str]:
    """The measures of scenario ``name`` whose cost the programme cost leaves out (``network`` once, for
    coverage or speed)."""
    base, mine = pack.scenario("baseline"), pack.scenario(name)
    found = [m for m, (section, lever) in UNCOSTED.items()
             if getattr(mine, section).get(lever) != getattr(base, section).get(lever)]
    return list(dict.fromkeys("network" if m == "speed" else m for m in found))


def favoured(pack, tx, cmp: pd.DataFrame) -> list[str]:
    """Two or three sentences on the choices the numbers favour (see the module's description); empty
    for a pack without a baseline scenario.

    Parameters
    ----------
    pack : analytics.packs.load.Pack
        The country pack (its scenarios).
    tx : analytics.core.i18n.Texts
        The reader's catalog.
    cmp : pandas.DataFrame
        The tidy comparison of :func:`~analytics.uptake.runs.compare` (``scenario``, ``measure``, ``p10``,
        ``p50``, ``p90``; completers in people, cost per completer in US$).
    """
    if "baseline" not in pack.scenarios:
        return []
    at = cmp.set_index(["scenario", "measure"])
    mid = cmp.pivot(index="scenario", columns="measure", values="p50")
    uncosted = {name: uncosted_measures(pack, name) for name in mid.index}
    label = lambda name: tx(f"param.scenario.{name}")  # noqa: E731
    measures = lambda name: ", ".join(tx(f"uptake.measure_{m}") for m in uncosted[name])  # noqa: E731
    said = []
    costed = mid.loc[[n for n in mid.index if not uncosted[n] and n != "baseline"], "completed"]
    if len(costed):
        best = costed.idxmax()
        c, u = at.loc[(best, "completed")], at.loc[(best, "usd_per_completer")]
        said.append(tx("uptake.favour_costed", scenario=label(best), completed=sig(c.p50), low=sig(c.p10),
                       high=sig(c.p90), usd=sig(u.p50), usd_low=sig(u.p10), usd_high=sig(u.p90)))
    single = [n for n in mid.index if len(uncosted[n]) == 1]
    if single:
        gain = mid.loc[single, "completed"] - mid.loc["baseline", "completed"]
        one = gain.idxmax()
        if gain[one] > 0:
            said.append(tx("uptake.favour_one_measure", scenario=label(one), gain=sig(gain[one]),
                           baseline=sig(mid.loc["baseline", "completed"]), measures=measures(one)))
    top = mid["completed"].idxmax()
    if uncosted[top]:
        said.append(tx("uptake.favour_uncosted", scenario=label(top), completed=sig(mid.loc[top, "completed"]),
                       measures=measures(top)))
    return said


def cheapest_costed(pack, cmp: pd.DataFrame) -> str:
    """The scenario with the lowest cost per completer among those whose costs are all counted (any
    scenario when none is)."""
    mid = cmp.pivot(index="scenario", columns="measure", values="p50")["usd_per_completer"]
    costed = [n for n in mid.index if "baseline" not in pack.scenarios or not uncosted_measures(pack, n)]
    return (mid.loc[costed] if costed else mid).idxmin()
