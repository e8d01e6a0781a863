"""The resources API (ADR 0009) on both stores: lists with filters, Persian text
search and a cursor that stays correct while others write; ETags and 304; PUT of one record in
its spreadsheet fields (create, update, 422 with SHACL problems, 403 for another agency);
DELETE where the cycle allows; If-Match 412 with nothing written, also under concurrency."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from api.app import create_app
from catalog.access.principals import Principal, Role
from catalog.cycle.config import default_config
from catalog.graphmap import Node
from catalog.port import StoreChange
from catalog.registry import Registry
from loaders.submission import read_submission
from tests.support.auth import tokens_for
from tests.workbooks import load_valid, two_agencies, write_workbook

BODIES = frozenset(s.body for s in default_config().steps.values())


@dataclass
class World:
    client: TestClient
    registry: Registry
    tokens: dict[str, str]

    def as_(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def iri(self, kind: str, agency: str, ref: str) -> str:
        return str(self.registry.iris.owned(kind, agency, ref))

    def list(self, kind: str, who: str = "auditor", **params: Any) -> dict[str, Any]:
        r = self.client.get(f"/resources/{kind}", params=params, headers=self.as_(who))
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        return body

    def get(self, iri: str, **params: str) -> Response:
        r: Response = self.client.get("/resource", params={"iri": iri, **params},
                                      headers=self.as_("auditor"))
        return r

    def put(self, kind: str, body: dict[str, Any], who: str = "steward-reg",
            **headers: str) -> Response:
        r: Response = self.client.put(f"/resources/{kind}", json=body,
                                      headers={**self.as_(who), **headers})
        return r


@pytest.fixture
def world(registry: Registry, tmp_path: Path) -> World:
    load_valid(registry, tmp_path / "two.xlsx", two_agencies())
    tokens = tokens_for(registry, (Principal("steward-reg", Role.STEWARD, agency="REG"),
                                   Principal("steward-taxo", Role.STEWARD, agency="TAXO"),
                                   Principal("reviewer", Role.REVIEWER, bodies=BODIES),
                                   Principal("auditor", Role.AUDITOR)))
    return World(TestClient(create_app(registry)), registry, tokens)


def _duty(ref: str, title: str, **more: str) -> dict[str, str]:
    return {"agency_code": "REG", "ref": ref, "title_fa": title,
            "legal_basis": "قانون ثبت احوال، ماده ۱", **more}


def _iris(page: dict[str, Any]) -> list[str]:
    return [item["iri"] for item in page["items"]]


# -- lists ---------------------------------------------------------------------------------------

def test_lists_filter_by_agency_status_and_step_state(world: World) -> None:
    duties = world.list("duties")
    assert _iris(duties) == sorted([world.iri("duty", "REG", "D1"),
                                    world.iri("duty", "TAXO", "D1")])
    assert duties["next"] is None
    [item] = world.list("duties", agency="REG")["items"]
    assert item["type"] == "Duty" and item["properties"]["title@fa"] == "ثبت وقایع حیاتی"
    assert item["links"]["agency"] == [str(world.registry.iris.agency("REG"))]
    # the plain JSON of the record's own IRI
    same = world.client.get("/resource", params={"iri": item["iri"], "format": "json"},
                            headers=world.as_("auditor"))
    assert same.json() == item
    assert len(world.list("duties", status="draft")["items"]) == 2
    assert world.list("duties", status="پیش‌نویس")["items"] == world.list(
        "duties", status="draft")["items"]
    assert world.list("duties", status="approved")["items"] == []
    assert world.client.get("/resources/duties", params={"status": "nonsense"},
                            headers=world.as_("auditor")).status_code == 422
    # agencies: the agency itself (and the bodies below it)
    assert _iris(world.list("agencies", agency="TAXO")) == [str(world.registry.iris.agency("TAXO"))]
    assert len(world.list("units")["items"]) == 2
    assert _iris(world.list("employees", agency="REG")) == [
        str(world.registry.iris.employee("E-REG-1"))]
    # the step of the cycle the duties belong to (step 1), per agency
    assert len(world.list("duties", step_state="not_started")["items"]) == 2
    r = world.client.post("/agencies/REG/steps/1/start", headers=world.as_("steward-reg"))
    assert r.status_code == 200, r.text
    assert _iris(world.list("duties", step_state="in_progress")) == [
        world.iri("duty", "REG", "D1")]
    assert _iris(world.list("duties", step_state="not_started")) == [
        world.iri("duty", "TAXO", "D1")]
    assert world.client.get("/resources/units", params={"step_state": "in_progress"},
                            headers=world.as_("auditor")).status_code == 422
    assert world.client.get("/resources/things").status_code == 422
    # without a token, the public view (catalog.access.visibility): no drafts
    public = world.client.get("/resources/duties")
    assert public.status_code == 200 and public.json() == {"items": [], "next": None}
    assert len(world.client.get("/resources/agencies").json()["items"]) == 2


def test_text_search_folds_persian_and_arabic_letters_and_digits(world: World) -> None:
    r = world.put("duties", _duty("K1", "نگهداری دفتر کل یکم ۱۲", title_en="General Ledger"))
    assert r.status_code == 201, r.text
    ledger = r.json()["iri"]
    # stored with Arabic letters and Persian digits, as a raw RDF load might have left it
    raw = world.iri("duty", "REG", "K2")
    world.registry.store.apply(StoreChange([Node(
        raw, "Duty", {"title@fa": "بايگاني اسناد كهنه ۳۴", "ref": "K2"},
        {"agency": (str(world.registry.iris.agency("REG")),)})]))
    for q, found in [
        ("كل يكم", ledger),  # Arabic kaf and yeh typed, Persian stored
        ("دفتر کل", ledger),
        ("۱۲", ledger), ("12", ledger), ("١٢", ledger),  # Persian, ASCII, Arabic-Indic digits
        ("general ledger", ledger), ("LEDGER", ledger),
        ("بایگانی اسناد کهنه", raw),  # Persian typed, Arabic stored
        ("34", raw), ("۳۴", raw),
        ("K2", raw),
    ]:
        assert _iris(world.list("duties", q=q)) == [found], q
    # the spellings search_key folds: آ/ا, ة/ه, with or without ZWNJ
    r = world.put("duties", _duty("K3", "آموزش دایرةالمعارف خانه‌ها"))
    encyclopedia = r.json()["iri"]
    for q in ("اموزش", "دایرهالمعارف", "خانهها", "خانه‌ها"):
        assert _iris(world.list("duties", q=q)) == [encyclopedia], q
    assert world.list("duties", q="هیچ‌چیز")["items"] == []
    assert _iris(world.list("agencies", q="sample registry")) == [
        str(world.registry.iris.agency("REG"))]
    assert _iris(world.list("duties", q="یکم", agency="TAXO")) == []


def test_search_ignores_separators_and_finds_alternative_names(world: World) -> None:
    """ADR 0024: a ZWNJ, a space or nothing between a word's parts, and punctuation with any
    spacing, match each other, in the query and in the stored text; alt_names are searched,
    each tagged by its script."""
    r = world.put("services", {
        "agency_code": "REG", "ref": "S2", "title_fa": "صدور کارت‌ملی هوشمند (المثنی)",
        "kind": "service", "duties": "D1", "units": "U-REG-1", "employees": "E-REG-1",
        "alt_names": "کارت ملی گم‌شده؛ Lost ID card; 1303"})
    assert r.status_code == 201, r.text
    card = r.json()["iri"]
    props = world.get(card, format="json").json()["properties"]
    assert props["altLabel@fa"] == "کارت ملی گم‌شده"
    assert props["altLabel@en"] == "Lost ID card" and props["altLabel"] == "1303"
    for q in ("کارت ملی", "کارتملی", "کارت‌ملی", "هوشمند المثنی", "هوشمند(المثنی)",
              "هوشمند ( المثنی )", "کارت ملی گمشده", "lost-id", "LOST ID CARD", "۱۳۰۳"):
        assert _iris(world.list("services", q=q)) == [card], q
    assert world.list("services", q="کارت ملی گم شده است")["items"] == []
    assert _iris(world.list("services", q="ثبت ولادت")) == [world.iri("service", "REG", "S1")]


def test_paging_stays_correct_while_records_are_written(world: World, tmp_path: Path) -> None:
    rows = [["agency_code", "ref", "title_fa", "legal_basis"]] + [
        ["REG", f"M{i:02}", f"وظیفه {i}", "قانون ثبت احوال، ماده ۱"] for i in range(1, 24)]
    sub = read_submission(write_workbook(tmp_path / "many.xlsx", {"duties": rows}),
                          world.registry)
    world.registry.apply_checked(sub.changeset)
    throughout = set(_iris(world.list("duties", limit=500)))
    assert len(throughout) == 25
    seen: list[str] = []
    cursor, n = None, 0
    while True:
        page = world.list("duties", limit=4, **({"cursor": cursor} if cursor else {}))
        seen += _iris(page)
        cursor = page["next"]
        if cursor is None:
            break
        n += 1
        # others write between pages: before the cursor (A…), after it (Z…), and delete one
        for ref in (f"A{n}", f"Z{n}"):
            assert world.put("duties", _duty(ref, f"تازه {n}")).status_code == 201
        if n == 2:
            gone = world.iri("duty", "REG", "M23")  # not yet seen
            assert world.client.delete("/resource", params={"iri": gone},
                                       headers=world.as_("steward-reg")).status_code == 200
            throughout.discard(gone)
    assert len(seen) == len(set(seen)), "a record was seen twice"
    assert throughout <= set(seen), "a record that existed throughout was missed"
    assert not any("/duty/A" in i for i in seen)  # written before the cursor: not seen
    assert any("/duty/Z" in i for i in seen)  # written after it: seen


# -- ETags ---------------------------------------------------------------------------------------

def test_etag_and_if_none_match(world: World) -> None:
    iri = world.iri("duty", "REG", "D1")
    path = "/id/" + iri.split("/id/", 1)[1]
    first = world.client.get("/resource", params={"iri": iri, "format": "json"},
                             headers=world.as_("auditor"))
    tag = first.headers["ETag"]
    assert tag.startswith('"') and first.status_code == 200
    turtle = world.client.get(path, params={"format": "ttl"}, headers=world.as_("auditor"))
    assert turtle.headers["ETag"] == tag  # one version, every representation
    again = world.client.get(path, headers={**world.as_("auditor"), "If-None-Match": tag})
    assert again.status_code == 304 and again.headers["ETag"] == tag and not again.content
    weak = world.client.get(path, headers={**world.as_("auditor"),
                                           "If-None-Match": f'"x", W/{tag}'})
    assert weak.status_code == 304
    r = world.put("duties", _duty("D1", "ثبت وقایع حیاتی کشور"), **{"If-Match": tag})
    assert r.status_code == 200, r.text
    assert r.headers["ETag"] != tag and r.json()["etag"] == r.headers["ETag"]
    changed = world.client.get(path, headers={**world.as_("auditor"), "If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] == r.headers["ETag"]


# -- PUT -----------------------------------------------------------------------------------------

def test_put_creates_and_updates_a_record_in_its_sheets_fields(world: World) -> None:
    body = {"کد دستگاه": "REG", "کد داخلی وظیفه": "D7", "عنوان فارسی": "صدور شناسنامه",
            "Title (English)": "Issuing birth certificates",
            "مبنای قانونی": ["قانون ثبت احوال، ماده ۱", "قانون ثبت احوال، ماده ۲"],
            "وضعیت": "پیش‌نویس", "تاریخ تغییر": "۱۴۰۳/۱۰/۰۸"}
    r = world.put("duties", body)
    assert r.status_code == 201, r.text
    iri = world.iri("duty", "REG", "D7")
    assert r.json()["iri"] == iri and r.headers["Location"] == iri
    stored = world.get(iri, format="json").json()
    assert stored["properties"]["changedOn"] == "2024-12-28"
    assert stored["properties"]["title@en"] == "Issuing birth certificates"
    assert len(stored["links"]["implements"]) == 2
    assert stored["links"]["status"] == ["https://w3id.org/govcat/code/status/draft"]
    # the same again: nothing changes, same version, no new event
    same = world.put("duties", body)
    assert same.status_code == 200 and same.json()["unchanged"] is True
    assert same.headers["ETag"] == r.headers["ETag"] and same.json()["event"] is None
    # an update: a new version and an "edit" change event in the feed
    r = world.put("duties", {**body, "عنوان فارسی": "صدور شناسنامه نوزادان"})
    assert r.status_code == 200 and r.json()["created"] is False and r.json()["stored"] == 1
    changes = world.client.get("/changes", headers=world.as_("auditor")).json()["changes"]
    assert changes[-1]["action"] == "edit" and iri in changes[-1]["records"]
    # unknown fields and malformed values are refused with the field named
    bad = world.put("duties", {**body, "colour": "blue", "تاریخ تغییر": "not a date"})
    assert bad.status_code == 422
    columns = {p.get("column") for p in bad.json()["problems"]}
    assert {"colour", "changed_on"} <= columns


def test_put_breaking_a_rule_is_422_with_shacl_problems_and_nothing_stored(
        world: World) -> None:
    before = world.registry.export(trail=True)
    r = world.put("duties", {"agency_code": "REG", "ref": "D9", "title_fa": "بی‌مبنا",
                             "legal_basis": ""})
    assert r.status_code == 422
    assert any(p.get("column") == "legal_basis" for p in r.json()["problems"])
    service = {"agency_code": "REG", "ref": "S9", "title_fa": "خدمت بی‌وظیفه", "kind": "خدمت",
               "duties": "NOPE", "units": "U-REG-1", "employees": "E-REG-1"}
    r = world.put("services", service)
    assert r.status_code == 422, r.text
    problems = r.json()["problems"]
    assert any(p.get("requirement") == "R-4.1" and p.get("focus") == world.iri(
        "service", "REG", "S9") for p in problems), problems
    assert world.registry.export(trail=True).isomorphic(before)


def test_put_for_another_agency_is_403(world: World) -> None:
    before = world.registry.export(trail=True)
    body = {"agency_code": "TAXO", "ref": "D1", "title_fa": "ربوده",
            "legal_basis": "قانون مالیات‌های مستقیم، ماده ۱"}
    r = world.put("duties", body)
    assert r.status_code == 403 and r.json()["requirement"] == "R-20.1"
    assert world.put("duties", body, who="auditor").status_code == 403
    assert world.registry.export(trail=True).isomorphic(before)
    assert world.put("duties", body, who="steward-taxo").status_code == 200


# -- DELETE --------------------------------------------------------------------------------------

def test_delete_where_the_cycle_allows(world: World) -> None:
    steward = world.as_("steward-reg")
    duty, service = world.iri("duty", "REG", "D1"), world.iri("service", "REG", "S1")
    r = world.client.delete("/resource", params={"iri": duty}, headers=steward)
    assert r.status_code == 409 and r.json()["reasons"][0]["requirement"] == "R-4.1"
    assert service in r.json()["reasons"][0]["message_en"]
    r = world.client.delete("/resource", params={"iri": service},
                            headers=world.as_("steward-taxo"))
    assert r.status_code == 403
    r = world.client.delete("/resource", params={"iri": service}, headers=steward)
    assert r.status_code == 200, r.text
    assert world.get(service).status_code == 404
    assert world.client.delete("/resource", params={"iri": service},
                               headers=steward).status_code == 404
    last = world.client.get("/changes", headers=world.as_("auditor")).json()["changes"][-1]
    assert last["action"] == "delete" and last["deleted"] == [service]
    assert last["records"] == [service] and last["event"] == r.json()["event"]
    # code lists, laws and the trail are not records of a kind the API deletes
    law = world.registry.store.describe([duty])[0].rels["implements"][0]
    assert world.client.delete("/resource", params={"iri": law},
                               headers=steward).status_code == 403
    # a duty that holds an issued ID keeps it: withdraw it instead
    for action, who in (("start", "steward-reg"), ("submit", "steward-reg"),
                        ("approve", "reviewer")):
        r = world.client.post(f"/agencies/REG/steps/1/{action}", headers=world.as_(who))
        assert r.status_code == 200, r.text
    before = world.registry.export(trail=True)
    r = world.client.delete("/resource", params={"iri": duty}, headers=steward)
    assert r.status_code == 409 and r.json()["reasons"][0]["requirement"] == "R-3.2"
    assert world.registry.export(trail=True).isomorphic(before)


# -- If-Match ------------------------------------------------------------------------------------

def test_if_match_on_a_stale_version_is_412_and_writes_nothing(world: World) -> None:
    iri = world.iri("duty", "REG", "D1")
    tag = world.get(iri).headers["ETag"]
    assert world.put("duties", _duty("D1", "نسخه دوم"), **{"If-Match": tag}).status_code == 200
    before = world.registry.export(trail=True)
    r = world.put("duties", _duty("D1", "نسخه سوم"), **{"If-Match": tag})
    assert r.status_code == 412 and r.json()["iri"] == iri
    assert r.headers["ETag"] != tag  # the current version, to read again
    # the same body as stored, with a stale tag: still 412 (nothing would change anyway)
    assert world.put("duties", _duty("D1", "نسخه دوم"),
                     **{"If-Match": tag}).status_code == 412
    r = world.client.delete("/resource", params={"iri": world.iri("service", "REG", "S1")},
                            headers={**world.as_("steward-reg"), "If-Match": tag})
    assert r.status_code == 412
    # If-None-Match: * creates only
    assert world.put("duties", _duty("D1", "نسخه سوم"),
                     **{"If-None-Match": "*"}).status_code == 412
    assert world.registry.export(trail=True).isomorphic(before)
    assert world.put("duties", _duty("N1", "نو"), **{"If-None-Match": "*"}).status_code == 201
    assert world.put("duties", _duty("N2", "نو"), **{"If-Match": "*"}).status_code == 412


def test_concurrent_writers_with_the_same_etag_exactly_one_wins(world: World) -> None:
    iri = world.iri("duty", "REG", "D1")
    tag = world.get(iri).headers["ETag"]
    app = world.client.app
    start = threading.Barrier(10)
    answers: list[int] = []

    def writer(i: int) -> None:
        client = TestClient(app)
        start.wait()
        r = client.put("/resources/duties", json=_duty("D1", f"نسخه همزمان {i}"),
                       headers={**world.as_("steward-reg"), "If-Match": tag})
        answers.append(r.status_code)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(answers) == [200] + [412] * 9
    versions = world.client.get("/versions", params={"iri": iri},
                                headers=world.as_("auditor")).json()
    assert len(versions) == 2  # the load and the one winner


# -- the store port's conditional write, without the API's own reads before it -------------------

def test_the_store_checks_expected_versions_inside_the_write(registry: Registry) -> None:
    from catalog.port import StaleVersion, StillReferenced, record_version

    store = registry.store
    a, b = "https://govcat.test/id/x/a", "https://govcat.test/id/x/b"
    store.apply(StoreChange([Node(a, "Dataset", {"ref": "a"}),
                             Node(b, "Dataset", {"ref": "b"}, {"heldIn": (a,)})]))
    [node] = store.describe([a])
    v0 = record_version(node)
    with pytest.raises(StaleVersion):
        store.apply(StoreChange([Node(a, "Dataset", {"ref": "a2"})], expect={a: "0" * 32}))
    with pytest.raises(StaleVersion):
        store.apply(StoreChange([Node(a, "Dataset", {"ref": "a2"})], expect={a: None}))
    with pytest.raises(StillReferenced) as refused:
        store.apply(StoreChange([], delete=[a], expect={a: v0}))
    assert refused.value.referrers == {a: [b]}
    assert store.describe([a]) == [node]
    # ten writers expecting the same version at once: exactly one commits
    start = threading.Barrier(10)
    outcomes: list[str] = []

    def writer(i: int) -> None:
        start.wait()
        try:
            store.apply(StoreChange([Node(a, "Dataset", {"ref": f"a{i}"})], expect={a: v0}))
            outcomes.append("ok")
        except StaleVersion:
            outcomes.append("stale")

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(outcomes) == ["ok"] + ["stale"] * 9
    # ten creators of one new record, each expecting it absent: exactly one commits
    c = "https://govcat.test/id/x/c"
    start = threading.Barrier(10)
    outcomes.clear()

    def creator(i: int) -> None:
        start.wait()
        try:
            store.apply(StoreChange([Node(c, "Dataset", {"ref": f"c{i}"})], expect={c: None}))
            outcomes.append("ok")
        except StaleVersion:
            outcomes.append("stale")

    threads = [threading.Thread(target=creator, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(outcomes) == ["ok"] + ["stale"] * 9
    assert [n.label for n in store.describe([c])] == ["Dataset"]
    store.apply(StoreChange([], delete=[b, a], expect={a: record_version(store.describe([a])[0])}))
    assert store.describe([a, b]) == []
