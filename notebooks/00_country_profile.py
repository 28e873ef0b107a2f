# ---
# jupyter:
#   analytics:
#     capability: profile
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: analytics
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Distance-learning analytics
#     language: python
#     name: analytics
# ---

# %% [markdown] tags=["i18n:nb00.intro"]
# # Country profile: connectivity and higher education
#
# How connected is the country, how urban, and how many young people study at a university,
# next to its neighbours? Which districts does the analysis cover, and which inputs are
# measured and which are modelled?

# %% tags=["parameters"]
country: str = "tjk"  # lower-case ISO3 code of the country pack under data/
region: str = "all"  # ISO 3166-2 code of a region (e.g. "TJ-GB"), or "all" for the whole country
language: str = "en"  # language of the page: "en", "ru" or "tg"
year_from: int = 2000  # first year shown in the indicator charts
year_to: int = 2024  # last year shown in the indicator charts

# %% tags=["remove-cell"]
from analytics.packs import load_pack
from analytics.profile import panels as profile
from analytics.profile.params import PARAMETERS
from analytics.report.areas import check_region
from analytics.report.record import key_reading, record

PARAMETERS.check_namespace(globals())  # the checks the briefing runner makes
pack = load_pack(country)
check_region(pack, region)

# %% [markdown] tags=["i18n:nb00.key_facts"]
# ## Key facts
# The latest published value of each headline indicator (World Bank WDI, ITU).

# %%
key_facts = profile.headlines(pack, language, region)
key_facts

# %% [markdown] tags=["i18n:nb00.indicators"]
# ## Connectivity and education against the neighbours
# Each panel is one indicator; the thick line is the country.

# %%
trends = profile.indicator_figure(pack, year_from, year_to, language)
trends

# %% [markdown] tags=["i18n:nb00.map"]
# ## Where people live
# Districts coloured by people per km² (a logarithmic scale). Hover over a district to see its name.

# %%
profile.district_map(pack, region, language)

# %% [markdown] tags=["i18n:nb00.status"]
# ## Data status
# Every input of this page: measured (published data) or modelled (estimated from stated
# assumptions), with its source, licence and year.

# %%
status = profile.data_status(pack, language)
status

# %% tags=["remove-cell"]
record(pack, key_reading(key_facts, trends),
       tables={"key_facts": profile.key_facts_table(pack, language), "data_status": status})
