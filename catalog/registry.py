"""The registry: the core's one entry point for writes and reads of catalog records.

Every write takes the same path (docs/architecture.md): records → RDF change set → SHACL on the
change plus its stored neighbourhood → one atomic store write. Nothing is stored unless the
whole submission is valid.
"""

from __future__ import annotations

import json
import random
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, NamedTuple

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from catalog import model as m
from catalog.access.principals import OPERATOR, Principal
from catalog.changeset import ChangeSet, Origin
from catalog.decided import (
    ISSUED,
    OBLIGATION_LABELS,
    PLAN_LABELS,
    PROGRESS_LABELS,
    carry_decided,
    is_approved,
)
from catalog.graphmap import MappingError, Node, graph_to_nodes, node_from_pairs, nodes_to_graph
from catalog.iris import Iris
from catalog.kinds import changeset as records_to_rdf
from catalog.ontology import bind_prefixes, codelists_graph, mapping
from catalog.port import (
    ChangeEvent,
    GraphStore,
    StaleVersion,
    StoreChange,
    check_expected,
    record_version,
)
from catalog.problems import Problem, Rejected
from catalog.trail_chain import TrailChain
from catalog.validation import unseen, validate
from catalog.vocab import GC

# Attempts of a write whose records changed under it (Registry.apply_checked).
RETRIES = 10

# Store label → property of the ID the cycle issues on approval (catalog.cycle).
ISSUED_PROPS = {label: spec[0] for label, spec in ISSUED.items()}


@dataclass(frozen=True)
class Outcome:
    """What a valid submission did: how many records it stored, by kind."""

    stored: int
    by_label: dict[str, int]
    unchanged: int = 0  # records equal to their stored version, left alone
    event: str | None = None  # the change event's IRI, when anything was written
    # Duties this change edited that already held an issued duty ID: a change of duties that
    # starts the clock of R-3.3 (catalog.guard), with the day the change took legal effect
    # (gc:changedOn, None when not given).
    edited_issued_duties: tuple[str, ...] = ()
    duty_changed_on: tuple[tuple[str, str | None], ...] = ()
    # Approved records whose change became a working version, awaiting the step's body
    # (ADR 0015); they count in `stored` and `by_label` too.
    working: tuple[str, ...] = ()


class Version(NamedTuple):
    """One version of a record, as a write left it (R-16, ADR 0009, ADR 0015)."""

    seq: int
    at: str
    graph: Graph
    working: bool  # a proposed change of an approved record, not (yet) the record itself


@dataclass(frozen=True)
class WorkingVersion:
    """The change proposed to an approved duty or service that the step's body has not
    decided yet (ADR 0015): its content and the approved record it would replace."""

    iri: str
    seq: int
    at: str
    node: Node
    approved: Node


