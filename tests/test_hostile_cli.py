"""The real CLI over hostile input: exit 2, one clear line, no traceback, and nothing written or lost."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from analytics.run import briefing

from .conftest import FIXTURE_FLAGS, run_cli

FIXTURES = Path(__file__).parent / "fixtures"
OK = str(FIXTURES / "ok.ipynb")


def _yaml(tmp_path: Path, doc, name: str = "hostile") -> str:
    path = tmp_path / f"{name}.yaml"
    path.write_text(doc if isinstance(doc, str) else yaml.safe_dump(doc), encoding="utf-8")
    return str(path)


def _good(**change) -> dict:
    doc = {"title": "t", "country": "tjk", "languages": ["en"], "jobs": [{"notebook": OK}]}
    doc.update(change)
    return doc


# "billion laughs": 12 levels of 10 references each would expand to 10**12 items
ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n" for p, c in zip("abcdefghijk", "bcdefghijkl", strict=True)) + \
    "title: t\njobs: [{notebook: ok}]\n"

#: Cases run without naming the test notebooks on the command line.
UNNAMED = {"a notebook not named on the command line"}

# B11: fewer than 100 aliases, nested so that they expand to 9**9 values (a type check's message would hang)
NESTED_ALIASES = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True))

CASES = {
    # usage errors (typer's own copy of click)
    "unknown option": (lambda t: ["brief", "--bogus"], "No such option: --bogus"),
    "timeout not a number": (lambda t: ["brief", "--timeout", "abc", "x.yaml"], "Invalid value for '--timeout'"),
    "workers not a number": (lambda t: ["brief", "--workers", "abc", "x.yaml"], "Invalid value for '--workers'"),
    "missing argument": (lambda t: ["run"], "Missing argument 'notebook'"),
    "unknown command": (lambda t: ["nosuch"], "No such command 'nosuch'"),
    "infinite timeout": (lambda t: ["brief", "--timeout", "inf", _yaml(t, _good())], "not a positive, finite"),
    "zero timeout": (lambda t: ["brief", "--timeout", "0", _yaml(t, _good())], "not a positive, finite"),
    "negative timeout": (lambda t: ["brief", "--timeout", "-3", _yaml(t, _good())], "not a positive, finite"),
    "zero workers": (lambda t: ["brief", "--workers", "0", _yaml(t, _good())], "not a positive number"),
    "force without resume": (lambda t: ["brief", "--force", _yaml(t, _good())], "--force only applies with --resume"),
    # briefing files of the wrong shape
    "briefing is a folder": (lambda t: ["brief", str(t)], "is not a file"),
    "binary briefing": (lambda t: ["brief", str(_bytes(t, b"\x00\x01title: x"))], "not a text file"),
    "not utf-8": (lambda t: ["brief", str(_bytes(t, "title: \u0442".encode("cp1251")))], "not a UTF-8 text file"),
    "bad yaml": (lambda t: ["brief", _yaml(t, "title: [unclosed\n")], "not valid YAML"),
    "languages a number": (lambda t: ["brief", _yaml(t, _good(languages=5))], "(line 4): 'languages' must be"),
    "languages nested": (lambda t: ["brief", _yaml(t, _good(languages=[["en"]]))], "'languages' must be a non-empty"),
    "notebook a number": (lambda t: ["brief", _yaml(t, _good(jobs=[{"notebook": 123}]))], "'notebook' must be"),
    "parameters a list": (lambda t: ["brief", _yaml(t, _good(jobs=[{"notebook": OK, "parameters": [1, 2]}]))],
                          "'parameters' must map parameter names"),
    "title not text": (lambda t: ["brief", _yaml(t, _good(title={"en": 123}))], "'title' must be text"),
    "an entry's timeout a word": (lambda t: ["brief", _yaml(t, _good(jobs=[{"notebook": OK, "timeout": "soon"}]))],
                                  "job 1: 'timeout' must be a number of seconds from 1 to 86,400; found 'soon'"),
    "an entry's timeout zero": (lambda t: ["brief", _yaml(t, _good(jobs=[{"notebook": OK, "timeout": 0}]))],
                                "'timeout' must be a number of seconds from 1 to 86,400; found '0'"),
    "an entry's timeout yes": (lambda t: ["brief", _yaml(t, _good(jobs=[{"notebook": OK, "timeout": True}]))],
                               "'timeout' must be a number of seconds"),
    "alias bomb": (lambda t: ["brief", _yaml(t, ALIAS_BOMB)], "YAML aliases here expand to more than 200,000 values"),
    "too many aliases": (lambda t: ["brief", _yaml(t, "a: &a x\nb: [" + ", ".join(["*a"] * 101) + "]\ntitle: t\n")],
                         "more than 100 YAML aliases"),
    "nested aliases": (lambda t: ["brief", _yaml(t, NESTED_ALIASES + "title: *i\nlanguages: [en]\njobs: [{notebook: ok}]\n")],
                       "YAML aliases here expand to more than 200,000 values"),
    "job name with a path": (lambda t: ["brief", _yaml(t, _good(jobs=[{"notebook": OK, "name": "../../../../x"}]))],
                             "'name' must be letters, digits"),
    "absolute job name": (lambda t: ["brief", _yaml(t, _good(jobs=[{"notebook": OK, "name": "/tmp/x"}]))],
                          "'name' must be letters, digits"),
    "job name with markup": (lambda t: ["brief", _yaml(t, _good(jobs=[{"notebook": OK, "name": '"><img src=x>'}]))],
                             "'name' must be letters, digits"),
    "dots for a file name": (lambda t: ["brief", _yaml(t, _good(), name="..")], "the file name '..' names the run"),
    # second hostile pass: a 100-letter file name was told it was not letters and digits
    "a file name too long": (lambda t: ["brief", _yaml(t, _good(), name="b" * 100)], "at most 80 of them"),
    "same job twice": (lambda t: ["brief", _yaml(t, _good(jobs=[{"notebook": OK}, {"notebook": OK}]))],
                       "jobs 1 and 2 both run ok with the same parameters"),
    "grid value not plain": (lambda t: ["brief", _yaml(t, _good(jobs=[{"notebook": OK, "grid": {"value": [[1]]}}]))],
                             "'grid' must map parameter names to non-empty lists of plain values"),
    "grid_km below the range": (lambda t: ["brief", _yaml(t, _good(jobs=[{"notebook": "01_access_gaps",
                                                                          "parameters": {"grid_km": 0.05}}]))],
                                "parameter 'grid_km' is 0.05; expected a value between 0.25 and 50"),
    "a key given twice": (lambda t: ["brief", _yaml(t, "title: T\ntitle: U\nlanguages: [en]\njobs: [{notebook: ok}]\n")],
                          "line 2: key 'title' is given twice (first on line 1)"),
    "language as a parameter": (lambda t: ["brief", _yaml(t, _good(jobs=[{"notebook": OK, "parameters": {"language": "ru"}}]))],
                                "'language' comes from the briefing's 'languages'"),
    "a notebook that is not one": (lambda t: ["brief", _yaml(t, _good(jobs=[{"notebook": str(_file(t, "x.ipynb", "[]"))}])),
                                              "--notebook", str(t / "x.ipynb")],
                                   "is not a Jupyter notebook"),
    "a parameter given twice": (lambda t: ["run", OK, "-p", "value=1", "-p", "value=2"], "parameter 'value' is given twice"),
    # runs and resumes that cannot be
    "outputs not a folder": (lambda t: ["brief", _yaml(t, _good()), "--outputs", "/dev/null/out"], "cannot write"),
    "grid value twice": (lambda t: ["brief", _yaml(t, _good(jobs=[{"notebook": "01_access_gaps",
                                                                  "grid": {"grid_km": [1, 1.0]}}]))],
                         "grid 'grid_km' lists 1.0 twice"),
    "resume a folder that is no run": (lambda t: ["brief", "--resume", str(t)], "neither a published run"),
    "resume a corrupt manifest": (lambda t: ["brief", "--resume", str(_manifest(t, "{not json"))],
                                  "cannot be read as a run's manifest"),
    "resume a foreign manifest": (lambda t: ["brief", "--resume", str(_manifest(t, '{"jobs": 3}'))],
                                  "its list of jobs is damaged"),
    "resume damaged versions": (lambda t: ["brief", "--resume", str(_manifest(t, '{"jobs": [], "packages": "x"}'))],
                                "its record of package versions is damaged"),
    "resume damaged results": (lambda t: ["brief", "--resume", str(_manifest(
        t, '{"jobs": [{"job": "a", "status": "ok", "results": "x"}]}'))], "its list of jobs is damaged"),
    "resume a page outside the run": (lambda t: ["brief", "--resume", str(_manifest(
        t, '{"jobs": [{"job": "a", "status": "ok", "html": "../../../../etc/passwd"}]}'))],
        "its list of jobs is damaged"),
    # hostile pass: a manifest naming a briefing that is gone gave the file's error with no word of the manifest
    "resume naming a briefing that is gone": (lambda t: ["brief", "--resume", str(_manifest(
        t, '{"jobs": [], "briefing": "/nonexistent/gone.yaml"}'))],
        "its manifest names the briefing /nonexistent/gone.yaml, which is not there now"),
    # fourteenth pass: a manifest naming any file had it read (its keys printed as unknown); only the file whose
    # SHA-256 is the run's is read
    "resume naming another file": (lambda t: ["brief", "--resume", str(_manifest(
        t, '{{"jobs": [], "briefing": "{}", "briefing_sha256": "0"}}'.format(_file(t, "secret.yaml", "SECRET-KEY: 1\n"))))],
        "which is not the file the run ran (its SHA-256 differs)"),
    # B1: a notebook outside the suite's folder runs only when named on the command line
    "a notebook not named on the command line": (lambda t: ["brief", _yaml(t, _good())], "is not one of the suite's notebooks"),
    # hostile pass: --notebook /etc/passwd was accepted silently
    "a --notebook that is no notebook": (lambda t: ["brief", _yaml(t, _good()), "--notebook", "/etc/passwd"],
                                         "--notebook /etc/passwd: not a notebook file (.ipynb)"),
    # B10: a small file naming a huge product of grids is refused before any job is built
    "a grid product of a billion jobs": (lambda t: ["brief", _yaml(t, _good(jobs=[{"notebook": "00_country_profile", "grid": {
        "year_from": list(range(1000)), "year_to": list(range(1000)), "region": ["all"] * 1000}}]))],
        "a briefing runs at most 5,000"),
    # B6: a notebook named "...ipynb" would publish one level above outputs/
    "a notebook named dots": (lambda t: ["run", str(_copy(t, OK, "...ipynb")), "--outputs", str(t / "out")],
                              "must be letters, digits, '-' and '_' before .ipynb"),
    "publish a notebook named dots": (lambda t: ["publish", str(_copy(t, OK, "...ipynb")), "--outputs", str(t / "out")],
                                      "must be letters, digits, '-' and '_' before .ipynb"),
    # B9: a 30 MB notebook would make a 30 MB page and a large process: refused before it is read
    "publish a huge notebook": (lambda t: ["publish", str(_file(t, "big.ipynb", " " * 30_000_000))],
                                "a published notebook is at most 25 MB"),
    "malformed scheduler": (lambda t: ["brief", _yaml(t, _good()), "--scheduler", "tcp://host:notaport"],
                            "is not an address like tcp://host:8786"),
    # hostile pass: NUL, ESC and a right-to-left override in a title went raw into the pages
    "control characters in the title": (lambda t: ["brief", _yaml(t, _good(title="A\x1b[31m\u202e b\x00"))],
                                        "holds control or text-direction characters"),
    "scheduler with an unclosed IPv6 bracket": (lambda t: ["brief", _yaml(t, _good()), "--scheduler", "http://[::1"],
                                                "is not an address like tcp://host:8786"),
    "unreachable scheduler": (lambda t: ["brief", _yaml(t, _good()), "--scheduler", "tcp://127.0.0.1:9"],
                              "cannot reach the Dask scheduler"),
}


def _bytes(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "raw.yaml"
    path.write_bytes(data)
    return path


def _copy(tmp_path: Path, source: str, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(Path(source).read_bytes())
    return path


def _file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _manifest(tmp_path: Path, text: str) -> Path:
    run = tmp_path / "run"
    run.mkdir()
    (run / "manifest.json").write_text(text)
    return run


def _attempt(tmp_path: Path, case: str, process: bool = False) -> tuple[str, list, subprocess.CompletedProcess, Path]:
    args, _ = CASES[case]
    base = tmp_path / (re.sub(r"\W+", "-", case) + ("-process" if process else ""))
    work = base / "work"
    work.mkdir(parents=True)
    cmd = args(work)
    if "--outputs" not in cmd and cmd[0] == "brief":
        cmd += ["--outputs", str(base / "outputs")]
    if cmd[0] == "brief" and case not in UNNAMED:  # the test notebooks, named as a user would
        cmd += FIXTURE_FLAGS
    return case, cmd, run_cli(*cmd, timeout=120, process=process), base / "outputs"


def _check(case: str, proc: subprocess.CompletedProcess, outputs: Path) -> None:
    expected = CASES[case][1]
    assert proc.returncode == 2, (case, proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr, case
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and expected in proc.stderr, (case, proc.stderr)
    assert not outputs.exists(), case  # nothing ran, nothing was written


def test_hostile_input_gets_one_line_and_exit_2(tmp_path):
    """Every case of the corpus through the CLI's entry point, in this process (the same code from argument
    parsing to exit code); then the first case of each command again as a real process, four at a time, so
    what a user's shell sees (exit code, standard error, no traceback) is proven on fresh interpreters too."""
    from concurrent.futures import ThreadPoolExecutor

    first = {}
    for case, cmd, proc, outputs in (_attempt(tmp_path, case) for case in sorted(CASES)):
        _check(case, proc, outputs)
        first.setdefault(cmd[0] if cmd[0] != "ingest" else " ".join(cmd[:2]), case)
    assert set(first) >= {"brief", "run", "publish"}, first  # each command of the corpus, as a process too
    with ThreadPoolExecutor(4) as pool:
        for case, _, proc, outputs in pool.map(lambda case: _attempt(tmp_path, case, process=True), first.values()):
            _check(case, proc, outputs)


