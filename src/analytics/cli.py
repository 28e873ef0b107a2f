"""The ``analytics`` command.

``analytics validate PACK_DIR``     check a country pack (exit 0 valid, 2 problems)
``analytics pack build PACK_DIR``   rebuild the derived tables of a pack
``analytics pack new ISO3``         start a new country pack from the example
``analytics pack outline PACK CODE NAME``   a city-region's outline the boundary file lacks
``analytics brief BRIEFING``        run a briefing file and publish its folder under outputs/
``analytics run NOTEBOOK -p name=value``   run one notebook and publish its page
``analytics params NOTEBOOK``       list a notebook's parameters

Every user error (bad data, unknown parameter, missing file) prints one clear message
per problem and exits with code 2; no traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from .core.errors import AnalyticsError, printable

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Planning analytics for distance learning in higher education.")
pack_app = typer.Typer(no_args_is_help=True, help="Country packs: build derived tables.")
app.add_typer(pack_app, name="pack")
ingest_app = typer.Typer(no_args_is_help=True, help="Measured data into a country pack.")
app.add_typer(ingest_app, name="ingest")

#: The folder the running command writes into: named when the system's error names no file (a full disk).
_WRITES_INTO: list[Path] = []


def _positive_seconds(value: float | None) -> float | None:
    import math

    if value is not None and not (math.isfinite(value) and value > 0):
        raise typer.BadParameter(f"{value} is not a positive, finite number of seconds")
    return value


def _positive_count(value: int | None) -> int | None:
    if value is not None and value < 1:
        raise typer.BadParameter(f"{value} is not a positive number of jobs at a time")
    return value


@app.command()
def validate(pack_dir: Path = typer.Argument(..., help="Pack folder, e.g. data/tjk.")):
    """Validate every table of a country pack against its schema."""
    from .packs.load import load_pack

    pack = load_pack(root=pack_dir)
    typer.echo(pack.summary())
    if {"population", "institutions", "districts"} <= set(pack.tables):
        from .access.distance import PLAUSIBLE_FACTOR, PLAUSIBLE_KM, plausibility

        check = plausibility(pack)
        names = pack.texts("en")
        flagged = [f"{names.get(f'district.{r.district_code}', r.district_code)} (people {r.mean_km:.0f} km, "
                   f"centre {r.centre_km:.0f} km)" for r in check[check["flagged"]].itertuples()]
        rule = f"more than {PLAUSIBLE_FACTOR:g}x and {PLAUSIBLE_KM:g} km"
        typer.echo(f"plausibility: {len(flagged)} of {len(check)} districts whose people's mean distance to a "
                   f"university differs from their centre's by {rule}" + (f": {'; '.join(flagged)}" if flagged else ""))


@ingest_app.command("ookla")
def ingest_ookla(file: Path = typer.Argument(..., help="Ookla open-data tile file (Parquet)."),
                 pack: Path = typer.Option(..., "--pack", help="Country pack folder, e.g. data/tjk."),
                 kind: str = typer.Option("mobile", "--kind", help="mobile or fixed."),
                 vintage: str = typer.Option(None, "--vintage", help="Quarter the file covers (default: its name).")):
    """Reduce an Ookla speed-test tile file to measured speeds by district and add them to the pack."""
    from .packs.ookla import ingest_into_pack

    _WRITES_INTO.append(pack)

    typer.echo(ingest_into_pack(file, pack, kind, vintage).summary())


@pack_app.command("build")
def pack_build(pack_dir: Path = typer.Argument(..., help="Pack folder, e.g. data/tjk."),
               only: list[str] = typer.Option(None, "--only", help="Build only this table (repeatable)."),
               seed: int = typer.Option(None, "--seed", min=0, max=2**32 - 1,
                                        help="Random seed for modelled tables (0 to 4294967295).")):
    """Rebuild the derived and modelled tables of a pack from its raw files and assumptions."""
    from .packs.build import build_pack

    overrides = {"seed": seed} if seed is not None else {}
    _WRITES_INTO.append(pack_dir)
    report = build_pack(pack_dir, only=only or None, overrides=overrides)
    typer.echo(report.summary())


@pack_app.command("new")
def pack_new(iso3: str = typer.Argument(..., help="ISO 3166-1 alpha-3 code of the country, e.g. KGZ."),
             data: Path = typer.Option(None, "--data", help="Folder of the packs (default: data/).")):
    """Start a new country pack: data/<iso3>/ with pack.yaml, assumptions.yaml, locale files and READMEs."""
    from .core import paths
    from .packs.scaffold import new_pack

    _WRITES_INTO.append(data or paths.data_root())

    files = new_pack(iso3, data)
    typer.echo(f"Started the pack {files[0].parent if files else iso3}:")
    for path in files:
        typer.echo(f"  {path}")
    typer.echo("Next: put the raw files in raw/, edit pack.yaml and assumptions.yaml (docs/country-packs.md), "
               "then run analytics pack build and analytics validate on the folder.")


@pack_app.command("outline")
def pack_outline(pack_dir: Path = typer.Argument(..., help="Pack folder, e.g. data/kgz."),
                 code: str = typer.Argument(..., help="The city-region's ISO 3166-2 code, e.g. KG-GO."),
                 name: str = typer.Argument(..., help="Its name in English, e.g. 'Osh city'."),
                 at: str = typer.Option(None, "--at", help="Centre LON,LAT in degrees (with --area)."),
                 area: float = typer.Option(None, "--area", help="The city's area in km² (with --at)."),
                 source: Path = typer.Option(None, "--from", help="A boundary file holding the city (with --where)."),
                 where: str = typer.Option(None, "--where", help="FIELD=VALUE choosing the city in --from.")):
    """Write a city-region's outline (from a point and an area, or from a boundary file) into the pack."""
    from .core.errors import ParameterError
    from .packs import outlines

    _WRITES_INTO.append(pack_dir)

    if (at is None) == (source is None) or (at is not None) != (area is not None) or (source is None) != (where is None):
        raise ParameterError("pack outline: give either --at LON,LAT with --area KM2, or --from FILE with "
                             "--where FIELD=VALUE")
    if at is not None:
        try:
            lon, lat = (float(v) for v in at.split(","))
        except ValueError:
            raise ParameterError(f"pack outline: --at is {at!r}, expected LON,LAT in degrees (e.g. 72.80,40.53)") from None
        shape, said = outlines.circle(lon, lat, area), f"circle of {area:g} km² around {lon:g}, {lat:g}"
    else:
        shape, said = outlines.from_file(source, where), f"{source.name}, {where}"
    path = outlines.write_outline(pack_dir, code, name, shape)
    typer.echo(f"wrote {code} ({name}: {said}) into {path}")
    typer.echo("If pack.yaml does not yet read it, add:\n" + outlines.pack_yaml_lines(said))


