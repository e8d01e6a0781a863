"""`govcat cycle …` and `govcat deadlines` as a steward and a reviewer use them, on an embedded
FalkorDB in a temporary data directory (the commands are thin: catalog.cycle is tested in
test_cycle.py and test_deadlines.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from catalog.store.falkordb_server import FalkorServer
from cli.main import app
from tests.workbooks import two_agencies, write_workbook

BASE = "https://govcat.cli/id/"


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, str]]:
    data = tmp_path / "data"
    server = FalkorServer(data)
    server.start()  # one server for the whole test, reused by every command
    yield {"GOVCAT_DATA_DIR": str(data), "GOVCAT_BASE_IRI": BASE}
    server.stop()


def _run(env: dict[str, str], *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.output


def test_a_step_through_the_cli(env: dict[str, str], tmp_path: Path) -> None:
    code, out = _run(env, "load", str(write_workbook(tmp_path / "a.xlsx", two_agencies())))
    assert code == 0, out
    step = ("--agency", "REG", "--step", "1")
    code, out = _run(env, "cycle", "approve", *step, "--by", "reviewer")
    assert code == 1 and "[R-2.1]" in out and "not started" in out
    assert _run(env, "cycle", "start", *step, "--by", "ali")[1].strip() == (
        "step 1 of REG: in_progress")
    assert _run(env, "cycle", "submit", *step, "--by", "ali")[0] == 0
    code, out = _run(env, "cycle", "reject", *step, "--by", "reviewer")
    assert code == 1 and "needs a reason" in out
    code, out = _run(env, "cycle", "approve", *step, "--by", "ali", "--as", "steward")
    assert code == 1 and "steward cannot approve" in out
    code, out = _run(env, "cycle", "approve", *step, "--by", "reviewer")
    assert code == 0 and f"issued D-REG-0001 to {BASE}agency/REG/duty/D1" in out
    code, out = _run(env, "cycle", "status", "--agency", "REG")
    assert code == 0 and out.splitlines()[0].startswith("1  approved")
    code, out = _run(env, "cycle", "history", "--record", f"{BASE}agency/REG/duty/D1")
    assert code == 0 and "approve" in out and "id=D-REG-0001" in out and "by reviewer" in out
    code, out = _run(env, "cycle", "history", *step)
    assert [line.split()[1] for line in out.splitlines()] == ["start", "submit", "approve"]


def test_deadlines_lists_due_and_overdue(env: dict[str, str], tmp_path: Path) -> None:
    assert _run(env, "load", str(write_workbook(tmp_path / "a.xlsx", two_agencies())))[0] == 0
    assert _run(env, "cycle", "start", "--agency", "TAXO", "--step", "1", "--by", "x")[0] == 0
    code, out = _run(env, "deadlines", "--agency", "TAXO", "--today", "1300/01/01")
    assert code == 0 and "[R-3.1]" in out and "day(s) left" in out and "[R-11]" in out
    code, out = _run(env, "deadlines", "--overdue", "--today", "1499/01/01")
    assert code == 0 and "step 1  [R-3.1]" in out and "day(s) late" in out
    assert "REG" not in out  # REG's cycle has not begun: no clock, nothing due
    code, out = _run(env, "deadlines", "--today", "1404/12/30")
    assert code == 2 and "1404" in out  # 1404 is not a leap year: Esfand has 29 days
