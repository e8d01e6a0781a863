"""National-scale benchmark (ADR 0013): one synthetic country through the real paths,
every figure printed in one table with its target.

Usage: python bench/national.py --scale 1.0 [--seed 7] [--workdir DIR] [--runs 50]
                                [--budget 120] [--parts N] [--loaders 2] [--wrk-duration 20]
                                [--connections 50] [--no-results] [--reuse] [--skip-whole]

Steps, each timed: (1) generate the country as a CSV folder in the template's format
(bench/generate.py; above scale 0.1 in parts, each one atomic submission); (2) `govcat load`
it as a subprocess into a fresh data directory (its embedded FalkorDB started by `govcat
store start` first, so the load's own peak RSS is measured, not the store's); (3) `govcat
serve` on it and, with a steward's token made by `govcat admin`, edits of one service by PUT
/resources/services with If-Match, the same on the demo catalog (its own data directory,
`govcat demo`); (4) SHACL of one edited record against the store (the incremental path every
write takes) and of the whole graph; (5) every named query, median and p95, through the same
runner as bench/queries.py; (6) each read path of a realistic mix once alone, then wrk with
50 connections over the mix (bench/wrk/reads.lua); (7) peak memory of the app and of the
store. Then the table is printed and, unless --no-results, kept in bench/RESULTS.md with the
previous run beside it. Each timed series stops at --runs, or at --budget seconds.

The API's rate limit is lifted for the run (GOVCAT_RATE_PER_MINUTE): it limits one client, and
wrk is one client asking for capacity. wrk comes from `make tools/wrk/usr/bin/wrk` or PATH.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import inspect
import json
import math
import os
import platform
import random
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from rdflib.namespace import RDF, SH

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import queries as query_bench  # noqa: E402
from bench.crashkit import Serve, Site  # noqa: E402
from bench.generate import generate  # noqa: E402
from catalog import kinds, shape_reach, validation  # noqa: E402
from catalog.config import Settings  # noqa: E402
from catalog.feed import last_change  # noqa: E402
from catalog.graphmap import graph_to_nodes  # noqa: E402
from catalog.iris import Iris  # noqa: E402
from catalog.kinds import sheet_by_name, sheet_for  # noqa: E402
from catalog.ontology import codelists_graph  # noqa: E402
from catalog.registry import Registry  # noqa: E402
from catalog.sheets import header_to_key  # noqa: E402
from catalog.store import open_store  # noqa: E402
from catalog.store.falkordb_store import FalkorStore  # noqa: E402
from catalog.store.inspection import kind_iris  # noqa: E402
from graph_queries import named  # noqa: E402
from loaders.spreadsheet import read_csv_folder  # noqa: E402

# --reuse of a country loaded with another base IRI: GOVCAT_BENCH_BASE_IRI names it
BASE = os.environ.get("GOVCAT_BENCH_BASE_IRI", "https://govcat.bench/id/")
GRAPH = "govcat"  # the graph every govcat command uses (GOVCAT_GRAPH unset)
DEMO = ROOT / "demo" / "govcat-demo.xlsx"
RESULTS = ROOT / "bench" / "RESULTS.md"
SECTION = "## National scale (`bench/national.py`)"
LUA = ROOT / "bench" / "wrk" / "reads.lua"
WRK_HOME = ROOT / "tools" / "wrk"  # where `make tools/wrk/usr/bin/wrk` unpacks the package
# Each sheet's records are stored under this label (catalog/ontology.py), so what the load
# stored can be counted per sheet and compared with what the generator wrote.
SHEET_LABELS = {k.name: k.label for k in kinds.all_kinds()}  # each sheet's store label
# The national targets (bench/RESULTS.md).
WRITE_P95_MS = 30.0
WRITE_VS_DEMO = 1.5
READS_PER_S = 1000.0
READ_P99_MS = 100.0
STORE_BYTES = 8 * 2**30
Say = Callable[[str], None]


# -- figures --------------------------------------------------------------------------------------

@dataclass
class Figure:
    step: str
    name: str
    value: str
    target: str = ""
    met: bool | None = None  # None: no target


@dataclass
class Report:
    """Every figure, and the facts the smoke test checks (that the benchmark's answers are
    right, never how fast they came)."""

    header: str = ""
    figures: list[Figure] = field(default_factory=list)
    generated: dict[str, int] = field(default_factory=dict)  # rows per sheet
    rows_read: int = 0  # rows the load read, from its own report
    stored: dict[str, int] = field(default_factory=dict)  # records per label after the load
    write_status: dict[str, list[int]] = field(default_factory=dict)  # site -> HTTP statuses
    write_stored: dict[str, list[int]] = field(default_factory=dict)  # site -> "stored" counts
    incremental_problems: int = -1
    whole_method: str = ""
    whole_problems: int = -1
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)  # query -> its answer
    read_paths: list[tuple[str, str, int]] = field(default_factory=list)  # accept, path, status
    wrk: dict[str, Any] = field(default_factory=dict)

    def add(self, step: str, name: str, value: str, target: str = "",
            met: bool | None = None) -> None:
        self.figures.append(Figure(step, name, value, target, met))

    def table(self) -> str:
        rows = ["| step | figure | value | target | met |", "|---|---|---|---|---|"]
        for f in self.figures:
            verdict = "" if f.met is None else ("met" if f.met else "**missed**")
            rows.append(f"| {f.step} | {f.name} | {f.value} | {f.target} | {verdict} |")
        return "\n".join(rows)


def _ms(seconds: float) -> float:
    return seconds * 1000.0


MIN_RUNS = 5  # a series cut short by its time budget still has a median and a p95 of this many


def series(measure: Callable[[int], None], runs: int, budget: float) -> list[float]:
    """Milliseconds of up to `runs` calls of measure(i); fewer once `budget` seconds are
    spent (but at least MIN_RUNS): at national scale one edit can take seconds, and 50 of
    each, on two sites, would make the run hours long without changing the answer."""
    times: list[float] = []
    start = time.perf_counter()
    while len(times) < runs:
        t0 = time.perf_counter()
        measure(len(times))
        times.append(_ms(time.perf_counter() - t0))
        if len(times) >= min(runs, MIN_RUNS) and time.perf_counter() - start > budget:
            break
    return times


def median_p95(times: list[float]) -> tuple[float, float]:
    """The same p95 as bench/queries.py (the 19th of 20 quantiles)."""
    if len(times) < 2:
        return times[0], times[0]
    return statistics.median(times), statistics.quantiles(times, n=20)[18]


# -- the machine and the commit ---------------------------------------------------------------

def machine() -> str:
    ram = ""
    with suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f", {int(line.split()[1]) / 2**20:.1f} GiB RAM"
    load = ""
    with suppress(OSError):
        load = f", load average {os.getloadavg()[0]:.1f} at start"
    return f"{platform.platform()}, {os.cpu_count()} cores{ram}{load}"


def commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True,
                              text=True).stdout.strip()
    head = git("rev-parse", "--short", "HEAD") or "unknown"
    return head + (" with uncommitted changes" if git("status", "--porcelain") else "")


# -- step 1: the country ------------------------------------------------------------------------

def auto_parts(scale: float) -> int:
    """Submissions to load the country in. The loader holds a submission as RDF, about 20 GB
    for the whole country in one (bench/generate.py), more than a 24 GB machine leaves once
    the store holds it too; a tenth of the country (160,000 rows) took 1.9 GiB at its peak."""
    return 1 if scale <= 0.1 else math.ceil(scale * 10)


def submissions(folder: Path, parts: int) -> list[Path]:
    """The folders to load, in order: the country, or its parts (sorted, as generate.py
    writes them: part-01 … part-NN, then the records crossing parts)."""
    if parts == 1:
        return [folder]
    return sorted(p for p in folder.iterdir() if p.is_dir())


def first_service(source: Path) -> tuple[dict[str, str], str]:
    """The first service row of a submission (a CSV folder or a workbook) as the PUT body
    takes it (keys or labels, empty cells left out), and the key of its Persian title."""
    sheet = sheet_by_name()["services"]
    if source.is_dir():
        [file] = [f for f in source.glob("*.csv") if sheet_for(f.stem) is sheet]
        with file.open(encoding="utf-8-sig", newline="") as f:
            table = [list(r) for r in csv.reader(f)]
    else:
        import openpyxl

        book = openpyxl.load_workbook(source, read_only=True)
        try:
            [ws] = [w for w in book.worksheets if sheet_for(w.title) is sheet]
            table = [["" if c is None else str(c) for c in r]
                     for r in ws.iter_rows(values_only=True)]
        finally:
            book.close()
    header = table[0]
    for row in table[1:]:
        # a row of Persian labels may follow the keys (the template's second header row)
        if all(not c or header_to_key(sheet, c) is not None for c in row):
            continue
        body = {h: c for h, c in zip(header, row, strict=False) if h and c}
        title = next(h for h in body if header_to_key(sheet, h) == "title_fa")
        return body, title
    raise ValueError(f"{source}: no service row")


def body_key(body: dict[str, str], key: str) -> str:
    sheet = sheet_by_name()["services"]
    return next(v for h, v in body.items() if header_to_key(sheet, h) == key)


# -- processes ------------------------------------------------------------------------------------

def govcat(site: Site, *args: str, timeout: float | None = None) -> str:
    done = subprocess.run(site.govcat(*args), env=site.env, cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"govcat {' '.join(args)} failed ({done.returncode}):\n"
                           f"{done.stderr[-3000:]}")
    return done.stdout


def timed_child(cmd: list[str], env: dict[str, str], log: Path) -> tuple[int, float, int]:
    """Run a command; its exit code, wall seconds and peak RSS in bytes. wait4 gives the
    child's own rusage, where RUSAGE_CHILDREN would be the largest of every child so far."""
    t0 = time.perf_counter()
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, time.perf_counter() - t0, usage.ru_maxrss * 1024


