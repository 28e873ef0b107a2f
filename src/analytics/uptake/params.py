"""Parameters of notebook 03_uptake_scenarios (its parameters cell is generated from them)."""

from ..core.declarations import COUNTRY, LANGUAGE, REGION, Declaration, Memory, Param, scenario_param

#: Peak memory of the notebook's kernel (resident, `analytics run`, 2026-12-04): measured 715 MB at 100 draws, 894 at
#: 10,000, 1,219 at 30,000 and 1,701 at 60,000; 1 to 30 years of horizon change it by under 4 %.
PARAMETERS = Declaration("uptake", (
    COUNTRY,
    REGION,
    scenario_param("sets the funnel's levers"),
    Param("horizon_years", int, 11, "years from the start of online study that the charts cover", min=1, max=30),
    Param("n_draws", int, 10_000, "Monte Carlo draws behind every band (more: smoother bands, slower)",
          min=100, max=200_000),
    Param("seed", int, 2027, "seed of the draws (the same seed gives the same numbers)", min=0, max=2**32 - 1),
    LANGUAGE,
), memory=Memory(730, "n_draws", 0.0163))
