"""Opening the configured store: embedded FalkorDB (default), a FalkorDB server, or Neo4j."""

from __future__ import annotations

from catalog.config import Settings
from catalog.port import GraphStore, StoreChange, StoreError, StoreUnavailable

__all__ = ["GraphStore", "StoreChange", "StoreError", "StoreUnavailable", "open_store"]


def open_store(settings: Settings) -> GraphStore:
    if settings.store == "neo4j":
        import neo4j

        from catalog.store.neo4j_store import Neo4jStore

        auth = (settings.neo4j_user, settings.neo4j_password) if settings.neo4j_password else None
        driver = neo4j.GraphDatabase.driver(settings.neo4j_uri, auth=auth)
        return Neo4jStore(driver, settings.neo4j_database)
    if settings.store != "falkordb":
        raise ValueError(f"unknown store {settings.store!r}: use falkordb or neo4j")
    from falkordb import FalkorDB

    from catalog.store.falkordb_server import FalkorServer
    from catalog.store.falkordb_store import FalkorStore

    if settings.falkordb_url:
        return FalkorStore(FalkorDB.from_url(settings.falkordb_url), settings.graph_name)
    # A server this command has to start goes when the command's process does, however it
    # ends (ADR 0020); one already running (`govcat store start`) is reused and left so.
    server = FalkorServer(settings.data_dir, tied=True)
    return FalkorStore(server.connect(), settings.graph_name, rewrite_aof=server.rewrite_aof)
