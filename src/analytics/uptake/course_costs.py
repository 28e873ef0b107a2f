"""What moving courses online costs: development by route, delivery, per enrolment and per completer.

Per Monte Carlo draw, over the horizon (USD; every unit cost is the pack's ``costs`` assumption
times the draw's ``cost_factor``):

* development: ``courses × hours_per_course × cost per course-hour`` of the route (in-house,
  outsourced, or localising open educational resources), once;
* LMS: ``lms_usd_per_learner_year`` for each enrolment (a learner studies a year);
* bandwidth: the peak traffic of the active learners (``concurrency`` online at once, at the draw's
  data rate of the study needs — the rate access was judged on) priced at ``bandwidth_usd_per_mbps_year``;
* blended delivery only: a tutor for every ``tutor_learners`` active learners at ``tutor_usd_year``, and
  TV lessons at ``tv_usd_year`` for each year of the horizon;
* certificates: ``certificate_usd`` each.

Development is a fixed cost and delivery grows with the learners, so a budget is read as: first the
development, then as many completers' delivery as the rest pays for (none when it does not cover the
development), at most the completers the model expects; what is left then is said as left.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..models.affordability import StudyNeeds
from ..packs.assumptions import COST_ROUTES
from .simulate import QUANTILES, Simulation

ROUTES = COST_ROUTES  # the routes a pack prices (checked where the pack is read)


@dataclass
class Costs:
    """Draws of the cost by route: development (fixed), delivery (per learner) and the counts they buy."""

    development: dict[str, np.ndarray]
    delivery: np.ndarray
    enrolled: np.ndarray
    completed: np.ndarray
    budget_usd: float

    @property
    def total(self) -> dict[str, np.ndarray]:
        return {r: d + self.delivery for r, d in self.development.items()}

    def per_completer(self, route: str) -> np.ndarray:
        """(draws,) USD per completer, development included."""
        return self.total[route] / self.completed

    def delivery_per_completer(self) -> np.ndarray:
        """(draws,) USD of delivery per completer (what one more completer costs once courses exist)."""
        return self.delivery / self.completed

    def completers_for_budget(self, route: str) -> np.ndarray:
        """(draws,) completers the budget pays for after the route's development (0 when it does not cover it),
        at most the modelled completers: money cannot buy learners the model does not expect."""
        paid = np.maximum(self.budget_usd - self.development[route], 0) / self.delivery_per_completer()
        return np.minimum(paid, self.completed)

    def budget_left(self, route: str) -> np.ndarray:
        """(draws,) USD of the budget left once the route's development and every modelled completer are paid."""
        return np.maximum(self.budget_usd - self.total[route], 0)

    def to_frame(self) -> pd.DataFrame:
        """Tidy: ``route``, ``measure`` (development_usd, total_usd, per_enrolment_usd, per_completer_usd,
        delivery_per_completer_usd, completers_for_budget, budget_left_usd), ``p10``, ``p50``, ``p90``."""
        rows = []
        for route, total in self.total.items():
            for measure, values in {"development_usd": self.development[route], "total_usd": total,
                                    "per_enrolment_usd": total / self.enrolled,
                                    "per_completer_usd": total / self.completed,
                                    "delivery_per_completer_usd": self.delivery_per_completer(),
                                    "completers_for_budget": self.completers_for_budget(route),
                                    "budget_left_usd": self.budget_left(route)}.items():
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
        The national simulation (costs are national: courses are built once for every region); its
        ``values`` hold each draw's ``cost_factor`` and ``content_mbps`` (data rate, Mbps).
    assumed : dict
        The pack's ``costs`` assumptions (USD).
    concurrency : float
        Share (0–1) of the active learners online at the busiest hour.
    blended : bool
        Whether the scenario adds tutors and TV lessons.

    Returns
    -------
    Costs
    """
    factor = sim.values["cost_factor"]
    rate = sim.values.get("content_mbps", np.full(sim.n_draws, StudyNeeds.content_mbps))
    enrolled, active, completed = sim.total("enrolled"), sim.total("active"), sim.total("completed")
    delivery = (assumed["lms_usd_per_learner_year"] * enrolled
                + assumed["bandwidth_usd_per_mbps_year"] * concurrency * rate * active
                + assumed["certificate_usd"] * sim.total("certified"))
    if blended:
        delivery = delivery + assumed["tutor_usd_year"] * active / assumed["tutor_learners"] \
            + assumed["tv_usd_year"] * sim.horizon
    hours = assumed["courses"] * assumed["hours_per_course"]
    development = {r: factor * hours * assumed["development_usd_per_course_hour"][r] for r in ROUTES}
    return Costs(development, factor * delivery, enrolled, completed, float(assumed["budget_usd"]))
