"""The change feed as a Linked Data Event Stream (ADR 0026; W3C TREE, LDES): every change to
a catalog record is a member, an immutable version object of the record with its own IRI,
`dct:isVersionOf` the record and `prov:generatedAtTime` the change's time; a record deleted,
or leaving the reader's view, is a tombstone member (`as:Delete`, `as:Tombstone`).

Members come from what the store keeps for the feed (ADR 0009): the versions each write left
(`Version` nodes), the cycle's decisions on duties and services (their events say the state
and the ID they gave, and no version is written: the version is the previous one with that
status and ID), and the deletes. Pages are fixed ranges of change numbers, PAGE changes each,
so a page whose last number is committed never changes: the change numbers are given in commit
order, without holes (ADR 0009).

What a reader may see (catalog.access.visibility, ADR 0010) is decided per version: a
version the reader may see is a member; one of a kind the reader sees but that it may not see
(a draft, for `read:approved`) is a tombstone, as /changes names it and its record answers
404 (a mirror then drops what left its view); other kinds are left out (R-16: results are
disclosed, drafts and classified data are not).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from urllib.parse import quote

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, XSD

from catalog.access.principals import Principal
from catalog.access.visibility import kind_visible, visible
from catalog.decided import ISSUED
from catalog.graphmap import Node, nodes_to_graph
from catalog.iris import Iris
from catalog.ontology import bind_prefixes
from catalog.port import GraphStore
from catalog.registry import TRAIL_LABELS, node_from_json
from catalog.vocab import GC, concept

LDES = Namespace("https://w3id.org/ldes#")
TREE = Namespace("https://w3id.org/tree#")
AS = Namespace("https://www.w3.org/ns/activitystreams#")

PAGE = 100  # changes per page; a fixed size, so a full page is the same for good
# The cycle's decisions on one record (catalog.cycle.engine): the state its event leaves.
_DECIDED_STATES = frozenset({"approved", "rejected"})


@dataclass(frozen=True)
class Member:
    """One member: version `iri` of `record`, written by change `seq` at `at`; `node` is
    the record as that change left it, None for a tombstone."""

    iri: str
    record: str
    seq: int
    at: str
    node: Node | None


def latest_page(last_change: int) -> int:
    """The page the next change goes to: every page before it is full and never changes."""
    return last_change // PAGE + 1


def page_range(page: int) -> tuple[int, int]:
    """The change numbers [first, last] of `page`."""
    return (page - 1) * PAGE + 1, page * PAGE


def version_iri(iris: Iris, record: str, seq: int) -> str:
    """The IRI of `record`'s version written by change `seq`: under the catalog's base, its
    number then the record's own path (one IRI per record and change, never reused)."""
    rest = record[len(iris.base):] if record.startswith(iris.base) else quote(record, safe="")
    return f"{iris.base}version/{seq}/{rest}"


def members(store: GraphStore, iris: Iris, page: int,
            reader: Principal | None) -> list[Member]:
    """The members of `page` that `reader` gets, in change order (then by record IRI)."""
    first, last = page_range(page)
    versions: dict[int, dict[str, Node]] = {}
    for row in store.versions_of_changes(first, last):
        if not row.get("working"):
            versions.setdefault(int(row["seq"]), {})[str(row["record"])] = \
                node_from_json(row["content"])
    used = _used_by_event(store, first, last)
    found: list[Member] = []
    for event in sorted(store.trail_events(first - 1, last), key=lambda e: e.seq):
        at = str(event.props.get("endedAtTime", ""))
        nodes = dict(versions.get(event.seq, {}))
        state = event.props.get("toState")
        if state in _DECIDED_STATES:  # approve or reject one duty or service: no version
            for record in used.get(event.iri, ()):
                if record not in nodes and (decided := _decided(
                        store, record, event.seq, str(state),
                        event.props.get("issuedIdentifier"))) is not None:
                    nodes[record] = decided
        written = [(r, n.label, n) for r, n in nodes.items()]
        deleted = zip(_list(event.props.get("deleted")),
                      _list(event.props.get("deletedLabels")), strict=False)
        gone = [(r, label, None) for r, label in deleted]
        for record, label, node in sorted(written, key=_first) + sorted(gone, key=_first):
            if label in TRAIL_LABELS or not kind_visible(reader, [label]):
                continue
            shown = node if node is not None and visible(reader, node) else None
            found.append(Member(version_iri(iris, record, event.seq), record, event.seq, at,
                                shown))
    return found


def _first(item: tuple[str, str, Node | None]) -> str:
    return item[0]


def _list(value: object) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]


