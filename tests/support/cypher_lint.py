"""Neo4j's own Cypher grammar and semantic checks, offline: ``tools/cypher-lint/lint.mjs`` runs
``lintCypherQuery`` from npm ``@neo4j-cypher/language-support`` over a batch of queries.

Parameters (``$x``) are declared to the linter, and it is given no labels, relationship types or
property keys, so only real syntax/semantic problems are reported. One Node process lints the
whole batch (importing the grammar takes a few seconds), so pass all queries in one call.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
LINT_DIR = REPO_ROOT / "tools" / "cypher-lint"
LINT_SCRIPT = LINT_DIR / "lint.mjs"
PACKAGE_DIR = LINT_DIR / "node_modules" / "@neo4j-cypher" / "language-support"

INSTALL_TIMEOUT_S = 600.0
LINT_TIMEOUT_S = 600.0

# Each diagnostic: {"severity": "error" | "warning" | ..., "message": str, "start": int,
# "end": int (character offsets into the query), "line": int, "column": int (1-based),
# "source": "neo4j" | "govcat"}.
Diagnostic = dict[str, Any]


class CypherLintError(RuntimeError):
    """The linter could not be installed or run (not: a query has errors)."""


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise CypherLintError(f"'{name}' is not on PATH; it runs tools/cypher-lint")
    return path


@contextlib.contextmanager
def _install_lock() -> Iterator[None]:
    with (LINT_DIR / "package-lock.json").open("r") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def ensure_installed() -> None:
    """``npm ci`` in tools/cypher-lint when its node_modules is missing."""
    if PACKAGE_DIR.is_dir():
        return
    with _install_lock():
        if PACKAGE_DIR.is_dir():
            return
        result = subprocess.run(
            [_tool("npm"), "ci", "--no-audit", "--no-fund"],
            cwd=LINT_DIR,
            capture_output=True,
            text=True,
            timeout=INSTALL_TIMEOUT_S,
            check=False,
        )
        if result.returncode != 0 or not PACKAGE_DIR.is_dir():
            output = (result.stdout + result.stderr)[-4000:]
            raise CypherLintError(
                f"npm ci in tools/cypher-lint failed ({result.returncode}):\n{output}"
            )


def lint_cypher_all(queries: list[str]) -> list[dict[str, list[Diagnostic]]]:
    """Lint every query; per query ``{"errors": [...], "warnings": [...]}``, in input order."""
    if not all(isinstance(q, str) for q in queries):
        raise TypeError("lint_cypher expects a list of str")
    if not queries:
        return []
    ensure_installed()
    result = subprocess.run(
        [_tool("node"), str(LINT_SCRIPT)],
        cwd=LINT_DIR,
        input=json.dumps(queries),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=LINT_TIMEOUT_S,
        check=False,
    )
    if result.returncode != 0:
        raise CypherLintError(f"lint.mjs exited with {result.returncode}:\n{result.stderr[-4000:]}")
    try:
        parsed: list[dict[str, list[Diagnostic]]] = json.loads(result.stdout)
    except json.JSONDecodeError as exc:
        tail = result.stdout[-2000:]
        raise CypherLintError(f"lint.mjs printed no JSON ({exc}):\n{tail}") from exc
    if not isinstance(parsed, list) or len(parsed) != len(queries):
        raise CypherLintError(f"lint.mjs returned {parsed!r:.200}, not {len(queries)} results")
    return parsed


def lint_cypher(queries: list[str]) -> list[list[Diagnostic]]:
    """Error-severity diagnostics per query (an empty list means the query is valid)."""
    return [entry["errors"] for entry in lint_cypher_all(queries)]


def format_errors(queries: list[str], errors: list[list[Diagnostic]]) -> str:
    """Human-readable report of the queries that have errors (for assertion messages)."""
    lines: list[str] = []
    for query, diagnostics in zip(queries, errors, strict=True):
        if diagnostics:
            lines.append(f"--- {query}")
            lines.extend(f"    {d['line']}:{d['column']}: {d['message']}" for d in diagnostics)
    return "\n".join(lines)
