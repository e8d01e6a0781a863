"""Org-structure impact, what if (R-11, R-12, R-4.3): what a change to an agency's units, posts
and employees does to the services delivered through them, and on to chains, duties, systems
and datasets. Nothing is written: the named query reads the agency's org and delivery subgraph
as edges, and the change is played out here, on a copy.

One model serves both questions (R-11, R-12):
- `impact`: units, posts or employees removed, and units, posts or employees merged into a
  survivor (FROM->INTO). A merged unit's sub-units and posts move to the survivor, a merged
  post's holders hold the survivor, and every service delivered by the merged one is delivered
  by the survivor, so nothing is lost that the survivor keeps.
- `compare-structure`: the stored structure of an agency against a proposed one (a workbook,
  a CSV folder or a Turtle file in the loading template's format). What the proposal leaves out
  is removed, what it adds is added, what it moves is moved; merges may be named as well.

After the change, what no longer has its place goes too: a unit whose parent unit is gone, a post
whose unit is gone, an employee who holds no post any more (R-4.3 ties delivery to a post); a
proposed one that so finds no place is `unplaced`. A
service loses its last unit or post, or its last employee, when every one of this structure that
delivered it is gone (deliverers of other agencies are not touched); a chain breaks when any of
its services does; a duty, an information system or a dataset is left without a working service
when all of its services are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from catalog.graphmap import MappingError, Node, graph_to_nodes
from catalog.ontology import mapping
from catalog.vocab import CODE
from graph_queries.answer import Answer, QueryError, Runner

KINDS = ("unit", "post", "employee")
LABELS = {"OrganizationalUnit": "unit", "Post": "post", "Employee": "employee"}
DELIVERY = {"deliveringUnit": "unit", "deliveringPost": "post", "deliveringEmployee": "employee"}
COLUMNS = ["effect", "iri", "because"]


# -- a proposed structure -------------------------------------------------------------------------

@dataclass(frozen=True)
class Structure:
    """A proposed org structure as nodes of the property graph (catalog.graphmap), read from a
    file by the loaders (the CLI and the API do the reading); `problems`: the rules of the
    regulation the proposal breaks, as the loaders report them (dicts of catalog.problems)."""

    nodes: tuple[Node, ...]
    source: str = "proposal"
    problems: tuple[dict[str, Any], ...] = ()

    def counts(self) -> dict[str, int]:
        found = {kind: 0 for kind in KINDS}
        for n in self.nodes:
            if n.label in LABELS:
                found[LABELS[n.label]] += 1
        return found

    def summary(self) -> str:
        c = self.counts()
        return (f"{self.source}: {c['unit']} unit(s), {c['post']} post(s), "
                f"{c['employee']} employee(s)")


def as_structure(value: Any) -> Structure:
    """A Structure from a Structure, an rdflib Graph or nodes; TypeError for anything else
    (text is never taken for a structure: files are read by the loaders)."""
    if isinstance(value, list | tuple) and len(value) == 1 and not isinstance(value[0], Node):
        value = value[0]
    if isinstance(value, Structure):
        return value
    if isinstance(value, Graph):
        known = mapping().label_of
        subjects = sorted({s for s, c in value.subject_objects(RDF.type)
                           if isinstance(s, URIRef) and c in known
                           and not str(s).startswith(CODE)}, key=str)
        try:
            return Structure(tuple(graph_to_nodes(value, subjects)))
        except MappingError as exc:
            raise QueryError(f"the proposed structure does not fit the ontology: {exc}") from None
    if isinstance(value, list | tuple) and all(isinstance(n, Node) for n in value):
        return Structure(tuple(value))
    raise TypeError(f"not a structure: {type(value).__name__}")


# -- the org model --------------------------------------------------------------------------------

@dataclass
class Org:
    """Units with their parent unit, posts with their unit, employees with the posts they hold."""

    units: dict[str, str | None] = field(default_factory=dict)
    posts: dict[str, str | None] = field(default_factory=dict)
    holds: dict[str, set[str]] = field(default_factory=dict)

    def of(self, kind: str) -> dict[str, Any]:
        tables: dict[str, dict[str, Any]] = {"unit": self.units, "post": self.posts,
                                             "employee": self.holds}
        return tables[kind]

    def kind(self, iri: str) -> str | None:
        return next((k for k in KINDS if iri in self.of(k)), None)

    def copy(self) -> Org:
        return Org(dict(self.units), dict(self.posts), {e: set(p) for e, p in self.holds.items()})


@dataclass
class Subgraph:
    """What the named query read: the structure, the services' deliverers, and who needs which
    services (a chain its links' services, a duty, a system or a dataset the services of it)."""

    org: Org
    delivery: dict[str, dict[str, set[str]]]  # service -> unit|post|employee -> deliverers
    needs: dict[str, dict[str, set[str]]]  # relation -> subject -> services


def read_subgraph(rows: Iterable[Mapping[str, Any]]) -> Subgraph:
    org = Org()
    delivery: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    needs: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for r in rows:
        source, rel, target = r["source"], r["rel"], r["target"]
        if rel == "subOrganizationOf":
            if org.units.get(source) is None:
                org.units[source] = target
        elif rel == "postIn":
            if org.posts.get(source) is None:
                org.posts[source] = target
        elif rel == "holds":
            org.holds.setdefault(source, set()).add(target)
        elif rel in DELIVERY:
            delivery[source][DELIVERY[rel]].add(target)
        elif rel == "follows":  # service -> duty: the duty needs the service
            needs["follows"][target].add(source)
        elif target is not None:
            needs[rel][source].add(target)
    return Subgraph(org, delivery, needs)


# -- merges ---------------------------------------------------------------------------------------

def merge_map(pairs: Sequence[Sequence[str]]) -> dict[str, str]:
    merges: dict[str, str] = {}
    for a, b in pairs:
        if a == b:
            raise QueryError(f"{a} cannot be merged into itself")
        if merges.get(a, b) != b:
            raise QueryError(f"{a} is merged into two survivors: {merges[a]} and {b}")
        merges[a] = b
    return merges


def survivors(merges: Mapping[str, str]) -> dict[str, str]:
    """Each merged node's final survivor (A->B, B->C: A's is C); a circle is refused."""
    final: dict[str, str] = {}
    for start in merges:
        seen, node = {start}, merges[start]
        while node in merges:
            if node in seen:
                raise QueryError(f"the merges go round in a circle through {node}")
            seen.add(node)
            node = merges[node]
        final[start] = node
    return final


def check_merges(merges: Mapping[str, str], before: Org, start: Org) -> None:
    """Each merged node is one of the stored structure and gone from `start`; it merges into a
    node of the same kind, stored or proposed."""
    for a, b in merges.items():
        kind = before.kind(a)
        if kind is None:
            raise QueryError(f"{a} is not a unit, post or employee of the stored structure")
        if a in start.of(kind):
            raise QueryError(f"{a} is merged into {b}, so it cannot also stay")
        into = start.kind(b) or before.kind(b)
        if into is None:
            raise QueryError(f"{b} is not a unit, post or employee of the structure")
        if into != kind:
            raise QueryError(f"a {kind} merges into a {kind}: {a} is a {kind}, {b} a {into}")


# -- playing a change out -------------------------------------------------------------------------

def play(start: Org, surv: Mapping[str, str]) -> tuple[Org, dict[str, list[str]]]:
    """The structure after the merges (`surv`: each merged node's survivor) and the removals
    already taken out of `start`, with what has lost its place taken out too; returns it and,
    for each node so taken out, what it lost."""
    after = Org()
    for u in start.units:
        if u not in surv:
            after.units[u] = _parent_after(u, start, surv)
    after.posts = {p: surv.get(u, u) if u else None for p, u in start.posts.items()
                   if p not in surv}
    after.holds = {e: {surv.get(p, p) for p in ps} for e, ps in start.holds.items()
                   if e not in surv}
    lost: dict[str, list[str]] = {}
    changed = True
    while changed:
        changed = False
        for u, parent in list(after.units.items()):
            if parent is not None and parent not in after.units:
                del after.units[u]
                lost[u] = [parent]
                changed = True
    for p, unit in list(after.posts.items()):
        if unit is not None and unit not in after.units:
            del after.posts[p]
            lost[p] = [unit]
    for e, ps in list(after.holds.items()):
        kept = {p for p in ps if p in after.posts}
        if kept:
            after.holds[e] = kept
        else:
            del after.holds[e]
            lost[e] = sorted(ps)
    return after, lost


def _parent_after(unit: str, start: Org, surv: Mapping[str, str]) -> str | None:
    """A unit's parent after the merges: the survivor of its parent, or, when its own parent
    was merged into it, the parent of that one (it takes the merged unit's place)."""
    parent, seen = start.units.get(unit), {unit}
    while parent is not None and parent in surv and parent not in seen:
        seen.add(parent)
        parent = start.units.get(parent) if surv[parent] == unit else surv[parent]
    return None if parent == unit else parent


def effects(sub: Subgraph, start: Org, after: Org, lost: Mapping[str, list[str]],
            surv: Mapping[str, str]) -> list[dict[str, Any]]:
    """The answer's rows. `start`: the structure the change asked for (the stored one less
    the removals, or the proposal); what of it has no place after all (a proposed unit under a
    unit that goes) is `unplaced`."""
    before = sub.org
    rows: list[dict[str, Any]] = []
    for kind in KINDS:
        was, now = before.of(kind), after.of(kind)
        for x in sorted(set(was) - set(now)):
            if x in surv:
                rows.append(_row(f"merged_{kind}", x, [surv[x]]))
            else:
                rows.append(_row(f"removed_{kind}", x, lost.get(x, [])))
        rows += [_row(f"added_{kind}", x, []) for x in sorted(set(now) - set(was))]
        rows += [_row(f"unplaced_{kind}", x, lost.get(x, []))
                 for x in sorted(set(start.of(kind)) - set(was) - set(now))]
    rows += _moves(before, after)
    broken, service_rows = _services(sub, after, surv)
    rows += service_rows
    rows += _unheld_posts(before, after)
    rows += _orphans(sub.needs["needsService"], broken, "chain_breaks", any_lost=True)
    rows += _orphans(sub.needs["follows"], broken, "duty_unserved", any_lost=False)
    rows += _orphans(sub.needs["supportsService"], broken, "system_without_service",
                     any_lost=False)
    rows += _orphans(sub.needs["usedByService"], broken, "dataset_without_service",
                     any_lost=False)
    return rows


def _row(effect: str, iri: str, because: Iterable[str]) -> dict[str, Any]:
    return {"effect": effect, "iri": iri, "because": sorted(because)}


def _moves(before: Org, after: Org) -> list[dict[str, Any]]:
    rows = []
    for u in sorted(set(before.units) & set(after.units)):
        if before.units[u] != after.units[u]:
            rows.append(_row("unit_moved", u, [p for p in [after.units[u]] if p]))
    for p in sorted(set(before.posts) & set(after.posts)):
        if before.posts[p] != after.posts[p]:
            rows.append(_row("post_moved", p, [u for u in [after.posts[p]] if u]))
    for e in sorted(set(before.holds) & set(after.holds)):
        gained = after.holds[e] - before.holds[e]
        if gained:
            rows.append(_row("employee_reassigned", e, gained))
    return rows


def _services(sub: Subgraph, after: Org,
              surv: Mapping[str, str]) -> tuple[set[str], list[dict[str, Any]]]:
    before = sub.org
    ours_before = {"org": set(before.units) | set(before.posts), "people": set(before.holds)}
    ours_after = {"org": set(after.units) | set(after.posts), "people": set(after.holds)}
    effect = {"org": "service_loses_last_unit_or_post", "people": "service_loses_last_employee"}
    broken: set[str] = set()
    rows = []
    for s in sorted(sub.delivery):
        d = sub.delivery[s]
        moved: set[str] = set()
        for side, given in (("org", d["unit"] | d["post"]), ("people", d["employee"])):
            ours = given & ours_before[side]
            if not ours:
                continue  # delivered by nobody of this structure: not this change's doing
            kept = {surv.get(x, x) for x in ours} & ours_after[side]
            if not kept and not given - ours:
                rows.append(_row(effect[side], s, given))
                broken.add(s)
            moved |= {x for x in ours if surv.get(x) in ours_after[side]}
        if moved and s not in broken:
            rows.append(_row("service_moves_to_survivor", s, moved))
    return broken, rows


def _unheld_posts(before: Org, after: Org) -> list[dict[str, Any]]:
    def holders(org: Org) -> dict[str, set[str]]:
        found: dict[str, set[str]] = defaultdict(set)
        for e, ps in org.holds.items():
            for p in ps:
                found[p].add(e)
        return found

    was, now = holders(before), holders(after)
    return [_row("post_left_without_holder", p, was[p]) for p in sorted(was)
            if p in after.posts and not now.get(p)]


def _orphans(needs: Mapping[str, set[str]], broken: set[str], effect: str,
             any_lost: bool) -> list[dict[str, Any]]:
    """Subjects hit by the broken services: a chain breaks when any of its services does
    (any_lost); a duty, system or dataset is orphaned when all of its services do."""
    rows = []
    for s, svcs in sorted(needs.items()):
        lost = svcs & broken
        if lost and (any_lost or lost == svcs):
            rows.append(_row(effect, s, lost))
    return rows


# -- the two analyses -----------------------------------------------------------------------------

def impact(run: Runner, params: Mapping[str, Any]) -> Answer:
    """What if these units, posts or employees were removed, or merged into survivors."""
    merges = merge_map(params.get("merge") or [])
    removed = {"unit": set(params.get("units") or []), "post": set(params.get("posts") or []),
               "employee": set(params.get("employees") or [])}
    seeds = sorted({*removed["unit"], *removed["post"], *removed["employee"], *merges,
                    *merges.values()})
    if not seeds:
        return Answer("", COLUMNS, [])
    sub = read_subgraph(run({"seeds": seeds}))
    start = sub.org.copy()
    for kind, iris in removed.items():
        table = start.of(kind)
        for x in sorted(iris):
            if x not in table:
                raise QueryError(f"{x} is not a {kind} of the stored structure")
            if x in merges:
                raise QueryError(f"{x} is both removed and merged")
            del table[x]
    for a in merges:  # a merged node leaves; what it had goes to its survivor
        merged_kind = sub.org.kind(a)
        if merged_kind is not None:
            del start.of(merged_kind)[a]
    check_merges(merges, sub.org, start)
    surv = survivors(merges)
    after, lost = play(start, surv)
    return Answer("", COLUMNS, effects(sub, start, after, lost, surv))


def compare_structure(run: Runner, params: Mapping[str, Any]) -> Answer:
    """The stored structure of an agency against a proposed one, and the impact of the move."""
    proposal: Structure = params["proposed"]
    agency = params.get("agency") or _agency_of(proposal)
    proposed, ignored = _proposed_org(proposal, agency)
    sub = read_subgraph(run({"agency": agency}))
    start = sub.org.copy()  # a kind the proposal does not have stays as stored
    if proposed.units:
        start.units = dict(proposed.units)
    if proposed.posts:
        start.posts = dict(proposed.posts)
    if proposed.holds:
        start.holds = {e: set(ps) for e, ps in proposed.holds.items()}
    merges = merge_map(params.get("merge") or [])
    for a in merges:  # merged from a part the proposal leaves as stored
        kind = sub.org.kind(a)
        if kind is not None and not proposed.of(kind):
            start.of(kind).pop(a, None)
    check_merges(merges, sub.org, start)
    surv = survivors(merges)
    after, lost = play(start, surv)
    meta = {"agency": agency, "proposal": {"source": proposal.source, **proposal.counts()},
            "ignored": ignored, "problems": list(proposal.problems)}
    return Answer("", COLUMNS, effects(sub, start, after, lost, surv), meta=meta)


def _agency_of(proposal: Structure) -> str:
    found = {a for n in proposal.nodes if n.label in ("OrganizationalUnit", "Post")
             for a in n.rels.get("unitOf" if n.label == "OrganizationalUnit" else "agency", ())}
    if len(found) != 1:
        named = ", ".join(sorted(found)) or "none"
        raise QueryError("give the agency whose structure is compared: the proposal names "
                         f"{'no agency' if not found else 'several: ' + named}")
    return found.pop()


def _proposed_org(proposal: Structure, agency: str) -> tuple[Org, int]:
    """The proposal's units, posts and employees; other records are counted and left aside."""
    org, ignored, foreign = Org(), 0, set()
    for n in proposal.nodes:
        kind = LABELS.get(n.label)
        if kind == "unit":
            if agency not in n.rels.get("unitOf", (agency,)):
                foreign.add(n.iri)
            org.units[n.iri] = next(iter(n.rels.get("subOrganizationOf", ())), None)
        elif kind == "post":
            if agency not in n.rels.get("agency", (agency,)):
                foreign.add(n.iri)
            org.posts[n.iri] = next(iter(n.rels.get("postIn", ())), None)
        elif kind == "employee":
            org.holds[n.iri] = set(n.rels.get("holds", ()))
        else:
            ignored += 1
    if foreign:
        raise QueryError(f"the proposal has units or posts of another agency than {agency}: "
                         f"{', '.join(sorted(foreign)[:5])}")
    return org, ignored
