"""Only the cycle decides, through the CLI (R-2.1, R-3.2, R-3.3, R-4.2; ADR 0015): a forged
workbook is refused naming file, row and column; an edit of an approved service waits as a
working version the reviewer approves; a duty change shows its clocks in `govcat deadlines`;
legacy identifiers are the admin's command. On an embedded FalkorDB in a temporary folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cli import installations, run
from tests.workbooks import two_agencies, write_workbook

BASE = "https://govcat.cli/id/"
SERVICE = f"{BASE}agency/REG/service/S1"


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, str]]:
    with installations(tmp_path, BASE, "data") as [one]:
        yield one


def _approved_reg(env: dict[str, str], tmp_path: Path) -> None:
    assert run(env, "load", str(write_workbook(tmp_path / "a.xlsx", two_agencies())))[0] == 0
    assert run(env, "admin", "account", "steward-reg", "--role", "steward",
                "--agency", "REG")[0] == 0
    assert run(env, "admin", "account", "rev", "--role", "reviewer", "--body",
                "macro-structures", "--body", "smart-government")[0] == 0
    for step in ("1", "2"):
        for action, who in (("start", "steward-reg"), ("submit", "steward-reg"),
                            ("approve", "rev")):
            code, out = run(env, "cycle", action, "--agency", "REG", "--step", step,
                             "--by", who)
            assert code == 0, out


def _services(title: str, extra: list[str] | None = None) -> dict[str, list[list[object]]]:
    sheets = two_agencies()
    header = sheets["services"][0] + [k for k in (extra or [])]
    row = ["REG", "S1", title, "service", "D1", "U-REG-1", "", "E-REG-1", "electronic"]
    values = {"service_id": "S-REG-00777", "status": "approved"}
    return {"services": [header, row + [values[k] for k in (extra or [])]]}


def test_a_forged_id_is_refused_naming_file_row_and_column(env: dict[str, str],
                                                            tmp_path: Path) -> None:
    _approved_reg(env, tmp_path)
    forged = write_workbook(tmp_path / "forged.xlsx",
                            _services("ثبت ولادت", ["service_id"]))
    code, out = run(env, "load", str(forged), "--by", "steward-reg")
    assert code == 1
    assert "forged.xlsx" in out and "row 2" in out and "column service_id" in out
    assert "[R-4.2]" in out and "شناسه خدمت" in out
    code, out = run(env, "query", "--cypher",
                     "MATCH (s:PublicService {iri: $s}) RETURN s.serviceId AS id", "-p",
                     f"s={SERVICE}", "--format", "csv")
    assert code == 0 and "S-REG-00001" in out and "S-REG-00777" not in out


def test_an_edit_waits_for_the_reviewer_and_keeps_its_id(env: dict[str, str],
                                                         tmp_path: Path) -> None:
    _approved_reg(env, tmp_path)
    edited = write_workbook(tmp_path / "edit.xlsx", _services("ثبت ولادت نوزاد"))
    assert run(env, "load", str(edited), "--by", "steward-reg")[0] == 0
    code, out = run(env, "cycle", "diff", "--record", SERVICE, "--by", "steward-reg")
    assert code == 0 and "title@fa" in out and "ثبت ولادت نوزاد" in out
    code, out = run(env, "cycle", "changes", "--agency", "REG", "--by", "rev")
    assert code == 0 and SERVICE in out
    code, out = run(env, "cycle", "approve", "--agency", "REG", "--step", "2",
                     "--record", SERVICE, "--by", "rev")
    assert code == 0 and "S-REG-00001" in out, out
    code, out = run(env, "cycle", "diff", "--record", SERVICE, "--by", "rev")
    assert code == 1
    code, out = run(env, "export", "--format", "ttl", "--agency", "REG")
    assert "ثبت ولادت نوزاد" in out and "S-REG-00001" in out


def test_a_duty_change_shows_its_review_clocks_and_is_resolved(env: dict[str, str],
                                                               tmp_path: Path) -> None:
    _approved_reg(env, tmp_path)
    sheets = two_agencies()
    duties = [sheets["duties"][0], ["REG", "D1", "ثبت وقایع حیاتی و فوت",
                                    "قانون ثبت احوال، ماده ۱", "draft", "1405/09/01"]]
    changed = write_workbook(tmp_path / "duty.xlsx", {"duties": duties})
    assert run(env, "load", str(changed), "--by", "steward-reg")[0] == 0
    code, out = run(env, "deadlines", "--agency", "REG", "--today", "1405/09/05")
    assert code == 0, out
    review = [line for line in out.splitlines() if "to review" in line]
    assert len(review) == 1 and "due 1405/09/11" in review[0], out
    code, out = run(env, "cycle", "resolve-review", "--agency", "REG", "--record", SERVICE,
                     "--note", "سازگار است", "--by", "steward-reg")
    assert code == 0, out
    code, out = run(env, "deadlines", "--agency", "REG", "--today", "1405/09/05")
    assert "to review" not in out


def test_legacy_identifiers_are_the_admins_command(env: dict[str, str],
                                                   tmp_path: Path) -> None:
    _approved_reg(env, tmp_path)
    good = tmp_path / "legacy.csv"
    good.write_text("record,scheme,identifier\nREG:S1,national-service-id,۱۳۰۳۱۴۶۵۱۰۰\n",
                    encoding="utf-8")
    code, out = run(env, "admin", "legacy-ids", str(good))
    assert code == 0 and "recorded 1" in out, out
    bad = tmp_path / "bad.csv"
    bad.write_text("record,scheme,identifier\nTAXO:S1,national-service-id,13031465100\n"
                   "TAXO:S1,unknown-scheme,1\n", encoding="utf-8")
    code, out = run(env, "admin", "legacy-ids", str(bad))
    assert code == 1 and "row 2" in out and "already held" in out and "row 3" in out, out