def high_water(pid: int) -> int | None:
    """VmHWM of a live process, in bytes."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def site_at(root: Path) -> Site:
    site = Site(root)
    site.env["GOVCAT_BASE_IRI"] = BASE
    site.env["GOVCAT_RATE_PER_MINUTE"] = str(10**9)
    return site


def stop_serve(serve: Serve) -> None:
    """A clean stop (SIGTERM: uvicorn finishes its requests), a kill if it hangs."""
    proc = serve.proc
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        serve.kill()


@contextmanager
def running(site: Site, stack: ExitStack) -> Iterator[Serve]:
    """`govcat serve` on a site whose store is running; stopped when the block ends."""
    serve = Serve(site)
    stack.callback(stop_serve, serve)  # also when start() fails half-way
    serve.start()
    try:
        yield serve
    finally:
        stop_serve(serve)


def open_registry(site: Site, stack: ExitStack) -> Registry:
    """An in-process connection to the site's running store (as a govcat command has)."""
    store = FalkorStore(site.server.connect(), GRAPH, rewrite_aof=site.server.rewrite_aof)
    stack.callback(store.close)
    return Registry(store, Iris(BASE))


def format_bytes(n: float) -> str:
    return f"{n / 2**20:,.0f} MiB" if n < 2**30 else f"{n / 2**30:,.2f} GiB"


