"""The analyses where Cypher is awkward (ARCHITECTURE.md, "Queries"): each reads a subgraph
with its named query's Cypher and finishes in networkx: strongly connected components, a
cycle-safe walk over the data map, a what-if removal, centrality. Nothing here writes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx

from graph_queries.answer import Analysis, Answer, QueryError, Runner

MAX_LINEAGE_HOPS = 50  # a data map or chain deeper than this is a modelling error


# -- dependency cycles among agencies (R-6.1) -----------------------------------------------------

def agency_cycles(run: Runner, params: Mapping[str, Any]) -> Answer:
    g = nx.DiGraph()
    for r in run({}):
        g.add_edge(r["source"], r["target"], chains=sorted(r["chains"]))
    rows = []
    groups = [sorted(c) for c in nx.strongly_connected_components(g) if len(c) > 1]
    for agencies in sorted(groups):
        sub = g.subgraph(agencies)
        cycle = [u for u, _ in nx.find_cycle(sub, agencies[0])]
        chains = sorted({c for _, _, d in sub.edges(data=True) for c in d["chains"]})
        rows.append({"agencies": agencies, "cycle": cycle + [cycle[0]], "chains": chains})
    return Answer("", ["agencies", "cycle", "chains"], rows)


# -- system lineage (R-10.1) ----------------------------------------------------------------------

def system_lineage(run: Runner, params: Mapping[str, Any]) -> Answer:
    """Walks the flows hop by hop from the system, both ways; each system is visited once, so a
    loop in the data map ends the walk instead of repeating it."""
    start = params["system"]
    g = nx.MultiDiGraph()
    g.add_node(start)
    seen, frontier = {start}, [start]
    for _ in range(MAX_LINEAGE_HOPS):
        if not frontier:
            break
        found: set[str] = set()
        for r in run({"frontier": frontier}):
            g.add_edge(r["source"], r["target"], dataset=r["dataset"])
            found.update((r["source"], r["target"]))
        frontier = sorted(found - seen)
        seen |= found
    rows = _lineage_rows(g, start, "upstream", nx.ancestors(g, start), g.reverse(copy=False))
    rows += _lineage_rows(g, start, "downstream", nx.descendants(g, start), g)
    return Answer("", ["direction", "system", "hops", "datasets"], rows)


def _lineage_rows(g: nx.MultiDiGraph, start: str, direction: str, reached: Iterable[str],
                  walk: nx.MultiDiGraph) -> list[dict[str, Any]]:
    hops = nx.single_source_shortest_path_length(walk, start)
    rows = []
    for system in sorted(set(reached) - {start}, key=lambda s: (hops[s], s)):
        # the datasets this system sends towards the start (upstream) or receives (downstream)
        edges = g.out_edges(system, data="dataset") if direction == "upstream" \
            else g.in_edges(system, data="dataset")
        datasets = sorted({d for _, _, d in edges})
        rows.append({"direction": direction, "system": system, "hops": hops[system],
                     "datasets": datasets})
    return rows


# -- service dependencies across chains (R-6.1) ---------------------------------------------------

def service_dependencies(run: Runner, params: Mapping[str, Any]) -> Answer:
    start = params["service"]
    g = nx.DiGraph()
    g.add_node(start)
    info: dict[str, dict[str, Any]] = defaultdict(lambda: {"chains": set(), "datasets": set()})
    seen, frontier = {start}, [start]
    for _ in range(MAX_LINEAGE_HOPS):
        if not frontier:
            break
        found: set[str] = set()
        for r in run({"frontier": frontier}):
            g.add_edge(r["source"], r["target"])
            entry = info[r["target"]]
            entry.update(title_fa=r["title_fa"], agency=r["agency"])
            entry["chains"].add(r["chain"])
            entry["datasets"].update(r["datasets"])
            found.add(r["target"])
        frontier = sorted(found - seen)
        seen |= found
    hops = nx.single_source_shortest_path_length(g, start)
    rows = [{"service": s, "title_fa": info[s]["title_fa"], "agency": info[s]["agency"],
             "hops": hops[s], "chains": sorted(info[s]["chains"]),
             "datasets": sorted(info[s]["datasets"])}
            for s in sorted(set(hops) - {start}, key=lambda s: (hops[s], s))]
    return Answer("", ["service", "title_fa", "agency", "hops", "chains", "datasets"], rows)


# -- org-structure impact, what if (R-11, R-12, R-4.3) ---------------------------------------------

DELIVERY = ("deliveringUnit", "deliveringPost", "deliveringEmployee")


def impact(run: Runner, params: Mapping[str, Any]) -> Answer:
    seeds = sorted({*params["units"], *params["posts"], *params["employees"]})
    edges: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in run({"seeds": seeds}):
        if r["target"] is not None:
            edges[r["rel"]].append((r["source"], r["target"]))
    removed = _removed_org(edges, params)
    rows = [_row("removed_" + kind, iri, []) for kind in ("unit", "post", "employee")
            for iri in sorted(removed[kind])]
    broken, service_rows = _broken_services(edges, removed)
    rows += service_rows
    rows += _unheld_posts(edges, removed)
    rows += _orphans(edges, "needsService", broken, "chain_breaks", any_lost=True)
    rows += _orphans(_inverse(edges["follows"]), "", broken, "duty_unserved", any_lost=False)
    rows += _orphans(edges, "supportsService", broken, "system_without_service", any_lost=False)
    rows += _orphans(edges, "usedByService", broken, "dataset_without_service", any_lost=False)
    return Answer("", ["effect", "iri", "because"], rows)


def _row(effect: str, iri: str, because: Iterable[str]) -> dict[str, Any]:
    return {"effect": effect, "iri": iri, "because": sorted(because)}


def _removed_org(edges: Mapping[str, list[tuple[str, str]]],
                 params: Mapping[str, Any]) -> dict[str, set[str]]:
    """A removed unit takes its sub-units and their posts; an employee whose every post goes
    holds none and so delivers nothing (R-4.3 ties delivery to a post)."""
    tree = nx.DiGraph(edges["subOrganizationOf"])  # child -> parent
    units = set(params["units"])
    for u in list(units):
        if u in tree:
            units |= nx.ancestors(tree, u)  # ancestors in child->parent edges are descendants
    posts = set(params["posts"]) | {p for p, u in edges["postIn"] if u in units}
    held: dict[str, set[str]] = defaultdict(set)
    for e, p in edges["holds"]:
        held[e].add(p)
    employees = set(params["employees"]) | {e for e, ps in held.items() if ps <= posts}
    return {"unit": units, "post": posts, "employee": employees}


def _broken_services(edges: Mapping[str, list[tuple[str, str]]],
                     removed: Mapping[str, set[str]]) -> tuple[set[str], list[dict[str, Any]]]:
    delivery: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for rel in DELIVERY:
        for s, x in edges[rel]:
            delivery[s][rel].add(x)
    gone = removed["unit"] | removed["post"] | removed["employee"]
    broken: set[str] = set()
    rows = []
    for s in sorted(delivery):
        d = delivery[s]
        org = d["deliveringUnit"] | d["deliveringPost"]
        if org and org <= gone:
            rows.append(_row("service_loses_last_unit_or_post", s, org))
            broken.add(s)
        people = d["deliveringEmployee"]
        if people and people <= gone:
            rows.append(_row("service_loses_last_employee", s, people))
            broken.add(s)
    return broken, rows


def _unheld_posts(edges: Mapping[str, list[tuple[str, str]]],
                  removed: Mapping[str, set[str]]) -> list[dict[str, Any]]:
    holders: dict[str, set[str]] = defaultdict(set)
    for e, p in edges["holds"]:
        holders[p].add(e)
    return [_row("post_left_without_holder", p, hs) for p, hs in sorted(holders.items())
            if p not in removed["post"] and hs <= removed["employee"]]


def _inverse(pairs: list[tuple[str, str]]) -> dict[str, list[tuple[str, str]]]:
    return {"": [(o, s) for s, o in pairs]}


def _orphans(edges: Mapping[str, list[tuple[str, str]]], rel: str, broken: set[str],
             effect: str, any_lost: bool) -> list[dict[str, Any]]:
    """Subjects of `rel` hit by the broken services: a chain breaks when any of its services
    does (any_lost); a duty, system or dataset is orphaned when all of its services do."""
    needs: dict[str, set[str]] = defaultdict(set)
    for s, svc in edges.get(rel, []):
        needs[s].add(svc)
    rows = []
    for s, svcs in sorted(needs.items()):
        lost = svcs & broken
        if lost and (any_lost or lost == svcs):
            rows.append(_row(effect, s, lost))
    return rows


# -- most depended upon (R-18) ---------------------------------------------------------------------

RANKED_KINDS = ("agency", "service", "dataset")


def most_depended_upon(run: Runner, params: Mapping[str, Any]) -> Answer:
    if params.get("kind") not in (None, *RANKED_KINDS):
        raise QueryError(f"kind is one of {', '.join(RANKED_KINDS)}")
    g = _dependency_graph(run({}))
    # in-degree centrality: pure Python (PageRank in networkx needs numpy/scipy, not installed)
    rank = nx.in_degree_centrality(g) if g.number_of_nodes() > 1 else {}
    rows = []
    for node, kind in g.nodes(data="kind"):
        if kind == "chain" or (params.get("kind") and kind != params["kind"]):
            continue
        dependents = nx.ancestors(g, node)
        rows.append({
            "kind": kind, "iri": node,
            "chains": sum(1 for x in dependents if g.nodes[x]["kind"] == "chain"),
            "services": sum(1 for x in dependents if g.nodes[x]["kind"] == "service"),
            "centrality": round(rank.get(node, 0.0), 6),
        })
    rows.sort(key=lambda r: (-r["chains"], -r["services"], -r["centrality"], r["iri"]))
    top = 20 if params.get("top") is None else params["top"]
    if top < 1:
        raise QueryError("top is a positive number of rows")
    return Answer("", ["kind", "iri", "chains", "services", "centrality"], rows[:top],
                  truncated=len(rows) > top)


def _dependency_graph(rows: Iterable[Mapping[str, Any]]) -> nx.DiGraph:
    """Edges point from the dependent to what it depends on."""
    g = nx.DiGraph()

    def edge(a: str, a_kind: str, b: str, b_kind: str) -> None:
        g.add_node(a, kind=a_kind)
        g.add_node(b, kind=b_kind)
        g.add_edge(a, b)

    for r in rows:
        s = r["service"]
        g.add_node(s, kind="service")
        if r["chain"] is not None:
            edge(r["chain"], "chain", s, "service")
        if r["agency"] is not None:
            edge(s, "service", r["agency"], "agency")
        for t in r["needs"]:
            edge(s, "service", t, "service")
        for d in r["datasets"]:
            edge(s, "service", d, "dataset")
    return g


ANALYSES: dict[str, Analysis] = {
    "agency_cycles": agency_cycles,
    "system_lineage": system_lineage,
    "service_dependencies": service_dependencies,
    "impact": impact,
    "most_depended_upon": most_depended_upon,
}
