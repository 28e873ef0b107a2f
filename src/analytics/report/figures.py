"""Charts for offline pages: maps of a pack's own polygons, titles, and numbers in the reader's locale.

Maps use plotly's ``choropleth`` trace on the pack's GeoJSON with ``fitbounds`` and no
base map, so they need no tiles. Two facts make them draw (see ``PITFALLS``):

* plotly draws a ring with a counter-clockwise exterior as "the globe minus this shape";
  shapely writes exteriors counter-clockwise, so every polygon is re-oriented clockwise;
* plotly.js fetches a world topojson before drawing any geo trace; :func:`geo_assets_js`
  supplies empty base layers instead, in every exported page and, before a map, in a live
  notebook (:mod:`analytics.report.session`), so nothing is fetched.

Text that enters a chart is escaped here (:func:`title`, the names on hover): plotly
reads a few HTML tags in its strings, and a name from a pack must show as written.
"""

from __future__ import annotations

import html
import json
import re

import numpy as np
import pandas as pd

#: Mimetype of a plotly figure in a notebook output.
PLOTLY_MIME = "application/vnd.plotly.v1+json"

#: Names plotly.js may look up in window.PlotlyGeoAssets.topojson (scope_resolution).
_TOPOJSON_NAMES = [f"{scope}_{res}" for scope in
                   ("world", "usa", "europe", "asia", "africa", "north-america", "south-america", "antarctica",
                    "oceania")  # every scope plotly.js knows: any other it would fetch from its CDN
                   for res in ("110m", "50m")]
_EMPTY_TOPOLOGY = {"type": "Topology", "objects": {}, "arcs": []}


def geo_assets_js() -> str:
    """Script that supplies plotly.js's geo base layers (empty topologies): no CDN fetch."""
    topo = {name: _EMPTY_TOPOLOGY for name in _TOPOJSON_NAMES}
    return "window.PlotlyGeoAssets=" + json.dumps({"topojson": topo}) + ";"


#: The tags a chart's text keeps (plotly's own formatting: line breaks, bold, italics, sub- and superscripts, a
#: hover's ``<extra>``), each whole and without attributes. Every other ``<`` and ``>`` is written as an entity and
#: shows as itself, so no tag with attributes (a link, a style that loads an image) can form in a chart, not even
#: from pieces that plotly joins when it draws (``<span sty`` in one value, ``le='…'>`` in another, a template's
#: ``%{…}`` between them).
FORMAT_TAGS = ("br", "b", "i", "em", "s", "u", "sub", "sup", "span", "extra")
_KEPT_TAG = re.compile(rf"(</?(?:{'|'.join(FORMAT_TAGS)})\s*/?>)", re.IGNORECASE)
#: A whole link, taken out before the rest is escaped (its words stay, its address goes); any other tag with
#: attributes shows as its own characters.
_LINK = re.compile(r"<a\s[^<>]*>|</a\s*>", re.IGNORECASE)
#: Layout keys that let a chart restyle itself when clicked (plotly's own buttons and sliders: a button may turn a
#: trace into a tile map or set a map's style by address); the suite's controls are widgets, outside the chart.
_SELF_CHANGING = ("updatemenus", "sliders")
#: A value that is a whole address off the page (``https://…``, ``//host/…``): plotly fetches an image's ``source``,
#: a ``geojson`` or a map style given so.
_ADDRESS = re.compile(r"\s*(?:(?:[a-z][a-z0-9+.-]*:)?//|(?:https?|wss?|ftp|file)\s*:)", re.IGNORECASE)
#: A tile map's containers in a layout: their ``style`` (a name or an address of tiles and fonts to fetch) becomes
#: :data:`BLANK_STYLE`, and a layer keeps only a GeoJSON written into the chart, drawn as lines or fills.
_TILE_MAP = re.compile(r"(?:map|mapbox)\d*\Z")
#: Traces drawn on a tile map (their ``subplot`` names the layout's map, ``map`` or ``mapbox`` by default).
_MAP_TRACES = {"scattermap": "map", "choroplethmap": "map", "densitymap": "map", "scattermapbox": "mapbox",
               "choroplethmapbox": "mapbox", "densitymapbox": "mapbox"}
#: A map style that names nothing to fetch: no tiles, no font glyphs, no icon sprite (plotly's own "white-bg"
#: still names a font server, which text on a map fetches).
BLANK_STYLE = {"version": 8, "sources": {}, "layers": [
    {"id": "background", "type": "background", "paint": {"background-color": "#ffffff"}}]}
