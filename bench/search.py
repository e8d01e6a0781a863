"""Search benchmark (ADR 0024): median and p95 of `GET /resources/{kind}?q=` as the API runs it
(catalog.resources.list_page: the query's key, the store's folds of every searched string of
every record of the kind, one page), on a fresh embedded FalkorDB loaded with the demo catalog
and, with --services N, a synthetic catalog of N services.

Usage: python bench/search.py [--runs 30] [--services 0]
Each query is typed as people type it (ZWNJ, space or nothing between a word's parts, Arabic
letters, punctuation); most find little, so the store folds every record's text.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.queries import on_catalogs  # noqa: E402
from bench.store import fresh_registry  # noqa: E402
from catalog.access.principals import Principal, Role  # noqa: E402
from catalog.registry import Registry  # noqa: E402
from catalog.resources import ResourceQuery, list_page  # noqa: E402
from loaders.spreadsheet import read_csv_folder, read_workbook  # noqa: E402

DEMO = Path(__file__).resolve().parent.parent / "demo" / "govcat-demo.xlsx"
AUDITOR = Principal("bench", Role.AUDITOR)
QUERIES = [
    ("PublicService", "ثبت‌نام"), ("PublicService", "ثبت نام"), ("PublicService", "ثبتنام"),
    ("PublicService", "كارت ملي"), ("PublicService", "مستمری، بازماندگان"),
    ("PublicService", "S-01"), ("PublicService", "هیچ‌چیز پیدا نمی‌شود"),
    ("Dataset", "مالیات های مستقیم"), ("PublicOrganisation", "ثبت احوال"),
]


def measure(registry: Registry, runs: int) -> list[tuple[str, str, str, str]]:
    results = []
    for label, text in QUERIES:
        q = ResourceQuery(label, text=text, limit=100)
        list_page(registry, q, AUDITOR)  # warm-up: plan cache, connection
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            page = list_page(registry, q, AUDITOR)
            times.append((time.perf_counter() - t0) * 1000)
        p95 = statistics.quantiles(times, n=20)[18] if runs >= 2 else times[0]
        results.append((f"{label} «{text}»", f"{statistics.median(times):.1f}", f"{p95:.1f}",
                        str(len(page.items))))
    return results


def run(name: str, path: Path, workdir: Path, runs: int) -> None:
    with fresh_registry(workdir / f"store-{name.split()[0]}") as registry:
        parsed = read_workbook(path) if path.suffix == ".xlsx" else read_csv_folder(path)
        registry.apply_checked(registry.changeset(parsed.records))
        for query, median, p95, n in measure(registry, runs):
            print(f"| {name} | {query} | {median} | {p95} | {n} |", flush=True)


def main() -> None:
    on_catalogs(run, __doc__, runs=30, counted="found")


if __name__ == "__main__":
    main()
