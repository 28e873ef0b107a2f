"""Every kind of bad input is caught, named (file, column, rows, expectation), exit 2, no traceback.

Each case breaks one thing in a copy of the real pack and runs ``analytics validate`` on it.
"""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Polygon

from analytics.core.errors import DataError
from analytics.packs import load_pack

from .conftest import run_cli

DISTRICT_NAMES = "reference/district_names.csv"
CENSUS = "raw/population/tjk_population_census2020_preliminary.csv"
INDICATORS = "derived/indicators.csv"
REGIONS = "derived/regions.geojson"
DISTRICTS = "derived/districts.geojson"


def validate(pack_dir) -> tuple[int, str]:
    proc = run_cli("validate", str(pack_dir))
    out = proc.stdout + proc.stderr
    assert "Traceback" not in out, out
    return proc.returncode, out


def edit_csv(pack_dir, rel, change):
    path = pack_dir / rel
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df = change(df)
    df.to_csv(path, index=False)


def test_real_pack_is_valid_with_one_screen_summary(pack_copy):
    code, out = validate(pack_copy)
    assert code == 0, out
    assert "all valid" in out and len(out.splitlines()) < 30


def test_a_folder_that_is_not_a_pack(tmp_path):
    code, out = validate(tmp_path)
    assert code == 2
    assert f"{tmp_path}: not a country pack: no pack.yaml here" in out


def test_missing_file(pack_copy):
    (pack_copy / CENSUS).unlink()
    code, out = validate(pack_copy)
    assert code == 2
    assert f"tjk/{CENSUS}: file not found" in out


def test_misspelt_column(pack_copy):
    edit_csv(pack_copy, CENSUS, lambda d: d.rename(columns={"population": "populaton"}))
    code, out = validate(pack_copy)
    assert code == 2
    assert "column 'population': missing column" in out and "found 'populaton'" in out


@pytest.mark.parametrize("rel,cells,expected", [
    # data row index 2 is spreadsheet row 4 (the header is row 1)
    (CENSUS, {(2, "population"): "about two million"},
     ["column 'population', row 4: expected a whole number up to 1,000,000,000,000,000, found 'about two million'"]),
    (CENSUS, {(0, "population"): "-5", (3, "population"): ""},
     ["column 'population', row 2: -5 below the minimum", "column 'population', row 5: empty cell"]),
    (DISTRICT_NAMES, {(5, "region_code"): "TJ-XX"},
     ["district_names.csv: column 'region_code', row 7: 'TJ-XX' not found in tjk/raw/boundaries"]),
    (DISTRICT_NAMES, {(4, "district_code"): "TJ-GB-MUR"},  # the code of data row 3
     ["column 'district_code', rows 5, 6: duplicate values"]),
    # hostile pass: a count beyond 64 bits was reported as -9223372036854775808, and "inf" passed as a number
    (CENSUS, {(1, "population"): "99999999999999999999999"},
     ["column 'population', row 3: expected a whole number up to 1,000,000,000,000,000, found '99999999999999999999999'"]),
    (CENSUS, {(1, "population"): "inf"},
     ["column 'population', row 3: expected a whole number up to 1,000,000,000,000,000, found 'inf'"]),
], ids=["wrong type", "negative and missing population", "unknown region code", "duplicate codes", "a count beyond 64 bits",
        "infinity"])
def test_bad_cells_are_named_with_file_column_and_rows(pack_copy, rel, cells, expected):
    def change(d):
        for (row, col), value in cells.items():
            d.loc[row, col] = value
        return d
    edit_csv(pack_copy, rel, change)
    code, out = validate(pack_copy)
    assert code == 2
    for text in expected:
        assert text in out, out


def test_share_outside_unit_interval(pack_copy):
    gdf = gpd.read_file(pack_copy / REGIONS)
    gdf.loc[1, "population_share"] = 1.3
    gdf.to_file(pack_copy / REGIONS, driver="GeoJSON")
    code, out = validate(pack_copy)
    assert code == 2
    assert "column 'population_share', row 2: 1.3 above the maximum; expected numbers, between 0 and 1" in out


