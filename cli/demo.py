"""The demo's people and cycle (README, "Demo accounts"): an account for each role with a
published token, and agencies at different steps of the cycle, some of them overdue, made by
the cycle's own actions dated in the past. For a demo only: its tokens are public."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import typer

from catalog.access.accounts import Accounts
from catalog.access.principals import Principal, Role
from catalog.cycle.engine import TEHRAN, Cycle
from catalog.cycle.states import CycleRefused
from catalog.jalali import parse_date
from catalog.legacy import record_legacy
from catalog.registry import Registry
from loaders.legacy_ids import read_legacy_csv

ACCOUNTS = [
    Principal("admin", Role.ADMIN),
    Principal("steward-sabt", Role.STEWARD, agency="SABT"),
    Principal("steward-tax", Role.STEWARD, agency="TAX"),
    Principal("steward-sso", Role.STEWARD, agency="SSO"),
    Principal("steward-tehran", Role.STEWARD, agency="TEHRAN_MUN"),
    Principal("representative-sabt", Role.REPRESENTATIVE, agency="SABT"),
    Principal("reviewer-structures", Role.REVIEWER, bodies=frozenset({"macro-structures"})),
    Principal("reviewer-smart", Role.REVIEWER, bodies=frozenset({"smart-government"})),
    Principal("verifier-isfahan", Role.PROVINCIAL_VERIFIER, province="isfahan"),
    Principal("auditor", Role.AUDITOR),
    Principal("window", Role.SYSTEM, scopes=frozenset({"read:approved"})),
]


def demo_token(name: str) -> tuple[str, str]:
    """The demo account's published token (id, secret): derived from its name."""
    digest = hashlib.sha256(f"govcat demo token {name}".encode()).digest()
    return (hashlib.sha256(name.encode()).hexdigest()[:16],
            base64.urlsafe_b64encode(digest).decode().rstrip("="))


def install_accounts(registry: Registry) -> dict[str, str]:
    accounts = Accounts(registry.store)
    tokens = {}
    for p in ACCOUNTS:
        accounts.save(p)
        known = demo_token(p.name)
        if not any(t["id"] == known[0] for t in accounts.tokens(p.name)):
            accounts.issue(p.name, days=366, label="demo", known=known)
        tokens[p.name] = f"gct_{known[0]}_{known[1]}"
    return tokens


def _at(jalali: str) -> Callable[[], datetime]:
    day = parse_date(jalali)
    moment = datetime.combine(day, time(10, 0), TEHRAN).astimezone(UTC)
    return lambda: moment


def _days_ago(n: int) -> Callable[[], datetime]:
    moment = datetime.now(UTC) - timedelta(days=n)
    return lambda: moment


def install_cycle(registry: Registry) -> None:
    """SABT has steps 1 and 2 behind it; TAX was rejected and is overdue; SSO is within its
    month; Tehran municipality started long ago and is overdue; the rest have not started."""
    if any(s.state.value != "not_started" for s in _cycle(registry, _days_ago(0)).steps("SABT")):
        return  # the demo's cycle is there already
    by = {p.name: p for p in ACCOUNTS}
    plan: list[tuple[Callable[[], datetime], str, str, int, str, str | None]] = [
        (_at("1405/05/01"), "start", "SABT", 1, "steward-sabt", None),
        (_at("1405/05/10"), "submit", "SABT", 1, "steward-sabt", None),
        (_at("1405/05/20"), "approve", "SABT", 1, "reviewer-structures", None),
        (_at("1405/05/25"), "start", "SABT", 2, "steward-sabt", None),
        (_at("1405/06/15"), "submit", "SABT", 2, "steward-sabt", None),
        (_at("1405/06/30"), "approve", "SABT", 2, "reviewer-smart", None),
        (_at("1405/07/01"), "start", "TAX", 1, "steward-tax", None),
        (_at("1405/07/20"), "submit", "TAX", 1, "steward-tax", None),
        (_at("1405/07/25"), "reject", "TAX", 1, "reviewer-structures",
         "مبنای قانونی دو وظیفه ذکر نشده است / the legal basis of two duties is missing"),
        (_days_ago(10), "start", "SSO", 1, "steward-sso", None),
        (_at("1405/04/10"), "start", "TEHRAN_MUN", 1, "steward-tehran", None),
    ]
    for when, action, agency, step, actor, reason in plan:
        cycle = _cycle(registry, when)
        try:
            if action == "approve":
                cycle.approve(agency, step, by[actor], reason)
            else:
                getattr(cycle, action)(agency, step, by[actor],
                                       *([reason] if reason is not None else []))
        except CycleRefused as exc:  # the demo shows what the rules allowed
            typer.echo(f"demo: {agency} step {step} {action}: {exc}", err=True)


def install_legacy(registry: Registry, path: Path) -> int:
    """The national service IDs the demo's services held before govcat, recorded by the
    admin's own action beside the IDs the cycle issued (R-4.2, ADR 0015)."""
    by = {p.name: p for p in ACCOUNTS}
    return record_legacy(registry, by["admin"], read_legacy_csv(path)).stored


def _cycle(registry: Registry, now: Callable[[], datetime]) -> Cycle:
    return Cycle(registry.store, registry.iris, now=now)
