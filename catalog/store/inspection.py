"""Reads that measure or check a store from outside the application: what the benchmarks and
the crash scenarios (bench/) ask of it besides the named operations of the port and the
auditors' queries they measure. The core never calls these (ADR 0021); each takes any store
(catalog.port.GraphStore, or a snapshot of one) and returns domain values.

Every statement is parameterized (a label is one of the ontology's classes, checked) and is
collected by tests/test_cypher_grammar.py through inspection_statements()."""

from __future__ import annotations

from typing import Any, NamedTuple

from catalog.ontology import mapping
from catalog.port import GraphStore, Row
from catalog.store.cypher import COUNTER_LABEL

# -- picking parameters for the named queries' benchmark (bench/queries.py) ---------------------

# The node of each parameter with the most relationships of the pattern (ties by IRI).
_BUSIEST_PATTERNS = {
    "service": "MATCH (c:ServiceChain)-[:finalService]->(x) "
               "MATCH (c)-[:hasLink]->(l) WITH x, count(l) AS n",
    "duty": "MATCH (s:PublicService)-[:follows]->(x:Duty) WITH x, count(s) AS n",
    "agency": "MATCH (s:PublicService)-[:agency]->(x) WITH x, count(s) AS n",
    "chain": "MATCH (x:ServiceChain)-[:hasLink]->(l) WITH x, count(l) AS n",
    "dataset": "MATCH (f:DataFlow)-[:carriesDataset]->(x) WITH x, count(f) AS n",
    "system": "MATCH (f:DataFlow)-[:toSystem|fromSystem]->(x) WITH x, count(f) AS n",
    "units": "MATCH (p:Post)-[:postIn]->(x) WITH x, count(p) AS n",
}
# When a catalog has no chains (the synthetic one), a service is the one with the most duties.
_FALLBACK_PATTERNS = {
    "service": "MATCH (x:PublicService)-[:follows]->(d) WITH x, count(d) AS n",
}
_BUSIEST_TAIL = " RETURN x.iri AS iri ORDER BY n DESC, iri LIMIT 1"
BUSIEST = {k: v + _BUSIEST_TAIL for k, v in _BUSIEST_PATTERNS.items()}
BUSIEST_FALLBACK = {k: v + _BUSIEST_TAIL for k, v in _FALLBACK_PATTERNS.items()}
PICKED = tuple(BUSIEST)  # the parameters busiest() picks

# An agency's organisational structure as stored: its units (with their parent unit), posts
# (with their unit) and the employees holding its posts.
AGENCY_UNITS = (
    "MATCH (u:OrganizationalUnit)-[:unitOf]->(:Resource {iri: $a}) "
    "OPTIONAL MATCH (u)-[:subOrganizationOf]->(p:OrganizationalUnit) "
    "RETURN u.iri AS iri, p.iri AS parent"
)
AGENCY_POSTS = (
    "MATCH (p:Post)-[:agency]->(:Resource {iri: $a}) "
    "OPTIONAL MATCH (p)-[:postIn]->(u:OrganizationalUnit) "
    "RETURN p.iri AS iri, u.iri AS unit"
)
AGENCY_EMPLOYEES = (
    "MATCH (e:Employee)-[:holds]->(p:Post)-[:agency]->(:Resource {iri: $a}) "
    "RETURN e.iri AS iri, collect(p.iri) AS posts"
)

# -- what the crash scenarios check (bench/crashkit.py) -----------------------------------------

# An agency's duties with their state and duty ID.
AGENCY_DUTIES = (
    "MATCH (r:Duty)-[:agency]->(:Resource {iri: $agency}) "
    "OPTIONAL MATCH (r)-[:status]->(st:Resource) "
    "RETURN r.iri AS iri, st.notation AS status, r.dutyId AS duty_id ORDER BY iri"
)
# The IDs the trail's events issued with a prefix (one row an event).
ISSUED_BY_EVENTS = (
    "MATCH (e:Activity) WHERE e.issuedIdentifier STARTS WITH $prefix "
    "RETURN e.issuedIdentifier AS id"
)
# The next number of an ID counter.
COUNTER_NEXT = f"MATCH (c:{COUNTER_LABEL} {{key: $key}}) RETURN c.next AS next"
# The events that acted on a step of the cycle, counted by action.
STEP_ACTIONS = (
    "MATCH (e:Activity)-[:used]->(s:AgencyStep {iri: $step}) "
    "RETURN e.action AS action, count(e) AS n"
)

