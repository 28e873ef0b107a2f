# ---
# jupyter:
#   analytics:
#     capability: connectivity
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
content_profile: str = "video_360p"  # kind of course content whose reach and cost the page shows
price_per_gb_usd: float = 0.0  # price of 1 GB of mobile data, USD; 0 for the pack's median mobile plan times the scenario's price factor
speed_uplift: float = 0.0  # factor on every speed (1 today, 2 twice as fast); 0 for the scenario's
cache_share: float = 0.5  # share of course traffic served from a national cache or mirror, 0–1
scenario: str = "baseline"  # named scenario of the pack's scenarios.yaml (sets speed and price levers)
language: str = "en"  # language of the page: one of the pack's reader languages (en, ru, tg …)

# %% tags=["remove-cell"]
from analytics.connectivity import panels as cp
from analytics.connectivity.params import PARAMETERS
from analytics.models.cascade_panel import cascade_panel
from analytics.packs import load_pack
from analytics.packs.choices import check_parameters
from analytics.report.record import key_reading, record
from analytics.report.session import explore, show_text
from analytics.uptake.runs import busiest_studying, peak_studying

check_parameters(PARAMETERS, globals())  # the checks the briefing runner makes, before any work
pack = load_pack(country)

# %%
show_text(pack, "nb02.intro", language)

# %% tags=["remove-cell", "live-only"]
explore(PARAMETERS, globals())  # drop-downs that redraw every panel below (live sessions only)

# %%
show_text(pack, "cascade.intro", language)

# %%
cascade = cascade_panel(pack, region, scenario, language)
cascade

# %%
show_text(pack, "nb02.reach", language)

# %%
reach = cp.reach_panel(pack, region, content_profile, speed_uplift, scenario, language)
reach

# %%
show_text(pack, "nb02.cost", language)

# %%
cost = cp.affordability_panel(pack, region, content_profile, price_per_gb_usd, scenario, language)
cost

# %%
show_text(pack, "nb02.capacity", language)

# %%
load = cp.capacity_panel(pack, region, cache_share, peak_studying(pack, region, scenario),
                         busiest_studying(pack, region), language)
load

# %% tags=["remove-cell"]
record(pack, key_reading(cascade, reach, cost, load),
       tables={"cascade": cascade, "readiness": reach, "affordability": cost, "network_load": load})
