"""Who can study online, step by step: the one access cascade every notebook uses.

Each step is a share (0–1) of everyone in a district × settlement × income fifth, and each is
within the step before it (the fifths are equal parts of the people):

``covered``
    A mobile network of at least 3G or a fixed line reaches them:
    ``1 − (1 − fixed_available)(1 − cov_3g)`` (the pack's ``connectivity`` table).
``device``
    … and they own a smartphone or a computer (the pack's ``devices`` table, by settlement and
    fifth), independently of coverage. Using the internet needs a device, so this step comes first.
``uses``
    … and they use the internet: a share ``use_factor`` of the covered device owners, one factor
    for the country, **calibrated** so that modelled use of the whole population equals the latest
    published share of internet users in the pack (indicator ``internet_users_pct``, ITU via the
    World Bank); the factor is at most 1 (a figure above covered × device cannot be reached and
    the calibration then says by how much it falls short).
``speed``
    … and their connection carries the course's content mix (:data:`.capacity.MIX`): of the users,
    ``Σ_p mix_p · P(connection carries p) / covered`` (:func:`.readiness.connection_share`).
``afford``
    … and a month of course data costs at most the affordable share of their household's income
    (:func:`.affordability.afford_share`, at the scenario's price; a share ``home_fixed_share``
    of users pays the fixed-broadband price).

A scenario moves the cascade through its levers: rural coverage raised (``rural_4g_at_least``),
speeds multiplied (``speed_uplift``), prices multiplied (``price_factor``); the use factor stays
the one calibrated today. Everything here is MODELLED for Tajikistan (its connectivity, devices,
incomes and plans tables are modelled), so the shares carry no sampling interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import readiness as ready_mod
from .affordability import Pricing, StudyNeeds
from .capacity import MIX
from .content_profiles import PROFILES

#: The steps, in order (each within the one before).
STEPS = ("covered", "device", "uses", "speed", "afford")
#: Cell keys of the cascade.
KEYS = ["district_code", "region_code", "settlement", "quintile"]
#: Largest gap (percentage points) between modelled and published internet use the calibration accepts.
CALIBRATION_TOLERANCE_PP = 2.0


@dataclass(frozen=True)
class UseCalibration:
    """The use factor and the published figure it was calibrated to.

    Attributes
    ----------
    factor : float
        Share (0–1) of covered device owners who use the internet.
    target_pct, year : float, int
        The published share of internet users (percent of the population) and its year.
    modelled_pct : float
        Modelled internet use of the whole population with this factor, percent.
    """

    factor: float
    target_pct: float
    year: int
    modelled_pct: float

    @property
    def gap_pp(self) -> float:
        """Modelled minus published internet use, percentage points."""
        return self.modelled_pct - self.target_pct

    def summary(self) -> str:
        return (f"Internet use: modelled {self.modelled_pct:.1f}% against {self.target_pct:.1f}% published ({self.year}); "
                f"{100 * self.factor:.1f}% of covered device owners use it.")


def _steps(conn: pd.DataFrame, devices: pd.DataFrame, needs: StudyNeeds, speed_uplift: float) -> pd.DataFrame:
    """Cells with ``population`` and the shares ``covered``, ``owns`` (device ownership) and ``carries``
    (the content mix's share the connection carries, given coverage), before use and price."""
    dev = ready_mod.device_share(devices)
    if "sex" in dev:  # the cascade is not split by sex: equal halves of each fifth
        dev = dev.groupby(["settlement", "quintile"], as_index=False)["device_share"].mean()
    covered = 1 - (1 - conn["fixed_available"].to_numpy(float)) * (1 - conn["cov_3g"].to_numpy(float))
    carried = sum(share * ready_mod.connection_share(conn, PROFILES[name], needs.hours_per_week,
                                                     speed_uplift) for name, share in MIX.items())
    with np.errstate(divide="ignore", invalid="ignore"):
        carries = np.where(covered > 0, np.minimum(carried / covered, 1.0), 0.0)
    base = conn[["district_code", "region_code", "settlement", "population"]].assign(covered=covered,
                                                                                      carries=carries)
    cells = base.merge(dev.rename(columns={"device_share": "owns"}), on="settlement", how="left")
    cells["population"] = cells["population"] / cells.groupby(["district_code", "settlement"])["quintile"].transform(
        "size")
    return cells


def calibrate_use(conn: pd.DataFrame, devices: pd.DataFrame, target_pct: float, year: int) -> UseCalibration:
    """The use factor that makes modelled internet use of the whole population equal ``target_pct``.

    Parameters
    ----------
    conn, devices : pandas.DataFrame
        The pack's connectivity table (today's coverage) and devices table.
    target_pct : float
        Published internet users, percent of the population (0–100).
    year : int
        The year of ``target_pct``.
    """
    cells = _steps(conn, devices, StudyNeeds(), 1.0)
    reach = float((cells["population"] * cells["covered"] * cells["owns"]).sum() / cells["population"].sum())
    factor = min(1.0, target_pct / 100 / reach) if reach > 0 else 0.0
    return UseCalibration(factor, float(target_pct), int(year), 100 * factor * reach)


@dataclass
class Cascade:
    """Shares (0–1) of people at each step, by cell; see the module's description."""

    cells: pd.DataFrame
    calibration: UseCalibration
    needs: StudyNeeds
    pricing: Pricing

    def afford_at(self, needs: StudyNeeds) -> np.ndarray:
        """Each cell's ``afford`` step under other study needs (the steps before it unchanged)."""
        share = self.pricing.afford(needs.monthly_gb(), self.cells["income_usd"].to_numpy(float),
                                    needs.affordability_share, needs.within_fifth_log_sd)
        return self.cells["speed"].to_numpy(float) * share

    def rows_of(self, people: pd.DataFrame) -> np.ndarray:
        """Row of :attr:`cells` of each person of ``people`` (``district_code``, ``settlement``, ``quintile``).

        Raises
        ------
        ValueError
            When a person lives in a district, settlement and fifth the cascade does not cover.
        """
        keys = ["district_code", "settlement", "quintile"]
        rows = pd.MultiIndex.from_frame(self.cells[keys]).get_indexer(pd.MultiIndex.from_frame(people[keys]))
        if (rows < 0).any():
            raise ValueError(f"{int((rows < 0).sum())} people live in a district, settlement and fifth the access "
                             "cascade does not cover")
        return rows

    def able(self, people: pd.DataFrame) -> float:
        """Persons of ``people`` (a weighted sample: ``weight`` in persons) who can study online: each one's
        weight times the last step of their district, settlement and fifth, summed."""
        return float((people["weight"].to_numpy(float) * self.cells["afford"].to_numpy(float)[self.rows_of(people)]).sum())

    def within(self, region: str = "all") -> Cascade:
        """The cascade of one region's cells (ISO 3166-2 code; ``"all"``: the whole country)."""
        if region == "all":
            return self
        return Cascade(self.cells[self.cells["region_code"] == region].reset_index(drop=True), self.calibration,
                       self.needs, self.pricing)

    def by_area(self, by: list[str] | None = None) -> pd.DataFrame:
        """Tidy: ``by`` columns, ``step``, ``people`` (persons) and ``step_share`` (0–1 of ``population``)."""
        by = by or []
        c = self.cells
        sums = c.assign(**{s: c[s] * c["population"] for s in STEPS})
        g = sums.groupby(by, as_index=False)[["population", *STEPS]].sum() if by else \
            sums[["population", *STEPS]].sum().to_frame().T
        long = g.melt(id_vars=[*by, "population"], value_vars=list(STEPS), var_name="step", value_name="people")
        long["step_share"] = long["people"] / long["population"]
        long["step_order"] = long["step"].map({s: i for i, s in enumerate(STEPS)})
        return long.sort_values([*by, "step_order"]).drop(columns="step_order").reset_index(drop=True)

    def share(self, step: str = "afford") -> float:
        """Share (0–1) of everyone in the cascade's cells at ``step``."""
        return float(self.by_area().set_index("step").loc[step, "step_share"])

    def to_frame(self) -> pd.DataFrame:
        """Tidy, one row per district × settlement × step: ``population`` and ``people`` (persons), ``share`` (0–1)."""
        return self.by_area(["region_code", "district_code", "settlement"])

    def summary(self) -> str:
        lines = ["Who can study online (shares of everyone; each step within the one before):"]
        lines += [f"  {r.step:<8} {100 * r.step_share:5.1f}%  ({r.people:,.0f} people)" for r in self.by_area().itertuples()]
        lines.append(self.calibration.summary())
        return "\n".join(lines)


def cascade(conn: pd.DataFrame, devices: pd.DataFrame, incomes: pd.DataFrame, plans: pd.DataFrame,
            calibration: UseCalibration, needs: StudyNeeds | None = None, speed_uplift: float = 1.0,
            price_factor: float = 1.0, home_fixed_share: float = 0.0) -> Cascade:
    """The access cascade of each district × settlement × income fifth.

    Parameters
    ----------
    conn : pandas.DataFrame
        The pack's connectivity table (a scenario's rural coverage already put in, see
        :func:`.readiness.with_rural_coverage`).
    devices, incomes, plans : pandas.DataFrame
        The pack's devices (shares by settlement and fifth), incomes (USD a month by settlement
        and fifth) and data plans (USD per GB) tables.
    calibration : UseCalibration
        The use factor (:func:`calibrate_use`, on today's coverage).
    needs : StudyNeeds
        Study hours, data rate, affordable share of income and income spread (central values).
    speed_uplift, price_factor : float
        A scenario's factors on every speed and on the price of data (> 0; 1 = today).
    home_fixed_share : float
        Share (0–1) of connected households on fixed broadband (the pack's ``prices`` assumption).

    Returns
    -------
    Cascade
    """
    if speed_uplift <= 0 or price_factor <= 0:
        raise ValueError("speed_uplift and price_factor must be positive")
    needs = needs or StudyNeeds()
    cells = _steps(conn, devices, needs, speed_uplift)
    cells["device"] = cells["covered"] * cells["owns"]
    cells["uses"] = cells["device"] * calibration.factor
    cells["speed"] = cells["uses"] * cells["carries"]
    cells = cells.merge(incomes[["settlement", "quintile", "income_usd"]], on=["settlement", "quintile"], how="left")
    pricing = Pricing.of(plans, price_factor, home_fixed_share)
    cells["afford_share"] = pricing.afford(needs.monthly_gb(), cells["income_usd"].to_numpy(float),
                                           needs.affordability_share, needs.within_fifth_log_sd)
    cells["afford"] = cells["speed"] * cells["afford_share"]
    return Cascade(cells[[*KEYS, "population", "owns", "carries", "afford_share", "income_usd", *STEPS]],
                   calibration, needs, pricing)


def calibration_of(pack) -> UseCalibration:
    """The use factor of a pack, calibrated to its latest published share of internet users.

    Raises
    ------
    DataError
        When the pack's ``indicators`` table has no ``internet_users_pct`` for the country.
    """
    from ..core.errors import DataError, Problem

    kept = pack.derived.setdefault(__name__, {})
    if "calibration" not in kept:
        iso3 = pack.meta.get("iso3", pack.country.upper())
        ind = pack.indicators
        sel = ind[(ind["area_code"] == iso3) & (ind["indicator"] == "internet_users_pct")].dropna(subset=["value"])
        if sel.empty:
            raise DataError([Problem(f"{pack.root.name}/indicators", f"no internet_users_pct for {iso3}: the access "
                                     "cascade calibrates internet use to the latest published share of users")])
        row = sel.sort_values("year").iloc[-1]
        kept["calibration"] = calibrate_use(pack.connectivity, pack.devices, float(row["value"]), int(row["year"]))
    return kept["calibration"]


def of(pack, scenario: str = "baseline", needs: StudyNeeds | None = None) -> Cascade:
    """The cascade of a named scenario of the pack (its speed, price and rural-coverage levers), made once.

    Every notebook's "who can study online" comes from here, so the share at each step is one
    number on every page of a briefing.
    """
    needs = needs or StudyNeeds()
    kept = pack.derived.setdefault(__name__, {})
    key = (scenario, needs)
    if key not in kept:
        spec = pack.scenario(scenario)
        conn = ready_mod.with_rural_coverage(ready_mod.connectivity_of(pack), spec.access["rural_4g_at_least"])
        home_fixed = float(pack.assumed("prices").get("home_fixed_share", 0.0))
        kept[key] = cascade(conn, pack.devices, pack.incomes, pack.plans, calibration_of(pack), needs,
                            spec.connectivity["speed_uplift"], spec.connectivity["price_factor"], home_fixed)
    return kept[key]