# -- sampling records (bench/national.py) -------------------------------------------------------

# The kinds whose IRIs the national benchmark samples (the grammar test checks each).
SAMPLED_KINDS = ("PublicService", "Duty", "PublicOrganisation", "OrganizationalUnit", "Post",
                 "Employee")


def kind_iris_statement(label: str) -> str:
    """The IRIs of every record of one class of the ontology (refused for another label)."""
    if label not in mapping().class_of:
        raise ValueError(f"{label!r} is not a class of the ontology")
    return f"MATCH (n:{label}) RETURN n.iri AS iri"


def inspection_statements() -> dict[str, str]:
    """The statements by name, for the grammar tests."""
    found = {f"busiest-{k}": q for k, q in BUSIEST.items()}
    found.update({f"busiest-fallback-{k}": q for k, q in BUSIEST_FALLBACK.items()})
    found.update({"agency-units": AGENCY_UNITS, "agency-posts": AGENCY_POSTS,
                  "agency-employees": AGENCY_EMPLOYEES, "agency-duties": AGENCY_DUTIES,
                  "issued-by-events": ISSUED_BY_EVENTS, "counter-next": COUNTER_NEXT,
                  "step-actions": STEP_ACTIONS})
    found.update({f"kind-iris-{k}": kind_iris_statement(k) for k in SAMPLED_KINDS})
    return found


# -- the operations ----------------------------------------------------------------------------

def busiest(store: GraphStore, param: str) -> str | None:
    """The IRI of the node with the most relationships of `param`'s pattern (a named query's
    parameter: one of PICKED), or None when the catalog has none."""
    for query in (BUSIEST[param], BUSIEST_FALLBACK.get(param)):
        if query is None:
            continue
        rows = store.read(query)
        if rows:
            return str(rows[0]["iri"])
    return None


class AgencyStructure(NamedTuple):
    """An agency's units (iri, parent), posts (iri, unit) and employees (iri, posts)."""

    units: list[Row]
    posts: list[Row]
    employees: list[Row]


def agency_structure(store: GraphStore, agency: str) -> AgencyStructure:
    """The units, posts and employees of the agency of IRI `agency`, as stored."""
    params: dict[str, Any] = {"a": agency}
    return AgencyStructure(store.read(AGENCY_UNITS, params), store.read(AGENCY_POSTS, params),
                           store.read(AGENCY_EMPLOYEES, params))


def agency_duties(store: GraphStore, agency: str) -> list[Row]:
    """The duties of the agency of IRI `agency`: iri, status (its notation), duty_id."""
    return store.read(AGENCY_DUTIES, {"agency": agency})


def issued_by_events(store: GraphStore, prefix: str) -> list[str]:
    """The IDs starting with `prefix` that the trail's events issued, one an event."""
    return [str(r["id"]) for r in store.read(ISSUED_BY_EVENTS, {"prefix": prefix})]


def counter_next(store: GraphStore, key: str) -> int | None:
    """The next number of the ID counter `key`; None when there is no such counter."""
    rows = store.read(COUNTER_NEXT, {"key": key})
    return int(rows[0]["next"]) if rows else None


def step_actions(store: GraphStore, step: str) -> dict[str, int]:
    """How many events acted on the step of IRI `step`, by action."""
    return {str(r["action"]): int(r["n"]) for r in store.read(STEP_ACTIONS, {"step": step})}


def kind_iris(store: GraphStore, label: str) -> list[str]:
    """The IRIs of every record of the class `label`."""
    return [str(r["iri"]) for r in store.read(kind_iris_statement(label))]
