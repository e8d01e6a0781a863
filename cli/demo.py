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
from catalog.access.principals import SUBMIT_EMERGENCIES, Principal, Role
from catalog.cycle.engine import TEHRAN, Cycle
from catalog.cycle.obligations import Obligations
from catalog.cycle.plans import Plans
from catalog.cycle.progress import Progress
from catalog.cycle.states import CycleRefused
from catalog.jalali import parse_date
from catalog.legacy import record_legacy
from catalog.registry import Registry
from cli.demo_pilot import walk_pilot
from loaders.legacy_ids import read_legacy_csv
from loaders.submission import read_submission

# The plans of step 3, written by demo/build_step3.py; SSO's plan still in draft, which its
# council has not endorsed.
DEMO_STEP3 = Path(__file__).resolve().parent.parent / "demo" / "govcat-demo-step3.xlsx"
DRAFT_PLAN_REF = "plan-draft-queue"
# SABT's first service: its plan is piloted in Isfahan (demo/build_step3.py, R-5.5).
PILOTED_SERVICE = "birth-registration"

ACCOUNTS = [
    Principal("admin", Role.ADMIN),
    Principal("steward-sabt", Role.STEWARD, agency="SABT"),
    Principal("steward-tax", Role.STEWARD, agency="TAX"),
    Principal("steward-sso", Role.STEWARD, agency="SSO"),
    Principal("steward-tehran", Role.STEWARD, agency="TEHRAN_MUN"),
    Principal("representative-sabt", Role.REPRESENTATIVE, agency="SABT"),
    Principal("council-sabt", Role.COUNCIL, agency="SABT"),
    Principal("council-sso", Role.COUNCIL, agency="SSO"),
    Principal("reviewer-structures", Role.REVIEWER, bodies=frozenset({"macro-structures"})),
    Principal("reviewer-smart", Role.REVIEWER, bodies=frozenset({"smart-government"})),
    Principal("verifier-isfahan", Role.PROVINCIAL_VERIFIER, province="isfahan"),
    Principal("auditor", Role.AUDITOR),
    Principal("window", Role.SYSTEM, scopes=frozenset({"read:approved"})),
    Principal("foad128", Role.SYSTEM, scopes=frozenset({SUBMIT_EMERGENCIES})),
]


def demo_token(name: str) -> tuple[str, str]:
    """The demo account's published token (id, secret): derived from its name."""
    digest = hashlib.sha256(f"govcat demo token {name}".encode()).digest()
    return (hashlib.sha256(name.encode()).hexdigest()[:16],
            base64.urlsafe_b64encode(digest).decode().rstrip("="))


def demo_password(name: str) -> str:
    """The demo person's published password for the web app (README); systems have none."""
    return f"{name}-1405"


def install_accounts(registry: Registry) -> dict[str, str]:
    accounts = Accounts(registry.store)
    tokens = {}
    for p in ACCOUNTS:
        accounts.save(p)
        if p.role is not Role.SYSTEM:
            accounts.set_known_password(p.name, demo_password(p.name))
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


Walk = list[tuple[Callable[[], datetime], str, str, int, str, str | None]]


def install_cycle(registry: Registry) -> None:
    """SABT has steps 1 to 3 behind it; SSO has steps 1 and 2 behind it and step 3 with the
    Organization; TAX was rejected and is overdue; Tehran municipality started long ago and is
    overdue; the rest have not started."""
    if any(s.state.value != "not_started" for s in _cycle(registry, _days_ago(0)).steps("SABT")):
        return  # the demo's cycle is there already
    plan: Walk = [
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
        (_at("1405/05/05"), "start", "SSO", 1, "steward-sso", None),
        (_at("1405/05/12"), "submit", "SSO", 1, "steward-sso", None),
        (_at("1405/05/18"), "approve", "SSO", 1, "reviewer-structures", None),
        (_at("1405/05/20"), "start", "SSO", 2, "steward-sso", None),
        (_at("1405/06/10"), "submit", "SSO", 2, "steward-sso", None),
        (_at("1405/06/25"), "approve", "SSO", 2, "reviewer-smart", None),
        (_at("1405/04/10"), "start", "TEHRAN_MUN", 1, "steward-tehran", None),
    ]
    _walk(registry, plan)
    _install_step3(registry)
    _install_emergencies(registry)


def _walk(registry: Registry, plan: Walk) -> None:
    by = {p.name: p for p in ACCOUNTS}
    for when, action, agency, step, actor, reason in plan:
        cycle = _cycle(registry, when)
        try:
            if action == "approve":
                cycle.approve(agency, step, by[actor], reason)
            elif action == "endorse":  # the council endorses every plan of the agency
                plans = Plans(cycle)
                for p in plans.plans(agency):
                    if p.ref != DRAFT_PLAN_REF:
                        plans.endorse(agency, p.iri, by[actor], reason)
            else:
                getattr(cycle, action)(agency, step, by[actor],
                                       *([reason] if reason is not None else []))
        except CycleRefused as exc:  # the demo shows what the rules allowed
            typer.echo(f"demo: {agency} step {step} {action}: {exc}", err=True)


