"""A fresh embedded store for one benchmark run, stopped when the run ends."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from catalog.iris import Iris
from catalog.registry import Registry
from catalog.store.falkordb_server import FalkorServer
from catalog.store.falkordb_store import FalkorStore


@contextmanager
def fresh_registry(data_dir: Path) -> Iterator[Registry]:
    server = FalkorServer(data_dir)
    store = FalkorStore(server.connect(), "bench", rewrite_aof=server.rewrite_aof)
    try:
        store.setup()
        registry = Registry(store, Iris("https://govcat.bench/id/"))
        registry.ensure_code_lists()
        yield registry
    finally:
        store.close()
        server.stop()