class Registry:
    def __init__(self, store: GraphStore, iris: Iris) -> None:
        self.store = store
        self.iris = iris

    # -- writes -------------------------------------------------------------------------------

    def changeset(self, records: Iterable[tuple[m.Record, Origin]]) -> ChangeSet:
        return records_to_rdf(records, self.iris, self._stored_agency, self._stored_links)

    def check(self, cs: ChangeSet, known: Mapping[str, Node | None] | None = None,
              in_place: bool = False) -> list[Problem]:
        """Every problem of a submission, without writing anything. `known`: stored records
        the caller has just read (None: not stored), not read again.

        An approved duty or service it changes is judged as the working version it proposes
        (catalog.decided.carry_decided), on its own: the records around it keep reading the
        approved version until the step's body approves the change, and are judged then
        (`in_place`: the cycle applying an approved change, judged with everything around)."""
        problems = list(cs_duplicates(cs))
        working = frozenset() if in_place else carry_decided(
            cs, self.stored_decidable(cs, known))
        try:
            nodes = _nodes(cs)
        except MappingError as exc:
            problems.append(Problem(message_en=exc.problem, message_fa=_fa_mapping(exc),
                                    source=_source(cs, exc.subject), focus=exc.subject))
            return problems
        problems.extend(_cycle_owned(cs, nodes))
        alone = self._unseen(nodes, known or {}) | {URIRef(i) for i in working}
        return problems + validate(cs, self.store, unseen=alone)

    def stored_decidable(self, cs: ChangeSet, known: Mapping[str, Node | None] | None = None
                         ) -> dict[str, Node]:
        """The stored duties and services among the records `cs` defines, by IRI."""
        if self.store is None:  # a dry run of a file on its own: nothing is stored
            return {}
        have = known or {}
        classes = [mapping().class_of[label] for label in ISSUED]
        iris = sorted({str(s) for c in classes for s in cs.graph.subjects(RDF.type, c)
                       if s in cs.subjects})
        found = {i: n for i in iris if (n := have.get(i)) is not None}
        found.update((n.iri, n) for n in self._stored(i for i in iris if i not in have))
        return found

    def _unseen(self, nodes: list[Node], known: Mapping[str, Node | None]
                ) -> frozenset[URIRef]:
        """The records whose change no other record's shapes see (catalog.validation.unseen;
        none without a store: a dry run of a file on its own, bench/generate.py's tests)."""
        if self.store is None:
            return frozenset()
        stored = [n for n in known.values() if n is not None]
        stored += self._stored(n.iri for n in nodes if n.iri not in known)
        return unseen(nodes, stored)

    def submit(self, cs: ChangeSet, actor: Principal = OPERATOR,
               action: str = "import") -> Outcome:
        problems = self.check(cs)
        if problems:
            raise Rejected(problems)
        return self.apply_checked(cs, actor, action)

    def apply_checked(self, cs: ChangeSet, actor: Principal = OPERATOR,
                      action: str = "import",
                      expect: Mapping[str, str | None] | None = None,
                      in_place: bool = False) -> Outcome:
        """Store a change set that `check` has just passed, in one atomic write, with its
        change event and the new versions of the records it changed (R-16). Records equal to
        their stored version are left alone: loading a file twice changes nothing.

        `expect`: the versions some of its records must have (catalog.port.StoreChange;
        If-Match, ADR 0009), checked on what is read here and again inside the write.

        A change to an approved duty or service is stored as its working version, the record
        left as approved (ADR 0015); `in_place`: the cycle applies an approved change."""
        for attempt in range(RETRIES):
            try:
                return self._apply_once(cs, actor, action, expect, in_place)
            except StaleVersion as exc:
                # Ours, not the caller's: a duty or service without an ID changed between our
                # read and our write (an ID may have been issued). Read again.
                if (expect and exc.iri in expect) or attempt == RETRIES - 1:
                    raise
                time.sleep(random.uniform(0.005, 0.05) * (attempt + 1))
        raise AssertionError("unreachable")

    def _apply_once(self, cs: ChangeSet, actor: Principal, action: str,
                    expect: Mapping[str, str | None] | None, in_place: bool) -> Outcome:
        stored = {n.iri: n for n in self._stored(str(s) for s in cs.subjects)}
        proposing = frozenset() if in_place else carry_decided(cs, stored)
        nodes = _nodes(cs)
        if expect:  # stale even when nothing would change: StaleVersion, nothing written
            check_expected(expect, stored)
        nodes = [_keep_issued_id(n, stored.get(n.iri)) for n in nodes]
        different = [n for n in nodes if n != stored.get(n.iri)]
        changed = [n for n in different if n.iri not in proposing]
        working = [n for n in different if n.iri in proposing]
        links = [(str(s), term, str(o)) for s, term, o in _links_of_unreplaced(cs)]
        if not different and not links:
            return Outcome(0, {}, unchanged=len(nodes))
        event = self._change_event(cs, changed, actor, action, working)
        # An issued ID is kept from the stored record (_keep_issued_id): the write expects that
        # record unchanged, so an ID issued meanwhile is never overwritten; a working version
        # is written against the approved record it was read from.
        held = {n.iri: record_version(old) for n in different
                if n.label in ISSUED_PROPS and (old := stored.get(n.iri)) is not None
                and (n.iri in proposing or not old.props.get(ISSUED_PROPS[n.label]))}
        self.store.commit_change(
            StoreChange(changed, links, expect={**held, **(expect or {})}), event)
        TrailChain(self.store).after_write()  # the change event joins the hash chain (ADR 0017)
        counts: dict[str, int] = {}
        for n in different:
            counts[n.label] = counts.get(n.label, 0) + 1
        edited = [n for n in different if n.label == "Duty" and (
            (old := stored.get(n.iri)) is not None and old.props.get("dutyId"))]
        return Outcome(len(different), counts, unchanged=len(nodes) - len(different),
                       event=event.iri,
                       edited_issued_duties=tuple(n.iri for n in edited),
                       duty_changed_on=tuple((n.iri, _text(n.props.get("changedOn")))
                                             for n in edited),
                       working=tuple(n.iri for n in working))

    def note(self, iri: str, actor: Principal, action: str, reason: str) -> str:
        """Record an event that acted on the record `iri` without writing it (a working
        version turned down, ADR 0015); returns the event's IRI."""
        event = str(self.iris.event(str(uuid.uuid4())))
        agencies = [a for n in self.store.describe([iri]) for a in n.rels.get("agency", ())]
        self.store.commit_change(StoreChange([]), ChangeEvent(
            event, action, datetime.now(UTC).isoformat(), str(self.iris.agent(actor.name)),
            actor.name, actor.role.value, agencies, reason=reason[:4000], used=[iri]))
        TrailChain(self.store).after_write()  # ADR 0017
        return event

    def _stored(self, iris: Iterable[str], page: int = 5000) -> Iterable[Node]:
        wanted = list(iris)
        for start in range(0, len(wanted), page):
            yield from self.store.describe(wanted[start:start + page])

    def _change_event(self, cs: ChangeSet, changed: list[Node], actor: Principal,
                      action: str, working: list[Node] | None = None) -> ChangeEvent:
        """The change event that records this change, with the versions of the records it
        writes and of the changes it proposes to approved records (working versions)."""
        event = str(self.iris.event(str(uuid.uuid4())))
        sources = sorted({o.source for o in cs.subjects.values() if o.source})
        touched = changed + (working or [])
        agencies = sorted({a for n in touched for a in n.rels.get("agency", ())}
                          | {n.iri for n in touched if n.label == "PublicOrganisation"})
        return ChangeEvent(
            event, action, datetime.now(UTC).isoformat(), str(self.iris.agent(actor.name)),
            actor.name, actor.role.value, agencies,
            source=", ".join(sources)[:500] if sources else None,
            versions=[(n.iri, node_json(n)) for n in changed],
            working=[(n.iri, node_json(n)) for n in working or ()])

    def _stored_agency(self, iri: URIRef) -> URIRef | None:
        for node in self.store.describe([str(iri)]):
            agencies = node.rels.get("agency", ())
            if agencies:
                return URIRef(agencies[0])
        return None

    def _stored_links(self, chain: URIRef) -> dict[URIRef, URIRef]:
        """A stored chain's links and the service each delivers: a link's depends_on may
        name a service (catalog.records_rdf._resolve_waits, R-6.1)."""
        links = [x for n in self.store.describe([str(chain)]) for x in n.rels.get("hasLink", ())]
        return {URIRef(n.iri): URIRef(n.rels["linkService"][0])
                for n in self.store.describe(links) if n.rels.get("linkService")}

    def ensure_code_lists(self) -> None:
        """Store the SKOS code lists of the ontology, so relationships to concepts meet nodes
        with labels and notations (skipped when they are all there already)."""
        codes = codelists_graph()
        known = mapping()
        subjects = {s for s, c in codes.subject_objects(RDF.type)
                    if c in (SKOS.Concept, SKOS.ConceptScheme) and isinstance(s, URIRef)}
        if self.store.count_stored(sorted(map(str, subjects))) == len(subjects):
            return
        g = Graph()
        for s, p, o in codes:
            if s in subjects and (p == RDF.type or known.term(p) is not None):  # type: ignore[arg-type]
                g.add((s, p, o))
        self.store.apply(StoreChange(graph_to_nodes(g, sorted(subjects))))

    # -- reads --------------------------------------------------------------------------------

    def describe(self, iri: str) -> Graph | None:
        nodes = self.store.describe([iri])
        return nodes_to_graph(nodes) if nodes else None

    def export(self, agency: str | None = None, page: int = 5000,
               trail: bool = False, only: Callable[[Node], bool] | None = None) -> Graph:
        """The catalog as RDF; the cycle's state and audit trail only when `trail` is set
        (backups): they are written by the cycle, never loaded from a file. `only`: the
        records a reader may see (catalog.access.visibility)."""
        g = bind_prefixes(Graph())
        for chunk in self._iris(agency, page):
            nodes = self.store.describe(chunk)
            if not trail:
                nodes = [n for n in nodes if n.label not in TRAIL_LABELS]
            if only is not None:
                nodes = [n for n in nodes if only(n)]
            nodes_to_graph(nodes, g)
        return g

    def versions(self, iri: str) -> list[Version]:
        """The versions of a record its writes left, oldest first: (change number, time,
        RDF of the record as that change wrote it, whether it is a working version)."""
        return [Version(v.seq, v.at,
                        nodes_to_graph([node_from_json(v.content)], bind_prefixes(Graph())),
                        v.working)
                for v in self.store.record_versions(iri)]

    def working(self, iri: str) -> WorkingVersion | None:
        """The change proposed to the approved record `iri` and not decided yet: the newest
        working version written after the record's last applied version and after the last
        rejection of a change to it (ADR 0015)."""
        found = self.store.describe([iri])
        if not found or not is_approved(found[0]):
            return None
        versions = self.store.record_versions(iri)
        decided = max([v.seq for v in versions if not v.working]
                      + self.store.change_numbers(iri, REJECT_CHANGE), default=0)
        pending = [v for v in versions if v.working and v.seq > decided]
        if not pending:
            return None
        last = pending[-1]
        return WorkingVersion(iri, last.seq, last.at, node_from_json(last.content), found[0])

    def _iris(self, agency: str | None, page: int) -> Iterable[list[str]]:
        if agency is not None:
            iris = self.store.agency_iris(str(self.iris.agency(agency)))
            for start in range(0, len(iris), page):
                yield iris[start:start + page]
            return
        after = ""
        while True:
            iris = self.store.iris_after(after, page)
            if not iris:
                return
            yield iris
            after = iris[-1]

    def counts(self) -> dict[str, int]:
        return self.store.counts_by_label()


