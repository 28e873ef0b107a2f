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
    "connectivity": "network:build_connectivity",
    "devices": "network:build_devices",
    "plans": "prices:build_plans",
    "incomes": "prices:build_incomes",
    "learner_sample": "learner_sample:build_learner_sample",
    "pilot_respondents": "pilot_reconstruction:build_pilot_respondents",
    "pilot_mentions": "pilot_reconstruction:build_pilot_mentions",
    "employer_survey": "pilot_reconstruction:build_employer_survey",
}


def builder(name: str) -> Callable:
    """The function registered as ``name`` (raises ``KeyError`` for an unknown name)."""
    module, _, func = BUILDERS[name].partition(":")
    return getattr(importlib.import_module(f"analytics.packs.builders.{module}"), func)
