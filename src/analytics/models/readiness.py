"""Who can take which kind of course over today's connections: shares by district × settlement × income fifth.

For a profile needing ``d`` Mbps down and ``u`` up (:mod:`.profiles`), a person in a district and
settlement can take it when

* their connection carries it: by fixed line, with probability ``fixed_available × P(fixed ≥ d, u)``,
  or by mobile with at least 3G, with probability ``cov_3g × P(mobile ≥ d, u)``; the two are taken
  as independent, so ``P(connection) = 1 − (1 − P_fixed)(1 − P_mobile)``;
* and they own a device: a smartphone or a computer, ``1 − (1 − smartphone)(1 − computer)`` by
  settlement and income fifth (the pack's ``devices`` table), fifths being equal parts of the people;
* and they use the internet: a share ``use_share`` of covered device owners by settlement and income
  fifth, as the access cascade calibrates it to the published share of internet users
  (:mod:`.cascade`; 1 counts every covered device owner).

Speeds are log-normal with the pack's median and log-standard deviation, scaled by ``speed_uplift``
(a scenario, e.g. 4G expansion). Down and up speeds of one connection are taken as perfectly rank-
correlated, so ``P(≥ d and ≥ u)`` is the smaller of the two. All of this is MODELLED for Tajikistan
(the pack's connectivity and devices tables are modelled); the shares carry no sampling interval.

Readiness index of an area (0–100): ``R = 100 × (0.5 S_text + 0.3 S_video360 + 0.2 S_live)`` — the
population-weighted shares able to take text and LMS pages, 360p video, and a live group video class.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .affordability import StudyNeeds
from .content_profiles import PROFILES, ContentProfile

#: Weights of the readiness index (profile: weight), summing to 1.
INDEX_WEIGHTS = {"text_lms": 0.5, "video_360p": 0.3, "live_group_video": 0.2}


def share_at_least(rate_mbps: float, median_mbps, log_sd) -> np.ndarray:
    """Share (0–1) of log-normal speeds with ``median_mbps`` and ``log_sd`` at or above ``rate_mbps``."""
    from scipy.special import ndtr  # the normal CDF (scipy.stats's norm.sf is ndtr(-z), with stats' imports)

    median_mbps = np.asarray(median_mbps, dtype=float)
    log_sd = np.asarray(log_sd, dtype=float)
    if rate_mbps <= 0:
        return np.ones_like(median_mbps)
    with np.errstate(divide="ignore"):
        z = (np.log(rate_mbps) - np.log(median_mbps)) / np.where(log_sd > 0, log_sd, np.nan)
    out = ndtr(-z)
    step = (median_mbps >= rate_mbps).astype(float)  # no spread: everyone has the median
    return np.where(log_sd > 0, out, step)


def connection_share(conn: pd.DataFrame, prof: ContentProfile, hours_per_week: float = StudyNeeds.hours_per_week,
                     speed_uplift: float = 1.0) -> np.ndarray:
    """Share (0–1) of people in each row of ``conn`` whose connection carries ``prof``."""
    down, up = prof.needed_down_mbps(hours_per_week), prof.up_mbps
    per_tech = {}
    for tech in ("fixed", "mobile"):
        med_d = conn[f"{tech}_down_median_mbps"].to_numpy(float) * speed_uplift
        med_u = conn[f"{tech}_up_median_mbps"].to_numpy(float) * speed_uplift
        sd = conn[f"{tech}_log_sd"].to_numpy(float)
        per_tech[tech] = np.minimum(share_at_least(down, med_d, sd), share_at_least(up, med_u, sd))
    fixed = conn["fixed_available"].to_numpy(float) * per_tech["fixed"]
    mobile = conn["cov_3g"].to_numpy(float) * per_tech["mobile"]
    return 1 - (1 - fixed) * (1 - mobile)


def device_share(devices: pd.DataFrame) -> pd.DataFrame:
    """Share owning a smartphone or a computer, by ``settlement`` and ``quintile`` (and ``sex`` where given)."""
    out = devices[[c for c in ("settlement", "quintile", "sex") if c in devices]].copy()
    out["device_share"] = 1 - (1 - devices["smartphone_share"]) * (1 - devices["computer_share"])
    return out


@dataclass
class Readiness:
    """Shares able to take each profile, tidy, with the parameters that made them."""

    frame: pd.DataFrame
    hours_per_week: float
    speed_uplift: float
    use_share: object = 1.0

    def to_frame(self) -> pd.DataFrame:
        """One row per district × settlement × quintile × profile: ``population`` (persons),
        ``connection_share``, ``device_share`` and ``capable_share`` (0–1: connection × device × use)."""
        return self.frame.copy()

    def by_area(self, by: list[str]) -> pd.DataFrame:
        """Population-weighted ``capable_share`` by ``by`` (e.g. ``["region_code", "profile"]``)."""
        f = self.frame.assign(_w=self.frame["population"] * self.frame["capable_share"])
        g = f.groupby(by, as_index=False)[["_w", "population"]].sum()
        return g.assign(capable_share=g["_w"] / g["population"]).drop(columns="_w")

    def index(self, by: list[str] | None = None) -> pd.DataFrame:
        """The readiness index (0–100) by ``by`` (the whole frame when None); see the module's formula."""
        by = by or []
        shares = self.by_area([*by, "profile"])
        shares = shares[shares["profile"].isin(INDEX_WEIGHTS)]
        shares = shares.assign(_part=100 * shares["capable_share"] * shares["profile"].map(INDEX_WEIGHTS))
        if not by:
            return pd.DataFrame({"readiness_index": [shares["_part"].sum()]})
        return shares.groupby(by, as_index=False)["_part"].sum().rename(columns={"_part": "readiness_index"})

    def summary(self) -> str:
        national = self.by_area(["profile"]).set_index("profile")["capable_share"]
        lines = [f"Share able to take each profile ({self.hours_per_week:g} h a week, speeds × {self.speed_uplift:g}):"]
        lines += [f"  {p:<18} {100 * s:5.1f}%" for p, s in national.items()]
        lines.append(f"Readiness index: {self.index()['readiness_index'].iloc[0]:.1f} of 100")
        return "\n".join(lines)


