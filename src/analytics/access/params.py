"""Parameters of notebook 01_access_gaps (kept equal to its parameters cell by a test)."""

from ..core.declarations import Declaration, Param
from .scenarios import AGE_BANDS

PARAMETERS = Declaration("access", (
    Param("country", str, "tjk", "lower-case ISO3 code of the country pack under data/", source="country"),
    Param("region", str, "all", 'ISO 3166-2 code of a region (e.g. "TJ-GB"), or "all" for the whole country',
          source="region"),
    Param("age_band", str, "17-24", "age band of the participation rates", choices=AGE_BANDS),
    Param("grid_km", float, 1.0, "cell size of the distance grid, km (smaller cells: finer distances, more memory)",
          min=0.25, max=50),
    Param("language", str, "en", "language of the page: one of the pack's reader languages (en, ru, tg …)",
          source="language"),
    Param("scenario", str, "baseline", "named scenario of the pack's scenarios.yaml (sets the counterfactual)",
          source="scenario"),
))
