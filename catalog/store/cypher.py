"""Every Cypher statement govcat's store adapters run, in one place, so tests can check each
one against Neo4j's grammar and both stores. Values always travel as parameters; the only
names put into a statement are labels and relationship types taken from the ontology.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from catalog.cycle.facts import KINDS
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

# The records pointing at these, with their labels: catalog.validation leaves out the cycle's
# and the trail's nodes (a bulk load's change event points at every record it stored).
RECORD_REFERRERS = (
    "MATCH (x:Resource)-[]->(n:Resource) WHERE n.iri IN $iris "
    "RETURN DISTINCT x.iri AS iri, labels(x) AS labels"
)


def referrers_by_statement(rel_types: Iterable[str]) -> str:
    """REFERRERS by these relationship types only (catalog.validation: the records the shapes
    reach backwards, not every record pointing at a judged one). The types are in the pattern,
    not filtered after it: a law cited by every agency has a million incoming relationships,
    and a filter walked them all for every part of a load (ADR 0013)."""
    types = "|".join(_checked(t) for t in sorted(rel_types))
    return (f"MATCH (x:Resource)-[:{types}]->(n:Resource) WHERE n.iri IN $iris "
            "RETURN DISTINCT x.iri AS iri")


# The records holding any of these duty or service IDs (catalog.validation: the shapes that
# keep IDs unique join on them, R-3.2, R-4.2).
SAME_ID = (
    "MATCH (n:Duty) WHERE n.dutyId IN $ids RETURN n.iri AS iri "
    "UNION MATCH (n:PublicService) WHERE n.serviceId IN $ids RETURN n.iri AS iri"
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
        # The label goes in the MERGE pattern: `SET n:Label` costs FalkorDB time in proportion
        # to the graph (5k nodes into a 60k-node graph: 110 s, against 0.35 s this way).
        lab = _checked(label)
        parts.append(
            f"FOREACH (row IN $nodes_{lab} | MERGE (n:{RESOURCE_LABEL}:{lab} {{iri: row.iri}}) "
            f"SET n = row.props)"
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
    return (DESCRIBE, REFERRERS, RECORD_REFERRERS, referrers_by_statement(["hasLink"]),
            SAME_ID, ALL_IRIS_PAGE,
            AGENCY_IRIS, COUNT_BY_LABEL, COUNT_RELATIONSHIPS, COUNT_IRIS, DELETE_ALL)


def write_batches(
    nodes: Sequence[Node], links: Sequence[tuple[str, str, str]], chunk: int = 2000
) -> list[tuple[str, dict[str, Any]]]:
    """The statements (with parameters) that apply a change.

    Up to `chunk` nodes: one statement. Beyond: node statements of `chunk` nodes, then
    relationship statements, so that every endpoint exists before a relationship MERGEs it
    (a MERGE of a missing endpoint would leave an unlabelled node behind). Each IRI appears
    once: within one statement FalkorDB keeps an arbitrary row of duplicate MERGE keys, so the
    last description of an IRI wins here, before the store.
    """
    unique = list({n.iri: n for n in nodes}.values())
    rels = _rel_rows(unique, links)
    if len(unique) <= chunk:
        return [_statement(unique, rels)]
    batches = [_statement(unique[i:i + chunk], {}) for i in range(0, len(unique), chunk)]
    flat = [(typ, row) for typ, rows in rels.items() for row in rows]
    for start in range(0, len(flat), chunk * 5):
        part: dict[str, list[dict[str, str]]] = defaultdict(list)
        for typ, row in flat[start:start + chunk * 5]:
            part[typ].append(row)
        batches.append(_statement([], part))
    return batches


def _rel_rows(
    nodes: Sequence[Node], links: Sequence[tuple[str, str, str]]
) -> dict[str, list[dict[str, str]]]:
    rows: dict[str, list[dict[str, str]]] = defaultdict(list)
    for n in nodes:
        for typ, targets in n.rels.items():
            rows[typ].extend({"s": n.iri, "o": t} for t in targets)
    for s, typ, o in links:
        rows[typ].append({"s": s, "o": o})
    return rows


def _statement(
    nodes: Sequence[Node], rels: dict[str, list[dict[str, str]]]
) -> tuple[str, dict[str, Any]]:
    node_rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for n in nodes:
        node_rows[n.label].append({"iri": n.iri, "props": {**n.props, "iri": n.iri}})
    params: dict[str, Any] = {"replace": [n.iri for n in nodes]}
    params.update({f"nodes_{label}": rows for label, rows in node_rows.items()})
    params.update({f"rels_{typ}": rows for typ, rows in rels.items()})
    return write_statement(node_rows, rels), params


# -- The cycle (catalog.cycle, ADR 0005) --------------------------------------------------------
# Writes that must not interleave take the write lock of the node they decide on first
# (`SET x._lock = true`, cleared in the same statement): Neo4j then reads the latest committed
# state; FalkorDB runs each statement alone anyway. Locks are taken record first, counter second.

COUNTER_LABEL = "IdCounter"  # not a Resource: never exported, described or validated

# Keys of the nodes that are not Resources, each looked up by one property: each adapter
# indexes them (FalkorDB) or makes them unique (Neo4j). (label, property, unique)
# Credentials (accounts, tokens) are found by an HMAC key (credentials_cypher, ADR 0016).
SIDE_KEYS = (("Credential", "key", True), ("Version", "record", False),
             ("Activity", "seq", False), ("SavedQuery", "name", True),
             ("Version", "seq", False))  # the hash-chained trail reads versions by seq (ADR 0017)

ENSURE_STEPS = (
    "MATCH (a:Resource {iri: $agency}) "
    "UNWIND $steps AS row "
    "MATCH (k:Resource {iri: row.concept}) "
    "MERGE (s:Resource:AgencyStep {iri: row.iri}) "
    "ON CREATE SET s.state = $initial "
    "MERGE (s)-[:agency]->(a) "
    "MERGE (s)-[:cycleStep]->(k) "
    "RETURN count(s) AS n"
)

AGENCY_STEPS = (
    "MATCH (s:AgencyStep)-[:agency]->(a:Resource) "
    "WHERE $agency IS NULL OR a.iri = $agency "
    "MATCH (s)-[:cycleStep]->(k:Resource) "
    "RETURN a.iri AS agency, a.identifier AS code, s.iri AS iri, k.notation AS step, "
    "s.state AS state, s.clockStart AS clock_start ORDER BY code, step"
)

START_CLOCKS = (
    "UNWIND $steps AS iri "
    "MATCH (s:AgencyStep {iri: iri}) WHERE s.clockStart IS NULL "
    "SET s.clockStart = $date RETURN count(s) AS n"
)

# The agencies an agency is part of, nearest first: bounded, since a tree of
# ministries, subsidiaries and provincial units is shallow.
AGENCY_ANCESTORS = (
    "MATCH path = (a:Resource {iri: $agency})-[:subOrganizationOf*1..8]->(p:Resource) "
    "WHERE p.identifier IS NOT NULL "
    "RETURN p.identifier AS code, length(path) AS depth ORDER BY depth"
)

RECORD_STATE = (
    "MATCH (r:Resource {iri: $record})-[:agency]->(a:Resource) "
    "OPTIONAL MATCH (r)-[:status]->(st:Resource) "
    "RETURN r.iri AS iri, labels(r) AS labels, a.iri AS agency, st.notation AS status, "
    "r.dutyId AS duty_id, r.serviceId AS service_id"
)

SERVICE_DUTIES = (
    "MATCH (r:Resource {iri: $record})-[:follows]->(d:Resource) "
    "OPTIONAL MATCH (d)-[:status]->(st:Resource) "
    "RETURN d.iri AS iri, d.dutyId AS duty_id, st.notation AS status ORDER BY iri"
)

AGENCY_RECORDS = (
    "MATCH (r:Resource)-[:agency]->(:Resource {iri: $agency}) "
    "WHERE $label IN labels(r) "
    "OPTIONAL MATCH (r)-[:status]->(st:Resource) "
    "RETURN r.iri AS iri, st.notation AS status, r.dutyId AS duty_id, "
    "r.serviceId AS service_id ORDER BY iri"
)

HISTORY = (
    "MATCH (e:Activity)-[:used]->(t:Resource) WHERE t.iri = $iri "
    "MATCH (e)-[:qualifiedAssociation]->(q:Resource)-[:agent]->(ag:Resource) "
    "OPTIONAL MATCH (e)-[:cycleStep]->(k:Resource) "
    "RETURN e.iri AS iri, e.endedAtTime AS at, e.action AS action, e.fromState AS from_state, "
    "e.toState AS to_state, e.reason AS reason, e.issuedIdentifier AS issued, "
    "ag.identifier AS actor, q.actingAs AS role, k.notation AS step, e.seq AS seq, "
    "e.source AS source "
    "ORDER BY seq"
)

# Every committed change gets the next number of one counter, taken last in its transaction,
# so numbers follow commit order (the audit trail's and the change feed's order, ADR 0009).
COMMITS_KEY = "commits"
_NEXT_COMMIT = (
    "MERGE (cc:IdCounter {key: $commit_counter}) ON CREATE SET cc.next = 1",
    "SET cc._lock = true SET cc._lock = null",
    "WITH *, cc.next AS seq SET cc.next = seq + 1",
)

# The change event appended by every transition (PROV-O): the activity, its qualified
# association with the agent, what it used, the agency and the step of the cycle it belongs
# to. Needs `target` (the step or record) and `a` (the agency) in scope; the step's concept
# is stored with the code lists, so its MERGE matches it.
_EVENT = (
    "MERGE (k:Resource {iri: $cycle_step}) "
    "MERGE (ag:Resource:Agent {iri: $agent}) "
    "SET ag.identifier = $actor "
    + "".join(f"{clause} " for clause in _NEXT_COMMIT) +
    "CREATE (e:Resource:Activity) SET e = $event SET e.seq = seq "
    "CREATE (q:Resource:Association) SET q = $association "
    "CREATE (e)-[:qualifiedAssociation]->(q) "
    "CREATE (q)-[:agent]->(ag) "
    "CREATE (e)-[:used]->(target) "
    "CREATE (e)-[:agency]->(a) "
    "CREATE (e)-[:cycleStep]->(k) "
)

# Compare-and-set of a step's state: no row comes back when the state is not one of $from.
TRANSITION = (
    "MATCH (target:AgencyStep {iri: $step})-[:agency]->(a:Resource) "
    "SET target._lock = true SET target._lock = null "
    "WITH target, a, target.state AS before "
    "WHERE before IN $from "
    "SET target.state = $to "
    "SET target.clockStart = coalesce(target.clockStart, $clock) "
    "WITH target, a, before "
    + _EVENT +
    "SET e.fromState = before "
    "RETURN before"
)


def issue_id_statement(label: str, prop: str) -> str:
    """Approve one record and issue its ID once (R-3.2, R-4.2), with its change event.

    The record is locked, its status set to $status; if it has no `prop` yet, the agency's
    counter (MERGEd, key $counter) is raised above every ID of that agency already stored under
    $prefix, and the next number, zero-padded to $width, becomes the record's ID. Parameters
    also: $record, $agency, $zeros ($width zeros), and those of the change event. `label` and
    `prop` come from the ontology (Duty/dutyId, PublicService/serviceId).
    """
    lab, key = _checked(label), _checked(prop)
    return "\n".join([
        *_status_change(lab),
        f"MERGE (c:{COUNTER_LABEL} {{key: $counter}})",
        "ON CREATE SET c.next = 1",
        "SET c._lock = true SET c._lock = null",
        "WITH target, a, before, c",
        f"OPTIONAL MATCH (x:{lab})-[:agency]->(a) WHERE x.{key} STARTS WITH $prefix",
        f"WITH target, a, before, c, max(toInteger(substring(x.{key}, size($prefix)))) AS top",
        f"WITH target, a, before, c, target.{key} IS NULL AS fresh,",
        "     CASE WHEN c.next > coalesce(top, 0) THEN c.next ELSE coalesce(top, 0) + 1 END AS n",
        "WITH target, a, before, c, fresh, n, toString(n) AS digits",
        "FOREACH (_ IN CASE WHEN fresh THEN [1] ELSE [] END |",
        f"  SET c.next = n + 1, target.{key} = $prefix + CASE WHEN size(digits) >= $width",
        "  THEN digits ELSE substring($zeros, 0, $width - size(digits)) + digits END)",
        "WITH target, a, before, fresh",
        _EVENT,
        f"SET e.fromState = before, e.issuedIdentifier = CASE WHEN fresh THEN target.{key} END",
        f"RETURN target.{key} AS id, fresh AS issued, before",
    ])


def _status_change(lab: str) -> list[str]:
    """The record (locked first) gets the status $status; `before` keeps the old notation."""
    return [
        f"MATCH (target:{lab} {{iri: $record}})-[:agency]->(a:Resource {{iri: $agency}})",
        "MATCH (st:Resource {iri: $status})",
        "SET target._lock = true SET target._lock = null",
        "WITH target, a, st",
        "OPTIONAL MATCH (target)-[old:status]->(prev:Resource)",
        "WITH target, a, st, old, prev.notation AS before",
        "DELETE old",
        "WITH DISTINCT target, a, st, before",
        "MERGE (target)-[:status]->(st)",
    ]


def set_status_statement(label: str) -> str:
    """Set a record's status (a rejection, R-2.1) with its change event; no ID is touched."""
    lab = _checked(label)
    return "\n".join([
        *_status_change(lab),
        "WITH target, a, before",
        _EVENT,
        "SET e.fromState = before",
        "RETURN before",
    ])


