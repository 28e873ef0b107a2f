"""Measured speeds in: a generated file in Ookla's open-data tile schema, ingested into a pack copy."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from analytics.packs import load_pack
from analytics.packs.ookla import ingest, quadkey, tile_centres

from .conftest import run_cli


def _point(pack, code: str) -> tuple[float, float]:
    p = pack.districts.set_index("district_code").loc[code, "geometry"].representative_point()
    return p.x, p.y


def _tile(lon, lat, d, u, lat_ms, tests, devices) -> dict:
    key = quadkey(lon, lat, 16)
    return {"quadkey": key, "tile": f"POLYGON(({lon} {lat}, ...))", "avg_d_kbps": d, "avg_u_kbps": u,
            "avg_lat_ms": lat_ms, "tests": tests, "devices": devices}


def write_parquet(rows: list[dict], path) -> None:
    frame = pd.DataFrame(rows)  # noqa: F841  (read by duckdb below, by name)
    duckdb.sql(f"COPY (SELECT * FROM frame) TO '{path}' (FORMAT PARQUET)")


@pytest.fixture
def ookla_file(tmp_path, pack):
    mx, my = _point(pack, "TJ-GB-MUR")
    dx, dy = _point(pack, "TJ-DU-DUS")
    kx, ky = _point(pack, "TJ-SU-KHU") if "TJ-SU-KHU" in set(pack.districts["district_code"]) else \
        _point(pack, sorted(c for c in pack.districts["district_code"] if c.startswith("TJ-SU"))[0])
    rows = [
        _tile(mx, my, 4000, 1000, 100, 40, 10),            # Murghob: 60 tests in two tiles
        _tile(mx + 0.01, my, 10000, 4000, 50, 20, 5),
        _tile(dx, dy, 30000, 20000, 20, 100, 50),          # Dushanbe: one tile of 100 tests
        _tile(kx, ky, 8000, 2000, 40, 20, 4),              # a Sughd district: 20 tests, left out
        _tile(70.0, 37.0, 9000, 9000, 9, 500, 90),         # Afghanistan, inside the country's box
        _tile(2.35, 48.85, 50000, 50000, 5, 900, 300),     # Paris, far outside
    ]
    path = tmp_path / "2021-q1_mobile_tiles.parquet"
    write_parquet(rows, path)
    return path


def test_quadkey_round_trip():
    # Bing Maps tile system: a point just south-east of (0, 0) is in tile x = 1, y = 1 at zoom 1, whose
    # digit is x + 2y = 3; the centre of a zoom-16 tile is within a tile's width of any point in it
    assert quadkey(0.001, -0.001, 1) == "3"
    lon, lat = tile_centres(pd.Series([quadkey(71.5, 38.2, 16)]))
    assert abs(lon[0] - 71.5) < 360 / 2 ** 16 and abs(lat[0] - 38.2) < 0.005


def test_ingest_gives_hand_checked_district_values(ookla_file, pack):
    result = ingest(ookla_file, pack.districts, "mobile")
    f = result.to_frame().set_index("district_code")
    assert list(f.index) == ["TJ-DU-DUS", "TJ-GB-MUR"]  # the 20-test district is left out
    # Murghob, weighted by tests: down (4000×40 + 10000×20) / 60 = 6000 kbps = 6.0 Mbps;
    # up (1000×40 + 4000×20) / 60 = 2000 kbps; latency (100×40 + 50×20) / 60 = 83.33 ms
    mur = f.loc["TJ-GB-MUR"]
    assert mur["down_mbps"] == pytest.approx(6.0) and mur["up_mbps"] == pytest.approx(2.0)
    assert mur["latency_ms"] == pytest.approx(83.3333, abs=1e-3)
    assert (mur["tests"], mur["devices"], mur["tiles"]) == (60, 15, 2)
    assert f.loc["TJ-DU-DUS", "down_mbps"] == pytest.approx(30.0)
    assert result.rows_read == 6 and result.tiles_in_country == 4  # Afghanistan and Paris dropped
    assert len(result.dropped_districts) == 1


def test_ingest_into_a_pack_marks_the_table_measured(ookla_file, pack_copy):
    out = run_cli("ingest", "ookla", str(ookla_file), "--pack", str(pack_copy), "--vintage", "2021 Q1")
    assert out.returncode == 0, out.stderr
    assert "2 districts kept" in out.stdout
    pack = load_pack(root=pack_copy)
    assert pack.info["ookla_mobile"].status == "measured"
    assert pack.info["ookla_mobile"].vintage == "2021 Q1"
    assert len(pack.ookla_mobile) == 2
    # a second ingest replaces the table and keeps one entry in pack.yaml
    assert run_cli("ingest", "ookla", str(ookla_file), "--pack", str(pack_copy)).returncode == 0
    assert (pack_copy / "pack.yaml").read_text(encoding="utf-8").count("\n  ookla_mobile:\n") == 1


@pytest.mark.parametrize("rows, expected", [
    ([{"quadkey": "1", "tile": "x", "avg_d_kbps": 1, "avg_u_kbps": 1, "tests": 1, "devices": 1}],
     "missing column(s) avg_lat_ms"),
    ([{"quadkey": "1", "tile": "x", "avg_d_kbps": "fast", "avg_u_kbps": 1, "avg_lat_ms": 1, "tests": 1,
       "devices": 1}], "avg_d_kbps hold VARCHAR, expected numbers"),
    ([_tile(2.35, 48.85, 1, 1, 1, 100, 1)], "no tile lies inside the country's districts"),
    # B14/B15: nonsense a file used to pass with (a tile inside the country's box)
    ([_tile(70.0, 37.0, float("inf"), 1, 1, 100, 1)], "infinite or implausible speed or latency"),
    # third hostile pass: 1e300 kbps was ingested as 1e+297 Mbps; every tile with 0 tests blamed the new table
    ([_tile(70.0, 37.0, 1e300, 1, 1, 100, 1)], "implausible speed or latency (above 10,000,000 kbps"),
    ([_tile(68.78, 38.56, 1000, 1, 1, 0, 0)], "no district has 50 tests or more (0 tests in 1 tiles"),
    ([_tile(70.0, 37.0, 1000, 1, 1, 2.5, 1)], "a count that is not a whole number"),
    ([_tile(70.0, 37.0, 1000, 1, 1, 10**12, 1)], "a count that is not a whole number up to 1,000,000,000"),
    ([_tile(70.0, 37.0, 1000, 1, 1, 2**63 + 5, 1)], "a count that is not a whole number up to 1,000,000,000"),
    # hostile pass: a list where a speed belongs ("DOUBLE[]" passed the type check)
    ([dict(_tile(70.0, 37.0, 1000, 1, 1, 100, 1), avg_d_kbps=[1.0, 2.0])], "expected numbers"),
    # B12: a valid prefix followed by letters, and a 400,000-character key: refused in the database, at once
    ([dict(_tile(70.0, 37.0, 1000, 1, 1, 100, 1), quadkey=quadkey(70.0, 37.0, 16) + "abcdef")], "digits 0–3"),
    ([dict(_tile(70.0, 37.0, 1000, 1, 1, 100, 1), quadkey=quadkey(70.0, 37.0, 16) + "0" * 400_000)], "digits 0–3"),
])
def test_a_bad_file_is_one_line_and_exit_2(tmp_path, pack_copy, rows, expected):
    path = tmp_path / "bad.parquet"
    write_parquet(rows, path)
    before = (pack_copy / "pack.yaml").read_text(encoding="utf-8")
    out = run_cli("ingest", "ookla", str(path), "--pack", str(pack_copy))
    assert out.returncode == 2 and expected in out.stderr, out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr
    assert (pack_copy / "pack.yaml").read_text(encoding="utf-8") == before
    assert not (pack_copy / "measured" / "ookla_mobile.csv").exists()


def test_ingest_never_writes_through_a_linked_measured_folder(ookla_file, pack_copy, tmp_path):
    """B5: measured/ linked to a folder outside the pack: refused, nothing written there or in pack.yaml."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (pack_copy / "measured").symlink_to(outside, target_is_directory=True)
    before = (pack_copy / "pack.yaml").read_text(encoding="utf-8")
    out = run_cli("ingest", "ookla", str(ookla_file), "--pack", str(pack_copy))
    assert out.returncode == 2 and "symbolic link" in out.stderr, out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr
    assert list(outside.iterdir()) == [] and (pack_copy / "pack.yaml").read_text(encoding="utf-8") == before


