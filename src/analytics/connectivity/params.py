"""Parameters of notebook 02_connectivity (kept equal to its parameters cell by a test)."""

from ..core.declarations import Declaration, Param
from ..models.profiles import PROFILES

PARAMETERS = Declaration("connectivity", (
    Param("country", str, "tjk", "lower-case ISO3 code of the country pack under data/", source="country"),
    Param("region", str, "all", 'ISO 3166-2 code of a region (e.g. "TJ-GB"), or "all" for the whole country',
          source="region"),
    Param("content_profile", str, "video_360p", "kind of course content whose reach and cost the page shows",
          choices=tuple(PROFILES)),
    Param("price_per_gb_usd", float, 0.0, "price of 1 GB of mobile data, USD; 0 for the pack's median mobile plan "
          "times the scenario's price factor", min=0, max=100),
    Param("speed_uplift", float, 0.0, "factor on every speed (1 today, 2 twice as fast); 0 for the scenario's",
          min=0, max=100),
    Param("cache_share", float, 0.5, "share of course traffic served from a national cache or mirror, 0–1",
          min=0, max=1),
    Param("scenario", str, "baseline", "named scenario of the pack's scenarios.yaml (sets speed and price levers)",
          source="scenario"),
    Param("language", str, "en", "language of the page: one of the pack's reader languages (en, ru, tg …)",
          source="language"),
))
