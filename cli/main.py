"""The `govcat` command: load, validate, export, template, demo, query, store, serve."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from catalog.access.principals import Forbidden
from catalog.config import Settings
from catalog.problems import Problem
from cli import common
from cli.admin import admin_app
from cli.audit import audit_app
from cli.backup import backup_command, restore_command
from cli.cycle import cycle_app, deadlines
from cli.harvest import harvest_command
from cli.plans import plans_app
from cli.progress import progress_app
from cli.queries import query_app
from cli.report import report_app
from cli.standard import import_command
from cli.who import ByOpt, TokenOpt, acting, guard
from loaders.submission import Submission, read_submission
from loaders.template import write_template

app = typer.Typer(help="govcat: the metadata graph of the service intelligentization cycle.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
store_app = typer.Typer(help="Start, stop or inspect the embedded FalkorDB store.",
                        no_args_is_help=True)
app.add_typer(store_app, name="store")


@app.callback()
def _main(ctx: typer.Context) -> None:
    """Runs before every command; what a command opened is closed when it ends."""
    ctx.call_on_close(common.close_all)


app.add_typer(cycle_app, name="cycle")
app.add_typer(plans_app, name="plans")  # step 3's improvement plans (ADR 0027)
app.add_typer(progress_app, name="progress")  # progress reports with evidence (ADR 0029)
app.add_typer(admin_app, name="admin")
app.add_typer(query_app, name="query")  # graph queries for auditors (ADR 0004)
app.command("deadlines")(deadlines)
app.add_typer(report_app, name="report")
app.add_typer(audit_app, name="audit")  # the trail proves itself (ADR 0017)
app.command("backup")(backup_command)  # ADR 0012: operator only
app.command("restore")(restore_command)
app.command("import")(import_command)  # standard RDF in (ADR 0023)
app.command("harvest")(harvest_command)  # registries over HTTP, incrementally (ADR 0026)

DEMO_WORKBOOK = Path(__file__).resolve().parent.parent / "demo" / "govcat-demo.xlsx"
PathsArg = Annotated[list[Path], typer.Argument(exists=True, help="workbooks, CSV folders, RDF")]


def _report(sub: Submission) -> None:
    typer.echo(f"{sub.path}: {len(sub.problems)} problem(s) in {sub.rows} row(s); "
               "nothing from this file was stored", err=True)
    for p in sub.problems:
        typer.echo(f"  - {_line(p)}", err=True)


def _line(p: Problem) -> str:
    req = f" [{p.requirement}]" if p.requirement else ""
    value = f" (value: {p.value})" if p.value else ""
    return f"{p.where()}: {p.message_en}{value}{req}\n      {p.message_fa}"


def _load(paths: list[Path], dry_run: bool, token: str | None, by: str | None) -> int:
    g = guard()
    who = acting(g, token, by)
    failed = 0
    for path in paths:
        started = time.perf_counter()
        typer.echo(f"reading {path} …", err=True)
        try:
            sub = read_submission(path, g.registry, lambda line: typer.echo(f"  {line}", err=True),
                                  check=lambda cs: g.check(who, cs))
        except Forbidden as exc:
            d = exc.denial
            typer.echo(f"{path}: forbidden [{d.requirement}]: {d.message_en}\n"
                       f"  {d.message_fa}", err=True)
            failed += 1
            continue
        if sub.problems:
            _report(sub)
            failed += 1
            continue
        if dry_run:
            typer.echo(f"{path}: valid, {len(sub.changeset)} record(s) from {sub.rows} row(s)")
            continue
        outcome = g.apply_checked(who, sub.changeset)
        took = time.perf_counter() - started
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(outcome.by_label.items()))
        typer.echo(f"{path}: stored {outcome.stored} record(s) in {took:.2f} s ({kinds})")
    return 1 if failed else 0


@app.command()
def load(paths: PathsArg, token: TokenOpt = None, by: ByOpt = None) -> None:
    """Validate and store each submission; a submission with any error stores nothing. A
    steward's token (or --by account) may load only its agency's records (R-20.1)."""
    raise typer.Exit(_load(paths, dry_run=False, token=token, by=by))


@app.command()
def validate(
    paths: Annotated[list[Path] | None, typer.Argument(
        exists=True, help="workbooks, CSV folders, RDF")] = None,
    token: TokenOpt = None, by: ByOpt = None,
    whole: Annotated[bool, typer.Option(
        "--all", help="judge every stored record instead (an audit), on every core")] = False,
    processes: Annotated[int | None, typer.Option(help="with --all: processes to use")] = None,
) -> None:
    """Dry run of `load`: the same report, nothing stored; exit 1 on any problem. With --all,
    every stored record is judged against the shapes instead (ADR 0013)."""
    if whole == bool(paths):
        raise typer.BadParameter("give files to check, or --all (not both)")
    if not whole:
        raise typer.Exit(_load(paths or [], dry_run=True, token=token, by=by))
    raise typer.Exit(_validate_stored(processes))


def _validate_stored(processes: int | None) -> int:
    from functools import partial

    from catalog.store import open_store
    from catalog.validation import validate_all

    settings = Settings()
    common.open_registry(settings)  # starts the embedded store if it is not running
    started = time.perf_counter()
    problems = validate_all(partial(open_store, settings), processes)
    took = time.perf_counter() - started
    for p in problems:
        typer.echo(f"  {p}")
    typer.echo(f"{len(problems)} problem(s) in the stored catalog ({took:.1f} s)")
    return 1 if problems else 0


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", help="ttl or jsonld")] = "ttl",
    agency: Annotated[str | None, typer.Option(help="only this agency's records")] = None,
    output: Annotated[Path | None, typer.Option(help="file to write (default: stdout)")] = None,
    profile: Annotated[str | None, typer.Option(
        help="dcat-ap (DCAT-AP 3 data catalog) or cpsv-ap (CPSV-AP 3 public services), "
             "instead of govcat's own terms")] = None,
) -> None:
    """Write the catalog (or one agency's part) as Turtle or JSON-LD, in govcat's own terms or
    as a DCAT-AP 3 / CPSV-AP 3 profile (ADR 0006)."""
    from catalog.profiles import PROFILES, UnknownAgency, export_profile, serialize_profile
    from catalog.serialize import serialize

    if fmt not in ("ttl", "jsonld"):
        raise typer.BadParameter("use ttl or jsonld", param_hint="--format")
    if profile is not None and profile not in PROFILES:
        raise typer.BadParameter(f"use {' or '.join(PROFILES)}", param_hint="--profile")
    if profile is None:
        text = serialize(common.open_registry().export(agency), fmt)
    else:
        try:
            text = serialize_profile(export_profile(common.open_registry(), profile, agency),
                                     fmt)
        except UnknownAgency:
            typer.echo(f"error: no agency {agency!r} in the catalog", err=True)
            raise typer.Exit(2) from None
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
    """Load the demo catalog (eight agencies, their duties, services, data and chains), an
    account for each role with its published token, and agencies at different steps."""
    from cli import demo as people

    code = _load([DEMO_WORKBOOK], dry_run=False, token=None, by=None)
    if code == 0:
        registry = common.open_registry()
        tokens = people.install_accounts(registry)
        people.install_cycle(registry)
        people.install_legacy(registry, DEMO_WORKBOOK.with_name("legacy-ids.csv"))
        typer.echo("demo accounts (public tokens, for the demo only):")
        for name, token in tokens.items():
            typer.echo(f"  {name:<22} {token}")
    raise typer.Exit(code)


@store_app.command("start")
def store_start() -> None:
    """Start the embedded store, or keep the one running: it stays after any command ends
    (one a command started goes with it otherwise, ADR 0020)."""
    from catalog.store.falkordb_server import FalkorServer

    server = FalkorServer(Settings().data_dir)
    server.start()
    server.keep()
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

    uvicorn.run(create_app(common.open_registry()), host=host, port=port)


if __name__ == "__main__":
    app()
