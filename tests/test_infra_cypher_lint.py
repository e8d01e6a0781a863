"""Neo4j's own Cypher grammar, offline: valid queries pass, broken ones are reported.

All queries are linted in one Node process (importing the grammar costs seconds per process).
"""

from __future__ import annotations

import pytest

from tests.support.cypher_lint import Diagnostic, format_errors, lint_cypher, lint_cypher_all

VALID = [
    "RETURN 1 AS one",
    "RETURN 1;",
    "MATCH (n:Resource {iri: $iri}) RETURN n",
    "UNWIND $rows AS row MERGE (n:Resource {iri: row.iri}) SET n += row.props",
    "FOREACH (x IN $rows | MERGE (n:Resource {iri: x.iri}) SET n += x.props)",
    "MATCH (n:Resource) RETURN n.`title@fa` AS title, n.`title@en` AS en",
    "MATCH (n:Resource) WHERE EXISTS { MATCH (n)-[:PART_OF]->(:Duty) } "
    "RETURN COUNT { (n)--() } AS degree",
    "CREATE CONSTRAINT resource_iri IF NOT EXISTS FOR (n:Resource) REQUIRE n.iri IS UNIQUE",
    # Labels, relationship types and properties no database has declared are not errors.
    "MATCH (a:NeverSeenLabel)-[:NEVER_SEEN_TYPE]->(b) RETURN a.neverSeenKey, b",
]

INVALID = {
    "unclosed node pattern": "MATCH (n RETURN n",
    "ORDER BY after RETURN without a sort key": "RETURN n ORDER BY",
    "RETURN before another clause": "MATCH (n) RETURN n ORDER BY n.x MATCH (m) RETURN m",
    "undefined variable": "MATCH (n) RETURN m",
    "misspelt keyword": "MATCH (n) RETRUN n",
    "unclosed string": "MATCH (n {iri: 'x}) RETURN n",
    "two statements": "RETURN 1; RETURN 2",
    "empty": "   ",
}


@pytest.fixture(scope="module")
def invalid_errors() -> dict[str, list[Diagnostic]]:
    errors = lint_cypher(list(INVALID.values()))
    assert len(errors) == len(INVALID)
    return dict(zip(INVALID, errors, strict=True))


def test_valid_queries_have_no_errors() -> None:
    errors = lint_cypher(VALID)
    assert len(errors) == len(VALID)
    assert errors == [[] for _ in VALID], format_errors(VALID, errors)


@pytest.mark.parametrize("case", list(INVALID))
def test_invalid_query_is_reported(case: str, invalid_errors: dict[str, list[Diagnostic]]) -> None:
    query, errors = INVALID[case], invalid_errors[case]
    assert errors, f"no error reported for {query!r}"
    for error in errors:
        assert error["severity"] == "error"
        assert error["message"]
        assert 0 <= error["start"] <= error["end"] <= len(query)


def test_errors_say_what_and_where(invalid_errors: dict[str, list[Diagnostic]]) -> None:
    unclosed = invalid_errors["unclosed node pattern"]
    assert any("'RETURN'" in e["message"] and (e["line"], e["column"]) == (1, 10) for e in unclosed)
    order = [e["message"] for e in invalid_errors["ORDER BY after RETURN without a sort key"]]
    assert any("Variable `n` not defined" in m for m in order), order
    assert any("expected an expression" in m for m in order), order
    clause_order = [e["message"] for e in invalid_errors["RETURN before another clause"]]
    assert any("RETURN can only be used at the end of the query" in m for m in clause_order)


def test_results_keep_input_order_and_separate_warnings() -> None:
    queries = ["RETURN $x AS x", "MATCH (n RETURN n", "MATCH (n) RETURN id(n)"]
    results = lint_cypher_all(queries)
    assert [bool(r["errors"]) for r in results] == [False, True, False]
    # id() is deprecated in Neo4j 5: a warning, which is not a failure.
    assert any("deprecated" in w["message"] for w in results[2]["warnings"]), results[2]
    assert all(w["severity"] != "error" for r in results for w in r["warnings"])
