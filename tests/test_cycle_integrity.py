"""The cycle as a system of record (R-2.1, R-3.2, R-3.3, R-4.2; ADR 0015), over HTTP on both
stores: no role sets an approval state or an issued ID through any write path; an edit of an
approved record is a working version the public does not see until the step's body approves
it; a duty change flags what rests on it; legacy identifiers are the admin's own action."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from rdflib import Graph, Literal, URIRef

from api.app import create_app
from catalog.access.principals import Principal, Role
from catalog.config import Settings
from catalog.cycle.deadlines import due_for
from catalog.jalali import parse_date
from catalog.registry import Registry
from tests.support.auth import tokens_for
from tests.workbooks import load_valid, two_agencies, write_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GC = "https://w3id.org/govcat/ns#"
ADMS = "http://www.w3.org/ns/adms#"
APPROVED = "https://w3id.org/govcat/code/status/approved"
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

ACCOUNTS = [
    Principal("admin", Role.ADMIN),
    Principal("steward-reg", Role.STEWARD, agency="REG"),
    Principal("representative-reg", Role.REPRESENTATIVE, agency="REG"),
    Principal("reviewer", Role.REVIEWER,
              bodies=frozenset({"macro-structures", "smart-government"})),
    Principal("consultant", Role.CONSULTANT),
    Principal("verifier", Role.PROVINCIAL_VERIFIER, province="tehran"),
    Principal("auditor", Role.AUDITOR),
    Principal("window", Role.SYSTEM, scopes=frozenset({"read:approved"})),
]
ROLES = [p.name for p in ACCOUNTS]


@dataclass
class World:
    client: TestClient
    registry: Registry
    tokens: dict[str, str]

    def as_(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def iri(self, kind: str, ref: str, agency: str = "REG") -> str:
        return str(self.registry.iris.owned(kind, agency, ref))


def _with_chain() -> dict[str, list[list[Any]]]:
    sheets = two_agencies()
    sheets["chains"] = [["ref", "title_fa", "final_service"],
                        ["CH1", "زنجیرهٔ ثبت", "REG:S1"]]
    sheets["chain_links"] = [["chain_ref", "order", "service", "depends_on"],
                             ["CH1", 1, "TAXO:S1", ""], ["CH1", 2, "REG:S1", "1"]]
    return sheets


@pytest.fixture
def world(registry: Registry, tmp_path: Path) -> World:
    load_valid(registry, tmp_path / "w.xlsx", _with_chain())
    tokens = tokens_for(registry, ACCOUNTS)
    # Every role calls every route here: a rate limit meant for people would stop the test.
    app = create_app(registry, replace(Settings(), rate_per_minute=100_000))
    return World(TestClient(app), registry, tokens)


def _ok(r: Response, status: int = 200) -> Any:
    assert r.status_code == status, r.text
    return r.json()


def _approve_reg(w: World) -> None:
    """REG's steps 1 and 2 walked by the cycle itself: D-REG-0001 and S-REG-00001 issued."""
    reviewer, steward = w.as_("reviewer"), w.as_("steward-reg")
    for step in (1, 2):
        _ok(w.client.post(f"/agencies/REG/steps/{step}/start", headers=steward))
        _ok(w.client.post(f"/agencies/REG/steps/{step}/submit", headers=steward))
        _ok(w.client.post(f"/agencies/REG/steps/{step}/approve", headers=reviewer))


def _decided(w: World) -> list[tuple[Any, ...]]:
    """What only the cycle decides, for every duty and service: status, IDs, legacy ID."""
    rows = w.registry.store.read(
        "MATCH (r:Resource) WHERE r:Duty OR r:PublicService "
        "OPTIONAL MATCH (r)-[:status]->(st:Resource) "
        "RETURN r.iri AS iri, st.notation AS status, r.dutyId AS d, r.serviceId AS s, "
        "r.legacyId AS l ORDER BY iri")
    return [tuple(r.values()) for r in rows]


# -- forged decisions on every record write path, by every role -------------------------------

