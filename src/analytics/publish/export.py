"""Executed notebooks to self-contained, offline HTML pages.

A plain ``nbconvert --to html`` drops every plotly figure (their mimetype has no HTML
form) and pulls require.js and MathJax from CDNs. This exporter instead:

* keeps code out (readers get no code) and renders markdown (raw HTML in it escaped),
  tables, images and plotly figures from the notebook's outputs;
* turns each ``application/vnd.plotly.v1+json`` output into a ``<div>`` drawn by one copy
  of plotly.js inlined in the page;
* fills ``window.PlotlyGeoAssets`` so that geo traces draw without fetching plotly's
  world topojson from its CDN;
* makes no request to any network address.
"""

from __future__ import annotations

import base64
import html
import json
import re
from dataclasses import dataclass
from functools import cache

from ..report.figures import (
    FORMAT_TAGS,
    PLOTLY_CONFIG,
    PLOTLY_MIME,
    TITLE_MIME,
    offline_maps,
    plain_title,
    without_links,
)
from ..report.panel import SKIP_MIME
from ..report.session import GEO_MIME, STATE_MIME, TEXT_MIME
from .tile_maps import on_geo

#: Mimetype of an ipywidgets view (a live session's controls; pages leave them out).
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"

SUPPRESSED = "‡"  # the mark of a value not shown (see analytics.report.sentences)


