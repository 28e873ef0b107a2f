"""Computations made once per run: the cache shared by a run's jobs, and what it must never change."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import textwrap

import pytest

from analytics.core import cache

from .conftest import ROOT, SESSION_JOBS


class FakePack:
    content_hash = "0123456789ab"


@pytest.fixture
def fresh(monkeypatch):
    """No result in this process's memory, no stats, and no run cache unless a test names one."""
    monkeypatch.delenv(cache.CACHE_ENV, raising=False)
    cache._memory.clear()
    cache.take_stats()
    yield
    cache._memory.clear()
    cache.take_stats()


def counter():
    calls = []

    def compute():
        calls.append(1)
        return {"value": len(calls)}

    return calls, compute


def test_outside_a_run_nothing_is_cached(fresh, tmp_path):
    calls, compute = counter()
    assert cache.computed(FakePack(), "x", (1,), compute) == {"value": 1}
    assert cache.computed(FakePack(), "x", (1,), compute) == {"value": 2}  # computed again
    assert not any(cache.take_stats().values())


def test_in_a_run_the_first_job_computes_and_the_others_read(fresh, tmp_path, monkeypatch):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "c"))
    calls, compute = counter()
    first = cache.computed(FakePack(), "x", (1, "a"), compute)
    cache._memory.clear()  # another kernel: only the folder is shared
    again = cache.computed(FakePack(), "x", (1, "a"), compute)
    assert first == again == {"value": 1} and len(calls) == 1
    assert cache.take_stats() == {"computed": ["x(1, 'a')"], "reused": ["x(1, 'a')"], "rendered": [],
                                  "rendered_reused": []}
    # any other argument, name or pack is another computation
    cache.computed(FakePack(), "x", (2, "a"), compute)
    cache.computed(FakePack(), "y", (1, "a"), compute)
    other = FakePack()
    other.content_hash = "ba9876543210"
    cache.computed(other, "x", (1, "a"), compute)
    assert len(calls) == 4
    assert len(list((tmp_path / "c").glob("*.pkl"))) == 4


def test_a_reused_result_marks_the_tables_its_computation_read(fresh, tmp_path, monkeypatch):
    # A page lists the pack tables it read; a job that reuses a result read them through the first job.
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "c"))

    def compute(pack):
        pack.used.add("learners")  # what reading pack.learners does
        return cache.computed(pack, "inner", (), lambda: pack.used.add("population") or 1) + 1

    first, second = FakePack(), FakePack()
    first.used, second.used = {"districts"}, set()
    assert cache.computed(first, "outer", (), lambda: compute(first)) == 2
    assert first.used == {"districts", "learners", "population"}
    cache._memory.clear()
    assert cache.computed(second, "outer", (), lambda: compute(second)) == 2
    assert second.used == {"learners", "population"}
    assert cache.take_stats()["reused"] == ["outer()"]


def test_a_rendering_is_counted_apart_and_each_reuse_is_a_fresh_copy(fresh, tmp_path, monkeypatch):
    # A panel (a rendering in one language) may be changed by the job that shows it: no two jobs get one object.
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "c"))
    calls, compute = counter()
    first = cache.computed(FakePack(), "panel:x", ("ru",), compute, rendering=True)
    again = cache.computed(FakePack(), "panel:x", ("ru",), compute, rendering=True)
    assert first == again == {"value": 1} and len(calls) == 1 and again is not first
    again["value"] = 99  # what one job does to its copy is not what the next job reads
    assert cache.computed(FakePack(), "panel:x", ("ru",), compute, rendering=True) == {"value": 1}
    assert cache.take_stats() == {"computed": [], "reused": [], "rendered": ["panel:x('ru',)"],
                                  "rendered_reused": ["panel:x('ru',)"] * 2}


def test_a_builder_in_a_run_renders_once_per_language_and_only_for_plain_arguments(fresh, tmp_path, monkeypatch):
    import pandas as pd

    from analytics.report.panel import Panel, Reading
    from analytics.report.session import builder

    made = []

    @builder
    def some_panel(pack, region, frame=None, language="en"):
        made.append((region, language))
        return Panel(Reading({"n": 1.0}, [f"{region} in {language}"]))

    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "c"))
    pack = FakePack()
    shown = [some_panel(pack, "all", language=lang) for lang in ("en", "ru", "en", "ru")]
    assert made == [("all", "en"), ("all", "ru")]  # once per language
    assert [p.reading.sentences for p in shown] == [["all in en"], ["all in ru"]] * 2
    assert shown[2].__dict__["_outputs"] == shown[0].__dict__["_outputs"]  # rendered once, shown as rendered
    some_panel(pack, "all", pd.DataFrame({"a": [1]}), "en")
    some_panel(pack, "all", pd.DataFrame({"a": [2]}), "en")
    assert made[2:] == [("all", "en")] * 2  # a frame's repr does not say all it holds: made each time
    monkeypatch.setenv(cache.CACHE_ENV, "")
    some_panel(pack, "all", language="en")
    assert len(made) == 5  # outside a run, made on every call


