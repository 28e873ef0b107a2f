"""Parameters of notebook 03_uptake_scenarios (kept equal to its parameters cell by a test)."""

from ..core.declarations import Declaration, Param

PARAMETERS = Declaration("uptake", (
    Param("country", str, "tjk", "lower-case ISO3 code of the country pack under data/", source="country"),
    Param("region", str, "all", 'ISO 3166-2 code of a region (e.g. "TJ-GB"), or "all" for the whole country',
          source="region"),
    Param("scenario", str, "baseline", "named scenario of the pack's scenarios.yaml (sets the funnel's levers)",
          source="scenario"),
    Param("horizon_years", int, 11, "years from the start of online study that the charts cover", min=1, max=30),
    Param("n_draws", int, 10_000, "Monte Carlo draws behind every band (more: smoother bands, slower)",
          min=100, max=200_000),
    Param("seed", int, 2027, "seed of the draws (the same seed gives the same numbers)", min=0, max=2**32 - 1),
    Param("language", str, "en", "language of the page: one of the pack's reader languages (en, ru, tg …)",
          source="language"),
))
