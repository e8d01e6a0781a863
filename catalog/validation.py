"""SHACL validation of a submission plus just the neighbourhood the shapes read
(docs/architecture.md, "The path of a write", step 3): the records it defines, the stored
records they point at, and the stored records that point at them. Whole-graph validation is
for audits.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from typing import Any

import pyshacl
import pyshacl_turbo
from pyshacl_turbo.rdf import Input as TurboInput
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from catalog.changeset import ChangeSet, Origin
from catalog.decided import OBLIGATION_LABELS, PLAN_LABELS, PROGRESS_LABELS
from catalog.graphmap import Node, node_triples, nodes_to_graph
from catalog.ontology import codelists_graph, mapping
from catalog.port import GraphStore
from catalog.problems import Problem
from catalog.shape_reach import (
    closure_terms,
    follow_terms,
    inverse_terms,
    remote_terms,
    shapes_graph,
)
from catalog.vocab import CODE, GC


# pyshacl-turbo (a Rust engine with pyshacl's API) by default: 13x faster here on a synthetic
# catalog, and it passes the same rule suite (tests/test_shapes.py runs both engines).
# GOVCAT_SHACL_ENGINE=pyshacl switches back to the reference implementation.
@cache
def _compiled() -> Any:  # pyshacl_turbo.CompiledShapes (the package is untyped)
    return pyshacl_turbo.CompiledShapes(shapes_graph(), advanced=True)  # type: ignore[no-untyped-call]


def _turbo(data: Graph, shacl_graph: Graph | None = None, **options: Any) -> Any:
    """pyshacl-turbo with govcat's shapes compiled once: compiling them was a third of the
    SHACL time of one write (ADR 0013)."""
    if shacl_graph is not shapes_graph() or options.get("ont_graph") is not None:
        return pyshacl_turbo.validate(data, shacl_graph=shacl_graph, **options)
    options.pop("advanced", None)
    options.pop("ont_graph", None)
    return _compiled().validate(data, **options)


ENGINES: dict[str, Callable[..., Any]] = {"turbo": _turbo, "pyshacl": pyshacl.validate}


def engine() -> Callable[..., Any]:
    return ENGINES[os.environ.get("GOVCAT_SHACL_ENGINE", "turbo")]


# Records per validation batch: a bulk load is validated part by part, each part with the
# neighbourhood its shapes reach, so one SHACL run never holds the whole submission (ADR 0013).
BATCH = 20_000

# Duty and service IDs are unique: the shapes join records on them, so the
# records holding the same ID are part of a record's neighbourhood (GraphStore.id_holders).
ID_TERMS = frozenset({GC.dutyId, GC.serviceId})

# Stored nodes neither judged nor read as neighbours: code lists are govcat's own
# (tests/test_shapes.py); the trail, the cycle's state and obligations are written by the
# cycle, not by people (and a bulk load's change event points at every record it stored).
UNJUDGED = frozenset({"Concept", "ConceptScheme", "Activity", "Association", "Agent",
                      "AgencyStep"}) | OBLIGATION_LABELS | PROGRESS_LABELS | PLAN_LABELS
STORED = Origin("stored record")

# A data graph as a set of triples: filling an rdflib Graph cost more than the SHACL run on it
# (ADR 0013), and pyshacl-turbo reads triples (_engine_input).
Triple = tuple[Any, Any, Any]
Data = set[Triple]


class _Index:
    """A submission's triples by subject and by object, read once: a bulk load asks for the
    triples of each record several times, and rdflib's lookups dominate otherwise."""

    def __init__(self, by_subject: dict[Any, list[tuple[Any, Any]]]) -> None:
        self.out: dict[URIRef, list[tuple[URIRef, Any]]] = by_subject
        self.into: dict[URIRef, list[tuple[URIRef, URIRef]]] = {}
        self.holders: dict[str, set[URIRef]] = {}  # duty/service ID → records holding it
        for s, pairs in by_subject.items():
            for p, o in pairs:
                if isinstance(o, URIRef):
                    self.into.setdefault(o, []).append((s, p))
                elif p in ID_TERMS and isinstance(s, URIRef):
                    self.holders.setdefault(str(o), set()).add(s)

    def copy(self, subjects: Iterable[URIRef], data: Data) -> None:
        add = data.add
        for s in subjects:
            for p, o in self.out.get(s, ()):
                add((s, p, o))

    def targets_in_codes(self, subjects: Iterable[URIRef]) -> set[URIRef]:
        return {o for s in subjects for _, o in self.out.get(s, ())
                if isinstance(o, URIRef) and o.startswith(CODE)}

    def targets(self, subjects: Iterable[URIRef], follow: frozenset[URIRef] | None = None
                ) -> set[URIRef]:
        """The records these point at (by the predicates in `follow`, when given)."""
        return {o for s in subjects for p, o in self.out.get(s, ())
                if isinstance(o, URIRef) and not o.startswith(CODE)
                and (follow is None or p in follow)}


