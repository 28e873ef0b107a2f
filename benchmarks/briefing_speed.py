"""The briefing runner against the naive way, page sizes, and the briefing book's first chart.

Measured in one run, on the same jobs (the default briefing unless given another):

1. the runner: ``analytics brief BRIEFING``;
2. the naive way: for each job, the ``papermill`` CLI then ``jupyter nbconvert --to html
   --no-input``, one after another;
3. the size of each page and book above the size of plotly.js itself;
4. the time from opening a page, and the book, in headless Chromium to its first chart.

Prints both times and their ratio (target: runner at most 0.15 of naive), sizes (targets:
pages at most 1 MB and books at most 3 MB above plotly.js) and the first-chart ratio
(target: book at most 1.5x a single page).

    python benchmarks/briefing_speed.py [--briefing briefings/tajikistan.yaml] [--jobs N] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def timed(cmd: list[str], **kw) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, **kw)
    return time.perf_counter() - start


def naive(jobs, out: Path) -> float:
    """papermill CLI then nbconvert CLI for each job, one after another; seconds."""
    total = 0.0
    for job in jobs:
        executed = out / f"{job.name}.ipynb"
        params = [x for k, v in job.parameters.items() for x in ("-p", k, str(v))]
        total += timed([str(BIN / "papermill"), str(job.notebook), str(executed), "-k", "analytics",
                        "--no-progress-bar", *params], cwd=job.notebook.parent)
        total += timed([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)])
    return total


def first_chart_seconds(path: Path, repeat: int) -> float:
    """Median seconds from opening a file to its first drawn plotly chart (offline)."""
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for _ in range(repeat):
            page = browser.new_page()
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:"))
                       else r.abort())
            start = time.perf_counter()
            page.goto(path.as_uri())
            # polled with evaluate: the page's Content-Security-Policy forbids wait_for_function's eval
            while not page.evaluate("!!document.querySelector('.plotly-figure .main-svg')"):
                page.wait_for_timeout(20)
            times.append(time.perf_counter() - start)
            page.close()
        browser.close()
    return statistics.median(times)


def main() -> None:
    from analytics.publish.export import plotly_js
    from analytics.run import briefing

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--briefing", default=str(ROOT / "briefings" / "tajikistan.yaml"))
    parser.add_argument("--jobs", type=int, default=None, help="only the first N jobs (runner and naive alike)")
    parser.add_argument("--repeat", type=int, default=5, help="browser openings per file")
    args = parser.parse_args()

    spec = briefing.load(args.briefing)
    if args.jobs:
        spec.jobs = spec.jobs[: args.jobs]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        trimmed = tmp / Path(args.briefing).name
        if args.jobs:
            import yaml

            doc = yaml.safe_load(Path(args.briefing).read_text())
            doc["jobs"] = [{"notebook": str(j.notebook), "grid": {k: [v] for k, v in j.parameters.items()
                                                                  if k != "language"}} for j in spec.jobs]
            langs = sorted({j.language for j in spec.jobs})
            doc["languages"] = langs
            trimmed.write_text(yaml.safe_dump(doc, allow_unicode=True))
        else:
            trimmed = Path(args.briefing)
        runner = timed([str(BIN / "analytics"), "brief", str(trimmed), "--quiet", "--outputs", str(tmp / "out")])
        (tmp / "naive").mkdir()
        slow = naive(spec.jobs, tmp / "naive")
        n = len(spec.jobs)
        print(f"jobs: {n}")
        print(f"runner (analytics brief):            {runner:8.1f} s")
        print(f"naive (papermill + nbconvert CLIs):  {slow:8.1f} s")
        print(f"ratio runner / naive: {runner / slow:.3f} (target <= 0.15)")

        run = next((tmp / "out").glob("*/*"))
        base = len(plotly_js().encode())
        print(f"plotly.js: {base / 1e6:.2f} MB")
        pages = sorted(run.glob("*.html"))
        for page in pages:
            extra = (page.stat().st_size - base) / 1e6
            kind = "book" if page.name.startswith("briefing-") else "page"
            if page.name.startswith("index"):
                print(f"  {page.name:<40} {page.stat().st_size / 1e6:6.2f} MB (no charts)")
                continue
            target = 3.0 if kind == "book" else 1.0
            print(f"  {page.name:<40} {page.stat().st_size / 1e6:6.2f} MB, {extra:+.2f} MB above plotly.js "
                  f"(target <= {target:.0f} MB)")
        single = next(p for p in pages if not p.name.startswith(("briefing-", "index")))
        book = next(p for p in pages if p.name.startswith("briefing-"))
        t_page = first_chart_seconds(single, args.repeat)
        t_book = first_chart_seconds(book, args.repeat)
        print(f"first chart drawn: page {t_page:.2f} s, book {t_book:.2f} s (median of {args.repeat})")
        print(f"ratio book / page: {t_book / t_page:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