def _forged_graph(w: World) -> Graph:
    """REG's records as the catalog exports them, with a forged duty ID, approval state and
    service ID: what a steward who edits an export could send."""
    g = w.registry.export(agency="REG")
    d, s = URIRef(w.iri("duty", "D1")), URIRef(w.iri("service", "S1"))
    g.set((d, URIRef(f"{GC}dutyId"), Literal("FORGED-1")))
    g.set((d, URIRef(f"{ADMS}status"), URIRef(APPROVED)))
    g.set((s, URIRef(f"{GC}serviceId"), Literal("S-REG-99999")))
    return g


def _forged_turtle(w: World) -> bytes:
    return _forged_graph(w).serialize(format="turtle").encode()


def _forged_jsonld(w: World) -> bytes:
    return _forged_graph(w).serialize(format="json-ld").encode()


def _forged_workbook(tmp: Path) -> bytes:
    sheets = two_agencies()
    duties = [row[:] for row in sheets["duties"]]
    duties[0] += ["duty_id"]
    duties[1] = ["REG", "D1", "ثبت وقایع حیاتی", "قانون ثبت احوال، ماده ۱", "approved",
                 "1403/10/08", "FORGED-1"]
    duties[2] += [""]
    services = [row[:] for row in sheets["services"]]
    services[0] += ["service_id"]
    services[1] += ["S-REG-99999"]
    services[2] += [""]
    path = write_workbook(tmp / "forged.xlsx", {"duties": duties, "services": services})
    return path.read_bytes()


Forge = Callable[[World, str, Path], Response]

# Every write path that carries records, with a forged approval state or ID in each format.
RECORD_PATHS: dict[str, Forge] = {
    "PUT duty": lambda w, who, _: w.client.put("/resources/duties", headers=w.as_(who), json={
        "agency_code": "REG", "ref": "D1", "title_fa": "ثبت وقایع حیاتی",
        "legal_basis": "قانون ثبت احوال، ماده ۱", "status": "approved", "duty_id": "FORGED-1"}),
    "PUT service": lambda w, who, _: w.client.put("/resources/services", headers=w.as_(who),
                                                  json={
        "agency_code": "REG", "ref": "S1", "title_fa": "ثبت ولادت", "kind": "service",
        "duties": "D1", "units": "U-REG-1", "employees": "E-REG-1",
        "service_id": "S-REG-99999"}),
    "PUT legacy": lambda w, who, _: w.client.put("/resources/services", headers=w.as_(who),
                                                 json={
        "agency_code": "REG", "ref": "S1", "title_fa": "ثبت ولادت", "kind": "service",
        "duties": "D1", "units": "U-REG-1", "employees": "E-REG-1",
        "legacy_id": "13031465100"}),
    "import workbook": lambda w, who, tmp: w.client.post(
        "/imports", content=_forged_workbook(tmp),
        headers={**w.as_(who), "content-type": XLSX}),
    "import turtle": lambda w, who, _: w.client.post(
        "/imports", content=_forged_turtle(w),
        headers={**w.as_(who), "content-type": "text/turtle"}),
    "import json-ld": lambda w, who, _: w.client.post(
        "/imports", content=_forged_jsonld(w),
        headers={**w.as_(who), "content-type": "application/ld+json"}),
}

# Write routes by what they do: record writes (above), the cycle's own actions, the admin's
# legacy import, and the rest (none of which carries a record's status or ID).
RECORD_ROUTES = {("PUT", "/resources/{kind}"), ("POST", "/imports")}
CYCLE_ROUTES = {("POST", "/agencies/{agency}/steps/{step}/{action}"),
                ("POST", "/agencies/{agency}/decisions")}
LEGACY_ROUTES = {("POST", "/legacy-identifiers")}


def _write_routes(w: World) -> set[tuple[str, str]]:
    paths = w.client.app.openapi()["paths"]  # type: ignore[attr-defined]
    return {(m.upper(), p) for p, ops in paths.items() for m in ops
            if m.upper() in WRITE_METHODS}