class _Reach:
    """Descriptions gathered into a data graph, each taken from the submission when it defines
    the record, else from the store."""

    def __init__(self, cs: ChangeSet, index: _Index, store: GraphStore | None, data: Data,
                 loaded: set[URIRef]) -> None:
        self.cs, self.index, self.store, self.data, self.loaded = cs, index, store, data, loaded
        self.nodes: list[Node] = []

    def load(self, iris: set[URIRef], step: int) -> set[URIRef]:
        """Load the records not loaded yet, `step` (0 or 1) steps from a judged record; return
        what they point at by the predicates the shapes follow from there."""
        new = iris - self.loaded
        self.loaded |= new
        mine = {i for i in new if i in self.cs.subjects}
        self.index.copy(mine, self.data)
        follow = _follow(step)
        found = self.index.targets(mine, follow)
        if self.store is not None and new - mine:
            nodes = self.store.describe(sorted(map(str, new - mine)))
            self.nodes += nodes
            names = _follow_names(step)
            found |= {URIRef(t) for n in nodes for rel, ts in n.rels.items()
                      if names is None or rel in names
                      for t in ts if not t.startswith(CODE)}
        return found

    def load_closures(self) -> None:
        """Load every record a chain of closure predicates reaches from one loaded so far, to
        its end (shape_reach.closure_terms: `org:subOrganizationOf*`, a unit's agency's
        ancestors, R-20.1): read, not judged (ADR 0018)."""
        follow = closure_terms()
        if not follow:
            return
        names = _closure_names()
        todo = {o for _, p, o in self.data if p in follow and isinstance(o, URIRef)}
        todo |= {URIRef(t) for n in self.nodes for rel in names for t in n.rels.get(rel, ())}
        while new := todo - self.loaded:
            self.loaded |= new
            mine = {i for i in new if i in self.cs.subjects}
            self.index.copy(mine, self.data)
            todo = self.index.targets(mine, follow)
            if self.store is not None and new - mine:
                nodes = self.store.describe(sorted(map(str, new - mine)))
                self.nodes += nodes
                todo |= {URIRef(t) for n in nodes for rel in names for t in n.rels.get(rel, ())}


@cache
def _closure_names() -> frozenset[str]:
    """shape_reach.closure_terms as the store's relationship types."""
    return frozenset(t.name for p in closure_terms() if (t := mapping().term(p)) is not None)


def _follow(step: int) -> frozenset[URIRef] | None:
    """The predicates the shapes read through, `step` steps from a judged record
    (shape_reach.follow_terms; None: all of them)."""
    follow = follow_terms()
    return None if follow is None else follow[step]


@cache
def _follow_names(step: int) -> frozenset[str] | None:
    """_follow as the store's relationship types."""
    follow = _follow(step)
    if follow is None:
        return None
    return frozenset(t.name for p in follow if (t := mapping().term(p)) is not None)


