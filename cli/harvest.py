"""`govcat harvest URL`: another registry's DCAT-AP or CPSV-AP catalog (or an LDES of it)
pulled over HTTP, incrementally, and stored as `govcat import` stores a file (ADR 0026,
ADR 0023): the records with all govcat needs in one atomic write, the rest reported with
what they lack. The pages' ETags and Last-Modified are kept in the data directory
(`harvest/`), so the next run asks only for what changed; when nothing did, nothing is
mapped or stored. Exit 0 when every record was stored (or nothing changed), 1 when some lack
what govcat needs, 2 when the source cannot be harvested or is not the caller's to write."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from catalog.access.principals import Forbidden
from catalog.config import Settings
from catalog.registry import Outcome
from cli.who import ByOpt, TokenOpt, acting, guard
from loaders.harvest import Harvest, HarvestError, HarvestState, Limits, harvest


def harvest_command(
    url: Annotated[str, typer.Argument(help="the catalog's URL (http or https)")],
    agency: Annotated[str | None, typer.Option(
        help="code of govcat's agency that owns the records (when the catalog does not name "
             "its publisher); it must be registered already")] = None,
    full: Annotated[bool, typer.Option(
        "--full", help="fetch every page again, ignoring what earlier harvests kept")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="report only, store nothing")]
    = False,
    as_json: Annotated[bool, typer.Option("--json", help="the report as JSON on stdout")]
    = False,
    max_mib: Annotated[int, typer.Option(help="largest page, MiB")] = 50,
    max_pages: Annotated[int, typer.Option(help="most pages followed")] = 1000,
    timeout: Annotated[float, typer.Option(help="seconds for the whole harvest")] = 900.0,
    source_token: Annotated[str | None, typer.Option(
        envvar="GOVCAT_SOURCE_TOKEN", show_default=False,
        help="a bearer token of the source (e.g. another govcat's /ldes), sent to its origin "
             "only")] = None,
    token: TokenOpt = None, by: ByOpt = None,
) -> None:
    """Harvest a registry's catalog over HTTP: store the complete records, report the rest."""
    g = guard()
    who = acting(g, token, by)
    state = HarvestState(Settings().data_dir / "harvest")
    limits = Limits(max_bytes=max_mib * 2**20, max_pages=max_pages, deadline=timeout)
    try:
        run = harvest(url, g.registry, state, agency=agency, full=full, limits=limits,
                      check=lambda cs: g.check(who, cs), token=source_token,
                      authorize=lambda cs: g.authorize_changeset(who, cs))
    except HarvestError as exc:
        typer.echo(f"{url}: {exc.message_en}\n  {exc.message_fa}", err=True)
        raise typer.Exit(2) from exc
    except Forbidden as exc:
        d = exc.denial
        typer.echo(f"{url}: forbidden [{d.requirement}]: {d.message_en}\n  {d.message_fa}",
                   err=True)
        raise typer.Exit(2) from exc
    outcome = None
    if run.mapped is not None and run.mapped.changeset.subjects and not dry_run:
        outcome = g.apply_checked(who, run.mapped.changeset, action="harvest")
    if not dry_run:
        state.commit(url, run.pages)  # after the write: a lost state costs a full fetch
    _show(run, outcome, dry_run, as_json)
    mapped = run.mapped
    if mapped is None:
        raise typer.Exit(0)
    report = mapped.report
    if (report.problems and not report.records) or (
            not mapped.changeset.subjects and any(r.forbidden for r in report.records)):
        raise typer.Exit(2)
    raise typer.Exit(1 if report.lacking or report.problems else 0)


def _show(run: Harvest, outcome: Outcome | None, dry_run: bool, as_json: bool) -> None:
    pages = {"fetched": run.fetched, "not_modified": run.not_modified}
    if as_json:
        body: dict[str, object] = {"source": run.source, "pages": pages,
                                   "changed": run.mapped is not None}
        if run.mapped is not None:
            body["report"] = run.mapped.report.to_dict()
        if outcome is not None:
            body["stored"] = {"records": outcome.stored, "unchanged": outcome.unchanged,
                              "by_kind": outcome.by_label, "event": outcome.event}
        typer.echo(json.dumps(body, ensure_ascii=False, indent=2))
        return
    typer.echo(f"{run.source}: {len(run.fetched)} page(s) fetched, "
               f"{len(run.not_modified)} not modified")
    if run.mapped is None:
        typer.echo(f"{run.source}: nothing changed since the last harvest; nothing stored")
        return
    for line in run.mapped.report.lines():
        typer.echo(line)
    if outcome is not None:
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(outcome.by_label.items()))
        typer.echo(f"{run.source}: stored {outcome.stored} record(s), {outcome.unchanged} "
                   f"unchanged ({kinds or 'nothing new'})")
    elif dry_run:
        typer.echo(f"{run.source}: dry run: nothing stored")
    else:
        typer.echo(f"{run.source}: nothing stored")
