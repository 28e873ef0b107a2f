"""The online-study scenarios of the access-gaps counterfactual (plain data, light to import).

Each scenario says whether online study is open (distance stops mattering for those who
can study online), the share of 4G coverage rural areas are raised to at least, and the
factor applied to the price of data.
"""

SCENARIOS = {
    "baseline": {"online": False, "rural_4g_at_least": None, "price_factor": 1.0},
    "online": {"online": True, "rural_4g_at_least": None, "price_factor": 1.0},
    "online_4g": {"online": True, "rural_4g_at_least": 0.85, "price_factor": 1.0},
    "online_cheap_data": {"online": True, "rural_4g_at_least": None, "price_factor": 0.5},
    "online_4g_cheap_data": {"online": True, "rural_4g_at_least": 0.85, "price_factor": 0.5},
}

#: Age bands the participation rates can be computed for.
AGE_BANDS = ("17-24", "25-34")
