"""Any country: a made-up pack built from scratch runs every notebook with no code change."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from . import made_up_country as veridia
from .conftest import run_cli

#: Words that would mean a page states Tajikistan's facts about another country.
FOREIGN = re.compile(r"tajik|таджик|тоҷикистон|dushanbe|душанбе|somoni|сомон|\bTJS\b|\bTJ-[A-Z]{2}\b",
                     re.IGNORECASE)
#: The Tajik census year next to a word for census, in English, Russian, Tajik or Kyrgyz.
CENSUS_2020 = re.compile(r"2020\W{1,3}(?:\w+\W{1,3})?(?:census|перепис|барӯйхатгир|эл каттоо)|"
                         r"(?:census|перепис\w*|барӯйхатгир\w*)\W{1,3}(?:\w+\W{1,3})?2020", re.IGNORECASE)


def page_text(path: Path) -> str:
    """What a reader can see on a page: its text, attributes and chart data, without the plotly library."""
    source = path.read_text(encoding="utf-8")
    charts = [json.dumps(json.loads(m), ensure_ascii=False)
              for m in re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', source, flags=re.S)]
    source = re.sub(r"<script.*?</script>", " ", source, flags=re.S)
    return html.unescape(source) + "\n".join(charts)


@pytest.fixture(scope="module")
def made_up(tmp_path_factory):
    """Veridia from an empty data folder: scaffold, fill, build, validate, brief (one run per module)."""
    data = tmp_path_factory.mktemp("data")
    steps = {"new": run_cli("pack", "new", veridia.ISO3, "--data", str(data))}
    pack = data / veridia.ISO3.lower()
    veridia.fill_pack(pack)
    steps["build"] = run_cli("pack", "build", str(pack))
    steps["validate"] = run_cli("validate", str(pack))
    brief = veridia.briefing(data / "veridia.yaml")
    steps["brief"] = run_cli("brief", str(brief), "--outputs", str(data / "out"), "--quiet",
                             env={"ANALYTICS_DATA": str(data)}, timeout=900)
    run = None
    if steps["brief"].returncode == 0:
        run = Path(steps["brief"].stdout.split("published ")[1].split()[0])
    return {"data": data, "pack": pack, "steps": steps, "run": run}


def test_a_made_up_country_runs_every_notebook_with_no_code_change(made_up):
    for step, proc in made_up["steps"].items():
        assert proc.returncode == 0, f"{step}: {proc.stderr[-2000:]}"
    assert "21 tables, all valid" in made_up["steps"]["validate"].stdout
    manifest = json.loads((made_up["run"] / "manifest.json").read_text(encoding="utf-8"))
    jobs = manifest["jobs"]
    # every notebook, for the country, the capital city-region or a region, in 4 languages
    assert len(jobs) == sum(len(a) for a in veridia.AREAS.values()) * len(veridia.LANGUAGES) == 28
    assert {j["status"] for j in jobs} == {"ok"}
    pages = sorted(made_up["run"].glob("*.html"))
    for notebook, areas in veridia.AREAS.items():
        for region in areas:
            for language in veridia.LANGUAGES:
                name = f"{notebook}_{region}_{language}" if region else f"{notebook}_{language}"
                assert (made_up["run"] / f"{name}.html").is_file(), name
    for page in pages:  # every page, index, summary, book and methods page
        text = page_text(page)
        assert not FOREIGN.search(text), f"{page.name}: {FOREIGN.search(text).group(0)!r}"
        assert not CENSUS_2020.search(text), f"{page.name}: {CENSUS_2020.search(text).group(0)!r}"
    # what a notebook user sees (the executed notebooks, parameters' help included) and the workbooks
    import openpyxl

    seen = {nb.name: nb.read_text(encoding="utf-8") for nb in (made_up["run"] / "notebooks").glob("*.ipynb")}
    for book in (made_up["run"] / "tables").glob("*.xlsx"):
        cells = [v for ws in openpyxl.load_workbook(book, read_only=True).worksheets
                 for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)]
        seen[book.name] = "\n".join(cells)
    assert len(seen) == len(jobs) + len(veridia.LANGUAGES)
    # the Kyrgyz translation's two sheet names, "Окуу / Read me" both: written as names a workbook can hold
    sheets = openpyxl.load_workbook(made_up["run"] / "tables" / "tables-ky.xlsx", read_only=True).sheetnames
    assert sheets[0] == "Окуу - Read me" and sheets[-1] == "Окуу - Read me (2)", sheets
    for name, text in seen.items():
        assert not FOREIGN.search(text), f"{name}: {FOREIGN.search(text).group(0)!r}"


def test_the_made_up_country_reads_its_own_facts(made_up):
    run = made_up["run"]
    profile = page_text(run / "00_country_profile_all_en.html")
    # the census year, the districts and both city-regions come from the pack
    assert "regional totals of the 2011 census" in profile
    assert "The map shows 11 districts" in profile and "Alden, Brisk" in profile
    assert "in 2018, the latest year published" in profile  # last year of the made-up enrolment series
    assert "Veridia" in profile
    ky = (run / "00_country_profile_all_ky.html").read_text(encoding="utf-8")
    assert 'lang="ky"' in ky and "Беш суроо" in (run / "index-ky.html").read_text(encoding="utf-8")
    assert ">Кыргызча</a>" in (run / "00_country_profile_all_en.html").read_text(encoding="utf-8")
    ru = page_text(run / "00_country_profile_all_ru.html")
    assert "Веридия" in ru and "переписи 2011 года" in ru


def test_courses_in_the_packs_own_language_raise_completers(made_up):
    """Issue 28: course languages are the pack's. Veridia's courses are in Kyrgyz, Russian and English; moving
    half of them into Kyrgyz (read by its 60 % of Kyrgyz speakers and half the others in towns) raises
    completers above the baseline's. Before, a Kyrgyz share was read by no one and lowered them."""
    manifest = json.loads((made_up["run"] / "manifest.json").read_text(encoding="utf-8"))
    job = next(j for j in manifest["jobs"] if j["job"].startswith("03_uptake_scenarios") and j["job"].endswith("_en"))
    table = pd.read_csv(made_up["run"] / job["results"]["tables"]["scenarios"]["csv"], encoding="utf-8-sig")
    done = table[table["measure"] == "completed"].set_index("scenario")["p50"]
    # the chance a course is in a language the learner reads, by hand for a Kyrgyz speaker in a village: reads
    # ky 1, ru 0.4, en 0.05 → baseline 0.1 + 0.24 + 0.015 = 0.355, own language 0.5 + 0.16 + 0.005 = 0.665;
    # completion's odds fall for a course not read (0.3–0.8), so completers rise (same draws in both scenarios)
    assert set(done.index) == set(veridia.SCENARIOS) and done["own_language"] > done["baseline"], done