@pack_app.command("messages")
def pack_messages(pack_dir: Path = typer.Argument(..., help="Pack folder, e.g. data/kgz."),
                  language: str = typer.Argument(..., help="Reader language the pack adds, e.g. ky.")):
    """Write locales/messages-<language>.yaml for a translator: every suite message, translated or empty."""
    from .core.errors import ParameterError
    from .packs.locales import write_for_translator

    if not (Path(pack_dir) / "pack.yaml").is_file():
        raise ParameterError(f"pack messages: {pack_dir} is not a pack folder (no pack.yaml)")
    _WRITES_INTO.append(pack_dir)

    path, empty = write_for_translator(Path(pack_dir), language)
    typer.echo(f"wrote {path}: {empty} messages to translate (each `null`, the English beside it)")


@app.command()
def cells():
    """Write each notebook's parameters cell (notebooks/NN_name.py) from its capability's declaration."""
    from .run.notebooks import write_parameters_cells

    changed = write_parameters_cells()
    typer.echo(f"parameters cells written: {', '.join(changed)}" if changed else "parameters cells up to date")


@app.command()
def params(notebook: str = typer.Argument(..., help="Notebook name or path."),
           pack: Path = typer.Option(None, "--pack", help="Pack folder whose choices to list (default: the "
                                                          "notebook's default country's, under data/).")):
    """List the parameters a notebook declares (name, type, default, meaning, allowed values)."""
    from .run.notebooks import describe

    for line in describe(notebook, pack):
        typer.echo(line)