# -- step 3: writes -------------------------------------------------------------------------------

def steward_token(site: Site, agency: str) -> str:
    govcat(site, "admin", "account", "bench-steward", "--role", "steward", "--agency", agency)
    return govcat(site, "admin", "token", "bench-steward", "--days", "1").strip()


def writes(serve: Serve, token: str, body: dict[str, str], title_key: str, runs: int,
           budget: float, report: Report, site_name: str) -> list[float]:
    """Edits of one service the way a steward's client makes them: read it (its ETag), then
    PUT it whole with If-Match, each with a new title; each PUT is timed from the client,
    after one warm-up."""
    import httpx

    iri = Iris(BASE).owned("service", body_key(body, "agency_code"), body_key(body, "ref"))
    statuses: list[int] = report.write_status.setdefault(site_name, [])
    stored: list[int] = report.write_stored.setdefault(site_name, [])
    with httpx.Client(base_url=serve.url, timeout=600,
                      headers={"Authorization": f"Bearer {token}"}) as client:
        got = client.get("/resource", params={"iri": str(iri)},
                         headers={"Accept": "application/ld+json"})
        got.raise_for_status()
        tag = got.headers["ETag"]
        original = body[title_key]

        def put(i: int) -> None:
            nonlocal tag
            edit = {**body, title_key: f"{original} (ویرایش {len(statuses) + 1})"}
            r = client.put("/resources/services", json=edit, headers={"If-Match": tag})
            statuses.append(r.status_code)
            if r.status_code != 200:
                raise RuntimeError(f"{site_name}: PUT answered {r.status_code}: {r.text[:500]}")
            stored.append(int(r.json()["stored"]))
            tag = r.headers["ETag"]

        put(-1)  # warm-up
        return series(put, runs, budget)


# -- step 4: validation ---------------------------------------------------------------------------

def edited_changeset(registry: Registry, source: Path, work: Path) -> Any:
    """The first service with its title edited, as a one-row CSV submission read by the
    loader: what a steward's edit becomes before SHACL judges it."""
    body, title_key = first_service(source)
    folder = work / "one-edit"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "services.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(list(body))
        w.writerow([f"{v} (ویرایش)" if k == title_key else v for k, v in body.items()])
    parsed = read_csv_folder(folder)
    if parsed.problems:
        raise RuntimeError(f"the edited row does not read: {parsed.problems[0]}")
    return registry.changeset(parsed.records)


def neighbourhood_size(cs: Any, registry: Registry) -> str:
    """How much of the store one edit's SHACL reads, and how long reading it takes: what
    explains the incremental figure. A diagnostic only, so a change of that internal function
    shows as n/a rather than stopping the run."""
    try:
        t0 = time.perf_counter()
        nodes = graph_to_nodes(cs.graph, cs.subjects)
        seen_not = validation.unseen(nodes, registry.store.describe([n.iri for n in nodes]))
        data, focus, _ = validation.neighbourhood(cs, registry.store, unseen=seen_not)
        took = _ms(time.perf_counter() - t0)
    except Exception as exc:
        return f"n/a ({type(exc).__name__})"
    return f"{len(data):,} triples, {len(focus)} judged, read in {took:.0f} ms"


