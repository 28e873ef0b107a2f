"""The builders a pack may name in ``built_by:``, by name.

``pack.yaml`` says which builder makes a derived or modelled table (``built_by:
population``); the name is looked up here and nowhere else, so a pack cannot make the
suite import or run any other code. A name not listed is a validation error.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

#: Builder name -> "module:function" inside analytics.packs.builders.
BUILDERS: dict[str, str] = {
    "regions": "geography:build_regions",
    "districts": "geography:build_districts",
    "indicators": "indicators:build_indicators",
    "institutions": "institutions:build_institutions",
    "population": "population:build_population",
    "population_official": "population:build_population_official",
    "connectivity": "network:build_connectivity",
    "devices": "network:build_devices",
    "plans": "prices:build_plans",
    "incomes": "prices:build_incomes",
    "learner_sample": "learner_sample:build_learner_sample",
    "learner_sample_settled": "learner_sample:build_learner_sample",
    "pilot_respondents": "pilot_reconstruction:build_pilot_respondents",
    "pilot_mentions": "pilot_reconstruction:build_pilot_mentions",
    "employer_survey": "pilot_reconstruction:build_employer_survey",
}

#: Builder name -> the keys it reads from its ``assumptions`` section (checked by ``validate``,
#: listed in docs/country-packs.md; a test runs every builder and compares what it reads).
ASSUMPTION_KEYS: dict[str, tuple[str, ...]] = {
    "institutions": ("national_students", "part_time_share", "size_weight", "part_time_tilt"),
    "population": ("urban_total", "district_area_exponent", "town_decay_km", "host_city_bonus",
                   "base_urban_share", "host_city_urban_uplift", "max_urban_share", "male_share",
                   "age_shares"),
    "population_official": ("urban_total", "remainder_weights", "estimate_region_totals", "base_urban_share",
                            "host_city_urban_uplift", "max_urban_share", "male_share", "age_shares"),
    "connectivity": ("speed_statistic", "mobile_download_mbps", "mobile_upload_mbps", "fixed_download_mbps",
                     "fixed_upload_mbps", "log_sd", "rural_penalty", "mountain_penalty",
                     "capital_premium", "coverage", "latency_ms"),
    "devices": ("smartphone_share", "computer_share"),
    "plans": ("mobile_price_points", "price_point", "local_per_usd", "mobile_plan_gb", "volume_discount_exponent",
              "fixed_plans"),
    "incomes": ("mean_monthly_income_local", "income_growth", "local_per_usd", "urban_rural_income_ratio",
                "quintile_income_shares"),
    "learner_sample": ("sample_size", "allocation_power", "urban_quintile_probs", "language_shares",
                       "urban_jitter_km", "internet_logit", "enrolment_logit", "part_time_logit"),
    "learner_sample_settled": ("sample_size", "allocation_power", "urban_quintile_probs", "language_shares",
                               "urban_jitter_km", "unknown_place_population", "dispersed_decay_km",
                               "internet_logit", "enrolment_logit", "part_time_logit"),
    "pilot_respondents": ("respondents", "course_language_shares", "certificate_motivation"),
    "pilot_mentions": ("requirements", "advantages", "disadvantages", "mention_weights"),
    "employer_survey": ("firms", "firm_sectors", "willing_cocreate", "willing_hire", "willing_invest_training"),
}


def _numbers(v, n: int | None = None, low: float = 0.0, high: float = 1.0) -> bool:
    return (isinstance(v, list) and bool(v) and (n is None or len(v) == n)
            and all(isinstance(x, int | float) and not isinstance(x, bool) and low <= x <= high for x in v))


#: Assumption keys whose value has a shape of its own (checked by ``validate`` and ``pack build``): key →
#: (test, expected). Every other key but ``price_point`` is numbers all the way down (``urban_total: "many"``
#: is refused).
SHAPES: dict[str, tuple] = {
    "speed_statistic": (lambda v: v in ("mean", "median"), '"mean" or "median" (what the speeds are)'),
    "quintile_income_shares": (lambda v: _numbers(v, 5) and abs(sum(v) - 1) <= 0.01,
                               "five shares of income, poorest fifth first, summing to 1"),
    "urban_quintile_probs": (lambda v: _numbers(v, 5), "five shares from 0 to 1, one per income fifth"),
    "smartphone_share": (lambda v: isinstance(v, dict) and bool(v) and all(_numbers(x, 5) for x in v.values()),
                         "five shares from 0 to 1 (one per income fifth) for each settlement"),
    "computer_share": (lambda v: isinstance(v, dict) and bool(v) and all(_numbers(x, 5) for x in v.values()),
                       "five shares from 0 to 1 (one per income fifth) for each settlement"),
    "mobile_plan_gb": (lambda v: _numbers(v, None, 1e-9, 1e6), "a list of plan sizes in GB, each above 0"),
    "local_per_usd": (lambda v: isinstance(v, int | float) and not isinstance(v, bool) and v > 0,
                      "the local currency per US dollar, above 0"),
    "log_sd": (lambda v: isinstance(v, dict) and bool(v) and all(isinstance(x, int | float) and not isinstance(x, bool)
                                                                 and x > 0 for x in v.values()),
               "a mapping of each technology (mobile, fixed) to a spread above 0"),
    "sample_size": (lambda v: isinstance(v, int) and not isinstance(v, bool) and 100 <= v <= 1_000_000,
                    "a whole number of people from 100 to 1,000,000"),
    "requirements": (lambda v: isinstance(v, list) and bool(v) and all(isinstance(x, str) and x for x in v),
                     "a list of the answers, as text"),
    "advantages": (lambda v: isinstance(v, list) and bool(v) and all(isinstance(x, str) and x for x in v),
                   "a list of the answers, as text"),
    "disadvantages": (lambda v: isinstance(v, list) and bool(v) and all(isinstance(x, str) and x for x in v),
                      "a list of the answers, as text"),
}


def builder(name: str) -> Callable:
    """The function registered as ``name`` (raises ``KeyError`` for an unknown name)."""
    module, _, func = BUILDERS[name].partition(":")
    return getattr(importlib.import_module(f"analytics.packs.builders.{module}"), func)
