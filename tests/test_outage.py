"""Store outages (ADR 0011): with the store down, writes and reads fail fast with 503
and Retry-After, nothing is written or queued; when the store is back, the same app serves
again without a restart."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from catalog.iris import Iris
from catalog.registry import Registry
from catalog.store.falkordb_server import FalkorServer
from catalog.store.falkordb_store import FalkorStore
from loaders.submission import read_submission
from tests.conftest import BASE
from tests.support.auth import client_as
from tests.workbooks import two_agencies, write_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def down_and_up(tmp_path: Path) -> Iterator[tuple[FalkorServer, Registry]]:
    server = FalkorServer(tmp_path / "data")
    server.start()
    registry = Registry(FalkorStore(server.connect(), "outage"), Iris(BASE))
    registry.store.setup()
    registry.ensure_code_lists()
    yield server, registry
    server.stop()


def test_the_store_down_gives_503_fast_and_the_app_recovers(
        down_and_up: tuple[FalkorServer, Registry], tmp_path: Path) -> None:
    from catalog.access.principals import Principal, Role

    server, registry = down_and_up
    registry.apply_checked(read_submission(
        write_workbook(tmp_path / "two.xlsx", two_agencies()), registry).changeset)
    http = client_as(registry, Principal("admin", Role.ADMIN))
    before = registry.export(trail=True)
    seq_before = http.get("/changes", params={"after": 0, "limit": 5000}).json()["next"]
    pid = server.status().pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)  # the store dies
    time.sleep(0.3)

    sheets = two_agencies()
    sheets["duties"][1][2] = "عنوان تازه"
    body = write_workbook(tmp_path / "edit.xlsx", sheets).read_bytes()
    started = time.monotonic()
    write = http.post("/imports", content=body, headers={"content-type": XLSX})
    read = http.get("/agencies/REG/steps")
    health = http.get("/health")
    took = time.monotonic() - started
    for r in (write, read, health):
        assert r.status_code == 503, r.text
        assert r.headers["Retry-After"] and "detail_fa" in r.json()
        assert "Traceback" not in r.text
    assert took < 10  # fails fast: no long hang on a dead store

    server.start()  # the store comes back; the app is the same object
    assert http.get("/health").status_code == 200
    assert registry.export(trail=True).isomorphic(before)  # nothing half-written
    assert http.get("/changes", params={"after": 0, "limit": 5000}).json()["next"] == seq_before
    again = http.post("/imports", content=body, headers={"content-type": XLSX})
    assert again.status_code == 201, again.text
