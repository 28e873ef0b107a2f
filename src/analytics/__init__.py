"""Planning analytics for distance learning in higher education.

The package import is kept light on purpose: heavy libraries (geopandas, plotly,
statsmodels) are imported inside the functions that use them. Start with
:func:`analytics.packs.load_pack`.
"""

import sys

__version__ = "0.1.0"

# jsonschema checks the "iri" format with rfc3987-syntax when that is installed (JupyterLab's server needs it),
# and rfc3987-syntax builds its grammar when imported: 0.8 s in every process that imports nbformat, as plotly's
# renderers do in every kernel. Nothing here checks an IRI, so this package's processes leave that format
# unchecked instead (a module set to None is one Python refuses to import).
sys.modules.setdefault("rfc3987_syntax", None)
