"""Neo4j's own Cypher grammar, offline: valid queries pass, broken ones are reported."""

from __future__ import annotations

import pytest

from tests.support.cypher_lint import format_errors, lint_cypher, lint_cypher_all

VALID = [
    "MATCH (n:Resource {iri: $iri}) RETURN n",
    "UNWIND $rows AS row MERGE (n:Resource {iri: row.iri}) SET n += row.props",
    "FOREACH (x IN $rows | MERGE (n:Resource {iri: x.iri}) SET n += x.props)",
    "MATCH (n:Resource) RETURN n.`title@fa` AS title, n.`title@en` AS en",
    "MATCH (n:Resource) WHERE EXISTS { MATCH (n)-[:PART_OF]->(:Duty) } "
    "RETURN COUNT { (n)--() } AS degree",
    "CREATE CONSTRAINT resource_iri IF NOT EXISTS FOR (n:Resource) REQUIRE n.iri IS UNIQUE",
    # Labels and relationship types no database has declared are not errors.
    "MATCH (a:NeverSeenLabel)-[:NEVER_SEEN_TYPE]->(b) RETURN a, b",
]

INVALID = {
    "unclosed node pattern": "MATCH (n RETURN n",
    "ORDER BY after RETURN without a sort key": "RETURN n ORDER BY",
    "RETURN before another clause": "MATCH (n) RETURN n MATCH (m) RETURN m",
    "undefined variable": "MATCH (n) RETURN m",
    "misspelt keyword": "MATCH (n) RETRUN n",
    "two statements": "RETURN 1; RETURN 2",
    "empty": "   ",
}


def test_valid_queries_have_no_errors() -> None:
    errors = lint_cypher(VALID)
    assert len(errors) == len(VALID)
    assert errors == [[] for _ in VALID], format_errors(VALID, errors)


@pytest.mark.parametrize("query", list(INVALID.values()), ids=list(INVALID))
def test_invalid_query_is_reported(query: str) -> None:
    [errors] = lint_cypher([query])
    assert errors, f"no error reported for {query!r}"
    for error in errors:
        assert error["severity"] == "error"
        assert error["message"]
        assert 0 <= error["start"] <= error["end"] <= len(query)


def test_errors_point_into_the_query() -> None:
    [errors] = lint_cypher(["MATCH (n RETURN n"])
    assert any("RETURN" in e["message"] and e["start"] == 9 for e in errors), errors
    [errors] = lint_cypher(["RETURN n ORDER BY"])
    assert any("Variable `n` not defined" in e["message"] for e in errors), errors


def test_results_keep_input_order_and_separate_warnings() -> None:
    queries = ["RETURN 1 AS one", "MATCH (n RETURN n", "RETURN $x AS x"]
    results = lint_cypher_all(queries)
    assert [bool(r["errors"]) for r in results] == [False, True, False]
    assert all(w["severity"] != "error" for r in results for w in r["warnings"])
