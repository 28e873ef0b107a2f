"""The briefing runner against the naive way, page sizes, and the briefing book's first chart.

Measured in one run, on the same jobs (the default briefing unless given another):

1. the runner: ``analytics brief BRIEFING``, and again with ``--no-cache`` (every job computing
   everything it shows): the kernels' own seconds (the manifest's job seconds) of both;
2. the naive way: for each job, the ``papermill`` CLI then ``jupyter nbconvert --to html
   --no-input``, one after another;
3. the size of each page and book, as published (with the suite's partial plotly.js);
4. the time from opening a page, and the book, in headless Chromium to its first chart, and
   the same for copies of them that embed the full plotly.js instead (made in this run).

Prints both times and their ratio (target: runner at most 0.10 of naive), the kernel seconds with
the run's cache against without and against the 303 s measured before jobs shared computations
(target: at most 0.45 of that), whether every CSV table is byte-identical without the cache, the manifest's size (target under 2 MB), sizes (targets:
every page at most 2 MB, every book at most 3 MB, each a single self-contained file), the
first-chart ratio of book to page (target at most 1.5) and of the full to the partial
bundle (target: first chart at least 2x sooner with the partial one).

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
#: Kernel seconds of the default briefing (the manifest's job seconds) before jobs shared their
#: computations (issue 29's measurement, 2 cores).
KERNEL_SECONDS_BEFORE = 303.0
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
    from analytics.publish.bundle import partial_js
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
            entries = [{"notebook": str(j.notebook), "grid": {k: [v] for k, v in j.parameters.items()
                                                              if k not in ("language", "country")}}
                       for j in spec.jobs]
            # one entry per notebook and parameters: each runs in every language of the trimmed briefing
            doc["jobs"] = [e for k, e in enumerate(entries) if e not in entries[:k]]
            langs = sorted({j.language for j in spec.jobs})
            doc["languages"] = langs
            trimmed.write_text(yaml.safe_dump(doc, allow_unicode=True))
            spec = briefing.load(trimmed)  # the same jobs for the runner and the naive way
        else:
            trimmed = Path(args.briefing)
        runner = timed([str(BIN / "analytics"), "brief", str(trimmed), "--quiet", "--outputs", str(tmp / "out")])
        run = next((tmp / "out").glob("*/*"))
        timed([str(BIN / "analytics"), "brief", str(trimmed), "--quiet", "--no-cache", "--outputs", str(tmp / "off")])
        off = next((tmp / "off").glob("*/*"))
        cached, uncached = kernel_seconds(run), kernel_seconds(off)
        differ = [p.name for p in sorted((run / "tables").glob("*.csv"))
                  if not (off / "tables" / p.name).exists() or p.read_bytes() != (off / "tables" / p.name).read_bytes()]
        n_csv = len(list((run / "tables").glob("*.csv")))
        (tmp / "naive").mkdir()
        slow = naive(spec.jobs, tmp / "naive")
        n = len(spec.jobs)
        print(f"jobs: {n}")
        print(f"runner (analytics brief):            {runner:8.1f} s")
        print(f"naive (papermill + nbconvert CLIs):  {slow:8.1f} s")
        print(f"ratio runner / naive: {runner / slow:.3f} (target <= 0.10)")
        print(f"kernel seconds: {cached:.1f} with the run's cache, {uncached:.1f} without (ratio {cached / uncached:.2f}); "
              f"against the {KERNEL_SECONDS_BEFORE:.0f} s measured before the cache: {cached / KERNEL_SECONDS_BEFORE:.2f} "
              "(target <= 0.45)")
        print(f"CSV tables: {n_csv} with the cache, byte-identical without it: "
              f"{'all' if not differ else 'NOT ' + ', '.join(differ)}")
        print(f"manifest.json: {(run / 'manifest.json').stat().st_size / 1e6:.2f} MB (target < 2 MB)")
        print(f"plotly.js: full {len(plotly_js().encode()) / 1e6:.2f} MB, "
              f"partial {len(partial_js().encode()) / 1e6:.2f} MB")
        pages = sorted(run.glob("*.html"))
        largest = {"page": 0.0, "book": 0.0}
        for page in pages:
            size = page.stat().st_size / 1e6
            if page.name.startswith("index"):
                print(f"  {page.name:<40} {size:6.2f} MB (no charts)")
                continue
            kind = "book" if page.name.startswith("briefing-") else "page"
            largest[kind] = max(largest[kind], size)
            print(f"  {page.name:<40} {size:6.2f} MB ({kind}, target <= {2.0 if kind == 'page' else 3.0:.0f} MB)")
        print(f"largest page {largest['page']:.2f} MB (target <= 2), largest book {largest['book']:.2f} MB "
              "(target <= 3)")
        single = next(p for p in pages if not p.name.startswith(("briefing-", "index")))
        book = next(p for p in pages if p.name.startswith("briefing-"))
        t_page = first_chart_seconds(single, args.repeat)
        t_book = first_chart_seconds(book, args.repeat)
        t_full = first_chart_seconds(with_full_bundle(single, tmp / "full"), args.repeat)
        print(f"first chart drawn: page {t_page:.2f} s, book {t_book:.2f} s, page with the full plotly.js "
              f"{t_full:.2f} s (median of {args.repeat})")
        print(f"ratio book / page: {t_book / t_page:.2f} (target <= 1.5)")
        print(f"ratio full / partial bundle, first chart: {t_full / t_page:.2f} (target >= 2)")


def kernel_seconds(run: Path) -> float:
    """The jobs' own seconds in a published run (the manifest's ``seconds`` of every job)."""
    import json

    return sum(j["seconds"] for j in json.loads((run / "manifest.json").read_text(encoding="utf-8"))["jobs"])


def with_full_bundle(page: Path, folder: Path) -> Path:
    """A copy of a published page that embeds the full plotly.js instead of the partial one.

    The page's Content-Security-Policy allows its scripts by hash, so the hash is swapped too.
    """
    import base64
    import hashlib

    from analytics.publish.bundle import partial_js
    from analytics.publish.export import plotly_js

    def digest(text: str) -> str:  # the base64 SHA-256 (the policy's quotes are HTML-escaped in the page)
        return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()

    html = page.read_text(encoding="utf-8")
    assert html.count(partial_js()) == 1, "the page does not embed the partial bundle"
    assert html.count(digest(partial_js())) == 1, "the page's policy does not name the partial bundle"
    html = html.replace(partial_js(), plotly_js()).replace(digest(partial_js()), digest(plotly_js()))
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / page.name
    out.write_text(html, encoding="utf-8")
    print(f"  {page.name} with the full plotly.js: {out.stat().st_size / 1e6:.2f} MB")
    return out


if __name__ == "__main__":
    main()
