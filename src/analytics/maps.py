"""Offline choropleth maps of a pack's own polygons.

Maps use plotly's ``choropleth`` trace on the pack's GeoJSON with ``fitbounds`` and no
base map, so they need no tiles. Two facts make them draw (see ``PITFALLS``):

* plotly draws a ring with a counter-clockwise exterior as "the globe minus this shape";
  shapely writes exteriors counter-clockwise, so every polygon is re-oriented clockwise;
* plotly.js fetches a world topojson before drawing any geo trace; exported pages
  supply it in the page (:mod:`analytics.export`), so nothing is fetched.
"""

from __future__ import annotations

import json

import pandas as pd


def plotly_geojson(gdf, code_col: str, precision: int = 4) -> dict:
    """GeoJSON of ``gdf`` for plotly: clockwise exteriors, features keyed by ``id``.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Polygons in lon/lat (EPSG:4326).
    code_col : str
        Column whose value becomes each feature's ``id``.
    precision : int
        Decimal places kept in coordinates (4 ≈ 10 m), to keep pages small.

    Returns
    -------
    dict
        A GeoJSON FeatureCollection.
    """
    import shapely

    geoms = shapely.orient_polygons(gdf.geometry.to_numpy(), exterior_cw=True)
    geoms = shapely.set_precision(geoms, 10 ** -precision, mode="pointwise")
    features = [{"type": "Feature", "id": str(code), "properties": {},
                 "geometry": json.loads(shapely.to_geojson(geom))}
                for code, geom in zip(gdf[code_col], geoms, strict=True)]
    return {"type": "FeatureCollection", "features": features}


def choropleth(gdf, code_col: str, value_col: str, name_col: str, title: str,
               colorbar_title: str, hover_format: str = ",.0f", color_scale: str = "Blues"):
    """An offline choropleth map of one value per polygon.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Polygons in lon/lat with the code, value and name columns.
    code_col, value_col, name_col : str
        Column names of the polygon code, the value to colour by and the name shown on hover.
    title : str
        Figure title, translated and marked "modelled" by the caller where it applies.
    colorbar_title : str
        Title of the colour bar, with its unit.
    hover_format : str
        d3 format of the value on hover.
    color_scale : str
        A plotly colour scale name.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    import plotly.graph_objects as go

    geojson = plotly_geojson(gdf, code_col)
    frame = pd.DataFrame(gdf.drop(columns="geometry"))
    fig = go.Figure(go.Choropleth(
        geojson=geojson, locations=frame[code_col].astype(str), z=frame[value_col],
        text=frame[name_col], colorscale=color_scale, marker_line_color="white",
        marker_line_width=0.6, colorbar_title_text=colorbar_title,
        hovertemplate=f"%{{text}}<br>%{{z:{hover_format}}}<extra></extra>"))
    fig.update_geos(fitbounds="locations", visible=False, projection_type="mercator")
    fig.update_layout(title=title, margin=dict(l=0, r=0, t=50, b=0), height=460)
    return fig
