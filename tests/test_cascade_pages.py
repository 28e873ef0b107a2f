"""Who can study online is one number, step by step, on every page, CSV, workbook and index of a briefing."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from analytics.models.cascade import STEPS
from analytics.publish.index import index_name

from .test_access_pages import figures, values, visible_text

#: "these N % can study online" in each language (catalog key cascade.sentence).
SENTENCE = {"en": r"these (\d+)% can study online", "ru": r"именно эти (\d+) % могут учиться онлайн",
            "tg": r"маҳз ҳамин (\d+)% метавонанд онлайн"}


def _steps_of(csv: pd.DataFrame) -> pd.Series:
    """Share (0–1) of everyone at each step, from the published tidy table (district × settlement × step)."""
    sums = csv.groupby("step")[["people", "population"]].sum()
    return (sums["people"] / sums["population"]).reindex(list(STEPS))


def test_who_can_study_online_is_one_number_everywhere(small_run, pack):
    import openpyxl

    folder, _ = small_run
    manifest = json.loads((folder / "manifest.json").read_text())
    jobs = [j for j in manifest["jobs"] if j["parameters"].get("region") == "TJ-GB" and j["job"][:2] in ("01", "02", "03")]
    assert len(jobs) == 9  # notebooks 01, 02 and 03 for GBAO, in en, ru and tg
    # one table, byte for byte, behind every page (each page names its own file)
    refs = {(j["results"]["tables"]["cascade"]["csv"], j["results"]["tables"]["cascade"]["sha256"]) for j in jobs}
    assert len({digest for _, digest in refs}) == 1  # one table, byte for byte, in each notebook's own file
    assert len(refs) == 3 and {csv.split("/")[1][:2] for csv, _ in refs} == {"01", "02", "03"}
    csv = pd.read_csv(folder / next(iter(refs))[0], encoding="utf-8-sig")
    assert set(csv["region_code"]) == {"TJ-GB"}
    share = _steps_of(csv)
    assert (share.diff().dropna() <= 0).all()  # each step within the one before
    for j in jobs:
        lang, tx = j["parameters"]["language"], pack.texts(j["parameters"]["language"])
        page = folder / j["html"]
        text = visible_text(page)
        # the sentence (whole percent), the table (one decimal) and the chart (the data itself)
        assert re.search(SENTENCE[lang], text).group(1) == f"{100 * share['afford']:.0f}", (j["job"], lang)
        for step in STEPS:
            assert f"{tx(f'cascade.step_{step}')} {tx.number(100 * share[step], 1)}" in text, (j["job"], step)
        (chart,) = [f for f in figures(page) if f["data"] and f["data"][0].get("orientation") == "h"
                    and [y.replace("<br>", " ") for y in f["data"][0]["y"]] == [tx(f"cascade.step_{s}") for s in STEPS]]
        assert values(chart["data"][0]["x"]) == pytest.approx(list(100 * share), rel=1e-9)
        if j["job"].startswith("01_"):  # the access page's sentence names the cascade's number, not a second one
            assert re.search({"en": r"(\d+)% of people can study online", "ru": r"могут (\d+) % населения",
                              "tg": r"(\d+)%\u2011и аҳолӣ метавонанд онлайн"}[lang], text).group(1) == \
                f"{100 * share['afford']:.0f}"
    for lang in ("en", "ru", "tg"):
        tx = pack.texts(lang)
        # the workbook: every cascade sheet of GBAO holds the same people at each step as the CSV, each row's
        # people written as whole persons (so a step's sum is within half a person a row of the CSV's)
        book = openpyxl.load_workbook(folder / "tables" / f"tables-{lang}.xlsx", read_only=True)
        sheets = [n for n in book.sheetnames if n.startswith(tx("sheet.cascade")) and "TJ-GB" in n]
        # one number everywhere, so one table: the access, connectivity and uptake pages of GBAO share one sheet,
        # and the read-me lists all three pages beside it
        assert len(sheets) == 1, book.sheetnames
        readme = list(book[book.sheetnames[0]].iter_rows(min_row=2, values_only=True))
        assert sorted(r[-1][:2] for r in readme if r[0] == sheets[0]) == ["01", "02", "03"], readme
        for name in sheets:
            rows = list(book[name].iter_rows(values_only=True))
            got = pd.DataFrame(rows[1:], columns=rows[0])
            people = got.groupby(tx("col.step"))[tx("col.people")].sum()
            labels = [tx(f"cascade.step_{s}") for s in STEPS]
            assert (got[tx("col.people")] % 1 == 0).all()
            rows_per_step = got.groupby(tx("col.step")).size().reindex(labels).to_numpy()
            assert (abs(people.reindex(labels).to_numpy()
                        - csv.groupby("step")["people"].sum().reindex(list(STEPS)).to_numpy()) <= rows_per_step / 2).all()
        # the index: GBAO's row shows the last step, one decimal, and links to a page that shows the same
        index = (folder / index_name(lang, ["en", "ru", "tg"])).read_text(encoding="utf-8")
        head = re.search(r'<table class="areas"><thead><tr>(.*?)</tr>', index, flags=re.S).group(1)
        columns = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<th>(.*?)</th>", head, flags=re.S)]
        at = columns.index(f"{tx('cascade.headline')} ({tx('grade.short.modelled')})")  # each column: its grade
        row = next(r for r in re.findall(r"<tr><th>(.*?)</tr>", index, flags=re.S) if tx("region.TJ-GB") in r)
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        assert re.sub(r"<[^>]+>", "", cells[at - 1]) == tx.number(100 * share["afford"], 1)
