"""Faults a run must survive: SIGKILL mid-run, kernels on private sockets, a lost Dask scheduler, a killed build."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import time
from pathlib import Path

import psutil
import pytest
import yaml

from .conftest import CLI, FIXTURE_FLAGS, FIXTURE_NOTEBOOKS, ROOT, run_cli

FIXTURES = Path(__file__).parent / "fixtures"


def _wait_for(predicate, seconds: float = 60.0, what: str = "condition"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _kernels_of(pid: int) -> list[psutil.Process]:
    try:
        children = psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    return [p for p in children if any(k in " ".join(p.cmdline()) for k in ("ipykernel", "private_kernel"))]


def test_sigkill_mid_run_then_resume_runs_every_job_once(tmp_path):
    marker = tmp_path / "hold"
    marker.write_text("the waiting job waits while this file exists")
    path = tmp_path / "killed.yaml"
    path.write_text(yaml.safe_dump({"title": "t", "country": "tjk", "languages": ["en"], "jobs": [
        {"notebook": str(FIXTURES / "ok.ipynb"), "grid": {"value": [1, 2]}},
        {"notebook": str(FIXTURES / "waits.ipynb"), "parameters": {"marker": str(marker)}}]}))
    out = tmp_path / "out"
    proc = subprocess.Popen([*CLI, "brief", *FIXTURE_FLAGS, str(path), "--outputs", str(out), "--workers", "2", "--quiet"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        partial = _wait_for(lambda: next(iter((out / "killed").glob(".*.partial")), None), 60, "a staging folder")
        _wait_for(lambda: len(list((partial / ".jobs").glob("*.json"))) == 2, 90, "the two quick jobs")
        kernels = _wait_for(lambda: _kernels_of(proc.pid), 30, "the run's kernels")
        for kernel in kernels:  # kernels talk over private Unix sockets, never TCP
            assert kernel.net_connections(kind="inet") == [], kernel.cmdline()
            conn = next(a for a in kernel.cmdline() if a.endswith(".json"))
            folder = Path(conn).parent
            assert folder.stat().st_mode & 0o777 == 0o700 and folder.stat().st_uid == os.getuid()
            assert json.loads(Path(conn).read_text())["transport"] == "ipc"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert partial.exists() and not list((out / "killed").glob("2*"))  # nothing published, nothing lost
    marker.unlink()
    note = run_cli("brief", *FIXTURE_FLAGS, str(path), "--outputs", str(tmp_path / "elsewhere"), "--quiet")
    assert note.returncode == 0  # a fresh run of the briefing elsewhere is not confused by it
    # third hostile pass: an interrupted run's executed notebook swapped for a link to a private file was
    # copied into the published run; now that job runs again
    secret = tmp_path / "secret.txt"
    secret.write_text("not for publication")
    (partial / "notebooks" / "ok_1_en.ipynb").unlink()
    (partial / "notebooks" / "ok_1_en.ipynb").symlink_to(secret)
    resumed = run_cli("brief", *FIXTURE_FLAGS, "--resume", str(partial), "--outputs", str(out), "--quiet")
    assert resumed.returncode == 0, resumed.stderr
    final = Path(resumed.stdout.split("published ")[1].split()[0])
    jobs = {j["job"]: j for j in json.loads((final / "manifest.json").read_text())["jobs"]}
    assert set(jobs) == {"ok_1_en", "ok_2_en", "waits_en"}
    assert not jobs["ok_1_en"]["reused"] and jobs["ok_2_en"]["reused"] and not jobs["waits_en"]["reused"]
    assert "not for publication" not in (final / "notebooks" / "ok_1_en.ipynb").read_text()
    assert all(j["status"] == "ok" for j in jobs.values())
    assert not partial.exists()  # the interrupted run lives on in the resumed one
    assert (final / "ok_1_en.html").exists() and (final / "waits_en.html").exists()
    # hostile pass: a page swapped for a link to a private file, and one cut short, were published as "ok,
    # reused"; a reused job's files must still be the bytes recorded when they were written
    (final / "ok_1_en.html").unlink()
    (final / "ok_1_en.html").symlink_to(secret)
    page = final / "ok_2_en.html"
    page.write_bytes(page.read_bytes()[:500])
    again = run_cli("brief", *FIXTURE_FLAGS, "--resume", str(final), "--outputs", str(out), "--quiet")
    assert again.returncode == 0, again.stderr
    third = Path(again.stdout.split("published ")[1].split()[0])
    jobs = {j["job"]: j for j in json.loads((third / "manifest.json").read_text())["jobs"]}
    assert not jobs["ok_1_en"]["reused"] and not jobs["ok_2_en"]["reused"] and jobs["waits_en"]["reused"]
    assert not (third / "ok_1_en.html").is_symlink() and "not for publication" not in (third / "ok_1_en.html").read_text()
    assert len((third / "ok_2_en.html").read_bytes()) > 500
    # third pass: a job record that names another job's page (with that page's checksum) was "ok, reused",
    # and the job's own page was lost; a job record that is a pipe made --resume wait for ever
    manifest = json.loads((third / "manifest.json").read_text())
    one, two = (next(j for j in manifest["jobs"] if j["job"] == n) for n in ("ok_1_en", "ok_2_en"))
    two["html"], two["files_sha256"]["html"] = one["html"], one["files_sha256"]["html"]
    (third / "manifest.json").write_text(json.dumps(manifest))
    fourth = run_cli("brief", *FIXTURE_FLAGS, "--resume", str(third), "--outputs", str(out), "--quiet")
    assert fourth.returncode == 0, fourth.stderr
    fourth = Path(fourth.stdout.split("published ")[1].split()[0])
    jobs = {j["job"]: j for j in json.loads((fourth / "manifest.json").read_text())["jobs"]}
    assert not jobs["ok_2_en"]["reused"] and jobs["ok_2_en"]["html"] == "ok_2_en.html"
    assert (fourth / "ok_2_en.html").is_file()
    stuck = tmp_path / "stuck.partial"
    (stuck / ".jobs").mkdir(parents=True)
    (stuck / ".run.json").write_text(json.dumps({"pid": 999_999_999, "briefing": str(path)}))
    os.mkfifo(stuck / ".jobs" / "ok_1_en.json")
    proc = run_cli("brief", *FIXTURE_FLAGS, "--resume", str(stuck), "--outputs", str(out), "--quiet")
    assert proc.returncode == 2 and "is a link or not a regular file" in proc.stderr, proc.stderr


def test_a_stale_run_is_reported_not_reused(tmp_path):
    stale = tmp_path / "out" / "ok_only" / ".20260101T000000Z-dead.partial"
    (stale / ".jobs").mkdir(parents=True)
    (stale / ".run.json").write_text(json.dumps({"pid": 999_999_999, "briefing": "x"}))
    path = tmp_path / "ok_only.yaml"
    path.write_text(yaml.safe_dump({"title": "t", "country": "tjk", "languages": ["en"], "jobs": [{"notebook": str(FIXTURES / "ok.ipynb")}]}))
    proc = run_cli("brief", *FIXTURE_FLAGS, str(path), "--outputs", str(tmp_path / "out"), "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert f"an interrupted run was left at {stale}; resume it with analytics brief --resume" in proc.stderr
    assert stale.exists()


@pytest.mark.parametrize("when", ["before", "during"])
def test_an_interrupted_build_leaves_the_pack_as_it_was(pack_copy, when):
    before = {p: p.read_bytes() for p in pack_copy.rglob("*") if p.is_file()}
    if when == "before":  # a build killed earlier left its staging folder behind
        (pack_copy / ".build-old").mkdir()
        (pack_copy / ".build-old" / "junk.csv").write_text("x")
        proc = run_cli("pack", "build", str(pack_copy), "--only", "plans")
        assert proc.returncode == 0, proc.stderr
        assert not list(pack_copy.glob(".build-*"))
    else:
        proc = subprocess.Popen([*CLI, "pack", "build", str(pack_copy)], cwd=ROOT, start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_for(lambda: any(pack_copy.glob(".build-*/modelled")), 60, "the build's staging folder")
        time.sleep(0.5)  # well into building its tables
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    after = {p: p.read_bytes() for p in pack_copy.rglob("*") if p.is_file() and ".build-" not in str(p)}
    assert after == before
    for p in (pack_copy / "modelled").iterdir():
        assert stat.S_IMODE(p.stat().st_mode) & 0o044 == 0o044  # readable by others, as the umask says


def test_a_lost_dask_scheduler_still_publishes_the_finished_jobs(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    from distributed import LocalCluster

    from analytics.run import briefing
    from analytics.run.runner import run_briefing

    marker = tmp_path / "hold"
    marker.write_text("wait")
    path = tmp_path / "lost.yaml"
    path.write_text(yaml.safe_dump({"title": "t", "country": "tjk", "languages": ["en"], "jobs": [
        {"notebook": str(FIXTURES / "ok.ipynb")},
        {"notebook": str(FIXTURES / "waits.ipynb"), "parameters": {"marker": str(marker)}}]}))
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    with ThreadPoolExecutor(1) as pool:
        run = pool.submit(run_briefing, briefing.load(path, FIXTURE_NOTEBOOKS), outputs=tmp_path / "out",
                          scheduler=cluster.scheduler_address, quiet=True)
        _wait_for(lambda: any((tmp_path / "out" / "lost").glob(".*.partial/.jobs/ok_en.json")), 90, "the quick job")
        cluster.close()
        folder, outcomes = run.result(timeout=180)
    status = {o.job: o.status for o in outcomes}
    assert status == {"ok_en": "ok", "waits_en": "crashed"}
    assert (folder / "ok_en.html").exists() and (folder / "manifest.json").exists()