#: Every chart's plotly.js configuration, on a page and in a live session: no button that sends the chart off the
#: machine (plotly.js offers "Share chart…" to its cloud by default; window.open escapes a page's content policy)
#: and no server to send it to.
PLOTLY_CONFIG = {"responsive": True, "displaylogo": False, "showSendToCloud": False, "showEditInChartStudio": False,
                 "plotlyServerURL": "", "modeBarButtonsToRemove": ["sendDataToCloud"]}


#: Keys whose text value plotly fetches (an image's source, a GeoJSON or a map's tiles by address): browsers read
#: "https:host", "\\\\host", tabs inside a scheme and more as addresses, so none but an inline image is kept.
LOADED = frozenset({"source", "geojson", "topojsonURL", "sourcelayer"})
_INLINE_IMAGE = re.compile(r"data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*\Z")


def without_links(obj):
    """A plotly figure's JSON whose texts keep no tag but plotly's plain formatting (:data:`_KEPT_TAG`: a link or a
    style shows as its text), with every value that is an address elsewhere emptied (an image's ``source``, a
    ``geojson`` by URL), tile maps that fetch nothing, and no buttons or sliders of its own: a chart on a page or
    a dashboard never navigates or loads anything, whatever a notebook or a pack's names put in it."""
    if isinstance(obj, str):
        if _ADDRESS.match(obj):
            return ""
        if "<" not in obj and ">" not in obj:
            return obj
        parts = _KEPT_TAG.split(_LINK.sub("", obj))  # the kept tags at odd places
        return "".join(p if k % 2 else p.replace("<", "&lt;").replace(">", "&gt;") for k, p in enumerate(parts))
    if isinstance(obj, dict):
        out = {k: without_links(v) for k, v in obj.items() if k not in _SELF_CHANGING}
        for k in LOADED.intersection(out):  # what plotly fetches: only an image written into the chart stays
            if isinstance(out[k], str) and not _INLINE_IMAGE.match(out[k]):
                out[k] = ""
            elif isinstance(out[k], list):  # tiles or images by address, one per entry
                out[k] = []
        for k in [k for k in out if isinstance(k, str) and _TILE_MAP.match(k) and isinstance(out[k], dict)]:
            out[k] = _without_tiles(out[k])
        if out.get("type") in _MAP_TRACES:
            out = _map_trace(out)
        for k in [k for k in out if k in _MAP_TRACES and isinstance(out[k], list)]:  # a template's map traces
            out[k] = [_map_trace(t) if isinstance(t, dict) else t for t in out[k]]
        if isinstance(out.get("data"), list) and isinstance(out.get("layout", {}), dict):  # a whole figure
            out["layout"] = offline_maps(out["data"], out.get("layout", {}))
        return out
    if isinstance(obj, list):
        return [without_links(v) for v in obj]
    return obj


def offline_maps(data: list, layout: dict) -> dict:
    """``layout`` with every tile map the figure may draw on set to the style that fetches nothing: when any trace
    (of ``data`` or of the layout's template) is drawn on a tile map, the default maps ``map`` and ``mapbox``, every
    map a trace names, and every map the layout has (plotly's default style loads tiles and fonts from a CDN, and
    a trace naming a map the layout lacks falls back to the default one)."""
    template = layout.get("template") if isinstance(layout.get("template"), dict) else {}
    kinds = template.get("data") if isinstance(template.get("data"), dict) else {}
    traces = [t for t in data if isinstance(t, dict)] + [
        {"type": kind, **t} for kind, ts in kinds.items() if isinstance(ts, list) for t in ts if isinstance(t, dict)]
    drawn = [t for t in traces if t.get("type") in _MAP_TRACES]
    if not drawn:
        return layout
    names = {"map", "mapbox"} | {t["subplot"] for t in drawn if isinstance(t.get("subplot"), str)}
    names |= {k for k in layout if isinstance(k, str) and _TILE_MAP.match(k)}
    out = dict(layout)
    for name in sorted(names):  # one order in every run (a set's order changes from process to process)
        out[name] = _without_tiles(out.get(name) if isinstance(out.get(name), dict) else {})
    return out


def _without_tiles(view: dict) -> dict:
    """A tile map's layout (``layout.map`` or ``layout.mapbox``) that fetches nothing: :data:`BLANK_STYLE` for any
    named or addressed style (an offline page would draw nothing from it anyway), no layer but lines or fills
    drawn from a GeoJSON in the chart (a symbol layer's text and icons are fetched)."""
    out = dict(view)
    out["style"] = BLANK_STYLE
    if isinstance(out.get("layers"), list):
        out["layers"] = [layer for layer in out["layers"] if isinstance(layer, dict)
                         and isinstance(layer.get("source"), dict) and layer.get("type") in ("line", "fill", "circle")]
    return out


