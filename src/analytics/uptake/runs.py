"""The uptake model for a pack and a named scenario: cells, calibration, simulation, costs, comparison."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from ..core.cache import computed
from ..core.errors import DataError, Problem
from ..core.paths import fingerprint
from ..core.results import TableResult
from ..models import cascade as cascade_mod
from ..models.affordability import Pricing
from ..packs import scenarios as scenario_file
from . import cells as cells_mod
from .calibration import Calibration, calibrate
from .common import area_districts
from .course_costs import Costs, costs
from .simulate import QUANTILES, Bands, Simulation, simulate
from .uncertain import Uncertain, with_pack


@dataclass
class Setup:
    """Everything a run needs that does not change between draws (built once per scenario)."""

    scenario: str
    cells: pd.DataFrame
    match: np.ndarray
    parameters: dict[str, Uncertain]
    calibration: Calibration
    recognised: bool
    blended: bool
    costs: dict
    concurrency: float
    incomes: pd.DataFrame
    pricing: Pricing


@lru_cache(maxsize=4)
def _calibration(path: str, key: tuple) -> Calibration:
    from ..packs import load_pack

    return calibrate(load_pack(root=path).oulad_students)


def calibration_of(pack) -> Calibration:
    """The completion logit on the pack's ``oulad_students`` (fitted once per process and file)."""
    if "oulad_students" not in pack.info:
        raise DataError([Problem(f"{pack.root.name}/pack.yaml", "no table 'oulad_students': the uptake model "
                                 "calibrates completion on the OULAD learner outcomes; copy "
                                 "data/tjk/raw/oulad/oulad_studentInfo.csv and its pack.yaml entry into this pack")])
    table = pack.root / pack.info["oulad_students"].path
    pack.used.add("oulad_students")
    return _calibration(str(pack.root), fingerprint(table))


def setup(pack, scenario: str = "baseline") -> Setup:
    """Cells, parameters and calibration of a named scenario of the pack.

    Parameters
    ----------
    pack : analytics.packs.load.Pack
        The country pack (tables ``learners``, ``connectivity``, ``devices``, ``incomes``, ``plans``,
        ``oulad_students``; assumptions ``uptake`` and ``costs``; ``scenarios.yaml``).
    scenario : str
        A named scenario of the pack's ``scenarios.yaml``.

    Returns
    -------
    Setup
    """
    spec = pack.scenario(scenario)
    if spec.uptake["content_languages"] is None:
        raise DataError([Problem(f"{pack.root.name}/{scenario_file.FILE}", scenario_file.UNSTATED.format(scenario=scenario))])
    uptake = pack.assumed("uptake")
    cascade = cascade_mod.of(pack, scenario)
    cells = cells_mod.build(pack.learners, cells_mod.access_share(cascade), uptake)
    return Setup(scenario, cells, cells_mod.language_match(cells, spec.uptake["content_languages"]),
                 parameters_of(pack), calibration_of(pack), spec.uptake["recognised"], spec.uptake["blended"],
                 pack.assumed("costs"), float(uptake["concurrency"]), pack.incomes, cascade.pricing)


def parameters_of(pack) -> dict[str, Uncertain]:
    """The uncertain inputs of every scenario's setup: the suite's, with the pack's ``uptake.new_adult_share``
    (a scenario changes levers, never these)."""
    return with_pack(pack.assumed("uptake"))


def setup_of(pack, scenario: str = "baseline") -> Setup:
    """:func:`setup`, kept on the pack object so that each scenario is set up once per session."""
    kept = pack.derived.setdefault(__name__, {})
    if scenario not in kept:
        kept[scenario] = setup(pack, scenario)
    return kept[scenario]


def run(s: Setup, horizon: int = 11, n_draws: int = 10_000, seed: int | None = 2027,
        parameters: dict[str, Uncertain] | None = None) -> Simulation:
    """The Monte Carlo of a setup (``parameters`` replaces the setup's, e.g. a slider's value).

    Two independent random streams come from the seed: the parameters (the study needs behind
    access among them, drawn anew for every draw) and the calibration's odds ratios.
    """
    draws_seed, offsets_rng = (np.random.default_rng(c) for c in np.random.SeedSequence(seed).spawn(2))
    return simulate(s.cells, s.match, parameters or s.parameters, s.calibration.carried().to_numpy(), s.recognised,
                    s.blended, horizon, n_draws, draws_seed, offset_draws=s.calibration.draws(n_draws, offsets_rng),
                    incomes=s.incomes, pricing=s.pricing, reference=s.calibration.reference)


def simulation(pack, scenario: str = "baseline", horizon: int = 11, n_draws: int = 10_000,
               seed: int | None = 2027) -> tuple[Setup, Simulation]:
    """A scenario's setup and its national simulation, made once per briefing run.

    Every page of a run that shows the scenario (each language, each region, the comparison of
    scenarios) reads the same result from the run's cache (:func:`analytics.core.cache.computed`);
    outside a batch run it is computed on each call.

    Returns
    -------
    (Setup, Simulation)
    """
    def make():
        s = setup_of(pack, scenario)
        return s, run(s, horizon, n_draws, seed)

    return computed(pack, "uptake.simulation", (scenario, horizon, n_draws, seed), make)


