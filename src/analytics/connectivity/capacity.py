"""Traffic online courses put on the research network's links and on the LMS, and what a local cache saves.

At the busiest hour, ``concurrency`` of the enrolled learners are online at once. Each draws the
down rate of its content (the mix of profiles, shares summing to 1). All of that traffic crosses the
national network; the part not served from a national cache or mirror (``1 − cache_share``) also
crosses the international link. A link of ``C`` Mbps carries ``C / (rate × concurrency)`` enrolled
learners of one profile.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .profiles import PROFILES


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

    def to_frame(self) -> pd.DataFrame:
        """``link`` (national, international) with ``peak_mbps`` and ``peak_gbps``."""
        national = self.peak_learners * self.mean_mbps
        international = national * (1 - self.cache_share)
        return pd.DataFrame({"link": ["national", "international"], "peak_mbps": [national, international],
                             "peak_gbps": [national / 1000, international / 1000]})

    def saved_mbps(self) -> float:
        """International traffic (Mbps) a cache serving ``cache_share`` saves at the peak."""
        return self.peak_learners * self.mean_mbps * self.cache_share

    def summary(self) -> str:
        f = self.to_frame().set_index("link")["peak_gbps"]
        return (f"{self.peak_learners:,.0f} learners online at once ({self.concurrency:.0%} of {self.enrolled:,.0f}); "
                f"national {f['national']:.2f} Gbps, international {f['international']:.2f} Gbps "
                f"with {self.cache_share:.0%} served by a national cache")


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
    mix = mix or {"text_lms": 0.5, "video_360p": 1 / 3, "live_group_video": 1 / 6}
    if enrolled < 0 or not 0 <= concurrency <= 1 or not 0 <= cache_share <= 1:
        raise ValueError("enrolled must be >= 0, concurrency and cache_share between 0 and 1")
    if abs(sum(mix.values()) - 1) > 1e-9 or any(p not in PROFILES for p in mix):
        raise ValueError("the mix must name known profiles with shares summing to 1")
    return Capacity(float(enrolled), float(concurrency), float(cache_share), dict(mix))


def learners_per_link(capacity_mbps: float, concurrency: float = 0.1) -> pd.DataFrame:
    """Enrolled learners a link of ``capacity_mbps`` carries at the peak, for each profile."""
    return pd.DataFrame([{"profile": p.name, "down_mbps": p.down_mbps,
                          "learners": capacity_mbps / (p.down_mbps * concurrency)} for p in PROFILES.values()])
