"""The Cypher of the clocks started by events (R-3.3, R-5.5, R-7, R-18, R-19), the agency's
representative and the reports (R-18, R-19): catalog.cycle.obligations and catalog.cycle.reports,
ADR 0007, run by catalog.store.cycle_operations. Values always travel as parameters; the only
names put into a statement are labels of the cycle (catalog.decided).

Every write appends a PROV-O change event shaped like the cycle's own (catalog.store.cypher):
an `Activity` (`action`, `toState`, `endedAtTime`, `reason`) with a qualified `Association`
(`actingAs`) whose `agent` is the acting person, `used` → what it acted on, `agency` → the
agency, and `cycleStep` → the step when the clock belongs to one. Writes that decide on an
agency's clocks lock the agency node first (`SET a._lock = true SET a._lock = null`, the
idiom of ADR 0005), so two of them never both see "no open clock" on Neo4j.
"""

from __future__ import annotations

import re

# The labels are the cycle's (written only by catalog.cycle: no file may load them,
# catalog.decided); named here too for the statements below and for earlier importers.
from catalog.decided import (
    MONITORING_REPORT,
    OBLIGATION,
    OBLIGATION_LABELS,
    PERFORMANCE_REPORT,
    REPORT_LABELS,
    REPRESENTATIVE,
)

__all__ = ["MONITORING_REPORT", "OBLIGATION", "OBLIGATION_LABELS", "PERFORMANCE_REPORT",
           "REPORT_LABELS", "REPRESENTATIVE", "file_report_statement", "obligation_statements",
           "reports_statement"]

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def _label(name: str) -> str:
    if name not in OBLIGATION_LABELS or not _NAME.match(name):
        raise ValueError(f"not a label of the obligations: {name!r}")
    return name


def _event(carry: str, used: str) -> str:
    """The change event. `carry`: the variables to keep (must include `a`, the agency);
    `used`: the clause linking `e` to what it acted on. Parameters: $agent, $actor, $event,
    $association, $commit_counter, $cycle_step (a cycle-step concept IRI, or null)."""
    return (
        f"WITH {carry} "
        "OPTIONAL MATCH (k:Resource) WHERE k.iri = $cycle_step "
        "MERGE (ag:Resource:Agent {iri: $agent}) "
        "SET ag.identifier = $actor "
        # The store-wide commit sequence of the audit trail (catalog.store.cypher, the lead's
        # `_NEXT_COMMIT`): events of every kind are ordered and paged by `seq`.
        "MERGE (cc:IdCounter {key: $commit_counter}) ON CREATE SET cc.next = 1 "
        "SET cc._lock = true SET cc._lock = null "
        "WITH *, cc.next AS seq SET cc.next = seq + 1 "
        "CREATE (e:Resource:Activity) SET e = $event SET e.seq = seq "
        "CREATE (q:Resource:Association) SET q = $association "
        "CREATE (e)-[:qualifiedAssociation]->(q) "
        "CREATE (q)-[:agent]->(ag) "
        "CREATE (e)-[:agency]->(a) "
        f"{used} "
        "FOREACH (_ IN CASE WHEN k IS NULL THEN [] ELSE [1] END | "
        "CREATE (e)-[:cycleStep]->(k)) "
    )


_LOCK_AGENCY = (
    "MATCH (a:Resource {iri: $agency}) "
    "SET a._lock = true SET a._lock = null "
    "WITH a "
)

# The clauses other modules' statements of the cycle share (plans_cypher, ADR 0027).
LOCK_AGENCY = _LOCK_AGENCY
event_clause = _event

# Start a clock: create the obligation $obligation (a map with iri, clockKey, article, state,
# clockStart, dueDate, …) unless the agency already has one under $key that is open (or, with
# $once, any at all: the clocks that start once per agency, R-18's first and R-19's). Links it
# to the province $province, the provincial unit $unit and the step concept
# $cycle_step, each when not null. No row back: nothing started.
START_CLOCK = (
    _LOCK_AGENCY
    + "OPTIONAL MATCH (prev:Obligation)-[:agency]->(a) "
    "WHERE prev.clockKey = $key AND ($once OR prev.state = $open) "
    "WITH a, count(prev) AS n "
    "WHERE n = 0 "
    "CREATE (target:Resource:Obligation) SET target = $obligation "
    "CREATE (target)-[:agency]->(a) "
    "WITH a, target "
    "OPTIONAL MATCH (p:Resource) WHERE p.iri = $province "
    "OPTIONAL MATCH (u:Resource) WHERE u.iri = $unit "
    "OPTIONAL MATCH (s:Resource) WHERE s.iri = $cycle_step "
    "FOREACH (_ IN CASE WHEN p IS NULL THEN [] ELSE [1] END | "
    "CREATE (target)-[:spatial]->(p)) "
    "FOREACH (_ IN CASE WHEN u IS NULL THEN [] ELSE [1] END | "
    "CREATE (target)-[:relation]->(u)) "
    "FOREACH (_ IN CASE WHEN s IS NULL THEN [] ELSE [1] END | "
    "CREATE (target)-[:cycleStep]->(s)) "
    + _event("a, target", "CREATE (e)-[:used]->(target)")
    + "RETURN target.iri AS iri"
)

