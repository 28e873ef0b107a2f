"""The ``analytics`` command.

``analytics validate [PACK_DIR]``   check a country pack (exit 0 valid, 2 problems)
``analytics pack build [PACK_DIR]`` rebuild the derived tables of a pack
``analytics run NOTEBOOK -p name=value``   run one notebook and publish its page
``analytics params NOTEBOOK``       list a notebook's parameters

Every user error (bad data, unknown parameter, missing file) prints one clear message
per problem and exits with code 2; no traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from .errors import AnalyticsError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Planning analytics for distance learning in higher education.")
pack_app = typer.Typer(no_args_is_help=True, help="Country packs: build derived tables.")
app.add_typer(pack_app, name="pack")


def _pack_dir(pack_dir: Path | None) -> Path:
    from . import paths

    return pack_dir if pack_dir is not None else paths.pack_dir("tjk")


@app.command()
def validate(pack_dir: Path = typer.Argument(None, help="Pack folder (default: data/tjk).")):
    """Validate every table of a country pack against its schema."""
    from .data import load_pack

    pack = load_pack(root=_pack_dir(pack_dir))
    typer.echo(pack.summary())


@pack_app.command("build")
def pack_build(pack_dir: Path = typer.Argument(None, help="Pack folder (default: data/tjk)."),
               only: list[str] = typer.Option(None, "--only", help="Build only this table (repeatable)."),
               seed: int = typer.Option(None, "--seed", help="Random seed for modelled tables.")):
    """Rebuild the derived and modelled tables of a pack from its raw files and assumptions."""
    from .build import build_pack

    overrides = {"seed": seed} if seed is not None else {}
    report = build_pack(_pack_dir(pack_dir), only=only or None, overrides=overrides)
    typer.echo(report.summary())


@app.command()
def params(notebook: str = typer.Argument(..., help="Notebook name or path.")):
    """List the parameters a notebook declares (name, type, default, meaning)."""
    from .notebooks import parameters

    for p in parameters(notebook).values():
        typer.echo(p.describe())


@app.command()
def run(notebook: str = typer.Argument(..., help="Notebook name (00_country_profile) or path."),
        param: list[str] = typer.Option(None, "-p", "--param", help="name=value (repeatable)."),
        timeout: float = typer.Option(600, "--timeout", help="Seconds allowed per cell."),
        outputs: Path = typer.Option(None, "--outputs", help="Outputs folder (default: outputs/).")):
    """Run one notebook with papermill and publish its offline HTML page under outputs/."""
    from .notebooks import parse_assignments
    from .runner import run_notebook

    folder, result = run_notebook(notebook, parse_assignments(param or []), outputs, timeout)
    typer.echo(result.summary())
    typer.echo(f"published {folder}")
    if result.status != "ok":
        typer.echo(result.error, err=True)
        raise typer.Exit(1)


def main() -> None:
    """Entry point: run the app, turning user errors into one message and exit code 2."""
    try:
        app(standalone_mode=False)
    except AnalyticsError as exc:
        typer.echo(f"error: {exc}" if "\n" not in str(exc) else f"error:\n{exc}", err=True)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("aborted", err=True)
        sys.exit(130)
    except Exception as exc:  # click usage errors arrive here in non-standalone mode
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(2)
        raise


if __name__ == "__main__":
    main()