@pytest.mark.parametrize("approved", [False, True], ids=["draft", "approved"])
def test_no_role_sets_a_status_or_an_id_through_any_record_write(
        world: World, tmp_path: Path, approved: bool) -> None:
    routes = _write_routes(world)
    # Every route carrying records is exercised below: a new one fails here until it is.
    assert {r for r in routes if r[1] in ("/imports", "/resources/{kind}")
            and r[0] in ("PUT", "POST")} == RECORD_ROUTES
    if approved:
        _approve_reg(world)
    before = _decided(world)
    for path, forge in RECORD_PATHS.items():
        for who in ROLES:
            r = forge(world, who, tmp_path)
            assert r.status_code in (403, 422), (path, who, r.status_code, r.text)
            if r.status_code == 422:  # a role that may write: refused for the field, R-ID
                problems = r.json()["problems"]
                assert {p["requirement"] for p in problems} <= {"R-2.1", "R-3.2", "R-4.2"}, (
                    path, who, problems)
                assert all(p["message_fa"] for p in problems)
    assert _decided(world) == before


def test_no_role_sets_a_status_or_an_id_through_a_standard_import(world: World) -> None:
    """`POST /imports/standard` stores the complete records and lists the rest (ADR 0023): a
    forged approval state or ID makes its record one that is listed, citing the rule, and
    never stored; the decisions stay the cycle's (R-2.1, R-3.2, R-4.2)."""
    before = _decided(world)
    forged = {world.iri("duty", "D1"), world.iri("service", "S1")}
    judged = []
    for who in ROLES:
        r = world.client.post("/imports/standard", content=_forged_turtle(world),
                              headers={**world.as_(who), "content-type": "text/turtle"})
        assert r.status_code in (200, 403, 422), (who, r.status_code, r.text)
        if r.status_code != 403:
            judged.append(who)
            records = {x["record"]: x for x in r.json()["report"]["records"]}
            for iri in forged:
                assert not records[iri]["storable"], (who, records[iri])
                assert {n.get("requirement") for n in records[iri]["needs"]} & {
                    "R-2.1", "R-3.2", "R-4.2"}, (who, records[iri])
    assert judged  # the roles that may write REG were judged, not only refused
    assert _decided(world) == before


def test_every_other_write_route_leaves_decisions_to_the_cycle(world: World) -> None:
    """The routes that are neither record writes nor the cycle's actions, called by every
    role with what they take, change no status or ID (the legacy route: admin only)."""
    routes = _write_routes(world)
    others = routes - RECORD_ROUTES - CYCLE_ROUTES - LEGACY_ROUTES
    assert len(others) > 10
    before = _decided(world)
    for method, path in sorted(others):
        url = path.replace("{agency}", "REG").replace("{name}", "nobody").replace(
            "{kind}", "duties").replace("{ref}", "F1").replace("{unit}", "U-REG-1").replace(
            "{token_id}", "0000000000000000")
        body = {"status": "approved", "duty_id": "FORGED-1", "record": world.iri("duty", "D1"),
                "note": "x", "reason": "x", "approve": True}
        for who in ROLES:
            world.client.request(method, url, headers=world.as_(who), json=body)
    assert _decided(world) == before
    legacy = {"items": [{"record": "REG:S1", "scheme": "national-service-id",
                         "identifier": "13031465100"}]}
    for who in ROLES:
        r = world.client.post("/legacy-identifiers", headers=world.as_(who), json=legacy)
        assert r.status_code == (201 if who == "admin" else 403), (who, r.text)
    assert [row for row in _decided(world) if row[4]] == [
        (world.iri("service", "S1"), "draft", None, None, "13031465100")]


def test_ids_come_from_the_cycle_and_an_export_loads_back_unchanged(world: World) -> None:
    _approve_reg(world)
    decided = {r[0]: r for r in _decided(world)}
    assert decided[world.iri("duty", "D1")][1:3] == ("approved", "D-REG-0001")
    assert decided[world.iri("service", "S1")][1:4] == ("approved", None, "S-REG-00001")
    # The catalog's own export, as Turtle, carries the decided values as stored: accepted,
    # and nothing changes.
    ttl = world.registry.export(agency="REG").serialize(format="turtle").encode()
    r = world.client.post("/imports", content=ttl,
                          headers={**world.as_("steward-reg"), "content-type": "text/turtle"})
    assert r.status_code in (200, 201), r.text
    assert {r[0]: r for r in _decided(world)} == decided


