"""Saved queries (ADR 0004): an auditor's own read-only Cypher kept under a name, with a
description, parameters and an author, shared between auditors, on both stores. A saved query
is run once, read-only, when it is saved; one that writes or does not run is never saved. Saved
queries are store bookkeeping (`SavedQuery`, never `Resource`): they are not catalog data."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from catalog.port import QueryTimeout, ReadOnlyViolation
from catalog.registry import Registry
from graph_queries import saved
from graph_queries.answer import QueryError
from loaders.spreadsheet import read_workbook
from tests.support.auth import auditor_client
from tests.workbooks import two_agencies, write_workbook

SERVICES_OF = ("MATCH (s:PublicService)-[:agency]->(a:PublicOrganisation) "
               "WHERE $agency IS NULL OR a.identifier = $agency "
               "RETURN s.iri AS service, a.identifier AS agency ORDER BY service")


@pytest.fixture
def loaded(registry: Registry, tmp_path: Path) -> Registry:
    parsed = read_workbook(write_workbook(tmp_path / "two.xlsx", two_agencies()))
    registry.apply_checked(registry.changeset(parsed.records))
    return registry


def _save(registry: Registry, name: str = "services-of", **kw: object) -> saved.SavedQuery:
    args: dict[str, object] = {"cypher": SERVICES_OF, "description": "an agency's services",
                               "author": "auditor-1", "params": ["agency?=the agency's code"]}
    args.update(kw)
    q, _ = saved.save(registry.store, name, **args)  # type: ignore[arg-type]
    return q


def test_a_saved_query_is_shared_and_runs_with_its_parameters(loaded: Registry) -> None:
    before = loaded.counts()
    q = _save(loaded)
    assert (q.name, q.author, q.description) == ("services-of", "auditor-1",
                                                 "an agency's services")
    assert q.params == (saved.SavedParam("agency", True, "the agency's code"),)
    assert q.created and q.updated and q.updated_by == "auditor-1"
    assert [s.name for s in saved.listing(loaded.store)] == ["services-of"]
    answer = saved.run_saved(loaded.store, "services-of", {"agency": "TAXO"})
    assert [r["agency"] for r in answer.rows] == ["TAXO"]
    assert answer.name == "services-of" and answer.meta["saved"]["author"] == "auditor-1"
    everyone = saved.run_saved(loaded.store, "services-of", {})  # optional: null
    assert [r["agency"] for r in everyone.rows] == ["REG", "TAXO"]
    assert saved.run_saved(loaded.store, "services-of", {}, limit=1).truncated
    assert loaded.counts() == before  # not catalog data
    assert "SavedQuery" not in loaded.export().serialize(format="turtle")


def test_a_query_that_writes_is_never_saved(loaded: Registry) -> None:
    before = loaded.counts()
    with pytest.raises(ReadOnlyViolation):
        _save(loaded, cypher="MATCH (s:PublicService) DETACH DELETE s")
    with pytest.raises(ReadOnlyViolation):
        _save(loaded, cypher="CREATE (n:Resource {iri: 'x'}) RETURN n", params=[])
    assert saved.listing(loaded.store) == []
    assert loaded.counts() == before


def test_a_query_that_does_not_run_is_never_saved(loaded: Registry) -> None:
    with pytest.raises(QueryError, match="does not run"):
        _save(loaded, cypher="MATCH (n RETURN n")
    with pytest.raises(QueryError, match="does not run"):  # $agency used, not declared
        _save(loaded, params=[])
    with pytest.raises(QueryTimeout, match="not saved"):
        _save(loaded, cypher="UNWIND range(1, 100000000) AS x RETURN count(x) AS n",
              params=[], timeout_ms=50)
    with pytest.raises(QueryError, match="name"):
        _save(loaded, name="two words")
    with pytest.raises(QueryError, match="describe"):
        _save(loaded, description=" ")
    with pytest.raises(QueryError, match="parameter name"):
        _save(loaded, params=["$agency"])
    assert saved.listing(loaded.store) == []


def test_a_name_is_taken_until_replaced_or_deleted(loaded: Registry) -> None:
    _save(loaded)
    with pytest.raises(QueryError, match="exists"):
        _save(loaded, author="auditor-2", description="mine now")
    q, created = saved.save(loaded.store, "services-of", SERVICES_OF, "revised", "auditor-2",
                            ["agency"], replace=True)
    assert not created and q.description == "revised"
    assert (q.author, q.updated_by) == ("auditor-1", "auditor-2")  # who wrote it, who edited
    with pytest.raises(QueryError, match="needs the parameter agency"):
        saved.run_saved(loaded.store, "services-of", {})  # required now
    with pytest.raises(QueryError, match="takes no parameter"):
        saved.run_saved(loaded.store, "services-of", {"agency": "REG", "other": 1})
    saved.delete(loaded.store, "services-of")
    with pytest.raises(QueryError, match="no saved query"):
        saved.get(loaded.store, "services-of")
    with pytest.raises(QueryError, match="no saved query"):
        saved.delete(loaded.store, "services-of")


def test_saved_queries_over_http(loaded: Registry) -> None:
    client = auditor_client(loaded, "auditor-1")
    body = {"name": "services-of", "cypher": SERVICES_OF, "description": "an agency's services",
            "params": [{"name": "agency", "optional": True}]}
    made = client.post("/queries/saved", json=body)
    assert made.status_code == 201 and made.json()["created"] is True
    assert client.post("/queries/saved", json=body).status_code == 400  # the name is taken
    assert [q["name"] for q in client.get("/queries/saved").json()] == ["services-of"]
    assert client.get("/queries/saved/services-of").json()["author"] == "auditor-1"
    got = client.get("/queries/saved/services-of/run", params={"agency": "REG",
                                                               "format": "csv"})
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    assert [r["agency"] for r in csv.DictReader(io.StringIO(got.text))] == ["REG"]
    posted = client.post("/queries/saved/services-of/run", json={"params": {"agency": "TAXO"}})
    assert [r["agency"] for r in posted.json()["rows"]] == ["TAXO"]
    writes = client.post("/queries/saved", json={**body, "name": "wipe",
                                                 "cypher": "MATCH (n) DETACH DELETE n"})
    assert writes.status_code == 403 and "read-only" in writes.json()["detail"]
    assert client.delete("/queries/saved/services-of").status_code == 204
    assert client.get("/queries/saved/services-of").status_code == 404
    assert client.get("/queries/saved/services-of/run").status_code == 404
