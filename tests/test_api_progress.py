"""Progress reports with evidence over HTTP (R-5.2, ADR 0029) on both real stores: a report
filed as a form with files (judged on their content, whatever their names) or as JSON without
files; refusals 413/415/409 in English and Persian naming the file, with nothing stored; the
reports listed with Solar Hijri dates; and an evidence file served with its media type, as an
attachment, `nosniff`, its SHA-256 as ETag, only to readers of the plan that cites it."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from api.app import create_app
from catalog.access.principals import Principal, Role
from catalog.cycle.evidence import PDF, XLSX
from catalog.registry import Registry
from tests.support.auth import tokens_for
from tests.support.plans import approved_plan
from tests.test_progress import EXE, SHEET, pdf, png

URL = "/agencies/REG/plans/PL1/progress"
PEOPLE = [Principal("steward-reg", Role.STEWARD, agency="REG"),
          Principal("auditor", Role.AUDITOR),
          Principal("reader", Role.SYSTEM, scopes=frozenset({"read:approved"}))]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _form(period: str, files: list[tuple[str, bytes, str]], **fields: Any) -> dict[str, Any]:
    return {"data": {"period": period, "narrative": "پیشرفت برنامه", **fields},
            "files": [("evidence", f) for f in files]}


def test_a_report_with_files_is_filed_listed_and_its_files_served_to_readers_only(
        registry: Registry, tmp_path: Path) -> None:
    approved_plan(registry, tmp_path)
    tokens = tokens_for(registry, PEOPLE)
    client = TestClient(create_app(registry))

    def as_(name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens[name]}"}

    steward = as_("steward-reg")
    # A PDF named .png and a workbook named .pdf: judged PDF and XLSX by their content.
    r = client.post(URL, headers=steward, **_form(
        "1404-H2", [("scan.png", pdf(), "image/png"), ("جدول.pdf", SHEET, PDF)],
        values='{"I1": "۵", "I2": 2.5}', done=["A1"]))
    assert r.status_code == 201, r.text
    report = r.json()
    assert report["period"] == "1404-H2" and report["issued_jalali"].startswith("14")
    assert (report["period_start_jalali"], report["period_end_jalali"]) == (
        "1404/07/01", "1404/12/29")
    assert report["values"] == [{"indicator": "I1", "value": "5.0"},
                                {"indicator": "I2", "value": "2.5"}]
    assert {(e["name"], e["media_type"]) for e in report["evidence"]} == {
        ("scan.png", PDF), ("جدول.pdf", XLSX)}
    # A program named .pdf among good files: 415 naming it, in en and fa; nothing stored.
    bad = client.post(URL, headers=steward, **_form(
        "1405-H1", [("ok.png", png(), "image/png"), ("invoice.pdf", EXE, PDF)]))
    assert bad.status_code == 415, bad.text
    body = bad.json()
    assert body["file"] == "invoice.pdf" and body["requirement"] == "R-5.2"
    assert "invoice.pdf" in body["detail"] and "invoice.pdf" in body["detail_fa"]
    assert client.get(f"/evidence/{_sha(png())}", headers=steward).status_code == 404
    # Too many files: 413; the period already reported: 409; JSON without files: 201.
    many = client.post(URL, headers=steward, **_form(
        "1405-H1", [(f"{i}.pdf", pdf(str(i)), PDF) for i in range(11)]))
    assert many.status_code == 413 and many.json()["detail_fa"]
    again = client.post(URL, headers=steward, json={"period": "1404-H2", "narrative": "x"})
    assert again.status_code == 409 and again.json()["requirement"] == "R-5.2"
    plain = client.post(URL, headers=steward, json={
        "period": "1405-H1", "narrative": "همه اقدامات انجام شد", "done": ["A1", "A2"]})
    assert plain.status_code == 201 and plain.json()["evidence"] == []
    listed = client.get(URL, headers=as_("auditor")).json()["reports"]
    assert [x["period"] for x in listed] == ["1404-H2", "1405-H1"]
    assert listed[0] == report
    # The file, to a reader of the plan: its bytes, type, name, nosniff, ETag.
    href = next(e["href"] for e in report["evidence"] if e["name"] == "scan.png")
    served = client.get(href, headers=as_("auditor"))
    assert served.status_code == 200 and served.content == pdf()
    assert served.headers["content-type"] == PDF
    assert served.headers["x-content-type-options"] == "nosniff"
    assert served.headers["etag"] == f'"{_sha(pdf())}"'
    assert served.headers["content-disposition"].startswith("attachment;")
    assert "filename*=UTF-8''scan.png" in served.headers["content-disposition"]
    cached = client.get(href, headers={**as_("auditor"), "If-None-Match": f'"{_sha(pdf())}"'})
    assert cached.status_code == 304
    # Anyone who may not read the plan is told nothing: 404, as for no file at all.
    for headers in ({}, as_("reader")):
        assert client.get(href, headers=headers).status_code == 404
        assert client.get(URL, headers=headers).status_code == 404
    for missing in ("0" * 64, "not-a-hash"):
        assert client.get(f"/evidence/{missing}", headers=as_("auditor")).status_code == 404
    # Never a record: not at its IRI, and not in any export.
    evidence_iri = f"{registry.iris.base}evidence/{_sha(pdf())}"
    assert client.get("/resource", params={"iri": evidence_iri},
                      headers=as_("auditor")).status_code == 404