def whole_graph(registry: Registry, data_dir: Path) -> tuple[str, float, int]:
    """Whole-graph SHACL: catalog.validation.validate_all when it exists (as `govcat validate
    --all` calls it: a process per core, each with its own connection); else the graph
    exported and judged once by the configured engine (pyshacl-turbo)."""
    t0 = time.perf_counter()
    validate_all = getattr(validation, "validate_all", None)
    if validate_all is not None:
        # It takes a picklable way to connect (its worker processes connect themselves); an
        # earlier draft took the store itself, so the first parameter's name decides.
        first = next(iter(inspect.signature(validate_all).parameters))
        settings = Settings(base_iri=BASE, store="falkordb", data_dir=data_dir,
                            falkordb_url="", graph_name=GRAPH)
        target = registry.store if first == "store" else partial(open_store, settings)
        problems = validate_all(target)
        return (f"validate_all, {os.cpu_count()} processes", time.perf_counter() - t0,
                len(problems))
    data = registry.export()
    data += codelists_graph()
    conforms, results, _ = validation.engine()(
        data, shacl_graph=shape_reach.shapes_graph(), inference="none", advanced=True,
        allow_warnings=False)
    # the report's own results, as catalog.validation counts them (not nested sh:detail ones)
    n = 0 if conforms else sum(1 for report in results.subjects(RDF.type, SH.ValidationReport)
                               for _ in results.objects(report, SH.result))
    return "export + pyshacl_turbo (no validate_all yet)", time.perf_counter() - t0, n


# -- step 5: named queries ------------------------------------------------------------------------

def run_queries(registry: Registry, runs: int, budget: float, report: Report) -> None:
    """Every named query, parameters picked as bench/queries.py picks them, run by the same
    runner (graph_queries.named.run: header, parameters, store.read, analysis)."""
    store = registry.store
    for q in named.catalog_of_queries().values():
        params = query_bench.params_for(store, q)
        if params is None:
            report.answers[q.name] = {"ran": False}
            report.add("query", q.name, "n/a: nothing in the catalog to ask about")
            continue
        named.run(store, q.name, params)  # warm-up: plan cache, connection
        answers: list[Any] = []

        def ask(_: int, name: str = q.name, params: dict[str, Any] = params,
                out: list[Any] = answers) -> None:
            out.append(named.run(store, name, params))

        times = series(ask, runs, budget)
        answer = answers[-1]
        med, p95 = median_p95(times)
        report.answers[q.name] = {
            "ran": True, "name": answer.name, "columns": list(answer.columns),
            "rows": len(answer.rows), "subgraph": answer.subgraph, "truncated": answer.truncated,
            "params": sorted(params)}
        report.add("query", q.name, f"median {med:.1f} ms, p95 {p95:.1f} ms "
                                    f"({len(times)} runs), {len(answer.rows):,} rows")
        if any(p.name == "agency" and p.optional for p in q.params):
            _one_agency(store, q.name, params, runs, budget, report)


def _one_agency(store: Any, name: str, params: dict[str, Any], runs: int, budget: float,
                report: Report) -> None:
    """A query that reads the whole country unless given an agency, asked for one agency:
    what a steward or an auditor of one agency waits for."""
    agency = query_bench.pick(store, "agency")
    if agency is None:
        return
    one = {**params, "agency": agency}
    rows: list[int] = []
    times = series(lambda _: rows.append(len(named.run(store, name, one).rows)), runs, budget)
    med, p95 = median_p95(times)
    report.add("query", f"{name} (one agency)", f"median {med:.1f} ms, p95 {p95:.1f} ms "
                                                f"({len(times)} runs), {rows[-1]:,} rows")


# -- step 6: reads under load ---------------------------------------------------------------------

def find_wrk() -> tuple[Path, dict[str, str]] | None:
    """wrk unpacked by the Makefile (with its LuaJIT beside it), else one on PATH."""
    local = WRK_HOME / "usr" / "bin" / "wrk"
    if local.is_file():
        libs = [str(p.parent) for p in (WRK_HOME / "usr" / "lib").glob("*/libluajit*")]
        extra = os.pathsep.join(sorted(set(libs)))
        old = os.environ.get("LD_LIBRARY_PATH")
        return local, {"LD_LIBRARY_PATH": extra + (os.pathsep + old if old else "")}
    found = shutil.which("wrk")
    return (Path(found), {}) if found else None


def _sample(found: list[str], n: int, rng: random.Random) -> list[str]:
    iris = sorted(found)
    return rng.sample(iris, min(n, len(iris)))


def read_paths(registry: Registry, seed: int) -> list[tuple[str, str]]:
    """A mix of what readers ask for, picked from the catalog (seeded): records by IRI as
    JSON-LD (half), resource lists with a search or an agency filter (a quarter), lookups by
    named query, and pages of the change feed."""
    rng = random.Random(seed)
    store = registry.store
    jsonld, js = "application/ld+json", "application/json"

    def path(iri: str) -> str:
        return "/id/" + iri[len(BASE):]  # minted IRIs are percent-encoded already

    def iris(label: str) -> list[str]:
        return kind_iris(store, label)

    services = _sample(iris("PublicService"), 60, rng)
    duties = _sample(iris("Duty"), 30, rng)
    agencies = _sample(iris("PublicOrganisation"), 10, rng)
    records = [*services[:30], *duties[:15], *agencies]
    for label in ("OrganizationalUnit", "Post", "Employee"):
        records += _sample(iris(label), 10, rng)
    out = [(jsonld, path(i)) for i in records]
    words: list[str] = []
    for node in store.describe(services[:20]):
        words += [w for w in str(node.props.get("title@fa", "")).split() if not w.isdigit()]
    for w in sorted(set(words))[:20]:
        out.append((js, f"/resources/services?q={quote(w, safe='')}&limit=20"))
    for a in agencies:
        code = quote(unquote(a.rsplit("/", 1)[1]), safe="")  # the code, as a URL parameter
        out.append((js, f"/resources/duties?agency={code}&limit=50"))
        out.append((js, f"/resources/services?agency={code}&limit=50"))
    for s in services[30:45]:
        out.append((js, f"/queries/service-duties?service={quote(s, safe='')}"))
    for d in duties[15:25]:
        out.append((js, f"/queries/duty-services?duty={quote(d, safe='')}"))
    last = last_change(registry)
    for k in sorted({rng.randrange(max(1, last)) for _ in range(10)}):
        out.append((js, f"/changes?after={k}&limit=100"))
    rng.shuffle(out)
    return out


