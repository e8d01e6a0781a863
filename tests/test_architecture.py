"""The layers hold: an import-linter contract (pyproject.toml) fails when an import crosses a
layer (cli → api → loaders, graph_queries → catalog; only store adapters import drivers)."""

from __future__ import annotations

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
