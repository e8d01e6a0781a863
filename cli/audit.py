"""`govcat audit verify` (R-16, ADR 0017): check the hash chain of the whole trail. Exit code 0
when every event matches its hash and its link to the one before, 1 naming the first that does
not; 3 when the caller may not (the policy's monitoring act, as GET /audit/verify)."""

from __future__ import annotations

from typing import Annotated

import typer

from catalog.access.policy import Act
from catalog.access.principals import Forbidden
from catalog.trail_chain import Head, TrailChain
from cli.who import ByOpt, TokenOpt, acting, guard

audit_app = typer.Typer(help="Check that the audit trail was not rewritten (R-16).",
                        no_args_is_help=True)


@audit_app.command("verify")
def verify(
    seq: Annotated[int | None, typer.Option(
        "--seq", min=1, help="a head held elsewhere: its change number (with --hash)")] = None,
    hash_: Annotated[str | None, typer.Option(
        "--hash", help="… and its SHA-256, from a backup's manifest or the change feed")] = None,
    by: ByOpt = None, token: TokenOpt = None,
) -> None:
    """Check every change event of the trail against its hash and the hash of the one before
    it, sealing the newest first; with --seq and --hash, also that a head kept elsewhere is
    still the chain's at its number (the history up to it was not rewritten)."""
    if (seq is None) != (hash_ is None):
        typer.echo("give --seq and --hash together\n--seq و --hash را با هم بدهید", err=True)
        raise typer.Exit(2)
    g = guard()
    try:
        g.policy.check(acting(g, token, by), Act.MONITOR)
    except Forbidden as exc:
        d = exc.denial
        typer.echo(f"forbidden [{d.requirement}]: {d.message_en}\n      {d.message_fa}",
                   err=True)
        raise typer.Exit(3) from exc
    held = Head(seq, hash_.strip().lower()) if seq is not None and hash_ else None
    verdict = TrailChain(g.registry.store).verify(held=held)
    if verdict.broken is None:
        pending = f", {verdict.unsealed} sealed now" if verdict.unsealed else ""
        typer.echo(f"the trail is intact: {verdict.events} change(s){pending}; head "
                   f"#{verdict.head.seq} {verdict.head.hash}")
        typer.echo(f"رد پا دست‌نخورده است: {verdict.events} تغییر", err=True)
        return
    b = verdict.broken
    where = " ".join(x for x in (f"#{b.seq}" if b.seq is not None else "", b.iri or "") if x)
    typer.echo(f"the trail is broken at {where or 'its end'} [{b.requirement}]: {b.why_en}\n"
               f"{b.why_fa}")
    raise typer.Exit(1)