def test_negative_and_positive_grid_values_are_two_jobs(tmp_path):
    spec = briefing.load(_yaml(tmp_path, _good(jobs=[{"notebook": OK, "grid": {"value": [-2000, 2000]}}])), [OK])
    assert [j.name for j in spec.jobs] == ["ok_-2000_en", "ok_2000_en"]


def test_entries_that_differ_in_fixed_parameters_are_two_jobs(tmp_path):
    spec = briefing.load(_yaml(tmp_path, _good(jobs=[
        {"notebook": "01_access_gaps", "grid": {"region": ["TJ-GB"]}, "parameters": {"scenario": "combined"}},
        {"notebook": "01_access_gaps", "grid": {"region": ["TJ-GB"]}, "parameters": {"scenario": "baseline"}}])))
    assert [j.name for j in spec.jobs] == ["01_access_gaps_TJ-GB_en_scenario-combined",
                                          "01_access_gaps_TJ-GB_en_scenario-baseline"]


def test_workers_are_capped_by_jobs_cores_and_memory(tmp_path):
    import os

    from analytics.run.memory import worker_count

    cores = os.cpu_count() or 1
    # 24 jobs with --workers 1000 run on as many kernels as the default: no more memory at peak
    assert worker_count(1000, 24) == worker_count(None, 24) <= cores
    assert worker_count(1000, 1) == 1
    path = _yaml(tmp_path, _good(jobs=[{"notebook": OK, "grid": {"value": [1, 2, 3]}}]), name="many")
    proc = run_cli("brief", *FIXTURE_FLAGS, path, "--workers", "1000", "--outputs", str(tmp_path / "out"), "--quiet")
    assert proc.returncode == 0, proc.stderr
    run = Path(proc.stdout.split("published ")[1].split()[0])
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["workers_requested"] == 1000 and manifest["workers"] == min(3, cores)
    assert len({j["worker"] for j in manifest["jobs"]}) <= min(3, cores)  # kernels that actually ran


