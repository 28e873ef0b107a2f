"""Parameters of notebook 00_country_profile (its parameters cell is generated from them)."""

from ..core.declarations import COUNTRY, LANGUAGE, REGION, Declaration, Memory, Param, Rule

#: Peak memory of the notebook's kernel (resident, `analytics run`, 2026-12-04): measured 332 MB.
PARAMETERS = Declaration("profile", (
    COUNTRY,
    REGION,
    LANGUAGE,
    Param("year_from", int, 2000, "first year shown in the indicator charts", min=1960, max=2100),
    Param("year_to", int, 2024, "last year shown in the indicator charts", min=1960, max=2100),
), memory=Memory(350), rules=(Rule("year_from", "<=", "year_to"),))
