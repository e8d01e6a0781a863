"""The Cypher of the hash-chained trail (catalog.trail_chain, ADR 0017): reading the numbered
change events (`Activity`, gc:seq) with what each hash covers, and sealing them in one
compare-and-set statement. Values always travel as parameters; no name is put into a statement.

The chain's head (the last sealed change number and its hash) is kept on the commit counter
(`IdCounter {key: 'commits'}`, catalog.store.cypher.COMMITS_KEY) as `sealedSeq` and
`sealedHash`: a backup and a restore carry it with the counters, and a seal takes that
counter's lock as every numbered change does, so a Neo4j snapshot (cypher.SNAPSHOT_LOCK) never
sees a seal half way.
"""

from __future__ import annotations

from catalog.port import TRAIL_HASH, TRAIL_PREVIOUS

# The hash of an event and the hash of the one before it, on the event (gc:trailHash,
# gc:previousTrailHash: part of the port, catalog.port); and, on a delete event, the
# links of earlier events to the records it deleted ("<event IRI> <type> <record IRI>"), which
# the delete takes away from the graph.
HASH = TRAIL_HASH
PREVIOUS = TRAIL_PREVIOUS
DETACHED = "detached"

# The stored head and the last change number given out.
HEAD = (
    "MATCH (c:IdCounter {key: $commit_counter}) "
    "RETURN c.sealedSeq AS seq, c.sealedHash AS hash, c.next - 1 AS last"
)

# The events numbered in (after, upto], each with its association and agent (who acted, in
# which role) and how many record versions it wrote. Seqs are given out one by one, so a window
# of change numbers holds at most that many events: no sort over the whole trail.
EVENTS = (
    "MATCH (e:Activity) WHERE e.seq > $after AND e.seq <= $upto "
    "OPTIONAL MATCH (e)-[:qualifiedAssociation]->(q:Resource) "
    "OPTIONAL MATCH (q)-[:agent]->(ag:Resource) "
    "WITH e, collect([properties(q), ag.iri, ag.identifier]) AS who "
    "OPTIONAL MATCH (v:Version) WHERE v.seq = e.seq "
    "WITH e, who, count(v) AS versions "
    "RETURN e.seq AS seq, e.iri AS iri, properties(e) AS props, who, versions ORDER BY seq"
)

# What those events point at (used, agency, concerns, cycleStep …), as "type IRI", one list
# per event (a bulk import's thousands of links read as one list: the quickest to parse).
LINKS = (
    "MATCH (e:Activity) WHERE e.seq > $after AND e.seq <= $upto "
    "MATCH (e)-[r]->(t) WHERE type(r) <> 'qualifiedAssociation' "
    "RETURN e.iri AS event, collect(type(r) + ' ' + coalesce(t.iri, '')) AS links"
)

# A record version's fields, as columns: a map per row takes the FalkorDB client twice as long
# to read. Every property VERSIONS and WORKING_VERSIONS (catalog.store.cypher) write is here;
# one added there must be added here, or the hash does not cover it.
_VERSION = ("v.seq AS seq, v.record AS record, v.at AS at, v.working AS working, "
            "v.content AS content")

# The record versions written by the events numbered in [first, last] …
VERSIONS_RANGE = (
    "MATCH (v:Version) WHERE v.seq >= $first AND v.seq <= $last "
    f"RETURN {_VERSION}"
)

# … or, for one event that wrote many, a page of them.
VERSIONS_PAGE = (
    "MATCH (v:Version) WHERE v.seq = $seq "
    "WITH v ORDER BY v.record, v.content, v.at SKIP $skip LIMIT $limit "
    f"RETURN {_VERSION}"
)

# The links delete events numbered after $after took away (HASH's note).
DETACHED_AFTER = (
    "MATCH (e:Activity) WHERE e.seq > $after AND e.detached IS NOT NULL "
    "RETURN e.seq AS seq, e.detached AS detached"
)

# The links of events to records about to be deleted (catalog.resources.delete).
LINKS_TO = (
    "MATCH (e:Activity)-[r]->(n:Resource) WHERE n.iri IN $iris "
    "RETURN e.iri AS event, type(r) AS type, n.iri AS iri"
)

# What does not belong in a chain: events without a change number, events and versions
# numbered beyond the commit counter.
UNNUMBERED = "MATCH (e:Activity) WHERE e.seq IS NULL RETURN e.iri AS iri LIMIT 1"
EVENTS_BEYOND = (
    "MATCH (e:Activity) WHERE e.seq > $last RETURN e.seq AS seq, e.iri AS iri "
    "ORDER BY seq LIMIT 1"
)
VERSIONS_BEYOND = (
    "MATCH (v:Version) WHERE v.seq > $last RETURN v.seq AS seq, v.record AS record "
    "ORDER BY seq LIMIT 1"
)

# Seal: only while the head is still the one the hashes were computed from (compare-and-set),
# under the commit counter's lock; the events' hashes and the new head in the one statement.
# `n` is 0 when another sealer got there first (nothing written).
SEAL = (
    "MATCH (c:IdCounter {key: $commit_counter}) "
    "SET c._lock = true SET c._lock = null "
    "WITH c WHERE coalesce(c.sealedSeq, 0) = $from_seq "
    "AND coalesce(c.sealedHash, $genesis) = $from_hash "
    "SET c.sealedSeq = $to_seq, c.sealedHash = $to_hash "
    "WITH c "
    "UNWIND $rows AS row "
    "MATCH (e:Activity) WHERE e.seq = row.seq AND e.iri = row.iri "
    "SET e.trailHash = row.hash, e.previousTrailHash = row.previous "
    "RETURN count(e) AS n"
)


def trail_statements() -> dict[str, str]:
    """Every statement of this module by name, for the grammar tests."""
    return {"head": HEAD, "events": EVENTS, "links": LINKS, "versions-range": VERSIONS_RANGE,
            "versions-page": VERSIONS_PAGE, "detached-after": DETACHED_AFTER,
            "links-to": LINKS_TO, "unnumbered": UNNUMBERED, "events-beyond": EVENTS_BEYOND,
            "versions-beyond": VERSIONS_BEYOND, "seal": SEAL}
