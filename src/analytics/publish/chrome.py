"""The page chrome: one set of Jinja2 templates for pages, indexes and books, and their security policy.

:func:`document` wraps content in the page template, inlining the scripts it needs and a
Content-Security-Policy meta tag that names each inline script by its SHA-256 hash: a
script that reaches a page any other way (say, from a name in a data file) does not run,
and nothing is fetched from the network.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import cache
from importlib import resources

from markupsafe import Markup

from ..report.figures import geo_assets_js
from .bundle import plotly_for
from .export import draw_js


@cache
def environment():
    """The Jinja2 environment of the package's templates (autoescaping on)."""
    from jinja2 import Environment, FunctionLoader, StrictUndefined

    def load(name: str):
        return resources.files("analytics.publish").joinpath(f"templates/{name}").read_text("utf-8")

    return Environment(loader=FunctionLoader(load), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=False, lstrip_blocks=False)


@cache
def css() -> str:
    """The shared page style."""
    return resources.files("analytics.publish").joinpath("templates/page.css").read_text("utf-8")


@cache
def _hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def content_security_policy(scripts: list[str]) -> str:
    """A policy allowing exactly ``scripts`` (by hash), inline styles, data images and no network."""
    script_src = " ".join(_hash(s) for s in scripts) or "'none'"
    return (f"default-src 'none'; script-src {script_src}; style-src 'unsafe-inline'; "
            "img-src data: blob:; font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'")


def render(template: str, **values) -> Markup:
    """Render one of the package's templates to safe markup."""
    return Markup(environment().get_template(template).render(**values))


def document(body: str, title: str, language: str = "en", top: str = "", bottom: str = "",
             lazy: bool = False) -> str:
    """A complete, self-contained HTML document, with plotly.js inlined once when it has figures.

    Parameters
    ----------
    body : str
        Content HTML (already escaped where it holds text).
    title : str
        Document title (escaped here).
    language : str
        Value of the ``lang`` attribute.
    top, bottom : str
        Chrome before and after the content (rendered from the templates).
    lazy : bool
        Draw each figure only when it scrolls into view (for long books).

    Returns
    -------
    str
        The page, with no reference to any network address.
    """
    scripts = [geo_assets_js(), plotly_for(body), draw_js()] if 'class="plotly-figure"' in body else []
    return environment().get_template("page.html.j2").render(
        lang=language, csp=content_security_policy(scripts), title=title, css=Markup(css()),
        lazy=lazy, top=Markup(top), body=Markup(body), bottom=Markup(bottom),
        scripts=[Markup(s) for s in scripts])


def safe_id(name: str) -> str:
    """An HTML id and file stem for a job name: its letters, digits, ``.``, ``-`` and ``_``.

    Job names checked by the briefing loader are already such; for any other name, a
    short hash of it keeps different names apart.
    """
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip(".-") or "job"
    if slug != name:
        slug = f"{slug[:80]}-{hashlib.sha1(name.encode('utf-8')).hexdigest()[:8]}"
    return slug