def unseen(nodes: Iterable[Node], stored: Iterable[Node]) -> frozenset[URIRef]:
    """The records among `nodes` whose stored version differs from them in no predicate a
    shape reads on another record (shape_reach.remote_terms, ADR 0014): no other record's
    result can change with them. A record not stored yet is seen (it may join a chain, take
    an ID, become a unit's parent)."""
    before = {n.iri: n for n in stored}
    remote = remote_terms()
    return frozenset(URIRef(n.iri) for n in nodes if n.iri in before
                     and not any(p in remote for _, p, _ in
                                 set(node_triples(n)) ^ set(node_triples(before[n.iri]))))


def _stored_around(store: GraphStore, judged: set[URIRef], ids: set[str],
                   subjects: set[URIRef]) -> set[URIRef]:
    """Stored records a change to `judged` can break: those pointing at it, one or two steps
    back (a chain whose link's service changes agency, R-6.1), and those holding the same
    duty or service ID (R-3.2, R-4.2). Records the submission redefines are judged as its.
    And the stored records below a judged one by a closure predicate (a body under a moved
    agency, a unit under a moved unit), with those pointing at them one or two steps back:
    the shapes read their chains to the end (R-20.1, R-4.3; ADR 0018)."""
    below = _descendants(store, judged) - subjects if judged else set()
    around = _record_referrers(store, judged | below) | below if judged else set()
    if ids:
        around |= {URIRef(i) for i in store.id_holders(sorted(ids))}
    around -= subjects
    back = _record_referrers(store, around) if around else set()
    return around | (back - subjects - judged)


def _inverse_referrers(store: GraphStore, iris: set[URIRef]) -> set[URIRef]:
    """Stored records pointing at these by a predicate the shapes follow backwards."""
    if not iris:
        return set()
    types = _inverse_names()
    if not types:
        return set()
    return {URIRef(i) for i in store.referrers_by(sorted(map(str, iris)), types)}


@cache
def _inverse_names() -> frozenset[str]:
    """shape_reach.inverse_terms as the store's relationship types (made once: every write
    asks)."""
    return frozenset(t.name for p in inverse_terms() if (t := mapping().term(p)) is not None)


def _descendants(store: GraphStore, iris: set[URIRef]) -> set[URIRef]:
    """Stored records from which a chain of closure predicates reaches one of these."""
    names = _closure_names()
    if not names:
        return set()
    return {URIRef(i) for i in store.descendants(sorted(map(str, iris)), names, UNJUDGED)}


def _record_referrers(store: GraphStore, iris: set[URIRef]) -> set[URIRef]:
    return {URIRef(i) for i in store.record_referrers(sorted(map(str, iris)), UNJUDGED)}


def neighbourhood(
    cs: ChangeSet, store: GraphStore | None, part: Sequence[URIRef] | None = None,
    around: bool = True, index: _Index | None = None,
    unseen: frozenset[URIRef] = frozenset(),
) -> tuple[Data, list[URIRef], bool]:
    """The data graph to judge `part` of a submission (all of it by default), its focus nodes,
    and whether it holds other records (read by the shapes but not judged).

    The shapes read at most two steps from the record they judge (a chain's links' services'
    agencies, R-6.1), one step back (a link's chain), and across records holding the same
    duty or service ID. So the judged records are those of `part` and the stored records a
    change to them can break (_stored_around); the data graph holds those and everything two
    steps out from them, and the records of the submission pointing at them.

    `around=False` (an audit of stored records, each judged in its own part): no stored record
    is judged but those of `part`."""
    subjects = set(cs.subjects)
    judged = set(part) if part is not None else subjects
    index = index or _Index(cs.by_subject())
    data: Data = set()
    if part is None:
        index.copy(index.out, data)  # the whole submission
    else:
        index.copy(judged, data)
    ids = {str(o) for s in judged for p, o in index.out.get(s, ()) if p in ID_TERMS}
    stored: set[URIRef] = set()
    if store is not None and around:
        stored = _stored_around(store, judged - unseen, ids, subjects)
    near: set[URIRef] = set()
    backwards = inverse_terms()
    for x in judged:
        for s, p in index.into.get(x, ()):
            if s not in subjects:  # a stored chain's new gc:hasLink (records_rdf._chain_link)
                data.add((s, p, x))
                near.add(s)
            elif p in backwards:
                near.add(s)
    if store is not None:
        # Stored records pointing backwards at a judged one (a link's chain) are read.
        near |= _inverse_referrers(store, judged | stored) - subjects
    if ids:
        near |= {s for i in ids for s in index.holders.get(i, ())}
    near -= judged | stored
    reach = _Reach(cs, index, store, data, set(judged) if part is not None else set(subjects))
    # Records pointing backwards at a judged one are read for their own triples (a link's
    # chain, by sh:inversePath); those of the submission are judged in their own part.
    reach.load(near, 0)
    one = index.targets(judged, _follow(0)) | reach.load(stored, 0)
    reach.load(reach.load(one, 1), 1)
    reach.load_closures()
    mp = mapping()
    for node in reach.nodes:
        data.update(node_triples(node, mp))
    _add_codes(data)
    focus = judged | stored if around else judged
    return data, sorted(focus), bool(reach.loaded - focus)


