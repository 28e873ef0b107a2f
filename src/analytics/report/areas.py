"""The places a page talks about: region checks and the names of the country, regions and districts."""

from __future__ import annotations

from ..core.errors import ParameterError


def check_region(pack, region: str) -> str:
    """Return ``region`` if it is ``"all"`` or a region code of the pack, else raise :class:`ParameterError`.

    Parameters
    ----------
    pack : analytics.packs.load.Pack
        The country pack.
    region : str
        ISO 3166-2 region code (e.g. ``"TJ-GB"``) or ``"all"``.

    Returns
    -------
    str
        ``region`` unchanged.
    """
    codes = list(pack.regions["region_code"])
    if region != "all" and region not in codes:
        raise ParameterError(f"region {region!r} is not a region of {pack.name}; use \"all\" or one "
                             f"of {', '.join(codes)}")
    return region


def areas(pack) -> list[str]:
    """The country's ISO3 code followed by its comparators from the pack metadata."""
    return [pack.meta.get("iso3", pack.country.upper())] + list(pack.meta.get("comparators", []))


def area_name(texts, code: str) -> str:
    """Name of a country or aggregate code (``TJK`` → Tajikistan) in the texts' language."""
    return texts(f"area.{code}")


def district_names(texts, codes) -> list[str]:
    """Names of district codes in the texts' language."""
    return [texts(f"district.{c}") for c in codes]


def where(texts, pack, region: str) -> str:
    """The name of the area a page covers: the region's name, or the country's."""
    if region != "all":
        return texts(f"region.{region}")
    return area_name(texts, areas(pack)[0])


def in_region(df, region: str):
    """Rows of ``df`` in ``region`` (all rows for ``"all"``)."""
    return df if region == "all" else df[df["region_code"] == region]
