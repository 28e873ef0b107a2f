"""The real Tajikistan pack loads, validates, and its derived tables are reproducible."""

from __future__ import annotations

import json

import pytest

from analytics.packs import load_pack

from .conftest import PACK


def test_every_table_loads_with_geometry_in_wgs84(pack):
    assert set(pack.tables) >= {"adm1", "adm2", "regions", "districts", "indicators", "census_2020"}
    for name in ("adm1", "adm2", "regions", "districts"):
        assert pack[name].crs.to_epsg() == 4326, name


def test_regions_carry_census_totals(pack):
    regions = pack.regions.set_index("region_code")
    # Preliminary 2020 census totals as printed in the press (shared/data/PROVENANCE.md).
    assert regions.loc["TJ-KT", "census_population"] == 3_444_000
    assert regions.loc["TJ-GB", "census_population"] == 227_200
    assert regions["population_share"].sum() == pytest.approx(1.0, abs=1e-5)


def test_areas_match_geoboundaries_metadata(pack):
    # geoBoundaries computes areas itself and publishes them in its metadata file:
    # minAreaSqKM (Dushanbe) and meanAreaSqKM x admUnitCount (the whole country).
    meta = json.loads((PACK / "raw/boundaries/geoBoundaries-TJK-ADM1-metaData.json").read_text())
    regions = pack.regions.set_index("region_code")
    assert regions.loc["TJ-DU", "area_km2"] == pytest.approx(float(meta["minAreaSqKM"]), rel=0.005)
    total = float(meta["meanAreaSqKM"]) * int(meta["admUnitCount"])
    assert regions["area_km2"].sum() == pytest.approx(total, rel=0.005)
    # districts tile the country: their areas add up to the regions' within 0.1 %
    assert pack.districts["area_km2"].sum() == pytest.approx(total, rel=0.001)


def test_dushanbe_is_cut_out_of_rudaki(pack):
    d = pack.districts.set_index("district_code")
    assert len(d) == 59  # 58 ADM2 districts + Dushanbe
    assert d.loc["TJ-DU-DUS", "region_code"] == "TJ-DU"
    overlap = d.loc[["TJ-RA-RUD"]].geometry.intersection(d.loc["TJ-DU-DUS", "geometry"]).to_crs(6933).area
    assert float(overlap.iloc[0]) < 1e4  # under 0.01 km² of shared area: only rounding at the edge
    counts = d["region_code"].value_counts().to_dict()
    assert counts == {"TJ-KT": 24, "TJ-SU": 14, "TJ-RA": 13, "TJ-GB": 7, "TJ-DU": 1}


def test_renamed_districts_carry_current_and_former_names(pack):
    d = pack.districts.set_index("name_former")
    assert d.loc["Ghonchi", "name_en"] == "Devashtich"
    assert d.loc["Jirgatol", "name_en"] == "Lakhsh"
    assert d.loc["Bokhtar", "name_en"] == "Kushoniyon"


def test_indicators_are_tidy_with_neighbours_and_aggregate(pack):
    ind = pack.indicators
    assert not ind.duplicated(["area_code", "indicator", "year"]).any()
    assert {"TJK", "KGZ", "UZB", "KAZ", "ECA", "WLD"} <= set(ind["area_code"])
    net = ind[(ind.area_code == "TJK") & (ind.indicator == "internet_users_pct") & (ind.year == 2022)]
    assert float(net["value"].iloc[0]) == pytest.approx(36.1, abs=0.05)  # REFERENCE_FIGURES.md


def test_pack_records_which_tables_were_used():
    pack = load_pack("tjk")
    assert pack.used == set()
    _ = pack.districts
    _ = pack["indicators"]
    assert pack.used == {"districts", "indicators"}


