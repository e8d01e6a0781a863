"""Smoke test of the national-scale benchmark (bench/national.py, ADR 0013): at a tiny scale it
runs end to end through the real CLI, server and wrk, and its answers are right: what was
loaded is what was generated, edits are stored, validation and named queries answer what the
catalog holds, wrk's requests all succeed. It never judges speed (the targets are for
`make bench` on a real machine); the figures are only checked to be there.

Needs wrk: `make test` fetches it into tools/wrk first (the Makefile's wrk rule).
"""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from bench import national
from graph_queries import named

SCALE = 0.002  # bench/generate.py: about 3,000 rows, every kind of agency and record
RUNS = 3

# A query about one record picked from the catalog for having the most of what the query
# follows (bench/queries.py) must find something.
FINDS_SOMETHING = ("service-duties", "duty-services", "impact", "compare-structure",
                   "chain-links", "dataset-lineage", "system-lineage")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> national.Report:
    if national.find_wrk() is None:
        pytest.fail("wrk is missing: `make tools/wrk/usr/bin/wrk` fetches it (`make test` does)")
    work = tmp_path_factory.mktemp("national")
    previous = signal.getsignal(signal.SIGTERM)  # main() installs its own handler
    try:
        return national.main(["--scale", str(SCALE), "--runs", str(RUNS), "--wrk-duration", "3",
                              "--workdir", str(work), "--no-results"])
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_loaded_what_was_generated(report: national.Report) -> None:
    assert report.generated["services"] > 0
    assert report.rows_read == sum(report.generated.values())
    for sheet, rows in report.generated.items():
        assert report.stored.get(national.SHEET_LABELS[sheet], 0) == rows, sheet


def test_writes_are_stored(report: national.Report) -> None:
    for site in ("demo", "national"):
        assert report.write_status[site] == [200] * (RUNS + 1), site
        assert report.write_stored[site] == [1] * (RUNS + 1), site  # each edit changed it


def test_validation_agrees_with_the_load(report: national.Report) -> None:
    # the load accepted the catalog, so neither an edit of it nor the whole of it breaks a rule
    assert report.incremental_problems == 0
    assert report.whole_problems == 0, report.whole_method
    assert report.whole_method


def test_every_named_query_answers(report: national.Report) -> None:
    assert set(report.answers) == set(named.catalog_of_queries())
    for name, answer in report.answers.items():
        # the generated country has chains, flows and every kind of agency at any scale, so
        # every query has something to ask about
        assert answer["ran"], name
        assert answer["name"] == name
        assert answer["subgraph"] == named.get(name).subgraph, name
        # only a ranking is cut short (to its `top` rows)
        ranked = any(p.name == "top" for p in named.get(name).params)
        assert ranked or not answer["truncated"], name
        if answer["rows"]:
            assert answer["columns"], name
        if name in FINDS_SOMETHING:
            assert answer["rows"] > 0, name
    # the national overview: one row per agency
    assert report.answers["cycle-progress"]["rows"] == report.generated["agencies"]


def test_wrk_reads_without_errors(report: national.Report) -> None:
    kinds = {path.split("?")[0].split("/")[1] for _, path, _ in report.read_paths}
    assert kinds == {"id", "resources", "queries", "changes"}
    assert {status for _, _, status in report.read_paths} == {200}
    w = report.wrk
    assert w["requests"] > 0
    assert w["status"] == 0 and w["socket_errors"] == 0, w["text"]


def test_table_has_every_step(report: national.Report) -> None:
    steps = {f.step.split()[0] for f in report.figures}
    assert {"1", "2", "3", "4", "query", "6", "7"} <= steps
    assert all(f.value for f in report.figures)
    assert "commit" in report.header and "cores" in report.header


def test_results_keep_the_latest_run_and_the_one_before(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    results.write_text("# Benchmark results\n\n## Load\nkept\n", encoding="utf-8")
    for run in ("run A", "run B", "run C"):
        national.update_results(results, f"{run}\n\n| a |\n|---|\n")
    text = results.read_text(encoding="utf-8")
    assert text.startswith("# Benchmark results\n\n## Load\nkept\n")
    assert text.count(national.SECTION) == 1
    latest, previous = text.split("### Latest run\n")[1].split("### Previous run\n")
    assert latest.startswith("run C") and previous.startswith("run B")
    assert "run A" not in text
    # a section in the middle of the file keeps what follows it
    results.write_text(text + "\n## Later\nstays\n", encoding="utf-8")
    national.update_results(results, "run D\n")
    text = results.read_text(encoding="utf-8")
    assert text.endswith("## Later\nstays\n") and "run C" in text and "run B" not in text