def path_kind(path: str) -> str:
    """id, changes, queries, resources: search (q=) or one agency's."""
    route, _, query = path.partition("?")
    kind = route.split("/")[1]
    if kind == "resources":
        kind += " search" if "q=" in query else " by agency"
    return kind


def check_paths(serve: Serve, token: str, paths: list[tuple[str, str]],
                report: Report) -> dict[str, list[float]]:
    """Every read path once, alone: each must answer 200 before wrk repeats it (a mistyped
    path would be measured as a fast 404), and the times per kind (path_kind) tell which
    kind the loaded figures are made of."""
    import httpx

    times: dict[str, list[float]] = {}
    with httpx.Client(base_url=serve.url, timeout=600,
                      headers={"Authorization": f"Bearer {token}"}) as client:
        for accept, p in paths:
            t0 = time.perf_counter()
            r = client.get(p, headers={"Accept": accept})
            times.setdefault(path_kind(p), []).append(_ms(time.perf_counter() - t0))
            report.read_paths.append((accept, p, r.status_code))
            if r.status_code != 200:
                raise RuntimeError(f"GET {p} answered {r.status_code}: {r.text[:300]}")
    return times


def run_wrk(serve: Serve, token: str, paths_file: Path, duration: int, connections: int,
            threads: int = 2) -> dict[str, Any]:
    found = find_wrk()
    if found is None:
        raise RuntimeError("no wrk: run `make tools/wrk/usr/bin/wrk` (or install wrk)")
    wrk, extra = found
    env = {**os.environ, **extra, "GOVCAT_BENCH_TOKEN": token}
    # A request slower than the timeout would be counted as an error and left out of the
    # latencies; 10 s keeps slow answers in the figures, where the target judges them.
    cmd = [str(wrk), f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency",
           "--timeout", "10s", "-s", str(LUA), serve.url, str(paths_file)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True,
                          timeout=duration + 120)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr[-2000:]}")
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
    if not lines:
        raise RuntimeError(f"wrk printed no summary:\n{done.stdout}\n{done.stderr}")
    result: dict[str, Any] = json.loads(lines[-1])
    result["per_s"] = result["requests"] / (result["duration_us"] / 1e6)
    result["socket_errors"] = sum(result[k] for k in ("connect", "read", "write", "timeout"))
    result["text"] = done.stdout
    return result


# -- the run --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Options:
    scale: float
    seed: int = 7
    runs: int = 50
    budget: float = 120.0  # seconds per timed series (see series())
    parts: int | None = None  # submissions to load the country in; None: auto_parts(scale)
    wrk_duration: int = 20
    connections: int = 50
    loaders: int = 2  # `govcat load` processes at once over the parts before the last
    reuse: bool = False  # the workdir holds a generated, loaded country: measure it again
    whole: bool = True  # validate the whole graph too (minutes at national scale)


def step_generate(o: Options, work: Path, report: Report, say: Say) -> list[Path]:
    parts = o.parts or auto_parts(o.scale)
    say(f"generating scale {o.scale:g} with bench/generate.py, {parts} part(s) …")
    folder = work / "country"
    t0 = time.perf_counter()
    report.generated = dict(generate(folder, o.scale, o.seed, parts=parts))
    took = time.perf_counter() - t0
    folders = submissions(folder, parts)
    rows = sum(report.generated.values())
    report.add("1 generate", "rows (all sheets)", f"{rows:,} in {len(folders)} submission(s)")
    report.add("1 generate", "rows per sheet", ", ".join(
        f"{k} {v:,}" for k, v in report.generated.items()))
    report.add("1 generate", "seconds", f"{took:.2f}")
    return folders


def step_reused(o: Options, work: Path, report: Report) -> list[Path]:
    """A country generated and loaded before (--reuse): its rows counted again, the figures of
    its load read from `work/load-figures.md` (table rows, as step_load writes them)."""
    folder = work / "country"
    folders = submissions(folder, o.parts or auto_parts(o.scale))
    counts: dict[str, int] = {}
    for part in folders:
        for sheet in sorted(part.glob("*.csv")):
            with sheet.open(encoding="utf-8", newline="") as f:
                counts[sheet.stem] = counts.get(sheet.stem, 0) + sum(1 for _ in f) - 1
    report.generated = counts
    report.add("1 generate", "rows (all sheets)",
               f"{sum(counts.values()):,} in {len(folders)} submission(s) (generated before)")
    figures = work / "load-figures.md"
    for line in figures.read_text(encoding="utf-8").splitlines() if figures.exists() else []:
        step, what, value = [c.strip() for c in line.strip().strip("|").split("|")][:3]
        report.add(step, what, value)
    return folders


