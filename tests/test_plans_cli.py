"""Step 3 through `govcat` as an agency's steward, its steering council and a reviewer use it
(R-5.1, ADR 0027), on an embedded FalkorDB in a temporary data directory: plans loaded from a
workbook, what still lacks a plan, the council's endorsement, and step 3 submitted and
approved with the plan IDs issued. The rules themselves are tested in test_plans.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cli import installations, run
from tests.support.plans import plan_sheets
from tests.workbooks import two_agencies, write_workbook

BASE = "https://govcat.cli/id/"


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, str]]:
    with installations(tmp_path, BASE, "data") as [one]:
        yield one


def _ok(env: dict[str, str], *args: str) -> str:
    code, out = run(env, *args)
    assert code == 0, out
    return out


def test_step_3_through_the_cli(env: dict[str, str], tmp_path: Path) -> None:
    _ok(env, "load", str(write_workbook(tmp_path / "a.xlsx", two_agencies())))
    for name, role in (("ali", "steward"), ("council", "council")):
        _ok(env, "admin", "account", name, "--role", role, "--agency", "REG")
    _ok(env, "admin", "account", "reviewer", "--role", "reviewer", "--body",
        "macro-structures", "--body", "smart-government")
    for step in ("1", "2"):
        at = ("--agency", "REG", "--step", step)
        _ok(env, "cycle", "start", *at, "--by", "ali")
        _ok(env, "cycle", "submit", *at, "--by", "ali")
        _ok(env, "cycle", "approve", *at, "--by", "reviewer")
    _ok(env, "load", str(write_workbook(tmp_path / "plans.xlsx", plan_sheets())))

    code, out = run(env, "plans", "list", "--agency", "REG", "--by", "ali")
    assert code == 1 and "0 of 1 service(s)" in out, out
    assert "lacking [R-5.1]: S-REG-00001" in out
    step3 = ("--agency", "REG", "--step", "3")
    _ok(env, "cycle", "start", *step3, "--by", "ali")
    code, out = run(env, "cycle", "submit", *step3, "--by", "ali")
    assert code == 1 and "refused [R-5.1]" in out

    code, out = run(env, "plans", "endorse", "--agency", "REG", "--plan", "PL1", "--by", "ali")
    assert code == 3 and "forbidden [R-5.1]" in out  # a steward is not the council
    out = _ok(env, "plans", "endorse", "--agency", "REG", "--plan", "PL1", "--resolution",
              "1405/12", "--by", "council")
    assert out.startswith("endorsed: PL1")
    out = _ok(env, "plans", "list", "--agency", "REG", "--by", "ali")
    assert "1 of 1 service(s)" in out and "endorsed" in out

    _ok(env, "cycle", "submit", *step3, "--by", "ali")
    out = _ok(env, "cycle", "approve", *step3, "--by", "reviewer")
    assert "P-REG-00001" in out
    out = _ok(env, "plans", "list", "--agency", "REG", "--by", "ali")
    assert "approved" in out and "P-REG-00001" in out
