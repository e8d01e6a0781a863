"""Emergency improvement requests from the Foad 128 complaints system (R-7, ADR 0028), on both
real stores: sent by a system account holding `submit:emergency-requests` (no person's role
may), stored once per Foad 128 reference however often it is sent (also by concurrent sends),
the same reference with other content refused naming the difference; due by the deadline the
Organization set, counted in the Solar Hijri calendar (across the leap Esfand of 1403), or by
config/cycle.toml's default span; overdue the day after; listed open, closed or overdue, over
the API and the CLI."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from typer.testing import CliRunner

from api.app import create_app
from catalog.access.accounts import AccountError, Accounts
from catalog.access.principals import SUBMIT_EMERGENCIES, Forbidden, Principal, Role
from catalog.cycle.config import default_config
from catalog.cycle.engine import TEHRAN
from catalog.cycle.obligations import Obligations, Received
from catalog.cycle.states import Actor, CycleRefused
from catalog.guard import Guard
from catalog.jalali import parse_date, to_jalali_str
from catalog.ontology import mapping
from catalog.registry import Registry
from cli.main import app
from tests.support.auth import tokens_for
from tests.test_obligations import Clock, cycle_at, load, oracle_plus_days

FOAD = Actor("foad128", Role.SYSTEM, scopes=frozenset({SUBMIT_EMERGENCIES}))
READER = Actor("window", Role.SYSTEM, scopes=frozenset({"read:approved"}))
REVIEWER = Actor("reviewer-1", Role.REVIEWER,
                 bodies=frozenset(s.body for s in default_config().steps.values()))
STEWARD = Actor("steward-reg", Role.STEWARD, agency="REG")


def _r7_nodes(ob: Obligations) -> list[Any]:
    """Every stored clock of R-7, of every agency: the nodes, read back from the store."""
    return [r for r in ob.store.obligations(None, None) if r.props.get("article") == "R-7"]


def _send(ob: Obligations, reference: str = "F128-1403-77", agency: str = "REG",
          **kw: Any) -> Received:
    body: dict[str, Any] = {"referred": parse_date("1403/12/25"),
                            "subject": "صف طولانی صدور شناسنامه", "days": 10}
    body.update(kw)
    return ob.receive_emergency(agency, FOAD, reference=reference, **body)


def test_a_request_sent_twice_is_stored_once_and_other_content_is_refused(
        registry: Registry, tmp_path: Path) -> None:
    load(registry, tmp_path)
    cycle, ob = cycle_at(registry, Clock("1403/12/25"))
    first = _send(ob)
    assert first.created and first.request.reference == "F128-1403-77"
    again = _send(ob)
    assert (again.created, again.request) == (False, first.request)
    # Persian digits in the reference (and its date) name the same request.
    persian = _send(ob, reference="F۱۲۸-۱۴۰۳-۷۷", referred=parse_date("۱۴۰۳/۱۲/۲۵"))
    assert (persian.created, persian.request.iri) == (False, first.request.iri)
    assert len(_r7_nodes(ob)) == 1
    assert [e.action for e in cycle.history(first.request.iri)] == ["start-clock"]
    assert cycle.history(first.request.iri)[0].role == "system"
    [node] = registry.store.describe([first.request.iri])  # only terms of the ontology
    assert {k.partition("@")[0] for k in node.props} | set(node.rels) <= set(mapping().terms)

    # The same reference with other content: refused, naming each difference, nothing written.
    with pytest.raises(CycleRefused) as exc:
        _send(ob, agency="TAXO", subject="another subject", days=12)
    reasons = exc.value.reasons
    assert {r.requirement for r in reasons} == {"R-7"}
    assert [r.message_en.split(" is recorded with ")[1].split(" ")[0] for r in reasons] == [
        "agency", "subject", "due"]
    assert "'REG', not 'TAXO'" in reasons[0].message_en
    assert "1404/01/05" in reasons[2].message_en and "1404/01/07" in reasons[2].message_en
    assert all("فواد ۱۲۸" in r.message_fa for r in reasons)
    with pytest.raises(CycleRefused, match="referral date"):
        _send(ob, referred=parse_date("1403/12/24"), days=11)  # same due, other referral
    # A reviewer entering it by hand is refused too: one request, wherever it comes from.
    with pytest.raises(CycleRefused, match="already recorded for REG"):
        ob.record_emergency("TAXO", REVIEWER, referred=parse_date("1403/12/25"),
                            subject="x", days=10, reference="F128-1403-77")
    assert len(_r7_nodes(ob)) == 1

    # Once resolved, a send again is answered with the closed request, not a new one.
    ob.resolve_emergency("REG", "F128-1403-77", STEWARD, "نوبت‌دهی برخط")
    closed = _send(ob)
    assert (closed.created, closed.request.open, closed.request.iri) == (
        False, False, first.request.iri)
    assert len(_r7_nodes(ob)) == 1


def test_only_a_system_account_with_the_scope_submits(registry: Registry,
                                                      tmp_path: Path) -> None:
    load(registry, tmp_path)
    _, ob = cycle_at(registry, Clock("1403/12/25"))
    people = [Actor(f"{r.value}-x", r, agency="REG" if r in (Role.STEWARD,
                                                          Role.REPRESENTATIVE) else None,
                    bodies=REVIEWER.bodies, province="isfahan",
                    scopes=frozenset({SUBMIT_EMERGENCIES}))
              for r in Role if r is not Role.SYSTEM]
    for who in [*people, READER]:
        with pytest.raises(Forbidden) as exc:
            ob.receive_emergency("REG", who, reference="F1", referred=parse_date("1403/12/25"),
                                 subject="x", days=3)
        assert exc.value.denial.requirement == "R-7" and exc.value.denial.message_fa
    assert _r7_nodes(ob) == []
    # Accounts: the scope is a system account's only.
    accounts = Accounts(registry.store)
    accounts.save(Principal("foad128", Role.SYSTEM, scopes=frozenset({SUBMIT_EMERGENCIES})))
    with pytest.raises(AccountError, match="system account"):
        accounts.save(Principal("rev", Role.REVIEWER, bodies=REVIEWER.bodies,
                                scopes=frozenset({SUBMIT_EMERGENCIES})))


def test_due_in_solar_hijri_across_the_leap_esfand_and_overdue_the_day_after(
        registry: Registry, tmp_path: Path) -> None:
    """Referred 1403/12/25 (1403 is leap: Esfand has 30 days) + 10 days is due 1404/01/05;
    overdue on 1404/01/06 in the deadlines listing and the emergencies listing; closed when
    the agency resolves it."""
    load(registry, tmp_path)
    clock = Clock("1403/12/25")
    cycle, ob = cycle_at(registry, clock)
    req = _send(ob).request
    assert to_jalali_str(req.due) == "1404/01/05" == oracle_plus_days("1403/12/25", 10)
    # By due date, in Persian digits; and without a deadline: config/cycle.toml's default.
    on_date = _send(ob, reference="F-2", due=parse_date("۱۴۰۴/۰۱/۱۵"), days=None).request
    assert to_jalali_str(on_date.due) == "1404/01/15"
    span = default_config().emergency_default_days
    default = _send(ob, reference="F-3", days=None, referred=parse_date("1403/12/28")).request
    assert to_jalali_str(default.due) == oracle_plus_days("1403/12/28", span)
    with pytest.raises(CycleRefused, match="not both"):
        _send(ob, reference="F-4", due=parse_date("1404/01/15"))

    def r7(today: str) -> list[tuple[str, int, bool]]:
        return [(d.subject or "", d.state.days_left, d.state.overdue)
                for d in ob.deadlines(parse_date(today), "REG") if d.requirement == "R-7"
                and d.iri == req.iri]

    assert r7("1404/01/05") == [("صف طولانی صدور شناسنامه #F128-1403-77", 0, False)]
    assert r7("1404/01/06") == [("صف طولانی صدور شناسنامه #F128-1403-77", -1, True)]
    day = parse_date("1404/01/06")
    assert [o.iri for o in ob.emergencies(day, "REG", "overdue")] == [req.iri]
    assert [o.iri for o in ob.emergencies(parse_date("1404/01/05"), "REG", "overdue")] == []
    assert len(ob.emergencies(day, "REG", "open")) == 3
    assert ob.emergencies(day, "TAXO") == []
    clock.set("1404/01/06")
    ob.resolve_emergency("REG", req.iri, STEWARD, "fixed")
    assert [o.iri for o in ob.emergencies(day, "REG", "closed")] == [req.iri]
    assert ob.emergencies(day, "REG", "overdue") == []
    assert r7("1404/01/06") == []  # no longer due
    [closed] = ob.emergencies(day, "REG", "closed")
    assert closed.ended == day and closed.missed(day)  # resolved a day late
    with pytest.raises(CycleRefused):
        ob.emergencies(day, "REG", "late")


def test_concurrent_sends_of_one_request_store_one_node(registry: Registry,
                                                        tmp_path: Path) -> None:
    """Sixteen sends at once of one request: one node, and every send answers with its IRI;
    one reference sent at the same instant to two agencies, six times: one node each time,
    the same content answered, the other agency refused (R-7, ADR 0028)."""
    load(registry, tmp_path)
    _, ob = cycle_at(registry, Clock("1403/12/25"))
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: _send(ob, reference="F-same"), range(16)))
    assert sum(a.created for a in answers) == 1
    assert {a.request.iri for a in answers} == {answers[0].request.iri}

    def either(reference: str, agency: str, start: threading.Barrier) -> str:
        start.wait()
        try:
            return "created" if _send(ob, reference=reference, agency=agency).created else "same"
        except CycleRefused:
            return "refused"

    for n in range(6):  # one reference sent to REG and to TAXO at the same instant
        start = threading.Barrier(4)
        with ThreadPoolExecutor(max_workers=4) as pool:
            outcomes = list(pool.map(either, [f"F-split-{n}"] * 4, ["REG", "TAXO"] * 2,
                                     [start] * 4))
        assert outcomes.count("created") == 1, outcomes
        assert sorted(outcomes) == ["created", "refused", "refused", "same"], outcomes
    keys = sorted(str(r.props["identifier"]) for r in _r7_nodes(ob))
    assert keys == ["F-same"] + [f"F-split-{n}" for n in range(6)]


# -- over HTTP and the CLI ---------------------------------------------------------------------

ROUTE = "/foad128/emergency-requests"


def _ok(r: Response, status: int = 200) -> Any:
    assert r.status_code == status, r.text
    return r.json()


def test_foad128_over_http_and_the_listing(registry: Registry, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    load(registry, tmp_path)
    tokens = tokens_for(registry, [Principal("foad128", Role.SYSTEM,
                                             scopes=frozenset({SUBMIT_EMERGENCIES})),
                                   Principal("steward-reg", Role.STEWARD, agency="REG"),
                                   Principal("auditor", Role.AUDITOR)])
    client = TestClient(create_app(registry))

    def as_(who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens[who]}"}

    today = datetime.now(UTC).astimezone(TEHRAN).date()
    referred = today - timedelta(days=12)
    body = {"reference": "۱۲۸/۱۴۰۴/۹", "agency": "REG", "referred": to_jalali_str(referred),
            "subject": "صف طولانی", "days": "۱۰"}  # Persian digits, as a string
    made = _ok(client.post(ROUTE, headers=as_("foad128"), json=body), 201)
    due = referred + timedelta(days=10)
    assert (made["created"], made["state"], made["due"], made["due_jalali"], made["days_left"],
            made["overdue"], made["late"], made["reference"]) == (
        True, "open", due.isoformat(), to_jalali_str(due), -2, True, True, "۱۲۸/۱۴۰۴/۹")
    again = _ok(client.post(ROUTE, headers=as_("foad128"), json={**body, "days": 10}), 200)
    assert (again["created"], again["iri"]) == (False, made["iri"])
    clash = client.post(ROUTE, headers=as_("foad128"), json={**body, "agency": "TAXO"})
    assert clash.status_code == 409
    [reason] = clash.json()["reasons"]
    assert reason["requirement"] == "R-7" and "agency 'REG', not 'TAXO'" in reason["message_en"]
    assert "دستگاه" in reason["message_fa"]
    forbidden = client.post(ROUTE, headers=as_("steward-reg"), json={**body, "reference": "x"})
    assert forbidden.status_code == 403 and forbidden.json()["requirement"] == "R-7"
    assert forbidden.json()["detail_fa"]
    bad = client.post(ROUTE, headers=as_("foad128"), json={**body, "days": "ده"})
    assert bad.status_code == 422 and "تعداد روز" in bad.text
    both = client.post(ROUTE, headers=as_("foad128"),
                       json={**body, "reference": "y", "due": "1405/01/01"})
    assert both.status_code == 422 and "نه هر دو" in both.text
    _ok(client.post(ROUTE, headers=as_("foad128"), json={
        "reference": "F-later", "agency": "REG", "referred": today.isoformat(),
        "subject": "forms"}), 201)  # no deadline: the default span

    def listed(state: str | None) -> list[tuple[str, str]]:
        found = _ok(client.get("/agencies/REG/emergencies", headers=as_("auditor"),
                               params={"state": state} if state else {}))
        return [(x["reference"], x["state"]) for x in found]

    assert listed(None) == [("۱۲۸/۱۴۰۴/۹", "open"), ("F-later", "open")]
    assert listed("overdue") == [("۱۲۸/۱۴۰۴/۹", "open")]
    late = _ok(client.get("/deadlines", headers=as_("auditor"),
                          params={"agency": "REG", "overdue": True}))
    assert [d["iri"] for d in late if d["requirement"] == "R-7"] == [made["iri"]]
    _ok(client.post("/agencies/REG/emergencies/۱۲۸/۱۴۰۴/۹/resolved", headers=as_("steward-reg"),
                    json={"note": "نوبت‌دهی برخط"}))
    assert listed("closed") == [("۱۲۸/۱۴۰۴/۹", "closed")]
    assert listed("overdue") == []
    assert client.get("/agencies/REG/emergencies", headers=as_("auditor"),
                      params={"state": "late"}).status_code == 422
    closed = _ok(client.post(ROUTE, headers=as_("foad128"), json=body), 200)
    assert (closed["state"], closed["late"], closed["ended"]) == ("closed", True,
                                                                 today.isoformat())

    # The same listing on the command line, as the server's operator.
    monkeypatch.setattr("cli.report.guard", lambda: Guard(registry))
    out = CliRunner().invoke(app, ["report", "emergencies", "--agency", "REG",
                                   "--state", "closed"])
    assert out.exit_code == 0, out.output
    assert "#۱۲۸/۱۴۰۴/۹" in out.output and "closed" in out.output and "(late)" in out.output
