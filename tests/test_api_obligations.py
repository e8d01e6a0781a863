"""Clocks started by events, the representative, performance reports and the monitoring report
over HTTP (ADR 0007), with real accounts and tokens on both stores:
R-19 (appoint within 10 days of the cycle's start; the representative files), R-7 (an
emergency request, overdue after its days, gone once resolved), R-3.3, R-5.5 (no slice before
an approved piloted plan; the whole walk is in tests/test_api_access.py) and R-18 (the
report as JSON, CSV and Markdown); 401 without a token, 403 for another agency's steward."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from api.app import create_app
from catalog.access.principals import Principal, Role
from catalog.cycle.deadlines import Period
from catalog.cycle.engine import TEHRAN
from catalog.jalali import add_days, to_jalali_str
from catalog.registry import Registry
from loaders.submission import read_submission
from tests.support.auth import tokens_for
from tests.test_api_access import ACCOUNTS, World
from tests.workbooks import two_agencies, write_workbook

REP = Principal("rep-reg", Role.REPRESENTATIVE, agency="REG")


@pytest.fixture
def world(registry: Registry, tmp_path: Path) -> World:
    """tests/test_api_access.py's two agencies and accounts, and REG's representative."""
    workbook = write_workbook(tmp_path / "two.xlsx", two_agencies())
    sub = read_submission(workbook, registry)
    assert sub.problems == []
    registry.apply_checked(sub.changeset)
    tokens = tokens_for(registry, [*ACCOUNTS, REP])
    return World(TestClient(create_app(registry)), registry, tokens, workbook)


def _ok(r: Response, status: int = 200) -> Any:
    assert r.status_code == status, r.text
    return r.json()


def _today() -> date:
    return datetime.now(UTC).astimezone(TEHRAN).date()


def _clocks(w: World, agency: str, **params: Any) -> dict[str, dict[str, Any]]:
    found = _ok(w.client.get("/obligations", headers=w.as_("auditor"),
                             params={"agency": agency, **params}))
    return {o["key"]: o for o in found}


def test_the_steward_appoints_and_the_representative_files(world: World) -> None:
    steward, rep = world.as_("steward-reg"), world.as_("rep-reg")
    today = _today()
    period = Period.of(today).label
    assert _ok(world.client.get("/agencies/REG/representative", headers=rep)) == {
        "agency": "REG", "current": None, "appointments": []}
    _ok(world.client.post("/agencies/REG/steps/1/start", headers=steward))  # the cycle starts
    r19 = _clocks(world, "REG", open=True)["R-19"]
    assert (r19["state"], r19["due"], r19["due_jalali"], r19["days_left"], r19["overdue"]) == (
        "open", add_days(today, 10).isoformat(), to_jalali_str(add_days(today, 10)), 10, False)
    assert r19["clock_start_jalali"] == to_jalali_str(today)
    # Nobody represents REG yet: nobody may file its report.
    early = world.client.post("/agencies/REG/performance-reports", headers=rep,
                              json={"period": period, "progress": "x"})
    assert early.status_code == 409 and early.json()["reasons"][0]["requirement"] == "R-19"
    # Another agency's steward may not appoint REG's representative.
    r = world.client.post("/agencies/REG/representative", headers=world.as_("steward-taxo"),
                          json={"person": "rep-reg"})
    assert r.status_code == 403 and r.json()["requirement"] == "R-20.1"
    made = _ok(world.client.post("/agencies/REG/representative", headers=steward,
                                 json={"person": "rep-reg"}), 201)
    assert (made["person"], made["appointed"], made["appointed_jalali"], made["current"]) == (
        "rep-reg", today.isoformat(), to_jalali_str(today), True)
    r19 = _clocks(world, "REG")["R-19"]
    assert (r19["state"], r19["ended"], r19["overdue"]) == ("met", today.isoformat(), False)
    assert "R-19" not in _clocks(world, "REG", open=True)
    current = _ok(world.client.get("/agencies/REG/representative", headers=world.as_("auditor")))
    assert current["current"]["person"] == "rep-reg" and len(current["appointments"]) == 1

    body = {"period": period, "progress": "گام ۱ آغاز شد / step 1 started",
            "challenges": "کمبود نیرو", "risks": "تأخیر", "mitigations": "مشاور"}
    filed = _ok(world.client.post("/agencies/REG/performance-reports", headers=rep, json=body),
                201)
    assert (filed["period"], filed["by"], filed["steps_approved"], filed["issued_jalali"]) == (
        period, "rep-reg", 0, to_jalali_str(today))
    again = world.client.post("/agencies/REG/performance-reports", headers=rep, json=body)
    assert again.status_code == 409  # one per agency and period; the trail is not edited
    assert world.client.post("/agencies/REG/performance-reports", headers=steward,
                             json=body).status_code == 403  # the representative files
    listed = _ok(world.client.get("/agencies/REG/performance-reports",
                                  headers=world.as_("reviewer-smart")))
    assert [(x["period"], x["by"], x["progress"], x["mitigations"]) for x in listed] == [
        (period, "rep-reg", body["progress"], "مشاور")]
    assert _ok(world.client.get("/agencies/TAXO/performance-reports", headers=rep)) == []
    # Periods are read at the boundary: a malformed one is a 422 in both languages.
    bad = world.client.post("/agencies/REG/performance-reports", headers=rep,
                            json={**body, "period": "1404-H3"})
    assert bad.status_code == 422
    [err] = bad.json()["detail"]
    assert "expected YYYY-H1" in err["msg"] and "دوره" in err["ctx"]["message_fa"]
    later = Period.of(add_days(Period.of(today).end, 1)).label
    future = world.client.post("/agencies/REG/performance-reports", headers=rep,
                               json={**body, "period": later})
    assert future.status_code == 409  # the period has not begun


def test_an_emergency_request_is_due_overdue_and_resolved(world: World) -> None:
    reviewer, steward = world.as_("reviewer-structures"), world.as_("steward-reg")
    today = _today()
    referred = today - timedelta(days=10)
    body = {"referred": to_jalali_str(referred), "subject": "صف طولانی صدور گواهی", "days": 3,
            "reference": "۱۲۸/۱۴۰۴/۵۵"}
    assert world.client.post("/agencies/REG/emergencies", headers=steward,
                             json=body).status_code == 403  # the Organization records them
    made = _ok(world.client.post("/agencies/REG/emergencies", headers=reviewer, json=body), 201)
    due = add_days(referred, 3)
    assert (made["requirement"], made["state"], made["due"], made["due_jalali"],
            made["clock_start"], made["days_left"], made["overdue"], made["reference"]) == (
        "R-7", "open", due.isoformat(), to_jalali_str(due), referred.isoformat(),
        (due - today).days, True, "۱۲۸/۱۴۰۴/۵۵")
    dup = world.client.post("/agencies/REG/emergencies", headers=reviewer, json=body)
    assert dup.status_code == 409 and dup.json()["reasons"][0]["requirement"] == "R-7"
    late = _ok(world.client.get("/deadlines", headers=world.as_("auditor"),
                                params={"agency": "REG", "overdue": True}))
    [r7] = [d for d in late if d["requirement"] == "R-7"]
    assert (r7["due_jalali"], r7["days_left"], r7["iri"]) == (
        to_jalali_str(due), -7, made["iri"])
    assert r7["subject"] == "صف طولانی صدور گواهی #۱۲۸/۱۴۰۴/۵۵"

    # The agency resolves it, by its Foad 128 reference (slashes and all); nobody else may.
    path = "/agencies/REG/emergencies/۱۲۸/۱۴۰۴/۵۵/resolved"
    assert world.client.post(path, headers=world.as_("steward-taxo")).status_code == 403
    assert world.client.post(path, headers=reviewer).status_code == 403
    done = _ok(world.client.post(path, headers=steward, json={"note": "نوبت‌دهی برخط"}))
    assert done == {"agency": "REG", "request": "۱۲۸/۱۴۰۴/۵۵", "resolved": True}
    assert world.client.post(path, headers=steward).status_code == 409  # no longer open
    due_now = _ok(world.client.get("/deadlines", headers=world.as_("auditor"),
                                   params={"agency": "REG"}))
    assert [d for d in due_now if d["requirement"] == "R-7"] == []
    assert _clocks(world, "REG")[made["key"]]["ended"] == today.isoformat()

    # One without a reference, due on an ISO date, resolved by its id.
    other = _ok(world.client.post("/agencies/REG/emergencies", headers=reviewer, json={
        "referred": today.isoformat(), "subject": "forms", "due": (today + timedelta(days=30))
        .isoformat()}), 201)
    assert (other["days_left"], other["overdue"], other["reference"]) == (30, False, None)
    _ok(world.client.post(f"/agencies/REG/emergencies/{other['id']}/resolved", headers=steward))
    assert _clocks(world, "REG")[other["key"]]["state"] == "met"

    # Dates are read at the boundary: a bad one is a 422 in Persian and English.
    bad = world.client.post("/agencies/REG/emergencies", headers=reviewer,
                            json={**body, "referred": "1404/13/01", "reference": "F-2"})
    assert bad.status_code == 422
    [err] = bad.json()["detail"]
    assert err["loc"] == ["body", "referred"] and err["ctx"]["message_en"]
    assert "تاریخ" in err["ctx"]["message_fa"] and err["ctx"]["message_fa"] in err["msg"]
    both = world.client.post("/agencies/REG/emergencies", headers=reviewer,
                             json={**body, "due": "1405/01/01", "reference": "F-3"})
    assert both.status_code == 422 and "مهلت" in both.json()["detail"][0]["msg"]


def test_duties_changed_and_provincial_slices(world: World) -> None:
    steward = world.as_("steward-reg")
    on = _today() - timedelta(days=2)
    first = _ok(world.client.post("/agencies/REG/duties-changed", headers=steward,
                                  json={"on": to_jalali_str(on), "reason": "قانون جدید"}))
    assert first["started"] and first["obligation"]["requirement"] == "R-3.3"
    assert first["obligation"]["due_jalali"] == to_jalali_str(add_days(on, 10))
    assert first["obligation"]["days_left"] == 8
    again = _ok(world.client.post("/agencies/REG/duties-changed", headers=steward))
    assert again == {"agency": "REG", "started": False, "obligation": None}  # already due
    assert world.client.post("/agencies/TAXO/duties-changed",
                             headers=steward).status_code == 403
    # REG has no approved plan, so no provincial slice to register or send (R-5.5, ADR 0030).
    r = world.client.post("/agencies/REG/plans/PL1/slice/send", headers=steward)
    assert r.status_code == 409 and r.json()["reasons"][0]["requirement"] == "R-5.5"
    assert r.json()["reasons"][0]["message_fa"]
    assert world.client.get("/agencies/REG/plans/PL1/slice", headers=steward).status_code == 404
    assert not any(k.startswith("R-5.5") for k in _clocks(world, "REG"))


def test_the_monitoring_report_as_json_csv_and_markdown(world: World) -> None:
    auditor = world.as_("auditor")
    steward = world.as_("steward-reg")
    _ok(world.client.post("/agencies/REG/steps/1/start", headers=steward))
    _ok(world.client.post("/agencies/REG/steps/1/submit", headers=steward))
    _ok(world.client.post("/agencies/REG/steps/1/reject", headers=world.as_("reviewer-structures"),
                          json={"reason": "مبنای قانونی کامل نیست"}))
    today = _today()
    period = Period.of(today)
    report = _ok(world.client.get("/reports/monitoring", headers=auditor,
                                  params={"period": period.label}))
    assert (report["period"], report["as_of"], report["as_of_jalali"], report["start_jalali"]) \
        == (period.label, today.isoformat(), to_jalali_str(today), to_jalali_str(period.start))
    reg, taxo = report["agencies"]
    assert (reg["agency"], taxo["agency"], reg["steps_approved"]) == ("REG", "TAXO", 0)
    [rejected] = reg["rejected"]
    assert (rejected["requirement"], rejected["on_jalali"]) == ("R-2.1", to_jalali_str(today))
    assert "مبنای قانونی کامل نیست" in rejected["what"]
    assert [f["what"] for f in reg["omissions"]][:1] == ["no representative appointed"]
    assert taxo["omissions"][0]["what_fa"] == "چرخه هوشمندسازی آغاز نشده است"

    r = world.client.get("/reports/monitoring", headers=auditor,
                         params={"period": period.label, "format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [(x["agency"], x["records_rejected"], x["as_of"]) for x in rows] == [
        ("REG", "1", to_jalali_str(today)), ("TAXO", "0", to_jalali_str(today))]
    r = world.client.get("/reports/monitoring", headers=world.as_("reviewer-smart"),
                         params={"period": period.label, "format": "md", "agency": "REG"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/markdown")
    assert r.text.startswith("# گزارش پایش شش‌ماهه") and "## REG — سازمان ثبت نمونه" in r.text
    assert "TAXO" not in r.text
    r = world.client.get("/reports/monitoring", headers=auditor,
                         params={"period": period.label, "format": "findings"})
    assert r.text.startswith("period,as_of,agency,category")

    assert world.client.get("/reports/monitoring", headers=steward,
                            params={"period": period.label}).status_code == 403
    bad = world.client.get("/reports/monitoring", headers=auditor, params={"period": "1404"})
    assert bad.status_code == 422 and "دوره" in bad.json()["detail"][0]["msg"]

    # Recording it as issued restarts each agency's six months, once per period.
    issued = _ok(world.client.post("/reports/monitoring", headers=auditor,
                                   json={"period": period.label}), 201)
    assert issued == {"period": period.label, "recorded": ["REG", "TAXO"], "already": []}
    again = _ok(world.client.post("/reports/monitoring", headers=auditor,
                                  json={"period": period.label, "agency": "REG"}), 201)
    assert again == {"period": period.label, "recorded": [], "already": ["REG"]}
    assert _clocks(world, "REG", open=True)["R-18"]["clock_start"] == today.isoformat()


def test_a_token_is_required(world: World) -> None:
    assert world.client.get("/obligations").status_code == 401
    assert world.client.get("/reports/monitoring", params={"period": "1404-H1"}).status_code \
        == 401
    r = world.client.post("/agencies/REG/representative", json={"person": "rep-reg"})
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert "detail_fa" in r.json()


def test_the_routes_are_documented(world: World) -> None:
    spec = world.client.get("/openapi.json").json()
    for path in ("/agencies/{agency}/representative", "/agencies/{agency}/emergencies",
                 "/agencies/{agency}/emergencies/{ref}/resolved",
                 "/agencies/{agency}/duties-changed",
                 "/agencies/{agency}/plans/{plan}/slice",
                 "/agencies/{agency}/plans/{plan}/slice/endorse",
                 "/agencies/{agency}/plans/{plan}/slice/send",
                 "/agencies/{agency}/plans/{plan}/verifications",
                 "/agencies/{agency}/performance-reports", "/obligations",
                 "/reports/monitoring"):
        assert path in spec["paths"], path
    emergency = spec["components"]["schemas"]["EmergencyBody"]["properties"]
    assert "Solar Hijri" in emergency["referred"]["description"]
    assert "صف طولانی صدور گواهی" in emergency["subject"]["examples"]
