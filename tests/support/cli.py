"""The `govcat` command in tests: run it as a user would, against installations (a data
directory with its embedded FalkorDB) made for the test."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from typer.testing import CliRunner

from catalog.store.falkordb_server import FalkorServer
from cli.main import app


def run(env: dict[str, str], *args: str) -> tuple[int, str]:
    """`govcat ARGS` in `env`: its exit code and what it printed."""
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.output


@contextmanager
def installations(root: Path, base: str, *names: str) -> Iterator[list[dict[str, str]]]:
    """One installation per name under `root`, its store started once for the whole test
    (every command reuses it) and stopped after: the environment of each."""
    servers = [FalkorServer(root / name) for name in names]
    try:
        for server in servers:
            server.start()
        yield [{"GOVCAT_DATA_DIR": str(root / name), "GOVCAT_BASE_IRI": base}
               for name in names]
    finally:
        for server in servers:
            server.stop()