# (label, ID property) of the records the cycle issues IDs to (catalog.cycle.facts.KINDS).
ISSUED_KINDS = tuple((k.label, k.prop) for k in KINDS.values())

# The change event of an import or an edit: written after the records in the same
# transaction, linked to its agent (with the role acted in) and to the agencies it touched.
COMMIT = (
    "MERGE (ag:Resource:Agent {iri: $agent}) SET ag.identifier = $actor "
    + " ".join(_NEXT_COMMIT) + " "
    "CREATE (e:Resource:Activity) SET e = $event SET e.seq = seq "
    "CREATE (q:Resource:Association) SET q = $association "
    "CREATE (e)-[:qualifiedAssociation]->(q) CREATE (q)-[:agent]->(ag) "
    "WITH e, seq "
    "OPTIONAL MATCH (a:Resource) WHERE a.iri IN $agencies "
    "FOREACH (x IN CASE WHEN a IS NULL THEN [] ELSE [a] END | CREATE (e)-[:concerns]->(x)) "
    "RETURN DISTINCT seq"
)

# The version of each record a change wrote, as the store held it right after (JSON of the
# node), so earlier versions can be read back (ADR 0008).
VERSIONS = (
    "MATCH (e:Resource {iri: $event}) "
    "UNWIND $records AS row "
    "MATCH (t:Resource {iri: row.iri}) "
    "CREATE (v:Version {record: row.iri, seq: e.seq, at: e.endedAtTime, content: row.content}) "
    "CREATE (e)-[:used]->(t) "
    "RETURN count(v) AS n"
)

