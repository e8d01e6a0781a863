"""Real accounts over HTTP (ADR 0008): tokens, roles and scopes; two agencies walk steps 1 and 2
(submit, reject with reason, resubmit, approve, IDs issued once); and a steward of one agency
is refused every write route on another agency's records, route by route, from the app's own
route table, so a new route cannot slip by (R-2.1, R-3.2, R-4.2, R-20.1)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from api.app import create_app
from catalog.access.accounts import Accounts
from catalog.access.principals import SUBMIT_EMERGENCIES, Principal, Role
from catalog.cycle.config import default_config
from catalog.cycle.plans import Plans
from catalog.cycle.progress import Progress
from catalog.registry import Registry
from loaders.submission import read_submission
from tests.support.auth import tokens_for
from tests.support.plans import (
    REVIEWER,
    approved_plan,
    council,
    load_plan,
    services_with_ids,
    steward,
)
from tests.workbooks import two_agencies, write_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A registry's own file in the standard vocabularies (ADR 0023).
STANDARD = Path(__file__).resolve().parent / "data" / "standard-registry-reg.ttl"
BODIES = frozenset(s.body for s in default_config().steps.values())
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass
class World:
    client: TestClient
    registry: Registry
    tokens: dict[str, str]
    workbook: Path

    def as_(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


ACCOUNTS = [
    Principal("admin", Role.ADMIN),
    Principal("steward-reg", Role.STEWARD, agency="REG"),
    Principal("steward-taxo", Role.STEWARD, agency="TAXO"),
    Principal("reviewer-structures", Role.REVIEWER, bodies=frozenset({"macro-structures"})),
    Principal("reviewer-smart", Role.REVIEWER, bodies=frozenset({"smart-government"})),
    Principal("auditor", Role.AUDITOR),
]


@pytest.fixture
def world(registry: Registry, tmp_path: Path) -> World:
    workbook = write_workbook(tmp_path / "two.xlsx", two_agencies())
    sub = read_submission(workbook, registry)
    assert sub.problems == []
    registry.apply_checked(sub.changeset)
    tokens = tokens_for(registry, ACCOUNTS)
    return World(TestClient(create_app(registry)), registry, tokens, workbook)


def _ok(r: Response, status: int = 200) -> Any:
    assert r.status_code == status, r.text
    return r.json()


def _duty(w: World, agency: str) -> str:
    return str(w.registry.iris.owned("duty", agency, "D1"))


def _walk_steps_1_and_2(w: World, agency: str) -> dict[str, str]:
    steward = w.as_(f"steward-{agency.lower()}")
    base = f"/agencies/{agency}/steps"
    _ok(w.client.post(f"{base}/1/start", headers=steward))
    _ok(w.client.post(f"{base}/1/submit", headers=steward))
    rejected = _ok(w.client.post(f"{base}/1/reject", headers=w.as_("reviewer-structures"),
                                 json={"reason": "مبنای قانونی کامل نیست"}))
    assert rejected["state"] == "rejected"
    _ok(w.client.post(f"{base}/1/submit", headers=steward))
    duties = _ok(w.client.post(f"{base}/1/approve", headers=w.as_("reviewer-structures")))
    _ok(w.client.post(f"{base}/2/start", headers=steward))
    _ok(w.client.post(f"{base}/2/submit", headers=steward))
    services = _ok(w.client.post(f"{base}/2/approve", headers=w.as_("reviewer-smart")))
    return {i["record"]: i["id"] for i in duties["issued"] + services["issued"]}


def test_two_agencies_walk_steps_1_and_2_with_real_accounts(world: World) -> None:
    issued = _walk_steps_1_and_2(world, "REG") | _walk_steps_1_and_2(world, "TAXO")
    assert sorted(issued.values()) == ["D-REG-0001", "D-TAXO-0001", "S-REG-00001",
                                       "S-TAXO-00001"]
    states = _ok(world.client.get("/agencies/REG/steps", headers=world.as_("auditor")))
    assert [s["state"] for s in states[:3]] == ["approved", "approved", "not_started"]
    history = _ok(world.client.get("/history", headers=world.as_("auditor"),
                                   params={"iri": str(world.registry.iris.owned("cycle", "REG",
                                                                                "1"))}))
    assert [(e["action"], e["actor"], e["role"]) for e in history] == [
        ("start", "steward-reg", "steward"), ("submit", "steward-reg", "steward"),
        ("reject", "reviewer-structures", "reviewer"), ("submit", "steward-reg", "steward"),
        ("approve", "reviewer-structures", "reviewer")]
    assert history[2]["reason"] == "مبنای قانونی کامل نیست"
    # Approving again issues nothing: the step is approved, the IDs stand.
    again = world.client.post("/agencies/REG/steps/1/approve",
                              headers=world.as_("reviewer-structures"))
    assert again.status_code == 409 and again.json()["reasons"][0]["requirement"] == "R-2.1"
    trail = _ok(world.client.get("/trail", headers=world.as_("auditor"),
                                 params={"actor": "reviewer-smart"}))
    # per agency: the service's approval (its ID issued) and the step's
    assert [(e["action"], e["issued"]) for e in trail] == [
        ("approve", None), ("approve", "S-TAXO-00001"), ("approve", None),
        ("approve", "S-REG-00001")]
    assert [e["seq"] for e in trail] == sorted((e["seq"] for e in trail), reverse=True)


def test_a_reviewer_decides_only_the_steps_of_their_body(world: World) -> None:
    steward = world.as_("steward-reg")
    world.client.post("/agencies/REG/steps/1/start", headers=steward)
    world.client.post("/agencies/REG/steps/1/submit", headers=steward)
    r = world.client.post("/agencies/REG/steps/1/approve", headers=world.as_("reviewer-smart"))
    assert r.status_code == 403 and r.json()["requirement"] == "R-2.2"
    r = world.client.post("/agencies/REG/steps/1/approve", headers=steward)
    assert r.status_code == 403  # an agency never approves itself
    steps = _ok(world.client.get("/agencies/REG/steps", headers=world.as_("auditor")))
    assert steps[0]["state"] == "submitted"


def test_tokens_are_required_and_expire_and_can_be_revoked(world: World) -> None:
    assert world.client.get("/agencies/REG/steps").status_code == 401
    bad = {"Authorization": "Bearer gct_0000000000000000_" + "x" * 43}
    assert world.client.get("/agencies/REG/steps", headers=bad).status_code == 401
    made = _ok(world.client.post("/accounts/auditor/tokens", headers=world.as_("admin"),
                                 json={"days": 1, "label": "laptop"}), 201)
    mine = {"Authorization": f"Bearer {made['token']}"}
    assert world.client.get("/agencies/REG/steps", headers=mine).status_code == 200
    _ok(world.client.delete(f"/accounts/auditor/tokens/{made['id']}", headers=world.as_("admin")))
    assert world.client.get("/agencies/REG/steps", headers=mine).status_code == 401
    later = Accounts(world.registry.store, now=lambda: datetime.now(UTC) + timedelta(days=91))
    with pytest.raises(Exception, match="valid API token"):
        later.authenticate(world.tokens["auditor"])  # issued for 90 days
    # Only the hash is kept: the stored token does not contain the secret.
    [stored] = [t for t in Accounts(world.registry.store).tokens("auditor")
                if t["id"] == made["id"]]
    assert made["token"].split("_", 2)[2] not in str(stored)


def test_only_administrators_manage_accounts(world: World) -> None:
    body = {"role": "steward", "agency": "TAXO"}
    r = world.client.put("/accounts/new-steward", headers=world.as_("steward-reg"), json=body)
    assert r.status_code == 403
    _ok(world.client.put("/accounts/new-steward", headers=world.as_("admin"), json=body))
    bad = world.client.put("/accounts/no-agency", headers=world.as_("admin"),
                           json={"role": "steward"})
    assert bad.status_code == 400


def test_a_steward_imports_its_own_agency_and_not_another(world: World, tmp_path: Path) -> None:
    sheets = two_agencies()
    sheets["duties"] = [sheets["duties"][0],
                        ["REG", "D2", "صدور گواهی", "قانون ثبت احوال، ماده ۲", "draft", ""]]
    own = write_workbook(tmp_path / "own.xlsx", {"duties": sheets["duties"]}).read_bytes()
    r = world.client.post("/imports", content=own, headers={
        **world.as_("steward-reg"), "content-type": XLSX})
    assert _ok(r, 201)["by_kind"] == {"Duty": 1, "LegalResource": 1}
    before = world.registry.export()
    r = world.client.post("/imports", content=world.workbook.read_bytes(), headers={
        **world.as_("steward-reg"), "content-type": XLSX})
    assert r.status_code == 403 and "TAXO" in r.json()["detail"]
    assert world.registry.export().isomorphic(before)


# -- every write route, generated from the route table ------------------------------------------

Call = Callable[[World], Response]


def _post(path: str, **kw: Any) -> Call:
    return lambda w: w.client.post(path, headers=w.as_("steward-reg"), **kw)


# Each write route of the app, called by REG's steward on TAXO's records (or, for routes that
# are no agency's, on something only administrators or auditors may do).
CROSS_AGENCY: dict[tuple[str, str], Call] = {
    ("POST", "/agencies/{agency}/steps/{step}/{action}"):
        _post("/agencies/TAXO/steps/1/start"),
    ("POST", "/agencies/{agency}/decisions"):
        lambda w: w.client.post("/agencies/TAXO/decisions", headers=w.as_("steward-reg"),
                                json={"record": _duty(w, "TAXO"), "approve": True}),
    ("POST", "/imports"):
        lambda w: w.client.post("/imports", content=w.workbook.read_bytes(),
                                headers={**w.as_("steward-reg"), "content-type": XLSX}),
    ("POST", "/imports/standard"):  # ADR 0023: a registry's file as TAXO's
        lambda w: w.client.post("/imports/standard?agency=TAXO", content=STANDARD.read_bytes(),
                                headers={**w.as_("steward-reg"), "content-type": "text/turtle"}),
    ("PUT", "/accounts/{name}"):
        lambda w: w.client.put("/accounts/steward-reg", headers=w.as_("steward-reg"),
                               json={"role": "steward", "agency": "TAXO"}),
    ("DELETE", "/accounts/{name}"):
        lambda w: w.client.delete("/accounts/steward-taxo", headers=w.as_("steward-reg")),
    ("POST", "/accounts/{name}/tokens"):
        _post("/accounts/steward-taxo/tokens"),
    ("POST", "/accounts/{name}/password-link"):  # ADR 0031: administrators only
        _post("/accounts/steward-taxo/password-link"),
    ("DELETE", "/accounts/{name}/tokens/{token_id}"):
        lambda w: w.client.delete("/accounts/steward-taxo/tokens/x",
                                  headers=w.as_("steward-reg")),
    # clocks, the representative and reports (api/obligations.py, ADR 0007)
    ("POST", "/agencies/{agency}/representative"):
        _post("/agencies/TAXO/representative", json={"person": "steward-reg"}),
    ("POST", "/agencies/{agency}/emergencies"):
        _post("/agencies/TAXO/emergencies",
              json={"referred": "1404/03/01", "subject": "صف", "days": 5, "reference": "F1"}),
    ("POST", "/foad128/emergency-requests"):  # R-7: Foad 128's system account only (ADR 0028)
        _post("/foad128/emergency-requests", json={
            "reference": "F1", "agency": "TAXO", "referred": "1404/03/01", "subject": "صف"}),
    ("POST", "/agencies/{agency}/emergencies/{ref}/resolved"):
        _post("/agencies/TAXO/emergencies/F1/resolved", json={"note": "done"}),
    ("POST", "/agencies/{agency}/duties-changed"):
        _post("/agencies/TAXO/duties-changed", json={"on": "1404/03/01"}),
    ("POST", "/agencies/{agency}/performance-reports"):
        _post("/agencies/TAXO/performance-reports",
              json={"period": "1404-H1", "progress": "گام ۱"}),
    ("POST", "/reports/monitoring"):
        _post("/reports/monitoring", json={"period": "1404-H1"}),
    # step 3: the steering council endorses its own agency's plans only (R-5.1, ADR 0027)
    ("POST", "/agencies/{agency}/plans/{plan}/endorse"):
        _post("/agencies/TAXO/plans/PL1/endorse", json={"resolution": "1"}),
    # a piloted plan's provincial slice and the provinces' verification (R-5.5, R-8, ADR 0030)
    ("POST", "/agencies/{agency}/plans/{plan}/slice"):
        _post("/agencies/TAXO/plans/PL1/slice", json={"description_fa": "بخش استانی"}),
    ("POST", "/agencies/{agency}/plans/{plan}/slice/endorse"):
        _post("/agencies/TAXO/plans/PL1/slice/endorse", json={"resolution": "1"}),
    ("POST", "/agencies/{agency}/plans/{plan}/slice/send"):
        _post("/agencies/TAXO/plans/PL1/slice/send"),
    ("POST", "/agencies/{agency}/plans/{plan}/verifications"):
        _post("/agencies/TAXO/plans/PL1/verifications", json={
            "province": "isfahan", "indicators": {"I1": {"verdict": "confirmed", "value": "1"}},
            "problems": "مشکل", "suggestions": "پیشنهاد"}),
    # progress reports with evidence: the agency's own approved plans only (R-5.2, ADR 0029)
    ("POST", "/agencies/{agency}/plans/{plan}/progress"):
        _post("/agencies/TAXO/plans/PL1/progress",
              json={"period": "1404-H2", "narrative": "پیشرفت"}),
    # review flags and the admin's legacy identifiers (ADR 0015)
    ("POST", "/agencies/{agency}/reviews"):
        _post("/agencies/TAXO/reviews", json={"record": "x", "note": "reviewed"}),
    ("POST", "/legacy-identifiers"):
        _post("/legacy-identifiers", json={"items": [
            {"record": "TAXO:S1", "scheme": "national-service-id", "identifier": "13031465100"}]}),
    # the resources API (api/resources.py, ADR 0009): one record of TAXO's, replaced, deleted
    ("PUT", "/resources/{kind}"):
        lambda w: w.client.put("/resources/duties", headers=w.as_("steward-reg"), json={
            "agency_code": "TAXO", "ref": "D1", "title_fa": "وصول مالیات",
            "legal_basis": "قانون مالیات‌های مستقیم، ماده ۱"}),
    ("DELETE", "/resource"):
        lambda w: w.client.delete("/resource", headers=w.as_("steward-reg"),
                                  params={"iri": str(w.registry.iris.owned("service", "TAXO",
                                                                           "S1"))}),
}

# Write-method routes that only read (a query with its parameters in a body): not agency
# writes; each must still refuse a steward where it lets one run Cypher of their own.
READ_ONLY_POSTS: dict[tuple[str, str], tuple[Call, int]] = {
    ("POST", "/queries/adhoc"): (_post("/queries/adhoc", json={
        "cypher": "MATCH (n:Resource) RETURN count(n) AS n"}), 403),
    ("POST", "/queries/saved"): (_post("/queries/saved", json={
        "name": "x", "cypher": "MATCH (n:Resource) RETURN n.iri AS iri",
        "description": "x"}), 403),
    ("DELETE", "/queries/saved/{name}"):
        (lambda w: w.client.delete("/queries/saved/x", headers=w.as_("steward-reg")), 403),
    # A steward may run a named or saved query (reading only); a saved one must exist.
    ("POST", "/queries/saved/{name}/run"): (_post("/queries/saved/x/run", json={}), 404),
    ("POST", "/queries/{name}"): (_post("/queries/posts-without-holder", json={}), 200),
    ("POST", "/sparql"): (_post("/sparql", data={"query": "ASK {}"}), 200),
}


def _write_routes(w: World) -> set[tuple[str, str]]:
    """Every write operation of the app, from its OpenAPI document: it lists the routes of
    included routers too, which `app.routes` no longer flattens (FastAPI 0.165)."""
    paths = w.client.app.openapi()["paths"]  # type: ignore[attr-defined]
    found = {(m.upper(), p) for p, ops in paths.items() for m in ops
             if m.upper() in WRITE_METHODS}
    assert len(found) > 20, found  # the table can never be silently empty again
    return found


def test_every_write_route_refuses_another_agencys_steward(world: World) -> None:
    routes = _write_routes(world)
    unlisted = routes - set(CROSS_AGENCY) - set(READ_ONLY_POSTS)
    assert unlisted == set(), "add each new write route to CROSS_AGENCY or READ_ONLY_POSTS"
    before = world.registry.export(trail=True)
    for route in sorted(routes & set(CROSS_AGENCY)):
        r = CROSS_AGENCY[route](world)
        assert r.status_code == 403, (route, r.status_code, r.text)
    for route in sorted(routes & set(READ_ONLY_POSTS)):
        call, status = READ_ONLY_POSTS[route]
        assert call(world).status_code == status, route
    assert world.registry.export(trail=True).isomorphic(before)


# -- the emergency requests of Foad 128 (R-7, ADR 0028): every role on the new routes -----------

def _one_of_each_role() -> list[Principal]:
    """An account of every role (with the agency, bodies and province any role may need);
    the system role twice: with the scope `submit:emergency-requests`, and with a read scope."""
    return [Principal(f"any-{r.value}", r, agency="REG", bodies=BODIES, province="isfahan",
                      scopes=frozenset({SUBMIT_EMERGENCIES} if r is Role.SYSTEM else ()))
            for r in Role] + [Principal("any-reader", Role.SYSTEM,
                                        scopes=frozenset({"read:approved"}))]


# Who may list an agency's emergency requests (READ_TRAIL, R-16); a role not named here (one
# added later) is tried on the submit route only.
LISTS_EMERGENCIES = {Role.STEWARD: 200, Role.REPRESENTATIVE: 200, Role.REVIEWER: 200,
                     Role.CONSULTANT: 200, Role.PROVINCIAL_VERIFIER: 200, Role.AUDITOR: 200,
                     Role.ADMIN: 200, Role.SYSTEM: 403}


def test_only_foad128s_system_account_submits_emergency_requests(world: World) -> None:
    who = _one_of_each_role()
    tokens = tokens_for(world.registry, who)
    body = {"reference": "F128-9", "agency": "REG", "referred": "1404/03/01", "subject": "صف",
            "days": 5}
    for p in who:
        headers = {"Authorization": f"Bearer {tokens[p.name]}"}
        r = world.client.post("/foad128/emergency-requests", headers=headers, json=body)
        if p.role is Role.SYSTEM and SUBMIT_EMERGENCIES in p.scopes:
            assert r.status_code == 201, r.text
            again = world.client.post("/foad128/emergency-requests", headers=headers, json=body)
            assert (again.status_code, again.json()["iri"]) == (200, r.json()["iri"])
        else:
            assert r.status_code == 403, (p.name, r.status_code, r.text)
            assert r.json()["requirement"] == "R-7" and r.json()["detail_fa"], p.name
        listing = world.client.get("/agencies/REG/emergencies", headers=headers)
        if p.role in LISTS_EMERGENCIES:
            assert listing.status_code == LISTS_EMERGENCIES[p.role], (p.name, listing.text)
    listed = _ok(world.client.get("/agencies/REG/emergencies", headers=world.as_("auditor")))
    assert [x["reference"] for x in listed] == ["F128-9"]  # stored once


# -- step 3: the steering council's endorsement (R-5.1, ADR 0027): every role -----------------

def test_only_the_agencys_council_endorses_its_plan_and_everyone_reads_the_plans(
        registry: Registry, tmp_path: Path) -> None:
    services_with_ids(registry, tmp_path, ("REG",))
    load_plan(registry, tmp_path)
    people = _one_of_each_role() + [Principal("council-taxo", Role.COUNCIL, agency="TAXO")]
    tokens = tokens_for(registry, people)
    client = TestClient(create_app(registry))
    url = "/agencies/REG/plans/PL1/endorse"
    for p in people:
        headers = {"Authorization": f"Bearer {tokens[p.name]}"}
        r = client.post(url, headers=headers, json={"resolution": "1405/12"})
        allowed = p.role is Role.COUNCIL and p.agency == "REG"
        assert r.status_code == (200 if allowed else 403), (p.name, r.status_code, r.text)
        if allowed:
            assert r.json()["recorded"] and r.json()["endorsed"]
        listing = client.get("/agencies/REG/plans", headers=headers)
        assert listing.status_code == (403 if p.role is Role.SYSTEM else 200), p.name
    listed = client.get("/agencies/REG/plans", headers={
        "Authorization": f"Bearer {tokens['any-auditor']}"}).json()
    [plan] = listed["plans"]
    assert plan["endorsed"] and plan["endorsements"][0]["resolution"] == "1405/12"
    assert listed["ready_to_submit"] is True


# -- progress reports with evidence (R-5.2, ADR 0029): every role on the new routes ----------

def test_only_the_agency_files_progress_and_only_readers_of_the_plan_see_it(
        registry: Registry, tmp_path: Path) -> None:
    approved_plan(registry, tmp_path)
    people = _one_of_each_role() + [Principal("steward-taxo", Role.STEWARD, agency="TAXO")]
    tokens = tokens_for(registry, people)
    client = TestClient(create_app(registry))
    url = "/agencies/REG/plans/PL1/progress"
    # Each agency role files its own half year, so that a second report is never the cause.
    periods = iter(["1404-H2", "1405-H1"])
    filed = []
    for p in people:
        headers = {"Authorization": f"Bearer {tokens[p.name]}"}
        allowed = p.role in (Role.STEWARD, Role.REPRESENTATIVE) and p.agency == "REG"
        period = next(periods) if allowed else "1404-H1"
        r = client.post(url, headers=headers, data={"period": period, "narrative": "پیشرفت"},
                        files=[("evidence", (f"{p.name}.pdf", b"%PDF-1.4\n% " +
                                             p.name.encode() + b"\n%%EOF\n", "a/b"))])
        assert r.status_code == (201 if allowed else 403), (p.name, r.status_code, r.text)
        if allowed:
            filed.append(r.json()["evidence"][0]["href"])
        else:
            assert r.json()["requirement"] in ("R-5.2", "R-20.1"), p.name
            assert r.json()["detail_fa"], p.name
    assert len(filed) == 2
    # Reading follows the plan (catalog.access.visibility): every account reads it; a system
    # without read:all, and anyone without a token, is told nothing (404).
    for p in people:
        headers = {"Authorization": f"Bearer {tokens[p.name]}"}
        reads = p.role is not Role.SYSTEM
        listing = client.get(url, headers=headers)
        assert listing.status_code == (200 if reads else 404), (p.name, listing.text)
        for href in filed:
            assert client.get(href, headers=headers).status_code == (200 if reads else 404)
    assert client.get(url).status_code == 404
    assert all(client.get(href).status_code == 404 for href in filed)


# -- a piloted plan's provincial slice and the provinces' verification (R-5.5, R-8.1, R-8.2,
# ADR 0030): every role on each new route ------------------------------------------------------

def test_only_the_agency_moves_its_slice_and_only_the_provinces_verifier_verifies(
        registry: Registry, tmp_path: Path) -> None:
    cycle = services_with_ids(registry, tmp_path, ("REG",))
    load_plan(registry, tmp_path, pilot="isfahan")
    Plans(cycle).endorse("REG", "PL1", council())
    cycle.start("REG", 3, steward())
    cycle.submit("REG", 3, steward())
    cycle.approve("REG", 3, REVIEWER)
    people = _one_of_each_role() + [
        Principal("council-taxo", Role.COUNCIL, agency="TAXO"),
        Principal("steward-taxo", Role.STEWARD, agency="TAXO"),
        Principal("verifier-fars", Role.PROVINCIAL_VERIFIER, province="fars")]
    tokens = tokens_for(registry, people)
    client = TestClient(create_app(registry))
    base = "/agencies/REG/plans/PL1"

    def auth(name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens[name]}"}

    def each(path: str, body: dict[str, Any] | None, allowed: Callable[[Principal], bool],
             status: int = 200) -> dict[str, Any]:
        """Every account posts; the one allowed gets `status`, every other a 403."""
        done: dict[str, Any] = {}
        for p in people:
            r = client.post(base + path, headers=auth(p.name), json=body)
            if allowed(p):
                assert r.status_code == status, (path, p.name, r.text)
                done = r.json()
            else:
                assert r.status_code == 403, (path, p.name, r.status_code, r.text)
                assert r.json()["detail_fa"] and r.json()["requirement"].startswith("R-")
        assert done, path
        return done

    def of_reg(role: Role) -> Callable[[Principal], bool]:
        return lambda p: p.role is role and p.agency == "REG"

    registered = each("/slice", {"description_fa": "ثبت برخط در همهٔ استان‌ها"},
                      of_reg(Role.STEWARD), 201)
    assert registered["state"] == "registered" and "isfahan" not in registered["provinces"]
    assert each("/slice/endorse", {"resolution": "1405/9"},
                of_reg(Role.COUNCIL))["state"] == "endorsed"
    sent = each("/slice/send", None, of_reg(Role.STEWARD))
    assert (sent["state"], sent["late"], sent["sent_jalali"]) == (
        "sent", False, sent["registered_jalali"])
    clocks = client.get("/obligations", headers=auth("any-auditor"),
                        params={"agency": "REG"}).json()
    assert [(o["key"], o["state"]) for o in clocks if o["requirement"] == "R-5.5"] == [
        ("R-5.5/PL1", "met")]

    verdicts = {"province": "isfahan", "problems": "مراجعه حضوری", "suggestions": "استعلام برخط",
                "indicators": {"I1": {"verdict": "confirmed", "value": "2"},
                               "I2": {"verdict": "not_confirmed", "value": "9", "note": "صف"}}}
    early = client.post(f"{base}/verifications", json=verdicts,
                        headers=auth("any-provincial_verifier"))
    assert early.status_code == 409 and early.json()["reasons"][0]["requirement"] == "R-8.1"
    Progress(cycle).file("REG", "PL1", steward(), period="1404-H2", narrative="انجام شد",
                         values={"I1": "2", "I2": "9"}, done=["A1", "A2"])
    report = each("/verifications", verdicts,
                  lambda p: p.role is Role.PROVINCIAL_VERIFIER and p.province == "isfahan", 201)
    assert [(x["indicator"], x["verdict"]) for x in report["indicators"]] == [
        ("I1", "confirmed"), ("I2", "not_confirmed")]
    again = client.post(f"{base}/verifications", json=verdicts,
                        headers=auth("any-provincial_verifier"))
    assert again.status_code == 409 and again.json()["reasons"][0]["message_fa"]
    for p in people:  # whoever reads the trail reads the slice and the reports
        for path in ("/slice", "/verifications"):
            r = client.get(base + path, headers=auth(p.name))
            assert r.status_code == (403 if p.role is Role.SYSTEM else 200), (p.name, path)
    listed = client.get(f"{base}/verifications", headers=auth("any-steward")).json()
    assert [v["province"] for v in listed["verifications"]] == ["isfahan"]
