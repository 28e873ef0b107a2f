"""Administrative units built from raw boundary files: regions and districts.

The raw district layer (geoBoundaries ADM2) has no unit for the capital: for Tajikistan,
A city-region (Dushanbe in Tajikistan) may lie inside a district polygon. :func:`build_districts` cuts the
capital's region polygon out of every district and adds it as a unit of its own, joins
the stable codes and current/former names from a crosswalk file, and computes areas in
an equal-area projection.
"""

from __future__ import annotations

import pandas as pd

from ..outlines import with_outlines

#: World Cylindrical Equal Area: areas in m² are exact up to the ellipsoid model.
EQUAL_AREA_CRS = "EPSG:6933"


def area_km2(gdf) -> pd.Series:
    """Area of each geometry in km², computed in an equal-area projection.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Polygons in any CRS (typically WGS84 lon/lat).

    Returns
    -------
    pandas.Series
        Area in km², rounded to 0.01 km².
    """
    return (gdf.geometry.to_crs(EQUAL_AREA_CRS).area / 1e6).round(2)


def build_regions(adm1, census: pd.DataFrame, outlines=None):
    """First-level regions with their census population and area.

    Parameters
    ----------
    adm1 : geopandas.GeoDataFrame
        Raw ADM1 layer with ``shapeISO`` (ISO 3166-2 code) and ``shapeName``.
    census : pandas.DataFrame
        Census table with ``iso_3166_2`` and ``population`` (persons); rows whose code is
        not a region (the national totals) are ignored.
    outlines : geopandas.GeoDataFrame, optional
        Outlines of city-regions the ADM1 layer lacks (``analytics pack outline``): each is cut out of
        the regions around it and added as a region (:func:`analytics.packs.outlines.with_outlines`).

    Returns
    -------
    geopandas.GeoDataFrame
        ``region_code, name_en, census_population`` (persons), ``area_km2`` (km²),
        ``density_per_km2`` (persons per km²), ``population_share`` (of the sum of the
        regions, 0–1) and geometry, sorted by code.
    """
    import geopandas as gpd

    adm1 = with_outlines(adm1, outlines)
    regions = adm1.rename(columns={"shapeISO": "region_code", "shapeName": "name_en"})
    regions = regions[["region_code", "name_en", "geometry"]].copy()
    pop = census.drop_duplicates("iso_3166_2").set_index("iso_3166_2")["population"]
    counted = regions["region_code"].map(pop)
    if counted.isna().any():
        from ...core.errors import DataError, Problem

        missing = ", ".join(regions.loc[counted.isna(), "region_code"].astype(str))
        raise DataError([Problem("census", f"no census population for region {missing} of the boundaries; "
                                           "expected a row for every region (and every city outline)", "iso_3166_2")])
    regions["census_population"] = counted.astype("int64")
    regions["area_km2"] = area_km2(regions)
    regions["density_per_km2"] = (regions["census_population"] / regions["area_km2"]).round(2)
    regions["population_share"] = (regions["census_population"] / regions["census_population"].sum()).round(6)
    regions = regions.sort_values("region_code").reset_index(drop=True)
    cols = ["region_code", "name_en", "census_population", "area_km2", "density_per_km2",
            "population_share", "geometry"]
    return gpd.GeoDataFrame(regions[cols], geometry="geometry", crs=adm1.crs)


def build_districts(adm1, adm2, lookup: pd.DataFrame, names: pd.DataFrame,
                    city_regions: list[str] | tuple[str, ...] = (), outlines=None):
    """Districts with stable codes, region codes, current and former names, and area.

    Parameters
    ----------
    adm1 : geopandas.GeoDataFrame
        Raw ADM1 layer (``shapeISO``).
    adm2 : geopandas.GeoDataFrame
        Raw ADM2 layer (``shapeName``, ``shapeID``).
    lookup : pandas.DataFrame
        District to region lookup (``adm2_shapeID``, ``adm1_shapeISO``).
    names : pandas.DataFrame
        Crosswalk ``district_code, region_code, shape_name, name_en, name_former``; a
        city-region's row has ``shape_name`` equal to its ADM1 name.
    city_regions : list of str
        ISO 3166-2 codes of the city-regions that the ADM2 layer lacks (``["TJ-DU"]`` for
        Tajikistan; any number): each one's polygon is cut out of every district and
        added as a unit of its own.
    outlines : geopandas.GeoDataFrame, optional
        Outlines of city-regions the ADM1 layer lacks, as for :func:`build_regions`.

    Returns
    -------
    geopandas.GeoDataFrame
        ``district_code, region_code, name_en, name_former, shape_id, area_km2`` and
        geometry, sorted by code.
    """
    import geopandas as gpd

    adm1 = with_outlines(adm1, outlines)
    d = adm2[["shapeName", "shapeID", "geometry"]].merge(
        lookup[["adm2_shapeID", "adm1_shapeISO"]], left_on="shapeID", right_on="adm2_shapeID")
    d = d.rename(columns={"shapeName": "shape_name", "shapeID": "shape_id",
                          "adm1_shapeISO": "region_code"})
    d = gpd.GeoDataFrame(d, geometry="geometry", crs=adm2.crs)
    for code in city_regions:
        city = adm1.loc[adm1["shapeISO"] == code]
        if city.empty:
            raise KeyError(f"city-region {code!r} is not in the first-level boundaries")
        d["geometry"] = d.geometry.difference(city.geometry.union_all()).make_valid()
        d = d[~d.geometry.is_empty]  # a district lying wholly inside the city is the city
        unit = gpd.GeoDataFrame({"shape_name": city["shapeName"].to_numpy(), "shape_id": city["shapeID"].to_numpy(),
                                 "region_code": [code]}, geometry=city.geometry.to_numpy(), crs=adm1.crs)
        d = pd.concat([d, unit], ignore_index=True)
    d = d.merge(names[["district_code", "shape_name", "name_en", "name_former"]], on="shape_name",
                how="left", validate="one_to_one")
    d["area_km2"] = area_km2(d)
    d = d.sort_values("district_code").reset_index(drop=True)
    cols = ["district_code", "region_code", "name_en", "name_former", "shape_id", "area_km2",
            "geometry"]
    return gpd.GeoDataFrame(d[cols], geometry="geometry", crs=adm2.crs)
