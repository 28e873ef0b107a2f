"""What the uptake panels and sliders share: an area's districts, bands and rounding."""

from __future__ import annotations

import numpy as np

from ..report.areas import in_region

#: Published funnel figures the model is compared with (REFERENCE_FIGURES, "MOOC and distance-course funnels").
HARVARDX_CERTIFIED_PCT = 5.13  # 43,196 certified of 841,687 registrations
MOOC_MEDIAN_COMPLETION_PCT = 12.6  # Jordan (2015), 221 MOOCs


def sig(x: float, digits: int = 2) -> float:
    """``x`` rounded to ``digits`` significant figures (a modelled count is not known closer)."""
    return float(f"{x:.{digits}g}") if np.isfinite(x) and x != 0 else float(x)


def area_districts(pack, region: str) -> list[str] | None:
    """District codes of a region (None for the whole country)."""
    return None if region == "all" else list(in_region(pack.districts, region)["district_code"])


def band(values: np.ndarray, pct: bool = False) -> dict:
    """P50 (``mid``) and P10–P90 (``low``, ``high``) of draws: counts to two significant figures, percentages as they are."""
    q = np.quantile(values, [0.1, 0.5, 0.9])
    return {"mid": sig(q[1]), "low": sig(q[0]), "high": sig(q[2])} if not pct else \
        {"mid": float(q[1]), "low": float(q[0]), "high": float(q[2])}