def test_a_pack_states_its_own_course_languages(made_up, tmp_path):
    """No other country's course languages by default: a baseline without them, a Tajik share in a pack whose
    courses are not in Tajik, and a national language no course is in are each named by validate."""
    pack = tmp_path / "qvr"
    shutil.copytree(made_up["pack"], pack)
    scenarios = yaml.safe_load((pack / "scenarios.yaml").read_text(encoding="utf-8"))
    del scenarios["baseline"]["uptake"]["content_languages"]
    scenarios["own_language"]["uptake"]["content_languages"] = {"tg": 0.5, "ru": 0.5}
    (pack / "scenarios.yaml").write_text(yaml.safe_dump(scenarios, allow_unicode=True, sort_keys=False),
                                         encoding="utf-8")
    err = run_cli("validate", str(pack)).stderr
    assert re.search(r"qvr/scenarios.yaml: scenario 'own_language': uptake.content_languages is \{[^}]*'tg': 0.5[^}]*\}; "
                     r"expected the pack's course languages \(assumptions.yaml, uptake.reads\)", err), err
    (pack / "scenarios.yaml").write_text(yaml.safe_dump({"baseline": {"label": {"en": "B"}}}), encoding="utf-8")
    meta = (pack / "pack.yaml").read_text(encoding="utf-8").replace("national_language: ky", "national_language: uz")
    (pack / "pack.yaml").write_text(meta, encoding="utf-8")
    proc = run_cli("validate", str(pack))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "national_language is 'uz'; expected one of the course languages of uptake.reads (ky, ru, en)" in proc.stderr
    meta = meta.replace("national_language: uz", "national_language: ky")
    (pack / "pack.yaml").write_text(meta, encoding="utf-8")
    proc = run_cli("validate", str(pack))
    assert "qvr/scenarios.yaml: scenario 'baseline' states no uptake.content_languages" in proc.stderr, proc.stderr


def test_the_made_up_population_equals_its_census_totals(made_up):
    pack = made_up["pack"]
    population = pd.read_csv(pack / "modelled" / "population.csv")
    by_region = population.groupby("region_code")["population"].sum().to_dict()
    assert by_region == veridia.CENSUS  # every person of every region, both city-regions included
    assert population["population"].sum() == 3_700_000
    urban = population.loc[population["settlement"] == "urban", "population"].sum()
    assert urban == veridia.URBAN_TOTAL
    for city in veridia.CITIES:  # each city-region is one unit, all urban
        cells = population[population["region_code"] == city]
        assert set(cells["district_code"]) == {f"{city}-CTY"}
        assert cells.loc[cells["settlement"] == "rural", "population"].sum() == 0
    import geopandas as gpd

    districts = gpd.read_file(pack / "derived" / "districts.geojson")
    regions = gpd.read_file(pack / "derived" / "regions.geojson")
    # the cities are cut out of the districts around them: district areas add up to the regions'
    assert districts["area_km2"].sum() == pytest.approx(regions["area_km2"].sum(), rel=1e-3)