@cache
def plotly_js() -> str:
    """The plotly.js bundle shipped with the installed plotly (about 4.8 MB)."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def _script_json(obj) -> str:
    """JSON safe to place inside a <script> element: no ``<``, ``>`` or ``&`` as such (JSON's ``\\u`` escapes),
    so neither ``</script>`` nor ``<!--`` in a chart's text can end or swallow the element. Other text stays as
    written (a Russian or Tajik chart's letters take two bytes, not six), but for the line and paragraph separators
    (U+2028, U+2029: they end a line of script in older browsers) and a lone surrogate (no UTF-8 page can hold one),
    which are escaped too."""
    text = (json.dumps(obj, separators=(",", ":"), ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("&", "\\u0026"))
    return _ESCAPED.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


#: Characters :func:`_script_json` writes as ``\\u`` escapes besides ``<``, ``>`` and ``&``.
_ESCAPED = re.compile("[\u2028\u2029\ud800-\udfff]")


@dataclass
class Fragment:
    """The reader-facing content of one notebook: HTML body and figure count."""

    body: str
    n_figures: int


#: What a published page keeps of a notebook's HTML (and rendered markdown): text structure and tables,
#: classes and spans, links within the page or the run; nothing that runs, navigates, asks or loads.
SAFE_TAGS = {"a", "b", "br", "caption", "code", "col", "colgroup", "div", "em", "h1", "h2", "h3", "h4", "h5",
             "h6", "hr", "i", "li", "ol", "p", "pre", "section", "small", "span", "strong", "sub", "sup", "table",
             "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "del", "blockquote"}
SAFE_ATTRIBUTES = {"*": {"class", "title", "lang", "colspan", "rowspan"}, "a": {"href"}}
BASE64 = re.compile(r"[A-Za-z0-9+/=\s]+")


def safe_html(text: str) -> str:
    """``text`` with everything but :data:`SAFE_TAGS` and :data:`SAFE_ATTRIBUTES` removed (the content of
    scripts and styles too), and no link or address leaving the page (no scheme is allowed: relative links
    and anchors only). Uses the ``nh3`` binding of the ammonia sanitiser."""
    import nh3

    return nh3.clean(text, tags=SAFE_TAGS, attributes=SAFE_ATTRIBUTES, url_schemes=set(),
                     clean_content_tags={"script", "style"}, link_rel=None, attribute_filter=_local_links)


def _local_links(tag: str, attribute: str, value: str) -> str | None:
    """Keep a link only if it stays in the run's folder: a fragment or a relative path down from the page.
    Browsers drop tabs and line breaks inside an address, read ``\\`` as ``/`` and ``%2e%2e`` as ``..``, so
    ``/\t/host`` is ``//host`` (another site), and ``/etc/passwd`` or ``../../etc/passwd`` the reader's own disk
    on a page opened from a file: an address starting with a slash or climbing with ``..``, once read as a
    browser reads it, goes."""
    from urllib.parse import unquote

    if attribute != "href":
        return value
    address = unquote(re.sub(r"[\x00-\x20\x7f]", "", value)).replace("\\", "/")
    path = re.split(r"[?#]", address, maxsplit=1)[0]
    if address.startswith("/") or ".." in (part.strip() for part in path.split("/")):
        return None
    return value


def _markdown(text: str) -> str:
    import mistune

    md = mistune.create_markdown(plugins=["table", "strikethrough"], escape=True)
    return safe_html(md(text))


def notebook_fragment(nb, prefix: str = "fig", texts=None) -> Fragment:
    """Render the outputs and markdown of an executed notebook, without code.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook.
    prefix : str
        Prefix of the figure element ids (unique per notebook within one page).
    texts : analytics.core.i18n.Texts, optional
        Messages of the page's language, for the print tables under charts (English when
        not given). The notebook's own texts are already in the page's language: they are
        outputs of :func:`~analytics.report.session.show_text`.

    Returns
    -------
    Fragment
    """
    if texts is None:
        from ..core.i18n import Texts

        texts = Texts("en")
    parts, ids = [], []
    heading = None  # position in parts of the markdown cell just before the current code cell
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if "remove-cell" in tags:
            continue
        if cell.cell_type == "markdown":
            heading = len(parts)
            parts.append(f'<section class="md">{_markdown(cell.source)}</section>')  # a user's own, as written
            continue
        if cell.cell_type != "code" or "remove-output" in tags:
            continue
        outputs = cell.get("outputs", [])
        said = [out for out in outputs if TEXT_MIME in out.get("data", {})]
        if said:  # a section's heading and introduction, in the page's language (show_text)
            heading = len(parts)
            parts.extend(f'<section class="md">{_markdown(_joined(out["data"]["text/markdown"]))}</section>'
                         for out in said)
            continue
        before, heading = heading, None
        if any(SKIP_MIME in out.get("data", {}) for out in outputs):  # a section that does not apply here
            if before is not None and before == len(parts) - 1:
                parts.pop()
            continue
        for out in outputs:
            rendered = _output(out, f"{prefix}-{len(ids)}", texts)
            if rendered is None:
                continue
            html_part, fig_id = rendered
            if fig_id:
                ids.append(fig_id)
            parts.append(html_part)
    return Fragment("\n".join(parts), len(ids))


def _joined(text) -> str:
    """Notebook text as one string (nbformat may hold it as a list of lines)."""
    return "".join(text) if isinstance(text, list) else str(text)


def _output(out, fig_id: str, texts) -> tuple[str, str | None] | None:
    kind = out.get("output_type")
    if kind == "stream":
        if out.get("name") == "stderr":
            return None
        return f"<pre>{html.escape(''.join(out.get('text', '')))}</pre>", None
    if kind == "error":
        msg = f"{out.get('ename')}: {out.get('evalue')}"
        return f'<pre class="error">{html.escape(msg)}</pre>', None
    data = out.get("data", {})
    if GEO_MIME in data or WIDGET_MIME in data or STATE_MIME in data or TITLE_MIME in data:
        # a live session's assets, its widget bar, a chart's title as text (the page sets it from the chart)
        return None
    if PLOTLY_MIME in data:
        fig = data[PLOTLY_MIME]
        layout, caption = _title_out(fig.get("layout", {}))
        if layout.get("template") == shared_template():  # written once per document (see draw_js)
            layout["template"] = SHARED
        data = fig.get("data", [])
        if isinstance(data, list):  # a tile map cannot draw on a page opened from a file: its data on a geo map
            data, layout = on_geo(data, layout)
        traces = without_links(data)
        spec = {"data": traces, "layout": offline_maps(traces if isinstance(traces, list) else [], without_links(layout)),
                "config": PLOTLY_CONFIG}
        heading = f'<p class="chart-title">{caption}</p>' if caption else ""
        meta = layout.get("meta") if isinstance(layout.get("meta"), dict) else {}
        kind = "chart small" if meta.get("chart") == "small" else "chart"
        return (f'<figure class="{kind}">{heading}<div class="plotly-figure" id="{html.escape(fig_id)}"></div>'
                f'<script type="application/json" data-figure="{html.escape(fig_id)}">{_script_json(spec)}</script>'
                f"{print_table(spec['data'], texts)}</figure>", fig_id)
    if "text/html" in data:  # the suite's views and readings, and whatever else a notebook displays: sanitised
        return turned(safe_html(_joined(data["text/html"]))), None
    if "image/svg+xml" in data:  # an image element runs no script an SVG may hold
        svg = base64.b64encode(_joined(data["image/svg+xml"]).encode("utf-8")).decode("ascii")
        return f'<img alt="" src="data:image/svg+xml;base64,{svg}">', None
    if "image/png" in data:
        png = _joined(data["image/png"])
        if not BASE64.fullmatch(png):  # not base64: never written into an attribute
            return None
        return f'<img alt="" src="data:image/png;base64,{png.strip()}">', None
    if "text/markdown" in data:
        return _markdown(data["text/markdown"]), None
    if "text/plain" in data:
        return f"<pre>{html.escape(data['text/plain'])}</pre>", None
    return None


_WIDE = re.compile(r'<table[^>]*class="[^"]*\bwide\b[^"]*"[^>]*>.*?</table>', re.S)


def turned(fragment: str) -> str:
    """``fragment`` with each table marked ``wide`` (:data:`analytics.report.views.PRINT_COLUMNS`) followed by
    a copy turned on its side for paper (class ``print-only``: a row per column, a column per row); the page's
    style hides the wide one in print. Cells are taken as they are (already sanitised)."""
    def turn(found: re.Match) -> str:
        rows = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
                for row in re.findall(r"<tr[^>]*>(.*?)</tr>", found.group(0), re.S)]
        if not rows or any(len(r) != len(rows[0]) for r in rows):
            return found.group(0)
        columns = list(zip(*rows, strict=True))
        head = "".join(f"<th>{c}</th>" for c in columns[0])
        body = "".join("<tr><th>" + c[0] + "</th>" + "".join(f"<td>{v}</td>" for v in c[1:]) + "</tr>"
                       for c in columns[1:])
        return found.group(0) + f'<table class="print-only turned"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'

    return _WIDE.sub(turn, fragment)


def _values(array) -> list:
    """A plotly array as a list: plotly.py writes numeric arrays as ``{"dtype", "bdata"}`` (base64)."""
    if isinstance(array, dict) and "bdata" in array:
        import base64

        import numpy as np

        data = np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"]))
        return data.reshape(array["shape"]).tolist() if "shape" in array else data.tolist()
    return list(array or [])


def print_table(data: list[dict], texts) -> str:
    """The numbers of a chart as a compact table, shown only on paper (where nothing hovers).

    Lines and bars give one row per category or year and one column per trace (shaded bands,
    which do not hover, are left out); a map gives
    one row per area with its value (``customdata`` holds the value when the colour is a
    transform of it). Values are written in the page's number format.
    """
    def places(values) -> int:
        """Decimals for a column: none for whole numbers or counts of a hundred and more (people, not 229,0)."""
        got = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool) and v == v]
        return 0 if got and all(float(v).is_integer() or abs(v) >= 100 for v in got) else 1

    def num(v, decimals: int = 1):
        if not isinstance(v, int | float) or isinstance(v, bool):
            return str(v)
        return texts.number(v, decimals) if v == v else str(v)

    maps = [t for t in data if t.get("type") == "choropleth"]
    if maps:
        rows = []
        for t in maps:  # the coloured areas carry their values; greyed-out ones (a suppressed value) do not
            names = [str(n) for n in _values(t.get("text")) or _values(t.get("locations"))]  # _plain decodes
            if t.get("customdata") is None:
                rows += [(n, SUPPRESSED) for n in names]
                continue
            rows += [(n, v[0] if isinstance(v, list) else v) for n, v in zip(names, _values(t["customdata"]),
                                                                          strict=False)]
        d = places([v for _, v in rows])
        body = "".join(f"<tr><td>{html.escape(_plain(n))}</td><td>{html.escape(num(v, d))}</td></tr>" for n, v in rows)
        return f'<table class="print-only"><tbody>{body}</tbody></table>' if rows else ""
    series, keys = [], []
    for t in data:
        if t.get("hoverinfo") == "skip":  # a shaded band drawn around a line: the line carries the numbers
            continue
        horizontal = t.get("orientation") == "h"
        cats, vals = (_values(t.get("y")), _values(t.get("x"))) if horizontal else (_values(t.get("x")),
                                                                                    _values(t.get("y")))
        if not vals:
            continue
        cats = cats or list(range(1, len(vals) + 1))
        series.append((str(t.get("name") or ""), dict(zip(cats, vals, strict=False))))
        keys += [c for c in cats if c not in keys]
    if not series:
        return ""
    if all(isinstance(k, int | float) and not isinstance(k, bool) or str(k).isdigit() for k in keys):
        keys.sort(key=float)  # years of several traces in one order (2018, 2019, 2020 … not 2020, 2018 …)
    head = "".join(f"<th>{html.escape(_plain(name))}</th>" for name, _ in series) if any(n for n, _ in series) else ""
    decimals = [places(values.values()) for _, values in series]
    body = "".join("<tr><td>" + html.escape(_plain(k)) + "</td>"
                   + "".join(f"<td>{html.escape(num(values[k], d)) if k in values else ''}</td>"
                             for (_, values), d in zip(series, decimals, strict=True))
                   + "</tr>" for k in keys)
    return f'<table class="print-only"><thead><tr><th></th>{head}</tr></thead><tbody>{body}</tbody></table>'


def _plain(label) -> str:
    """A chart's label or name as plain text: line breaks as spaces, plotly's other formatting tags (bold,
    italics …) left out, entities decoded (a chart's text writes every other ``<`` as ``&lt;``)."""
    text = re.sub(r"</?br\s*/?>", " ", str(label), flags=re.IGNORECASE)  # plotly reads </br> as a break too
    return html.unescape(_FORMAT_TAG.sub("", text))


#: A formatting tag a chart's text keeps (:data:`~analytics.report.figures.FORMAT_TAGS`).
_FORMAT_TAG = re.compile(rf"</?(?:{'|'.join(FORMAT_TAGS)})\s*/?>", re.IGNORECASE)


def _title_out(layout: dict) -> tuple[dict, str]:
    """A figure's layout without its title, and the title as escaped HTML text.

    A plotly title is one line of SVG text: on a phone or on paper a long one is cut at the
    chart's right edge. Set above the chart as page text, it wraps like any other.
    """
    title = layout.get("title")
    text = title.get("text") if isinstance(title, dict) else title
    meta = layout.get("meta") if isinstance(layout.get("meta"), dict) else {}
    text = text or (meta.get("title") if isinstance(meta.get("title"), str) else None)  # a live session's chart
    if not text:
        return layout, ""
    layout = {k: v for k, v in layout.items() if k != "title"}
    margin = dict(layout.get("margin") or {})
    margin["t"] = min(int(margin.get("t", 100)), 24)
    layout["margin"] = margin
    return layout, plain_title(text)


#: What a figure's ``layout.template`` says when it is the shared one (plotly's "plotly_white").
SHARED = "analytics-shared"


@cache
def shared_template() -> dict:
    """The template every chart of the suite uses, as plotly writes it into a figure's JSON.

    A figure carries its template (about 7 kB): written once per page or book instead of once
    per chart, a book of a hundred charts is some 0.7 MB smaller.
    """
    import plotly.graph_objects as go
    import plotly.io as pio

    return json.loads(pio.to_json(go.Figure(layout={"template": "plotly_white"}), validate=False))["layout"]["template"]


def draw_js() -> str:
    """The script that draws every figure of a document (lazily, on scroll, when the page asks)."""
    return "var ANALYTICS_TEMPLATE=" + _script_json(shared_template()) + ";" + DRAW_JS


#: Draws every figure of the page from its JSON; lazily (on scroll) when the page asks.
DRAW_JS = """
(function(){
 function draw(el){if(el.dataset.drawn)return;el.dataset.drawn="1";
  var s=el.id&&document.querySelector('script[data-figure="'+el.id+'"]');if(!s)return;var f=JSON.parse(s.textContent);
  if(f.layout&&f.layout.template==="analytics-shared")f.layout.template=ANALYTICS_TEMPLATE;
  Plotly.newPlot(el,f.data,f.layout,f.config);}
 var figs=[].slice.call(document.querySelectorAll(".plotly-figure"));
 if(document.body.dataset.lazy==="1"&&"IntersectionObserver" in window){
  var io=new IntersectionObserver(function(es){es.forEach(function(e){if(e.isIntersecting){
   io.unobserve(e.target);draw(e.target);}});},{rootMargin:"400px"});
  figs.forEach(function(el){io.observe(el);});
  if(figs.length)draw(figs[0]);
  window.addEventListener("beforeprint",function(){figs.forEach(draw);});
 }else{figs.forEach(draw);}
})();
"""
