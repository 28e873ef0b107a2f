"""A mission-scale briefing: every scenario for every area in every language, against the default briefing.

Measured in one run on this machine:

1. the default briefing (``briefings/tajikistan.yaml``) with ``analytics brief``;
2. a generated briefing of every notebook for the country and each region, every named scenario of
   the pack for each notebook that takes one, in the default briefing's languages (with the default
   briefing's fixed parameters), run the same way with ``--workers`` (default: the cores);
3. optionally (``--dask``) the same briefing on a local Dask cluster of as many single-thread workers.

For each run it prints the wall time, the jobs, the job-seconds per job (the kernels' own time, from
the manifest), the share of jobs served wholly from the run's cache (they computed nothing; pages in
another language still render their panels), the panels rendered and those a job showed as another
job had rendered them (same area, language and arguments) and the peak memory of the run's
processes (the runner and its kernels, sampled every 0.2 s). Target: the mission-scale briefing
within 3 times the default briefing's time.

    python benchmarks/mission_scale.py [--workers N] [--dask]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def mission_briefing(default: Path, out: Path) -> Path:
    """The default briefing's notebooks for every area and, where a notebook takes one, every scenario."""
    from analytics.packs.scenarios import read as read_scenarios
    from analytics.run.notebooks import cell_parameters

    doc = yaml.safe_load(default.read_text(encoding="utf-8"))
    scenarios = list(read_scenarios(ROOT / "data" / doc["country"]))
    jobs = []
    for entry in doc["jobs"]:
        grid = dict(entry.get("grid", {}))
        fixed = dict(entry.get("parameters", {}))
        if "scenario" in cell_parameters(entry["notebook"]):
            fixed.pop("scenario", None)
            grid["scenario"] = scenarios
        jobs.append({"notebook": entry["notebook"], **({"grid": grid} if grid else {}),
                     **({"parameters": fixed} if fixed else {})})
    doc = {**doc, "title": {k: f"{v} (every scenario)" for k, v in doc["title"].items()}, "jobs": jobs}
    path = out / "mission.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def peak_memory(proc: subprocess.Popen, box: dict) -> None:
    """Sample the summed resident memory of ``proc`` and its descendants until it ends (MB, into box)."""
    try:
        parent = psutil.Process(proc.pid)
    except psutil.NoSuchProcess:
        return
    while proc.poll() is None:
        total = 0
        try:
            for p in [parent, *parent.children(recursive=True)]:
                try:
                    total += p.memory_info().rss
                except psutil.NoSuchProcess:
                    pass
        except psutil.NoSuchProcess:
            break
        box["peak"] = max(box.get("peak", 0.0), total / 1e6)
        time.sleep(0.2)


def brief(briefing: Path, out: Path, extra: list[str]) -> dict:
    """Run ``analytics brief``; wall seconds, peak MB and what its manifest says of the jobs."""
    box: dict = {}
    start = time.perf_counter()
    proc = subprocess.Popen([str(BIN / "analytics"), "brief", str(briefing), "--quiet", "--outputs", str(out), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watcher = threading.Thread(target=peak_memory, args=(proc, box), daemon=True)
    watcher.start()
    stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - start
    watcher.join(1)
    if proc.returncode != 0:
        raise SystemExit(f"analytics brief {briefing.name} failed:\n{stderr[-2000:]}")
    run = Path(stdout.split("published ")[1].split()[0])
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    jobs = manifest["jobs"]
    served = manifest["cache"]["jobs_served_from_cache"]
    return {"seconds": seconds, "peak_mb": box.get("peak", 0.0), "jobs": len(jobs),
            "ok": sum(j["status"] == "ok" for j in jobs), "job_seconds": sum(j["seconds"] for j in jobs),
            "served": served, "executor": manifest["executor"],
            "panels": (manifest["cache"]["panels_rendered"], manifest["cache"]["panels_reused"]),
            "manifest_mb": (run / "manifest.json").stat().st_size / 1e6}


def report(name: str, r: dict) -> None:
    print(f"{name}: {r['jobs']} jobs ({r['ok']} ok) in {r['seconds']:.1f} s on {r['executor']}; "
          f"{r['job_seconds'] / r['jobs']:.2f} job-seconds per job; {r['served'] / r['jobs']:.0%} of jobs served "
          f"wholly from the run's cache; panels rendered {r['panels'][0]}, shown again {r['panels'][1]}; peak memory {r['peak_mb']:.0f} MB; manifest {r['manifest_mb']:.2f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--briefing", default=str(ROOT / "briefings" / "tajikistan.yaml"))
    parser.add_argument("--workers", type=int, default=None, help="local jobs at a time (default: the cores)")
    parser.add_argument("--dask", action="store_true", help="also run the mission on a local Dask cluster")
    args = parser.parse_args()
    workers = ["--workers", str(args.workers)] if args.workers else []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        print(f"machine: {psutil.cpu_count()} cores, load {' '.join(f'{x:.2f}' for x in psutil.getloadavg())}, "
              f"{psutil.virtual_memory().available / 1e9:.1f} GB available")
        default = brief(Path(args.briefing), tmp / "default", workers)
        report("default briefing", default)
        mission = brief(mission_briefing(Path(args.briefing), tmp), tmp / "mission", workers)
        report("mission-scale briefing", mission)
        print(f"ratio mission / default wall time: {mission['seconds'] / default['seconds']:.2f} (target <= 3)")
        if args.dask:
            from distributed import LocalCluster

            n = args.workers or psutil.cpu_count()
            with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
                on_dask = brief(tmp / "mission.yaml", tmp / "dask", ["--scheduler", cluster.scheduler_address])
            report("mission-scale briefing on a local Dask cluster", on_dask)


if __name__ == "__main__":
    main()
