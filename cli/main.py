"""The `govcat` command: load, validate, export, template, demo, query, store, serve."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from catalog.config import Settings
from catalog.iris import Iris
from catalog.problems import Problem
from catalog.registry import Registry
from catalog.store import open_store
from cli.cycle import cycle_app, deadlines
from loaders.submission import Submission, read_submission
from loaders.template import write_template

app = typer.Typer(help="govcat: the metadata graph of the service intelligentization cycle.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
store_app = typer.Typer(help="Start, stop or inspect the embedded FalkorDB store.",
                        no_args_is_help=True)
app.add_typer(store_app, name="store")
_on_close: list[Callable[[], object]] = []


@app.callback()
def _main(ctx: typer.Context) -> None:
    """Runs before every command; what a command opened is closed when it ends."""
    ctx.call_on_close(_close)


def _close() -> None:
    while _on_close:
        _on_close.pop()()
app.add_typer(cycle_app, name="cycle")
app.command("deadlines")(deadlines)

DEMO_WORKBOOK = Path(__file__).resolve().parent.parent / "demo" / "govcat-demo.xlsx"
PathsArg = Annotated[list[Path], typer.Argument(exists=True, help="workbooks, CSV folders, RDF")]


def _registry(settings: Settings | None = None) -> Registry:
    settings = settings or Settings()
    _stop_embedded_store_at_exit(settings)
    store = open_store(settings)
    store.setup()
    registry = Registry(store, Iris(settings.base_iri))
    registry.ensure_code_lists()
    return registry


def _stop_embedded_store_at_exit(settings: Settings) -> None:
    """A command that had to start the embedded store stops it when it ends; a store that was
    already running (`govcat store start`, or a `serve` in progress) is reused and left so."""
    if settings.store != "falkordb" or settings.falkordb_url:
        return
    from catalog.store.falkordb_server import FalkorServer

    server = FalkorServer(settings.data_dir)
    if not server.status().running:
        # Compacting the AOF first keeps the next start fast: replaying the Cypher of many
        # small writes is what makes a restart slow (ADR 0002).
        _on_close.append(server.stop)
        _on_close.append(server.rewrite_aof)


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


@app.command()
def query(
    name: Annotated[str | None, typer.Argument(help="a named query (see --list)")] = None,
    param: Annotated[list[str] | None, typer.Option(
        "--param", "-p", help="key=value; repeat a key (or use ;) for a list")] = None,
    fmt: Annotated[str, typer.Option("--format", help="json, csv or svg")] = "json",
    list_queries: Annotated[bool, typer.Option("--list", help="list the named queries")] = False,
    cypher_text: Annotated[str | None, typer.Option(
        "--cypher", help="your own read-only Cypher instead of a named query")] = None,
    timeout_ms: Annotated[int | None, typer.Option(help="ad-hoc time limit (ms)")] = None,
    limit: Annotated[int | None, typer.Option(help="ad-hoc row limit")] = None,
    output: Annotated[Path | None, typer.Option(help="file to write (default: stdout)")] = None,
) -> None:
    """Ask the graph a question for an audit: a named query, or read-only Cypher (R-4, R-6,
    R-10, R-11, R-12, R-18)."""
    from catalog.store.port import StoreError
    from graph_queries import adhoc, formats, named

    if list_queries:
        typer.echo(json.dumps(named.listing(), ensure_ascii=False, indent=2))
        return
    if fmt not in formats.FORMATS:
        raise typer.BadParameter(f"use {', '.join(formats.FORMATS)}", param_hint="--format")
    if (name is None) == (cypher_text is None):
        raise typer.BadParameter("give a query NAME or --cypher (not both)")
    registry = _registry()
    try:
        raw = named.from_pairs(param or [])
        if cypher_text is not None:
            answer = adhoc.run_adhoc(registry.store, cypher_text, adhoc.typed_params(raw),
                                     timeout_ms, limit)
        else:
            assert name is not None
            answer = named.run(registry.store, name, raw, registry.iris.base)
    except named.QueryError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    except StoreError as exc:
        typer.echo(f"refused: {_refusal(exc)}", err=True)
        raise typer.Exit(1) from None
    _write(formats.render(answer, fmt), output)


def _refusal(exc: Exception) -> str:
    from catalog.store.port import QueryTimeout, ReadOnlyViolation

    if isinstance(exc, ReadOnlyViolation):
        return f"queries are read-only; this one tries to write ({exc})"
    if isinstance(exc, QueryTimeout):
        return f"the query ran past its time limit and was stopped ({exc})"
    return str(exc)


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {output}", err=True)


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
