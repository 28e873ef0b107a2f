# ---
# jupyter:
#   analytics:
#     capability: access
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: analytics,-jupytext.text_representation.jupytext_version
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Distance-learning analytics
#     language: python
#     name: analytics
# ---

# %% tags=["parameters"]
country: str = "tjk"  # lower-case ISO3 code of the country pack under data/
region: str = "all"  # ISO 3166-2 code of one of the pack's regions (analytics params lists them), or "all" for the whole country
age_band: str = "17-24"  # age band of the participation rates: "17-24" or "25-34"
grid_km: float = 1.0  # cell size of the distance grid, km (smaller cells: finer distances, more memory)
scenario: str = "baseline"  # named scenario of the pack's scenarios.yaml (sets the counterfactual)
n_replicates: int = 500  # bootstrap resamples behind each 95 % interval of the parity indices and the decomposition (fewer: faster, rougher bounds)
n_draws: int = 200  # draws behind the counterfactual's band (coefficients, study needs, sample)
language: str = "en"  # language of the page: one of the pack's reader languages (en, ru, tg …)

# %% tags=["remove-cell"]
from analytics.access import panels as ap
from analytics.access.params import PARAMETERS
from analytics.models.cascade_panel import cascade_panel
from analytics.packs import load_pack
from analytics.packs.choices import check_parameters
from analytics.report.record import key_reading, record
from analytics.report.session import explore, show_text

check_parameters(PARAMETERS, globals())  # the checks the briefing runner makes, before any work
pack = load_pack(country)

# %%
show_text(pack, "nb01.intro", language)

# %% tags=["remove-cell", "live-only"]
explore(PARAMETERS, globals())  # drop-downs that redraw every panel below (live sessions only)

# %%
show_text(pack, "nb01.gaps", language)

# %%
gaps = ap.gap_panel(pack, region, age_band, n_replicates, language)
gaps

# %%
show_text(pack, "nb01.map", language)

# %%
rates = ap.participation_map(pack, region, age_band, language)
rates

# %%
show_text(pack, "nb01.distance", language)

# %%
far = ap.distance_panel(pack, region, grid_km, age_band, language)
far

# %%
show_text(pack, "nb01.regression", language)

# %%
model = ap.regression_panel(pack, region, age_band, language)
model

# %%
show_text(pack, "nb01.decomposition", language)

# %%
parts = ap.decomposition_panel(pack, region, age_band, n_replicates, language)
parts

# %%
show_text(pack, "cascade.intro", language)

# %%
cascade = cascade_panel(pack, region, scenario, language)
cascade

# %%
show_text(pack, "nb01.counterfactual", language)

# %%
online = ap.counterfactual_panel(pack, region, age_band, scenario, n_draws, language, fitted=model)
online

# %% tags=["remove-cell"]
record(pack, key_reading(gaps, far, parts, cascade, online),
       tables={"parity": gaps, "participation_by_district": rates, "regression": model,
               "distance_by_district": far, "decomposition": parts, "cascade": cascade,
               "online_by_district": online})
