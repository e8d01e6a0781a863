"""The `govcat` command: load, validate, export, template, demo, store, serve."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from catalog.config import Settings
from catalog.iris import Iris
from catalog.problems import Problem
from catalog.registry import Registry
from catalog.store import open_store
from loaders.submission import Submission, read_submission
from loaders.template import write_template

app = typer.Typer(help="govcat: the metadata graph of the service intelligentization cycle.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
store_app = typer.Typer(help="Start, stop or inspect the embedded FalkorDB store.",
                        no_args_is_help=True)
app.add_typer(store_app, name="store")

DEMO_WORKBOOK = Path(__file__).resolve().parent.parent / "demo" / "govcat-demo.xlsx"
PathsArg = Annotated[list[Path], typer.Argument(exists=True, help="workbooks, CSV folders, RDF")]


def _registry(settings: Settings | None = None) -> Registry:
    settings = settings or Settings()
    store = open_store(settings)
    store.setup()
    registry = Registry(store, Iris(settings.base_iri))
    registry.ensure_code_lists()
    return registry


def _report(sub: Submission) -> None:
    typer.echo(f"{sub.path}: {len(sub.problems)} problem(s) in {sub.rows} row(s); "
               "nothing from this file was stored", err=True)
    for p in sub.problems:
        typer.echo(f"  - {_line(p)}", err=True)


def _line(p: Problem) -> str:
    req = f" [{p.requirement}]" if p.requirement else ""
    value = f" (value: {p.value})" if p.value else ""
    return f"{p.where()}: {p.message_en}{value}{req}\n      {p.message_fa}"


def _load(paths: list[Path], dry_run: bool) -> int:
    registry = _registry()
    failed = 0
    for path in paths:
        started = time.perf_counter()
        typer.echo(f"reading {path} …", err=True)
        sub = read_submission(path, registry, lambda line: typer.echo(f"  {line}", err=True))
        if sub.problems:
            _report(sub)
            failed += 1
            continue
        if dry_run:
            typer.echo(f"{path}: valid, {len(sub.changeset)} record(s) from {sub.rows} row(s)")
            continue
        outcome = registry.apply_checked(sub.changeset)
        took = time.perf_counter() - started
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(outcome.by_label.items()))
        typer.echo(f"{path}: stored {outcome.stored} record(s) in {took:.2f} s ({kinds})")
    return 1 if failed else 0


@app.command()
def load(paths: PathsArg) -> None:
    """Validate and store each submission; a submission with any error stores nothing."""
    raise typer.Exit(_load(paths, dry_run=False))


@app.command()
def validate(paths: PathsArg) -> None:
    """Dry run of `load`: the same report, nothing stored; exit 1 on any problem."""
    raise typer.Exit(_load(paths, dry_run=True))


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", help="ttl or jsonld")] = "ttl",
    agency: Annotated[str | None, typer.Option(help="only this agency's records")] = None,
    output: Annotated[Path | None, typer.Option(help="file to write (default: stdout)")] = None,
) -> None:
    """Write the catalog (or one agency's part) as Turtle or JSON-LD."""
    from catalog.serialize import serialize

    if fmt not in ("ttl", "jsonld"):
        raise typer.BadParameter("use ttl or jsonld", param_hint="--format")
    text = serialize(_registry().export(agency), fmt)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {output}", err=True)


@app.command()
def template(path: Annotated[Path, typer.Argument(help="the .xlsx file to write")]) -> None:
    """Write an empty, documented workbook in govcat's format (fa and en headers)."""
    write_template(path)
    typer.echo(f"wrote {path}")


@app.command()
def demo() -> None:
    """Load the demo catalog (four agencies, their duties, services, data and chains)."""
    raise typer.Exit(_load([DEMO_WORKBOOK], dry_run=False))


@store_app.command("start")
def store_start() -> None:
    from catalog.store.falkordb_server import FalkorServer

    server = FalkorServer(Settings().data_dir)
    server.start()
    typer.echo(_status_line(server))


@store_app.command("stop")
def store_stop() -> None:
    from catalog.store.falkordb_server import FalkorServer

    FalkorServer(Settings().data_dir).stop()
    typer.echo("stopped")


@store_app.command("status")
def store_status() -> None:
    from catalog.store.falkordb_server import FalkorServer

    typer.echo(_status_line(FalkorServer(Settings().data_dir)))


def _status_line(server: object) -> str:
    st = server.status()  # type: ignore[attr-defined]
    if not st.running:
        return f"not running (data dir {st.data_dir})"
    return f"running: pid {st.pid}, {st.address}, data dir {st.data_dir}"


@app.command()
def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
) -> None:
    """Serve the API (health, and every resource by its IRI as JSON-LD or Turtle)."""
    import uvicorn

    from api.app import create_app

    uvicorn.run(create_app(_registry()), host=host, port=port)


if __name__ == "__main__":
    app()
