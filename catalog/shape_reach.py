"""What the shapes read, found from the shapes themselves (ADR 0014): which predicates they
follow backwards to the record they judge, and which they read on records other than the one
they judge. catalog.validation uses these to read and judge no more of the store than a
write can change the answer for.

A predicate is *remote* when some shape reads it on a node other than its focus node: a later
step of a sequence path, an inverse path, the value nodes' own shapes (sh:node,
sh:qualifiedValueShape, sh:and/or/xone/not, sh:property of a property shape), sh:class
(rdf:type of the value), sh:targetObjectsOf, and every triple pattern of a SPARQL constraint
or target whose subject is not $this. A change to a record that touches no remote predicate
cannot change any other record's result.

And which relationships a shape reads through, at which distance from the record it judges
(follow_terms): the neighbourhood loaded for a judged record follows only those.

And which predicates a shape follows any number of times (closure_terms: `p*` or `p+` in a
SPARQL constraint, such as a unit's agency's ancestors by org:subOrganizationOf, R-20.1): the
neighbourhood holds every node such a chain reaches, however far (ADR 0018).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from rdflib import Graph, URIRef, Variable
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, Path, SequencePath
from rdflib.plugins.sparql import algebra, prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

from catalog.kind import extensions
from catalog.vocab import SHAPES_DIR

THIS = Variable("this")
# Keys of a shape whose shapes apply to the same focus node (a node shape's), and to the value
# nodes (a property shape's); sh:and/or/xone lists apply to either, as their shape does.
_SAME_FOCUS = (SH.property, SH.node, SH["not"])
_VALUE_NODES = (SH.node, SH.qualifiedValueShape, SH["not"], SH.property)
_LISTS = (SH["and"], SH["or"], SH.xone)


@cache
def shapes_graph() -> Graph:
    g = Graph()
    for path in sorted(SHAPES_DIR.glob("*.ttl")):
        g.parse(path, format="turtle")
    for kind in extensions():  # kinds declared outside shapes/ (ADR 0022)
        if kind.shapes:
            g.parse(data=kind.shapes, format="turtle")
    return g


@cache
def inverse_terms() -> frozenset[URIRef]:
    return inverse_terms_of(shapes_graph())


@cache
def remote_terms() -> frozenset[URIRef]:
    return remote_terms_of(shapes_graph())


@cache
def closure_terms() -> frozenset[URIRef]:
    return closure_terms_of(shapes_graph())


def inverse_terms_of(shapes: Graph) -> frozenset[URIRef]:
    """The predicates the shapes follow backwards to the record they judge: sh:inversePath,
    and `?x <predicate> $this` in SPARQL constraints (a link's chain, R-6.1). A record of a
    submission pointing at a judged one by any other predicate is not read when judging it."""
    found = {o for o in shapes.objects(None, SH.inversePath) if isinstance(o, URIRef)}
    for query in shapes.objects(None, SH.select):
        for s, p, o in _sparql_triples(shapes, str(query)):
            if o == THIS and s != THIS and isinstance(p, URIRef):
                found.add(p)
    return frozenset(found)


def remote_terms_of(shapes: Graph) -> frozenset[URIRef]:
    """The predicates some shape reads on a node other than the one it judges (module doc)."""
    found: set[URIRef] = set(_terms(shapes.objects(None, SH.targetObjectsOf)))
    seen: set[tuple[Node, bool]] = set()
    roots = (set(shapes.subjects(RDF.type, SH.NodeShape))
             | set(shapes.subjects(RDF.type, SH.PropertyShape))
             | set(shapes.subjects(SH.property, None)))
    for shape in roots:
        if (None, SH.property, shape) not in shapes:  # nested shapes are walked from above
            found |= _shape(shapes, shape, local=True, seen=seen)
    for query in shapes.objects(None, SH.select):
        for s, p, _ in _sparql_triples(shapes, str(query)):
            found |= {q for q, away in _path_terms(p) if away or s != THIS}
    return frozenset(found)


def closure_terms_of(shapes: Graph) -> frozenset[URIRef]:
    """The predicates a SPARQL constraint or target follows any number of times (`p*`, `p+`):
    what the neighbourhood must follow to the end (catalog.validation._load_closures)."""
    found: set[URIRef] = set()
    for query in shapes.objects(None, SH.select):
        for _, p, _ in _sparql_triples(shapes, str(query)):
            if isinstance(p, MulPath) and p.mod in ("*", "+"):
                found |= {q for q, _ in _path_terms(p.path)}
    return frozenset(found)


def _path_terms(p: Any) -> Iterator[tuple[URIRef, bool]]:
    """The predicates of a SPARQL predicate or property path, each with whether it is read
    away from the node the path starts at (a later step, inverse, repeated or negated)."""
    if isinstance(p, URIRef):
        yield p, False
    elif isinstance(p, SequencePath):
        for i, step in enumerate(p.args):
            yield from ((q, away or i > 0) for q, away in _path_terms(step))
    elif isinstance(p, AlternativePath):
        for step in p.args:
            yield from _path_terms(step)
    elif isinstance(p, InvPath | MulPath):
        yield from ((q, True) for q, _ in _path_terms(p.arg if isinstance(p, InvPath)
                                                       else p.path))
    elif isinstance(p, NegatedPath):
        yield from ((q, True) for arg in p.args for q, _ in _path_terms(arg))
    elif isinstance(p, Path):
        raise ValueError(f"a SPARQL path govcat cannot read: {p!r}")


def _shape(g: Graph, shape: Node, local: bool, seen: set[tuple[Node, bool]]) -> set[URIRef]:
    """Remote predicates of one shape applied to its focus (`local`) or to another node."""
    if (shape, local) in seen:
        return set()
    seen.add((shape, local))
    found: set[URIRef] = set()
    path = g.value(shape, SH.path)
    if path is not None:
        found |= {p for p, away in _path_steps(g, path) if away or not local}
        if g.value(shape, SH["class"]) is not None:
            found.add(RDF.type)
        for nested in _nested(g, shape, _VALUE_NODES):
            found |= _shape(g, nested, local=False, seen=seen)
        return found
    if not local or g.value(shape, SH["class"]) is not None:
        found.add(RDF.type)
    for nested in _nested(g, shape, _SAME_FOCUS):
        found |= _shape(g, nested, local=local, seen=seen)
    return found


def _nested(g: Graph, shape: Node, keys: tuple[URIRef, ...]) -> Iterator[Node]:
    """The shapes `shape` applies by these keys, and by sh:and/or/xone lists."""
    for key in keys:
        yield from g.objects(shape, key)
    for key in _LISTS:
        for head in g.objects(shape, key):
            yield from Collection(g, head)


def _path_steps(g: Graph, path: Node) -> Iterator[tuple[URIRef, bool]]:
    """The predicates of a SHACL path in order, each with whether it is read away from the
    node the path starts at (inverse, or repeated)."""
    if isinstance(path, URIRef):
        yield path, False
        return
    if (path, RDF.first, None) in g:  # a sequence
        for i, step in enumerate(Collection(g, path)):
            yield from ((p, away or i > 0) for p, away in _path_steps(g, step))
        return
    inverse = g.value(path, SH.inversePath)
    if inverse is not None:
        yield from ((p, True) for p, _ in _path_steps(g, inverse))
        return
    alternatives = g.value(path, SH.alternativePath)
    if alternatives is not None:
        for step in Collection(g, alternatives):
            yield from _path_steps(g, step)
        return
    for key in (SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath):
        repeated = g.value(path, key)
        if repeated is not None:
            yield from ((p, True) for p, _ in _path_steps(g, repeated))
            return
    raise ValueError(f"a SHACL path govcat cannot read: {path!r}")


def _terms(nodes: Iterator[Node]) -> Iterator[URIRef]:
    return (n for n in nodes if isinstance(n, URIRef))


def _sparql_triples(shapes: Graph, query: str) -> list[tuple[Any, Any, Any]]:
    """Every triple pattern of a SPARQL query, FILTER (NOT) EXISTS included, with the
    shapes' prefixes; $this and ?this are the same variable."""
    prefixes = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in shapes.namespaces() if p)
    # pyshacl reads "...Service" before a space as SERVICE; rdflib's parser does not.
    parsed = prepareQuery(prefixes + re.sub(r"\$this\b", "?this", query))
    found: list[tuple[Any, Any, Any]] = []
    _walk(parsed.algebra, found)
    return found