def test_a_file_name_with_control_characters_is_refused_by_name(ookla_file, pack_copy, tmp_path):
    """B14: a DEL in the file's name went into pack.yaml and the error blamed pack.yaml; now the name is refused."""
    odd = tmp_path / "tiles\x7f.parquet"
    odd.write_bytes(ookla_file.read_bytes())
    before = (pack_copy / "pack.yaml").read_text(encoding="utf-8")
    out = run_cli("ingest", "ookla", str(odd), "--pack", str(pack_copy))
    assert out.returncode == 2 and "control characters" in out.stderr and "pack.yaml" not in out.stderr, out.stderr
    assert (pack_copy / "pack.yaml").read_text(encoding="utf-8") == before and not (pack_copy / "measured").exists()


def fail_the_check_after_writing(monkeypatch) -> None:
    """Make the pack's second load in an ingest (its check after the table is written) fail."""
    from analytics.packs import load as load_mod

    real, calls = load_mod.load_pack, []

    def failing_second_load(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("validation failed")
        return real(*args, **kwargs)

    monkeypatch.setattr(load_mod, "load_pack", failing_second_load)


def test_a_rolled_back_ingest_leaves_no_empty_measured_folder(ookla_file, pack_copy, monkeypatch):
    """B14: when the pack does not validate after the table is written, the table, its entry and the measured/
    folder the ingest made all go."""
    from analytics.packs import ookla

    fail_the_check_after_writing(monkeypatch)
    before = (pack_copy / "pack.yaml").read_text(encoding="utf-8")
    with pytest.raises(RuntimeError):
        ookla.ingest_into_pack(ookla_file, pack_copy)
    assert (pack_copy / "pack.yaml").read_text(encoding="utf-8") == before and not (pack_copy / "measured").exists()


def test_an_ingest_keeps_the_tables_permissions_whether_it_lands_or_rolls_back(ookla_file, pack_copy, monkeypatch):
    """B5: a table readable by its owner only (0600) stays 0600 when a new ingest replaces it, and when a
    failed ingest puts it back (it came back 0644)."""
    from analytics.packs import ookla

    assert run_cli("ingest", "ookla", str(ookla_file), "--pack", str(pack_copy)).returncode == 0
    table = pack_copy / "measured" / "ookla_mobile.csv"
    table.chmod(0o600)
    assert run_cli("ingest", "ookla", str(ookla_file), "--pack", str(pack_copy)).returncode == 0
    assert table.stat().st_mode & 0o777 == 0o600
    fail_the_check_after_writing(monkeypatch)
    before = table.read_bytes()
    with pytest.raises(RuntimeError):
        ookla.ingest_into_pack(ookla_file, pack_copy)
    assert table.read_bytes() == before and table.stat().st_mode & 0o777 == 0o600


def test_a_vintage_with_control_or_direction_characters_is_refused(ookla_file, pack_copy):
    """Second hostile pass: --vintage $'Q1\\u202e\\x1b[31m' went into pack.yaml and onto every page."""
    before = (pack_copy / "pack.yaml").read_text(encoding="utf-8")
    out = run_cli("ingest", "ookla", str(ookla_file), "--pack", str(pack_copy), "--vintage", "Q1\u202e\x1b[31m")
    assert out.returncode == 2 and "holds control or text-direction characters" in out.stderr
    assert "Traceback" not in out.stderr and (pack_copy / "pack.yaml").read_text(encoding="utf-8") == before


def test_a_file_named_like_a_pattern_is_read_alone(ookla_file, pack, tmp_path):
    """Fourth hostile pass: DuckDB read a file named ``q*.parquet`` as a pattern, so a copy of the same tiles
    beside it doubled every district's tests (and an unreadable neighbour gave a traceback). The named file
    alone is read, whatever its name holds."""
    import shutil

    folder = tmp_path / "g"
    folder.mkdir()
    odd = folder / "q*[1].parquet"
    shutil.copy(ookla_file, odd)
    shutil.copy(ookla_file, folder / "q_other.parquet")
    (folder / "q1.parquet").write_bytes(b"not parquet")
    alone, read = ingest(ookla_file, pack.districts), ingest(odd, pack.districts)
    assert read.rows_read == alone.rows_read == 6  # the fixture's six tiles, not twelve
    pd.testing.assert_frame_equal(read.frame, alone.frame)


@pytest.mark.parametrize("change, said", [
    (lambda rows: [{**rows[0], "quadkey": None}, *rows[1:]], "1 tile(s) have no quadkey"),
    (lambda rows: rows + rows, "quadkey(s) appear more than once"),
    # fifth hostile pass: a zoom-16 tile with its zoom-15 parent and a zoom-17 child counted 300 tests for 100
    (lambda rows: rows + [{**rows[2], "quadkey": rows[2]["quadkey"][:15]}, {**rows[2], "quadkey": rows[2]["quadkey"] + "0"}],
     "of 3 zoom levels (15, 16, 17 digits)"),
])
def test_a_tile_without_a_key_or_twice_is_refused(ookla_file, pack_copy, tmp_path, change, said):
    """Fourth hostile pass: a tile with no quadkey was left out silently (Murghob fell under 50 tests and out of
    the table), and the same tiles twice doubled every district's tests; both exit 0. Now one line, exit 2."""
    rows = duckdb.sql(f"SELECT * FROM read_parquet('{ookla_file}')").df().to_dict("records")
    bad = tmp_path / "bad.parquet"
    write_parquet(change(rows), bad)
    out = run_cli("ingest", "ookla", str(bad), "--pack", str(pack_copy))
    assert out.returncode == 2 and said in out.stderr, out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr
    assert not (pack_copy / "measured" / "ookla_mobile.csv").exists()
