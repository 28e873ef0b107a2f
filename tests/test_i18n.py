"""Message catalogs: every language has every key; notebook text is translated."""

from __future__ import annotations

import re

import jupytext
import yaml

from analytics import i18n

from .conftest import PACK, ROOT

LOCALES = ROOT / "src" / "analytics" / "locales"


def _keys(folder, lang):
    return set(yaml.safe_load((folder / f"{lang}.yaml").read_text(encoding="utf-8")))


def test_every_package_catalog_has_every_key():
    en = _keys(LOCALES, "en")
    for lang in ("ru", "tg"):
        assert _keys(LOCALES, lang) == en, f"{lang}.yaml differs from en.yaml"


def test_every_pack_catalog_has_every_region_district_and_table():
    en = _keys(PACK / "locales", "en")
    for lang in ("ru", "tg"):
        assert _keys(PACK / "locales", lang) == en
    meta = yaml.safe_load((PACK / "pack.yaml").read_text())
    assert {f"table.{n}" for n in meta["tables"] if n not in ("adm1", "adm2", "adm2_lookup")} <= en | {
        "table.indicators_raw", "table.district_names", "table.institutions_reference"}
    codes = [line.split(",")[0] for line in (PACK / "reference/district_names.csv").read_text().splitlines()[1:]]
    assert {f"district.{c}" for c in codes} <= en


def test_every_translated_notebook_cell_has_its_key_in_every_language():
    for path in sorted((ROOT / "notebooks").glob("*.py")):
        nb = jupytext.read(path)
        md = [c for c in nb.cells if c.cell_type == "markdown"]
        for cell in md:
            tags = [t for t in cell.metadata.get("tags", []) if t.startswith("i18n:")]
            assert tags, f"{path.name}: a markdown cell has no i18n:<key> tag"
            key = tags[0][5:]
            for lang in ("ru", "tg"):
                assert key in i18n.package_catalog(lang), (path.name, key, lang)
            # the English catalog copy is the notebook's own text
            assert " ".join(i18n.package_catalog("en")[key].split()) == " ".join(cell.source.split()), \
                (path.name, key)


def test_tajik_catalog_is_cyrillic():
    for key, text in i18n.package_catalog("tg").items():
        words = re.sub(r"\{[^}]*\}", "", text)
        letters = [c for c in words if c.isalpha()]
        latin = [c for c in letters if c.isascii()]
        # allowed Latin: acronyms such as WDI, GBAO codes
        assert len(latin) <= max(6, len(letters) // 10), (key, text)
