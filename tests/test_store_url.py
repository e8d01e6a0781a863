"""govcat can use an existing FalkorDB server by URL instead of starting its own."""

from __future__ import annotations

from pathlib import Path

from catalog.config import Settings
from catalog.store import open_store
from catalog.store.falkordb_server import FalkorServer


def test_open_store_by_url_reaches_that_server(falkor_server: FalkorServer, tmp_path: Path) -> None:
    address = falkor_server.status().address
    assert address is not None
    url = address if address.startswith("redis://") else "unix://" + address.removeprefix(
        "unix://")
    store = open_store(Settings(falkordb_url=url, graph_name="by-url",
                                data_dir=tmp_path / "unused"))
    store.clear()
    store.setup()
    store.read("RETURN 1 AS one")
    assert store.read("MATCH (n) RETURN count(n) AS n") == [{"n": 0}]
    assert not (tmp_path / "unused").exists()  # no embedded server was started
