"""What every `govcat` command shares: opening the store (the one place the CLI does) and
closing what a command opened when it ends.

cli.main and its subcommand modules (cli.admin, cli.audit, cli.backup, cli.cycle, cli.queries,
cli.report, cli.who) import this module; it imports none of them, so the CLI's imports hold no
circle (docs/architecture.md)."""

from __future__ import annotations

from collections.abc import Callable

from catalog.access.accounts import seal_plain_credentials
from catalog.config import Settings
from catalog.iris import Iris
from catalog.registry import Registry
from catalog.store import open_store

# What the running command opened and closes when it ends (cli.main's callback), last first.
_on_close: list[Callable[[], object]] = []


def close_all() -> None:
    """Close what the command opened, last first."""
    while _on_close:
        _on_close.pop()()


def open_registry(settings: Settings | None = None) -> Registry:
    """The store of the settings, set up, with its code lists: the one place the CLI opens it.
    Callers reach it as `common.open_registry()`, so a test can replace it."""
    settings = settings or Settings()
    _stop_embedded_store_at_exit(settings)
    store = open_store(settings)
    store.setup()
    seal_plain_credentials(store, settings=settings)  # earlier versions' accounts (ADR 0016)
    registry = Registry(store, Iris(settings.base_iri))
    registry.ensure_code_lists()
    return registry


def _stop_embedded_store_at_exit(settings: Settings) -> None:
    """A command that had to start the embedded store stops it when it ends; a store that was
    already running (`govcat store start`, or a `serve` in progress) is reused and left so."""
    if settings.store != "falkordb" or settings.falkordb_url:
        return
    from catalog.store.falkordb_server import FalkorServer

    server = FalkorServer(settings.data_dir)
    if not server.status().running:
        # Compacting the AOF first keeps the next start fast: replaying the Cypher of many
        # small writes is what makes a restart slow (ADR 0002).
        _on_close.append(server.stop)
        _on_close.append(server.rewrite_aof)
