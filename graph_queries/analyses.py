"""The analyses where Cypher is awkward (docs/architecture.md, "Queries"): each reads a
subgraph with its named query's Cypher and finishes in Python: strongly connected components, a
cycle-safe walk over the data map, a what-if change of the org structure (graph_queries.
structure), centrality, the cycle's deadlines (catalog.cycle). Nothing here writes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

import networkx as nx

from catalog.cycle.engine import TEHRAN, Cycle, Due
from catalog.iris import Iris
from catalog.jalali import to_jalali_str
from graph_queries.answer import Analysis, Answer, QueryError, Runner
from graph_queries.structure import compare_structure, impact

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


# -- cycle progress (R-2, R-3.2, R-4.2, R-9, R-18) -------------------------------------------------

STEPS = range(1, 10)
PROGRESS_COLUMNS = [
    "agency", "code", "title_fa", *(f"step_{n}" for n in STEPS),
    "duties", "duty_ids", "duties_with_service", "services", "service_ids",
    "electronic_or_smart", "smart", "duty_coverage", "service_id_coverage",
    "electronic_coverage", "overdue_steps", "overdue", "open_deadlines",
]


def cycle_progress(run: Runner, params: Mapping[str, Any]) -> Answer:
    """One row per agency: the state of each step, IDs issued, coverage, and the deadlines the
    cycle tracks (catalog.cycle: `Cycle.deadlines`), overdue or open, as of `today`."""
    today = (date.fromisoformat(params["today"]) if params.get("today")
             else datetime.now(TEHRAN).date())
    rows = run({"agency": params.get("agency")})
    # Every agency whose cycle has begun, read once (an agency's own `steps` would create its
    # steps on first use: a write, which a query never does).
    dues: dict[str, list[Due]] = defaultdict(list)
    for due in Cycle(run.store, Iris(run.base or "")).deadlines(today):
        dues[due.agency].append(due)
    out = []
    for r in rows:
        states = {int(s["step"]): s["state"] for s in r["steps"] if s.get("step") is not None}
        mine = dues.get(r["code"], [])
        late = [d for d in mine if d.state.overdue]
        out.append({
            "agency": r["agency"], "code": r["code"], "title_fa": r["title_fa"],
            **{f"step_{n}": states.get(n, "not_started") for n in STEPS},
            **{k: r[k] for k in ("duties", "duty_ids", "duties_with_service", "services",
                                 "service_ids", "electronic_or_smart", "smart")},
            "duty_coverage": _percent(r["duties_with_service"], r["duties"]),
            "service_id_coverage": _percent(r["service_ids"], r["services"]),
            "electronic_coverage": _percent(r["electronic_or_smart"], r["services"]),
            "overdue_steps": sorted({d.step for d in late}),
            "overdue": [_due_text(d) for d in late],
            "open_deadlines": [_due_text(d) for d in mine if not d.state.overdue],
        })
    return Answer("", list(PROGRESS_COLUMNS), out,
                  meta={"today": today.isoformat(), "today_jalali": to_jalali_str(today)})


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _due_text(due: Due) -> str:
    return f"step {due.step} ({due.requirement}) {due.what_en}: due {due.state.describe()}"


# -- improvement plans behind their own timeline (R-5.1, R-18; ADR 0030) --------------------------

BEHIND_COLUMNS = ["agency", "plan", "plan_ref", "action", "action_ref", "title_fa", "due"]


def behind_schedule(run: Runner, params: Mapping[str, Any]) -> Answer:
    """The query's rows as of `as_of`, by default today in Tehran (the Cypher has no calendar
    of its own on FalkorDB)."""
    as_of = (date.fromisoformat(params["as_of"]) if params.get("as_of")
             else datetime.now(TEHRAN).date())
    rows = run({"as_of": as_of.isoformat(), "agency": params.get("agency")})
    return Answer("", list(BEHIND_COLUMNS), [{c: r[c] for c in BEHIND_COLUMNS} for r in rows],
                  meta={"as_of": as_of.isoformat(), "as_of_jalali": to_jalali_str(as_of)})


ANALYSES: dict[str, Analysis] = {
    "agency_cycles": agency_cycles,
    "system_lineage": system_lineage,
    "service_dependencies": service_dependencies,
    "impact": impact,
    "compare_structure": compare_structure,
    "most_depended_upon": most_depended_upon,
    "cycle_progress": cycle_progress,
    "behind_schedule": behind_schedule,
}