def step_load(site: Site, folders: list[Path], work: Path, report: Report, say: Say,
              loaders: int = 1) -> None:
    rows = sum(report.generated.values())
    log = work / "load.log"
    started = time.perf_counter()
    if len(folders) > 2 and loaders > 1:
        # The parts before the last are independent (bench/generate.py): `loaders` commands
        # load them at once, as agencies do; then the last part (chains, flows between parts).
        say(f"loading {rows:,} rows with {loaders} `govcat load` at once, then the last part …")
        groups = [folders[k:-1:loaders] for k in range(loaders)]
        logs = [work / f"load-{k + 1}.log" for k in range(loaders)]
        procs = [subprocess.Popen(site.govcat("load", *map(str, g)), env=site.env, cwd=ROOT,
                                  stdout=f.open("wb"), stderr=subprocess.STDOUT)
                 for g, f in zip(groups, logs, strict=True)]
        codes = [proc.wait() for proc in procs]
        code, _, _ = timed_child(site.govcat("load", str(folders[-1])), site.env, log)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
        log.write_text("".join(f.read_text(encoding="utf-8", errors="replace") for f in logs)
                       + log.read_text(encoding="utf-8", errors="replace"), encoding="utf-8")
        code = max([code, *codes])
    else:
        say(f"loading {rows:,} rows with `govcat load` …")
        # one command for every part, as an operator would load them
        code, _, peak = timed_child(site.govcat("load", *map(str, folders)), site.env, log)
    took = time.perf_counter() - started
    text = log.read_text(encoding="utf-8", errors="replace")
    if code != 0:
        raise RuntimeError(f"govcat load failed ({code}):\n{text[-3000:]}")
    # the load's own report, per submission: "read 1,901 rows, …", "…: stored 2374 record(s)"
    report.rows_read = sum(int(n.replace(",", "")) for n in re.findall(r"read ([\d,]+) rows",
                                                                         text))
    records = sum(int(n.replace(",", "")) for n in re.findall(r"stored ([\d,]+) record", text))
    report.add("2 load", "rows read / records stored", f"{report.rows_read:,} / {records:,}")
    report.add("2 load", "seconds", f"{took:.2f}")
    report.add("2 load", "rows/s", f"{rows / took:,.0f}")
    report.add("2 load", "peak RSS of `govcat load`", format_bytes(peak))


def step_demo_writes(o: Options, work: Path, stack: ExitStack, report: Report,
                     say: Say) -> float:
    """Writes on the demo catalog (its own data directory, stopped afterwards so its memory
    is not counted as the country's); the p95."""
    say("writes on the demo catalog …")
    demo = site_at(work / "demo")
    stack.callback(demo.close)
    govcat(demo, "store", "start")
    govcat(demo, "demo")
    body, title = first_service(DEMO)
    token = steward_token(demo, body_key(body, "agency_code"))
    with running(demo, stack) as serve:
        times = writes(serve, token, body, title, o.runs, o.budget, report, "demo")
    demo.close()
    med, p95 = median_p95(times)
    report.add("3 write (demo)", "PUT one service, median / p95",
               f"{med:.0f} / {p95:.0f} ms ({len(times)} runs)")
    return p95


def step_writes(o: Options, serve: Serve, token: str, folder: Path, demo_p95: float,
                report: Report, say: Say) -> None:
    say("writes at scale …")
    body, title_key = first_service(folder)
    times = writes(serve, token, body, title_key, o.runs, o.budget, report, "national")
    med, p95 = median_p95(times)
    report.add("3 write (scale)", "PUT one service, median", f"{med:.0f} ms ({len(times)} runs)")
    report.add("3 write (scale)", "PUT one service, p95", f"{p95:.0f} ms",
               f"< {WRITE_P95_MS:.0f} ms", p95 < WRITE_P95_MS)
    report.add("3 write (scale)", "p95 against the demo's", f"{p95 / demo_p95:.2f}x",
               f"≤ {WRITE_VS_DEMO}x", p95 <= WRITE_VS_DEMO * demo_p95)