def readiness(conn: pd.DataFrame, devices: pd.DataFrame, profiles: list[str] | None = None,
              hours_per_week: float = StudyNeeds.hours_per_week, speed_uplift: float = 1.0,
              use_share: pd.DataFrame | float = 1.0) -> Readiness:
    """Share of people able to take each content profile, by district × settlement × income fifth.

    Parameters
    ----------
    conn : pandas.DataFrame
        The pack's ``connectivity`` table (coverage shares 0–1, speed medians in Mbps, log-sds).
    devices : pandas.DataFrame
        The pack's ``devices`` table (smartphone and computer shares by settlement and quintile,
        and by ``sex`` where the table has that column: the frame is then split by sex too, in
        equal halves of the population).
    profiles : list of str, optional
        Profile codes (default: every profile of :data:`~.profiles.PROFILES`).
    hours_per_week : float
        Hours of study a week (sets the offline package's size), > 0.
    speed_uplift : float
        Factor on every speed median (1 = today; 2 doubles them), > 0.
    use_share : pandas.DataFrame or float
        Share (0–1) of covered device owners who use the internet: ``settlement, quintile,
        use_share`` (:meth:`~.cascade.UseCalibration.by_group`), or one share for all (1 counts
        every covered device owner).

    Returns
    -------
    Readiness
    """
    if speed_uplift <= 0 or hours_per_week <= 0:
        raise ValueError("speed_uplift and hours_per_week must be positive")
    use = use_share["use_share"] if isinstance(use_share, pd.DataFrame) else pd.Series([use_share])
    if not use.between(0, 1).all():
        raise ValueError("use_share must hold shares from 0 to 1")
    dev = device_share(devices)
    base = conn[["district_code", "region_code", "settlement", "population"]].assign(_row=np.arange(len(conn)))
    base = base.merge(dev, on="settlement", how="left")
    if isinstance(use_share, pd.DataFrame):
        base = base.merge(use_share[["settlement", "quintile", "use_share"]], on=["settlement", "quintile"], how="left")
        uses = base.pop("use_share").fillna(1.0).to_numpy(float)
    else:
        uses = np.full(len(base), float(use_share))
    # equal fifths of each district × settlement (and equal halves by sex where devices give sex)
    base["population"] = base["population"] / base.groupby(["district_code", "settlement"])["quintile"].transform("size")
    row = base.pop("_row").to_numpy()
    rows = []
    for name in profiles or list(PROFILES):
        share = np.asarray(connection_share(conn, PROFILES[name], hours_per_week, speed_uplift), dtype=float)[row]
        rows.append(base.assign(connection_share=share,
                                capable_share=share * base["device_share"].to_numpy() * uses, profile=name))
    frame = pd.concat(rows, ignore_index=True)
    keys = ["district_code", "region_code", "settlement", "quintile", *(["sex"] if "sex" in dev else [])]
    return Readiness(frame[[*keys, "profile", "population", "connection_share", "device_share", "capable_share"]],
                     hours_per_week, speed_uplift, use_share)