RECORD_VERSIONS = (
    "MATCH (v:Version {record: $iri}) "
    "RETURN v.seq AS seq, v.at AS at, v.content AS content, v.working AS working ORDER BY seq"
)

# A change proposed to an approved duty or service: its working version, kept beside the
# record, which stays as approved until the step's body decides (ADR 0015).
WORKING_VERSIONS = (
    "MATCH (e:Resource {iri: $event}) "
    "UNWIND $records AS row "
    "MATCH (t:Resource {iri: row.iri}) "
    "CREATE (v:Version {record: row.iri, seq: e.seq, at: e.endedAtTime, content: row.content, "
    "working: true}) "
    "CREATE (e)-[:used]->(t) "
    "RETURN count(v) AS n"
)

# The agency's duties or services ($label) with a working version: candidates for the step's
# body to decide (catalog.registry.Registry.working tells which are still pending).
AGENCY_WORKING = (
    "MATCH (r:Resource)-[:agency]->(a:Resource {iri: $agency}) "
    "WHERE $label IN labels(r) "
    "MATCH (v:Version {record: r.iri}) WHERE v.working = true "
    "RETURN DISTINCT r.iri AS iri ORDER BY iri"
)

# Records holding legacy identifiers $ids of the scheme $scheme (catalog.legacy, ADR 0015).
LEGACY_HOLDERS = (
    "MATCH (n:PublicService) WHERE n.legacyIdScheme = $scheme AND n.legacyId IN $ids "
    "RETURN n.iri AS iri, n.legacyId AS id"
)

