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
    … and they use the internet: of the covered device owners, a share that rises with income and is
    higher in towns, ``σ(a + b_town + b_fifth · (fifth − 3))`` with the pack's stated home-internet
    effects (assumptions ``learners.internet_logit``; none stated: one share for all), its level
    ``a`` **calibrated** so that modelled use of the whole population equals the latest published
    share of internet users in the pack (indicator ``internet_users_pct``, ITU via the World Bank).
    A figure above covered × device cannot be reached; the calibration then says by how much it
    falls short.
``speed``
    … and their connection carries the course's content mix (:data:`.capacity.MIX`): of the users,
    ``Σ_p mix_p · P(connection carries p) / covered`` (:func:`.readiness.connection_share`).
``afford``
    … and a month of course data costs at most the affordable share of their household's income
    (:func:`.affordability.afford_share`, at the scenario's price; a share ``home_fixed_share``
    of users pays the fixed-broadband price).

A scenario moves the cascade through its levers: rural coverage raised (``rural_4g_at_least``),
speeds multiplied (``speed_uplift``), prices multiplied (``price_factor``); internet use among
covered device owners stays as calibrated today. Everything here is MODELLED for Tajikistan (its connectivity, devices,
incomes and plans tables are modelled), so the shares carry no sampling interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.cache import computed
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
    """Who of the covered device owners uses the internet, and the published figure it is calibrated to.

    ``P(use) = σ(intercept + urban · [town] + per_fifth · (fifth − 3))``: the slopes are stated (the
    pack's home-internet effects), the intercept is solved so that modelled use of the whole
    population equals ``target_pct``.

    Attributes
    ----------
    intercept, urban, per_fifth : float
        Log-odds of use: the solved level, the town effect and the effect of each income fifth.
    target_pct, year : float, int
        The published share of internet users (percent of the population) and its year.
    modelled_pct : float
        Modelled internet use of the whole population, percent (below the target only when even
        every covered device owner using the internet falls short of it).
    """

    intercept: float
    urban: float
    per_fifth: float
    target_pct: float
    year: int
    modelled_pct: float

    def share(self, settlement, quintile) -> np.ndarray:
        """Share (0–1) of covered device owners who use the internet, by settlement and income fifth."""
        if not np.isfinite(self.intercept):  # the target is out of reach: every covered device owner
            return np.ones(len(np.atleast_1d(settlement)))
        z = (self.intercept + self.urban * (np.asarray(settlement) == "urban")
             + self.per_fifth * (np.asarray(quintile, float) - 3))
        return 1 / (1 + np.exp(-z))

    @property
    def gap_pp(self) -> float:
        """Modelled minus published internet use, percentage points."""
        return self.modelled_pct - self.target_pct

    def by_group(self) -> pd.DataFrame:
        """``settlement, quintile, use_share`` (0–1) for every settlement and fifth."""
        grid = pd.DataFrame([(s, q) for s in ("urban", "rural") for q in range(1, 6)], columns=["settlement", "quintile"])
        return grid.assign(use_share=self.share(grid["settlement"], grid["quintile"]))

    def summary(self) -> str:
        g = self.by_group().groupby("settlement")["use_share"].mean()
        return (f"Internet use: modelled {self.modelled_pct:.1f}% against {self.target_pct:.1f}% published ({self.year}); "
                f"of covered device owners {100 * g.get('urban', np.nan):.0f}% use it in towns, "
                f"{100 * g.get('rural', np.nan):.0f}% in villages.")


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


def fifth_shares(people: pd.DataFrame) -> pd.DataFrame:
    """How national income fifths overlap the fifths within each settlement (the cascade's and the incomes').

    With ``p_q`` the weighted share of a settlement's people in national fifth ``q`` (from ``people``:
    ``settlement``, ``quintile``, ``weight``) and ``F`` its running total, national fifth ``q`` spans
    the settlement's income ranks ``F(q−1)…F(q)``; the share of it in within-settlement fifth ``f``
    is the overlap of that span with ``(f−1)/5…f/5``, divided by ``p_q`` (income rank is the same
    order nationally and within the settlement).

    Returns
    -------
    pandas.DataFrame
        ``settlement, quintile`` (national), ``fifth`` (within the settlement) and ``share`` (0–1; the
        shares of each national fifth sum to 1).
    """
    rows = []
    for settlement, g in people.groupby("settlement"):
        w = g.groupby("quintile")["weight"].sum().reindex(range(1, 6), fill_value=0.0).to_numpy(float)
        p = w / w.sum()
        top = np.cumsum(p)
        for q in range(5):
            if p[q] <= 0:
                continue
            lo, hi = top[q] - p[q], top[q]
            for f in range(5):
                overlap = max(0.0, min(hi, (f + 1) / 5) - max(lo, f / 5))
                if overlap > 1e-12:
                    rows.append({"settlement": settlement, "quintile": q + 1, "fifth": f + 1, "share": overlap / p[q]})
    return pd.DataFrame(rows, columns=["settlement", "quintile", "fifth", "share"])