# Stop clocks: every open obligation of the agency under one of $keys or with one of $iris is
# met on $on. One event uses them all; no row back when none was open.
STOP_CLOCKS = (
    "MATCH (a:Resource {iri: $agency}) "
    "MATCH (target:Obligation)-[:agency]->(a) "
    "WHERE target.clockKey IN $keys OR target.iri IN $iris "
    "SET target._lock = true SET target._lock = null "
    "WITH a, target WHERE target.state = $open "
    "SET target.state = $met, target.endedOn = $on "
    "WITH a, collect(target) AS closed "
    "WHERE size(closed) > 0 "
    + _event("a, closed", "FOREACH (t IN closed | CREATE (e)-[:used]->(t))")
    + "RETURN [t IN closed | t.iri] AS closed"
)

# Appoint the representative: the current one, if any, ends on $on; the new membership
# $membership (iri, appointedOn) links the agency (org:organization) and the person $member
# (a foaf:Agent, identifier $person).
APPOINT = (
    _LOCK_AGENCY
    + "OPTIONAL MATCH (old:Representative)-[:organization]->(a) WHERE old.endedOn IS NULL "
    "WITH a, collect(old) AS olds "
    "FOREACH (o IN olds | SET o.endedOn = $on) "
    "MERGE (m:Resource:Agent {iri: $member}) "
    "SET m.identifier = $person "
    "CREATE (target:Resource:Representative) SET target = $membership "
    "CREATE (target)-[:agency]->(a) "
    "CREATE (target)-[:organization]->(a) "
    "CREATE (target)-[:member]->(m) "
    + _event("a, target, olds", "CREATE (e)-[:used]->(target)")
    + "RETURN target.iri AS iri, [o IN olds | o.iri] AS ended"
)


def file_report_statement(label: str) -> str:
    """Record a report `label` ($report: iri, period, issued, …) of the agency, attributed to
    the acting person, unless one for $period exists: one per agency and period (R-18, R-19).
    No row back: refused, nothing written."""
    lab = _label(label)
    return (
        _LOCK_AGENCY
        + f"OPTIONAL MATCH (prev:{lab})-[:agency]->(a) WHERE prev.period = $period "
        "WITH a, count(prev) AS n "
        "WHERE n = 0 "
        f"CREATE (target:Resource:{lab}) SET target = $report "
        "CREATE (target)-[:agency]->(a) "
        + _event("a, target", "CREATE (e)-[:used]->(target)")
        + "CREATE (target)-[:wasAttributedTo]->(ag) "
        "RETURN target.iri AS iri"
    )


# -- reads ----------------------------------------------------------------------------------

OBLIGATIONS = (
    "MATCH (o:Obligation)-[:agency]->(a:Resource) "
    "WHERE ($agency IS NULL OR a.iri = $agency) AND ($state IS NULL OR o.state = $state) "
    "OPTIONAL MATCH (o)-[:relation]->(u:Resource) "
    "OPTIONAL MATCH (o)-[:spatial]->(p:Resource) "
    "OPTIONAL MATCH (o)-[:cycleStep]->(k:Resource) "
    "RETURN a.identifier AS code, o.iri AS iri, o.dueDate AS due, properties(o) AS props, "
    # R-5.5's clocks concern a piloted plan (ADR 0030), named by its ref.
    "coalesce(u.identifier, CASE WHEN o.article = 'R-5.5' THEN u.ref END) AS unit, "
    "p.notation AS province, k.notation AS step "
    "ORDER BY due, code, iri"
)

REPRESENTATIVES = (
    "MATCH (m:Representative)-[:organization]->(a:Resource) "
    "WHERE $agency IS NULL OR a.iri = $agency "
    "MATCH (m)-[:member]->(p:Resource) "
    "RETURN a.identifier AS code, m.iri AS iri, p.identifier AS person, "
    "m.appointedOn AS appointed, m.endedOn AS ended "
    "ORDER BY code, appointed, iri"
)


