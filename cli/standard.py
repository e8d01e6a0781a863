"""`govcat import`: a CPSV-AP 3, W3C ORG / CPOV, DCAT-AP 3 file (or govcat's own RDF, or its
profile exports) mapped to govcat's records (ADR 0023). One run reports every record at once,
by its IRI and label: what was mapped, kept as is, what govcat still needs; the records that
have all govcat needs are stored in one atomic write (unless --dry-run), the rest are listed
with what they lack. Exit 0 when every record was stored (or is storable, with --dry-run), 1
when some lack what govcat needs, 2 when the file cannot be read or is not the caller's to
write (R-20.1).

`--with SUPPLEMENT.ttl` (repeatable) adds a steward's statements about the file's own IRIs (a
Persian title, an agency's kind, a duty, who delivers a service) before the mapping, so that
the published file stays as it is; the report says which values came from it.
`--supplement-template OUT.ttl` writes, for every record still lacking, the Turtle lines a
supplement would add, each `…` to fill (loaders.standard.template, ADR 0023)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from catalog.access.principals import Forbidden
from catalog.registry import Outcome
from cli.who import ByOpt, TokenOpt, acting, guard
from loaders.standard import ImportReport, StandardImport, read_standard
from loaders.standard.template import supplement_template


def import_command(
    paths: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False,
                                                help="Turtle, JSON-LD or N-Triples files")],
    agency: Annotated[str | None, typer.Option(
        help="code of govcat's agency that owns the file's records (its top organisation, "
             "competent authority or publisher); it must be registered already")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="report only, store nothing")]
    = False,
    as_json: Annotated[bool, typer.Option("--json", help="the report as JSON on stdout")]
    = False,
    supplements: Annotated[list[Path] | None, typer.Option(
        "--with", exists=True, dir_okay=False,
        help="a supplement (Turtle, JSON-LD): statements about the file's IRIs that govcat "
             "needs and the file lacks (a Persian title, an agency's kind, a duty, …); "
             "repeatable; with one FILE")] = None,
    template: Annotated[Path | None, typer.Option(
        "--supplement-template", dir_okay=False,
        help="write the Turtle a supplement would add for every record still lacking")]
    = None,
    token: TokenOpt = None, by: ByOpt = None,
) -> None:
    """Import standard RDF: store the complete records, report the rest (ADR 0023)."""
    g = guard()
    who = acting(g, token, by)
    if supplements and len(paths) > 1:
        typer.echo("--with completes one FILE: give one FILE with its supplements (ADR 0023)\n"
                   "  --with یک پرونده را کامل می‌کند: یک پرونده را با مکمل‌هایش بدهید", err=True)
        raise typer.Exit(2)
    worst = 0
    reports: list[ImportReport] = []
    for path in paths:
        try:
            run = read_standard(path, g.registry, agency=agency,
                                check=lambda cs: g.check(who, cs),
                                authorize=lambda cs: g.authorize_changeset(who, cs),
                                supplements=supplements or ())
        except Forbidden as exc:
            d = exc.denial
            typer.echo(f"{path}: forbidden [{d.requirement}]: {d.message_en}\n  {d.message_fa}",
                       err=True)
            worst = 2
            continue
        report = run.report
        reports.append(report)
        outcome = None
        if run.changeset.subjects and not dry_run:
            outcome = g.apply_checked(who, run.changeset, action="import")
        _show(path, run, outcome, dry_run, as_json)
        if (report.problems and not report.records) or (
                not run.changeset.subjects and any(r.forbidden for r in report.records)):
            worst = 2
        elif report.lacking or report.problems:
            worst = max(worst, 1)
    if template is not None:
        _write_template(template, reports)
    raise typer.Exit(worst)


def _write_template(out: Path, reports: list[ImportReport]) -> None:
    lacking = sum(len([r for r in report.lacking if r.template]) for report in reports)
    if not lacking:
        typer.echo(f"{out}: no record lacks what govcat needs; no template written", err=True)
        return
    out.write_text(supplement_template(reports), encoding="utf-8")
    typer.echo(f"{out}: a supplement template for {lacking} record(s): fill each …, delete "
               "what you cannot fill, and import again with --with", err=True)


def _show(path: Path, run: StandardImport, outcome: Outcome | None, dry_run: bool,
          as_json: bool) -> None:
    """The report, one block per record (its IRI and label first), then what was stored."""
    report = run.report
    if as_json:
        body = report.to_dict()
        if outcome is not None:
            body["stored"] = {"records": outcome.stored, "unchanged": outcome.unchanged,
                              "by_kind": outcome.by_label, "event": outcome.event}
        typer.echo(json.dumps(body, ensure_ascii=False, indent=2))
        return
    for line in report.lines():
        typer.echo(line)
    if outcome is not None:
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(outcome.by_label.items()))
        typer.echo(f"{path}: stored {outcome.stored} record(s), {outcome.unchanged} "
                   f"unchanged ({kinds or 'nothing new'})")
    elif dry_run and run.changeset.subjects:
        typer.echo(f"{path}: dry run: {len(report.storable)} record(s) storable, nothing "
                   "stored")
    else:
        typer.echo(f"{path}: nothing stored")