def _walk(node: Any, found: list[tuple[Any, Any, Any]]) -> None:
    if isinstance(node, CompValue):
        if node.name == "BGP":
            found.extend(node["triples"])
        elif node.name == "TriplesBlock":  # left untranslated inside FILTER (NOT) EXISTS
            found.extend(algebra.triples(node["triples"]))
        for value in node.values():
            _walk(value, found)
    elif isinstance(node, list | tuple):
        for item in node:
            _walk(item, found)


# -- which relationships the shapes read through -----------------------------------------------

class _Unanalysed(Exception):
    """A path the reach analysis does not follow (repeated, or inverse inside a sequence), or
    a shape that reads three steps out."""


Follow = tuple[frozenset[URIRef], frozenset[URIRef]]


@cache
def follow_terms() -> Follow | None:
    return follow_terms_of(shapes_graph())


def follow_terms_of(shapes: Graph) -> Follow | None:
    """(predicates followed from a judged record, predicates followed from a record one step
    from it): those whose targets' own triples some shape reads at that distance. Every step
    of a path but its last is followed, the last too when the value nodes are constrained by
    what they hold (sh:class, sh:node and other nested shapes, whose paths start there); in
    SPARQL each `?a p ?b` where ?b is then the subject of a pattern, at ?a's distance from
    $this. A neighbourhood follows only these (ADR 0014): a data flow reads its systems'
    types, not the services those systems support. None when the shapes use a path this does
    not analyse, or read further: then everything two steps out is loaded."""
    follow: list[set[URIRef]] = [set(), set()]
    seen: set[tuple[Node, int]] = set()
    targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf,
               SH.target)
    roots = {s for key in targets for s in shapes.subjects(key, None)}
    try:
        for shape in roots:
            _walk_shape(shapes, shape, 0, follow, seen)
    except _Unanalysed:
        return None
    return frozenset(follow[0]), frozenset(follow[1])