def reports_statement(label: str) -> str:
    """The reports `label` of one agency ($agency) or all (null), by agency and period."""
    lab = _label(label)
    return (
        f"MATCH (r:{lab})-[:agency]->(a:Resource) "
        "WHERE $agency IS NULL OR a.iri = $agency "
        "OPTIONAL MATCH (r)-[:wasAttributedTo]->(p:Resource) "
        "RETURN a.identifier AS code, r.iri AS iri, r.period AS period, properties(r) AS props, "
        "p.identifier AS by "
        "ORDER BY code, period, iri"
    )


# The provincial units of an agency: bodies below it classified $kind (the
# agency-kind concept provincial_unit), with their province.
PROVINCIAL_UNITS = (
    "MATCH (u:Resource)-[:subOrganizationOf]->(a:Resource {iri: $agency}) "
    "MATCH (u)-[:classification]->(k:Resource) WHERE k.iri = $kind "
    "OPTIONAL MATCH (u)-[:spatial]->(p:Resource) "
    "RETURN u.iri AS iri, u.identifier AS code, p.iri AS province, "
    "p.notation AS province_code ORDER BY code"
)

AGENCIES = (
    "MATCH (a:PublicOrganisation) "
    "WHERE $agency IS NULL OR a.iri = $agency "
    "OPTIONAL MATCH (a)-[:subOrganizationOf]->(p:Resource) "
    "OPTIONAL MATCH (a)-[:classification]->(k:Resource) "
    "RETURN a.iri AS iri, a.identifier AS code, a.`prefLabel@fa` AS name_fa, "
    "a.`prefLabel@en` AS name_en, p.identifier AS parent, k.notation AS kind "
    "ORDER BY code"
)

# Change events of agencies by action, for the monitoring report: what each
# acted on, who, when, with which reason.
AGENCY_EVENTS = (
    "MATCH (e:Activity)-[:agency]->(a:Resource) "
    "WHERE ($agency IS NULL OR a.iri = $agency) AND e.action IN $actions "
    "MATCH (e)-[:used]->(t:Resource) "
    "MATCH (e)-[:qualifiedAssociation]->(q:Resource)-[:agent]->(ag:Resource) "
    "OPTIONAL MATCH (e)-[:cycleStep]->(k:Resource) "
    "RETURN a.identifier AS code, e.iri AS iri, e.endedAtTime AS at, e.action AS action, "
    "e.fromState AS from_state, e.toState AS to_state, e.reason AS reason, t.iri AS target, "
    "labels(t) AS labels, t.ref AS ref, ag.identifier AS actor, q.actingAs AS role, "
    "k.notation AS step "
    "ORDER BY at, iri"
)

# Omissions: duties no service maps to …
DUTIES_WITHOUT_SERVICE = (
    "MATCH (d:Duty)-[:agency]->(a:Resource) "
    "WHERE $agency IS NULL OR a.iri = $agency "
    "OPTIONAL MATCH (d)-[:status]->(st:Resource) "
    "OPTIONAL MATCH (s:PublicService)-[:follows]->(d) "
    "WITH a, d, st, count(s) AS services "
    "WHERE services = 0 "
    "RETURN a.identifier AS code, d.iri AS iri, d.ref AS ref, d.dutyId AS duty_id, "
    "st.notation AS status ORDER BY code, iri"
)

# … and services mapped to no duty, or to duties without a duty ID.
SERVICES_DUTY_IDS = (
    "MATCH (s:PublicService)-[:agency]->(a:Resource) "
    "WHERE $agency IS NULL OR a.iri = $agency "
    "OPTIONAL MATCH (s)-[:status]->(st:Resource) "
    "OPTIONAL MATCH (s)-[:follows]->(d:Resource) "
    "WITH a, s, st, count(d) AS duties, collect(d.dutyId) AS ids "
    "RETURN a.identifier AS code, s.iri AS iri, s.ref AS ref, s.serviceId AS service_id, "
    "st.notation AS status, duties, size(ids) AS with_id ORDER BY code, iri"
)


def obligation_statements() -> dict[str, str]:
    """Every statement of this module by name, for the grammar tests."""
    found = {"start-clock": START_CLOCK, "stop-clocks": STOP_CLOCKS, "appoint": APPOINT,
             "obligations": OBLIGATIONS, "representatives": REPRESENTATIVES,
             "provincial-units": PROVINCIAL_UNITS, "agencies": AGENCIES,
             "agency-events": AGENCY_EVENTS, "duties-without-service": DUTIES_WITHOUT_SERVICE,
             "services-duty-ids": SERVICES_DUTY_IDS}
    for label in REPORT_LABELS:
        found[f"file-{label}"] = file_report_statement(label)
        found[f"list-{label}"] = reports_statement(label)
    return found
