"""`govcat cycle …` and `govcat deadlines`: thin commands over catalog.cycle (R-2, R-3 … R-19).

The command acts as the account of an API token (--token, $GOVCAT_TOKEN) or, on the server, of
a named account (--by); catalog.access decides what it may do (cli.who, ADR 0008).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Annotated

import typer

from catalog.access.principals import Forbidden
from catalog.cycle.changes import changes_between
from catalog.cycle.engine import TEHRAN, Cycle
from catalog.cycle.states import STATE_LABELS, Actor, CycleRefused
from catalog.jalali import DateError, parse_date, to_jalali_str
from catalog.serialize import serialize
from cli import common
from cli.who import ByOpt, TokenOpt, acting, guard

cycle_app = typer.Typer(help="The 9 steps of the cycle per agency: status, actions, history.",
                        no_args_is_help=True)

AgencyOpt = Annotated[str, typer.Option("--agency", help="the agency's code, e.g. SABT")]
StepOpt = Annotated[int, typer.Option("--step", min=1, max=9, help="step 1 … 9")]
RecordOpt = Annotated[str | None, typer.Option(
    "--record", help="the IRI of one duty (step 1), service (step 2) or plan (step 3)")]
ReasonOpt = Annotated[str | None, typer.Option("--reason", help="why (required to reject)")]


def _cycle() -> Cycle:
    registry = common.open_registry()
    return Cycle(registry.store, registry.iris)


def _forbidden(exc: Forbidden) -> typer.Exit:
    d = exc.denial
    typer.echo(f"forbidden [{d.requirement}]: {d.message_en}\n      {d.message_fa}", err=True)
    return typer.Exit(3)


def _refused(exc: CycleRefused) -> typer.Exit:
    for r in exc.reasons:
        typer.echo(f"refused [{r.requirement}]: {r.message_en}\n      {r.message_fa}", err=True)
    return typer.Exit(1)


@contextmanager
def refusals() -> Iterator[None]:
    """A refusal of the policy (exit 3) or of the cycle (exit 1), said in en and fa."""
    try:
        yield
    except CycleRefused as exc:
        raise _refused(exc) from exc
    except Forbidden as exc:
        raise _forbidden(exc) from exc


@cycle_app.command("status")
def status(agency: AgencyOpt) -> None:
    """Each step's state, approving body and clock start (Solar Hijri)."""
    try:
        steps = _cycle().steps(agency)
    except CycleRefused as exc:
        raise _refused(exc) from exc
    for s in steps:
        clock = to_jalali_str(s.clock_start) if s.clock_start else "-"
        en, fa = STATE_LABELS[s.state]
        typer.echo(f"{s.step}  {s.state.value:<12} {clock:<10}  {s.config.approving_body_en}"
                   f"\n   {fa} · {s.config.approving_body_fa}")


def _step_action(name: str) -> None:
    def command(agency: AgencyOpt, step: StepOpt, by: ByOpt = None, token: TokenOpt = None,
                record: RecordOpt = None, reason: ReasonOpt = None) -> None:
        g = guard()
        actor = acting(g, token, by)
        try:
            typer.echo(_act(g.cycle, name, agency, step, actor, record, reason))
        except CycleRefused as exc:
            raise _refused(exc) from exc
        except Forbidden as exc:
            raise _forbidden(exc) from exc

    one = " (or, with --record, one duty or service)" if name in ("approve", "reject") else ""
    command.__doc__ = f"{name.capitalize()} a step of the cycle{one}."
    cycle_app.command(name)(command)


def _act(cycle: Cycle, name: str, agency: str, step: int, actor: Actor, record: str | None,
         reason: str | None) -> str:
    if record is not None:
        if name == "approve":
            issued = cycle.approve_record(agency, record, actor)
            return f"{record}: approved, ID {issued.identifier}" + (
                "" if issued.fresh else " (already issued)")
        if name == "reject":
            cycle.reject_record(agency, record, actor, reason or "")
            return f"{record}: rejected"
        raise typer.BadParameter("only approve and reject act on one record",
                                 param_hint="--record")
    if name == "approve":
        lines = [f"step {step} of {agency}: approved"]
        lines += [f"  issued {i.identifier} to {i.record}"
                  for i in cycle.approve(agency, step, actor, reason)]
        return "\n".join(lines)
    state = getattr(cycle, name)(agency, step, actor, *([reason or ""] if name in (
        "reject", "reopen") else []))
    return f"step {step} of {agency}: {state.value}"


for _name in ("start", "submit", "reopen", "approve", "reject"):
    _step_action(_name)


@cycle_app.command("trail")
def trail(
    agency: Annotated[str | None, typer.Option("--agency", help="only this agency's")] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="only this account's")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000)] = 50,
    before: Annotated[int | None, typer.Option("--before", help="page: older than this")
                      ] = None,
    by: ByOpt = None, token: TokenOpt = None,
) -> None:
    """The audit trail, newest first: every import, edit, transition, approval and ID issue
    (R-16), of one agency or one actor."""
    g = guard()
    try:
        rows = g.trail(acting(g, token, by), agency, actor, before, limit)
    except Forbidden as exc:
        raise _forbidden(exc) from exc
    for r in rows:
        step = f" step {r['step']}" if r["step"] else ""
        extra = "".join(f" {k}={v}" for k, v in (("id", r["issued"]), ("reason", r["reason"]),
                                                   ("source", r["source"])) if v)
        typer.echo(f"#{r['seq']:<6} {r['at'][:19]}  {r['action']:<8}{step}  by {r['actor']} "
                   f"({r['role']}), {r['records']} record(s){extra}")