def _map_trace(trace: dict) -> dict:
    """A trace on a tile map that fetches nothing: no text drawn on the map (its font is fetched) and round
    markers only (any other symbol is an icon plotly.js fetches); hover texts stay."""
    out = dict(trace)
    mode = out.get("mode")
    if isinstance(mode, str) and "text" in mode:
        out["mode"] = "+".join(p for p in mode.split("+") if p != "text") or "markers"
    if isinstance(out.get("marker"), dict) and "symbol" in out["marker"]:
        out["marker"] = {k: v for k, v in out["marker"].items() if k != "symbol"}
    return out


#: Every chart's template: plotly's own "plotly_white".
TEMPLATE = "plotly_white"


def white_figure(data=None):
    """A plotly figure (of the traces ``data``) on :data:`TEMPLATE`, made the session's default template (plotly
    copies a template each time one is set: ``template="plotly_white"`` in a layout took about 7 ms a chart, 6 %
    of a kernel's time in a briefing; a default is copied once)."""
    import plotly.graph_objects as go
    import plotly.io as pio

    if pio.templates.default != TEMPLATE:
        pio.templates.default = TEMPLATE
    return go.Figure(data)


def figure_bundle(fig) -> dict:
    """A figure as a notebook output (plotly's JSON mimetype), for ``display(..., raw=True)``.

    ``display(fig, display_id=...)`` would hand the figure to plotly's own display hook, which
    drops the display id; this bundle keeps it, so the widget bar can replace the chart in place.
    """
    import plotly.io as pio

    title = fig.layout.title.text or ""
    spec = without_links(json.loads(pio.to_json(fig, validate=False))) | {"config": PLOTLY_CONFIG}
    return {PLOTLY_MIME: spec, "text/plain": f"<chart: {title}>"}


#: A live chart's title, shown as text above the chart (it wraps at any width); a page takes the title from the
#: chart (``layout.meta.title``) and leaves this output out.
TITLE_MIME = "application/vnd.analytics.chart-title+json"


def plain_title(text: str) -> str:
    """A chart title as escaped HTML text: plotly's line breaks become spaces, its styling tags go."""
    import html
    import re

    plain = re.sub(r"<br\s*/?>", " ", str(text))
    plain = re.sub(r"</?(?:b|i|em|sup|sub|span)\b[^>]*>", "", plain)  # plotly's pseudo-HTML styling tags
    return html.escape(html.unescape(plain), quote=False)


def chart_bundles(fig) -> tuple[dict, dict]:
    """A chart as two notebook outputs, for a live session (JupyterLab, Voilà) and the batch notebook alike:
    its title as text, which wraps at any width as a page's does (a title inside the chart is one SVG line,
    cut or run over the plot at 390 px), and the chart without it, the title kept in ``layout.meta.title``
    (what :mod:`analytics.publish.export` sets above the chart on a page)."""
    bundle = figure_bundle(fig)
    layout = dict(bundle[PLOTLY_MIME].get("layout", {}))
    title = layout.pop("title", None)
    text = title.get("text") if isinstance(title, dict) else title
    if not text:
        return {"text/html": "", "text/plain": ""}, bundle
    meta = dict(layout["meta"]) if isinstance(layout.get("meta"), dict) else {}
    layout["meta"] = {**meta, "title": text}
    margin = dict(layout.get("margin") or {})
    margin["t"] = min(int(margin.get("t", 100)), 24)  # the room the title took
    layout["margin"] = margin
    shown = plain_title(text)
    heading = {"text/html": f'<p class="analytics-chart-title" style="font-size:1.05em;font-weight:600;'
                            f'margin:0.9em 0 0.2em;overflow-wrap:anywhere">{shown}</p>',
               "text/plain": shown, TITLE_MIME: {"title": shown}}
    return heading, {**bundle, PLOTLY_MIME: {**bundle[PLOTLY_MIME], "layout": layout}}


def has_geo(fig) -> bool:
    """True when the figure draws on a geo subplot (a map that needs :func:`geo_assets_js`)."""
    return any(getattr(t, "type", "") in ("choropleth", "scattergeo") for t in fig.data)


def plotly_geojson(gdf, code_col: str, precision: int = 3) -> dict:
    """GeoJSON of ``gdf`` for plotly: clockwise exteriors, features keyed by ``id``.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Polygons in lon/lat (EPSG:4326).
    code_col : str
        Column whose value becomes each feature's ``id``.
    precision : int
        Decimal places kept in coordinates (3 ≈ 100 m), to keep pages small. Outlines are also
        simplified to about 1/700 of the map's extent (1.5 pixels on a 1,000-pixel map).

    Returns
    -------
    dict
        A GeoJSON FeatureCollection.
    """
    import shapely

    geoms = gdf.geometry.to_numpy()
    if len(geoms):  # drop detail finer than about 1.5 pixels of a 1,000-pixel-wide map of the whole extent
        x0, y0, x1, y1 = shapely.total_bounds(geoms)
        geoms = shapely.simplify(geoms, max(x1 - x0, y1 - y0) / 700, preserve_topology=True)
    geoms = shapely.orient_polygons(geoms, exterior_cw=True)
    geoms = shapely.set_precision(geoms, 10 ** -precision, mode="pointwise")
    features = [{"type": "Feature", "id": str(code), "properties": {},
                 "geometry": json.loads(shapely.to_geojson(geom))}
                for code, geom in zip(gdf[code_col], geoms, strict=True)]
    return {"type": "FeatureCollection", "features": features}


