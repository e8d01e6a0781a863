"""`govcat plans slice …` and `govcat plans verify` as an agency, its council and a province's
verifier use them, on an embedded FalkorDB in a temporary data directory (R-5.5, R-8.1, R-8.2;
ADR 0030). The commands are thin: catalog.cycle.provinces is tested in test_provinces.py."""

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
    assert code == 0, (args, out)
    return out


def test_a_piloted_plan_walks_its_slice_and_a_province_verifies(env: dict[str, str],
                                                                tmp_path: Path) -> None:
    _ok(env, "load", str(write_workbook(tmp_path / "a.xlsx", two_agencies())))
    for name, role, *more in (("ali", "steward", "--agency", "REG"),
                              ("shura", "council", "--agency", "REG"),
                              ("rev", "reviewer", "--body", "macro-structures"),
                              ("rev2", "reviewer", "--body", "smart-government"),
                              ("isf", "provincial_verifier", "--province", "isfahan")):
        _ok(env, "admin", "account", name, "--role", role, *more)
    for step, reviewer in (("1", "rev"), ("2", "rev2")):  # the steps' bodies (R-2.2)
        for action in ("start", "submit"):
            _ok(env, "cycle", action, "--agency", "REG", "--step", step, "--by", "ali")
        _ok(env, "cycle", "approve", "--agency", "REG", "--step", step, "--by", reviewer)
    _ok(env, "load", str(write_workbook(tmp_path / "p.xlsx", plan_sheets(pilot="isfahan"))))
    _ok(env, "plans", "endorse", "--agency", "REG", "--plan", "PL1", "--by", "shura")
    for action in ("start", "submit"):
        _ok(env, "cycle", action, "--agency", "REG", "--step", "3", "--by", "ali")
    _ok(env, "cycle", "approve", "--agency", "REG", "--step", "3", "--by", "rev2")

    plan = ("--agency", "REG", "--plan", "PL1")
    code, out = run(env, "plans", "slice", "show", *plan)
    assert code == 1 and "no provincial slice" in out
    code, out = run(env, "plans", "slice", "register", *plan, "--description-fa", "بخش",
                    "--by", "shura")
    assert code == 3 and "[R-5.5]" in out
    out = _ok(env, "plans", "slice", "register", *plan, "--description-fa", "بخش استانی",
              "--to", "fars", "--to", "tehran", "--by", "ali")
    assert "slice registered, piloted in isfahan" in out and "fars, tehran" in out
    code, out = run(env, "plans", "slice", "send", *plan, "--by", "ali")
    assert code == 1 and "[R-5.5]" in out  # not endorsed yet
    _ok(env, "plans", "slice", "endorse", *plan, "--resolution", "1405/2", "--by", "shura")
    out = _ok(env, "plans", "slice", "send", *plan, "--by", "ali")
    assert "slice sent" in out and "LATE" not in out

    verdicts = ("--province", "isfahan", "--indicator", "I1=confirmed:3",
                "--indicator", "I2=not_confirmed:9:صف", "--problems", "مشکل",
                "--suggestions", "پیشنهاد")
    code, out = run(env, "plans", "verify", *plan, *verdicts, "--by", "isf")
    assert code == 1 and "[R-8.1]" in out  # the actions are not declared done
    _ok(env, "progress", "file", *plan, "--period", "1404-H2", "--narrative", "انجام شد",
        "--value", "I1=3", "--done", "A1", "--done", "A2", "--by", "ali")
    code, out = run(env, "plans", "verify", *plan, *verdicts, "--by", "ali")
    assert code == 3 and "[R-8.1]" in out
    out = _ok(env, "plans", "verify", *plan, *verdicts, "--by", "isf")
    assert "I1 confirmed (3.0), I2 not_confirmed (9.0)" in out
    assert _ok(env, "plans", "verifications", *plan).startswith("isfahan: I1 confirmed")