def _install_step3(registry: Registry) -> None:
    """Step 3 (R-5.1, ADR 0027): once steps 1 and 2 issued the service IDs, SABT and SSO
    register a plan for each service; SABT's council endorses them and the Organization
    approves step 3; SSO's council endorses all but the plan it is still drafting, and its step
    3 waits for the Organization."""
    sub = read_submission(DEMO_STEP3, registry)
    if sub.problems:  # the demo's own file: a problem is a bug of demo/build_step3.py
        raise RuntimeError(f"demo: {DEMO_STEP3.name}: {sub.problems[0]}")
    registry.apply_checked(sub.changeset)
    _walk(registry, [
        (_at("1405/07/02"), "start", "SABT", 3, "steward-sabt", None),
        (_at("1405/07/15"), "endorse", "SABT", 3, "council-sabt", "1405/4471"),
        (_at("1405/07/20"), "submit", "SABT", 3, "steward-sabt", None),
        (_at("1405/08/05"), "approve", "SABT", 3, "reviewer-smart", None),
        (_at("1405/07/10"), "start", "SSO", 3, "steward-sso", None),
        (_at("1405/08/01"), "endorse", "SSO", 3, "council-sso", "1405/218"),
        (_at("1405/08/10"), "submit", "SSO", 3, "steward-sso", None),
    ])
    _install_progress(registry)


# A one-page PDF: the evidence of the demo's progress report, judged on its content.
EVIDENCE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n")


def _install_progress(registry: Registry) -> None:
    """SABT's progress report on its piloted plan for 1405-H2 (R-5.2): the time to deliver
    down from 14 to 6 days, the share of electronic requests down from 35% to 30% (worse than
    before: the named query of indicators that got worse finds it), both actions declared done,
    with the minutes of the steering council's review as evidence."""
    by = {p.name: p for p in ACCOUNTS}
    progress = Progress(_cycle(registry, _at("1405/09/01")))
    try:
        progress.file("SABT", f"plan-{PILOTED_SERVICE}", by["steward-sabt"], period="1405-H2",
                      narrative="اتصال بیمارستان‌ها انجام شد؛ سهم درخواست برخط هنوز پایین است",
                      values={"I1": "6", "I2": "30"}, done=["A1", "A2"],
                      files=[("صورتجلسه-شورای-راهبری.pdf", EVIDENCE_PDF)])
    except CycleRefused as exc:  # filed already: the demo was installed before
        typer.echo(f"demo: SABT progress report: {exc}", err=True)
    # Its provincial slice registered, endorsed and sent in time, then Isfahan's verification
    # once the report declared every action done.
    walk_pilot(registry, "SABT", f"plan-{PILOTED_SERVICE}", steward=by["steward-sabt"],
               council=by["council-sabt"], verifier=by["verifier-isfahan"])


def install_legacy(registry: Registry, path: Path) -> int:
    """The national service IDs the demo's services held before govcat, recorded by the
    admin's own action beside the IDs the cycle issued (R-4.2, ADR 0015)."""
    by = {p.name: p for p in ACCOUNTS}
    return record_legacy(registry, by["admin"], read_legacy_csv(path)).stored


def _cycle(registry: Registry, now: Callable[[], datetime]) -> Cycle:
    return Cycle(registry.store, registry.iris, now=now)


# Emergency requests Foad 128 referred (R-7, ADR 0028): reference, agency, referred on, subject,
# days set by the Organization, closed with this note (None: still open).
EMERGENCIES = [
    ("F128-1405-0412", "SABT", "1405/08/01", "صف طولانی صدور شناسنامه در دفاتر پیشخوان", 10,
     None),
    ("F128-1405-0587", "TAX", "1405/08/20", "تأخیر در بازگرداندن مالیات بر ارزش افزوده", 15,
     "فرایند استرداد بازطراحی و معوقات پرداخت شد"),
    ("F128-1405-0733", "SSO", None, "قطعی مکرر سامانه ثبت سوابق بیمه", 30, None),
]


def _install_emergencies(registry: Registry) -> None:
    """Foad 128's system account sends three requests: SABT's is overdue, TAX's was handled,
    SSO's (referred five days ago) is open within its deadline."""
    by = {p.name: p for p in ACCOUNTS}
    for reference, agency, referred, subject, days, closed in EMERGENCIES:
        when = _at(referred) if referred else _days_ago(5)
        obligations = Obligations(_cycle(registry, when))
        day = parse_date(referred) if referred else when().astimezone(TEHRAN).date()
        obligations.receive_emergency(agency, by["foad128"], reference=reference, referred=day,
                                      subject=subject, days=days)
        if closed:
            Obligations(_cycle(registry, _at("1405/08/28"))).resolve_emergency(
                agency, reference, by[f"steward-{agency.lower()}"], closed)