def step_validation(o: Options, registry: Registry, site: Site, folder: Path, work: Path,
                    report: Report, say: Say) -> None:
    say("validation …")
    cs = edited_changeset(registry, folder, work)
    found: list[Any] = []
    # What a write runs (Registry.check): a title edit no other record's shapes read (ADR 0014)
    times = series(lambda _: found.append(registry.check(cs)), o.runs, o.budget)
    report.incremental_problems = len(found[-1])
    med, p95 = median_p95(times)
    report.add("4 validation", "one edited record against the store, median / p95",
               f"{med:.0f} / {p95:.0f} ms ({len(times)} runs, {len(found[-1])} problems)")
    # The same record when its change is one others read (its agency, say): the stored records
    # around it are judged again (ADR 0013).
    around: list[Any] = []
    times = series(lambda _: around.append(validation.validate(cs, registry.store)),
                   o.runs, o.budget)
    med, p95 = median_p95(times)
    report.add("4 validation", "… with the records around it judged again, median / p95",
               f"{med:.0f} / {p95:.0f} ms ({len(times)} runs, {len(around[-1])} problems)")
    report.add("4 validation", "data graph of one edit (its neighbourhood)",
               neighbourhood_size(cs, registry))
    if not o.whole:
        report.add("4 validation", "whole graph", "not run (--skip-whole)")
        return
    say("validation of the whole graph …")
    t0 = time.perf_counter()
    try:
        method, took, n = whole_graph(registry, site.data_dir)
    except Exception as exc:
        # an audit that breaks is a finding of the run, not a reason to lose the other steps
        report.whole_method = f"failed: {type(exc).__name__}: {exc}"
        report.add("4 validation", "whole graph", f"**failed** after "
                   f"{time.perf_counter() - t0:.0f} s: {type(exc).__name__}: {exc}")
        return
    report.whole_method, report.whole_problems = method, n
    report.add("4 validation", f"whole graph ({method})", f"{took:.1f} s ({n} problems)")


def step_reads(o: Options, registry: Registry, serve: Serve, token: str, work: Path,
               report: Report, say: Say) -> None:
    paths = read_paths(registry, o.seed)
    paths_file = work / "read-paths.tsv"
    paths_file.write_text("".join(f"{a}\t{p}\n" for a, p in paths), encoding="utf-8")
    say(f"each of {len(paths)} read paths once …")
    alone = check_paths(serve, token, paths, report)
    report.add("6 reads (alone)", "one request at a time, median per kind", ", ".join(
        f"{kind} {statistics.median(ms):.0f} ms" for kind, ms in sorted(alone.items())))
    say(f"wrk, {o.connections} connections, {o.wrk_duration} s …")
    w = report.wrk = run_wrk(serve, token, paths_file, o.wrk_duration, o.connections)
    report.add("6 reads (wrk)", "requests/s", f"{w['per_s']:,.0f} ({w['requests']:,} "
               "requests)", f"≥ {READS_PER_S:,.0f}", w["per_s"] >= READS_PER_S)
    # wrk's latencies are of the answered requests only: a request past its timeout is
    # counted as an error and left out, so with timeouts the p99 is "the timeout or more".
    late = f"; {w['timeout']:,} more waited past 10 s" if w["timeout"] else ""
    report.add("6 reads (wrk)", "latency p50 / p90", f"{w['p50_us'] / 1000:.0f} / "
               f"{w['p90_us'] / 1000:.0f} ms{late}")
    p99 = w["p99_us"] / 1000
    report.add("6 reads (wrk)", "latency p99", f"{p99:.0f} ms{late}",
               f"< {READ_P99_MS:.0f} ms", p99 < READ_P99_MS and not w["timeout"])
    broken = w["connect"] + w["read"] + w["write"]
    report.add("6 reads (wrk)", "errors: non-2xx / timeouts / connection",
               f"{w['status']} / {w['timeout']} / {broken}", "0",
               w["status"] + w["socket_errors"] == 0)


def step_memory(site: Site, serve: Serve, report: Report) -> None:
    """Peak memory, read while the processes still run (VmHWM goes with the process)."""
    app = high_water(serve.proc.pid) if serve.proc else None
    report.add("7 memory", "app (`govcat serve`) VmHWM", format_bytes(app) if app else "unknown")
    pid = site.store_pid()
    hwm = high_water(pid) if pid else None
    client = site.server.connect()
    try:
        info = client.connection.info("memory")
    finally:
        client.connection.close()
    used_peak = int(info["used_memory_peak"])
    report.add("7 memory", "store (redis-server) VmHWM / used_memory_peak",
               f"{format_bytes(hwm) if hwm else 'unknown'} / {format_bytes(used_peak)}",
               "< 8 GiB", max(used_peak, hwm or 0) < STORE_BYTES)