def eligible_and_able(s: Setup, sim, districts: list[str] | None = None) -> tuple[float, float]:
    """People eligible today (part-time students and the adults who would join, at the central share) and
    those of them who can study online: the eligible times the median over ``sim``'s draws of the share able
    to (:meth:`~analytics.uptake.simulate.Simulation.able_share`), the value the options table gives for the
    country), in ``districts`` (None: every district)."""
    c = s.cells if districts is None else s.cells[s.cells["district_code"].isin(districts)]
    eligible = float((c["part_time"] + s.parameters["new_adult_share"].mode * c["adults"]).sum())
    return eligible, eligible * float(np.median(sim.able_share(districts)))


def part_time_today(s: Setup, districts: list[str] | None = None) -> float:
    """Today's part-time (correspondence) students in ``districts`` (None: every district), persons."""
    c = s.cells if districts is None else s.cells[s.cells["district_code"].isin(districts)]
    return float(c["part_time"].sum())


def peak_studying(pack, region: str = "all", scenario: str = "baseline", horizon: int = 11,
                  n_draws: int = 10_000, seed: int | None = 2027) -> dict[str, float]:
    """The most active learners studying online at once in any year of the horizon (persons), in a region
    (``"all"``: the country): ``p10``, ``p50``, ``p90`` over the scenario's draws
    (:meth:`Simulation.studying`; made once per run, from the national simulation)."""
    def make() -> dict[str, float]:
        sim = simulation(pack, scenario, horizon, n_draws, seed)[1]
        peak = sim.studying(area_districts(pack, region)).max(axis=1)
        return dict(zip(("p10", "p50", "p90"), map(float, np.quantile(peak, QUANTILES)), strict=True))

    return computed(pack, "uptake.peak_studying", (region, scenario, horizon, n_draws, seed), make)


def busiest_studying(pack, region: str = "all", horizon: int = 11, n_draws: int = 10_000,
                     seed: int | None = 2027) -> dict:
    """:func:`peak_studying` of the scenario with the most learners studying at once (median), with its name
    (``scenario``): the network a ministry choosing that option would have to carry."""
    peaks = {name: peak_studying(pack, region, name, horizon, n_draws, seed) for name in pack.scenarios}
    name = max(peaks, key=lambda n: peaks[n]["p50"])
    return {"scenario": name, **peaks[name]}


def district_bands(pack, scenario: str = "baseline", horizon: int = 11, n_draws: int = 10_000,
                   seed: int | None = 2027, districts: list[str] | None = None) -> Bands:
    """The bands of every stage by district and year (:meth:`Simulation.area_bands`), made once per run."""
    frame = computed(pack, "uptake.district_bands", (scenario, horizon, n_draws, seed),
                     lambda: simulation(pack, scenario, horizon, n_draws, seed)[1].to_frame())
    return Bands(frame if districts is None else frame[frame["district_code"].isin(districts)])


def run_costs(s: Setup, sim: Simulation) -> Costs:
    """Costs of a national simulation under the setup's scenario."""
    return costs(sim, s.costs, s.concurrency, s.blended)


def _band(values: np.ndarray) -> dict[str, float]:
    q = np.quantile(values, QUANTILES)
    return {"p10": float(q[0]), "p50": float(q[1]), "p90": float(q[2])}


class Comparison(TableResult):
    """Scenarios side by side: ``scenario``, ``measure``, ``p10``, ``p50``, ``p90`` (see :func:`compare`)."""

    def summary(self) -> str:
        wide = self.frame.pivot(index="scenario", columns="measure", values="p50")
        return "Scenarios compared (medians):\n" + wide.to_string(float_format=lambda v: f"{v:,.1f}")


def compare(pack, scenarios: list[str] | None = None, horizon: int = 11, n_draws: int = 10_000,
            seed: int | None = 2027, districts: list[str] | None = None, route: str = "in_house") -> Comparison:
    """Every scenario side by side, each number with its band.

    Returns
    -------
    Comparison
        ``frame`` tidy: ``scenario``, ``measure`` (enrolled, completed, certified — persons over the horizon in
        the area; urban_rural_gap_pp, female_male_gap_pp — difference in the share of the enrolled who
        complete, percentage points, national; usd_per_completer and total_usd — the programme's cost
        over the horizon, national, by ``route``; able_pct — share of
        the eligible who can study online, percent, national), ``p10``,
        ``p50``, ``p90``.
    """
    names = list(scenarios or pack.scenarios)
    return computed(pack, "uptake.comparison", (tuple(names), horizon, n_draws, seed,
                                                None if districts is None else tuple(districts), route),
                    lambda: _compare(pack, names, horizon, n_draws, seed, districts, route))


def _compare(pack, names: list[str], horizon: int, n_draws: int, seed: int | None, districts: list[str] | None,
             route: str) -> Comparison:
    rows = []
    for name in names:
        s, sim = simulation(pack, name, horizon, n_draws, seed)
        measures = {st: sim.total(st, districts) for st in ("enrolled", "completed", "certified")}
        measures["urban_rural_gap_pp"] = sim.gap("urban", "rural")
        measures["female_male_gap_pp"] = sim.gap("female", "male")
        spent = run_costs(s, sim)
        measures["usd_per_completer"] = spent.per_completer(route)
        measures["total_usd"] = spent.total[route]
        measures["able_pct"] = 100 * sim.able
        rows += [{"scenario": name, "measure": m, **_band(v)} for m, v in measures.items()]
    return Comparison(pd.DataFrame(rows))