@cycle_app.command("versions")
def versions(
    record: Annotated[str, typer.Option("--record", help="the record's IRI")],
    by: ByOpt = None, token: TokenOpt = None,
) -> None:
    """A record's versions, oldest first, as each write left it (Turtle)."""
    g = guard()
    with refusals():
        found = g.versions(acting(g, token, by), record)
    for v in found:
        working = " (working version, not approved yet)" if v.working else ""
        typer.echo(f"# change #{v.seq} at {v.at}{working}")
        typer.echo(serialize(v.graph, "ttl"))


@cycle_app.command("diff")
def diff(
    record: Annotated[str, typer.Option("--record", help="the approved record's IRI")],
    by: ByOpt = None, token: TokenOpt = None,
) -> None:
    """The change waiting on an approved duty or service: what its working version changes
    in the approved one, field by field (exit 1 when none is waiting)."""
    g = guard()
    with refusals():
        work = g.working_change(acting(g, token, by), record)
    if work is None:
        typer.echo(f"{record}: no change is waiting (تغییری در انتظار نیست)", err=True)
        raise typer.Exit(1)
    typer.echo(f"{record}: working version #{work.seq} at {work.at}")
    for c in changes_between(work):
        typer.echo(f"  {c['field']}: {c['before']!r} -> {c['after']!r}")


@cycle_app.command("changes")
def changes(agency: AgencyOpt, by: ByOpt = None, token: TokenOpt = None) -> None:
    """The changes to the agency's approved duties and services waiting for their body."""
    g = guard()
    with refusals():
        found = g.waiting_changes(acting(g, token, by), agency)
    for work in found:
        fields = ", ".join(str(c["field"]) for c in changes_between(work))
        typer.echo(f"{work.iri}  #{work.seq}  {fields}")


@cycle_app.command("resolve-review")
def resolve_review(
    agency: AgencyOpt,
    record: Annotated[str, typer.Option("--record", help="the flagged service or chain")],
    note: Annotated[str, typer.Option("--note", help="what the review found or changed")],
    by: ByOpt = None, token: TokenOpt = None,
) -> None:
    """R-3.3: close the review flag a duty change put on a service or chain."""
    g = guard()
    with refusals():
        g.resolve_review(acting(g, token, by), agency, record, note)
    typer.echo(f"{record}: reviewed")


@cycle_app.command("history")
def history(
    record: RecordOpt = None,
    agency: Annotated[str | None, typer.Option("--agency")] = None,
    step: Annotated[int | None, typer.Option("--step", min=1, max=9)] = None,
) -> None:
    """The change events of one record (--record) or one step (--agency and --step)."""
    cycle = _cycle()
    if record is None:
        if agency is None or step is None:
            raise typer.BadParameter("give --record, or --agency and --step")
        record = cycle.step_iri(agency, step)
    for e in cycle.history(record):
        extra = "".join(f" {k}={v}" for k, v in (("id", e.issued), ("reason", e.reason)) if v)
        typer.echo(f"{e.at}  {e.action:<8} {e.from_state or '-'} -> {e.to_state}  "
                   f"by {e.actor} ({e.role}){extra}")


def deadlines(
    agency: Annotated[str | None, typer.Option("--agency", help="only this agency")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="only what is late")] = False,
    today: Annotated[str | None, typer.Option(
        "--today", help="count from this date (1404/01/15 or ISO); default: today in Tehran")
    ] = None,
) -> None:
    """What is due and overdue, with Solar Hijri dates and days left or late: the steps'
    deadlines (R-3.1, R-4.1, R-6.1, R-11) and the clocks started by events (R-3.3, R-5.5, R-7,
    R-18, R-19; ADR 0007)."""
    from catalog.cycle.obligations import Obligations

    try:
        day = parse_date(today) if today else datetime.now(UTC).astimezone(TEHRAN).date()
    except DateError as exc:
        raise typer.BadParameter(f"{exc.message_en} | {exc.message_fa}",
                                 param_hint="--today") from exc
    try:
        items = Obligations(_cycle()).deadlines(day, agency)
    except CycleRefused as exc:
        raise _refused(exc) from exc
    shown = [d for d in items if d.state.overdue or not overdue]
    for d in shown:
        where = f"step {d.step}" if d.step else ""
        about = f" — {d.subject}" if d.subject else ""
        typer.echo(f"{d.agency:<8} {where:<6}  [{d.requirement}] {d.what_en}{about}: due "
                   f"{d.state.describe()}\n         {d.what_fa}")
    typer.echo(f"{len(shown)} deadline(s) as of {to_jalali_str(day)}", err=True)