def test_any_number_of_city_regions_are_cut_out_of_their_districts():
    """Two made-up cities inside two districts: each becomes a unit, and the districts lose exactly its area."""
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import box

    from analytics.packs.builders.geography import build_districts

    adm1 = gpd.GeoDataFrame({"shapeISO": ["XX-AA", "XX-BB", "XX-CA", "XX-CB"], "shapeName": ["A", "B", "CityA", "CityB"],
                             "shapeID": ["1", "2", "3", "4"]},
                            geometry=[box(60, 40, 61, 41), box(61, 40, 62, 41), box(60.4, 40.4, 60.5, 40.5),
                                      box(61.4, 40.4, 61.5, 40.5)], crs="EPSG:4326")
    adm2 = gpd.GeoDataFrame({"shapeName": ["DA", "DB"], "shapeID": ["d1", "d2"]},
                            geometry=[box(60, 40, 61, 41), box(61, 40, 62, 41)], crs="EPSG:4326")
    lookup = pd.DataFrame({"adm2_shapeID": ["d1", "d2"], "adm1_shapeISO": ["XX-AA", "XX-BB"]})
    names = pd.DataFrame({"district_code": ["XX-AA-DA", "XX-BB-DB", "XX-CA-CIT", "XX-CB-CIT"],
                          "shape_name": ["DA", "DB", "CityA", "CityB"], "name_en": ["Da", "Db", "City A", "City B"],
                          "name_former": [None] * 4})
    d = build_districts(adm1, adm2, lookup, names, city_regions=["XX-CA", "XX-CB"]).set_index("district_code")
    assert list(d.index) == ["XX-AA-DA", "XX-BB-DB", "XX-CA-CIT", "XX-CB-CIT"]
    assert list(d["region_code"]) == ["XX-AA", "XX-BB", "XX-CA", "XX-CB"]
    whole = build_districts(adm1, adm2, lookup, names.iloc[:2]).set_index("district_code")
    # each district loses exactly its city's area (equal-area km², as the builder computes them)
    assert d.loc["XX-AA-DA", "area_km2"] + d.loc["XX-CA-CIT", "area_km2"] == pytest.approx(whole.loc["XX-AA-DA", "area_km2"], rel=1e-6)
    assert d.loc["XX-BB-DB", "area_km2"] + d.loc["XX-CB-CIT", "area_km2"] == pytest.approx(whole.loc["XX-BB-DB", "area_km2"], rel=1e-6)


def test_a_city_the_boundary_file_lacks_gets_an_outline_from_a_point_and_an_area(tmp_path):
    """`analytics pack outline` (the Kyrgyz trial's Osh city had no ADM1 polygon): a circle of the stated area
    around a point, written into reference/city_outlines.geojson; the regions and districts builders cut it
    out of the region and district around it and make it a unit of its own."""
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import box

    from analytics.packs.builders.geography import area_km2, build_districts, build_regions

    from .conftest import run_cli

    (tmp_path / "pack.yaml").write_text("country: xxx\n", encoding="utf-8")
    proc = run_cli("pack", "outline", str(tmp_path), "XX-CA", "City A", "--at", "60.45,40.45", "--area", "182")
    assert proc.returncode == 0, proc.stderr
    assert "outlines: city_outlines" in proc.stdout  # what pack.yaml needs, printed
    outlines = gpd.read_file(tmp_path / "reference" / "city_outlines.geojson")
    assert list(outlines["shapeISO"]) == ["XX-CA"] and outlines.crs.to_epsg() == 4326
    # the stated area, measured in the builder's own equal-area projection (EPSG:6933, not the one drawn in)
    assert area_km2(outlines).iloc[0] == pytest.approx(182, rel=0.002)
    # the same city again, now from a boundary file: replaced, not added twice
    other = tmp_path / "cities.geojson"
    gpd.GeoDataFrame({"NAME": ["City A", "Elsewhere"]}, geometry=[box(60.4, 40.4, 60.5, 40.5), box(0, 0, 1, 1)],
                     crs="EPSG:4326").to_file(other)
    proc = run_cli("pack", "outline", str(tmp_path), "XX-CA", "City A", "--from", str(other), "--where", "NAME=City A")
    assert proc.returncode == 0, proc.stderr
    outlines = gpd.read_file(tmp_path / "reference" / "city_outlines.geojson")
    assert len(outlines) == 1 and outlines.geometry.iloc[0].equals(box(60.4, 40.4, 60.5, 40.5))

    adm1 = gpd.GeoDataFrame({"shapeISO": ["XX-AA", "XX-BB"], "shapeName": ["A", "B"], "shapeID": ["1", "2"]},
                            geometry=[box(60, 40, 61, 41), box(61, 40, 62, 41)], crs="EPSG:4326")
    census = pd.DataFrame({"iso_3166_2": ["XX-AA", "XX-BB", "XX-CA"], "population": [100, 200, 50]})
    whole = build_regions(adm1, census).set_index("region_code")
    regions = build_regions(adm1, census, outlines).set_index("region_code")
    assert list(regions.index) == ["XX-AA", "XX-BB", "XX-CA"] and regions.loc["XX-CA", "census_population"] == 50
    assert regions.loc["XX-AA", "area_km2"] + regions.loc["XX-CA", "area_km2"] == pytest.approx(
        whole.loc["XX-AA", "area_km2"], rel=1e-6)
    adm2 = gpd.GeoDataFrame({"shapeName": ["DA", "DB"], "shapeID": ["d1", "d2"]},
                            geometry=[box(60, 40, 61, 41), box(61, 40, 62, 41)], crs="EPSG:4326")
    lookup = pd.DataFrame({"adm2_shapeID": ["d1", "d2"], "adm1_shapeISO": ["XX-AA", "XX-BB"]})
    names = pd.DataFrame({"district_code": ["XX-AA-DA", "XX-BB-DB", "XX-CA-CIT"], "shape_name": ["DA", "DB", "City A"],
                          "name_en": ["Da", "Db", "City A"], "name_former": [None] * 3})
    d = build_districts(adm1, adm2, lookup, names, city_regions=["XX-CA"], outlines=outlines)
    assert list(d["district_code"]) == ["XX-AA-DA", "XX-BB-DB", "XX-CA-CIT"]


