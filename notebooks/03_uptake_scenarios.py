# ---
# jupyter:
#   analytics:
#     capability: uptake
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
scenario: str = "baseline"  # named scenario of the pack's scenarios.yaml (sets the funnel's levers)
horizon_years: int = 11  # years from the start of online study that the charts cover
n_draws: int = 10000  # Monte Carlo draws behind every band (more: smoother bands, slower)
seed: int = 2027  # seed of the draws (the same seed gives the same numbers)
language: str = "en"  # language of the page: one of the pack's reader languages (en, ru, tg …)

# %% tags=["remove-cell"]
from analytics.models.cascade_panel import cascade_panel
from analytics.packs import load_pack
from analytics.packs.choices import check_parameters
from analytics.report.record import key_reading, record
from analytics.report.session import explore, show_text
from analytics.uptake import panels as up
from analytics.uptake.drivers import drivers_panel
from analytics.uptake.sliders import sliders
from analytics.uptake.params import PARAMETERS

check_parameters(PARAMETERS, globals())  # the checks the briefing runner makes, before any work
pack = load_pack(country)

# %%
show_text(pack, "nb03.intro", language)

# %% tags=["remove-cell", "live-only"]
explore(PARAMETERS, globals())  # drop-downs that redraw every panel below (live sessions only)

# %%
show_text(pack, "nb03.fan", language)

# %%
fan = up.fan_panel(pack, region, scenario, horizon_years, n_draws, seed, language)
fan

# %%
show_text(pack, "cascade.intro", language)

# %%
cascade = cascade_panel(pack, region, scenario, language)
cascade

# %%
show_text(pack, "nb03.funnel", language)

# %%
funnel = up.funnel_panel(pack, region, scenario, horizon_years, n_draws, seed, language)
funnel

# %%
show_text(pack, "nb03.compare", language)

# %%
compare = up.comparison_panel(pack, region, horizon_years, n_draws, seed, language)
compare

# %%
show_text(pack, "nb03.calibration", language)

# %%
calibration = up.calibration_panel(pack, scenario, horizon_years, n_draws, seed, language)
calibration

# %%
show_text(pack, "nb03.costs", language)

# %%
cost = up.cost_panel(pack, region, scenario, horizon_years, n_draws, seed, language)
cost

# %%
show_text(pack, "nb03.drivers", language)

# %%
drivers = drivers_panel(pack, region, scenario, horizon_years, n_draws, seed, language)
drivers

# %% tags=["remove-cell", "live-only"]
sliders(pack, region, scenario, horizon_years, n_draws, seed, language)  # sliders (live sessions only)

# %% tags=["remove-cell"]
record(pack, key_reading(fan, cascade, funnel, compare, cost, calibration, drivers),
       tables={"uptake_bands": fan, "cascade": cascade, "funnel": funnel, "scenarios": compare, "calibration": calibration,
               "costs": cost, "drivers": drivers})
