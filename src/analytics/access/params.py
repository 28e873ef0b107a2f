"""Parameters of notebook 01_access_gaps (its parameters cell is generated from them)."""

from ..core.declarations import COUNTRY, LANGUAGE, REGION, Declaration, Memory, Param, scenario_param
from ..models.intervals import REPLICATES
from .age_bands import AGE_BANDS
from .counterfactual import DRAWS

#: Peak memory of the notebook's kernel (resident, `analytics run`, 2026-12-04): measured 444–468 MB for grid_km 5 to
#: 0.5 (the grid itself is capped by cells).
PARAMETERS = Declaration("access", (
    COUNTRY,
    REGION,
    Param("age_band", str, "17-24", "age band of the participation rates", choices=AGE_BANDS),
    Param("grid_km", float, 1.0, "cell size of the distance grid, km (smaller cells: finer distances, more memory)",
          min=0.25, max=50),
    scenario_param("sets the counterfactual"),
    Param("n_replicates", int, REPLICATES, "bootstrap resamples behind each 95 % interval of the parity indices "
          "and the decomposition (fewer: faster, rougher bounds)", min=20, max=10_000),
    Param("n_draws", int, DRAWS, "draws behind the counterfactual's band (coefficients, study needs, sample)",
          min=20, max=10_000),
    LANGUAGE,
), memory=Memory(480))