def _nodes(cs: ChangeSet) -> list[Node]:
    """The change set's records as store nodes, made once: `check` and the write that follows
    it both need them, and a bulk load spends seconds on them (cs.graph is not changed
    between the two: a change set is built, checked and applied)."""
    if cs.nodes is None or cs.nodes[0] != (len(cs.graph), len(cs.subjects)):
        pairs = cs.by_subject()
        mp = mapping()
        cs.nodes = ((len(cs.graph), len(cs.subjects)),
                    [node_from_pairs(s, pairs.get(s, ()), mp) for s in cs.subjects])
    return cs.nodes[1]


def _keep_issued_id(n: Node, stored: Node | None) -> Node:
    """An edit never drops an issued duty or service ID (R-3.2, R-4.2, ADR 0005): a record
    stored with one keeps it when the submission leaves it empty."""
    prop = ISSUED_PROPS.get(n.label)
    if prop and stored is not None and stored.props.get(prop) and prop not in n.props:
        return replace(n, props={**n.props, prop: stored.props[prop]})
    return n


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def node_json(n: Node) -> str:
    """A record's version as kept in the trail: its stored node, as JSON."""
    return json.dumps({"iri": n.iri, "label": n.label, "props": n.props,
                       "rels": {k: list(v) for k, v in n.rels.items()}},
                      ensure_ascii=False, sort_keys=True, default=str)