def test_empty_and_invalid_geometry(pack_copy):
    gdf = gpd.read_file(pack_copy / DISTRICTS)
    gdf.loc[2, "geometry"] = Polygon()
    # a bow-tie: the ring crosses itself
    gdf.loc[4, "geometry"] = Polygon([(70, 38), (71, 39), (71, 38), (70, 39), (70, 38)])
    gdf.to_file(pack_copy / DISTRICTS, driver="GeoJSON")
    code, out = validate(pack_copy)
    assert code == 2
    assert "districts.geojson: column 'geometry', row 3: empty geometry" in out
    assert "districts.geojson: column 'geometry', row 5: invalid geometry (Self-intersection" in out


def test_projected_crs(pack_copy):
    gdf = gpd.read_file(pack_copy / DISTRICTS).to_crs("EPSG:32642")
    gdf.to_file(pack_copy / DISTRICTS, driver="GeoJSON")
    code, out = validate(pack_copy)
    assert code == 2
    assert "districts.geojson: layer is in a projected CRS (WGS 84 / UTM zone 42N" in out
    assert "expected lon/lat degrees (EPSG:4326)" in out


def test_projected_coordinates_without_crs(pack_copy):
    # Metres written with no CRS member: GeoJSON readers assume lon/lat, so the bounds tell.
    gdf = gpd.read_file(pack_copy / DISTRICTS).to_crs("EPSG:32642")
    doc = json.loads(gdf.to_json())
    doc.pop("crs", None)
    (pack_copy / DISTRICTS).write_text(json.dumps(doc))
    code, out = validate(pack_copy)
    assert code == 2
    assert "districts.geojson: coordinates reach" in out and "not lon/lat degrees" in out


def test_a_corrupt_huge_coordinate_is_named_in_a_few_characters(pack_copy):
    """The hostile pass's district with a 1e308 coordinate printed 309 digits in the message."""
    doc = json.loads((pack_copy / DISTRICTS).read_text())
    ring = doc["features"][3]["geometry"]["coordinates"][0]
    ring = ring[0] if isinstance(ring[0][0], list) else ring  # a MultiPolygon's first ring
    ring[1] = [1e308, ring[1][1]]
    (pack_copy / DISTRICTS).write_text(json.dumps(doc))
    code, out = validate(pack_copy)
    assert code == 2
    line = next(x for x in out.splitlines() if "coordinates reach" in x)
    assert "1e+308" in line and len(line) < 300 and "0000000000" not in out, line


def test_layer_with_no_crs(pack_copy):
    gdf = gpd.read_file(pack_copy / DISTRICTS)
    gdf = gdf.set_crs(None, allow_override=True)
    path = pack_copy / "derived" / "districts.gpkg"
    gdf.to_file(path, driver="GPKG")
    meta = (pack_copy / "pack.yaml").read_text().replace("derived/districts.geojson", "derived/districts.gpkg")
    (pack_copy / "pack.yaml").write_text(meta)
    code, out = validate(pack_copy)
    assert code == 2
    assert "districts.gpkg: layer has no CRS; expected lon/lat degrees (EPSG:4326)" in out


def test_a_point_where_an_area_belongs_and_a_table_without_rows(pack_copy):
    """Hostile pass: a Point in the districts layer and a CSV with a header alone both passed validation (the
    empty table then broke the connectivity notebook)."""
    gdf = gpd.read_file(pack_copy / DISTRICTS)
    gdf.loc[gdf.index[2], "geometry"] = gdf.geometry.iloc[2].representative_point()
    gdf.to_file(pack_copy / DISTRICTS, driver="GeoJSON")
    header = (pack_copy / CENSUS).read_text(encoding="utf-8").splitlines()[0]
    (pack_copy / CENSUS).write_text(header + "\n", encoding="utf-8")
    code, out = validate(pack_copy)
    assert code == 2, out
    assert "districts.geojson: column 'geometry', row 3: Point geometry; expected a polygon for each area" in out
    assert f"{CENSUS}: the table has a header but no rows; expected at least one row of data" in out