# A change event that acted on one record without writing it (a working version rejected).
EVENT_USED = (
    "MATCH (e:Resource {iri: $event}) "
    "MATCH (t:Resource {iri: $record}) "
    "CREATE (e)-[:used]->(t) "
    "RETURN count(t) AS n"
)

# The change feed (ADR 0009): committed changes after a cursor, in commit order, each with the
# records it wrote or acted on.
CHANGES = (
    "MATCH (e:Activity) WHERE e.seq > $after "
    "WITH e ORDER BY e.seq LIMIT $limit "
    "OPTIONAL MATCH (e)-[:used]->(t:Resource) "
    "WITH e, collect([t.iri, labels(t)]) AS records "
    "RETURN e.seq AS seq, e.iri AS iri, e.action AS action, e.endedAtTime AS at, records, "
    "e.deleted AS deleted, e.deletedLabels AS deleted_labels ORDER BY seq"
)

LAST_CHANGE = (
    "MATCH (c:IdCounter {key: $commit_counter}) RETURN c.next - 1 AS seq"
)

# The audit trail of an agency or of an actor, newest first, paged by seq.
TRAIL = (
    "MATCH (e:Activity)-[:qualifiedAssociation]->(q:Resource)-[:agent]->(ag:Resource) "
    "WHERE ($actor IS NULL OR ag.identifier = $actor) "
    "AND ($before IS NULL OR e.seq < $before) "
    "AND ($agency IS NULL OR (e)-[:agency|concerns]->(:Resource {iri: $agency})) "
    "OPTIONAL MATCH (e)-[:cycleStep]->(k:Resource) "
    "WITH e, q, ag, k ORDER BY e.seq DESC LIMIT $limit "
    "OPTIONAL MATCH (e)-[:used]->(t:Resource) "
    "WITH e, q, ag, k, count(t) AS n, collect(t.iri)[0..5] AS sample "
    "RETURN e.iri AS iri, e.seq AS seq, e.endedAtTime AS at, e.action AS action, "
    "e.fromState AS from_state, e.toState AS to_state, e.reason AS reason, "
    "e.issuedIdentifier AS issued, e.source AS source, ag.identifier AS actor, "
    "q.actingAs AS role, k.notation AS step, n AS records, sample ORDER BY seq DESC"
)

