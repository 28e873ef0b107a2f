"""The shared reporting pieces: sentences that follow the sign and the interval, suppression, table views."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analytics.core.i18n import Texts
from analytics.report import sentences
from analytics.report.views import TableView


@pytest.mark.parametrize("estimate,low,high,expected", [
    (-0.9, -1.4, -0.4, "down"),   # interval below zero
    (2.0, 0.5, 3.5, "up"),        # interval above zero
    (9.0, -7.2, 25.2, "unclear"),  # Dushanbe's distance effect: the interval spans zero
    (0.0, None, None, "unclear"),
    (-0.1, None, None, "down"),
])
def test_direction_follows_sign_and_interval(estimate, low, high, expected):
    assert sentences.direction(estimate, low, high) == expected


def test_effect_sentences_never_contradict_the_number():
    en, ru = Texts("en"), Texts("ru")
    down = sentences.effect(en, "access.reg_distance", -0.9, -1.4, -0.4)
    assert down.startswith("Each extra 10 km") and "goes with a chance of studying lower by 0.90" in down
    assert "(95% interval 0.40 to 1.40)" in down  # the size of a fall, smallest first
    up = sentences.effect(en, "access.reg_distance", 2.0, 0.5, 3.5)
    assert "higher by 2.00" in up and "lower" not in up
    unclear = sentences.effect(ru, "access.reg_distance", 9.0, -7.2, 25.2)
    assert unclear.startswith("Явной связи") and "+9,00" in unclear and "от -7,20 до 25,20" in unclear
    for text in (down, up):
        assert "-" not in text.split("(")[0]  # no negative size inside the words "lowers by"


def test_values_resting_on_few_sample_members_are_suppressed():
    tx = Texts("ru")
    assert sentences.shown(tx, 36.12, n=29) == sentences.SUPPRESSED_MARK
    assert sentences.shown(tx, 36.12, n=30) == "36,1"
    assert sentences.shown(tx, 36.12, n=30, percent=True) == "36,1\u00a0%"
    assert sentences.shown(tx, 36.12, n=10, min_sample=5) == "36,1"
    assert sentences.is_suppressed(float("nan"))
    assert tx.plural("suppressed_note", 30) == "‡ значение не приводится: эффективный объём выборки меньше 30"
    assert Texts("en").plural("suppressed_note", 30) == "‡ not shown: an effective sample of fewer than 30 people"


def test_table_views_escape_every_cell_and_heading_and_use_the_locale():
    frame = pd.DataFrame({"name": ["<img src=x onerror=alert(1)>"], "value": [1234.5], "year": [2022]})
    html = TableView(frame, Texts("ru"), {"name": "<b>Name</b>", "value": "Value", "year": "Year"},
                     {"year": 0}).styled().to_html()
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<b>" not in html and "&lt;b&gt;Name&lt;/b&gt;" in html
    assert "1\u00a0234,5" in html and ">2022<" in html


def test_dollar_amounts_are_never_typeset_as_formulas():
    """'At US$ 4.65 per GB … US$ 0.07' is text: section markdown escapes its dollars (JupyterLab and Voilà render
    them as dollars, and so does the exported page); readings and tables carry the classes MathJax skips."""
    import pandas as pd

    from analytics.core.i18n import Texts
    from analytics.publish.export import _markdown
    from analytics.report.panel import Reading
    from analytics.report.session import text_bundle
    from analytics.report.views import TableView

    said = "At US$ 4.65 per GB the poorest fifth pays more; the price must fall to US$ 0.07 per GB."
    html = Reading({}, [said])._repr_html_()
    assert 'class="reading tex2jax_ignore mathjax_ignore"' in html and "US$ 4.65" in html
    table = TableView(pd.DataFrame({"usd": [4.65]}), Texts("en"), {"usd": "US$ per GB"}, {"usd": 2})._repr_html_()
    assert 'class="tex2jax_ignore mathjax_ignore"' in table
    class Pack:  # a pack whose section text holds two dollar amounts
        def texts(self, language):
            return lambda key: "## Cost\nAt US$ 4.65 per GB … US$ 0.07 per GB."

    markdown = text_bundle(Pack(), "nb02.cost", "en")["text/markdown"]
    assert markdown.count(r"\$") == 2 and "$" not in markdown.replace(r"\$", "")  # escaped for the notebook
    assert "\\$" not in _markdown(r"At US\$ 4.65 … US\$ 0.07") and "US$ 4.65" in _markdown(r"At US\$ 4.65 … US\$ 0.07")


def test_a_charts_printed_numbers_list_years_in_order_whatever_the_traces_cover():
    """Two traces, 2020–2022 and 2018–2023 (a country and its comparators): the printed table's rows run 2018 …
    2023, each value beside its year (before, the union kept the first trace's order: 2020, 2021, 2022, 2018 …)."""
    from analytics.core.i18n import Texts
    from analytics.publish.export import print_table

    data = [{"type": "scatter", "name": "TJK", "x": [2020, 2021, 2022], "y": [1.0, 2.0, 3.0]},
            {"type": "scatter", "name": "WLD", "x": [2018, 2019, 2020, 2021, 2022, 2023],
             "y": [5, 6, 7, 8, 9, 10]}]
    html = print_table(data, Texts("en"))
    years = re.findall(r"<tr><td>(\d{4})</td>", html)
    assert years == ["2018", "2019", "2020", "2021", "2022", "2023"]
    assert "<tr><td>2020</td><td>1</td><td>7</td></tr>" in html  # whole numbers as whole numbers


def test_a_charts_printed_counts_are_whole_people_and_shares_keep_a_decimal():
    """The sixth reader: the printed funnel said "записавшиеся 11 007,0 … 4 847,0" (people, with a decimal). A
    column of counts (a hundred and more, or all whole) prints whole; a column of shares keeps one decimal."""
    from analytics.core.i18n import Texts
    from analytics.publish.export import print_table

    data = [{"type": "bar", "name": "enrolled", "x": [1, 2], "y": [229.0, 11007.4]},
            {"type": "bar", "name": "share", "x": [1, 2], "y": [12.5, 40.0]}]
    html = print_table(data, Texts("ru"))
    assert "<tr><td>2</td><td>11\u00a0007</td><td>40,0</td></tr>" in html.replace("\u202f", "\u00a0"), html
    assert "<tr><td>1</td><td>229</td><td>12,5</td></tr>" in html, html


def test_a_wide_table_is_printed_turned_on_its_side():
    """A table of nine columns (the scenario comparison) does not fit A4: published, it is followed by a copy
    with a row per column and a column per row, shown only on paper; a table of three columns is left alone."""
    from analytics.publish.export import safe_html, turned

    wide = pd.DataFrame({f"c{i}": [f"a{i}", f"b{i}"] for i in range(9)})
    html = turned(safe_html(TableView(wide, Texts("ru"), {c: c.upper() for c in wide})._repr_html_()))
    copy = re.search(r'<table class="print-only turned">(.*?)</table>', html, re.S).group(1)
    rows = [re.findall(r"<t[hd]>(.*?)</t[hd]>", r) for r in re.findall(r"<tr>(.*?)</tr>", copy)]
    assert rows == [["C0", "a0", "b0"]] + [[f"C{i}", f"a{i}", f"b{i}"] for i in range(1, 9)]
    narrow = TableView(wide.iloc[:, :3], Texts("ru"), {c: c for c in ("c0", "c1", "c2")})._repr_html_()
    assert turned(safe_html(narrow)) == safe_html(narrow) and "wide" not in narrow


def test_chart_ticks_are_written_out_in_the_readers_numbers():
    """The fifth to seventh readers: an uptake chart's axis read "5k 10k 15k" on Russian and Tajik pages (plotly's
    English SI suffix). Every axis of a localised chart writes its ticks out, with the language's separators."""
    import plotly.graph_objects as go

    from analytics.report.figures import localise

    fig = localise(go.Figure(go.Bar(x=[1, 2], y=[5_000, 15_000])), "ru")
    assert fig.layout.yaxis.exponentformat == fig.layout.xaxis.exponentformat == "none"
    assert fig.layout.separators == ",\u00a0"  # decimal comma, a no-break space between thousands


def test_a_charts_printed_names_show_as_on_screen():
    """Fifteenth hostile pass: a chart's text writes "<" as "&lt;" (so no tag can form), and the printed table
    escaped it again ("&lt; 5 km" on paper); "<b>A</b>" printed its tags and "Girls &amp; boys" its entity. Names and
    categories print as the chart shows them."""
    from analytics.core.i18n import Texts
    from analytics.publish.export import print_table
    from analytics.report.figures import without_links

    data = without_links([{"type": "bar", "name": "< 5 km", "x": ["<b>A</b>", "B<br>C"], "y": [1, 2]},
                          {"type": "bar", "name": "Girls &amp; boys", "x": ["<b>A</b>"], "y": [3]}])
    html = print_table(data, Texts("en"))
    assert "<th>&lt; 5 km</th><th>Girls &amp; boys</th>" in html, html  # each escaped once, as HTML wants
    assert "<tr><td>A</td><td>1</td><td>3</td></tr>" in html and "<tr><td>B C</td><td>2</td><td></td></tr>" in html
    # sixteenth: a map's names were decoded twice ("&amp;lt;b&amp;gt;" printed as "<b>"), "</br>" printed as text
    shapes = print_table([{"type": "choropleth", "text": ["&amp;lt;b&amp;gt;Q", "a</br>b"], "customdata": [1, 2]}],
                         Texts("en"))
    assert "<td>&amp;lt;b&amp;gt;Q</td>" in shapes and "<td>a b</td>" in shapes, shapes
