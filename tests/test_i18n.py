"""Catalogs, names and numbers: every key in every language, notebook text translated, CLDR number formats."""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import pytest
import yaml

from analytics.core import i18n, numbers
from analytics.core.errors import DataError

from .conftest import PACK, ROOT


def _entries() -> dict:
    return i18n._entries()


def test_every_catalog_key_has_every_language():
    entries = _entries()
    assert len(entries) > 100
    for key, entry in entries.items():
        assert set(entry) == set(i18n.LANGUAGES), key


def test_every_notebook_parameter_has_a_label_in_every_language():
    """A page's parameter line named "n_replicates: 50" in Russian: every declared parameter has its label."""
    from analytics.core.declarations import declaration

    capabilities = [p.parent.name for p in (ROOT / "src" / "analytics").glob("*/params.py")]
    missing = [(cap, lang, p.name) for cap in capabilities for p in declaration(cap).params for lang in i18n.LANGUAGES
               if f"param.{p.name}" not in i18n.package_catalog(lang)]
    assert len(capabilities) == 5 and missing == []


def test_no_catalog_gives_a_key_twice():
    """A key written twice in one catalog file silently took the later text (a new column label was lost to an
    older one of the same name): read as a user's file is read, a repeated key is an error."""
    from importlib import resources

    from analytics.core import yamlio

    for rel in i18n.catalog_files():
        yamlio.load(resources.files("analytics").joinpath(rel).read_text("utf-8"))


def test_catalogs_are_one_per_folder_and_found_without_importing_capabilities():
    assert set(i18n.catalog_files()) >= {"access/catalog.yaml", "profile/catalog.yaml", "publish/catalog.yaml",
                                         "report/catalog.yaml"}


def test_every_pack_catalog_has_every_region_district_and_table():
    en = set(yaml.safe_load((PACK / "locales" / "en.yaml").read_text(encoding="utf-8")))
    own = ("source.", "licence.", "vintage.", "assumption.")  # the pack's own texts: English in pack.yaml
    meta = yaml.safe_load((PACK / "pack.yaml").read_text())
    from analytics.publish.methods import assumption_rows

    sources = {f"{f}.{n}" for n in meta["tables"] for f in ("source", "vintage")}
    # a licence that is more than a licence's name ("CC BY 4.0 (this project)", "public facts (…)")
    sources |= {f"licence.{n}" for n, t in meta["tables"].items() if re.search(r"[a-z]{3,}", t["licence"])}
    sources |= {f"assumption.{r['section']}.{r['name']}" for r in assumption_rows(PACK)}
    for lang in ("ru", "tg"):
        keys = set(yaml.safe_load((PACK / "locales" / f"{lang}.yaml").read_text(encoding="utf-8")))
        assert {k for k in keys if not k.startswith(own)} == en
        assert {k for k in keys if k.startswith(own)} == sources, lang  # every source, in both languages
    meta = yaml.safe_load((PACK / "pack.yaml").read_text())
    assert {f"table.{n}" for n in meta["tables"] if n not in ("adm1", "adm2", "adm2_lookup")} <= en | {
        "table.indicators_raw", "table.district_names", "table.institutions_reference"}
    codes = [line.split(",")[0] for line in (PACK / "reference/district_names.csv").read_text().splitlines()[1:]]
    assert {f"district.{c}" for c in codes} <= en


def test_every_notebook_text_comes_from_the_catalogs_in_every_language():
    # a notebook's headings and introductions are show_text outputs of catalog keys (one source
    # for JupyterLab and the page); a markdown cell would stay English whatever the language
    for path in sorted((ROOT / "notebooks").glob("*.py")):
        nb = jupytext.read(path)
        assert not [c for c in nb.cells if c.cell_type == "markdown"], path.name
        keys = [k for c in nb.cells for k in re.findall(r'show_text\(pack, "([a-z0-9_.]+)", language\)', c.source)]
        assert len(keys) >= 4, path.name
        for key in keys:
            for lang in ("en", "ru", "tg"):
                assert key in i18n.package_catalog(lang), (path.name, key, lang)