def test_validate_names_each_missing_assumption_and_area_name(made_up, tmp_path):
    pack = tmp_path / "qvr"
    shutil.copytree(made_up["pack"], pack)
    doc = yaml.safe_load((pack / "assumptions.yaml").read_text(encoding="utf-8"))
    del doc["prices"]["local_per_usd"]
    del doc["population"]["male_share"]
    doc["population"]["urban_total"]["value"] = "many"  # hostile pass: only `pack build` refused it
    doc["connectivity"]["log_sd"]["value"]["fixed"] = float("nan")
    (pack / "assumptions.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    names = pack / "locales" / "ru.yaml"
    names.write_text("\n".join(line for line in names.read_text(encoding="utf-8").splitlines()
                               if not line.startswith("area.QVR")), encoding="utf-8")
    proc = run_cli("validate", str(pack))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    err = proc.stderr
    assert "qvr/assumptions.yaml: section 'population' lacks male_share, which builder population reads" in err
    assert "section 'prices' lacks local_per_usd, which builder plans reads for table 'plans'" in err
    assert "section 'prices' lacks local_per_usd, which builder incomes reads for table 'incomes'" in err
    assert "qvr/locales/ru.yaml: no name for area.QVR" in err
    assert ("qvr/assumptions.yaml: population.urban_total = 'many': expected a number (builder population "
            "computes with it for table 'population')") in err
    assert "connectivity.log_sd is " in err and "; expected a mapping of each technology (mobile, fixed) to a spread above 0" in err


def test_builders_read_exactly_the_assumptions_the_registry_lists(pack_copy):
    """Every builder run on the Tajikistan pack with dicts that record the keys read."""
    from analytics.packs import assumptions, build
    from analytics.packs.registry import ASSUMPTION_KEYS

    seen: dict[str, set] = {}

    class Recording(dict):
        def __getitem__(self, key):
            seen.setdefault(self.builder, set()).add(key)
            return dict.__getitem__(self, key)

        def get(self, key, default=None):
            seen.setdefault(self.builder, set()).add(key)
            return dict.get(self, key, default)

    real_values, real_build_one = assumptions.values, build._build_one

    def build_one(pack, info, tables, overrides, assumed, meta):
        def values(doc, section):
            out = real_values(doc, section)
            if section == "seed":
                return out
            recording = Recording(out)
            recording.builder = info.built_by
            return recording

        build.assumptions.values = values
        try:
            return real_build_one(pack, info, tables, overrides, assumed, meta)
        finally:
            build.assumptions.values = real_values

    build._build_one = build_one
    try:
        build.build_pack(pack_copy)
    finally:
        build._build_one = real_build_one
    assert {k: sorted(v) for k, v in seen.items()} == {k: sorted(ASSUMPTION_KEYS[k]) for k in seen}
    # the rules for a pack without official district populations or settlements: the made-up country's
    assert set(ASSUMPTION_KEYS) - set(seen) == {"population", "learner_sample"}


def test_params_lists_a_packs_own_choices(made_up):
    """`analytics params NOTEBOOK --pack DIR`: the scenarios, regions and reader languages of that pack, not
    Tajikistan's; a folder that is no pack is refused in one line."""
    out = run_cli("params", "03_uptake_scenarios", "--pack", str(made_up["pack"]))
    assert out.returncode == 0, out.stderr
    lines = {line.split(" ", 1)[0]: line for line in out.stdout.splitlines()}
    assert lines["scenario"].endswith('in the qvr pack one of "baseline", "own_language"')
    offered = [line.split(" pack one of ", 1)[-1] for line in lines.values() if " pack one of " in line]
    assert len(offered) == 3 and '"QV-AL"' in offered[0] and not any("TJ-" in o for o in offered)
    assert '"ky"' in lines["language"]
    bad = run_cli("params", "03_uptake_scenarios", "--pack", str(made_up["pack"] / "locales"))
    assert bad.returncode == 2 and "not a country pack folder" in bad.stderr and "Traceback" not in bad.stderr


def test_a_pack_without_a_survey_gets_a_page_that_says_so(made_up, tmp_path):
    """Issue 28: a pack with no survey of its own got Tajikistan's pilot (or failed). Veridia without its three
    survey tables validates, and notebook 04 publishes a page that says the pack holds no survey, with no
    other country's answers and no Tajikistan fact."""
    data = tmp_path / "data"
    pack = data / "qvr"
    shutil.copytree(made_up["pack"], pack)
    meta = yaml.safe_load((pack / "pack.yaml").read_text(encoding="utf-8"))
    for table in ("pilot_respondents", "pilot_mentions", "employer_survey"):
        (pack / meta["tables"].pop(table)["path"]).unlink()
    (pack / "pack.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert run_cli("validate", str(pack)).returncode == 0
    out = run_cli("run", "04_pilot_survey", "-p", "country=qvr", "-p", "n_replicates=100", "--outputs",
                  str(tmp_path / "out"), env={"ANALYTICS_DATA": str(data)}, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    page = next((tmp_path / "out").rglob("04_pilot_survey*.html"))
    text = page_text(page)
    assert "This country pack holds no survey of its own" in text and "teachers, students and employers said" not in text
    assert "39%" not in text and not FOREIGN.search(text), FOREIGN.search(text)