def calibrate_use(conn: pd.DataFrame, devices: pd.DataFrame, target_pct: float, year: int, urban: float = 0.0,
                  per_fifth: float = 0.0) -> UseCalibration:
    """The level of internet use that makes modelled use of the whole population equal ``target_pct``.

    Parameters
    ----------
    conn, devices : pandas.DataFrame
        The pack's connectivity table (today's coverage) and devices table.
    target_pct : float
        Published internet users, percent of the population (0–100).
    year : int
        The year of ``target_pct``.
    urban, per_fifth : float
        Stated log-odds of use in towns and per income fifth (0: the same share everywhere).
    """
    from scipy.optimize import brentq

    cells = _steps(conn, devices, StudyNeeds(), 1.0)
    weight = (cells["population"] * cells["covered"] * cells["owns"]).to_numpy(float) / cells["population"].sum()
    z = urban * (cells["settlement"] == "urban").to_numpy() + per_fifth * (cells["quintile"].to_numpy(float) - 3)

    def modelled(level: float) -> float:
        return float(weight @ (1 / (1 + np.exp(-(level + z)))))

    goal = target_pct / 100
    if goal >= weight.sum():  # out of reach: every covered device owner uses the internet
        return UseCalibration(np.inf, urban, per_fifth, float(target_pct), int(year), 100 * float(weight.sum()))
    level = brentq(lambda x: modelled(x) - goal, -30.0, 30.0, xtol=1e-12) if goal > 0 else -np.inf
    return UseCalibration(level, urban, per_fifth, float(target_pct), int(year), 100 * modelled(level))


