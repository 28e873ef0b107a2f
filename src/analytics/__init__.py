"""Planning analytics for distance learning in higher education.

The package import is kept light on purpose: heavy libraries (geopandas, plotly,
statsmodels) are imported inside the functions that use them. Start with
:func:`analytics.packs.load_pack`.
"""

__version__ = "0.1.0"