# -- working versions --------------------------------------------------------------------------

def _edit_service(w: World, title: str) -> Response:
    return w.client.put("/resources/services", headers=w.as_("steward-reg"), json={
        "agency_code": "REG", "ref": "S1", "title_fa": title, "kind": "service",
        "duties": "D1", "units": "U-REG-1", "employees": "E-REG-1", "delivery": "electronic"})


def _public_title(w: World, iri: str) -> str:
    r = w.client.get("/resource", params={"iri": iri, "format": "json"},
                     headers=w.as_("window"))
    assert r.status_code == 200, r.text
    return str(r.json()["properties"]["title@fa"])


def test_an_edit_of_an_approved_service_waits_for_its_body(world: World) -> None:
    _approve_reg(world)
    service = world.iri("service", "S1")
    before_tag = world.client.get("/resource", params={"iri": service},
                                  headers=world.as_("window")).headers["etag"]
    _ok(_edit_service(world, "ثبت ولادت نوزاد"))
    # The public view (the national window's token too) still serves the approved version.
    assert _public_title(world, service) == "ثبت ولادت"
    assert world.client.get("/resource", params={"iri": service},
                            headers=world.as_("window")).headers["etag"] == before_tag
    change = _ok(world.client.get("/working", params={"iri": service},
                                  headers=world.as_("steward-reg")))
    assert [c["field"] for c in change["changes"]] == ["title@fa"]
    assert change["changes"][0]["before"] == "ثبت ولادت"
    assert change["changes"][0]["after"] == "ثبت ولادت نوزاد"
    waiting = _ok(world.client.get("/agencies/REG/changes", headers=world.as_("reviewer")))
    assert [w["iri"] for w in waiting] == [service]
    versions = _ok(world.client.get("/versions", params={"iri": service},
                                    headers=world.as_("auditor")))
    assert [v["working"] for v in versions][-1] is True
    # The steward cannot approve its own change; the step's body does.
    decision = {"record": service, "approve": True}
    r = world.client.post("/agencies/REG/decisions", headers=world.as_("steward-reg"),
                          json=decision)
    assert r.status_code == 403
    done = _ok(world.client.post("/agencies/REG/decisions", headers=world.as_("reviewer"),
                                 json=decision))
    assert done["id"] == "S-REG-00001"
    assert _public_title(world, service) == "ثبت ولادت نوزاد"
    decided = {r[0]: r for r in _decided(world)}[service]
    assert decided[1:4] == ("approved", None, "S-REG-00001")
    assert world.client.get("/working", params={"iri": service},
                            headers=world.as_("auditor")).status_code == 404
    actions = [e["action"] for e in _ok(world.client.get(
        "/history", params={"iri": service}, headers=world.as_("auditor")))]
    assert actions[-2:] == ["edit", "approve-change"]


def test_a_rejected_change_leaves_the_approved_version(world: World) -> None:
    _approve_reg(world)
    service = world.iri("service", "S1")
    _ok(_edit_service(world, "عنوان نادرست"))
    r = world.client.post("/agencies/REG/decisions", headers=world.as_("reviewer"),
                          json={"record": service, "approve": False})
    assert r.status_code == 409 and r.json()["reasons"][0]["requirement"] == "R-2.1"
    _ok(world.client.post("/agencies/REG/decisions", headers=world.as_("reviewer"),
                          json={"record": service, "approve": False, "reason": "نادرست"}))
    assert _public_title(world, service) == "ثبت ولادت"
    assert world.client.get("/working", params={"iri": service},
                            headers=world.as_("auditor")).status_code == 404
    history = _ok(world.client.get("/history", params={"iri": service},
                                   headers=world.as_("auditor")))
    assert (history[-1]["action"], history[-1]["reason"]) == ("reject-change", "نادرست")