@cache
def _codes() -> _Index:
    return _Index(ChangeSet(graph=codelists_graph()).by_subject())


def _add_codes(data: Data) -> None:
    """The code-list concepts the data points at, and all they point at (their schemes): what
    the shapes can read of the code lists, which no shape reads backwards. Copying all 665
    triples of the code lists was a third of the data graph of one edit."""
    codes = _codes()
    todo = {o for _, _, o in data if isinstance(o, URIRef) and o.startswith(CODE)}
    done: set[URIRef] = set()
    while todo:
        done |= todo
        codes.copy(todo, data)
        todo = codes.targets_in_codes(todo) - done


def validate(cs: ChangeSet, store: GraphStore | None, batch: int = BATCH,
             unseen: frozenset[URIRef] = frozenset()) -> list[Problem]:
    """Every SHACL problem of a submission against the store: judged in parts of `batch`
    records, each with its own neighbourhood (the same answer as judging it whole:
    tests/test_incremental_validation.py). `unseen`: records of the submission whose change
    no other record's shapes can see (`unseen`); they are judged, but the stored records
    around them are not judged again (nothing those read changed: a law cited by every agency,
    loaded again; a service's title edited)."""
    subjects = list(cs.subjects)
    if len(subjects) <= batch:
        return _sorted(_judge(cs, *neighbourhood(cs, store, unseen=unseen)))
    found: set[Problem] = set()
    index = _Index(cs.by_subject())
    for start in range(0, len(subjects), batch):
        part = subjects[start:start + batch]
        found.update(_judge(cs, *neighbourhood(cs, store, part, index=index,
                                               unseen=unseen)))
    return _sorted(found)


def validate_all(connect: Callable[[], GraphStore], processes: int | None = None,
                 batch: int = 5_000) -> list[Problem]:
    """Every stored record judged (`govcat validate --all`, an audit): in parts of `batch`
    records, each with its neighbourhood, on every core (a process per core, each with its
    own connection to the store; `connect` must be picklable)."""
    store = connect()
    parts: list[list[str]] = []
    after = ""
    while page := store.iris_after(after, batch):
        parts.append(page)
        after = page[-1]
    store.close()
    workers = max(1, min(processes or os.cpu_count() or 1, len(parts)))
    if workers == 1:
        found = [p for part in parts for p in _judge_stored(connect, part)]
    else:
        context = multiprocessing.get_context("spawn")  # fresh connections, no forked sockets
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            found = [p for done in pool.map(_judge_stored, [connect] * len(parts), parts)
                     for p in done]
    return _sorted(found)


def _judge_stored(connect: Callable[[], GraphStore], iris: list[str]) -> list[Problem]:
    store = connect()
    try:
        nodes = [n for n in store.describe(iris) if n.label not in UNJUDGED]
        cs = ChangeSet(graph=nodes_to_graph(nodes))
        cs.subjects = {URIRef(n.iri): STORED for n in nodes}
        if not cs.subjects:
            return []
        return _judge(cs, *neighbourhood(cs, store, list(cs.subjects), around=False))
    finally:
        store.close()


