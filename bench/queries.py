"""Named-query benchmark (ADR 0004): median and p95 of each named query, through the real path
(header → parameters → store.read → analysis), on a fresh embedded FalkorDB loaded with the demo
catalog and, with --services N, a synthetic catalog of N services (org structure, duties and
services only: its chain and data-map queries have nothing to find and are marked n/a).

Usage: python bench/queries.py [--runs 50] [--services 0]
Parameters are picked from the catalog: the largest chain, agency, unit, dataset, system.
cycle-progress runs over every agency (the auditor's national overview); compare-structure
compares the largest agency's stored structure with a proposal that drops its largest unit.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.store import fresh_registry  # noqa: E402
from bench.synth import generate  # noqa: E402
from catalog.graphmap import Node  # noqa: E402
from catalog.port import GraphStore  # noqa: E402
from catalog.store.inspection import agency_structure, busiest  # noqa: E402
from graph_queries import named  # noqa: E402
from graph_queries.structure import Structure  # noqa: E402
from loaders.spreadsheet import read_csv_folder, read_workbook  # noqa: E402

DEMO = Path(__file__).resolve().parent.parent / "demo" / "govcat-demo.xlsx"

def pick(store: GraphStore, param: str) -> str | None:
    """Each parameter's pick: the node with the most relationships of its pattern (ties by
    IRI; catalog.store.inspection.busiest)."""
    return busiest(store, param)


def proposal_for(store: GraphStore) -> Structure | None:
    """The largest agency's units, posts and employees as stored, less its unit with the most
    posts (and what is in it): a reform's proposal, as the loaders would read it."""
    agency = pick(store, "agency")
    if agency is None:
        return None
    units, posts, held = agency_structure(store, agency)
    sizes: dict[str, int] = {}
    for p in posts:
        sizes[p["unit"]] = sizes.get(p["unit"], 0) + 1
    dropped = min(sizes, key=lambda u: (-sizes[u], u)) if sizes else None
    nodes = [Node(u["iri"], "OrganizationalUnit", {},
                  {"unitOf": (agency,), **({"subOrganizationOf": (u["parent"],)}
                                           if u["parent"] else {})})
             for u in units if u["iri"] != dropped]
    nodes += [Node(p["iri"], "Post", {}, {"agency": (agency,), "postIn": (p["unit"],)})
              for p in posts if p["unit"] != dropped]
    nodes += [Node(e["iri"], "Employee", {}, {"holds": tuple(sorted(e["posts"]))}) for e in held]
    return Structure(tuple(nodes), "bench proposal")


def params_for(store: GraphStore, query: named.NamedQuery) -> dict[str, Any] | None:
    """The query's required parameters picked from the catalog; None when there is none."""
    out: dict[str, Any] = {}
    for p in query.params:
        if p.optional and p.name != "units":
            continue
        value: Any = proposal_for(store) if p.type == "structure" else pick(store, p.name)
        if value is None:
            return None
        out[p.name] = value
    return out


def measure(store: GraphStore, runs: int) -> list[tuple[str, str, str, str]]:
    results = []
    for q in named.catalog_of_queries().values():
        params = params_for(store, q)
        if params is None:
            results.append((q.name, "n/a", "n/a", "-"))
            continue
        named.run(store, q.name, params)  # warm-up: plan cache, connection
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            answer = named.run(store, q.name, params)
            times.append((time.perf_counter() - t0) * 1000)
        p95 = statistics.quantiles(times, n=20)[18] if runs >= 2 else times[0]
        results.append((q.name, f"{statistics.median(times):.1f}", f"{p95:.1f}",
                        str(len(answer.rows))))
    return results


def run(name: str, path: Path, workdir: Path, runs: int) -> None:
    with fresh_registry(workdir / f"store-{name.split()[0]}") as registry:
        parsed = read_workbook(path) if path.suffix == ".xlsx" else read_csv_folder(path)
        # valid by construction (bench/load.py measures validation); stored in one write
        registry.apply_checked(registry.changeset(parsed.records))
        for query, median, p95, n in measure(registry.store, runs):
            print(f"| {name} | {query} | {median} | {p95} | {n} |", flush=True)


def main() -> None:
    on_catalogs(run, __doc__, runs=50, counted="rows")


def on_catalogs(run: Callable[[str, Path, Path, int], None], doc: str | None, runs: int,
                counted: str) -> None:
    """`run` on the demo and, with --services N, on a generated catalog: one table."""
    ap = argparse.ArgumentParser(description=doc)
    ap.add_argument("--runs", type=int, default=runs)
    ap.add_argument("--services", type=int, default=0)
    ns = ap.parse_args()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    print(f"machine: {platform.node()} {platform.machine()}, python {platform.python_version()}, "
          f"commit {commit}, {ns.runs} runs per query, embedded FalkorDB")
    print(f"| catalog | query | median ms | p95 ms | {counted} |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="govcat-bench-") as tmp:
        work = Path(tmp)
        run("demo", DEMO, work, ns.runs)
        if ns.services:
            generate(work / "synthetic", ns.services)
            run(f"synthetic {ns.services:,} services", work / "synthetic", work, ns.runs)


if __name__ == "__main__":
    main()