@pytest.mark.parametrize("args, said", [
    (["--at", "60,95", "--area", "10"], "latitude is 95.0, expected -90 to 90"),
    (["--at", "60;40", "--area", "10"], "--at is '60;40', expected LON,LAT"),
    (["--at", "60,40", "--area", "-3"], "area is -3.0 km², expected more than 0"),
    (["--at", "60,40"], "give either --at LON,LAT with --area KM2"),
    (["--from", "x.geojson"], "give either --at LON,LAT with --area KM2"),
    (["--from", "missing.geojson", "--where", "NAME=A"], "missing.geojson: no such file"),
    # the hostile pass's cases: a circle across the 180th meridian, a value no feature has (the message came
    # one character a line), a feature without geometry (a traceback), a code with a line break
    (["--at", "179.95,0", "--area", "10000"], "crosses the 180th meridian or nears a pole"),
    (["--from", "{cities}", "--where", "NAME=Nowhere"], "cities.geojson: column 'NAME': no feature is 'Nowhere'"),
    (["--from", "{cities}", "--where", "NAME=Empty"], "expected polygons, found no geometry"),
    (["--code", "XX-CA\n", "--at", "60,40", "--area", "10"], "is not an ISO 3166-2 region code"),
])
def test_pack_outline_refuses_bad_input_in_one_line(tmp_path, args, said):
    import json

    from .conftest import run_cli

    (tmp_path / "pack.yaml").write_text("country: xxx\n", encoding="utf-8")
    cities = tmp_path / "cities.geojson"
    cities.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"NAME": "A"}, "geometry": {"type": "Polygon", "coordinates": [
            [[60, 40], [60.1, 40], [60.1, 40.1], [60, 40]]]}},
        {"type": "Feature", "properties": {"NAME": "Empty"}, "geometry": None}]}), encoding="utf-8")
    args = [a.format(cities=cities) for a in args]
    code = args[args.index("--code") + 1] if "--code" in args else "XX-CA"
    args = [a for k, a in enumerate(args) if a != "--code" and (k == 0 or args[k - 1] != "--code")]
    proc = run_cli("pack", "outline", str(tmp_path), code, "City A", *args)
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2 and said in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert len(lines) == 1, lines
    assert not (tmp_path / "reference").exists()  # nothing written