def test_a_grid_too_large_for_memory_is_refused_before_allocation(pack):
    import tracemalloc

    from analytics.access import distance
    from analytics.core.errors import ParameterError

    tracemalloc.start()
    with pytest.raises(ParameterError, match=r"grid_km=0.05 would make about 56,\d{3},\d{3} grid cells"):
        distance.country_grid(pack.districts, 0.05)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 50e6  # refused on the estimate, before any cell exists


def test_resume_refuses_a_run_of_other_data_unless_forced(tmp_path):
    path = _yaml(tmp_path, _good(jobs=[{"notebook": OK, "grid": {"value": [1]}}]), name="resumable")
    first = run_cli("brief", *FIXTURE_FLAGS, path, "--outputs", str(tmp_path / "out"), "--quiet")
    assert first.returncode == 0, first.stderr
    run = Path(first.stdout.split("published ")[1].split()[0])
    manifest = run / "manifest.json"
    doc = json.loads(manifest.read_text())
    doc["input_hash"] = "000000000000"
    manifest.write_text(json.dumps(doc))
    proc = run_cli("brief", *FIXTURE_FLAGS, "--resume", str(run), "--outputs", str(tmp_path / "out"), "--quiet")
    assert proc.returncode == 2 and "the input data have changed (input hash 000000000000 then" in proc.stderr
    assert len(list((tmp_path / "out" / "resumable").iterdir())) == 1  # nothing new
    forced = run_cli("brief", *FIXTURE_FLAGS, "--resume", str(run), "--force", "--outputs", str(tmp_path / "out"), "--quiet")
    assert forced.returncode == 0, forced.stderr
    second = Path(forced.stdout.split("published ")[1].split()[0])
    jobs = json.loads((second / "manifest.json").read_text())["jobs"]
    assert jobs[0]["reused"] and jobs[0]["input_hash"] == doc["jobs"][0]["input_hash"]
    other = _yaml(tmp_path, _good(jobs=[{"notebook": OK, "grid": {"value": [1]}}]), name="other")
    proc = run_cli("brief", *FIXTURE_FLAGS, other, "--resume", str(run), "--outputs", str(tmp_path / "out"), "--quiet")
    assert proc.returncode == 2 and "it ran briefing 'resumable', not 'other'" in proc.stderr


