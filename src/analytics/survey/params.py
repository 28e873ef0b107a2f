"""Parameters of notebook 04_pilot_survey (kept equal to its parameters cell by a test)."""

from ..core.declarations import Declaration, Param
from .responses import ROLES

PARAMETERS = Declaration("survey", (
    Param("country", str, "tjk", "lower-case ISO3 code of the country pack under data/", source="country"),
    Param("role", str, "all", "whose answers count: all respondents, teachers or students", choices=ROLES),
    Param("min_cell_size", int, 5, "fewest respondents behind a published number (smaller groups are withheld)",
          min=1, max=100),
    Param("language", str, "en", "language of the page: one of the pack's reader languages (en, ru, tg …)",
          source="language"),
))
