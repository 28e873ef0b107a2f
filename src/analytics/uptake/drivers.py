"""What drives the uptake model's headline numbers: Sobol indices of every uncertain input.

For a scenario, the national completers over the horizon, the share of the eligible who could
study online (connection, device and a month of course data they can afford) and the cost per
completer by the cheapest development route are recomputed for a Sobol design over every
uncertain parameter of :mod:`~analytics.uptake.uncertain` that acts in the scenario (each with its
triangular distribution; the calibration's odds ratios held at their estimates), and each input's first- and total-order
index is estimated (:func:`analytics.models.sensitivity.sobol`). The table says which inputs the
band of each number comes from; the sentences name the largest.
"""

from __future__ import annotations

import numpy as np

from ..core.cache import computed
from ..models import cascade as cascade_mod
from ..models.sensitivity import Sensitivity, sobol
from ..report.areas import check_region
from ..report.panel import Panel, Reading
from ..report.sentences import modelled_note
from ..report.session import builder
from ..report.views import TableView
from . import runs
from .simulate import simulate

#: The headline numbers analysed, in the order shown.
OUTPUTS = ("completed", "online_share", "usd_per_completer")
#: Inputs that act only with recognised certificates, and only with blended delivery (held at their mode
#: in a scenario without the lever: they have no effect there).
RECOGNISED_ONLY = ("recognised_market", "recognition_or", "certified_recognised")
BLENDED_ONLY = ("offline_reach", "tutor_or")
#: Base sample of the Sobol design (the model runs ``BASE · (inputs + 2)`` times, 7,680 for 13 inputs).
BASE = 512


def cheapest_route(pack, scenario: str, horizon: int, n_draws: int, seed: int) -> str:
    """The development route with the lowest median cost per completer (as the cost panel says)."""
    s, sim = runs.simulation(pack, scenario, horizon, n_draws, seed)
    per = runs.run_costs(s, sim).to_frame().query("measure == 'per_completer_usd'").set_index("route")["p50"]
    return str(per.idxmin())


def online_share(cascade, values: dict[str, np.ndarray]) -> np.ndarray:
    """(draws,) share (0–1) of everyone at the access cascade's last step under each draw's study needs."""
    from ..models.affordability import monthly_course_gb

    c = cascade.cells
    gb = monthly_course_gb(values["hours_per_week"], values["content_mbps"])[:, None]
    share = cascade.pricing.afford(gb, c["income_usd"].to_numpy(float)[None, :],
                                   values["affordability_share"][:, None], values["within_fifth_log_sd"][:, None])
    weight = (c["population"] * c["speed"]).to_numpy(float)
    return share @ weight / float(c["population"].sum())


def drivers(pack, scenario: str = "baseline", horizon: int = 11, n_draws: int = 10_000, seed: int = 2027,
            base: int = BASE) -> Sensitivity:
    """Sobol indices of the headline numbers of a scenario (national), made once per run.

    Parameters
    ----------
    pack : analytics.packs.load.Pack
        The country pack.
    scenario : str
        A named scenario of the pack.
    horizon : int
        Years the completers are counted over.
    n_draws, seed : int
        Those of the scenario's simulation (they choose the cheapest route).
    base : int
        Base sample of the Sobol design, a power of 2.

    Returns
    -------
    Sensitivity
        ``output`` (completed, online_share — step 5 of the access cascade, usd_per_completer), ``input`` (a parameter of
        :mod:`~analytics.uptake.uncertain`), ``first_order``, ``total_order`` (0–1), ``rank``.
    """
    from scipy.stats import triang

    def make():
        s = runs.setup_of(pack, scenario)
        cascade = cascade_mod.of(pack, scenario)
        route = cheapest_route(pack, scenario, horizon, n_draws, seed)
        idle = set() if s.recognised else set(RECOGNISED_ONLY)
        idle |= set() if s.blended else set(BLENDED_ONLY)  # inputs the scenario's levers leave without effect
        varying = {k: u for k, u in sorted(s.parameters.items()) if u.low < u.high and k not in idle}
        fixed = {k: u.mode for k, u in s.parameters.items() if k not in varying}
        dists = {k: triang(c=(u.mode - u.low) / (u.high - u.low), loc=u.low, scale=u.high - u.low)
                 for k, u in varying.items()}

        def model(values: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
            m = len(next(iter(values.values())))
            sim = simulate(s.cells, s.match, s.parameters, s.calibration.carried().to_numpy(), s.recognised,
                           s.blended, horizon, incomes=s.incomes, pricing=s.pricing,
                           reference=s.calibration.reference,
                           values={**values, **{k: np.full(m, v) for k, v in fixed.items()}})
            every = {**values, **{k: np.full(m, v) for k, v in fixed.items()}}
            return {"completed": sim.total("completed"), "online_share": online_share(cascade, every),
                    "usd_per_completer": runs.run_costs(s, sim).per_completer(route)}

        return sobol(model, dists, base, seed)

    return computed(pack, "uptake.drivers", (scenario, horizon, n_draws, seed, base), make)


@builder
def drivers_panel(pack, region: str = "all", scenario: str = "baseline", horizon_years: int = 11,
                  n_draws: int = 10_000, seed: int = 2027, language: str = "en") -> Panel:
    """What drives each headline number: the inputs that explain most of its band (national).

    Parameters are those of :func:`~analytics.uptake.panels.fan_panel`; the analysis is national
    (the same inputs drive every region's numbers).

    Returns
    -------
    Panel
        A table of the three inputs that explain most of each headline's variance alone (first-
        order index) with their total-order index; one sentence per headline naming the largest;
        ``result`` the indices of every input (:class:`~analytics.models.sensitivity.Sensitivity`).
    """
    check_region(pack, region)
    tx = pack.texts(language)
    result = drivers(pack, scenario, horizon_years, n_draws, seed)
    f = result.to_frame()
    said, numbers = [], {}
    for output in OUTPUTS:
        rows = f[f["output"] == output].sort_values("rank")
        first, second = rows.iloc[0], rows.iloc[1]
        said.append(tx("uptake.drivers_sentence", output=tx(f"uptake.output_{output}"),
                       input=tx(f"uptake.input_{first.input}"), share=100 * first.first_order,
                       second=tx(f"uptake.input_{second.input}"), share2=100 * second.first_order))
        numbers[f"{output}_top_first_order"] = float(first.first_order)
    order = {o: i for i, o in enumerate(OUTPUTS)}
    top = f[f["rank"] <= 3].assign(_order=f["output"].map(order)).sort_values(["_order", "rank"])
    shown = top.assign(output=[tx(f"uptake.output_{o}") for o in top["output"]],
                       input=[tx(f"uptake.input_{i}") for i in top["input"]],
                       first_pct=100 * top["first_order"], total_pct=100 * top["total_order"])
    view = TableView(shown, tx, {"output": tx("col.output"), "input": tx("col.input"),
                                 "first_pct": tx("uptake.col_first_pct"), "total_pct": tx("uptake.col_total_pct")},
                     {"first_pct": 0, "total_pct": 0})
    largest = {o: {"input": tx(f"uptake.input_{f[f['output'] == o].sort_values('rank').iloc[0].input}"),
                   "output": tx(f"uptake.output_{o}")} for o in OUTPUTS}
    reading = Reading(numbers, said + modelled_note(pack, tx, "uptake.modelled"), importance=1, modelled=True,
                      grade="modelled", drivers=largest)
    return Panel(reading, view=view, result=result)