@pytest.mark.parametrize("change,expected", [
    (lambda s: s.replace("  adm2:\n", "  adm1:\n", 1), "key 'adm1' is given twice"),
    (lambda s: s.replace("    built_by: regions\n", "    built_by: [regions]\n", 1), "which is not a known builder"),
    (lambda s: s.replace('pattern: "TJ-[A-Z]{2}"}', 'pattern: "[("}', 1), "'pattern' is not a regular expression"),
    (lambda s: s.replace("    built_by: regions\n", "    built_by: regions\n    options: x\n", 1),
     "'options' must map names to values"),
    (lambda s: s.replace("references: adm2.shapeID", "references: nosuch.col", 1), "the pack has no table 'nosuch'"),
])
def test_malformed_pack_metadata_is_one_message_per_problem(pack_copy, change, expected):
    meta = pack_copy / "pack.yaml"
    meta.write_text(change(meta.read_text(encoding="utf-8")), encoding="utf-8")
    for command in ("validate", "pack build"):
        proc = run_cli(*command.split(), str(pack_copy))
        assert proc.returncode == 2 and expected in proc.stderr and "Traceback" not in proc.stderr, proc.stderr


SEED = re.compile(r'seed:\n  value: 20201012\n  why: "[^"]*"\n')


@pytest.mark.parametrize("seed,expected", [
    ("seed: [1, 2]\n", "section 'seed' is list '[1, 2]'; expected a mapping of named assumptions"),  # was a traceback
    ("seed: 5\n", "section 'seed' is int '5'; expected a mapping"),  # was a traceback
    ('seed: {value: "abc", why: x}\n', "'seed.seed' is 'abc'; expected a whole number from 0 to 4294967295"),
])
def test_a_malformed_seed_is_one_line_in_validate_and_build(pack_copy, seed, expected):
    """Second hostile pass: a seed section of the wrong shape gave tracebacks (validate and pack build)."""
    path = pack_copy / "assumptions.yaml"
    text = path.read_text(encoding="utf-8")
    assert SEED.search(text)
    path.write_text(SEED.sub(seed, text), encoding="utf-8")
    for command in ("validate", "pack build"):
        proc = run_cli(*command.split(), str(pack_copy))
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
        assert proc.stderr.count(expected) == 1, proc.stderr  # said once, though two checks find it


def test_pack_build_refuses_links_in_its_built_folders_and_a_negative_seed(pack_copy, tmp_path):
    """Second hostile pass: a link in derived/ to the pack itself looped (RecursionError), one to another folder
    copied that folder into the pack; --seed -1 blamed assumptions.yaml; --seed with no seed section was a
    KeyError."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious.txt").write_text("not the pack's")
    for name, target in (("loop", pack_copy), ("ext", outside)):
        link = pack_copy / "derived" / name
        link.symlink_to(target)
        proc = run_cli("pack", "build", str(pack_copy))
        assert proc.returncode == 2 and f"tjk/derived/{name}: is a symbolic link" in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr and not list(pack_copy.rglob("precious.txt"))
        link.unlink()
    proc = run_cli("pack", "build", str(pack_copy), "--seed", "-1")
    assert proc.returncode == 2 and "Invalid value for '--seed'" in proc.stderr
    path = pack_copy / "assumptions.yaml"
    path.write_text(SEED.sub("", path.read_text(encoding="utf-8")), encoding="utf-8")
    proc = run_cli("pack", "build", str(pack_copy), "--seed", "5", "--only", "institutions")
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("where,change", [
    ("locales/en.yaml", lambda s: s.replace('region.TJ-GB: ', 'region.TJ-GB: "GB\\u202eOAB \\e[31m" #', 1)),
    ("scenarios.yaml", lambda s: s.replace('en: "Courses localised into Tajik"', 'en: "Courses\\u202e \\0"', 1)),
    ("pack.yaml", lambda s: s.replace('licence: ODbL 1.0', 'licence: "ODbL\\u202e 1.0"', 1)),
])
def test_a_packs_reader_texts_may_not_hold_control_or_direction_characters(pack_copy, where, change):
    """Second hostile pass: RLO, ESC and NUL in a region's name, a scenario's label or a table's licence went raw
    into every page (the index was no longer a text file); they are refused, as in a briefing's title."""
    path = pack_copy / where
    text = path.read_text(encoding="utf-8")
    assert change(text) != text, where
    path.write_text(change(text), encoding="utf-8")
    proc = run_cli("validate", str(pack_copy))
    assert proc.returncode == 2 and "control or text-direction characters" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr


def test_grid_values_that_make_the_same_file_name_make_two_jobs(tmp_path):
    """Second hostile pass: marker values "/tmp/h/mkÄ" and "/tmp/h/mkÖ" both became "-tmp-h-mk-" in the job name,
    so both jobs wrote one page and one notebook (the failed job's was overwritten by the other's)."""
    path = _yaml(tmp_path, _good(jobs=[{"notebook": OK, "grid": {"marker": [str(tmp_path / "mkÄ"), str(tmp_path / "mkÖ")]}}]))
    spec = briefing.load(path, notebooks=[OK])
    names = [j.name for j in spec.jobs]
    assert len(names) == 2 and len(set(names)) == 2, names


