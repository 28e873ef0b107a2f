"""What moving courses online costs: development by route, delivery, per enrolment and per completer.

Per Monte Carlo draw, over the horizon (USD; every unit cost is the pack's ``costs`` assumption
times the draw's ``cost_factor``):

* development: ``courses × hours_per_course × cost per course-hour`` of the route (in-house,
  outsourced, or localising open educational resources), once;
* LMS: ``lms_usd_per_learner_year`` for each enrolment (a learner studies a year);
* bandwidth: the peak traffic of the enrolled (``concurrency`` online at once, at the content mix's
  mean rate, as on the network pages) priced at ``bandwidth_usd_per_mbps_year``;
* blended delivery only: a tutor for every ``tutor_learners`` enrolments at ``tutor_usd_year``, and
  TV lessons at ``tv_usd_year`` for each year of the horizon;
* certificates: ``certificate_usd`` each.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..models.capacity import capacity
from .cells import MIX
from .simulate import QUANTILES, Simulation

ROUTES = ("in_house", "outsourced", "oer_localisation")


@dataclass
class Costs:
    """Draws of the total cost by route and of the counts it buys."""

    total: dict[str, np.ndarray]
    enrolled: np.ndarray
    completed: np.ndarray
    budget_usd: float

    def per_completer(self, route: str) -> np.ndarray:
        """(draws,) USD per completer."""
        return self.total[route] / self.completed

    def to_frame(self) -> pd.DataFrame:
        """Tidy: ``route``, ``measure`` (total_usd, per_enrolment_usd, per_completer_usd,
        completers_for_budget), ``p10``, ``p50``, ``p90``."""
        rows = []
        for route, total in self.total.items():
            for measure, values in {"total_usd": total, "per_enrolment_usd": total / self.enrolled,
                                    "per_completer_usd": total / self.completed,
                                    "completers_for_budget": self.budget_usd * self.completed / total}.items():
                q = np.quantile(values, QUANTILES)
                rows.append({"route": route, "measure": measure, "p10": q[0], "p50": q[1], "p90": q[2]})
        return pd.DataFrame(rows)

    def summary(self) -> str:
        f = self.to_frame()
        f = f[f["measure"] == "per_completer_usd"]
        return "\n".join(["USD per completer (P50 [P10, P90]):"] +
                         [f"  {r.route:<18} {r.p50:>8,.0f} [{r.p10:,.0f}, {r.p90:,.0f}]" for r in f.itertuples()])


def costs(sim: Simulation, assumed: dict, concurrency: float, blended: bool = False) -> Costs:
    """The cost of the simulated programme, by development route (see the module's description).

    Parameters
    ----------
    sim : Simulation
        The national simulation (costs are national: courses are built once for every region).
    assumed : dict
        The pack's ``costs`` assumptions (USD).
    concurrency : float
        Share (0–1) of the enrolled online at the busiest hour.
    blended : bool
        Whether the scenario adds tutors and TV lessons.

    Returns
    -------
    Costs
    """
    factor = sim.values["cost_factor"]
    enrolled, completed = sim.total("enrolled"), sim.total("completed")
    mean_mbps = capacity(1.0, concurrency, 0.0, MIX).mean_mbps
    delivery = (assumed["lms_usd_per_learner_year"] * enrolled
                + assumed["bandwidth_usd_per_mbps_year"] * concurrency * mean_mbps * enrolled
                + assumed["certificate_usd"] * sim.total("certified"))
    if blended:
        delivery = delivery + assumed["tutor_usd_year"] * enrolled / assumed["tutor_learners"] \
            + assumed["tv_usd_year"] * sim.horizon
    hours = assumed["courses"] * assumed["hours_per_course"]
    total = {r: factor * (hours * assumed["development_usd_per_course_hour"][r] + delivery) for r in ROUTES}
    return Costs(total, enrolled, completed, float(assumed["budget_usd"]))