def node_from_json(text: str) -> Node:
    raw = json.loads(text)
    return Node(raw["iri"], raw["label"], raw["props"],
                {k: tuple(v) for k, v in raw["rels"].items()})


def cs_duplicates(cs: ChangeSet) -> Iterable[Problem]:
    for iri, first, second in cs.duplicates:
        yield Problem(
            message_en=f"the same record is defined twice (first at {first.describe()})",
            message_fa=f"این رکورد دو بار تعریف شده است (بار نخست: {first.describe()})",
            source=second.source, sheet=second.sheet, row=second.row, focus=str(iri),
        )


# The action of the event that turns a working version down (catalog.cycle, ADR 0015).
REJECT_CHANGE = "reject-change"


def diff(before: Node, after: Node) -> list[dict[str, Any]]:
    """What changes between two versions of a record: per property or relationship, the
    values before and after (lists sorted), only where they differ."""
    out: list[dict[str, Any]] = []
    for key in sorted(set(before.props) | set(after.props)):
        a, b = before.props.get(key), after.props.get(key)
        if a != b:
            out.append({"field": key, "kind": "property", "before": a, "after": b})
    for key in sorted(set(before.rels) | set(after.rels)):
        a_rel, b_rel = sorted(before.rels.get(key, ())), sorted(after.rels.get(key, ()))
        if a_rel != b_rel:
            out.append({"field": key, "kind": "relationship", "before": a_rel,
                        "after": b_rel})
    return out