def _sorted(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(set(problems), key=lambda p: (p.source or "", p.sheet or "", p.row or 0,
                                                p.column or "", p.focus or "",
                                                p.message_en, p.value or ""))


def _judge(cs: ChangeSet, data: Data, focus: list[URIRef], others: bool) -> list[Problem]:
    if not focus:
        return []
    # pyshacl filters targets against focus_nodes as a list (quadratic in a bulk load), so the
    # filter is only asked for when the graph holds records that must not be judged.
    conforms, results, _ = engine()(
        _engine_input(data), shacl_graph=shapes_graph(), inference="none", advanced=True,
        focus_nodes=list[str | URIRef](focus) if others else None, allow_warnings=False,
    )
    if conforms:
        return []
    assert isinstance(results, Graph), results
    # Only the report's own results: nested sh:detail results explain a parent, not a fault.
    top = [r for report in results.subjects(RDF.type, SH.ValidationReport)
           for r in results.objects(report, SH.result) if isinstance(r, URIRef | BNode)]
    return [_problem(results, r, cs) for r in top]


def _engine_input(data: Data) -> Any:
    """The data as the engine reads it: pyshacl-turbo's own term input (its rdf.Input of
    format "terms", interned terms and index triples, built straight from the triples), or an
    rdflib Graph for the reference engine."""
    if engine() is not _turbo:
        graph = Graph()
        for t in data:
            graph.add(t)
        return graph
    records: list[tuple[int, str, str | None, str | None]] = []
    index: dict[Any, int] = {}
    blank: dict[str, BNode] = {}

    def intern(term: Any) -> int:
        found = index.get(term)
        if found is None:
            found = index[term] = len(records)
            if isinstance(term, Literal):
                records.append((2, str(term), str(term.datatype) if term.datatype
                                and not term.language else None, term.language))
            elif isinstance(term, BNode):
                blank[str(term)] = term
                records.append((1, str(term), None, None))
            else:
                records.append((0, str(term), None, None))
        return found

    quads = [(intern(s), intern(p), intern(o), None) for s, p, o in data]
    return TurboInput((records, quads), "terms", None, blank, {})


def _messages(results: Graph, result: URIRef | BNode) -> tuple[str, str]:
    # pyshacl drops the language tag of messages of SPARQL constraints, so the shape's own
    # sh:message (tagged fa and en) is preferred.
    texts: dict[str | None, str] = {}
    shapes = shapes_graph()
    for source in (results.value(result, SH.sourceConstraint),
                   results.value(result, SH.sourceShape)):
        if source is not None:
            for lit in shapes.objects(source, SH.message):
                if isinstance(lit, Literal) and lit.language:
                    texts.setdefault(lit.language, str(lit))
    for lit in results.objects(result, SH.resultMessage):
        if isinstance(lit, Literal):
            texts.setdefault(lit.language, str(lit))
    en = texts.get("en") or texts.get(None) or "the record breaks a rule of the cycle"
    return en, texts.get("fa") or en


def _requirement(result: URIRef | BNode, results: Graph) -> str | None:
    shapes = shapes_graph()
    for source in (results.value(result, SH.sourceConstraint),
                   results.value(result, SH.sourceShape)):
        if source is not None:
            req = shapes.value(source, GC.requirement)
            if req is not None:
                return str(req)
    return None


def _problem(results: Graph, result: URIRef | BNode, cs: ChangeSet) -> Problem:
    focus = results.value(result, SH.focusNode)
    path = results.value(result, SH.resultPath)
    value = results.value(result, SH.value)
    en, fa = _messages(results, result)
    origin = cs.origin(focus) if isinstance(focus, URIRef) else None
    column = None
    if isinstance(focus, URIRef) and isinstance(path, URIRef):
        column = cs.column(focus, path)
        if column is None:
            term = mapping().term(path)
            column = term.name if term else str(path)
    return Problem(
        message_en=en, message_fa=fa,
        source=origin.source if origin else "stored record",
        sheet=origin.sheet if origin else None,
        row=origin.row if origin else None,
        column=column, requirement=_requirement(result, results),
        focus=str(focus) if focus is not None else None,
        value=str(value) if value is not None else None,
    )