def run(o: Options, work: Path, say: Say = print) -> Report:
    """Every step on fresh data directories under `work`; whatever was started is stopped
    when it returns or raises (SIGTERM included: main() turns it into SystemExit)."""
    report = Report()
    with ExitStack() as stack:
        folders = (step_reused(o, work, report) if o.reuse
                   else step_generate(o, work, report, say))
        report.header = (
            f"machine: {machine()}; commit {commit()}; "
            f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; scale {o.scale:g}, seed {o.seed}, "
            f"bench/generate.py; up to {o.runs} runs per write, validation and "
            f"query ({o.budget:g} s budget each); wrk -t2 -c{o.connections} -d{o.wrk_duration}s")
        national = site_at(work / "national")
        stack.callback(national.close)
        # started first, so the load's peak RSS is its own and the store outlives each command
        govcat(national, "store", "start")
        if not o.reuse:
            step_load(national, folders, work, report, say, o.loaders)
        registry = open_registry(national, stack)
        report.stored = registry.counts()

        demo_p95 = step_demo_writes(o, work, stack, report, say)
        token = steward_token(national, body_key(first_service(folders[0])[0], "agency_code"))
        govcat(national, "admin", "account", "bench-reader", "--role", "auditor")
        reader = govcat(national, "admin", "token", "bench-reader", "--days", "1").strip()
        serve = stack.enter_context(running(national, stack))
        step_writes(o, serve, token, folders[0], demo_p95, report, say)
        step_validation(o, registry, national, folders[0], work, report, say)
        say("named queries …")
        run_queries(registry, o.runs, o.budget, report)
        step_reads(o, registry, serve, reader, work, report, say)
        step_memory(national, serve, report)
    return report


# -- RESULTS.md -----------------------------------------------------------------------------------

INTRO = (
    "One synthetic country through the real paths (ADR 0013): generated as CSV, loaded\n"
    "by `govcat load` into a fresh embedded FalkorDB, served by `govcat serve`; single edits by\n"
    "a steward (PUT with If-Match) on the demo catalog and at scale; SHACL of one edited record\n"
    "and of the whole graph; every named query; reads by wrk with 50 connections over records\n"
    "(JSON-LD), searches, named queries and the change feed; peak memory of app and store.\n"
    "`make bench` runs it at scale 1.0 (`make bench SCALE=0.01` for a quick look); the latest\n"
    "run is kept here with the one before it.\n")


def results_block(report: Report) -> str:
    return f"{report.header}\n\n{report.table()}\n"


def update_results(path: Path, block: str) -> None:
    """Keep the section with the new run as "Latest run" and the one it replaces as "Previous
    run"; older runs are dropped. The rest of the file is left as it is."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    lines = text.splitlines(keepends=True)
    start = next((i for i, ln in enumerate(lines) if ln.strip() == SECTION), None)
    previous = ""
    if start is None:
        before, after = text.rstrip("\n") + "\n\n", ""
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")),
                   len(lines))
        body = "".join(lines[start + 1:end])
        found = re.search(r"^### Latest run\n(.*?)(?=^### Previous run\n|\Z)", body,
                          flags=re.S | re.M)
        previous = found.group(1).strip("\n") if found else ""
        before = "".join(lines[:start])
        after = "".join(lines[end:])
    section = f"{SECTION}\n{INTRO}\n### Latest run\n{block}"
    if previous:
        section += f"\n### Previous run\n{previous}\n"
    path.write_text(before + section + ("\n" + after if after else ""), encoding="utf-8")


# -- main -----------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> Report:
    # A benchmark killed with SIGTERM still stops the store and the server it started (the
    # ExitStack's callbacks run as SystemExit unwinds).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workdir", type=Path, help="kept after the run (default: a temporary "
                    "directory, removed)")
    ap.add_argument("--runs", type=int, default=50, help="timed runs per series, at most")
    ap.add_argument("--budget", type=float, default=120.0,
                    help="seconds per series: fewer runs (at least 5) once spent")
    ap.add_argument("--parts", type=int, help="submissions to load the country in "
                    "(default: 1 up to scale 0.1, then one per tenth of the country)")
    ap.add_argument("--wrk-duration", type=int, default=20, help="seconds")
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--no-results", action="store_true", help="do not update bench/RESULTS.md")
    ap.add_argument("--loaders", type=int, default=2,
                    help="`govcat load` commands at once over the parts before the last")
    ap.add_argument("--reuse", action="store_true", help="measure again the country generated "
                    "and loaded in --workdir by an earlier run (its load figures from "
                    "WORKDIR/load-figures.md)")
    ap.add_argument("--skip-whole", action="store_true",
                    help="leave out the validation of the whole graph")
    ns = ap.parse_args(argv)
    if ns.runs < 2:
        ap.error("--runs must be at least 2 (a median and a p95)")

    def say(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    with ExitStack() as stack:
        if ns.workdir is None:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="govcat-nat-")))
        else:
            work = ns.workdir.resolve()
            fresh = ("demo", "one-edit") if ns.reuse else ("country", "national", "demo",
                                                           "one-edit")
            for old in fresh:  # each run starts fresh
                shutil.rmtree(work / old, ignore_errors=True)
            work.mkdir(parents=True, exist_ok=True)
        if ns.reuse and ns.workdir is None:
            ap.error("--reuse needs --workdir")
        options = Options(ns.scale, ns.seed, ns.runs, ns.budget, ns.parts, ns.wrk_duration,
                          ns.connections, ns.loaders, ns.reuse, not ns.skip_whole)
        report = run(options, work, say)
    print(report.header)
    print()
    print(report.table())
    if not ns.no_results:
        update_results(RESULTS, results_block(report))
        print(f"\nupdated {RESULTS.relative_to(ROOT)}", file=sys.stderr)
    return report


if __name__ == "__main__":
    main()