@pytest.mark.parametrize("old,new,expected", [
    ("speed_statistic:\n    value: mean", "speed_statistic:\n    value: mode",
     "connectivity.speed_statistic is 'mode'; expected \"mean\" or \"median\""),  # was read as median, silently
    ("[0.07, 0.11, 0.16, 0.23, 0.43]", "[0.07, 0.11, 0.82]",
     "prices.quintile_income_shares is '[0.07, 0.11, 0.82]'; expected five shares"),  # 3 "fifths" were published
    ("[1, 3, 5, 10, 20, 50]", "[]", "prices.mobile_plan_gb is '[]'; expected a list of plan sizes"),  # KeyError later
    ("local_per_usd:\n    value: 11.30", "local_per_usd:\n    value: 0",  # named a staging file's infinite prices
     "prices.local_per_usd is '0'; expected the local currency per US dollar, above 0"),
    ("price_point:\n    value: \"2024\"", "price_point:\n    value: \"1999\"",  # was "section lacks 'expected …'"
     "prices.price_point is '1999'; expected one of the points of prices.mobile_price_points (2021-01, 2022, 2024)"),
    ("sample_size:\n    value: 6000", "sample_size:\n    value: 1000000000",
     "learners.sample_size is '1000000000'; expected a whole number of people from 100 to 1,000,000"),  # 23 GB, killed
    ("[human capacity, training materials,", "[1, 2,", "survey.requirements is"),  # mentions labelled "1" and "2"
    # eighth pass: a list where a builder reads a number passed validate; the build named pack.yaml and the builder
    ("national_students:\n    value: 240000", "national_students:\n    value: [1, 2, 3]",
     "institutions.national_students = '[1, 2, 3]' is a list: expected a number, as in the example pack"),
    ("{age_25_34: 1.5, rural: 0.4, female: 0.2}", "{age_25_34: [1.5], rural: 0.4, female: 0.2}",
     "part_time_logit.age_25_34 = '[1.5]' is a list: expected a number"),
    # ninth pass: deeper than two levels, a list's items, and an entry the example does not have (a year)
    ("- {mbps: 2, gb: 100, price_local: 150}", "- 2", "prices.fixed_plans[0] = '2' is a number: expected a mapping"),
    ("ru: {urban: 0.6, rural: 0.3}", "ru: {urban: {x: 0.6}, rural: 0.3}",
     "uptake.reads.ru.urban = \"{'x': 0.6}\" is a mapping: expected a number"),
    ('"2024": 1.65}', '"2024": 1.65, "2030": cheap}', "prices.mobile_price_points"),  # a traceback in validate
])
def test_an_assumption_of_the_wrong_shape_is_refused_before_anything_is_built(pack_copy, old, new, expected):
    """Second hostile pass: assumptions of the wrong shape built quietly (or ran out of memory, or failed a notebook
    later); validate and pack build name the key and the shape expected, and build nothing."""
    path = pack_copy / "assumptions.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    before = sorted(p.name for p in (pack_copy / "modelled").iterdir())
    for command in ("validate", "pack build"):
        proc = run_cli(*command.split(), str(pack_copy))
        assert proc.returncode == 2 and expected in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert sorted(p.name for p in (pack_copy / "modelled").iterdir()) == before


@pytest.mark.parametrize("old,new,expected", [
    ("tutor_usd_year:\n    value: 2400", "tutor_usd_year:\n    value: .nan",  # a traceback in the methods page
     "costs.tutor_usd_year = nan: expected a number from 0 to 1e+15"),
    ("in_house: 1500", "in_house: -1500",  # "US$ -5,400 per completer" favoured on the index
     "costs.development_usd_per_course_hour.in_house = -1500: expected a number from 0 to 1e+15"),
    ("budget_usd:\n    value: 15000000", "budget_usd:\n    value: lots",  # a failed job, not one message first
     "costs.budget_usd = 'lots': expected a number from 0 to 1e+15"),
    ("tutor_learners:\n    value: 50", "tutor_learners:\n    value: 0", "costs.tutor_learners = 0: expected more than 0"),
    # seventh pass: any section, read by a builder or while a notebook runs
    ("budget_usd:\n    value: 15000000", "budget_usd:\n    value: " + "1" * 401,  # OverflowError in validate
     "costs.budget_usd = 1111111111"),
    ("concurrency:\n    value: 0.1", "concurrency:\n    value: .nan",  # a traceback in the methods page
     "uptake.concurrency = 'nan': expected a finite number from 0 to 1 (a share)"),
    ("concurrency:\n    value: 0.1", "concurrency:\n    value: -0.1",  # lowered the bandwidth cost silently
     "uptake.concurrency = '-0.1': expected a finite number from 0 to 1 (a share)"),
    ("value: {low: 0.005, mode: 0.01, high: 0.02}", "value: {low: 0.02, mode: 0.01, high: 0.005}",  # left > mode
     "uptake.new_adult_share = "),
    ("home_fixed_share:\n    value: 0.03", "home_fixed_share:\n    value: 2.0",
     "prices.home_fixed_share = '2.0': expected a finite number from 0 to 1 (a share)"),
    ("{en: 0.39, ru: 0.43, tg: 0.17, not_stated: 0.01}", "[0.39, 0.43, 0.17, 0.01]",  # AttributeError in a job
     "survey.course_language_shares = "),
])
def test_costs_that_are_not_amounts_are_refused_before_a_briefing_runs(pack_copy, tmp_path, old, new, expected):
    """Sixth hostile pass: the `costs` section was never checked: a NaN cost stopped the briefing with a traceback
    (and left a partial run), negative costs were ranked as the cheapest option, a word as the budget failed a job.
    Seventh pass: the same held for values of other sections read while a notebook runs, and a 401-digit integer
    stopped `validate` itself."""
    path = pack_copy / "assumptions.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    proc = run_cli("validate", str(pack_copy))
    assert proc.returncode == 2 and expected in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    brief = _yaml(tmp_path, {"title": "t", "country": "tjk", "languages": ["en"],
                             "jobs": [{"notebook": "03_uptake_scenarios", "parameters": {"n_draws": 100}}]})
    proc = run_cli("brief", str(brief), "--outputs", str(tmp_path / "out"), env={"ANALYTICS_DATA": str(pack_copy.parent)})
    assert proc.returncode == 2 and expected in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert not (tmp_path / "out").exists()  # nothing run, nothing written


def test_a_csv_with_a_column_twice_or_a_row_of_extra_fields_is_named_as_such(pack_copy):
    """Second hostile pass: a header giving district_code twice was reported as a missing region_code and an
    invented column district_code.1; one row with extra fields was six misleading lines about other columns."""
    names = pack_copy / "reference" / "district_names.csv"
    text = names.read_text(encoding="utf-8-sig")
    header, rest = text.split("\n", 1)
    names.write_text(header.replace("region_code", "district_code", 1) + "\n" + rest, encoding="utf-8")
    proc = run_cli("validate", str(pack_copy))
    assert "tjk/reference/district_names.csv: the header gives column 'district_code' twice" in proc.stderr, proc.stderr
    assert "district_code.1" not in proc.stderr
    names.write_text(text, encoding="utf-8")
    plans = pack_copy / "modelled" / "plans.csv"
    lines = plans.read_text(encoding="utf-8").split("\n")
    lines[1] += ",extra,cols"
    plans.write_text("\n".join(lines), encoding="utf-8")
    proc = run_cli("validate", str(pack_copy))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "tjk/modelled/plans.csv, row 2: has 10 fields where the header has 8" in proc.stderr, proc.stderr
    assert proc.stderr.count("plans.csv") == 1


