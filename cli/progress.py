"""`govcat progress file|list`: progress reports of approved plans with their evidence files
(R-5.2, ADR 0029), thin commands over catalog.cycle.progress.

The command acts as the account of an API token (--token, $GOVCAT_TOKEN) or, on the server, of
a named account (--by); the agency's steward or representative files (cli.who, ADR 0008).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from catalog.access.principals import Forbidden
from catalog.cycle.evidence import EvidenceRefused
from catalog.cycle.progress import Progress, ProgressReport
from catalog.cycle.states import CycleRefused
from catalog.jalali import to_jalali_str
from cli.who import ByOpt, TokenOpt, acting, guard

progress_app = typer.Typer(help="Progress reports of approved plans, with evidence (R-5.2).",
                           no_args_is_help=True)

AgencyOpt = Annotated[str, typer.Option("--agency", help="the agency's code, e.g. SABT")]
PlanOpt = Annotated[str, typer.Option("--plan", help="the plan's ref, e.g. PL1")]


def _values(pairs: list[str]) -> dict[str, str]:
    values = {}
    for pair in pairs:
        ref, sep, value = pair.partition("=")
        if not sep or not ref.strip():
            raise typer.BadParameter(f"{pair!r}: write INDICATOR=VALUE, e.g. I1=5",
                                     param_hint="--value")
        values[ref.strip()] = value.strip()
    return values


def _files(paths: list[Path]) -> list[tuple[str, bytes]]:
    files = []
    for path in paths:
        try:
            files.append((path.name, path.read_bytes()))
        except OSError as exc:
            raise typer.BadParameter(f"{path}: cannot be read ({exc.strerror})",
                                     param_hint="--evidence") from exc
    return files


def _show(r: ProgressReport) -> str:
    issued = to_jalali_str(r.issued) if r.issued else "-"
    lines = [f"{r.period}  filed {issued} by {r.by or '-'}  {r.iri}"]
    if r.narrative:
        lines.append(f"  {r.narrative}")
    lines += [f"  indicator {ref}: {value}" for ref, value in r.values.items()]
    if r.done:
        lines.append(f"  done: {', '.join(r.done)}")
    lines += [f"  evidence {e.name} ({e.media_type}, {e.size} bytes) {e.href}"
              for e in r.evidence]
    return "\n".join(lines)


@progress_app.command("file")
def file_progress(
    agency: AgencyOpt, plan: PlanOpt,
    period: Annotated[str, typer.Option("--period", help="a Solar Hijri half year: 1404-H1")],
    narrative: Annotated[str, typer.Option("--narrative", help="what was done, in Persian")],
    value: Annotated[list[str] | None, typer.Option(
        "--value", help="INDICATOR=VALUE reached, e.g. I1=5 (repeat)")] = None,
    done: Annotated[list[str] | None, typer.Option(
        "--done", help="an action declared done, e.g. A1 (repeat)")] = None,
    evidence: Annotated[list[Path] | None, typer.Option(
        "--evidence", help="an evidence file: PDF, image, spreadsheet or CSV (repeat)")] = None,
    by: ByOpt = None, token: TokenOpt = None,
) -> None:
    """File the agency's progress report on an approved plan for a half year, with evidence
    files judged on their content (R-5.2); all of it is stored or nothing."""
    g = guard()
    actor = acting(g, token, by)
    try:
        report = Progress(g.cycle).file(agency, plan, actor, period=period,
                                        narrative=narrative, values=_values(value or []),
                                        done=done or [], files=_files(evidence or []))
    except EvidenceRefused as exc:
        where = f" ({exc.file})" if exc.file else ""
        typer.echo(f"refused [{exc.requirement}]{where}: {exc.message_en}\n      "
                   f"{exc.message_fa}", err=True)
        raise typer.Exit(1) from exc
    except CycleRefused as exc:
        for r in exc.reasons:
            typer.echo(f"refused [{r.requirement}]: {r.message_en}\n      {r.message_fa}",
                       err=True)
        raise typer.Exit(1) from exc
    except Forbidden as exc:
        d = exc.denial
        typer.echo(f"forbidden [{d.requirement}]: {d.message_en}\n      {d.message_fa}",
                   err=True)
        raise typer.Exit(3) from exc
    typer.echo(_show(report))


@progress_app.command("list")
def list_progress(agency: AgencyOpt, plan: PlanOpt, by: ByOpt = None,
                  token: TokenOpt = None) -> None:
    """The plan's progress reports, by period, with their evidence files (R-5.2)."""
    g = guard()
    try:
        reports = Progress(g.cycle).reports(agency, plan, acting(g, token, by))
    except CycleRefused as exc:
        for reason in exc.reasons:
            typer.echo(f"{reason.message_en}\n{reason.message_fa}", err=True)
        raise typer.Exit(1) from exc
    if not reports:
        typer.echo(f"no progress report on plan {plan} of {agency} yet")
    for r in reports:
        typer.echo(_show(r))
