"""The published run as its readers use it: links, a phone, paper and contrast, in headless Chromium."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from .conftest import wait_until

#: Relative luminance and contrast ratio as WCAG 2.x defines them, computed in the page.
CONTRAST_JS = """
() => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = el => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  return [...document.querySelectorAll('a')].filter(a => a.offsetParent !== null).map(a => {
    const L1 = lum(rgb(getComputedStyle(a).color).slice(0, 3)), L2 = lum(background(a));
    return [a.textContent.trim(), (Math.max(L1, L2) + 0.05) / (Math.min(L1, L2) + 0.05)];
  });
}
"""


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])
        if a.get("id"):
            self.ids.add(a["id"])


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_link_on_every_page_index_and_book_resolves_inside_the_run(small_run):
    folder, _ = small_run
    documents = sorted(folder.glob("*.html"))
    assert len(documents) > 10
    for doc in documents:
        links = _parse(doc)
        for href in links.hrefs:
            assert not re.match(r"[a-z]+:", href), (doc.name, href)  # no address outside the run
            target, _, anchor = href.partition("#")
            path = (doc.parent / target) if target else doc
            assert path.is_file(), (doc.name, href)
            if anchor and path.suffix == ".html":
                assert anchor in _parse(path).ids, (doc.name, href)


def test_no_index_book_or_methods_page_scrolls_sideways_on_a_phone(small_run, open_tab):
    """The job pages are checked on a phone as they draw (test_briefing_pages); here everything else."""
    folder, outcomes = small_run
    tab = open_tab(390, 844)
    tab.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
    others = sorted(set(folder.glob("*.html")) - {folder / o.html for o in outcomes})
    assert len(others) >= 3 * 3, others  # index, book and methods, in each of three languages
    for doc in others:
        tab.goto(doc.as_uri())
        tab.wait_for_timeout(300)
        width = tab.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (doc.name, width)


def test_the_areas_read_as_cards_on_a_phone(small_run, open_tab):
    """The reader's review: on a phone the areas table had a header about 190 px tall and its own sideways
    scroll. At 390 px each area is a block, every number under its column's name, nothing scrolls inside it."""
    folder, _ = small_run
    tab = open_tab(390, 844)
    tab.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
    for name in ("index.html", "index-ru.html", "index-tg.html"):
        tab.goto((folder / name).as_uri())
        scroll, box, head, labels, cells = tab.evaluate("""() => { const t = document.querySelector('table.areas');
            const tds = [...t.querySelectorAll('tbody td')];
            return [t.scrollWidth, t.clientWidth, t.querySelector('thead').getBoundingClientRect().height,
                    tds.map(td => getComputedStyle(td, '::before').content), tds.map(td => td.dataset.label)] }""")
        assert scroll <= box and head == 0, (name, scroll, box, head)
        heads = tab.evaluate("[...document.querySelectorAll('table.areas thead th')].slice(1).map(t => t.textContent)")
        assert cells and all(c in heads for c in cells), (name, cells[:3])
        assert all(lab == f'"{c}"' for lab, c in zip(labels, cells, strict=True)), (name, labels[:3])
        # the pages by topic and area too: seven columns had scrolled inside the table, four of them out of sight
        scroll, box = tab.evaluate("() => { const t = document.querySelector('table.pages');"
                                   " return [t.scrollWidth, t.clientWidth] }")
        assert scroll <= box, (name, "pages", scroll, box)


def test_the_options_fit_a_desktop_screen_side_by_side(small_run, open_tab):
    """The reader found the options table 25 px (ru) and 36 px (tg) wider than its box at 1366 px: the last
    column, the total cost, was cut and needed sideways scrolling."""
    folder, _ = small_run
    tab = open_tab(1366, 900)
    for name in ("index.html", "index-ru.html", "index-tg.html"):
        tab.goto((folder / name).as_uri())
        scroll, box = tab.evaluate("() => { const t = document.querySelector('table.options');"
                                   " return [t.scrollWidth, t.clientWidth] }")
        assert scroll <= box, (name, scroll, box)


