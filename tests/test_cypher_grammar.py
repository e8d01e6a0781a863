"""Every Cypher statement govcat runs passes Neo4j's own grammar (its linter, offline) and
Neo4j's planner (EXPLAIN on the real test server): the common dialect of ADR 0002."""

from __future__ import annotations

import neo4j
import pytest

from catalog.store import (
    compound,
    credentials_cypher,
    cypher,
    emergency_cypher,
    inspection,
    obligations_cypher,
    plans_cypher,
    progress_cypher,
    provinces_cypher,
    reach_cypher,
    review_cypher,
    saved_cypher,
    trail_cypher,
)
from catalog.store.falkordb_store import _INDEX as FALKOR_INDEX
from catalog.store.falkordb_store import COUNTER_INDEX, side_index
from catalog.store.neo4j_store import CONSTRAINT, COUNTER_CONSTRAINT, side_key
from graph_queries.named import catalog_of_queries
from tests.support.cypher_lint import lint_cypher


def all_statements() -> dict[str, str]:
    found = {f"fixed-{i}": q for i, q in enumerate(cypher.fixed_statements())}
    found["write-all-labels-and-types"] = cypher.all_write_statement()
    found["write-empty"] = cypher.write_statement([], [])
    found.update({f"cycle-{name}": q for name, q in cypher.cycle_statements().items()})
    found.update({f"obligation-{name}": q  # R-19 (ADR 0007)
                  for name, q in obligations_cypher.obligation_statements().items()})
    found.update({f"emergency-{name}": q  # R-7 requests from Foad 128 (ADR 0028)
                  for name, q in emergency_cypher.emergency_statements().items()})
    found.update({f"plans-{name}": q  # the council's endorsement of plans (ADR 0027)
                  for name, q in plans_cypher.plan_statements().items()})
    found.update({f"progress-{name}": q  # progress reports and evidence (R-5.2, ADR 0029)
                  for name, q in progress_cypher.progress_statements().items()})
    found.update({f"provinces-{name}": q  # slices, R-8 verification (ADR 0030)
                  for name, q in provinces_cypher.province_statements().items()})
    found.update({f"review-{name}": q  # review flags (ADR 0015)
                  for name, q in review_cypher.review_statements().items()})
    # incremental validation along chains of subOrganizationOf (ADR 0018)
    found.update({f"reach-{n}": q for n, q in reach_cypher.reach_statements().items()})
    # a transition and the clocks it starts, one statement on FalkorDB (ADR 0019)
    found.update({f"compound-{n}": q for n, q in compound.compound_statements().items()})
    found["neo4j-counter-constraint"] = COUNTER_CONSTRAINT
    found["falkordb-counter-index"] = COUNTER_INDEX
    found["neo4j-constraint"] = CONSTRAINT
    found["falkordb-index"] = FALKOR_INDEX
    # accounts and API tokens, sealed at rest (ADR 0016)
    found.update({f"credential-{n}": q
                  for n, q in credentials_cypher.credential_statements().items()})
    # lists, conditional writes and deletes of the resources API (ADR 0009)
    found.update({f"resources-{n}": q for n, q in cypher.resource_statements().items()})
    # backup and restore (ADR 0011): reads of the snapshot, and the restore of every label and
    # relationship type of the ontology
    found.update({f"backup-{n}": q for n, q in cypher.backup_statements().items()})
    for label, key, unique in cypher.SIDE_KEYS:
        found[f"neo4j-side-{label}-{key}"] = side_key(label, key, unique)
        found[f"falkordb-side-{label}-{key}"] = side_index(label, key)
    # the hash-chained trail: reading the events, sealing them (ADR 0017)
    found.update({f"trail-{n}": q for n, q in trail_cypher.trail_statements().items()})
    # the named queries for auditors (ADR 0004), as the files hold them
    found.update({f"query-{q.name}": q.cypher for q in catalog_of_queries().values()})
    # saved queries, shared between auditors (ADR 0004)
    found.update({f"saved-{n}": q for n, q in saved_cypher.saved_statements().items()})
    # what the benchmarks and crash scenarios read of a store (bench/)
    found.update({f"inspection-{n}": q
                  for n, q in inspection.inspection_statements().items()})
    return found


def test_every_statement_passes_neo4j_grammar() -> None:
    statements = all_statements()
    diagnostics = lint_cypher(list(statements.values()))
    errors = {name: d for name, d in zip(statements, diagnostics, strict=True) if d}
    assert errors == {}


def test_the_linter_catches_a_broken_statement() -> None:
    [diag] = lint_cypher(["MATCH (n:Resource RETURN n"])
    assert diag


_DDL = {"neo4j-constraint", "falkordb-index", "neo4j-counter-constraint",
        "falkordb-counter-index"}


@pytest.mark.parametrize("name", sorted(set(all_statements()) - _DDL))
def test_every_statement_plans_on_neo4j(neo4j_driver: neo4j.Driver, name: str) -> None:
    with neo4j_driver.session(database="neo4j") as session:
        summary = session.run("EXPLAIN " + all_statements()[name]).consume()
    assert summary.plan is not None