def test_russian_locale_csv_is_read_correctly(pack_copy):
    original = pd.read_csv(pack_copy / INDICATORS)
    # What a Russian-locale spreadsheet writes: ';' between fields, ',' as decimal mark, cp1251.
    original.to_csv(pack_copy / INDICATORS, sep=";", decimal=",", index=False, encoding="cp1251")
    pack = load_pack(root=pack_copy)
    pd.testing.assert_series_equal(pack.indicators["value"], original["value"].astype(float),
                                   check_names=False)
    assert any("Russian-locale" in n for n in pack.notes)
    code, out = validate(pack_copy)
    assert code == 0 and "Russian-locale" in out


def test_russian_locale_csv_with_bad_numbers_is_rejected_clearly(pack_copy):
    original = pd.read_csv(pack_copy / INDICATORS).astype({"value": object})
    original.loc[10, "value"] = "n/a"
    original.to_csv(pack_copy / INDICATORS, sep=";", decimal=",", index=False)
    code, out = validate(pack_copy)
    assert code == 2
    assert "indicators.csv: column 'value', row 12: expected a finite number, found 'n/a'" in out


def test_every_problem_is_reported_at_once(pack_copy):
    (pack_copy / CENSUS).unlink()
    edit_csv(pack_copy, DISTRICT_NAMES, lambda d: d.rename(columns={"name_en": "name"}))
    with pytest.raises(DataError) as err:
        load_pack(root=pack_copy)
    assert len(err.value.problems) == 2


# ---------------------------------------------------------------- what runs need (cross-table checks)

def test_a_region_without_districts_is_refused(pack_copy):
    path = pack_copy / "derived" / "regions.geojson"
    gdf = gpd.read_file(path)
    extra = gdf[gdf["region_code"] == "TJ-GB"].assign(region_code="TJ-ZZ")  # a region no district lies in
    pd.concat([gdf, extra]).to_file(path, driver="GeoJSON")
    proc = run_cli("validate", str(pack_copy))
    assert proc.returncode == 2 and "regions TJ-ZZ have no district; every region needs at least one" in proc.stderr


def test_district_populations_must_add_up_to_the_census(pack_copy):
    path = pack_copy / "modelled" / "population.csv"
    df = pd.read_csv(path)
    df.loc[0, "population"] += 5  # the first row is a district of one region: five people too many
    df.to_csv(path, index=False)
    proc = run_cli("validate", str(pack_copy))
    assert proc.returncode == 2
    assert "district populations do not add up to the census totals of their region" in proc.stderr


def test_every_place_needs_a_name_in_every_language(pack_copy):
    path = pack_copy / "locales" / "tg.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text("\n".join(line for line in text.splitlines() if not line.startswith("district.TJ-GB-")),
                    encoding="utf-8")
    proc = run_cli("validate", str(pack_copy))
    assert proc.returncode == 2
    assert "tjk/locales/tg.yaml: no name for 7 places: district.TJ-GB-" in proc.stderr


def test_unknown_pack_keys_get_a_suggestion(pack_copy):
    meta = pack_copy / "pack.yaml"
    text = meta.read_text(encoding="utf-8").replace("comparators:", "comparator:", 1).replace(
        "    licence: ODbL 1.0\n", "    licnce: ODbL 1.0\n", 1)
    meta.write_text(text, encoding="utf-8")
    proc = run_cli("validate", str(pack_copy))
    assert proc.returncode == 2
    assert "unknown key 'comparator'; did you mean 'comparators'?" in proc.stderr
    assert "table 'adm1': unknown key 'licnce'; did you mean 'licence'?" in proc.stderr


def test_a_briefing_must_name_its_country(tmp_path):
    path = tmp_path / "nocountry.yaml"
    path.write_text("title: t\nlanguages: [en]\njobs: [{notebook: 00_country_profile}]\n")
    proc = run_cli("brief", str(path), "--outputs", str(tmp_path / "out"))
    assert proc.returncode == 2 and "'country' is required" in proc.stderr