def title(texts, text: str, modelled: bool = False) -> str:
    """A chart title: ``text`` escaped, with the translated "(modelled)" mark when ``modelled``."""
    return texts.mark_modelled(html.escape(text, quote=False), modelled)


def localise(fig, language: str):
    """Set a figure's decimal mark and thousands separator to the language's (hover, ticks, text), and its axes'
    ticks written out in full ("5 000", not plotly's English "5k")."""
    from ..core.numbers import plotly_separators

    fig.update_layout(separators=plotly_separators(language))
    fig.update_xaxes(exponentformat="none")
    fig.update_yaxes(exponentformat="none")
    return fig


def choropleth(gdf, code_col: str, value_col: str, name_col: str, title: str,
               colorbar_title: str, hover_format: str = ",.0f", color_scale: str = "Blues",
               log_color: bool = False, language: str = "en", muted_col: str | None = None,
               muted_text: str = ""):
    """An offline choropleth map of one value per polygon.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Polygons in lon/lat with the code, value and name columns.
    code_col, value_col, name_col : str
        Column names of the polygon code, the value to colour by and the name shown on hover.
    title : str
        Figure title from :func:`title` (escaped, marked "modelled" where it applies).
    colorbar_title : str
        Title of the colour bar, with its unit.
    hover_format : str
        d3 format of the value on hover.
    color_scale : str
        A plotly colour scale name.
    log_color : bool
        Colour by the base-10 logarithm of the value (for values spanning several orders
        of magnitude, such as density); the colour bar and hover still show the values.
    language : str
        Language of the numbers (decimal mark, thousands separator).
    muted_col : str, optional
        Boolean column: polygons where it is true are drawn in grey, without their value,
        and hover shows ``muted_text`` (a value suppressed below the minimum sample).
    muted_text : str
        What hover says over a muted polygon.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    import plotly.graph_objects as go

    from ..core.numbers import decimal

    full = plotly_geojson(gdf, code_col)
    frame = pd.DataFrame(gdf.drop(columns="geometry"))
    muted = frame[muted_col].astype(bool).to_numpy() if muted_col else np.zeros(len(frame), dtype=bool)
    # each trace carries the outlines of its own areas only
    geojson = {**full, "features": [f for f, m in zip(full["features"], muted, strict=True) if not m]}
    grey_geojson = {**full, "features": [f for f, m in zip(full["features"], muted, strict=True) if m]}
    grey = frame[muted]
    frame = frame[~muted]
    values = frame[value_col].astype(float)
    z = np.log10(values.clip(lower=1e-9)) if log_color else values
    colorbar = {"title": {"text": colorbar_title}}
    if log_color:
        ticks = [10.0 ** k for k in range(int(np.floor(z.min())), int(np.ceil(z.max())) + 1)]
        colorbar.update(tickvals=np.log10(ticks).tolist(),
                        ticktext=[decimal(t, 0 if t >= 1 else None, language) for t in ticks])
    fig = white_figure(go.Choropleth(
        geojson=geojson, locations=frame[code_col].astype(str), z=z, customdata=values,
        text=[html.escape(str(n), quote=False) for n in frame[name_col]], colorscale=color_scale, marker_line_color="white",
        marker_line_width=0.6, colorbar=colorbar,
        hovertemplate=f"%{{text}}<br>%{{customdata:{hover_format}}}<extra></extra>"))
    if len(grey):
        fig.add_trace(go.Choropleth(
            geojson=grey_geojson, locations=grey[code_col].astype(str), z=np.zeros(len(grey)), showscale=False,
            colorscale=[[0, "#d9d9d9"], [1, "#d9d9d9"]], marker_line_color="white", marker_line_width=0.6,
            text=[html.escape(str(n), quote=False) for n in grey[name_col]],
            hovertemplate="%{text}: " + html.escape(muted_text, quote=False) + "<extra></extra>"))
    fig.update_geos(fitbounds="locations", visible=False, projection_type="mercator")
    fig.update_layout(title=title, margin=dict(l=0, r=0, t=50, b=0), height=460)
    return localise(fig, language)