def test_boundaries_with_longitude_and_latitude_swapped_are_caught(pack_copy):
    """Second hostile pass: boundaries with x and y swapped built and validated; every university was put in one
    district and learners were 3,670 km from one. validate now says the universities lie outside every district."""
    def swap(coords):
        return [swap(c) for c in coords] if isinstance(coords[0], list) else [coords[1], coords[0], *coords[2:]]

    for layer in ("ADM1", "ADM2"):
        path = pack_copy / "raw" / "boundaries" / f"geoBoundaries-TJK-{layer}_simplified.geojson"
        doc = json.loads(path.read_text(encoding="utf-8"))
        for feature in doc["features"]:
            feature["geometry"]["coordinates"] = swap(feature["geometry"]["coordinates"])
        path.write_text(json.dumps(doc), encoding="utf-8")
    run_cli("pack", "build", str(pack_copy))
    proc = run_cli("validate", str(pack_copy))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "universities lie outside every district" in proc.stderr and "swapped" in proc.stderr, proc.stderr


def test_a_long_grid_value_makes_a_name_the_file_system_takes(tmp_path):
    """Second hostile pass: a 300-character grid value failed only once the kernels had started ("File name too
    long"); job names are cut to 120 characters with a hash that keeps them apart."""
    long = [str(tmp_path / ("x" * 300)), str(tmp_path / ("x" * 299 + "y"))]
    spec = briefing.load(_yaml(tmp_path, _good(jobs=[{"notebook": OK, "grid": {"marker": long}}])), notebooks=[OK])
    names = [j.name for j in spec.jobs]
    assert len(set(names)) == 2 and all(len(n) <= briefing.MAX_NAME for n in names), names


def test_a_full_disk_names_the_folder_being_written_and_its_free_space(tmp_path, monkeypatch):
    """A write to a full disk raises ENOSPC with no file name ("cannot write or read: No space left on
    device" named nothing). The briefing's run here writes to /dev/full, which fails every write with that
    same ENOSPC from the kernel, at the point where the runner would write the run's files."""
    from analytics.run import runner

    def fills_the_disk(*args, **kwargs):
        with open("/dev/full", "w") as fh:
            fh.write("x" * 10_000)
            fh.flush()

    monkeypatch.setattr(runner, "run_briefing", fills_the_disk)
    path = _yaml(tmp_path, _good(jobs=[{"notebook": OK, "grid": {"value": [1]}}]), name="full")
    proc = run_cli("brief", *FIXTURE_FLAGS, path, "--outputs", str(tmp_path / "out"), "--quiet")
    assert proc.returncode == 2, proc.stderr
    line = proc.stderr.strip().splitlines()[-1]
    assert line.startswith(f"error: cannot write or read {tmp_path / 'out' / 'full'}"), proc.stderr
    assert "No space left on device" in line and "MB free" in line and "Traceback" not in proc.stderr


def test_a_job_too_large_for_memory_is_refused_before_anything_runs(tmp_path, monkeypatch):
    """The hostile pass's n_draws=200000 took 5 GB in one kernel, past what the runner budgets. Notebook 03's
    kernel was measured at 894 MB with 10,000 draws and 1,701 MB with 60,000 (the declaration's rule: 730 MB
    plus 16.3 MB per 1,000 draws), so 200,000 draws need about 730 + 3,260 = 3,990 MB: on a machine with
    3,000 MB available (2,400 MB usable by one job) the job is refused with the most draws that fit,
    (2,400 - 730) / 0.0163 = 102,453, before any folder is made."""
    from analytics.run import memory

    monkeypatch.setattr(memory, "available_mb", lambda: 3000.0)
    path = _yaml(tmp_path, _good(jobs=[{"notebook": "03_uptake_scenarios", "parameters": {"n_draws": 200_000}}]),
                 name="big")
    proc = run_cli("brief", path, "--outputs", str(tmp_path / "out"), "--quiet")
    assert proc.returncode == 2, proc.stderr
    said = proc.stderr.strip().splitlines()[-1]
    assert said.startswith("error: job 03_uptake_scenarios_en with n_draws=200000 needs about 3,990 MB"), said
    assert "n_draws of at most 102,453 fits" in said and "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()
    # the defaults fit, and kernels at once follow the largest job's need: 2,400 MB usable / 893 MB = 2
    jobs = [briefing.Job("a", Path("notebooks/03_uptake_scenarios.ipynb"), {}, "en")]
    assert memory.check_jobs(jobs) == pytest.approx(730 + 16.3 * 10, abs=0.01)
    assert memory.worker_count(8, 10, memory.check_jobs(jobs)) == min(2, os.cpu_count() or 1)


def test_a_briefing_that_is_another_file_never_has_its_lines_printed(tmp_path):
    """Fourth hostile pass: a briefing linked to /etc/shadow had each of its lines printed as an unknown key (hash
    included). A key that is not a name is said without its text; a misspelt name is still quoted."""
    secret = _file(tmp_path, "shadow", "root:$6$SECRETSALT$SECRETHASH:20228:0:99999:7:::\nbin:*:20228:0:99999:7:::\n")
    linked = tmp_path / "briefing.yaml"
    linked.symlink_to(secret)
    proc = run_cli("brief", str(linked), "--outputs", str(tmp_path / "out"))
    assert proc.returncode == 2 and "unknown key that is not a name" in proc.stderr, proc.stderr
    assert "SECRET" not in proc.stderr and "20228" not in proc.stderr, proc.stderr
    proc = run_cli("brief", str(_file(tmp_path, "typo.yaml", "title: x\ncountry: tjk\nregoin: 1\n")))
    assert proc.returncode == 2 and "unknown key 'regoin'" in proc.stderr, proc.stderr


