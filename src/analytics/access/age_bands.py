"""Age bands of the access-gaps rates (plain data, light to import).

The online-study scenarios are the pack's named scenarios (``scenarios.yaml``, read by
:mod:`analytics.packs.scenarios`); their ``access`` levers set the counterfactual.
"""

#: Age bands the participation rates can be computed for.
AGE_BANDS = ("17-24", "25-34")