@dataclass
class Cascade:
    """Shares (0–1) of people at each step, by cell; see the module's description."""

    cells: pd.DataFrame
    calibration: UseCalibration
    needs: StudyNeeds
    pricing: Pricing
    #: How national income fifths overlap the fifths within each settlement (:func:`fifth_shares`), from the
    #: whole population sample: a subgroup's people keep their place in the settlement's income ranks.
    fifths: pd.DataFrame | None = None

    def afford_at(self, needs: StudyNeeds) -> np.ndarray:
        """Each cell's ``afford`` step under other study needs (the steps before it unchanged)."""
        share = self.pricing.afford(needs.monthly_gb(), self.cells["income_usd"].to_numpy(float),
                                    needs.affordability_share, needs.within_fifth_log_sd)
        return self.cells["speed"].to_numpy(float) * share

    def rows_of(self, people: pd.DataFrame, fifth: str = "quintile") -> np.ndarray:
        """Row of :attr:`cells` of each person of ``people`` (``district_code``, ``settlement`` and the
        within-settlement fifth in column ``fifth``).

        Raises
        ------
        ValueError
            When a person lives in a district, settlement and fifth the cascade does not cover.
        """
        wanted = pd.MultiIndex.from_arrays([people["district_code"], people["settlement"], people[fifth]])
        rows = pd.MultiIndex.from_frame(self.cells[["district_code", "settlement", "quintile"]]).get_indexer(wanted)
        if (rows < 0).any():
            raise ValueError(f"{int((rows < 0).sum())} people live in a district, settlement and fifth the access "
                             "cascade does not cover")
        return rows

    def person_matrix(self, people: pd.DataFrame):
        """(people × cells) sparse matrix of the share of each person in each cell of the cascade.

        ``people`` give their national income fifth (``quintile``, a weighted sample with ``weight``);
        the cascade's cells are fifths within each settlement (those of the ``incomes`` table), so each
        person is spread over the within-settlement fifths their national fifth overlaps
        (:func:`fifth_shares` of the whole population sample, :attr:`fifths`; of ``people`` when it has none).
        """
        from scipy.sparse import csr_matrix

        spread = people[["district_code", "settlement", "quintile"]].reset_index(drop=True)
        fifths = self.fifths if self.fifths is not None else fifth_shares(people)
        spread = spread.assign(_person=np.arange(len(spread))).merge(fifths, on=["settlement", "quintile"])
        return csr_matrix((spread["share"].to_numpy(float), (spread["_person"].to_numpy(), self.rows_of(spread, "fifth"))),
                          shape=(len(people), len(self.cells)))

    def per_person(self, people: pd.DataFrame, values: np.ndarray | None = None) -> np.ndarray:
        """Each person's chance (0–1) of the cascade's last step (or of ``values``, one per cell)."""
        values = self.cells["afford"].to_numpy(float) if values is None else np.asarray(values, float)
        return self.person_matrix(people) @ values

    def able(self, people: pd.DataFrame) -> float:
        """Persons of ``people`` (a weighted sample: ``weight`` in persons) who can study online: each one's
        weight times their chance of the last step (:meth:`per_person`), summed."""
        return float((people["weight"].to_numpy(float) * self.per_person(people)).sum())

    def within(self, region: str = "all") -> Cascade:
        """The cascade of one region's cells (ISO 3166-2 code; ``"all"``: the whole country)."""
        if region == "all":
            return self
        return Cascade(self.cells[self.cells["region_code"] == region].reset_index(drop=True), self.calibration,
                       self.needs, self.pricing, self.fifths)

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
        Internet use among covered device owners (:func:`calibrate_use`, on today's coverage).
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
    cells["uses"] = cells["device"] * calibration.share(cells["settlement"], cells["quintile"])
    cells["speed"] = cells["uses"] * cells["carries"]
    cells = cells.merge(incomes[["settlement", "quintile", "income_usd"]], on=["settlement", "quintile"], how="left")
    pricing = Pricing.of(plans, price_factor, home_fixed_share)
    cells["afford_share"] = pricing.afford(needs.monthly_gb(), cells["income_usd"].to_numpy(float),
                                           needs.affordability_share, needs.within_fifth_log_sd)
    cells["afford"] = cells["speed"] * cells["afford_share"]
    return Cascade(cells[[*KEYS, "population", "owns", "carries", "afford_share", "income_usd", *STEPS]],
                   calibration, needs, pricing)


def _stated_slopes(pack) -> dict:
    """The pack's stated effects of town and income fifth on internet use (log-odds; assumptions
    ``learners.internet_logit``), or none (one share for everyone) when the pack states none."""
    from ..core.errors import DataError

    try:
        stated = pack.assumed("learners").get("internet_logit") or {}
    except DataError:
        return {}
    return {k: float(stated[k]) for k in ("urban", "quintile") if k in stated}


def calibration_of(pack) -> UseCalibration:
    """Internet use of a pack's covered device owners, calibrated to its latest published share of users
    (once per session; in a briefing run, once per run: every job reads it).

    Raises
    ------
    DataError
        When the pack's ``indicators`` table has no ``internet_users_pct`` for the country.
    """
    kept = pack.derived.setdefault(__name__, {})
    if "calibration" not in kept:
        kept["calibration"] = computed(pack, "cascade.calibration", (), lambda: _calibration(pack))
    return kept["calibration"]


def _calibration(pack) -> UseCalibration:
    from ..core.errors import DataError, Problem

    iso3 = pack.meta.get("iso3", pack.country.upper())
    ind = pack.indicators
    sel = ind[(ind["area_code"] == iso3) & (ind["indicator"] == "internet_users_pct")].dropna(subset=["value"])
    if sel.empty:
        raise DataError([Problem(f"{pack.root.name}/indicators", f"no internet_users_pct for {iso3}: the access "
                                 "cascade calibrates internet use to the latest published share of users")])
    row = sel.sort_values("year").iloc[-1]
    slopes = _stated_slopes(pack)
    return calibrate_use(pack.connectivity, pack.devices, float(row["value"]), int(row["year"]),
                         slopes.get("urban", 0.0), slopes.get("quintile", 0.0))


def of(pack, scenario: str = "baseline", needs: StudyNeeds | None = None) -> Cascade:
    """The cascade of a named scenario of the pack (its speed, price and rural-coverage levers), made once.

    Every notebook's "who can study online" comes from here, so the share at each step is one
    number on every page of a briefing.
    """
    needs = needs or StudyNeeds()
    kept = pack.derived.setdefault(__name__, {})
    key = (scenario, needs)
    if key not in kept:  # once per session; in a briefing run, once per run (every page of the scenario reads it)
        kept[key] = computed(pack, "cascade.of", (scenario, repr(needs)), lambda: _of(pack, scenario, needs))
    return kept[key]


def _of(pack, scenario: str, needs: StudyNeeds) -> Cascade:
    spec = pack.scenario(scenario)
    conn = ready_mod.with_rural_coverage(ready_mod.connectivity_of(pack), spec.access["rural_4g_at_least"])
    home_fixed = float(pack.assumed("prices").get("home_fixed_share", 0.0))
    made = cascade(conn, pack.devices, pack.incomes, pack.plans, calibration_of(pack), needs,
                   spec.connectivity["speed_uplift"], spec.connectivity["price_factor"], home_fixed)
    made.fifths = fifth_shares(pack.learners)  # the population sample places every subgroup
    return made