@pytest.mark.parametrize("old,new,expected", [
    ("male_share:\n    value: 0.502", "male_share:\n    value: -0.3",  # numpy's words, no key, from the builder
     "population.male_share = '-0.3': expected a finite number from 0 to 1 (a share)"),
    ("value: {teacher: 60, student: 140}", "value: {teacher: -60, student: 140}",
     "survey.respondents.teacher = '-60': expected whole numbers from 0 to 100,000"),
    ("value: {teacher: 60, student: 140}", "value: {teacher: 60.5, student: 140}",  # built 60 teachers, said nothing
     "survey.respondents.teacher = '60.5': expected whole numbers from 0 to 100,000"),
    ("ru: {urban: 0.6, rural: 0.3}", "ru: {urban: 1.6, rural: 0.3}",  # validate refused it, build did not
     "uptake.reads.ru.urban = 1.6: expected a share from 0 to 1"),
    # eleventh pass: a build that never ended, one that filled 10 GB, a traceback, numpy's warning, nonsense built
    ("host_city_urban_uplift:\n    value: 0.30", "host_city_urban_uplift:\n    value: -2",
     "population.host_city_urban_uplift = '-2': expected numbers from 0 to 1"),
    ("value: {teacher: 60, student: 140}", "value: {teacher: 100000000, student: 140}",
     "survey.respondents.teacher = '100000000': expected whole numbers from 0 to 100,000"),
    ("value: [0.80, 0.62, 0.48, 0.30, 0.20, 0.12]", "value: [0.80, 0.62, 0.48]",
     "survey.mention_weights has 3 weights; expected one for each item of the longest list (6)"),
    ("dispersed_decay_km:\n    value: 8", "dispersed_decay_km:\n    value: 0",
     "learners.dispersed_decay_km = '0': expected numbers from 0.001 to 10000"),
    ('{"0-16": 0.385,', '{"0-16": 1.0,', "population.age_shares = '1.615': expected shares from 0 to 1 adding up to 1"),
    ("national_students:\n    value: 240000", "national_students:\n    value: 240000.5",
     "institutions.national_students = '240000.5': expected whole numbers"),
    ("{mbps: 5, gb: 200, price_local: 250}", "{mbps: 5, gb: 200, price_local: -250}",  # blamed the built CSV
     "prices.fixed_plans[1].price_local = '-250': expected numbers from 1e-06 to 1e+09"),
    ('"2022": 1.94', '"2022": -1.94', "prices.mobile_price_points.2022 = '-1.94': expected numbers from 1e-06 to 1e+06"),
    # twelfth pass: values inside the first ranges gave a traceback (a price of 0, no students) or 3 GB (a sample
    # of a million people)
    ('"2024": 1.65', '"2024": 0', "prices.mobile_price_points"),
    ("national_students:\n    value: 240000", "national_students:\n    value: 0",
     "institutions.national_students = '0': expected whole numbers from 1 to 100,000,000"),
    ("sample_size:\n    value: 6000", "sample_size:\n    value: 1000000",
     "learners.sample_size = '1000000': expected whole numbers from 1 to 100,000"),
    # twelfth pass (B7): within their ranges, but nothing to build; the build named the CSV it would write
    ("value: {teacher: 60, student: 140}", "value: {teacher: 0, student: 0}",
     "survey.respondents = \"{'teacher': 0, 'student': 0}\": expected at least one respondent of each role"),
    ("value: [0.80, 0.62, 0.48, 0.30, 0.20, 0.12]", "value: [0, 0, 0, 0, 0, 0]",
     "survey.mention_weights: the largest weight (0) names no item among 200 respondents"),
    ("value: [1, 3, 5, 10, 20, 50]", "value: [1, 1, 5, 10, 20, 50]",
     "prices.mobile_plan_gb = '[1, 1, 5, 10, 20, 50]': expected each bundle size once"),
    # thirteenth pass: an item listed twice, sectors of no weight, a role the survey has not (ignored)
    ("value: [human capacity, training materials,", "value: [human capacity, human capacity,",
     "survey.requirements lists 'human capacity' twice: expected each item once"),
    ("value: {IT and telecom: 0.25, banking and finance: 0.2, trade: 0.2, manufacturing: 0.15, construction and "
     "energy: 0.1, services: 0.1}", "value: {IT and telecom: 0, trade: 0}",
     "survey.firm_sectors = \"{'IT and telecom': 0, 'trade': 0}\": expected at least one sector with a weight above 0"),
    # fourteenth pass: no teachers (the teachers' page failed with pandas' words), a 500 MB bundle (its plan took
    # the id of the 1 GB one), an item listed twice but for a space, a weight so small that nobody names anything
    ("value: {teacher: 60, student: 140}", "value: {teacher: 0, student: 200}",
     "survey.respondents = \"{'teacher': 0, 'student': 200}\": expected at least one respondent of each role"),
    ("value: [1, 3, 5, 10, 20, 50]", "value: [0.5, 1, 3]",
     "prices.mobile_plan_gb[0] = '0.5': expected whole numbers from 1 to 1,000,000"),
    ("value: [human capacity, training materials,", "value: [human capacity, 'human capacity ',",
     "survey.requirements lists 'human capacity ' twice: expected each item once"),
    ("value: [0.80, 0.62, 0.48, 0.30, 0.20, 0.12]", "value: [0.001, 0, 0, 0, 0, 0]",
     "survey.mention_weights: the largest weight (0.001) names no item among 200 respondents"),
    ("value: {teacher: 60, student: 140}", "value: {teacher: 60, student: 140, alien: 3}",
     "survey.respondents names teacher, student, alien: expected the number of each of teacher, student"),
])
def test_pack_build_refuses_the_values_validate_refuses_naming_the_key(pack_copy, old, new, expected):
    """Tenth hostile pass: `pack build` checked the shape of assumptions but not their values, so a negative share
    stopped a builder with numpy's message (no key), and 60.5 respondents or a reading share of 1.6 were built."""
    path = pack_copy / "assumptions.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    for command in (["validate", str(pack_copy)], ["pack", "build", str(pack_copy)]):
        proc = run_cli(*command)
        assert proc.returncode == 2 and expected in proc.stderr and "Traceback" not in proc.stderr, (command, proc.stderr)