# Written only by catalog.cycle: the cycle's state and its audit trail cannot be submitted,
# so no file can rewrite a step's state or an event (R-2.1, R-16, ADR 0005).
CYCLE_LABELS = (frozenset({"AgencyStep", "Activity", "Association"}) | OBLIGATION_LABELS
                | PROGRESS_LABELS | PLAN_LABELS)
# Left out of a catalog export (kept in backups): the cycle's state and the trail's agents.
TRAIL_LABELS = CYCLE_LABELS | {"Agent"}


def _cycle_owned(cs: ChangeSet, nodes: list[Node]) -> Iterable[Problem]:
    for n in nodes:
        if n.label in CYCLE_LABELS:
            yield Problem(
                message_en=f"{n.label} records are written by the cycle's actions, not loaded",
                message_fa="وضعیت گام‌ها و رویدادهای چرخه تنها با کنش‌های چرخه ثبت می‌شوند، "
                           "نه با بارگذاری پرونده",
                source=_source(cs, n.iri), focus=n.iri, requirement="R-16")


def _links_of_unreplaced(cs: ChangeSet) -> Iterable[tuple[URIRef, str, URIRef]]:
    """Triples whose subject this submission does not define: only gc:hasLink, from a stored
    chain to a link registered now (records_rdf._chain_link)."""
    for s, _, o in cs.graph.triples((None, GC.hasLink, None)):
        if s not in cs.subjects and isinstance(s, URIRef) and isinstance(o, URIRef):
            yield s, "hasLink", o


def _source(cs: ChangeSet, subject: str) -> str | None:
    origin = cs.origin(URIRef(subject))
    return origin.source if origin else None


def _fa_mapping(exc: MappingError) -> str:
    return f"این داده با هستان‌شناسی govcat سازگار نیست: {exc.problem}"