def test_pack_new_starts_a_pack_that_validate_explains(tmp_path):
    proc = run_cli("pack", "new", "XYZ", "--data", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    pack = tmp_path / "xyz"
    meta = (pack / "pack.yaml").read_text(encoding="utf-8")
    assert "country: xyz\niso3: XYZ\n" in meta and "tables:\n" in meta
    assert "every value below is the example pack's" in (pack / "assumptions.yaml").read_text(encoding="utf-8")
    for lang in ("en", "ru", "tg"):
        assert "district.<code>" in (pack / "locales" / f"{lang}.yaml").read_text(encoding="utf-8")
    assert "`raw/boundaries/" in (pack / "raw" / "README.md").read_text(encoding="utf-8")
    # filled in step by step, the pack tells what is still missing, one line per problem
    (pack / "pack.yaml").write_text(meta.replace('currency: ""', "currency: XYZ"), encoding="utf-8")
    proc = run_cli("validate", str(pack))
    assert proc.returncode == 2 and "file not found" in proc.stderr and "Traceback" not in proc.stderr
    again = run_cli("pack", "new", "XYZ", "--data", str(tmp_path))
    assert again.returncode == 2 and "exists already" in again.stderr


def test_a_pipe_a_huge_table_or_too_many_scenarios_is_refused_at_once(pack_copy):
    """The third hostile pass: a named pipe as a table or as scenarios.yaml made validate wait for ever; an
    800 MB table ran out of memory; 12,427 scenarios validated and a single uptake job ran for minutes."""
    import os

    import yaml

    table = pack_copy / "raw" / "indicators" / "central_asia_indicators_long.csv"
    kept = table.read_bytes()
    table.unlink()
    os.mkfifo(table)
    code, out = validate(pack_copy)
    assert code == 2 and "is not a regular file (a folder, a pipe or a device)" in out, out
    table.unlink()
    with table.open("wb") as fh:  # a sparse file: its size without its bytes
        fh.truncate(250_000_000)
    code, out = validate(pack_copy)
    assert code == 2 and "is 250,000,000 bytes; a table is at most 200,000,000" in out, out
    table.write_bytes(kept)
    scenarios = pack_copy / "scenarios.yaml"
    doc = yaml.safe_load(scenarios.read_text(encoding="utf-8"))
    doc.update({f"copy_{k}": doc["combined"] for k in range(30)})
    scenarios.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    code, out = validate(pack_copy)
    assert code == 2 and "36 scenarios; a pack names at most 24" in out, out
    scenarios.unlink()
    os.mkfifo(scenarios)
    code, out = validate(pack_copy)
    assert code == 2 and "scenarios.yaml: is not a regular file (a pipe or a device)" in out, out


@pytest.mark.parametrize("line, said", [
    ("capital_region: TJ-XX", "'TJ-XX' not in the regions table"),
    ("city_regions: [TJ-XX]", "'TJ-XX' not in the regions table"),
])
def test_the_capital_and_city_regions_must_be_regions_of_the_pack(pack_copy, line, said):
    """Fourth hostile pass: an unknown capital or city-region validated, and `pack build` rebuilt the connectivity
    and learner tables without the capital's figures (exit 0). Both now refuse it by name, and nothing is rebuilt."""
    meta = pack_copy / "pack.yaml"
    key = line.split(":")[0]
    text = meta.read_text(encoding="utf-8")
    meta.write_text("\n".join(line if row.startswith(f"{key}:") else row for row in text.splitlines()) + "\n",
                    encoding="utf-8")
    proc = run_cli("validate", str(pack_copy))
    assert proc.returncode == 2 and said in proc.stderr and "pack.yaml" in proc.stderr, proc.stderr
    before = (pack_copy / "modelled" / "connectivity.csv").read_bytes()
    proc = run_cli("pack", "build", str(pack_copy), "--only", "connectivity")
    assert proc.returncode == 2 and said in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert (pack_copy / "modelled" / "connectivity.csv").read_bytes() == before


def test_a_bound_that_is_not_a_number_is_refused(pack_copy):
    """Fourth hostile pass: `min: .nan` on a column turned its range check off (a population of −3,444,000
    then validated); a bound must be a number."""
    meta = pack_copy / "pack.yaml"
    text = meta.read_text(encoding="utf-8")
    assert "population: {type: int, min: 0}" in text
    meta.write_text(text.replace("population: {type: int, min: 0}", "population: {type: int, min: .nan}", 1),
                    encoding="utf-8")
    proc = run_cli("validate", str(pack_copy))
    assert proc.returncode == 2 and "'min' must be a number; found nan" in proc.stderr, proc.stderr


def test_a_packs_own_survey_categories_are_checked_by_name(pack_copy):
    """Issue 28: `survey_items` names the pack's own answer category for an indicator; a misspelt indicator is
    named with a suggestion, and a category that is not text is refused."""
    meta = pack_copy / "pack.yaml"
    text = meta.read_text(encoding="utf-8")
    meta.write_text(text.replace("\ntables:", "\nsurvey_items: {human_capcity: staff skills}\ntables:", 1),
                    encoding="utf-8")
    proc = run_cli("validate", str(pack_copy))
    assert proc.returncode == 2 and "unknown key 'human_capcity'; did you mean 'human_capacity'?" in proc.stderr
    meta.write_text(text.replace("\ntables:", "\nsurvey_items: {human_capacity: 5}\ntables:", 1), encoding="utf-8")
    proc = run_cli("validate", str(pack_copy))
    assert proc.returncode == 2 and "'survey_items' must map survey indicators" in proc.stderr, proc.stderr


@pytest.mark.parametrize("field", ["Univ\rC", "x" * 140_000])
def test_a_csv_the_csv_module_cannot_read_is_one_line_naming_its_row(pack_copy, field):
    """Fifth hostile pass: a bare carriage return inside an unquoted field, and a field over the csv module's
    131,072-character limit, gave `_csv.Error` tracebacks (exit 1)."""
    path = pack_copy / "modelled" / "pilot_respondents.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    cells[2] = field
    lines[1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = run_cli("validate", str(pack_copy))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert "pilot_respondents.csv" in proc.stderr and "cannot be read as CSV near row" in proc.stderr, proc.stderr


def test_city_regions_must_be_a_list_of_codes(pack_copy):
    """Fifth hostile pass: `city_regions: [[TJ-XX]]` validated, then `pack build` blamed another file and a run
    crashed; the shape is checked where pack.yaml is read, for validate and build alike."""
    meta = pack_copy / "pack.yaml"
    text = meta.read_text(encoding="utf-8")
    meta.write_text("\n".join("city_regions: [[TJ-XX], 42]" if r.startswith("city_regions:") else r
                              for r in text.splitlines()) + "\n", encoding="utf-8")
    for cmd in (["validate", str(pack_copy)], ["pack", "build", str(pack_copy)]):
        proc = run_cli(*cmd)
        assert proc.returncode == 2 and "'city_regions' must be a list of region codes" in proc.stderr, proc.stderr


def test_a_csv_header_of_thousands_of_columns_is_refused_in_one_line(pack_copy):
    """Sixth hostile pass: a header of 200,000 short names (1.4 MB, under the size cap) kept `validate` busy for
    over five minutes (each name was counted against the whole header). Duplicates are now counted once, and a
    header wider than any pack table is refused."""
    from analytics.packs.readers import MAX_COLUMNS

    from .conftest import run_cli

    path = pack_copy / "reference" / "institutions.csv"
    header, *rows = path.read_text(encoding="utf-8-sig").splitlines()
    extra = [f"c{i}" for i in range(MAX_COLUMNS + 1)]
    path.write_text("\n".join([",".join([header, *extra])] + [r + "," * len(extra) for r in rows]) + "\n",
                    encoding="utf-8")
    proc = run_cli("validate", str(pack_copy))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert f"institutions.csv: the header has {len(header.split(',')) + len(extra):,} columns; expected at most " \
           f"{MAX_COLUMNS:,}" in proc.stderr, proc.stderr


@pytest.mark.parametrize("weights", [0.0, -1.0])
def test_survey_weights_of_zero_or_below_are_refused(pack_copy, weights):
    """Seventh hostile pass: survey weights all 0 passed validate and stopped the job (ZeroDivisionError); negative
    weights were used for the design-based intervals. Each weight must be above 0, named by row."""
    from .conftest import run_cli

    path = pack_copy / "modelled" / "pilot_respondents.csv"
    people = pd.read_csv(path)
    people["weight"] = 1.0
    people.loc[[0, 3], "weight"] = weights
    people.to_csv(path, index=False)
    proc = run_cli("validate", str(pack_copy))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert "pilot_respondents.csv" in proc.stderr and "survey weights must be numbers above 0" in proc.stderr
    assert "rows 2, 5" in proc.stderr or "2, 5" in proc.stderr, proc.stderr