def test_tajik_catalog_is_cyrillic():
    for key, text in i18n.package_catalog("tg").items():
        if key.startswith("language."):  # each language's own name (autonym): "English" stays English
            continue
        words = re.sub(r"\{[^}]*\}", "", str(text))
        letters = [c for c in words if c.isalpha()]
        latin = [c for c in letters if c.isascii()]
        # allowed Latin: acronyms such as WDI, GBAO codes
        assert len(latin) <= max(6, len(letters) // 10), (key, text)


# ---------------------------------------------------------------- numbers (expected strings from CLDR 45 as
# published: ru decimal ",", group U+00A0, percent "#,##0 %"; tg decimal ",", group U+00A0, percent "#,##0%")

NBSP = "\u00a0"


@pytest.mark.parametrize("lang,number,percent,big", [
    ("en", "36.1", "36.1%", "141,244"),
    ("ru", "36,1", f"36,1{NBSP}%", f"141{NBSP}244"),
    ("tg", "36,1", "36,1%", f"141{NBSP}244"),
])
def test_numbers_follow_the_reader_locale(lang, number, percent, big):
    assert numbers.decimal(36.123, 1, lang) == number
    assert numbers.percent(36.123, 1, lang) == percent
    assert numbers.decimal(141244, 0, lang) == big
    tx = i18n.Texts(lang)
    assert tx("profile.headline_enrolment", value=36.123, year=2015).count(percent) == 1
    assert "2015" in tx("profile.headline_enrolment", value=36.123, year=2015)  # a year is never grouped


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_a_written_percent_sign_is_spaced_as_cldr_spaces_it(lang):
    """"2 %-и" beside "32%-и" on one Tajik page: every percent sign written after a number or a placeholder in
    the catalogs and the pack's locale files takes the space (none, or a no-break space) of CLDR's pattern
    (a quoted value, such as OULAD's band «10-20%», stays as the data writes it)."""
    space = numbers.percent(5, 0, lang, False)[1:-1]  # what CLDR puts between the number and its sign
    texts = [v for v in i18n.package_catalog(lang).values() for v in (v.values() if isinstance(v, dict) else [v])]
    texts += [str(v) for v in yaml.safe_load((PACK / "locales" / f"{lang}.yaml").read_text(encoding="utf-8")).values()]
    wrong = sorted({m.group(0) for t in texts for m in re.finditer(r"[\d}]([ \u00a0]?)%(?![»\"”])", str(t)) if m.group(1) != space})
    assert not wrong, wrong


def test_format_specs_in_messages():
    tx = i18n.Texts("ru")
    fmt = tx._fmt
    assert fmt.format("{x:+.2f}", x=9.0) == "+9,00"
    assert fmt.format("{x:+.2f}", x=-7.18) == "-7,18"
    assert fmt.format("{x:.0f}", x=-0.2) == "0"  # no negative zero
    assert fmt.format("{x:,d}", x=6000) == f"6{NBSP}000"
    assert fmt.format("{x:g}", x=1.0) == "1" and fmt.format("{x:g}", x=0.5) == "0,5"
    assert fmt.format("{x:.1P}", x=18.76) == f"18,8{NBSP}%"
    assert fmt.format("{name}", name="<b>") == "<b>"  # text is escaped where it enters a page, not here


def test_plural_forms_come_from_cldr():
    # CLDR ru: one = n%10=1 and n%100!=11; "для 141 244 ячеек", "для 21 ячейки" (genitive after "для")
    ru, en = i18n.Texts("ru"), i18n.Texts("en")
    assert ru.plural("access.cells", 141244) == f"141{NBSP}244 ячеек"
    assert ru.plural("access.cells", 21) == "21 ячейки"
    assert ru.plural("access.cells", 11) == "11 ячеек"
    assert en.plural("access.cells", 1) == "1 grid cell" and en.plural("access.cells", 2) == "2 grid cells"
    assert numbers.plural_category(3, "ru") == "few" and numbers.plural_category(5, "ru") == "many"


def test_plotly_separators_per_language():
    assert numbers.plotly_separators("en") == ".,"
    assert numbers.plotly_separators("ru") == "," + NBSP


def test_a_pack_may_only_add_names(pack_copy):
    from analytics.packs.load import load_pack

    path = pack_copy / "locales" / "ru.yaml"
    path.write_text(path.read_text(encoding="utf-8") + 'nb01.intro: "# Взломано"\nregion.TJ-XX: {a: 1}\n',
                    encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_pack(root=pack_copy)
    text = str(err.value)
    assert "tjk/locales/ru.yaml" in text and "'nb01.intro'" in text and "may only add or override names" in text
    assert "'region.TJ-XX' must map to plain text" in text.replace("keys ", "")


def _add_kyrgyz(pack_copy, drop: int = 0):
    """The Tajikistan pack with a fourth reader language, Kyrgyz (ky): its names and every suite message."""
    meta = pack_copy / "pack.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("tables:\n", "languages: [en, ru, tg, ky]\ntables:\n", 1),
                    encoding="utf-8")
    names = yaml.safe_load((pack_copy / "locales" / "ru.yaml").read_text(encoding="utf-8"))
    (pack_copy / "locales" / "ky.yaml").write_text(yaml.safe_dump(names, allow_unicode=True), encoding="utf-8")
    messages = {k: v["en"] for k, v in i18n._entries().items()}
    messages["index.questions"] = "Беш суроо"  # Kyrgyz: "five questions"
    for key in list(messages)[:drop]:
        del messages[key]
    (pack_copy / "locales" / "messages-ky.yaml").write_text(yaml.safe_dump(messages, allow_unicode=True),
                                                            encoding="utf-8")


def test_a_pack_may_add_a_reader_language(pack_copy, tmp_path):
    from .conftest import run_cli

    _add_kyrgyz(pack_copy)
    data = pack_copy.parent
    assert run_cli("validate", str(pack_copy)).returncode == 0
    briefing = tmp_path / "kyrgyz.yaml"
    briefing.write_text(yaml.safe_dump({"title": "Кыргызча", "country": "tjk", "languages": ["ky"],
                                        "jobs": [{"notebook": "00_country_profile", "grid": {"region": ["TJ-GB"]}}]}))
    proc = run_cli("brief", str(briefing), "--outputs", str(tmp_path / "out"), "--quiet",
                   env={"ANALYTICS_DATA": str(data)})
    assert proc.returncode == 0, proc.stderr
    run = Path(proc.stdout.split("published ")[1].split()[0])
    index = (run / "index.html").read_text(encoding="utf-8")
    assert 'lang="ky"' in index and "Беш суроо" in index
    page = (run / "00_country_profile_TJ-GB_ky.html").read_text(encoding="utf-8")
    assert "36,1" in page  # Kyrgyz numbers (CLDR ky): decimal comma
    unknown = tmp_path / "uzbek.yaml"
    unknown.write_text(briefing.read_text().replace("- ky", "- uz"))
    assert "- uz" in unknown.read_text()
    proc = run_cli("brief", str(unknown), "--outputs", str(tmp_path / "out2"), env={"ANALYTICS_DATA": str(data)})
    assert proc.returncode == 2 and "language 'uz' is not available" in proc.stderr


def test_an_added_language_is_offered_only_when_complete(pack_copy):
    from .conftest import run_cli

    _add_kyrgyz(pack_copy, drop=3)
    proc = run_cli("validate", str(pack_copy))
    assert proc.returncode == 2 and "tjk/locales/messages-ky.yaml: 3 messages missing:" in proc.stderr


@pytest.mark.parametrize("text", ["{who.__class__.__mro__} {parts}", "{who:{n}{n}} {parts}", "{who[0]} {parts}",
                                  "{nobody} {parts}", "{who} {parts"])
def test_a_translated_message_may_use_only_the_english_placeholders(pack_copy, text):
    """Sixth hostile pass: a translator's `{n.__class__.__base__.__subclasses__}` passed validate and printed the
    interpreter's object on the page; `{who:{n}{n}}` stopped the job. Each message's placeholders must be the
    English message's names (survey.lang_sentence has who, n and parts)."""
    from .conftest import run_cli

    _add_kyrgyz(pack_copy)
    path = pack_copy / "locales" / "messages-ky.yaml"
    messages = yaml.safe_load(path.read_text(encoding="utf-8"))
    messages["survey.lang_sentence"] = text
    path.write_text(yaml.safe_dump(messages, allow_unicode=True), encoding="utf-8")
    proc = run_cli("validate", str(pack_copy))
    assert proc.returncode == 2 and "1 messages whose {placeholders} are not the English message's names: " \
        "survey.lang_sentence" in proc.stderr and "Traceback" not in proc.stderr, proc.stderr


def test_the_messages_a_new_language_needs_are_one_file_a_translator_fills(pack_copy):
    """Issue 28: a Kyrgyz briefing needs every suite message; `analytics pack messages DIR ky` writes them as one
    file (each empty, the English and Russian beside it), keeps what is translated when run again, and
    validate lists what is still empty and names the command."""
    from analytics.packs.locales import read_messages

    from .conftest import run_cli

    meta = pack_copy / "pack.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("comparators:", "languages: [en, ru, tg, ky]\ncomparators:",
                                                             1), encoding="utf-8")
    out = run_cli("pack", "messages", str(pack_copy), "ky")
    assert out.returncode == 0, out.stderr
    path = pack_copy / "locales" / "messages-ky.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert set(doc) == set(i18n.keys()) and all(v is None for v in doc.values())
    assert '"index.questions": null  # en: "The five questions"  ru: "Пять вопросов"' in path.read_text(encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8").replace('"index.questions": null', '"index.questions": "Беш суроо"'),
                    encoding="utf-8")
    assert run_cli("pack", "messages", str(pack_copy), "ky").returncode == 0  # run again: the translation stays
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert doc["index.questions"] == "Беш суроо" and sum(v is None for v in doc.values()) == len(doc) - 1
    with pytest.raises(DataError, match=rf"{len(doc) - 1} messages missing: .*analytics pack messages"):
        read_messages(pack_copy, ["ky"])
    bad = run_cli("pack", "messages", str(pack_copy), "ru")  # the suite has it: nothing to translate
    assert bad.returncode == 2 and "that the suite does not have" in bad.stderr and "Traceback" not in bad.stderr


def test_a_tajik_date_is_written_as_official_texts_write_it():
    """CLDR's Tajik long date is "04 Декабр 2026"; the Government's decree No. 268 is dated "аз 30 июни соли
    2021" and jumhuriyat.tj writes "29 майи соли 2010": the day unpadded, the month in lower case with "-и"."""
    import datetime

    from analytics.core.numbers import tajik_date

    assert tajik_date(datetime.date(2021, 6, 30)) == "30 июни соли 2021"
    assert tajik_date(datetime.date(2010, 5, 29)) == "29 майи соли 2010"
    assert tajik_date(datetime.date(2026, 12, 4)) == "4 декабри соли 2026"