def test_the_note_of_briefing_paths_writes_through_no_link_and_reads_no_huge_file(tmp_path):
    """Fourteenth hostile pass: a link planted at the note's temporary name had the note written into the file it
    pointed at, a folder there failed a published run, and a 400 MB note was read whole. The note is written to a
    new file of its own, a failure to write it fails nothing, and a note over 1 MB is not read."""
    import json

    from analytics.run.resume import BRIEFING_PATHS, briefing_of, remember_briefing

    out = tmp_path / "out"
    run = out / "mine" / "RUN1"
    run.mkdir(parents=True)
    victim = _file(tmp_path, "victim.txt", "keep me")
    (out / f"{BRIEFING_PATHS}.partial").symlink_to(victim)
    briefing = _file(tmp_path, "mine.yaml", "title: x\n")
    remember_briefing(run, briefing)
    assert victim.read_text() == "keep me"
    assert json.loads((out / BRIEFING_PATHS).read_text()) == {"mine/RUN1": str(briefing.resolve())}
    assert briefing_of(run, {"briefing": "mine.yaml", "run_id": "RUN1"}) == (briefing.resolve(),
                                                                              f"{BRIEFING_PATHS} in the outputs folder")
    (out / BRIEFING_PATHS).write_text(json.dumps({"mine/RUN1": str(briefing), "pad": "x" * 1_100_000}))
    assert briefing_of(run, {"briefing": "mine.yaml"})[1] == "its manifest"  # the huge note is not read
    (out / BRIEFING_PATHS).unlink()
    (out / BRIEFING_PATHS).mkdir()  # a folder where the note goes: nothing fails
    remember_briefing(run, briefing)


def test_a_published_csv_quotes_every_text():
    """Fifteenth hostile pass: "Школа;=1+1" was written unquoted, and a spreadsheet whose list separator is ";"
    (Russian-locale Excel) split it and ran "=1+1". Every text of a published CSV is quoted; numbers are not."""
    from analytics.publish.workbook import write_tables

    class Entry:  # what write_tables reads of a finished job
        status, anchor, language, title, parameters = "ok", "page_all_en", "en", "Page", {"region": "all"}
        results = {"tables": {"t": {"columns": ["name", "value"], "data": [["Школа;=1+1", 1.5], ["plain", 2]]}},
                   "inputs": [], "modelled": []}

    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        _, refs = write_tables(Path(tmp), "b", [Entry()], ["en"])
        text = (Path(tmp) / refs[("page_all_en", "t")]["csv"]).read_text(encoding="utf-8-sig")
    assert text.splitlines() == ['"name","value"', '"Школа;=1+1",1.5', '"plain",2.0'], text
    # sixteenth pass: a table whose columns have two header rows (recorded as lists) stopped the run after its CSV
    Entry.results = {"tables": {"t": {"columns": [["share", "low"], 7], "data": [[0.5, 1]]}}, "inputs": [], "modelled": []}
    with tempfile.TemporaryDirectory() as tmp:
        _, refs = write_tables(Path(tmp), "b", [Entry()], ["en"])
        assert (Path(tmp) / refs[("page_all_en", "t")]["csv"]).read_text(encoding="utf-8-sig").splitlines()[0] == \
            '"share low","7"'


def test_pages_of_one_area_share_a_sheet_only_for_the_same_table_and_the_read_me_names_their_scenario(tmp_path):
    """Pages of one area whose table is the same share its sheet; a reader's review found (1) that two scenarios'
    pages of one area read alike in the read-me ("Connectivity readiness — GBAO" twice) and (2) that two tables
    differing only where a CSV neutralises a formula ("=SUM(1)" and "'=SUM(1)" both become "'=SUM(1)") shared one
    sheet, showing the first page's value for both. Now the read-me names the scenario, and such tables keep their
    own sheets."""
    import openpyxl

    from analytics.publish.workbook import write_tables

    def entry(scenario: str, value: str, same: float):
        class Entry:  # what write_tables reads of a finished job
            status, language, title, notebook = "ok", "en", "Connectivity readiness", "02_connectivity"
            anchor = f"02_connectivity_TJ-GB_{scenario}_en"
            parameters = {"region": "TJ-GB", "scenario": scenario, "language": "en"}
            results = {"tables": {"data_status": {"columns": ["table", "status"], "data": [[value, "measured"]]},
                                  "readiness": {"columns": ["district_code", "share"], "data": [["TJ-GB-KHO", same]]}},
                       "inputs": [], "modelled": []}
        return Entry()

    from analytics.run.jobs import texts_for

    tx = texts_for("tjk", "en")
    _, refs = write_tables(tmp_path, "b", [entry("baseline", "=SUM(1)", 0.5), entry("combined", "'=SUM(1)", 0.5)],
                           ["en"], lambda lang: tx)
    # the two CSVs agree byte for byte (both neutralised), yet the workbook keeps both values apart
    assert refs[("02_connectivity_TJ-GB_baseline_en", "data_status")]["sha256"] == \
        refs[("02_connectivity_TJ-GB_combined_en", "data_status")]["sha256"]
    book = openpyxl.load_workbook(tmp_path / "tables" / "tables-en.xlsx", read_only=True)
    rows = list(book[book.sheetnames[0]].iter_rows(min_row=2, values_only=True))
    sheet_of = {(r[1], r[2]): r[0] for r in rows}
    pages = sorted({r[1] for r in rows})
    assert pages == sorted(f"Connectivity readiness — {tx('region.TJ-GB')} ({tx('param.scenario')}: "
                           f"{tx('page.quoted', text=tx(f'param.scenario.{name}'))})" for name in ("baseline", "combined"))
    status = [sheet_of[(p, "Data status")] for p in pages]
    assert len(set(status)) == 2 and sorted(list(book[s].iter_rows(values_only=True))[1][0] for s in status) == \
        ["'=SUM(1)", "=SUM(1)"]
    assert len({sheet_of[(p, "Readiness")] for p in pages}) == 1  # the same readiness table: one sheet for both
