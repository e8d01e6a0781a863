"""Crash benchmark (ADR 0011): the scenarios of tests/test_crash.py at a large
size, run by hand. The store (SIGKILL of the embedded FalkorDB server) and the app (`govcat
load`, `govcat serve`) are killed at random points of bulk loads and of a stream of API writes;
after each restart every acknowledged write, every submission's atomicity, the issued IDs and
the change feed are checked (bench/crashkit.py says how).

Usage: python bench/crash.py [--services 3000] [--kills 10] [--seeds 1] [--only bulk-store,...]
Prints the kill points as it goes, then one table row per category. Writes lost, imports
half-applied, ID gaps/repeats and feed holes must all be 0; the exit code is 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.crashkit import (  # noqa: E402
    Tally,
    bulk_scenario,
    quiet_sigterm,
    stream_scenario,
    table,
)

CATEGORIES = ("bulk-store", "bulk-app", "api-store", "api-app")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--services", type=int, default=3000, help="bulk catalog size")
    ap.add_argument("--kills", type=int, default=10, help="kills per category and seed")
    ap.add_argument("--seeds", default="1", help="comma-separated seeds")
    ap.add_argument("--gap", type=float, nargs=2, default=(0.3, 4.0),
                    help="API writes: seconds between kills (uniform)")
    ap.add_argument("--statement-nodes", type=int, default=None,
                    help="nodes per write statement (default: govcat's own)")
    ap.add_argument("--only", default=",".join(CATEGORIES), help="categories to run")
    ns = ap.parse_args()
    seeds = [int(s) for s in ns.seeds.split(",")]
    wanted = [c for c in ns.only.split(",") if c]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
          f"python {platform.python_version()}, commit {commit}"
          f"{' with uncommitted changes' if dirty else ''}", flush=True)
    say = lambda line: print(line, flush=True)  # noqa: E731
    totals: dict[str, Tally] = {}
    started = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="govcat-crash-")
    with quiet_sigterm():
        try:
            run(wanted, seeds, ns, Path(tmp), totals, say)
        except BaseException:
            print(f"kept {tmp} (data directories, logs) for a look", flush=True)
            raise
    print(f"\nseeds {ns.seeds}; {time.monotonic() - started:.0f} s")
    print(table(totals.values()))
    faults = [f for t in totals.values() for f in t.faults]
    for f in faults:
        print(f"FAULT: {f}")
    if faults:
        print(f"kept {tmp} (data directories, logs) for a look")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(1 if faults else 0)


def run(wanted: list[str], seeds: list[int], ns: argparse.Namespace, tmp: Path,
        totals: dict[str, Tally], say: Callable[[str], None]) -> None:
    for category in wanted:
        for seed in seeds:
            root = tmp / f"{category}-{seed}"
            kind, target = category.split("-")
            if kind == "bulk":
                tally = bulk_scenario(root, target, seed, ns.kills, ns.services,
                                      ns.statement_nodes, say=say)
            else:
                tally = stream_scenario(root, target, seed, ns.kills, tuple(ns.gap), say=say)
            if category in totals:
                totals[category].merge(tally)
            else:
                totals[category] = tally

if __name__ == "__main__":
    main()