ISSUED_IDS = (
    "MATCH (n:Resource) WHERE n.iri IN $iris "
    "AND (n.dutyId IS NOT NULL OR n.serviceId IS NOT NULL) "
    "RETURN n.iri AS iri, n.dutyId AS dutyId, n.serviceId AS serviceId"
)


def cycle_statements() -> dict[str, str]:
    """The cycle's statements by name, for the grammar tests."""
    found = {"ensure-steps": ENSURE_STEPS, "agency-steps": AGENCY_STEPS,
             "start-clocks": START_CLOCKS, "agency-ancestors": AGENCY_ANCESTORS,
             "record-state": RECORD_STATE,
             "service-duties": SERVICE_DUTIES, "agency-records": AGENCY_RECORDS,
             "history": HISTORY, "transition": TRANSITION, "issued-ids": ISSUED_IDS,
             "commit": COMMIT, "versions": VERSIONS, "record-versions": RECORD_VERSIONS,
             "working-versions": WORKING_VERSIONS, "event-used": EVENT_USED,
             "agency-working": AGENCY_WORKING, "legacy-holders": LEGACY_HOLDERS,
             "trail": TRAIL, "changes": CHANGES, "last-change": LAST_CHANGE}
    for label, prop in ISSUED_KINDS:
        found[f"issue-{prop}"] = issue_id_statement(label, prop)
        found[f"status-{label}"] = set_status_statement(label)
    return found