def test_pack_outline_keeps_to_its_own_file(tmp_path):
    """A damaged outlines file is named in one line (it gave a traceback); a reference/ folder that links
    elsewhere is refused (the outline was written outside the pack)."""
    from .conftest import run_cli

    (tmp_path / "pack.yaml").write_text("country: xxx\n", encoding="utf-8")
    (tmp_path / "reference").mkdir()
    (tmp_path / "reference" / "city_outlines.geojson").write_text("[1, 2", encoding="utf-8")
    proc = run_cli("pack", "outline", str(tmp_path), "XX-CA", "City A", "--at", "60,40", "--area", "10")
    assert proc.returncode == 2 and "not an outlines file this command wrote" in proc.stderr, proc.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "reference" / "city_outlines.geojson").unlink()
    (tmp_path / "reference").rmdir()
    (tmp_path / "reference").symlink_to(elsewhere)
    proc = run_cli("pack", "outline", str(tmp_path), "XX-CA", "City A", "--at", "60,40", "--area", "10")
    assert proc.returncode == 2 and "is a link or not a regular file" in proc.stderr, proc.stderr
    assert list(elsewhere.iterdir()) == []


def test_an_outline_never_replaces_a_region_or_lands_outside_the_country():
    """The hostile pass replaced Sughd with a 300 km² circle, and put an outline in Nigeria: both built."""
    import geopandas as gpd
    from shapely.geometry import box

    from analytics.core.errors import DataError
    from analytics.packs.outlines import with_outlines

    adm1 = gpd.GeoDataFrame({"shapeISO": ["XX-AA"], "shapeName": ["A"], "shapeID": ["1"]},
                            geometry=[box(60, 40, 61, 41)], crs="EPSG:4326")
    for code, shape, said in (("XX-AA", box(60.4, 40.4, 60.5, 40.5), "is a region of the first-level boundaries"),
                              ("XX-ZZ", box(10, 10, 10.1, 10.1), "lies mostly outside the country's regions")):
        outline = gpd.GeoDataFrame({"shapeISO": [code], "shapeName": ["Z"], "shapeID": ["z"]}, geometry=[shape],
                                   crs="EPSG:4326")
        with pytest.raises(DataError, match=said):
            with_outlines(adm1, outline)


#: Cells a spreadsheet or a hostile user may put in a pack table: empties, spaces of every kind, decimal commas,
#: thousands separators, exponents, infinities, other digits, true/false words, Cyrillic text.
AWKWARD_CELLS = ["", " ", "NA", "NaN", "nan", "None", "none", "1", "0", "-3", "2.5", "2,5", "1\u00a0000", "1 000", "1e3",
                 "1E15", "1e16", "9007199254740993", "inf", "-inf", "Infinity", "-nan", "0x10", "1_000", "١٢", "+7", ".5",
                 "5.", "true", "TRUE", " yes ", "Y", "t", "f", "no", "N", "False", "maybe", "İ", "\u2003 4 \u2003",
                 "\t12\n", "\x1c3\x1f", "Душанбе", " Хуҷанд ", "12,345.6", "1.2.3", "1e400", "-0", "\u200b5", "５"]


