"""Two agencies walk step 3 end to end over HTTP with real accounts, on both real stores (R-5.1,
R-5.2, R-5.5, R-8.1, R-8.2; ADR 0027, 0029, 0030): each registers a plan by workbook, its
steering council endorses it, the Organization approves step 3 and issues the plan IDs; REG
then files a progress report with evidence, registers, endorses and sends the provincial slice
of its piloted plan, and Isfahan's verifier records its verification; the auditor's named
queries see what was done. Each rule is tested on its own in test_plans.py, test_progress.py
and test_provinces.py; this is the whole walk as the people of the regulation take it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from api.app import create_app
from catalog.access.principals import Principal, Role
from catalog.registry import Registry
from tests.support.auth import tokens_for
from tests.support.plans import BODIES, plan_sheets
from tests.workbooks import load_valid, two_agencies, write_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AGENCIES = ("REG", "TAXO")
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def _people() -> list[Principal]:
    found = [Principal("reviewer", Role.REVIEWER, bodies=BODIES),
             Principal("auditor", Role.AUDITOR),
             Principal("verifier-isfahan", Role.PROVINCIAL_VERIFIER, province="isfahan")]
    for a in AGENCIES:
        found += [Principal(f"steward-{a}", Role.STEWARD, agency=a),
                  Principal(f"council-{a}", Role.COUNCIL, agency=a)]
    return found


def _ok(r: Response, status: int = 200) -> Any:
    assert r.status_code == status, r.text
    return r.json()


def test_two_agencies_walk_step_3_over_http(registry: Registry, tmp_path: Path) -> None:
    tokens = tokens_for(registry, _people())
    client = TestClient(create_app(registry))

    def as_(name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens[name]}"}

    def post(who: str, url: str, status: int = 200, **kwargs: Any) -> Any:
        return _ok(client.post(url, headers=as_(who), **kwargs), status)

    load_valid(registry, tmp_path / "two.xlsx", two_agencies())  # both agencies' steps 1-2
    for a in AGENCIES:
        for step in (1, 2):
            post(f"steward-{a}", f"/agencies/{a}/steps/{step}/start")
            post(f"steward-{a}", f"/agencies/{a}/steps/{step}/submit")
            post("reviewer", f"/agencies/{a}/steps/{step}/approve")

    # Step 3: a plan per agency, registered by its steward's workbook.
    ids = {}
    for a in AGENCIES:
        plans = write_workbook(tmp_path / f"plans-{a}.xlsx",
                               plan_sheets(a, pilot="isfahan" if a == "REG" else ""))
        _ok(client.post("/imports", content=plans.read_bytes(),
                        headers={**as_(f"steward-{a}"), "content-type": XLSX}), 201)
        post(f"steward-{a}", f"/agencies/{a}/steps/3/start")
        refused = client.post(f"/agencies/{a}/steps/3/submit", headers=as_(f"steward-{a}"))
        assert refused.status_code == 409 and "R-5.1" in refused.text  # not yet endorsed
        endorsed = post(f"council-{a}", f"/agencies/{a}/plans/PL1/endorse",
                        json={"resolution": f"1405/{a}"})
        assert endorsed["endorsed"] and endorsed["recorded"]
        post(f"steward-{a}", f"/agencies/{a}/steps/3/submit")
        approved = post("reviewer", f"/agencies/{a}/steps/3/approve")
        [issued] = approved["issued"]
        ids[a] = issued["id"]
    assert ids == {"REG": "P-REG-00001", "TAXO": "P-TAXO-00001"}

    # REG reports its progress with evidence: a PDF, whatever its name says.
    report = post("steward-REG", "/agencies/REG/plans/PL1/progress", 201,
                  data={"period": "1405-H2", "narrative": "هر دو اقدام انجام شد",
                        "values": json.dumps({"I1": "3", "I2": "16"}), "done": ["A1", "A2"]},
                  files=[("evidence", ("scan.png", PDF, "image/png"))])
    [evidence] = report["evidence"]
    served = client.get(f"/evidence/{hashlib.sha256(PDF).hexdigest()}",
                        headers=as_("auditor"))
    assert served.content == PDF and served.headers["content-type"] == "application/pdf"
    assert evidence["media_type"] == "application/pdf"

    # The slice of the plan piloted in Isfahan, then Isfahan's verification.
    post("steward-REG", "/agencies/REG/plans/PL1/slice", 201,
         json={"description_fa": "ثبت برخط ولادت در همه استان‌ها"})
    post("council-REG", "/agencies/REG/plans/PL1/slice/endorse", json={"resolution": "1405/9"})
    sent = post("steward-REG", "/agencies/REG/plans/PL1/slice/send")
    assert sent["state"] == "sent" and sent["sent"] is not None
    verdicts = {"I1": {"verdict": "confirmed", "value": "3"},
                "I2": {"verdict": "not_confirmed", "value": "15", "note": "دو بار شمرده شد"}}
    post("verifier-isfahan", "/agencies/REG/plans/PL1/verifications", 201, json={
        "province": "isfahan", "indicators": verdicts,
        "problems": "استعلام برخط در ساعات اوج قطع می‌شود",
        "suggestions": "افزایش ظرفیت درگاه استعلام"})

    # What the auditor sees: REG's Isfahan disagrees on I2; TAXO has reported nothing.
    disagreements = post("auditor", "/queries/verification-disagreements", json={})
    rows = disagreements["rows"]
    assert [(r["province"].rsplit("/", 1)[-1], r["indicator_ref"]) for r in rows] == [
        ("isfahan", "I2")], rows
    for a in AGENCIES:
        listed = _ok(client.get(f"/agencies/{a}/plans", headers=as_("auditor")))
        assert [p["plan_id"] for p in listed["plans"]] == [ids[a]]
        assert listed["ready_to_submit"] is True
