"""Tile maps on a page opened from a file: drawn as plotly's geo maps of the same data.

A tile map (``scattermap``, ``choroplethmap``, ``densitymap`` and their ``mapbox`` forms) draws with MapLibre,
in a worker made from the page's own code; a page opened from a file gets no such worker, and a notebook's tile
map was published blank. On a published page each becomes the geo trace of the same data, fitted to it, as the
suite's own maps are drawn (no base map, nothing fetched): points stay points, a GeoJSON's shapes stay shapes
(turned clockwise: plotly's geo maps draw a counter-clockwise ring as the globe minus the shape), and a density's
points are shown coloured by their weight. A tile map's layers (pictures drawn on the base map)
are left out.
"""

from __future__ import annotations

import re

#: The geo trace drawing each tile-map trace's data.
GEO_OF = {"scattermap": "scattergeo", "scattermapbox": "scattergeo", "choroplethmap": "choropleth",
          "choroplethmapbox": "choropleth", "densitymap": "scattergeo", "densitymapbox": "scattergeo"}
_SHARED = {"text", "hovertext", "hovertemplate", "hoverinfo", "customdata", "name", "showlegend", "legendgroup",
           "legendrank", "visible", "uid", "meta", "ids", "hoverlabel", "selectedpoints"}
#: What each geo trace keeps of a tile-map trace (the rest names tiles, a map or a MapLibre setting).
KEPT = {"scattergeo": _SHARED | {"lat", "lon", "mode", "marker", "line", "opacity", "fill", "fillcolor", "textfont",
                                 "textposition", "texttemplate", "connectgaps"},
        "choropleth": _SHARED | {"geojson", "locations", "z", "featureidkey", "colorscale", "zmin", "zmax", "zauto",
                                 "zmid", "autocolorscale", "reversescale", "showscale", "colorbar", "marker",
                                 "coloraxis"}}
_MAP_NAME = re.compile(r"(map|mapbox)(\d*)\Z")


def on_geo(data: list, layout: dict) -> tuple[list, dict]:
    """``data`` and ``layout`` of a figure with every tile-map trace drawn on a geo map (``map2`` becomes
    ``geo2``), each geo map fitted to its traces, in the tile map's place on the page; unchanged when the figure
    has no tile-map trace."""
    traces, geos = [], {}
    for trace in data:
        kind = trace.get("type") if isinstance(trace, dict) else None
        if kind not in GEO_OF:
            traces.append(trace)
            continue
        target = GEO_OF[kind]
        geo = dict((k, v) for k, v in trace.items() if k in KEPT[target])
        if "geojson" in geo:
            geo["geojson"] = clockwise(geo["geojson"])
        if kind.startswith("densitymap"):  # its points, coloured by weight
            geo.update(mode="markers", marker={"color": trace.get("z"), "colorscale": trace.get("colorscale"),
                                               "showscale": trace.get("showscale", True), "size": 7, "opacity": 0.7})
        found = _MAP_NAME.match(str(trace.get("subplot") or ("mapbox" if kind.endswith("mapbox") else "map")))
        subplot, name = (found.group(0), "geo" + found.group(2)) if found else ("map", "geo")
        geos[subplot] = name
        traces.append({"type": target, **geo, **({"geo": name} if name != "geo" else {})})
    if not geos:
        return data, layout
    out = {k: v for k, v in layout.items() if not (isinstance(k, str) and _MAP_NAME.match(k))}
    for subplot, name in geos.items():
        view = layout.get(subplot) if isinstance(layout.get(subplot), dict) else {}
        out[name] = {"fitbounds": "locations", "visible": False, "projection": {"type": "mercator"},
                     **({"domain": view["domain"]} if isinstance(view.get("domain"), dict) else {})}
    return traces, out


def clockwise(shape):
    """A GeoJSON object (collection, feature or geometry) with every polygon's outer ring clockwise and its holes
    counter-clockwise; anything else as it is."""
    if isinstance(shape, dict):
        kind = shape.get("type")
        if kind == "Polygon":
            return {**shape, "coordinates": _rings(shape.get("coordinates"))}
        if kind == "MultiPolygon" and isinstance(shape.get("coordinates"), list):
            return {**shape, "coordinates": [_rings(p) for p in shape["coordinates"]]}
        if kind == "Feature":
            return {**shape, "geometry": clockwise(shape.get("geometry"))}
        if kind == "FeatureCollection" and isinstance(shape.get("features"), list):
            return {**shape, "features": [clockwise(f) for f in shape["features"]]}
        if kind == "GeometryCollection" and isinstance(shape.get("geometries"), list):
            return {**shape, "geometries": [clockwise(g) for g in shape["geometries"]]}
    return shape


def _rings(rings):
    if not isinstance(rings, list):
        return rings
    return [_turned(ring, outer=k == 0) for k, ring in enumerate(rings)]


def _turned(ring, outer: bool):
    """A ring clockwise (outer) or counter-clockwise (a hole), by the sign of its area (lon, lat as x, y)."""
    try:
        area = sum(float(a[0]) * float(b[1]) - float(b[0]) * float(a[1]) for a, b in zip(ring, ring[1:], strict=False))
    except (TypeError, ValueError, IndexError):
        return ring
    return ring[::-1] if (area > 0) == outer else ring
