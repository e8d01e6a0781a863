"""What waits for an approving body, on both real stores (catalog.cycle.inbox through
catalog.guard): only the steps its bodies decide, oldest submission first, each record's
change since its last approved version; no inbox for a role that decides no step (R-2.1,
R-2.2, ADR 0015)."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog.access.principals import Forbidden, Principal, Role
from catalog.cycle.inbox import ADDED, REMOVED
from catalog.guard import Guard
from catalog.registry import Registry
from loaders.submission import read_submission
from tests.workbooks import load_valid, two_agencies, write_workbook

STEWARD = Principal("steward-reg", Role.STEWARD, agency="REG")
STEWARD_TAXO = Principal("steward-taxo", Role.STEWARD, agency="TAXO")
STRUCTURES = Principal("reviewer-structures", Role.REVIEWER,
                       bodies=frozenset({"macro-structures"}))
SMART = Principal("reviewer-smart", Role.REVIEWER, bodies=frozenset({"smart-government"}))


def _submitted(guard: Guard, who: Principal, agency: str) -> None:
    guard.move(who, agency, 1, "start")
    guard.move(who, agency, 1, "submit")


def test_the_inbox_holds_the_bodys_steps_oldest_first(registry: Registry,
                                                      tmp_path: Path) -> None:
    load_valid(registry, tmp_path / "two.xlsx", two_agencies())
    guard = Guard(registry)
    _submitted(guard, STEWARD_TAXO, "TAXO")
    _submitted(guard, STEWARD, "REG")
    found = guard.inbox(STRUCTURES)
    assert [(w.agency, w.status.step, w.records) for w in found] == [("TAXO", 1, 1),
                                                                      ("REG", 1, 1)]
    assert found[0].since is not None and found[1].since is not None
    assert found[0].since <= found[1].since
    assert guard.inbox(SMART) == []  # step 1 is not smart-government's
    with pytest.raises(Forbidden) as refused:
        guard.inbox(STEWARD)
    assert refused.value.denial.requirement == "R-2.2"

    [duty] = guard.submission(STRUCTURES, "REG", 1).records
    assert duty.change == ADDED and duty.before is None
    assert {f["field"]: f["after"] for f in duty.fields}["title@fa"] == "ثبت وقایع حیاتی"


def test_withdrawing_an_approved_duty_waits_as_a_removal(registry: Registry,
                                                         tmp_path: Path) -> None:
    load_valid(registry, tmp_path / "two.xlsx", two_agencies())
    guard = Guard(registry)
    _submitted(guard, STEWARD, "REG")
    guard.approve(STRUCTURES, "REG", 1)
    guard.move(STEWARD, "REG", 1, "reopen", "وظیفه منسوخ شد")
    header, duty = two_agencies()["duties"][:2]
    duty[header.index("status")] = "withdrawn"
    sub = read_submission(write_workbook(tmp_path / "w.xlsx", {"duties": [header, duty]}),
                          registry)
    assert sub.problems == []
    guard.apply_checked(STEWARD, sub.changeset)
    guard.move(STEWARD, "REG", 1, "submit")

    [waiting] = guard.inbox(STRUCTURES)
    assert (waiting.agency, waiting.records) == ("REG", 1)
    [change] = guard.submission(STRUCTURES, "REG", 1).records
    assert change.change == REMOVED and change.before is not None
    [status] = [f for f in change.fields if f["field"] == "status"]
    assert [s.rsplit("/", 1)[-1] for s in status["before"]] == ["approved"]
    assert [s.rsplit("/", 1)[-1] for s in status["after"]] == ["withdrawn"]
