"""Course content profiles: the data rate each kind of course content needs, and the data it uses.

Rates are sustained rates in Mbps, down and up, taken from published guidance (see
``REFERENCE_FIGURES``: Netflix and YouTube for video, Zoom for live classes, the US school
benchmark for text and LMS pages). Data used is ``0.45 GB per hour per Mbps`` (1 Mbps for 3,600 s
is 3,600 Mb = 450 MB), counting both directions: a mobile plan bills what is sent as well as what
is received. A download-then-watch package is fetched when the connection allows and watched
offline, so it needs no sustained rate, only enough speed to fetch a week's package in the time a
learner can spend online (:data:`OFFLINE_HOURS_PER_WEEK`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..models.affordability import GB_PER_MBPS_HOUR, StudyNeeds

#: Hours a week a learner can spend fetching an offline package (choice: one evening, 3 hours).
OFFLINE_HOURS_PER_WEEK = 3.0
#: Weeks in a month, for data a month (52 / 12).
WEEKS_PER_MONTH = 52 / 12


@dataclass(frozen=True)
class ContentProfile:
    """One kind of course content.

    Attributes
    ----------
    name : str
        Code of the profile (``video_360p`` …); its reader name is the catalog's ``profile.<name>``.
    down_mbps, up_mbps : float
        Sustained rate needed, Mbps, towards the learner and from the learner.
    offline : bool
        True for a package downloaded and watched offline (needs a download, not a sustained rate).
    source : str
        Where the rate comes from.
    """

    name: str
    down_mbps: float
    up_mbps: float
    offline: bool
    source: str

    def gb_per_hour(self) -> float:
        """GB of data an hour of this content uses (both directions)."""
        return GB_PER_MBPS_HOUR * (self.down_mbps + self.up_mbps)

    def gb_per_month(self, hours_per_week: float) -> float:
        """GB a month of study at ``hours_per_week`` hours of this content uses."""
        return self.gb_per_hour() * hours_per_week * WEEKS_PER_MONTH

    def needed_down_mbps(self, hours_per_week: float) -> float:
        """Download rate (Mbps) a learner needs: the sustained rate, or for an offline package the
        rate that fetches a week's package within :data:`OFFLINE_HOURS_PER_WEEK`."""
        if not self.offline:
            return self.down_mbps
        return self.down_mbps * hours_per_week / OFFLINE_HOURS_PER_WEEK


_ZOOM = "Zoom system requirements: "
PROFILES: dict[str, ContentProfile] = {p.name: p for p in [
    ContentProfile("text_lms", 0.1, 0.05, False, "US school benchmark of 100 kbps per student (2014–15); upload a half"),
    ContentProfile("audio_lecture", 0.08, 0.0, False, _ZOOM + "audio only 60–80 kbps (upper end)"),
    ContentProfile("video_240p", 0.5, 0.0, False, "Netflix guidance: 0.5 Mbps minimum per stream"),
    ContentProfile("video_360p", 1.0, 0.0, False, "YouTube recommended rate for 360p: 1 Mbps"),
    ContentProfile("video_480p", 2.5, 0.0, False, "YouTube recommended rate for 480p: 2.5 Mbps"),
    ContentProfile("video_720p", 5.0, 0.0, False, "YouTube recommended rate for 720p: 5 Mbps"),
    ContentProfile("live_audio", 0.08, 0.08, False, _ZOOM + "audio only 60–80 kbps each way"),
    ContentProfile("live_video_1to1", 0.6, 0.6, False, _ZOOM + "1:1 high quality 0.6 Mbps each way"),
    ContentProfile("live_group_video", 1.0, 0.8, False, _ZOOM + "group call 1.0 Mbps down, 0.8 up"),
    ContentProfile("offline_package", 1.0, 0.0, True, "360p video (YouTube, 1 Mbps) fetched ahead and watched offline"),
]}


def profile(name: str) -> ContentProfile:
    """The profile called ``name``; a :class:`~analytics.core.errors.ParameterError` names the choices."""
    from ..core.errors import ParameterError

    if name not in PROFILES:
        raise ParameterError(f"content profile {name!r} is unknown; choose one of {', '.join(PROFILES)}")
    return PROFILES[name]


def profile_table(hours_per_week: float = StudyNeeds.hours_per_week) -> pd.DataFrame:
    """Every profile with its rates, data per hour and per month at ``hours_per_week``, and source.

    Returns
    -------
    pandas.DataFrame
        ``profile, down_mbps, up_mbps, offline, needed_down_mbps, gb_per_hour, gb_per_month, source``.
    """
    return pd.DataFrame([{"profile": p.name, "down_mbps": p.down_mbps, "up_mbps": p.up_mbps, "offline": p.offline,
                          "needed_down_mbps": p.needed_down_mbps(hours_per_week), "gb_per_hour": p.gb_per_hour(),
                          "gb_per_month": p.gb_per_month(hours_per_week), "source": p.source}
                         for p in PROFILES.values()])
