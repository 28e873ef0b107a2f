# ---
# jupyter:
#   analytics:
#     capability: profile
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
language: str = "en"  # language of the page: one of the pack's reader languages (en, ru, tg …)
year_from: int = 2000  # first year shown in the indicator charts
year_to: int = 2024  # last year shown in the indicator charts

# %% tags=["remove-cell"]
from analytics.packs import load_pack
from analytics.packs.choices import check_parameters
from analytics.profile import panels as profile
from analytics.profile.params import PARAMETERS
from analytics.report.record import key_reading, record
from analytics.report.session import explore, show_text

check_parameters(PARAMETERS, globals())  # the checks the briefing runner makes, before any work
pack = load_pack(country)

# %%
show_text(pack, "nb00.intro", language)

# %% tags=["remove-cell", "live-only"]
explore(PARAMETERS, globals())  # drop-downs that redraw every panel below (live sessions only)

# %%
show_text(pack, "nb00.key_facts", language)

# %%
key_facts = profile.headlines(pack, region, language)
key_facts

# %%
show_text(pack, "nb00.indicators", language)

# %%
trends = profile.indicator_figure(pack, year_from, year_to, language)
trends

# %%
show_text(pack, "nb00.map", language)

# %%
profile.district_map(pack, region, language)

# %%
show_text(pack, "nb00.status", language)

# %%
status = profile.data_status(pack, language=language)
status

# %% tags=["remove-cell"]
record(pack, key_reading(key_facts, trends),
       tables={"key_facts": profile.key_facts_table(pack, language), "data_status": status})
