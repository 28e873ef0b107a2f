"""Parameters of notebook 00_country_profile (kept equal to its parameters cell by a test)."""

from ..core.declarations import Declaration, Param, Rule

PARAMETERS = Declaration("profile", (
    Param("country", str, "tjk", "lower-case ISO3 code of the country pack under data/", source="country"),
    Param("region", str, "all", 'ISO 3166-2 code of a region (e.g. "TJ-GB"), or "all" for the whole country',
          source="region"),
    Param("language", str, "en", "language of the page: one of the pack's reader languages (en, ru, tg …)",
          source="language"),
    Param("year_from", int, 2000, "first year shown in the indicator charts", min=1960, max=2100),
    Param("year_to", int, 2024, "last year shown in the indicator charts", min=1960, max=2100),
), rules=(Rule("year_from", "<=", "year_to"),))