def test_approving_the_reopened_step_approves_its_waiting_changes(world: World) -> None:
    _approve_reg(world)
    service = world.iri("service", "S1")
    _ok(_edit_service(world, "ثبت ولادت نوزاد"))
    steward = world.as_("steward-reg")
    _ok(world.client.post("/agencies/REG/steps/2/reopen", headers=steward,
                          json={"reason": "عنوان خدمت"}))
    _ok(world.client.post("/agencies/REG/steps/2/submit", headers=steward))
    _ok(world.client.post("/agencies/REG/steps/2/approve", headers=world.as_("reviewer")))
    assert _public_title(world, service) == "ثبت ولادت نوزاد"
    assert {r[0]: r for r in _decided(world)}[service][3] == "S-REG-00001"


# -- duty changes flag what rests on them (R-3.3) -----------------------------------------------

def test_a_duty_change_flags_its_services_and_chains_from_changed_on(world: World) -> None:
    _approve_reg(world)
    changed_on = "1404/02/10"
    _ok(world.client.put("/resources/duties", headers=world.as_("steward-reg"), json={
        "agency_code": "REG", "ref": "D1", "title_fa": "ثبت وقایع حیاتی و فوت",
        "legal_basis": "قانون ثبت احوال، ماده ۱", "changed_on": changed_on}))
    start = parse_date(changed_on)
    due = due_for("R-3.3", start)
    flags = _ok(world.client.post("/queries/review-flags", headers=world.as_("auditor"),
                                  json={}))["rows"]
    flagged = {(f["record"], f["agency"], f["changed_on"], f["due"]) for f in flags}
    assert flagged == {
        (world.iri("service", "S1"), "REG", start.isoformat(), due.isoformat()),
        (str(world.registry.iris.chain("CH1")), "REG", start.isoformat(), due.isoformat())}
    deadlines = _ok(world.client.get("/deadlines", params={"agency": "REG"},
                                     headers=world.as_("auditor")))
    review = [d for d in deadlines if d["requirement"] == "R-3.3" and d["subject"]
              and "review" in d["subject"]]
    assert len(review) == 2 and {d["due"] for d in review} == {due.isoformat()}
    # Another agency's steward cannot close REG's flags; REG's steward does, with a note.
    service = world.iri("service", "S1")
    body = {"record": service, "note": "خدمت با وظیفهٔ تازه سازگار است"}
    r = world.client.post("/agencies/REG/reviews", headers=world.as_("auditor"), json=body)
    assert r.status_code == 403
    _ok(world.client.post("/agencies/REG/reviews", headers=world.as_("steward-reg"), json=body))
    left = _ok(world.client.post("/queries/review-flags", headers=world.as_("auditor"),
                                 json={}))["rows"]
    assert [f["record"] for f in left] == [str(world.registry.iris.chain("CH1"))]
    again = world.client.post("/agencies/REG/reviews", headers=world.as_("steward-reg"),
                              json=body)
    assert again.status_code == 409 and again.json()["reasons"][0]["requirement"] == "R-3.3"


# -- legacy identifiers --------------------------------------------------------------------------

def test_legacy_identifiers_are_checked_and_kept_beside_the_issued_id(world: World) -> None:
    _approve_reg(world)
    admin = world.as_("admin")

    def record(identifier: str, ref: str = "REG:S1") -> Response:
        return world.client.post("/legacy-identifiers", headers=admin, json={"items": [
            {"record": ref, "scheme": "national-service-id", "identifier": identifier}]})

    assert record("12345").status_code == 422  # not 11-12 digits
    assert record("۱۳۰۳۱۴۶۵۱۰۰").status_code == 201  # Persian digits normalized
    taken = record("13031465100", "TAXO:S1")
    assert taken.status_code == 422 and "already held" in taken.text
    row = {r[0]: r for r in _decided(world)}[world.iri("service", "S1")]
    assert row[1:] == ("approved", None, "S-REG-00001", "13031465100")
    # A steward's edit keeps it (and approves nothing).
    _ok(_edit_service(world, "ثبت ولادت نوزاد"))
    assert {r[0]: r for r in _decided(world)}[world.iri("service", "S1")][4] == "13031465100"
    trail = _ok(world.client.get("/trail", params={"actor": "admin"},
                                 headers=world.as_("auditor")))
    assert [e["action"] for e in trail] == ["legacy-import"]