# Accounts and API tokens are sealed at rest: their Cypher is in credentials_cypher (ADR 0016).


# -- Resources over HTTP: lists, conditional writes, deletes (ADR 0009) -----------------

# Searched by `q`: titles and names in fa and en, alternative names (skos:altLabel, tagged by
# their script or untagged, ADR 0024), and the record's own codes, issued IDs and legacy IDs
#
SEARCHED_PROPS = ("title@fa", "title@en", "prefLabel@fa", "prefLabel@en", "altLabel@fa",
                  "altLabel@en", "altLabel", "description@fa", "description@en", "ref",
                  "identifier", "dutyId", "serviceId", "legacyId")

# The searched text of a record as ONE string (ADR 0024): its values (a property may hold one
# or several) joined by a line feed, which no stored text or key holds (catalog.text collapses
# whitespace), so a match never spans two values; lower-cased, then folded once by $folds,
# pairs [from, to] of catalog.resources.search_folds: letter folds, then the removal of the
# separators, which makes the text as compact as the key ($text, catalog.text.search_compact).
# One chain of replace() per record, not one per searched value, and only for a record whose
# text holds each of $anchors (a character of the key, as any spelling folded to it), a few
# CONTAINS that leave most records before the replace()s.
_SEARCH_TEXT = " + ".join(["[]"] + [f"coalesce(n.`{p}`, [])" for p in SEARCHED_PROPS])
_JOINED = f"reduce(j = '', t IN {_SEARCH_TEXT} | j + '\\n' + toString(t))"
_ANCHORED = "all(vs IN $anchors WHERE any(v IN vs WHERE searched CONTAINS v))"
_FOLDED = "reduce(s = searched, f IN $folds | replace(s, f[0], f[1]))"


def resource_list_statement(label: str, by_step: bool = False,
                            by_agency: bool = False) -> str:
    """One page of records of `label` in IRI order after $after (keyset paging: a record
    written meanwhile before the cursor is not seen, after it is; nothing is seen twice).

    Parameters: $after, $limit, $status (concept IRI or null), $text (search_compact of the
    query, or null: a substring of the record's searched text, folded), $folds, $anchors. With
    `by_agency`: $agency, the agency's IRI: the agency itself, the records it owns, its
    sub-organizations. With `by_step`: $step (the cycle-step notation) and $step_state, the
    state of the owning agency's step (duties: 1, services: 2; `not_started` when the step
    has no node yet).

    The match starts from the kind's label, or from the agency: not from the IRI index, which
    FalkorDB would range-scan over every record of every kind before sorting (ADR 0013: a page
    of one agency's services took 38 s at national scale, a text search 14 s). By agency it is
    two parts, each sorted and cut to $limit: the caller merges them (RecordsOperations.kind_page).
    """
    lab = _checked(label)
    tail = _list_filters(by_step) + ["RETURN n.iri AS iri ORDER BY iri LIMIT $limit"]
    if not by_agency:
        return "\n".join([f"MATCH (n:{lab}) WHERE n.iri > $after", *tail])
    return "\n".join([
        f"MATCH (:{RESOURCE_LABEL} {{iri: $agency}})<-[:agency|subOrganizationOf]-(n:{lab})",
        "WHERE n.iri > $after", *tail,
        "UNION",
        f"MATCH (n:{RESOURCE_LABEL} {{iri: $agency}}) WHERE n:{lab} AND n.iri > $after", *tail,
    ])


