"""Parameters of notebook 02_connectivity (its parameters cell is generated from them)."""

from ..core.declarations import COUNTRY, LANGUAGE, REGION, Declaration, Memory, Param, scenario_param
from ..models.content_profiles import PROFILES

#: Peak memory of the notebook's kernel (resident, `analytics run`, 2026-12-04): measured 632 MB (it reads the uptake
#: model's learners for the network load).
PARAMETERS = Declaration("connectivity", (
    COUNTRY,
    REGION,
    Param("content_profile", str, "video_360p", "kind of course content whose reach and cost the page shows",
          choices=tuple(PROFILES)),
    Param("price_per_gb_usd", float, 0.0, "price of 1 GB of mobile data, USD; 0 for the pack's median mobile plan "
          "times the scenario's price factor", min=0, max=100),
    Param("speed_uplift", float, 0.0, "factor on every speed (1 today, 2 twice as fast); 0 for the scenario's",
          min=0, max=100),
    Param("cache_share", float, 0.5, "share of course traffic served from a national cache or mirror, 0–1",
          min=0, max=1),
    scenario_param("sets speed and price levers"),
    LANGUAGE,
), memory=Memory(650))
