"""Parameters of notebook 04_pilot_survey (its parameters cell is generated from them)."""

from ..core.declarations import COUNTRY, LANGUAGE, Declaration, Memory, Param
from .rankings import REPLICATES
from .responses import ROLES

#: Peak memory of the notebook's kernel (resident, `analytics run`, 2026-12-04): measured 502 MB (it reads the uptake
#: model for question 5).
PARAMETERS = Declaration("survey", (
    COUNTRY,
    Param("role", str, "all", "whose answers count: all respondents, teachers or students", choices=ROLES),
    Param("min_cell_size", int, 5, "fewest respondents behind a published number (smaller groups are withheld)",
          min=1, max=100),
    Param("n_replicates", int, REPLICATES, "bootstrap resamples behind how sure each rank is (fewer: faster)",
          min=20, max=10_000),
    LANGUAGE,
), memory=Memory(520))