def _list_filters(by_step: bool) -> list[str]:
    parts = [
        "AND ($status IS NULL OR (n)-[:status]->(:Resource {iri: $status}))",
        f"WITH n, CASE WHEN $text IS NULL THEN '' ELSE toLower({_JOINED}) END AS searched",
        f"WHERE $text IS NULL OR ({_ANCHORED} AND {_FOLDED} CONTAINS $text)",
    ]
    if by_step:
        parts += [
            "WITH n",
            "OPTIONAL MATCH (n)-[:agency]->(:Resource)<-[:agency]-(s:AgencyStep)"
            "-[:cycleStep]->(:Resource {notation: $step})",
            "WITH n, coalesce(s.state, 'not_started') AS step_state",
            "WHERE step_state = $step_state",
        ]
    return parts


# Lock records a conditional write expects, first in its transaction (Neo4j): later reads in
# the transaction see the latest committed state, and a concurrent writer waits.
LOCK_RECORDS = (
    "UNWIND $iris AS iri MATCH (n:Resource {iri: iri}) "
    "SET n._lock = true SET n._lock = null RETURN count(n) AS n"
)

# The same for records the write creates or replaces: MERGE under the uniqueness constraint
# makes a concurrent creator of the same IRI wait, then find it (Neo4j). A node made here has
# no class label: it reads as absent, and is dropped again before the write (DROP_PLACEHOLDERS)
# whose MERGE names the record's class; the transaction keeps the key's lock.
LOCK_WRITTEN_RECORDS = (
    "UNWIND $iris AS iri MERGE (n:Resource {iri: iri}) "
    "SET n._lock = true SET n._lock = null RETURN count(n) AS n"
)

DROP_PLACEHOLDERS = (
    "MATCH (n:Resource) WHERE n.iri IN $iris AND size(labels(n)) = 1 AND NOT (n)--() "
    "DELETE n"
)

# What still points at records about to be deleted: any record but a change event (which
# keeps pointing at what it acted on, as history) and the records deleted with them.
REFERRING_RECORDS = (
    "MATCH (x:Resource)-[]->(n:Resource) WHERE n.iri IN $iris AND NOT x.iri IN $iris "
    "AND NOT 'Activity' IN labels(x) "
    "RETURN DISTINCT n.iri AS iri, x.iri AS referrer ORDER BY iri, referrer LIMIT 100"
)

DELETE_RECORDS = "MATCH (n:Resource) WHERE n.iri IN $iris DETACH DELETE n"


def resource_statements() -> dict[str, str]:
    """The statements of this section by name, for the grammar tests."""
    found = {"lock-records": LOCK_RECORDS, "lock-written-records": LOCK_WRITTEN_RECORDS,
             "drop-placeholders": DROP_PLACEHOLDERS, "referring-records": REFERRING_RECORDS,
             "delete-records": DELETE_RECORDS}
    labels = sorted(mapping().class_of)
    for label in labels:
        found[f"list-{label}"] = resource_list_statement(label)
        found[f"list-{label}-by-agency"] = resource_list_statement(label, by_agency=True)
    for label, _ in ISSUED_KINDS:
        found[f"list-{label}-by-step"] = resource_list_statement(label, by_step=True)
        found[f"list-{label}-by-agency-and-step"] = resource_list_statement(
            label, by_step=True, by_agency=True)
    return found


# -- Backup and restore (catalog.backup, ADR 0012) -----------------------------------------------
# A backup reads everything below from one snapshot of the store (GraphStore.snapshot): the
# records with the cycle's state and the trail (DESCRIBE, paged by ALL_IRIS_PAGE), the records'
# versions, and the side nodes that are not Resources. A restore writes it back into an empty
# store in one atomic write: CREATE, not MERGE, so what is written is exactly what was read
# (parallel relationships included); the labels and relationship types in these statements come
# from the ontology or from this list only.

# Taken first in the Neo4j snapshot's transaction: every change takes the commit counter's lock
# last in its own transaction (_NEXT_COMMIT), so while the snapshot holds it no numbered change
# commits, and reads in that transaction see every change up to `seq` and none after.
SNAPSHOT_LOCK = (
    "MERGE (cc:IdCounter {key: $commit_counter}) ON CREATE SET cc.next = 1 "
    "SET cc._lock = true SET cc._lock = null "
    "RETURN cc.next - 1 AS seq"
)