@pytest.mark.parametrize("name", ["01_access_gaps_TJ-GB_ru", "00_country_profile_all_tg"])
def test_printed_every_chart_title_is_inside_its_chart_and_every_chart_shows_its_numbers(small_run, open_tab,
                                                                                        tmp_path, name):
    folder, _ = small_run
    tab = open_tab(1100, 900)
    tab.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
    tab.goto((folder / f"{name}.html").as_uri())
    tab.emulate_media(media="print")
    tab.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    wait_until(tab, "[...document.querySelectorAll('.plotly-figure')].every(f => f.querySelector('.main-svg'))")
    charts = tab.evaluate("""[...document.querySelectorAll('figure.chart')].map(f => {
        const box = f.getBoundingClientRect(), t = f.querySelector('.chart-title');
        const r = t ? t.getBoundingClientRect() : null, table = f.querySelector('table.print-only');
        return {title: t ? t.textContent : '', inside: !!r && r.left >= box.left - 1 && r.right <= box.right + 1
                                                      && r.top >= box.top - 1 && r.bottom <= box.bottom + 1,
                shown: !!table && getComputedStyle(table).display !== 'none', numbers: table ? table.textContent : ''};
    })""")
    assert charts
    for chart in charts:
        assert chart["title"] and chart["inside"], chart["title"]
        assert chart["shown"] and re.search(r"\d", chart["numbers"]), chart["title"]
    pdf = tmp_path / f"{name}.pdf"
    tab.pdf(path=str(pdf), format="A4", prefer_css_page_size=True)
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 20_000


def test_every_link_has_a_contrast_of_at_least_4_5(small_run, open_tab):
    folder, _ = small_run
    tab = open_tab(1366, 900)
    tab.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
    for doc in ("index.html", "index-ru.html", "00_country_profile_TJ-GB_en.html", "01_access_gaps_TJ-DU_tg.html"):
        tab.goto((folder / doc).as_uri())
        ratios = tab.evaluate(CONTRAST_JS)
        assert ratios, doc
        low = [(text, round(ratio, 2)) for text, ratio in ratios if ratio < 4.5]
        assert low == [], (doc, low)


@pytest.mark.parametrize("lang, limits, cited, english", [
    ("ru", "Ограничения", "Цитируемые публикации", ("urban", "rural", "default", "flagship")),
    ("tg", "Маҳдудиятҳо", "Нашрияҳои иқтибосшуда", ("urban", "rural", "default", "flagship")),
])
def test_the_methods_page_lists_limitations_cites_the_pilot_and_shows_assumptions_as_words(small_run, lang, limits,
                                                                                           cited, english):
    """The reader's review found no summary of limitations on the methods page, the pilot cited as "a World
    Bank blog" without title, date or address, and raw JSON with English keys in the assumptions table."""
    import html

    from analytics.run.jobs import texts_for

    folder, _ = small_run
    source = (folder / f"methods-{lang}.html").read_text(encoding="utf-8")
    texts = texts_for("tjk", lang)
    heads = [html.unescape(h) for h in re.findall(r"<h2>(.*?)</h2>", source)]
    assert heads[0] == limits and cited in heads
    for n in range(1, 6):
        assert html.escape(texts(f"summary.limit_{n}"), quote=False) in source
    citation = texts("pilot.citation")
    assert "2015" in citation and "https://blogs.worldbank.org/" in citation and "Tajikistan" in citation
    assert html.escape(citation, quote=False) in source
    table = source.split('<table class="assumptions">')[1].split("</table>")[0]
    values = [html.unescape(v) for v in re.findall(r"</code></td><td>(.*?)</td>", table)]
    assert len(values) > 50
    assert not [v for v in values if "{" in v or '":' in v or "[" in v], "JSON in the assumptions table"
    words = {w for v in values for w in re.findall(r"[A-Za-z_]+", v)}
    assert not words & set(english), words & set(english)
