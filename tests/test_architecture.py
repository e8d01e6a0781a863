"""The layers hold (docs/architecture.md): import-linter contracts (pyproject.toml) fail when an
import crosses a layer (bench, demo → cli → api → loaders, graph_queries → catalog's adapters →
catalog's core), when the core imports a driver, Cypher, pyoxigraph or pyshacl outside its
adapter, or when modules import each other in a circle; and no Cypher is written outside the
store adapters (ADR 0021)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path


def test_import_contracts_hold(project_root: Path) -> None:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert exe is not None, "import-linter is a dev dependency"
    result = subprocess.run([exe, "--no-cache"], cwd=project_root, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout and "KEPT" in result.stdout


# Cypher is the stores' language: the application's lives under catalog/store/, the auditors'
# in graph_queries/queries/*.cypher (ADR 0004, 0021). A clause keyword followed by a pattern or
# an expression, in any .py file elsewhere, is Cypher text in the wrong place.
_CYPHER = re.compile(r"\b(MATCH|MERGE|UNWIND|OPTIONAL MATCH)\s*\(|\bDETACH DELETE\b|"
                     r"\bRETURN\s+[a-z_]+[.(]|\bCALL\s*\{")
_CYPHER_HOMES = ("catalog/store/",)
_PACKAGES = ("catalog", "api", "loaders", "graph_queries", "cli", "demo")


def test_no_cypher_outside_the_store_adapters(project_root: Path) -> None:
    found = []
    for package in _PACKAGES:
        for path in sorted((project_root / package).rglob("*.py")):
            rel = path.relative_to(project_root).as_posix()
            if rel.startswith(_CYPHER_HOMES):
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if _CYPHER.search(line):
                    found.append(f"{rel}:{number}: {line.strip()}")
    assert found == [], "Cypher outside catalog/store/:\n" + "\n".join(found)


def test_the_cypher_detector_sees_cypher() -> None:
    assert _CYPHER.search('    "MATCH (n:Resource {iri: $iri}) RETURN n.iri"')
    assert _CYPHER.search("UNWIND($rows) AS row") and _CYPHER.search("CALL { WITH x }")
    assert not _CYPHER.search("the store's MATCH clause, in words")
