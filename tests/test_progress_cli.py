"""`govcat progress file|list` as an agency's steward uses them (R-5.2, ADR 0029), on an
embedded FalkorDB in a temporary data directory: a bad evidence file is refused naming the
file, nothing stored; a good one, whatever its name, is filed and listed. The commands are
thin: catalog.cycle.progress is tested on both stores in tests/test_progress.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from catalog.config import Settings
from catalog.iris import Iris
from catalog.registry import Registry
from catalog.store.falkordb_server import FalkorServer
from catalog.store.falkordb_store import FalkorStore
from tests.support.cli import installations, run
from tests.support.plans import approved_plan
from tests.test_progress import EXE, pdf

BASE = "https://govcat.cli/id/"


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, str]]:
    with installations(tmp_path, BASE, "data") as [one]:
        yield one


def test_progress_is_filed_and_listed_and_a_bad_file_is_named(
        env: dict[str, str], tmp_path: Path) -> None:
    store = FalkorStore(FalkorServer(Path(env["GOVCAT_DATA_DIR"])).connect(),
                        Settings().graph_name)
    store.setup()
    registry = Registry(store, Iris(BASE))
    registry.ensure_code_lists()
    approved_plan(registry, tmp_path)
    assert run(env, "admin", "account", "steward-reg", "--role", "steward",
               "--agency", "REG")[0] == 0
    good, bad = tmp_path / "minutes.png", tmp_path / "tool.pdf"
    good.write_bytes(pdf())  # a PDF named .png
    bad.write_bytes(EXE)  # a program named .pdf
    report = ("progress", "file", "--agency", "REG", "--plan", "PL1", "--period", "1404-H2",
              "--narrative", "ثبت ولادت برخط شد", "--value", "I1=2", "--done", "A1",
              "--by", "steward-reg")
    code, out = run(env, *report, "--evidence", str(good), "--evidence", str(bad))
    assert code == 1 and "tool.pdf" in out and "[R-5.2]" in out, out
    code, out = run(env, "progress", "list", "--agency", "REG", "--plan", "PL1",
                    "--by", "steward-reg")
    assert code == 0 and "no progress report" in out, out
    code, out = run(env, *report, "--evidence", str(good))
    assert code == 0, out
    assert "evidence minutes.png (application/pdf" in out and "indicator I1: 2" in out
    code, out = run(env, "progress", "list", "--agency", "REG", "--plan", "PL1",
                    "--by", "steward-reg")
    assert code == 0 and out.startswith("1404-H2") and "done: A1" in out, out
    code, out = run(env, *report, "--evidence", str(good))
    assert code == 1 and "already filed" in out  # one report per plan and period
    store.close()