# Keys by which a property shape constrains its value nodes by what they hold.
_BY_CONTENT = (SH["class"], SH.node, SH.qualifiedValueShape, SH.property, SH["not"], *_LISTS)


def _walk_shape(g: Graph, shape: Node, depth: int, follow: list[set[URIRef]],
          seen: set[tuple[Node, int]]) -> None:
    """Record what `shape`, applied to nodes `depth` steps from the judged record, follows."""
    if (shape, depth) in seen:
        return
    seen.add((shape, depth))
    for select in list(g.objects(shape, SH.select)) + [
            q for c in g.objects(shape, SH.sparql) for q in g.objects(c, SH.select)] + [
            q for t in g.objects(shape, SH.target) for q in g.objects(t, SH.select)]:
        _sparql_follow(g, str(select), depth, follow)
    path = g.value(shape, SH.path)
    if path is None:
        for nested in _nested(g, shape, _SAME_FOCUS):
            _walk_shape(g, nested, depth, follow, seen)
        return
    steps = _sequence(g, path)
    if not steps:
        return  # an inverse path: the referrers are read by inverse_terms
    read_values = any(g.value(shape, key) is not None for key in _BY_CONTENT)
    followed = steps if read_values else steps[:-1]
    for i, step in enumerate(followed):
        _follow_at(follow, depth + i, step)
    if read_values:
        for nested in _nested(g, shape, _VALUE_NODES):
            _walk_shape(g, nested, depth + len(steps), follow, seen)


def _follow_at(follow: list[set[URIRef]], depth: int, predicates: set[URIRef]) -> None:
    if depth >= len(follow):
        raise _Unanalysed(f"read {depth + 1} steps out")
    follow[depth] |= predicates


def _sequence(g: Graph, path: Node) -> list[set[URIRef]]:
    """The predicates of each step of a path (alternatives of plain predicates as one step);
    [] for an inverse path."""
    if isinstance(path, URIRef):
        return [{path}]
    if (path, RDF.first, None) in g:
        steps = [_sequence(g, step) for step in Collection(g, path)]
        if any(len(s) != 1 for s in steps):
            raise _Unanalysed(path)  # an inverse or nested sequence inside a sequence
        return [s[0] for s in steps]
    if g.value(path, SH.inversePath) is not None:
        return []
    alternatives = g.value(path, SH.alternativePath)
    if alternatives is not None:
        options = list(Collection(g, alternatives))
        if not all(isinstance(o, URIRef) for o in options):
            raise _Unanalysed(path)
        return [set(_terms(iter(options)))]
    raise _Unanalysed(path)  # a repeated path


def _sparql_follow(shapes: Graph, query: str, depth: int, follow: list[set[URIRef]]) -> None:
    """`?a p ?b` followed at ?a's distance from $this when ?b is the subject of a pattern.
    `?a p* ?b` is not: the nodes such a chain reaches are loaded by closure (closure_terms)."""
    triples = _sparql_triples(shapes, query)
    if any(not isinstance(p, URIRef) and not _closure(p) for _, p, _ in triples):
        raise _Unanalysed(query)
    subjects = {s for s, _, _ in triples}
    distance = {THIS: 0}
    changed = True
    while changed:
        changed = False
        for s, p, o in triples:
            if (isinstance(p, URIRef) and s in distance and isinstance(o, Variable)
                    and o not in distance):
                distance[o] = distance[s] + 1
                changed = True
    for s, p, o in triples:
        if (isinstance(p, URIRef) and s in distance and o in subjects and o != THIS
                and isinstance(o, Variable)):
            _follow_at(follow, depth + distance[s], {p})


def _closure(p: Any) -> bool:
    """`p*` or `p+` of a plain predicate."""
    return isinstance(p, MulPath) and p.mod in ("*", "+") and isinstance(p.path, URIRef)