@pytest.mark.parametrize("kind", ["str", "int", "float", "bool"])
@pytest.mark.parametrize("nullable", [False, True])
@pytest.mark.parametrize("decimal_comma", [False, True])
def test_short_and_long_columns_convert_each_cell_alike(kind, nullable, decimal_comma):
    """A short column of text is converted value by value in Python, a long one by pandas' column-wide steps
    (``schemas._SHORT``): the same cell gives the same value, type and messages either way."""
    import pandas as pd

    from analytics.packs import schemas

    col = schemas.ColumnSpec("c", kind, nullable)
    long = pd.Series(AWKWARD_CELLS * (schemas._SHORT // len(AWKWARD_CELLS) + 1), dtype="str", name="c")
    assert len(long) > schemas._SHORT
    short = long.iloc[:len(AWKWARD_CELLS)]
    assert schemas._plain_texts(short) is not None and schemas._plain_texts(long) is None  # the two routes
    by_value, said_short = schemas.coerce_column(short, col, "t.csv", 2, decimal_comma)
    by_column, said_long = schemas.coerce_column(long, col, "t.csv", 2, decimal_comma)
    pd.testing.assert_series_equal(by_value, by_column.iloc[:len(AWKWARD_CELLS)], check_exact=True)
    # the same problems, naming the same cells (the long column repeats them further down)
    assert [(p.column, p.message) for p in said_short] == [(p.column, p.message) for p in said_long]
    assert [p.rows for p in said_short] == [tuple(r for r in p.rows if r < len(AWKWARD_CELLS) + 2) for p in said_long]


def test_a_table_read_again_comes_from_memory_only_while_its_bytes_are_the_same(tmp_path, monkeypatch):
    """The memo of tables (``readers._read``): the same bytes under the same label read once; a changed
    byte, or another file name, read anew; every caller's copy its own (a vector layer's too, below)."""
    from analytics.packs import readers
    from analytics.packs.schemas import TableSchema

    schema = TableSchema.from_dict("t", {"columns": {"code": {}, "share": {"type": "float", "share": True}}})
    path = tmp_path / "t.csv"
    path.write_text("code,share\nA,0.5\nB,0.25\n", encoding="utf-8")
    parsed, real = [], readers.parse_csv_table
    monkeypatch.setattr(readers, "parse_csv_table", lambda *a: (parsed.append(a[2]), real(*a))[1])
    first = readers.read_csv_table(path, schema, "p/t.csv")
    first.frame.loc[0, "share"] = 0.99  # a caller changes its copy
    again = readers.read_csv_table(path, schema, "p/t.csv")
    assert parsed == ["p/t.csv"] and again.frame["share"].tolist() == [0.5, 0.25] and again.problems == []
    assert readers.read_csv_table(path, schema, "q/t.csv").problems == [] and parsed[-1] == "q/t.csv"
    path.write_text("code,share\nA,1.5\nB,0.25\n", encoding="utf-8")  # the same size, one byte changed
    changed = readers.read_csv_table(path, schema, "p/t.csv")
    assert len(parsed) == 3 and [p.column for p in changed.problems] == ["share"], changed.problems
    monkeypatch.setattr(readers, "READ_MAX_BYTES", 10)  # a file over the limit: read each time
    readers.read_csv_table(path, schema, "p/t.csv")
    readers.read_csv_table(path, schema, "p/t.csv")
    assert len(parsed) == 5


def test_a_vector_layer_read_again_comes_from_memory_only_while_its_bytes_are_the_same(tmp_path, monkeypatch):
    """The same memo for vector layers: one GeoJSON file read once while its bytes stay, anew after one byte
    changes (then its problem found); the caller's copy its own."""
    from analytics.packs import readers
    from analytics.packs.schemas import TableSchema

    schema = TableSchema.from_dict("areas", {"columns": {"code": {}}})
    square = [[[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]]
    layer = {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
             "features": [{"type": "Feature", "properties": {"code": "A"},
                           "geometry": {"type": "Polygon", "coordinates": square}}]}
    path = tmp_path / "areas.geojson"
    path.write_text(json.dumps(layer), encoding="utf-8")
    opened, real = [], readers._read_geo_table
    monkeypatch.setattr(readers, "_read_geo_table", lambda *a: (opened.append(a[2]), real(*a))[1])
    first = readers.read_geo_table(path, schema, "p/areas.geojson")
    first.frame.loc[0, "code"] = "Z"  # a caller changes its copy
    again = readers.read_geo_table(path, schema, "p/areas.geojson")
    assert opened == ["p/areas.geojson"] and again.frame["code"].tolist() == ["A"] and again.problems == []
    path.write_text(json.dumps(layer).replace("[1, 1]", "[9, 9]").replace("[0, 1]", "[9, 0]"), encoding="utf-8")
    changed = readers.read_geo_table(path, schema, "p/areas.geojson")  # a bow-tie: self-intersecting
    assert len(opened) == 2 and any("invalid geometry" in p.message for p in changed.problems), changed.problems
