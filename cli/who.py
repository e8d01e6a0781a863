"""Who a command acts as: the account of an API token (--token or GOVCAT_TOKEN), or, on the
server, a named account (--by), or else the local operator. Holding the store's data directory
is being its operator (ADR 0008); the policy then decides what the principal may do."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from catalog.access.credentials import KeyProblem
from catalog.access.principals import OPERATOR, Principal, Unauthenticated
from catalog.guard import Guard
from cli import common

TokenOpt = Annotated[str | None, typer.Option(
    "--token", help="an API token (default: $GOVCAT_TOKEN)", show_default=False)]
ByOpt = Annotated[str | None, typer.Option(
    "--by", help="act as this account (operator on the server only)")]


def guard() -> Guard:
    try:
        return Guard(common.open_registry())
    except KeyProblem as exc:  # a malformed server key (ADR 0016)
        typer.echo(f"{exc.message_en}\n{exc.message_fa}", err=True)
        raise typer.Exit(2) from exc


def acting(g: Guard, token: str | None, by: str | None) -> Principal:
    token = token or os.environ.get("GOVCAT_TOKEN")
    if token:
        try:
            return g.authenticate(token)
        except Unauthenticated as exc:
            typer.echo(f"{exc.message_en}\n{exc.message_fa}", err=True)
            raise typer.Exit(2) from exc
    if by:
        account = g.accounts.find(by)
        if account is None or account.disabled:
            typer.echo(f"no active account {by!r}: create it with `govcat admin account`",
                       err=True)
            raise typer.Exit(2)
        return account.principal
    return OPERATOR
