"""`govcat cycle …` and `govcat deadlines` as a steward and a reviewer use them, on an embedded
FalkorDB in a temporary data directory (the commands are thin: catalog.cycle is tested in
test_cycle.py and test_deadlines.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cli import installations, run
from tests.workbooks import two_agencies, write_workbook

BASE = "https://govcat.cli/id/"


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, str]]:
    with installations(tmp_path, BASE, "data") as [one]:
        yield one


def test_a_step_through_the_cli(env: dict[str, str], tmp_path: Path) -> None:
    code, out = run(env, "load", str(write_workbook(tmp_path / "a.xlsx", two_agencies())))
    assert code == 0, out
    assert run(env, "admin", "account", "ali", "--role", "steward", "--agency", "REG")[0] == 0
    assert run(env, "admin", "account", "reviewer", "--role", "reviewer",
                "--body", "macro-structures")[0] == 0
    step = ("--agency", "REG", "--step", "1")
    code, out = run(env, "cycle", "approve", *step, "--by", "reviewer")
    assert code == 1 and "[R-2.1]" in out and "not started" in out
    assert run(env, "cycle", "start", *step, "--by", "ali")[1].strip() == (
        "step 1 of REG: in_progress")
    assert run(env, "cycle", "submit", *step, "--by", "ali")[0] == 0
    code, out = run(env, "cycle", "reject", *step, "--by", "reviewer")
    assert code == 1 and "needs a reason" in out
    code, out = run(env, "cycle", "approve", *step, "--by", "ali")
    assert code == 3 and "forbidden [R-2.2]" in out and "may not approve" in out
    code, out = run(env, "cycle", "approve", *step, "--by", "reviewer")
    assert code == 0 and f"issued D-REG-0001 to {BASE}agency/REG/duty/D1" in out
    code, out = run(env, "cycle", "status", "--agency", "REG")
    assert code == 0 and out.splitlines()[0].startswith("1  approved")
    code, out = run(env, "cycle", "history", "--record", f"{BASE}agency/REG/duty/D1")
    assert code == 0 and "approve" in out and "id=D-REG-0001" in out and "by reviewer" in out
    code, out = run(env, "cycle", "history", *step)
    assert [line.split()[1] for line in out.splitlines()] == ["start", "submit", "approve"]


def test_deadlines_lists_due_and_overdue(env: dict[str, str], tmp_path: Path) -> None:
    assert run(env, "load", str(write_workbook(tmp_path / "a.xlsx", two_agencies())))[0] == 0
    assert run(env, "cycle", "start", "--agency", "TAXO", "--step", "1")[0] == 0
    code, out = run(env, "deadlines", "--agency", "TAXO", "--today", "1300/01/01")
    assert code == 0 and "[R-3.1]" in out and "day(s) left" in out and "[R-11]" in out
    code, out = run(env, "deadlines", "--overdue", "--today", "1499/01/01")
    assert code == 0 and "step 1  [R-3.1]" in out and "day(s) late" in out
    assert "REG" not in out  # REG's cycle has not begun: no clock, nothing due
    code, out = run(env, "deadlines", "--today", "1404/12/30")
    assert code == 2 and "1404" in out  # 1404 is not a leap year: Esfand has 29 days


def test_a_steward_token_loads_only_its_own_agency(env: dict[str, str], tmp_path: Path) -> None:
    """R-20.1 through the loader: the same workbook the operator may load is refused for a
    steward of one of its two agencies, and nothing is stored."""
    assert run(env, "admin", "account", "s-reg", "--role", "steward", "--agency", "REG")[0] == 0
    code, out = run(env, "admin", "token", "s-reg", "--days", "2")
    token = out.splitlines()[0]
    assert code == 0 and token.startswith("gct_")
    both = str(write_workbook(tmp_path / "both.xlsx", two_agencies()))
    code, out = run(env, "load", both, "--token", token)
    assert code == 1 and "forbidden [R-20.1]" in out and "TAXO" in out
    code, out = run(env, "export", "--format", "ttl")
    assert "agency/REG" not in out
    assert run(env, "load", both)[0] == 0  # the operator
    code, out = run(env, "load", both, "--token", "gct_0000000000000000_" + "x" * 43)
    assert code == 2 and "valid API token" in out


def test_the_trail_and_a_records_versions(env: dict[str, str], tmp_path: Path) -> None:
    """R-16: who did what, per agency and per actor; a record's earlier versions read back."""
    sheets = two_agencies()
    assert run(env, "load", str(write_workbook(tmp_path / "a.xlsx", sheets)))[0] == 0
    sheets["duties"][1][2] = "ثبت وقایع حیاتی و صدور گواهی"  # REG's D1, retitled
    assert run(env, "load", str(write_workbook(tmp_path / "b.xlsx", sheets)))[0] == 0
    assert run(env, "admin", "account", "ali", "--role", "steward", "--agency", "REG")[0] == 0
    assert run(env, "cycle", "start", "--agency", "REG", "--step", "1", "--by", "ali")[0] == 0
    code, out = run(env, "cycle", "trail", "--agency", "REG")
    # newest first: the clocks the start set running (ADR 0007), the start,
    # then the two imports (the second changed one record)
    actions = [line.split()[2] for line in out.splitlines()]
    assert code == 0 and actions == ["start-clock", "start-clock", "start", "import", "import"]
    lines = out.splitlines()
    assert "R-19" in lines[0] and "by ali (steward)" in lines[2]
    assert "1 record(s)" in lines[3] and "source=b.xlsx" in lines[3]
    assert "source=a.xlsx" in lines[4] and "by operator (admin)" in lines[4]
    code, out = run(env, "cycle", "trail", "--actor", "ali")
    assert code == 0 and len(out.splitlines()) == 3
    code, out = run(env, "cycle", "versions", "--record", f"{BASE}agency/REG/duty/D1")
    assert code == 0 and out.count("# change #") == 2
    first, second = out.split("# change #")[1:]
    assert "ثبت وقایع حیاتی" in first and "صدور گواهی" not in first
    assert "ثبت وقایع حیاتی و صدور گواهی" in second