@app.command()
def run(notebook: str = typer.Argument(..., help="Notebook name (00_country_profile) or path."),
        param: list[str] = typer.Option(None, "-p", "--param", help="name=value (repeatable)."),
        timeout: float = typer.Option(600, "--timeout", callback=_positive_seconds, help="Seconds allowed for the job."),
        outputs: Path = typer.Option(None, "--outputs", help="Outputs folder (default: outputs/).")):
    """Run one notebook with papermill and publish its offline HTML page under outputs/."""
    from .core import paths
    from .run.notebooks import parse_assignments
    from .run.runner import run_notebook

    _WRITES_INTO.append(outputs or paths.outputs_root())

    folder, result = run_notebook(notebook, parse_assignments(param or []), outputs, timeout)
    typer.echo(result.summary())
    typer.echo(f"published {folder}")
    if result.status != "ok":
        typer.echo(result.error, err=True)
        raise typer.Exit(1)


@app.command()
def publish(notebook: Path = typer.Argument(..., help="An executed, saved notebook (.ipynb)."),
            outputs: Path = typer.Option(None, "--outputs", help="Outputs folder (default: outputs/).")):
    """Publish a notebook already run (e.g. in JupyterLab) as the batch's offline page, without running it again."""
    from .core import paths
    from .run.executed import publish_executed

    _WRITES_INTO.append(outputs or paths.outputs_root())

    folder, outcome = publish_executed(notebook, outputs)
    typer.echo(f"published {folder / outcome.html}")


@app.command()
def brief(briefing: Path = typer.Argument(None, help="Briefing file (briefings/*.yaml)."),
          workers: int = typer.Option(None, "--workers", callback=_positive_count,
                                      help="Jobs at a time (default and most: the cores, the jobs and the memory allow)."),
          scheduler: str = typer.Option(None, "--scheduler", help="Dask scheduler address, e.g. tcp://host:8786."),
          timeout: float = typer.Option(900, "--timeout", callback=_positive_seconds, help="Seconds allowed per job."),
          resume: Path = typer.Option(None, "--resume",
                                      help="Earlier run folder, published or interrupted: rerun only its failed or missing jobs."),
          force: bool = typer.Option(False, "--force",
                                     help="With --resume: reuse finished jobs even if the briefing, data or versions changed."),
          outputs: Path = typer.Option(None, "--outputs", help="Outputs folder (default: outputs/)."),
          quiet: bool = typer.Option(False, "--quiet", help="No progress bar."),
          notebook: list[Path] = typer.Option(None, "--notebook",
                                              help="A notebook outside notebooks/ the briefing may run (repeat for "
                                                   "several); without it a briefing runs only the suite's notebooks."),
          no_cache: bool = typer.Option(False, "--no-cache",
                                        help="Compute everything in every job (by default each computation is made "
                                             "once per run and shared by every language and page that shows it).")):
    """Run every job of a briefing file and publish pages, index, briefing books, tables and manifest."""
    from .core import paths
    from .core.errors import ParameterError
    from .run import briefing as briefing_mod
    from .run.resume import briefing_of, previous_run, same_briefing, stale_runs
    from .run.runner import run_briefing

    if force and resume is None:
        raise ParameterError("--force only applies with --resume (it reuses an earlier run's jobs even if their "
                             "inputs changed); give --resume RUN_FOLDER, or leave --force out")
    if resume is not None:
        previous, _ = previous_run(resume)
        if briefing is None:
            found = briefing_of(resume, previous)
            if found is None:
                raise ParameterError(f"--resume {resume}: the run does not say which briefing it ran; give the file")
            briefing, where = found
            if not briefing.exists() and not briefing.is_symlink():
                raise ParameterError(f"--resume {resume}: {where} names the briefing {briefing}, which is not there "
                                     "now; give the briefing file after the command")
            why = same_briefing(briefing, previous)  # else never read: a file a run's records name may be any file
            if why:
                raise ParameterError(f"--resume {resume}: {where} names the briefing {briefing}, which is {why}; "
                                     "give the briefing file after the command")
            typer.echo(f"resuming {resume} with the briefing {where} names: {briefing}", err=True)
    if briefing is None:
        raise ParameterError("give a briefing file, e.g. briefings/tajikistan.yaml")
    spec = briefing_mod.load(briefing, notebooks=notebook or ())
    typer.echo(spec.summary(), err=True)
    parent = (outputs or paths.outputs_root()) / spec.name
    _WRITES_INTO.append(parent)
    for old in stale_runs(parent):
        if resume is None or old.resolve() != Path(resume).resolve():
            typer.echo(f"note: an interrupted run was left at {old}; resume it with "
                       f"analytics brief --resume {old}", err=True)
    try:
        folder, outcomes = run_briefing(spec, outputs=outputs, workers=workers, scheduler=scheduler,
                                        timeout=timeout, resume=resume, quiet=quiet, force=force,
                                        cache=not no_cache)
    except KeyboardInterrupt:
        left = sorted(parent.glob(".*.partial"), key=lambda p: p.stat().st_mtime)
        if left:
            typer.echo(f"interrupted; finished jobs are kept in {left[-1]}: resume with "
                       f"analytics brief --resume {left[-1]}", err=True)
        raise
    bad = [o for o in outcomes if o.status != "ok"]
    for o in bad:
        typer.echo(f"  {o.summary()}", err=True)
    typer.echo(f"{len(outcomes) - len(bad)} of {len(outcomes)} jobs ok; published {folder}")
    typer.echo(f"open {folder / 'index.html'}")
    if bad:
        typer.echo(f"rerun the failed jobs with: analytics brief --resume {folder}", err=True)
        raise typer.Exit(1)


