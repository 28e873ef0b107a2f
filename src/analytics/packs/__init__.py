"""Country packs: metadata, validation, loading, building of derived and modelled tables, hashing.

``from analytics.packs import load_pack`` is the usual entry point (see :mod:`.load`).
"""


def load_pack(country: str | None = None, root=None):
    """Load and validate a country pack (see :func:`analytics.packs.load.load_pack`)."""
    from .load import load_pack as _load

    return _load(country, root)
