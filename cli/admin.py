"""`govcat admin …`: accounts and API tokens, run by the operator on the server (ADR 0008)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from catalog.access.accounts import AccountError
from catalog.access.credentials import SealBroken
from catalog.access.principals import OPERATOR, Principal, Role
from catalog.problems import Rejected
from cli.who import guard
from loaders.legacy_ids import read_legacy_csv

admin_app = typer.Typer(help="Accounts and API tokens (operator only).", no_args_is_help=True)


@admin_app.command("account")
def account(
    name: Annotated[str, typer.Argument(help="the account's name, e.g. steward-sabt")],
    role: Annotated[Role, typer.Option("--role")],
    agency: Annotated[str | None, typer.Option("--agency", help="steward, representative")
                      ] = None,
    body: Annotated[list[str] | None, typer.Option(
        "--body", help="reviewer: an approving body's key (config/cycle.toml); repeatable")
    ] = None,
    province: Annotated[str | None, typer.Option("--province", help="provincial verifier")
                        ] = None,
    scope: Annotated[list[str] | None, typer.Option(
        "--scope", help="system client: read:approved, read:all, read:public-data, or "
                        "submit:emergency-requests (Foad 128, R-7); repeatable")] = None,
) -> None:
    """Create or update an account."""
    p = Principal(name, role, agency, frozenset(body or ()), province, frozenset(scope or ()))
    try:
        guard().save_account(OPERATOR, p)
    except AccountError as exc:
        raise typer.BadParameter(str(exc)) from exc
    typer.echo(f"account {name}: {role.value}")


@admin_app.command("accounts")
def accounts() -> None:
    """Every account with its role, scope and live tokens."""
    try:
        listed = guard().list_accounts(OPERATOR)
    except SealBroken as exc:  # the server key is not the one that sealed them (ADR 0016)
        typer.echo(f"{exc.message_en}\n{exc.message_fa}", err=True)
        raise typer.Exit(1) from exc
    for a in listed:
        p = a.principal
        scope = p.agency or ",".join(sorted(p.bodies)) or p.province or ",".join(sorted(p.scopes))
        state = "disabled" if a.disabled else f"{a.live_tokens} live token(s)"
        typer.echo(f"{p.name:<24} {p.role.value:<20} {scope or '-':<30} {state}")


@admin_app.command("token")
def token(
    name: Annotated[str, typer.Argument(help="the account")],
    days: Annotated[int, typer.Option("--days", min=1, max=366)] = 90,
    label: Annotated[str, typer.Option("--label", help="where it is used")] = "",
) -> None:
    """Issue an API token; it is printed once and only its hash is kept."""
    try:
        issued = guard().issue_token(OPERATOR, name, days, label)
    except AccountError as exc:
        raise typer.BadParameter(str(exc)) from exc
    typer.echo(issued.token)
    typer.echo(f"id {issued.id}, expires {issued.expires:%Y-%m-%d %H:%M} UTC", err=True)


@admin_app.command("password-link")
def password_link(
    name: Annotated[str, typer.Argument(help="a person's account")],
    site: Annotated[str | None, typer.Option(
        "--site", help="the web app's address; default: the base IRI without its /id/")] = None,
) -> None:
    """A one-time link (72 hours) for the account's person to set a password for the web app
    (ADR 0031); printed once, only its hash is kept."""
    from catalog.config import Settings

    try:
        issued = guard().password_link(OPERATOR, name)
    except AccountError as exc:
        raise typer.BadParameter(str(exc)) from exc
    root = (site or Settings().base_iri.removesuffix("/").removesuffix("/id")).rstrip("/")
    typer.echo(f"{root}/app/set-password?code={issued.token}")
    typer.echo(f"expires {issued.expires:%Y-%m-%d %H:%M} UTC", err=True)


@admin_app.command("revoke")
def revoke(token_id: Annotated[str, typer.Argument(help="the token's id")]) -> None:
    """Revoke a token."""
    try:
        name = guard().revoke_token(OPERATOR, token_id)
    except AccountError as exc:
        raise typer.BadParameter(str(exc)) from exc
    typer.echo(f"revoked token {token_id} of {name}")


@admin_app.command("disable")
def disable(name: Annotated[str, typer.Argument(help="the account")]) -> None:
    """Disable an account and revoke all its tokens."""
    try:
        n = guard().disable_account(OPERATOR, name)
    except AccountError as exc:
        raise typer.BadParameter(str(exc)) from exc
    typer.echo(f"disabled {name}; {n} token(s) revoked")


@admin_app.command("legacy-ids")
def legacy_ids(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help=(
        "a UTF-8 CSV file with the columns record (AGENCY:ref or IRI), scheme, identifier"))],
) -> None:
    """Record the identifiers services hold in earlier registries (R-4.2), all or none; kept
    beside govcat's issued IDs, approving nothing, with their own event in the trail."""
    try:
        rows = read_legacy_csv(path)
        outcome = guard().record_legacy(OPERATOR, rows)
    except Rejected as exc:
        for p in exc.problems:
            typer.echo(str(p), err=True)
        raise typer.Exit(1) from exc
    except ValueError as exc:
        typer.echo(f"{path}: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"{path}: recorded {outcome.stored} legacy identifier(s), "
               f"{outcome.unchanged} unchanged")
