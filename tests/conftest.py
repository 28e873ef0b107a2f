"""Shared fixtures: a writable copy of the real Tajikistan pack, the CLI, headless Chromium."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACK = ROOT / "data" / "tjk"
CLI = [sys.executable, "-m", "analytics.cli"]

#: The test notebooks outside notebooks/ (tests/fixtures): a briefing runs them only when they are named
#: explicitly, as ``--notebook`` on the command line or ``notebooks=`` of :func:`analytics.run.briefing.load`.
FIXTURE_NOTEBOOKS = tuple(sorted((Path(__file__).parent / "fixtures").glob("*.ipynb")))
FIXTURE_FLAGS = [flag for nb in FIXTURE_NOTEBOOKS for flag in ("--notebook", str(nb))]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 # Chromium 156 makes the address bar's drop-down (chrome://omnibox-popup.top-chrome, two browser-UI
                 # targets in a renderer process of their own) for every window, headless too, where nothing ever
                 # shows it: each page the tests open paid about 0.3 s for it (30 pages one after another: 26 s,
                 # 17 s without). Browser UI only: what a page draws and fetches is the same.
                 "--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup"]


@pytest.fixture(scope="session")
def pack():
    """The shipped Tajikistan pack, loaded and validated once for the session (do not modify it)."""
    from analytics.packs import load_pack

    return load_pack("tjk")


@pytest.fixture
def pack_copy(tmp_path) -> Path:
    """A copy of the real pack in a temporary folder, to break in one way per test."""
    dest = tmp_path / "tjk"
    shutil.copytree(PACK, dest)
    return dest


def run_cli(*args: str, env: dict | None = None, timeout: float = 300,
            process: bool = False) -> subprocess.CompletedProcess:
    """Run the ``analytics`` command; return its exit code, standard output and standard error.

    By default the command's entry point (:func:`analytics.cli.main`) runs in this process with the
    arguments, the environment and the working folder a shell would give it: the same code from
    argument parsing to exit code, without Python's start-up and imports (about two seconds a call).
    An error that escapes it is printed as Python prints it (a traceback) with exit code 1, so a
    test that asks for one clear line still catches it. ``process=True`` runs a fresh process
    instead: the hostile-input corpus does, so what a user's shell sees is tested on real processes.
    """
    if process:
        return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=timeout,
                              env={**os.environ, **(env or {})}, cwd=ROOT)
    import io
    import traceback

    from analytics import cli

    out, err = io.StringIO(), io.StringIO()
    saved_env, saved_argv, saved_cwd = dict(os.environ), sys.argv, os.getcwd()
    os.environ.update(env or {})
    sys.argv, code = ["analytics", *args], 0
    os.chdir(ROOT)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                cli.main()
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
            except Exception:  # noqa: BLE001 - what the interpreter would print before exiting with 1
                traceback.print_exc()
                code = 1
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        sys.argv = saved_argv
        os.chdir(saved_cwd)
    return subprocess.CompletedProcess([*CLI, *args], code, out.getvalue(), err.getvalue())


@contextlib.contextmanager
def shared_computations(folder: Path):
    """Inside the block, computations are made once and reused, as the jobs of a batch run share them
    (:func:`analytics.core.cache.computed`, its cache folder ``folder``): the same values, each
    national simulation made once instead of once per region that asks."""
    from analytics.core.cache import CACHE_ENV

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(CACHE_ENV, str(folder))
        yield


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: run `make browser` (apt-get install -y chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def wait_until(tab, expression: str, timeout: float = 30_000) -> None:
    """Poll a JavaScript expression on a playwright page until it is true (``timeout`` in ms).

    Playwright's ``wait_for_function`` evaluates its predicate with ``eval`` inside the
    page, which the pages' Content-Security-Policy forbids; ``evaluate`` is not subject
    to it, so the predicate is polled from here.
    """
    import time

    deadline = time.monotonic() + timeout / 1000
    while not tab.evaluate(expression):
        if time.monotonic() > deadline:
            raise TimeoutError(f"still false after {timeout / 1000:g} s: {expression}")
        tab.wait_for_timeout(100)


class Tabs:
    """The tabs of a session's Chromium, each handed on to the next page a test opens, as a reader's next page
    opens in the same tab when a link is followed.

    A new tab costs Chromium about 0.2 CPU-s before it shows anything (a browser context of its own, a renderer
    process, the protocol's attach): the 30 pages of the session's briefing took 24 CPU-s in 30 new tabs and 18
    in one tab left for ``about:blank`` after each. A tab is handed out at the asked viewport; it is taken back
    on ``about:blank`` (the page it showed has ended), then with no route, no media emulation and the pointer in
    its corner. Listeners are the caller's to remove (:class:`OfflinePage` does). At most :attr:`KEEP` tabs
    wait; a tab that cannot be reset is closed.
    """

    KEEP = 4

    def __init__(self, browser):
        self.browser, self.idle = browser, []

    def take(self, width: int = 1200, height: int = 900):
        """A tab of ``width`` × ``height`` CSS px."""
        tab = self.idle.pop() if self.idle else self.browser.new_page()
        tab.set_viewport_size({"width": width, "height": height})
        return tab

    def give_back(self, tab) -> None:
        if tab.is_closed():
            return
        try:
            tab.goto("about:blank")  # first: the page it showed ends while its route still records and refuses
            tab.unroute_all(behavior="ignoreErrors")
            tab.emulate_media(media="null")
            tab.mouse.move(0, 0)  # no hover left where the last test pointed
        except Exception:  # noqa: BLE001 - a tab left mid-dialog or crashed is not handed on
            tab.close()
            return
        if len(self.idle) < self.KEEP:
            self.idle.append(tab)
        else:
            tab.close()


@pytest.fixture(scope="session")
def tabs(browser) -> Tabs:
    return Tabs(browser)


@pytest.fixture
def open_tab(tabs):
    """``open_tab(width, height)``: a tab of the session's Chromium for this test, handed back after it."""
    taken = []

    def _take(width: int = 1200, height: int = 900):
        taken.append(tabs.take(width, height))
        return taken[-1]

    yield _take
    for t in taken:
        tabs.give_back(t)


class OfflinePage:
    """A page opened from a file in a tab of ``tabs`` (``width`` in CSS px): every non-file request blocked and
    recorded, console errors, page errors and dialogs (each dismissed) recorded."""

    def __init__(self, tabs: Tabs, path: Path, width: int = 1200):
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.tabs, self.page = tabs, tabs.take(width, 900 if width > 600 else 844)
        self.listeners = [("console", lambda m: self.errors.append(m.text) if m.type == "error" else None),
                          ("pageerror", lambda e: self.errors.append(str(e))),
                          ("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))]
        for event, listener in self.listeners:
            self.page.on(event, listener)
        self.page.route("**/*", self._route)
        self.page.goto(path.resolve().as_uri())

    def _route(self, route):
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()

    def wait_for_figures(self, n: int, timeout: float = 30_000) -> None:
        """Wait until ``n`` plotly figures have drawn (each has a ``.main-svg`` root)."""
        self.wait_until(f"document.querySelectorAll('.plotly-figure .plot-container').length >= {n}", timeout)

    def wait_until(self, expression: str, timeout: float = 30_000) -> None:
        """:func:`wait_until` on this page."""
        wait_until(self.page, expression, timeout)

    def close(self):
        """Hand the tab back (once) without this page's listeners."""
        if self.tabs is not None and not self.page.is_closed():
            for event, listener in self.listeners:
                self.page.remove_listener(event, listener)
            self.tabs.give_back(self.page)
        self.tabs = None


@pytest.fixture
def offline_page(tabs):
    opened = []

    def _open(path: Path, width: int = 1200) -> OfflinePage:
        p = OfflinePage(tabs, path, width)
        opened.append(p)
        return p

    yield _open
    for p in opened:
        p.close()


#: The session's briefing: every notebook for the country and GBAO, in the three languages (the access gaps
#: also for Dushanbe, a city without rural people). Replicates and draws are the declared parameters, smaller
#: than the defaults: the pages are what these tests read.
SESSION_JOBS = [
    {"notebook": "00_country_profile", "grid": {"region": ["all", "TJ-GB"]}},
    {"notebook": "01_access_gaps", "grid": {"region": ["all", "TJ-GB", "TJ-DU"]},
     "parameters": {"grid_km": 5.0, "n_replicates": 50, "n_draws": 20}},
    {"notebook": "02_connectivity", "grid": {"region": ["all", "TJ-GB"]}},
    {"notebook": "03_uptake_scenarios", "grid": {"region": ["all", "TJ-GB"]}, "parameters": {"n_draws": 300}},
    {"notebook": "04_pilot_survey", "parameters": {"n_replicates": 100}},
]


@pytest.fixture(scope="session")
def small_run(tmp_path_factory, worker_id):
    """The session's briefing (:data:`SESSION_JOBS`, en/ru/tg), run once for the whole session: every
    browser, link, print and phone test reads it.

    With pytest-xdist the first worker to ask builds it under a file lock in the folder the workers
    share; the others wait for the lock and read the same run (its outcomes are pickled beside it).
    Tests only read the run folder, so sharing it is safe.
    """
    import fcntl
    import pickle

    shared = tmp_path_factory.getbasetemp() if worker_id == "master" else tmp_path_factory.getbasetemp().parent
    done = shared / "small-run.pickle"
    with (shared / "small-run.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            done.write_bytes(pickle.dumps(_build_small_run(shared / "small")))
        folder, outcomes = pickle.loads(done.read_bytes())
    assert all(o.status == "ok" for o in outcomes), [o.error for o in outcomes]
    return folder, outcomes


def _build_small_run(tmp: Path) -> tuple:
    """Run :data:`SESSION_JOBS` in en/ru/tg into ``tmp``; the run folder and the job outcomes."""
    import yaml

    from analytics.run import briefing
    from analytics.run.runner import run_briefing

    tmp.mkdir(parents=True, exist_ok=True)
    path = tmp / "small.yaml"
    path.write_text(yaml.safe_dump({
        "title": {"en": "Small briefing", "ru": "Краткая справка", "tg": "Маълумотномаи мухтасар"},
        "country": "tjk", "languages": ["en", "ru", "tg"], "jobs": SESSION_JOBS}))
    return run_briefing(briefing.load(path), outputs=tmp / "out", workers=2, quiet=True)


def run_briefings(tmp: Path, title: str, runs: dict) -> list:
    """Run one briefing per entry of ``runs`` (name to the briefing's ``languages`` and ``jobs``) for the
    Tajikistan pack, two workers each; the (run folder, job outcome) of every job, in order."""
    import yaml

    from analytics.run import briefing
    from analytics.run.runner import run_briefing

    out = []
    for name, spec in runs.items():
        path = tmp / f"{name}.yaml"
        path.write_text(yaml.safe_dump({"title": title, "country": "tjk", **spec}))
        folder, outcomes = run_briefing(briefing.load(path), outputs=tmp / "out", workers=2, quiet=True)
        out += [(folder, o) for o in outcomes]
    return out


#: Fixtures that start kernels, JupyterLab or Chromium: a test using one is marked ``slow``.
SLOW_FIXTURES = {"small_run", "made_up", "survey_run", "faulty_run", "lab", "lab_page", "hostile_run", "browser",
                 "offline_page", "runs", "notebook_runs", "grid"}
#: Tests that run a briefing themselves (kernels), by name.
SLOW_TESTS = {"test_sigkill_mid_run_then_resume_runs_every_job_once", "test_a_stale_run_is_reported_not_reused",
              "test_workers_are_capped_by_jobs_cores_and_memory", "test_resume_refuses_a_run_of_other_data_unless_forced",
              "test_a_pack_may_add_a_reader_language", "test_resume_reruns_only_failed_jobs",
              "test_two_concurrent_runs_never_overwrite_each_other", "test_warm_kernel_job_cannot_see_the_previous_jobs_state",
              "test_jobs_run_on_a_dask_cluster", "test_a_lost_dask_scheduler_still_publishes_the_finished_jobs",
              "test_the_bundle_rebuilds_byte_for_byte_from_the_pinned_npm_packages",
              "test_cells_that_reach_a_live_kernel_after_a_refused_parameter_do_not_run",
              "test_the_widget_bar_speaks_the_language_it_switches_to",
              "test_the_sliders_follow_the_widget_bar_in_a_live_kernel"}


#: The test files that take longest, longest first (pytest seconds measured on two cores, December 2026): the order
#: pytest-xdist should start them. With ``--dist loadfile`` a worker takes a whole file, so the longest start first
#: and the short ones (every file not listed) fill in around them at the end; started last, the Lab's two and a half
#: minutes ran alone, and a 20 s file left last kept one worker busy while the other waited.
LONGEST_FIRST = ("test_lab.py", "test_briefing_pages.py", "test_safe_pages.py", "test_runner.py", "test_country_packs.py",
                 "test_disclosure_attack.py", "test_uptake_pages.py", "test_reader_pages.py", "test_faults.py",
                 "test_hostile_cli.py", "test_cache.py", "test_uptake.py", "test_connectivity_pages.py", "test_bundle.py",
                 "test_survey_pages.py", "test_contract.py", "test_access.py", "test_survey.py")


def pytest_collection_modifyitems(items):
    """Start the longest files first, and mark what is slow (``-m "not slow"`` runs the rest in about a minute;
    ``make test`` runs everything)."""
    def rank(item) -> int:
        name = item.path.name
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: the order inside a file, and of the other files, stays as collected
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())) or item.originalname in SLOW_TESTS:
            item.add_marker(pytest.mark.slow)
