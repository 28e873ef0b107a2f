"""Traffic online courses put on the research network's links and on the LMS, and what a local cache saves.

At the busiest hour, ``concurrency`` of the enrolled learners are online at once. Each draws the
down rate of its content (the mix of profiles, shares summing to 1). All of that traffic crosses the
national network; the part not served from a national cache or mirror (``1 − cache_share``) also
crosses the international link. The LMS (Moodle) servers hold one session per learner online and
serve the pages and recorded media (every profile but the live classes, which go through a
conferencing server). A link of ``C`` Mbps carries ``C / (rate × concurrency)`` enrolled learners of
one profile.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .content_profiles import PROFILES

#: Content mix of an online course: share of online time in each profile (half text and LMS pages, a
#: third 360p video, a sixth live group classes); the network pages and the uptake model share it.
MIX = {"text_lms": 0.5, "video_360p": 1 / 3, "live_group_video": 1 / 6}


#: Share of learners online at the busiest hour (a choice; every page that sizes the network uses it).
CONCURRENCY = 0.1


def national_gbps(learners: float, concurrency: float = CONCURRENCY) -> float:
    """National network load (Gbps) of ``learners`` (persons) studying with the course mix, ``concurrency``
    of them online at once."""
    return float(capacity(learners, concurrency, 0.0).to_frame().set_index("link").loc["national", "peak_gbps"])


@dataclass
class Capacity:
    """Peak load of online courses, tidy (see :meth:`to_frame`)."""

    enrolled: float
    concurrency: float
    cache_share: float
    mix: dict[str, float]

    @property
    def peak_learners(self) -> float:
        """Learners online at once at the busiest hour."""
        return self.enrolled * self.concurrency

    @property
    def mean_mbps(self) -> float:
        """Average down rate (Mbps) of one learner online, over the content mix."""
        return sum(share * PROFILES[p].down_mbps for p, share in self.mix.items())

    @property
    def lms_mbps(self) -> float:
        """Traffic (Mbps) the LMS servers serve at the peak: pages and recorded media, not live classes."""
        served = sum(share * PROFILES[p].down_mbps for p, share in self.mix.items() if not p.startswith("live_"))
        return self.peak_learners * served

    def to_frame(self) -> pd.DataFrame:
        """``link`` (national, international, lms) with ``peak_mbps``, ``peak_gbps`` and ``sessions``.

        ``sessions`` is the learners online at once on that link or server (persons).
        """
        national = self.peak_learners * self.mean_mbps
        international = national * (1 - self.cache_share)
        mbps = [national, international, self.lms_mbps]
        return pd.DataFrame({"link": ["national", "international", "lms"], "peak_mbps": mbps,
                             "peak_gbps": [m / 1000 for m in mbps], "sessions": [self.peak_learners] * 3})

    def saved_mbps(self) -> float:
        """International traffic (Mbps) a cache serving ``cache_share`` saves at the peak."""
        return self.peak_learners * self.mean_mbps * self.cache_share

    def summary(self) -> str:
        f = self.to_frame().set_index("link")["peak_gbps"]
        return (f"{self.peak_learners:,.0f} learners online at once ({self.concurrency:.0%} of {self.enrolled:,.0f}); "
                f"national {f['national']:.2f} Gbps, international {f['international']:.2f} Gbps "
                f"with {self.cache_share:.0%} served by a national cache; LMS servers {f['lms']:.2f} Gbps")


def capacity(enrolled: float, concurrency: float = 0.1, cache_share: float = 0.0,
             mix: dict[str, float] | None = None) -> Capacity:
    """Peak load of ``enrolled`` online learners.

    Parameters
    ----------
    enrolled : float
        Learners enrolled in online courses (persons), >= 0.
    concurrency : float
        Share (0–1) of them online at the busiest hour (choice: 0.1).
    cache_share : float
        Share (0–1) of traffic served from a national cache or mirror.
    mix : dict, optional
        Profile code to share of online time (sums to 1; default: half text and LMS pages,
        a third 360p video, a sixth live group classes).

    Returns
    -------
    Capacity
    """
    mix = mix or MIX
    if enrolled < 0 or not 0 <= concurrency <= 1 or not 0 <= cache_share <= 1:
        raise ValueError("enrolled must be >= 0, concurrency and cache_share between 0 and 1")
    if abs(sum(mix.values()) - 1) > 1e-9 or any(p not in PROFILES for p in mix):
        raise ValueError("the mix must name known profiles with shares summing to 1")
    return Capacity(float(enrolled), float(concurrency), float(cache_share), dict(mix))


def learners_per_link(capacity_mbps: float, concurrency: float = 0.1) -> pd.DataFrame:
    """Enrolled learners a link carries at the peak, for each profile.

    Parameters
    ----------
    capacity_mbps : float
        Capacity of the link (Mbps), > 0.
    concurrency : float
        Share (0–1) of enrolled learners online at the busiest hour, > 0.

    Returns
    -------
    pandas.DataFrame
        ``profile``, ``down_mbps`` (Mbps a learner draws) and ``learners`` (enrolled learners, persons).
    """
    if capacity_mbps <= 0 or not 0 < concurrency <= 1:
        raise ValueError("capacity_mbps must be > 0 and concurrency in (0, 1]")
    return pd.DataFrame([{"profile": p.name, "down_mbps": p.down_mbps,
                          "learners": capacity_mbps / (p.down_mbps * concurrency)} for p in PROFILES.values()])