def _skip_costly_optional_imports() -> None:
    """Keep jsonschema from importing ``rfc3987_syntax`` (2–3 s at start-up, see PITFALLS).

    jsonschema imports it, if installed, only to check the "iri" string formats, which no
    schema used here has; marking it absent makes papermill's import about 1.5 s faster.
    """
    sys.modules.setdefault("rfc3987_syntax", None)


def main() -> None:
    """Entry point: run the app, turning user errors into one message and exit code 2."""
    _skip_costly_optional_imports()
    _WRITES_INTO.clear()
    try:
        code = app(standalone_mode=False)  # click returns an Exit's code in this mode
    except AnalyticsError as exc:
        said = printable(str(exc))  # no terminal codes from what a file or a notebook holds
        typer.echo(f"error: {said}" if "\n" not in said else f"error:\n{said}", err=True)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("aborted", err=True)
        sys.exit(130)
    except OSError as exc:  # an outputs folder that is read-only, a full disk, a file that vanished
        where = f" {exc.filename}" if getattr(exc, "filename", None) else _full_disk(exc)
        typer.echo(printable(f"error: cannot write or read{where}: {exc.strerror or exc}"), err=True)
        sys.exit(2)
    except Exception as exc:  # usage errors (typer's own copy of click) arrive here in non-standalone mode
        if _is_usage_error(exc):
            typer.echo(printable(f"error: {exc.format_message()} (see 'analytics --help')"), err=True)
            sys.exit(2)
        raise
    sys.exit(code if isinstance(code, int) else 0)


def _full_disk(exc: OSError) -> str:
    """For an error that names no file (a write to a full disk does not), the folder the command was writing
    into and the space left on its disk."""
    import shutil

    if not _WRITES_INTO:
        return ""
    folder = Path(_WRITES_INTO[-1]).absolute()
    probe = next((p for p in (folder, *folder.parents) if p.exists()), Path("/"))
    try:
        free = f" (the disk holding it has {shutil.disk_usage(probe).free / 1e6:,.0f} MB free)"
    except OSError:
        free = ""
    return f" {folder}{free}"


def _is_usage_error(exc: BaseException) -> bool:
    """Whether ``exc`` is a command-line usage error of click or of typer's vendored click."""
    import click

    classes = [click.ClickException]
    try:
        from typer._click.exceptions import ClickException as TyperClickException

        classes.append(TyperClickException)
    except ImportError:  # a typer that uses click itself
        pass
    return isinstance(exc, tuple(classes))


if __name__ == "__main__":
    main()
