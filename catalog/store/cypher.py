"""Every Cypher statement govcat's store adapters run, in one place, so tests can check each
one against Neo4j's grammar and both stores. Values always travel as parameters; the only
names put into a statement are labels and relationship types taken from the ontology.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from catalog.graphmap import Node
from catalog.ontology import RESOURCE_LABEL, mapping

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")

DESCRIBE = (
    "MATCH (n:Resource) WHERE n.iri IN $iris "
    "OPTIONAL MATCH (n)-[r]->(m:Resource) "
    "RETURN n.iri AS iri, labels(n) AS labels, properties(n) AS props, "
    "collect([type(r), m.iri]) AS rels"
)

REFERRERS = (
    "MATCH (x:Resource)-[]->(n:Resource) WHERE n.iri IN $iris "
    "RETURN DISTINCT x.iri AS iri"
)

ALL_IRIS_PAGE = (
    "MATCH (n:Resource) WHERE n.iri > $after "
    "RETURN n.iri AS iri ORDER BY iri LIMIT $limit"
)

AGENCY_IRIS = (
    "MATCH (a:Resource {iri: $agency}) "
    "OPTIONAL MATCH (x:Resource)-[:agency]->(a) "
    "OPTIONAL MATCH (x)-[:implements]->(law:LegalResource) "
    "WITH a, collect(DISTINCT x.iri) + collect(DISTINCT law.iri) AS owned "
    "RETURN [a.iri] + owned AS iris"
)

COUNT_BY_LABEL = (
    "MATCH (n:Resource) UNWIND labels(n) AS label "
    "WITH label WHERE label <> 'Resource' "
    "RETURN label, count(*) AS n ORDER BY label"
)

COUNT_IRIS = "MATCH (n:Resource) WHERE n.iri IN $iris RETURN count(n) AS n"

COUNT_RELATIONSHIPS = "MATCH (:Resource)-[r]->(:Resource) RETURN count(r) AS n"

DELETE_ALL = "MATCH (n) DETACH DELETE n"


def _checked(name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(f"not a safe Cypher name: {name!r}")
    return name


def write_statement(labels: Iterable[str], rel_types: Iterable[str]) -> str:
    """One statement that replaces the described nodes and their outgoing relationships.

    Parameters: $replace (IRIs whose outgoing relationships are dropped first), $nodes_<Label>
    (rows {iri, props}) and $rels_<type> (rows {s, o}). FOREACH, not UNWIND, so an empty list
    does not stop the rest of the statement; count() keeps one row after the DELETE.
    """
    parts = [
        f"OPTIONAL MATCH (old:{RESOURCE_LABEL})-[r]->() WHERE old.iri IN $replace DELETE r",
        "WITH count(r) AS removed",
    ]
    for label in sorted(set(labels)):
        lab = _checked(label)
        parts.append(
            f"FOREACH (row IN $nodes_{lab} | MERGE (n:{RESOURCE_LABEL} {{iri: row.iri}}) "
            f"SET n = row.props SET n:{lab})"
        )
    for rel in sorted(set(rel_types)):
        typ = _checked(rel)
        parts.append(
            f"FOREACH (row IN $rels_{typ} | MERGE (a:{RESOURCE_LABEL} {{iri: row.s}}) "
            f"MERGE (b:{RESOURCE_LABEL} {{iri: row.o}}) MERGE (a)-[:{typ}]->(b))"
        )
    parts.append("RETURN removed")
    return "\n".join(parts)


def all_write_statement() -> str:
    """The write statement with every label and relationship type of the ontology."""
    mp = mapping()
    return write_statement(mp.class_of, [t.name for t in mp.terms.values() if t.is_object])


def fixed_statements() -> Sequence[str]:
    return (DESCRIBE, REFERRERS, ALL_IRIS_PAGE, AGENCY_IRIS, COUNT_BY_LABEL,
            COUNT_RELATIONSHIPS, COUNT_IRIS, DELETE_ALL)


def write_batches(
    nodes: Sequence[Node], links: Sequence[tuple[str, str, str]], chunk: int = 2000
) -> list[tuple[str, dict[str, Any]]]:
    """The statements (with parameters) that apply a change, `chunk` nodes at a time.

    Each IRI appears once per batch: within one statement, FalkorDB keeps an arbitrary row of
    duplicate MERGE keys, so the last description of an IRI wins here, before the store.
    """
    unique = list({n.iri: n for n in nodes}.values())
    batches: list[tuple[str, dict[str, Any]]] = []
    for start in range(0, max(len(unique), 1), chunk):
        part = unique[start:start + chunk]
        extra = links if start == 0 else ()
        batches.append(_batch(part, extra))
    return batches


def _batch(
    nodes: Sequence[Node], links: Sequence[tuple[str, str, str]]
) -> tuple[str, dict[str, Any]]:
    node_rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    rel_rows: dict[str, list[dict[str, str]]] = defaultdict(list)
    for n in nodes:
        node_rows[n.label].append({"iri": n.iri, "props": {**n.props, "iri": n.iri}})
        for typ, targets in n.rels.items():
            rel_rows[typ].extend({"s": n.iri, "o": t} for t in targets)
    for s, typ, o in links:
        rel_rows[typ].append({"s": s, "o": o})
    params: dict[str, Any] = {"replace": [n.iri for n in nodes]}
    params.update({f"nodes_{label}": rows for label, rows in node_rows.items()})
    params.update({f"rels_{typ}": rows for typ, rows in rel_rows.items()})
    return write_statement(node_rows, rel_rows), params
