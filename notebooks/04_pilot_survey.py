# ---
# jupyter:
#   analytics:
#     capability: survey
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
role: str = "all"  # whose answers count: all respondents, teachers or students: "all" or "teacher" or "student"
min_cell_size: int = 5  # fewest respondents behind a published number (smaller groups are withheld)
n_replicates: int = 1000  # bootstrap resamples behind how sure each rank is (fewer: faster)
language: str = "en"  # language of the page: one of the pack's reader languages (en, ru, tg …)

# %% tags=["remove-cell"]
from analytics.packs import load_pack
from analytics.packs.choices import check_parameters
from analytics.report.record import key_reading, record
from analytics.report.session import explore, show_text
from analytics.survey import panels as sp
from analytics.survey.params import PARAMETERS
from analytics.uptake.runs import peak_studying

check_parameters(PARAMETERS, globals())  # the checks the briefing runner makes, before any work
pack = load_pack(country)

# %%
show_text(pack, "nb04.intro" if sp.surveyed(pack) else "nb04.intro_none", language)

# %% tags=["remove-cell", "live-only"]
explore(PARAMETERS, globals())  # drop-downs that redraw every panel below (live sessions only)

# %%
show_text(pack, "nb04.questions", language)

# %%
questions = sp.questions_panel(pack, role, min_cell_size, peak_studying(pack, "all", "baseline"), language)
questions

# %%
show_text(pack, "nb04.languages", language)

# %%
languages = sp.language_panel(pack, role, min_cell_size, language)
languages

# %%
show_text(pack, "nb04.rankings", language)

# %%
rankings = sp.rankings_panel(pack, role, min_cell_size, n_replicates, language)
rankings

# %%
show_text(pack, "nb04.crosstabs", language)

# %%
crosstabs = sp.crosstab_panel(pack, role, min_cell_size, language)
crosstabs

# %%
show_text(pack, "nb04.employers", language)

# %%
employers = sp.employers_panel(pack, min_cell_size, language)
employers

# %% tags=["remove-cell"]
record(pack, key_reading(questions, languages, rankings, employers, crosstabs),
       tables={"research_questions": questions, "languages": languages, "rankings": rankings,
               "crosstabs": crosstabs, "employers": employers})