def download_hours(conn: pd.DataFrame, hours_per_week: float = StudyNeeds.hours_per_week, speed_uplift: float = 1.0,
                   package: str = "offline_package") -> pd.DataFrame:
    """Hours to fetch a week's offline package at the median speed of each district × settlement.

    The faster of the median fixed and median mobile speed is used where a fixed line is
    available to at least half the people, else the mobile median.

    Returns
    -------
    pandas.DataFrame
        ``district_code, region_code, settlement, population, package_gb, median_mbps, hours``.
    """
    prof = PROFILES[package]
    gb_week = prof.gb_per_hour() * hours_per_week
    mobile = conn["mobile_down_median_mbps"].to_numpy(float) * speed_uplift
    fixed = conn["fixed_down_median_mbps"].to_numpy(float) * speed_uplift
    mbps = np.where(conn["fixed_available"].to_numpy(float) >= 0.5, np.maximum(mobile, fixed), mobile)
    out = conn[["district_code", "region_code", "settlement", "population"]].copy()
    out["package_gb"] = gb_week
    out["median_mbps"] = mbps
    out["hours"] = gb_week * 8000 / mbps / 3600  # GB → megabits, over Mbps → seconds → hours
    return out


def with_measured(conn: pd.DataFrame, measured: pd.DataFrame | None, kind: str = "mobile") -> pd.DataFrame:
    """``conn`` with the ``kind`` speeds of the districts in ``measured`` (an ingested Ookla table) put in.

    The tests-weighted mean of the tiles replaces the modelled median for both settlements of a
    district (Ookla's tiles do not say which is which); the spread stays the modelled one.
    """
    if measured is None or measured.empty:
        return conn
    m = measured.set_index("district_code")
    out = conn.copy()
    hit = out["district_code"].isin(m.index)
    out.loc[hit, f"{kind}_down_median_mbps"] = out.loc[hit, "district_code"].map(m["down_mbps"])
    out.loc[hit, f"{kind}_up_median_mbps"] = out.loc[hit, "district_code"].map(m["up_mbps"])
    return out


def with_rural_coverage(conn: pd.DataFrame, at_least: float | None) -> pd.DataFrame:
    """``conn`` with rural 3G and 4G coverage raised to at least ``at_least`` (0–1; None changes nothing).

    A scenario's 4G build-out: a rural area covered by 4G is covered by a mobile network of at
    least 3G, which is what the readiness model counts.
    """
    if at_least is None:
        return conn
    out = conn.copy()
    rural = out["settlement"] == "rural"
    for col in ("cov_3g", "cov_4g"):
        if col in out:
            out.loc[rural, col] = out.loc[rural, col].clip(lower=at_least)
    return out


def connectivity_of(pack) -> pd.DataFrame:
    """A pack's connectivity table, with measured mobile speeds put in where an Ookla file was ingested."""
    measured = pack["ookla_mobile"] if "ookla_mobile" in pack.tables else None
    return with_measured(pack.connectivity, measured)