def _used_by_event(store: GraphStore, first: int, last: int) -> dict[str, list[str]]:
    """The records each change of [first, last] acted on (its `used` links), those a later
    delete took away included (kept on the delete's event, ADR 0017), so a page does not
    change when a record it names is deleted."""
    found: dict[str, list[str]] = {}
    for event, links in store.trail_links(first - 1, last):
        for link in links:
            kind, _, target = link.partition(" ")
            if kind == "used" and target:
                found.setdefault(event, []).append(target)
    for link in store.detached_links_after(first - 1):
        event, kind, target = (link.split(" ", 2) + ["", ""])[:3]
        if kind == "used" and target:
            found.setdefault(event, []).append(target)
    return found


def _decided(store: GraphStore, record: str, seq: int, state: str,
             issued: object) -> Node | None:
    """The duty or service as the cycle's decision `seq` left it: its last version before,
    with the status of every decision since and the ID one issued (the decision writes no
    version; catalog.store's issue_id and set_status change only these)."""
    earlier = [v for v in store.record_versions(record) if v.seq < seq and not v.working]
    if not earlier:
        return None
    base = earlier[-1]
    node = node_from_json(base.content)
    if node.label not in ISSUED:
        return None
    decisions = [(h.seq, h.to_state, h.issued) for h in store.history(record)
                 if h.seq is not None and base.seq < h.seq < seq
                 and h.to_state in _DECIDED_STATES]
    for _, to_state, given in [*decisions, (seq, state, issued)]:
        node = _with_decision(node, str(to_state), given)
    return node


def _with_decision(node: Node, state: str, issued: object) -> Node:
    rels = {**node.rels, "status": (concept("status", state),)}
    props = dict(node.props)
    prop = ISSUED[node.label][0]
    if issued and not props.get(prop):
        props[prop] = str(issued)
    return replace(node, props=props, rels=rels)


# -- as RDF -------------------------------------------------------------------------------------

def stream_graph(stream: str, first_page: str) -> Graph:
    """The event stream itself: what its members are and where its view starts."""
    g = _bound()
    s = URIRef(stream)
    g.add((s, RDF.type, LDES.EventStream))
    g.add((s, LDES.timestampPath, PROV.generatedAtTime))
    g.add((s, LDES.versionOfPath, DCTERMS.isVersionOf))
    g.add((s, TREE.view, URIRef(first_page)))
    g.add((URIRef(first_page), RDF.type, TREE.Node))
    return g


def page_graph(stream: str, page_iri: str, next_iri: str | None, page: int,
               found: Sequence[Member]) -> Graph:
    """One page (tree:Node) of the stream with its members; `next_iri`: the next page, whose
    members all have a change number (gc:seq) greater than this page's last."""
    g = _bound()
    s, node = URIRef(stream), URIRef(page_iri)
    g.add((s, RDF.type, LDES.EventStream))
    g.add((s, LDES.timestampPath, PROV.generatedAtTime))
    g.add((s, LDES.versionOfPath, DCTERMS.isVersionOf))
    if page == 1:
        g.add((s, TREE.view, node))
    g.add((node, RDF.type, TREE.Node))
    if next_iri is not None:
        relation = URIRef(f"{page_iri}#next")
        g.add((node, TREE.relation, relation))
        g.add((relation, RDF.type, TREE.GreaterThanRelation))
        g.add((relation, TREE.node, URIRef(next_iri)))
        g.add((relation, TREE.path, GC.seq))
        g.add((relation, TREE.value, Literal(page_range(page)[1], datatype=XSD.integer)))
    for m in found:
        g.add((s, TREE.member, URIRef(m.iri)))
        _member_triples(g, m)
    return g


def _member_triples(g: Graph, m: Member) -> None:
    v, record = URIRef(m.iri), URIRef(m.record)
    if m.node is None:  # a tombstone, as LDES consumers and IPDC's instances read one
        g.add((v, RDF.type, AS.Delete))
        g.add((v, RDF.type, AS.Tombstone))
        g.add((v, AS.deleted, Literal(m.at, datatype=XSD.dateTime)))
    else:
        for s, p, o in nodes_to_graph([m.node], Graph()):
            g.add((v if s == record else s, p, o))
    g.add((v, DCTERMS.isVersionOf, record))
    g.add((v, PROV.generatedAtTime, Literal(m.at, datatype=XSD.dateTime)))
    g.add((v, GC.seq, Literal(m.seq, datatype=XSD.integer)))


def _bound() -> Graph:
    g = bind_prefixes(Graph())
    g.bind("ldes", LDES)
    g.bind("tree", TREE)
    g.bind("as", AS)
    g.bind("prov", PROV)
    return g
