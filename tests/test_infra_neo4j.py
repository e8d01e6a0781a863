"""The test session's Neo4j is a real server: Bolt, routing URIs and constraints all work."""

from __future__ import annotations

from pathlib import Path

import neo4j
import pytest
from neo4j.exceptions import ConstraintError

from tests.support.neo4j_server import start_neo4j


def test_real_neo4j_enforces_a_uniqueness_constraint(tmp_path: Path) -> None:
    server = start_neo4j(tmp_path)
    try:
        assert server.running
        assert server.bolt_uri.startswith("bolt://127.0.0.1:")
        assert server.routing_uri == "neo4j://" + server.bolt_uri.removeprefix("bolt://")

        with neo4j.GraphDatabase.driver(server.routing_uri) as driver:
            driver.verify_connectivity()
            driver.execute_query(
                "CREATE CONSTRAINT resource_iri IF NOT EXISTS "
                "FOR (n:Resource) REQUIRE n.iri IS UNIQUE",
                database_="neo4j",
            )
            records, _, _ = driver.execute_query(
                "SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties "
                "WHERE name = 'resource_iri' RETURN type, labelsOrTypes, properties",
                database_="neo4j",
            )
            assert [r.data() for r in records] == [
                {"type": "UNIQUENESS", "labelsOrTypes": ["Resource"], "properties": ["iri"]}
            ]

            create = "CREATE (:Resource {iri: $iri})"
            driver.execute_query(create, iri="https://govcat.test/id/x", database_="neo4j")
            with pytest.raises(ConstraintError):
                driver.execute_query(create, iri="https://govcat.test/id/x", database_="neo4j")
            driver.execute_query(create, iri="https://govcat.test/id/y", database_="neo4j")

            records, _, _ = driver.execute_query(
                "MATCH (n:Resource) RETURN n.iri AS iri ORDER BY iri",
                database_="neo4j",
                routing_=neo4j.RoutingControl.READ,
            )
            assert [r["iri"] for r in records] == [
                "https://govcat.test/id/x",
                "https://govcat.test/id/y",
            ]
    finally:
        exit_code = server.stop()

    assert not server.running
    assert exit_code == 0, f"harness exited with {exit_code}; see {server.stderr_path}"
    assert "stopped" in server.stderr_path.read_text(encoding="utf-8")