# What the store holds, by label set and by relationship kind: a backup refuses a store with
# nodes or relationships it would not carry, and a restore checks it wrote what the backup holds.
STORE_LABELS = "MATCH (n) RETURN labels(n) AS labels, count(n) AS n"

SIDE_RELATIONSHIPS = (
    "MATCH (a)-[r]->(b) WHERE NOT (a:Resource AND b:Resource) "
    "RETURN labels(a) AS source, type(r) AS type, labels(b) AS target, count(r) AS n"
)

# Every record with its outgoing relationships, in one read (a snapshot changes under nobody,
# so it needs no paging); each relationship as one string "type IRI" (neither holds a space),
# which the FalkorDB client reads in half the time of a [type, IRI] pair.
BACKUP_RECORDS = (
    "MATCH (n:Resource) "
    "OPTIONAL MATCH (n)-[r]->(m:Resource) "
    "RETURN n.iri AS iri, labels(n) AS labels, properties(n) AS props, "
    "collect(type(r) + ' ' + m.iri) AS rels"
)

BACKUP_COUNTERS = "MATCH (c:IdCounter) RETURN properties(c) AS props ORDER BY c.key"

BACKUP_SAVED_QUERIES = "MATCH (q:SavedQuery) RETURN properties(q) AS props ORDER BY q.name"

BACKUP_VERSIONS = (
    "MATCH (v:Version) RETURN properties(v) AS props ORDER BY v.seq, v.record"
)

# The side nodes but versions and credentials (credentials_cypher), in one statement.
RESTORE_SIDE = (
    "FOREACH (row IN $counters | CREATE (c:IdCounter) SET c = row) "
    "FOREACH (row IN $saved_queries | CREATE (q:SavedQuery) SET q = row)"
)

RESTORE_VERSIONS = (
    "UNWIND $rows AS row CREATE (v:Version) SET v = row RETURN count(v) AS n"
)


def restore_nodes_statement(label: str | None) -> str:
    """Create records of one label (None: bare resources, with no class, such as outside IRIs
    records point at) from $rows, each a node's properties with its `iri`. One simple
    statement per label and per type, not one FOREACH per label in one statement: Neo4j plans
    a statement of 44 FOREACH/MERGE clauses in 20 s, and one of these in milliseconds."""
    labels = RESOURCE_LABEL + ("" if label is None else f":{_checked(label)}")
    return f"UNWIND $rows AS row CREATE (n:{labels}) SET n = row RETURN count(n) AS n"


def restore_relationships_statement(rel_type: str) -> str:
    """Create relationships of one type from $rows {s, o} between restored records (CREATE:
    parallel relationships come back as they were; a missing end makes none, which the
    restore's count check then finds)."""
    typ = _checked(rel_type)
    return (f"UNWIND $rows AS row MATCH (a:{RESOURCE_LABEL} {{iri: row.s}}) "
            f"MATCH (b:{RESOURCE_LABEL} {{iri: row.o}}) CREATE (a)-[:{typ}]->(b) "
            "RETURN count(*) AS n")


def backup_statements() -> dict[str, str]:
    """The statements of this section by name, for the grammar tests: the fixed ones, and the
    restore of every label and relationship type of the ontology."""
    mp = mapping()
    found = {"snapshot-lock": SNAPSHOT_LOCK, "store-labels": STORE_LABELS,
             "side-relationships": SIDE_RELATIONSHIPS, "records": BACKUP_RECORDS,
             "counters": BACKUP_COUNTERS,
             "saved-queries": BACKUP_SAVED_QUERIES, "versions": BACKUP_VERSIONS,
             "restore-side": RESTORE_SIDE, "restore-versions": RESTORE_VERSIONS,
             "restore-bare-resources": restore_nodes_statement(None)}
    for label in sorted(mp.class_of):
        found[f"restore-{label}"] = restore_nodes_statement(label)
    for typ in sorted({t.name for t in mp.terms.values() if t.is_object}):
        found[f"restore-rel-{typ}"] = restore_relationships_statement(typ)
    return found
