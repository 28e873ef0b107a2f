# ---
# jupyter:
#   analytics:
#     capability: access
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

# %% [markdown] tags=["i18n:nb01.intro"]
# # Gaps in access to higher education
#
# Who is left out of higher education, where, and what goes with it — and how much of the gap could distance learning close?

# %% tags=["parameters"]
country: str = "tjk"  # lower-case ISO3 code of the country pack under data/
region: str = "all"  # ISO 3166-2 code of a region (e.g. "TJ-GB"), or "all" for the whole country
age_band: str = "17-24"  # age band of the participation rates: "17-24" or "25-34"
grid_km: float = 1.0  # cell size of the distance grid, km (smaller cells: finer distances, more memory)
language: str = "en"  # language of the page: one of the pack's reader languages (en, ru, tg …)
scenario: str = "online"  # online-study scenario: baseline, online, online_4g, online_cheap_data, online_4g_cheap_data

# %% tags=["remove-cell"]
from analytics.access import panels as ap
from analytics.access.params import PARAMETERS
from analytics.packs import load_pack
from analytics.report.record import key_reading, record

PARAMETERS.check_namespace(globals())  # the checks the briefing runner makes
pack = load_pack(country)

# %% [markdown] tags=["i18n:nb01.gaps"]
# ## Participation and parity
# Share of people of the age band enrolled in a university or institute, and UNESCO parity indices (1 means parity; adjusted so that values above 1 are symmetric), with 95% intervals.

# %%
gaps = ap.gap_panel(pack, region, age_band, language)
gaps

# %% [markdown] tags=["i18n:nb01.map"]
# ## Where participation is low

# %%
rates = ap.participation_map(pack, region, age_band, language)
rates

# %% [markdown] tags=["i18n:nb01.distance"]
# ## How far the nearest university is

# %%
far = ap.distance_panel(pack, region, grid_km, age_band, language)
far

# %% [markdown] tags=["i18n:nb01.regression"]
# ## What goes with studying
# A weighted logistic regression of enrolment on place, sex, income, distance and home internet (HC1 robust standard errors), fitted on the whole country with a term for each region. It describes associations, not causes.

# %%
model = ap.regression_panel(pack, region, age_band, language)
model

# %% [markdown] tags=["i18n:nb01.decomposition"]
# ## What the urban–rural gap goes with
# The gap split into the parts that go with differences in distance, income and home internet between town and village, and an unexplained rest, with 95% intervals.

# %%
parts = ap.decomposition_panel(pack, region, age_band, language)
parts

# %% [markdown] tags=["i18n:nb01.counterfactual"]
# ## What online study could change
# An upper bound: if online study counted as much as living near a campus for those who have a device, a connection and can afford the data.

# %%
online = ap.counterfactual_panel(pack, region, age_band, scenario, language, fitted=model)
online

# %% tags=["remove-cell"]
record(pack, key_reading(gaps, far, parts, online),
       tables={"parity": gaps, "participation_by_district": rates, "regression": model,
               "distance_by_district": far, "decomposition": parts, "online_by_district": online})