def test_a_changed_pack_file_changes_the_key(fresh, tmp_path):
    from analytics.packs import load_pack

    shutil.copytree(ROOT / "data" / "tjk", tmp_path / "tjk")
    before = load_pack(root=tmp_path / "tjk").content_hash
    with open(tmp_path / "tjk" / "assumptions.yaml", "a", encoding="utf-8") as fh:
        fh.write("\n# an edit\n")
    after = load_pack(root=tmp_path / "tjk").content_hash
    assert before != after
    assert cache.key_of(type("P", (), {"content_hash": before})(), "x", ()) != \
        cache.key_of(type("P", (), {"content_hash": after})(), "x", ())


def test_two_kernels_asking_at_once_compute_once(tmp_path):
    # Two processes start together; the computation takes a second and writes a line each time it runs.
    script = textwrap.dedent(f"""
        import os, sys, time
        os.environ[{cache.CACHE_ENV!r}] = {str(tmp_path / "c")!r}
        from analytics.core import cache
        class P: content_hash = "abc"
        def compute():
            with open({str(tmp_path / "ran.txt")!r}, "a") as fh: fh.write("ran\\n")
            time.sleep(1.0)
            return 42
        print(cache.computed(P(), "slow", (), compute))
    """)
    procs = [subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=60)[0].strip() for p in procs]
    assert outs == ["42", "42"]
    assert (tmp_path / "ran.txt").read_text().count("ran") == 1


def test_reused_computations_publish_the_same_bytes(small_run, tmp_path):
    """The session's briefing ran with the cache: the pages in Russian and Tajik computed nothing the
    English page had made; a run of two of its jobs without the cache publishes the same CSV bytes."""
    import json

    import yaml

    from analytics.run import briefing
    from analytics.run.resume import CACHE_DIR
    from analytics.run.runner import run_briefing

    folder, outcomes = small_run
    assert not (folder / CACHE_DIR).exists()
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["cache"]["enabled"] and manifest["cache"]["reused"] > 0
    for o in outcomes:
        if o.language != "en" and o.notebook.startswith(("01_", "03_")):
            assert o.cache["computed"] == [] and o.cache["reused"], (o.job, o.cache)
    # the pages of 02 and 03 show the cascade panel 01 rendered for the same area and language
    assert manifest["cache"]["panels_reused"] > 0
    assert any(r.startswith("panel:analytics.models.cascade_panel.cascade_panel")
               for o in outcomes if o.notebook.startswith(("02_", "03_")) for r in o.cache["rendered_reused"])
    # 00 lists the inputs its page read (a panel that depends on more than its arguments is never shown again)
    jobs = [dict(j, grid={"region": ["TJ-GB"]}) for j in SESSION_JOBS if j["notebook"][:2] in ("00", "01", "03")]
    path = tmp_path / "nocache.yaml"
    path.write_text(yaml.safe_dump({"title": "No cache", "country": "tjk", "languages": ["tg"], "jobs": jobs}))
    off, offs = run_briefing(briefing.load(path), outputs=tmp_path / "out", workers=2, quiet=True, cache=False)
    assert all(o.status == "ok" and not any(o.cache.values()) for o in offs)
    csvs = sorted((off / "tables").glob("*.csv"))
    assert len(csvs) >= 8
    published = {hashlib.sha256(c.read_bytes()).hexdigest() for c in (folder / "tables").glob("*.csv")}
    for csv in csvs:  # the same bytes (a table the session's run first met on another page has that page's name)
        assert hashlib.sha256(csv.read_bytes()).hexdigest() in published, csv.name
    recorded = {o.job: o for o in outcomes}
    for o in offs:  # the Tajik pages of the cached run recorded the same tables and inputs as the uncached ones
        assert recorded[o.job].results["tables"] == o.results["tables"], o.job
        assert recorded[o.job].results["inputs"] == o.results["inputs"], o.job
