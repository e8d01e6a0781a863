"""Load benchmark: rows/s of a whole submission through the real path (read, records → RDF,
SHACL on the neighbourhood, one atomic store write), on a fresh embedded FalkorDB.

Usage: python bench/load.py [--services 100000] [--skip-demo]
Prints one table row per catalog, with the time of each phase.
"""

from __future__ import annotations

import argparse
import platform
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.store import fresh_registry  # noqa: E402
from bench.synth import generate  # noqa: E402
from catalog.validation import validate  # noqa: E402
from loaders.spreadsheet import read_csv_folder, read_workbook  # noqa: E402

DEMO = Path(__file__).resolve().parent.parent / "demo" / "govcat-demo.xlsx"


def run(name: str, path: Path, workdir: Path) -> None:
    with fresh_registry(workdir / f"store-{name}") as registry:
        t0 = time.perf_counter()
        parsed = read_workbook(path) if path.suffix == ".xlsx" else read_csv_folder(path)
        t1 = time.perf_counter()
        cs = registry.changeset(parsed.records)
        t2 = time.perf_counter()
        problems = parsed.problems + validate(cs, registry.store)
        t3 = time.perf_counter()
        if problems:
            raise SystemExit(f"{name}: {len(problems)} problems, e.g. {problems[0]}")
        outcome = registry.apply_checked(cs)
        t4 = time.perf_counter()
        total = t4 - t0
        print(f"| {name} | {parsed.rows:,} | {outcome.stored:,} | {len(cs.graph):,} | "
              f"{t1 - t0:.2f} | {t2 - t1:.2f} | {t3 - t2:.2f} | {t4 - t3:.2f} | {total:.2f} | "
              f"{parsed.rows / total:,.0f} |", flush=True)


def main() -> None:
    # A killed benchmark still stops the store it started (the finally clauses run).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--services", type=int, default=100_000)
    ap.add_argument("--skip-demo", action="store_true")
    ns = ap.parse_args()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    print(f"machine: {platform.node()} {platform.machine()}, python {platform.python_version()}, "
          f"commit {commit}")
    print("| catalog | rows | records | triples | read s | to RDF s | SHACL s | store s | "
          "total s | rows/s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="govcat-bench-") as tmp:
        work = Path(tmp)
        if not ns.skip_demo:
            run("demo", DEMO, work)
        if ns.services:
            generate(work / "synthetic", ns.services)
            run(f"synthetic {ns.services:,} services", work / "synthetic", work)


if __name__ == "__main__":
    main()
