"""Crash scenarios (ADR 0011): the store (SIGKILL of the embedded FalkorDB server)
or the app (a `govcat load` process, a `govcat serve` process) is killed at random points of a
bulk load and of a stream of API writes; it is restarted the way an operator would (the next
command, or `govcat store start`; `govcat serve` again), and what survived is checked.

Used by tests/test_crash.py (CI size) and bench/crash.py (by hand, large size). Kill points
come from a seeded RNG and are printed, so a failing run can be replayed.

What is checked, after every kill (at a quiet moment: the writer is stopped and the commit
counter does not move while checking) and at the end:
- lost: an acknowledged write (a load that printed "stored", an API write answered 2xx) whose
  records are not at the values it wrote (or a later write's), whose change event is not in the
  feed, or whose issued IDs are not on their records;
- half-applied: a submission some of whose changed records are at their new values and some
  not, compared record by record with the submission's own records as the loader reads them
  (and its change event present if and only if its records are);
- ID faults: an agency's issued IDs not exactly 1..N, one on each of N records, agreeing with
  the events that issued them and with the agency's counter; an approved duty without one;
- feed holes: change numbers not exactly 1..N, the commit counter elsewhere, an import naming
  no record, a change naming a record that is gone.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the writer runs as a script

from bench.synth import generate  # noqa: E402
from catalog.access.accounts import Accounts  # noqa: E402
from catalog.access.credentials import Sealer  # noqa: E402
from catalog.access.principals import Principal, Role  # noqa: E402
from catalog.config import Settings  # noqa: E402
from catalog.feed import changes, last_change  # noqa: E402
from catalog.graphmap import Node, graph_to_nodes  # noqa: E402
from catalog.iris import Iris  # noqa: E402
from catalog.registry import Registry  # noqa: E402
from catalog.store import inspection  # noqa: E402
from catalog.store.falkordb_server import FalkorServer, _pid_alive, torn_tail  # noqa: E402
from catalog.store.falkordb_store import FalkorStore  # noqa: E402
from loaders.spreadsheet import read_csv_folder  # noqa: E402
from loaders.submission import read_submission  # noqa: E402

if TYPE_CHECKING:
    import httpx

GOVCAT = Path(sys.executable).parent / "govcat"
BASE = "https://govcat.crash/id/"
GRAPH = "govcat"  # what govcat commands use (GOVCAT_GRAPH unset)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AGENCY = "REG"
SHARED_UNITS = 3  # units every API import rewrites: all at one import's values, or a half write
FRESH_DUTIES = 3  # duties each API import creates (and step 1's approvals then issue IDs to)
STUCK = 120.0  # seconds a process may take to come back before the run is called failed
Say = Callable[[str], None]


# -- figures ----------------------------------------------------------------------------------

@dataclass
class Tally:
    """One category's figures (ADR 0011). Faults are kept as sets of descriptions, so a
    fault seen by several checks counts once."""

    category: str
    kills: int = 0  # kills that happened (a kill point after the process ended is not one)
    survived: int = 0  # kills after which the restart came back and every check passed
    acknowledged: int = 0
    torn: int = 0  # store kills that left a torn write at the end of the AOF
    ids: int = 0  # IDs issued, as checked at the end
    changes: int = 0  # change events, as checked at the end
    lost: set[str] = field(default_factory=set)
    half: set[str] = field(default_factory=set)
    id_faults: set[str] = field(default_factory=set)
    feed_holes: set[str] = field(default_factory=set)

    def add(self, found: Findings) -> bool:
        self.lost |= found.lost
        self.half |= found.half
        self.id_faults |= found.id_faults
        self.feed_holes |= found.feed_holes
        return found.clean

    @property
    def faults(self) -> list[str]:
        return sorted(self.lost | self.half | self.id_faults | self.feed_holes)

    def merge(self, other: Tally) -> None:
        for name in ("kills", "survived", "acknowledged", "torn", "ids", "changes"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.add(Findings(other.lost, other.half, other.id_faults, other.feed_holes))


@dataclass
class Findings:
    lost: set[str] = field(default_factory=set)
    half: set[str] = field(default_factory=set)
    id_faults: set[str] = field(default_factory=set)
    feed_holes: set[str] = field(default_factory=set)

    @property
    def clean(self) -> bool:
        return not (self.lost or self.half or self.id_faults or self.feed_holes)

    def __str__(self) -> str:
        return "" if self.clean else " FAULTS: " + "; ".join(
            sorted(self.lost | self.half | self.id_faults | self.feed_holes))


TABLE_HEADER = ("| category | kills survived | writes acknowledged | writes lost | "
                "imports half-applied | ID gaps/repeats | feed holes | torn AOF tails cut | "
                "IDs issued | changes |\n|---|---|---|---|---|---|---|---|---|---|")


def table(tallies: Iterable[Tally]) -> str:
    rows = [TABLE_HEADER]
    for t in tallies:
        rows.append(f"| {t.category} | {t.survived}/{t.kills} | {t.acknowledged:,} | "
                    f"{len(t.lost)} | {len(t.half)} | {len(t.id_faults)} | "
                    f"{len(t.feed_holes)} | {t.torn} | {t.ids:,} | {t.changes:,} |")
    return "\n".join(rows)


# -- one data directory -----------------------------------------------------------------------

class Site:
    """A data directory with its embedded store, and the environment of govcat processes on
    it. `statement_nodes` makes the loads of small CI catalogs span several statements of one
    MULTI/EXEC block, as large catalogs do (the CLI runs with that one constant changed)."""

    def __init__(self, root: Path, statement_nodes: int | None = None) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.data_dir = root / "data"
        self.server = FalkorServer(self.data_dir)
        self.statement_nodes = statement_nodes
        self.env = {**os.environ, "GOVCAT_DATA_DIR": str(self.data_dir),
                    "GOVCAT_BASE_IRI": BASE, "GOVCAT_RATE_PER_MINUTE": "1000000"}
        self.env.pop("GOVCAT_FALKORDB_URL", None)
        self.env.pop("GOVCAT_STORE", None)
        self.env.pop("GOVCAT_GRAPH", None)
        self._store: FalkorStore | None = None

    def govcat(self, *args: str) -> list[str]:
        if self.statement_nodes is None:
            return [str(GOVCAT), *args]
        code = ("import sys; import catalog.store.falkordb_store as f; "
                f"f.STATEMENT_NODES = {int(self.statement_nodes)}; "
                "from cli.main import app; app(sys.argv[1:], prog_name='govcat')")
        return [sys.executable, "-c", code, *args]

    def registry(self) -> Registry:
        """A fresh in-process connection (the store restarted if it is down, as any govcat
        command does); the previous one is closed."""
        if self._store is not None:
            with suppress(Exception):
                self._store.close()
        self._store = FalkorStore(self.server.connect(), GRAPH,
                                  rewrite_aof=self.server.rewrite_aof)
        return Registry(self._store, Iris(BASE))

    def store_pid(self) -> int | None:
        """The pid of this data dir's redis-server, if one runs (checked by its cwd, so no
        other process is ever signalled)."""
        try:
            pid = int((self.data_dir / "falkordb.pid").read_text().strip())
            same = Path(os.readlink(f"/proc/{pid}/cwd")) == self.data_dir.resolve()
        except (OSError, ValueError):
            return None
        return pid if same and _pid_alive(pid) else None

    def kill_store(self) -> bool:
        pid = self.store_pid()
        if pid is None:
            return False
        os.kill(pid, signal.SIGKILL)
        _wait(lambda: not _pid_alive(pid), 10, f"redis-server {pid} did not die")
        return True

    def torn(self) -> bool:
        """Whether the AOF ends with a torn write now (checked between a kill and a start)."""
        path = self.server.appending_file()
        return path is not None and path.is_file() and torn_tail(path) is not None

    def close(self) -> None:
        if self._store is not None:
            with suppress(Exception):
                self._store.close()
            self._store = None
        with suppress(Exception):
            self.server.stop()
        pid = self.store_pid()  # a server that would not stop
        if pid is not None:
            os.kill(pid, signal.SIGKILL)


def _wait(done: Callable[[], bool], timeout: float, message: str) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise RuntimeError(message)
        time.sleep(0.01)


def _kill(proc: subprocess.Popen[Any] | None) -> None:
    if proc is not None and proc.poll() is None:
        with suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGCONT)
            proc.kill()
        proc.wait(10)


# -- checks shared by the scenarios -------------------------------------------------------------

def describe(reg: Registry, iris: Iterable[str], page: int = 5000) -> dict[str, Node]:
    wanted = sorted(set(iris))
    found: dict[str, Node] = {}
    for start in range(0, len(wanted), page):
        found.update((n.iri, n) for n in reg.store.describe(wanted[start:start + page]))
    return found


def all_changes(reg: Registry) -> list[Any]:
    found: list[Any] = []
    while True:
        page = changes(reg, found[-1].seq if found else 0, limit=5000)
        found += page
        if len(page) < 5000:
            return found


def feed_faults(reg: Registry, feed: list[Any]) -> set[str]:
    """The change feed has no hole: numbers 1..N, the counter at N, every change naming records
    that exist (or that it deleted), every import naming at least one."""
    faults: set[str] = set()
    seqs = [c.seq for c in feed]
    if seqs != list(range(1, len(seqs) + 1)):
        missing = sorted(set(range(1, max(seqs, default=0) + 1)) - set(seqs))[:5]
        repeated = sorted(s for s, n in Counter(seqs).items() if n > 1)[:5]
        faults.add(f"change numbers not 1..N: missing {missing}, repeated {repeated}")
    if last_change(reg) != len(seqs):
        faults.add(f"commit counter at {last_change(reg)}, {len(seqs)} changes stored")
    events = Counter(c.event for c in feed)
    faults |= {f"event {e} stored {n} times" for e, n in events.items() if n > 1}
    named: set[str] = set()
    for c in feed:
        if c.action == "import" and not c.records:
            faults.add(f"change {c.seq} ({c.event}): an import naming no record")
        named |= set(c.records) - set(c.deleted)
    gone = named - set(describe(reg, named))
    faults |= {f"a change names {iri}, which does not exist" for iri in sorted(gone)[:20]}
    return faults


def id_faults(reg: Registry, agency: str) -> tuple[set[str], dict[str, str]]:
    """Duty IDs of an agency: exactly D-<agency>-0001 … N, one per record, each issued by one
    event, the counter next at N + 1, every approved duty holding one. Also returns record →
    ID."""
    prefix = f"D-{agency}-"
    rows = inspection.agency_duties(reg.store, str(reg.iris.agency(agency)))
    held = {r["iri"]: r["duty_id"] for r in rows if r["duty_id"]}
    faults: set[str] = set()
    numbers = sorted(int(i[len(prefix):]) for i in held.values())
    if numbers != list(range(1, len(numbers) + 1)):
        repeated = sorted(n for n, k in Counter(numbers).items() if k > 1)[:5]
        missing = sorted(set(range(1, max(numbers, default=0) + 1)) - set(numbers))[:5]
        faults.add(f"{prefix}: IDs not 1..N: missing {missing}, on several records {repeated}")
    faults |= {f"{r['iri']} approved without an ID" for r in rows
               if r["status"] == "approved" and not r["duty_id"]}
    issued = Counter(inspection.issued_by_events(reg.store, prefix))
    faults |= {f"{i} issued by {n} events" for i, n in issued.items() if n != 1}
    if set(issued) != set(held.values()):
        faults.add(f"{prefix}: IDs on records and IDs issued by events differ: "
                   f"{sorted(set(issued) ^ set(held.values()))[:5]}")
    counter = inspection.counter_next(reg.store, prefix)
    if numbers and counter != numbers[-1] + 1:
        faults.add(f"{prefix}: counter at {counter}, highest ID {numbers[-1]}")
    return faults, held


# -- bulk loads ---------------------------------------------------------------------------------

@dataclass
class KillPoint:
    """Where a bulk load is killed: `anywhere` `delay` s after it starts; `write` `delay` s
    after it has checked the submission (the store write, the AOF rewrite and the stop follow);
    `aof` as soon as the store's AOF grows after the check (its write of the load's block)."""

    kind: str
    delay: float

    def __str__(self) -> str:
        return f"{self.kind} +{self.delay:.3f}s"


class LoadRun:
    """A `govcat load` process; its progress lines are watched to aim kill points."""

    def __init__(self, site: Site, folder: Path) -> None:
        self.started = time.monotonic()
        self.proc = subprocess.Popen(site.govcat("load", str(folder)), env=site.env, cwd=ROOT,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.checked = threading.Event()
        self.checked_at = 0.0
        self.out: list[str] = []
        self.err: list[str] = []
        self._threads = [threading.Thread(target=self._read, args=(self.proc.stdout, self.out)),
                         threading.Thread(target=self._read, args=(self.proc.stderr, self.err))]
        for t in self._threads:
            t.start()

    def _read(self, stream: Any, lines: list[str]) -> None:
        for raw in stream:
            line = raw.decode("utf-8", "replace").rstrip()
            lines.append(line)
            if line.lstrip().startswith("checked ") and not self.checked.is_set():
                self.checked_at = time.monotonic()
                self.checked.set()

    def running(self) -> bool:
        return self.proc.poll() is None

    def wait(self) -> int:
        code = self.proc.wait(STUCK)
        for t in self._threads:
            t.join(10)
        return code

    @property
    def acknowledged(self) -> bool:
        return any(": stored " in line for line in self.out)


def _expected(reg: Registry, folder: Path) -> dict[str, Node]:
    """The records a submission writes, as the loader and the registry make them."""
    parsed = read_csv_folder(folder)
    cs = reg.changeset(parsed.records)
    return {n.iri: n for n in graph_to_nodes(cs.graph, cs.subjects)}


def _sleep_while(run: LoadRun, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while run.running() and time.monotonic() < deadline:
        time.sleep(min(0.005, max(0.0, deadline - time.monotonic())))


def _aim(run: LoadRun, site: Site, point: KillPoint) -> None:
    """Wait for the kill point (or the end of the load)."""
    if point.kind == "anywhere":
        _sleep_while(run, point.delay)
        return
    while run.running() and not run.checked.wait(0.01):
        pass
    if point.kind == "write":
        _sleep_while(run, point.delay)
        return
    aof = site.server.appending_file()
    if aof is None:
        return
    size = aof.stat().st_size
    while run.running() and aof.stat().st_size == size:
        time.sleep(0.0001)
    _sleep_while(run, point.delay)


def bulk_scenario(root: Path, target: str, seed: int, kills: int, services: int,
                  statement_nodes: int | None = None, final_load: bool = True,
                  say: Say = print) -> Tally:
    """Loads of a synthetic CSV catalog (bench/synth.py) by `govcat load`, `kills` of them cut
    by killing `target` ("store": the FalkorDB server, started beforehand as by `govcat store
    start`, restarted by `govcat store start`; "app": the load itself, which starts and stops
    the store as a plain command does). Two versions of the catalog alternate, so every load
    changes every record. `final_load`: one more load to the end after the kills."""
    what = "store (redis-server)" if target == "store" else "app (govcat load)"
    tally = Tally(f"bulk load of {services:,} services, {what} killed")
    rng = random.Random(f"{target}:{seed}")  # each scenario its own kill points
    say(f"[{tally.category}] seed {seed}")
    site = Site(root, statement_nodes)
    versions = [root / "catalog-a", root / "catalog-b"]
    for n, folder in enumerate(versions):
        generate(folder, services, seed=seed * 2 + n)
    try:
        reg = site.registry()  # set up as any govcat command does first
        reg.store.setup()
        reg.ensure_code_lists()
        state = _BulkState(site, tally, target)
        state.attempt(versions[0], None, say)
        total, write = state.last_total, max(0.05, state.last_write)
        say(f"  calibration: a whole load takes {total:.2f} s, {write:.2f} s after its check")
        tries = 0
        while tally.kills < kills and tries < kills * 4:
            tries += 1
            kinds = ["anywhere", "write", "aof"]
            kind = rng.choice(kinds)
            delay = {"anywhere": rng.uniform(0.0, total * 1.05),
                     "write": rng.uniform(0.0, write * 1.05),
                     "aof": rng.uniform(0.0, 0.002)}[kind]
            state.attempt(versions[1 - state.holding], KillPoint(kind, delay), say)
        if final_load:  # and loads still work after it all
            state.attempt(versions[1 - state.holding], None, say)
        found = Findings()
        reg = site.registry()
        feed = all_changes(reg)
        found.feed_holes = feed_faults(reg, feed)
        tally.add(found)
        tally.changes = len(feed)
    finally:
        site.close()
    return tally


class _BulkState:
    def __init__(self, site: Site, tally: Tally, target: str) -> None:
        self.site, self.tally, self.target = site, tally, target
        self.holding = -1  # which version the store holds (-1: none)
        self.last_total = self.last_write = 0.0  # of the last load: all of it, after its check

    def attempt(self, folder: Path, point: KillPoint | None, say: Say) -> None:
        site = self.site
        reg = site.registry()
        expected = _expected(reg, folder)
        before = describe(reg, expected)
        changed = {i for i, n in expected.items() if before.get(i) != n}
        seq = last_change(reg)
        if self.target == "app":
            site.server.stop()  # each load starts the store, rewrites its AOF and stops it
        run = LoadRun(site, folder)
        killed, torn = self._kill(run, point)
        code = run.wait()
        self.last_total = time.monotonic() - run.started
        if run.checked.is_set():
            self.last_write = time.monotonic() - run.checked_at
        if point is None and code != 0:
            raise RuntimeError(f"govcat load {folder} failed ({code}):\n" + "\n".join(run.err))
        if self.target == "store" and killed:
            site.server.start()  # as `govcat store start` does
        reg = site.registry()
        after = describe(reg, expected)
        applied = all(after.get(i) == expected[i] for i in changed)
        untouched = all(after.get(i) == before.get(i) for i in changed)
        label = f"{folder.name} #{seq}"
        found = _half_applied(label, expected, changed, before, after, applied or untouched)
        if run.acknowledged:
            self.tally.acknowledged += 1
            if not applied:
                found.lost.add(f"{label}: acknowledged, but not at its values")
        found.feed_holes |= _feed_after_load(reg, label, seq, changed, applied)
        if applied:
            self.holding = int(folder.name.endswith("-b"))
        outcome = "applied" if applied else "not applied" if untouched else "HALF APPLIED"
        self._tell(folder, point, found, (killed, torn, code, run.acknowledged), outcome, say)

    def _kill(self, run: LoadRun, point: KillPoint | None) -> tuple[bool, bool]:
        """Kill the store or the load at `point` (if the load still runs then): whether it
        was killed, and whether the store's AOF was left with a torn tail."""
        if point is None:
            return False, False
        _aim(run, self.site, point)
        if not run.running():
            return False, False
        if self.target == "store":
            killed = self.site.kill_store()
            return killed, killed and self.site.torn()
        os.kill(run.proc.pid, signal.SIGKILL)
        return True, False

    def _tell(self, folder: Path, point: KillPoint | None, found: Findings,
              how: tuple[bool, bool, int, bool], outcome: str, say: Say) -> None:
        """Count the attempt's findings and say how it went."""
        tally = self.tally
        killed, torn, code, acknowledged = how
        if point is None:
            tally.add(found)
            say(f"  load {folder.name} to the end: {outcome}")
            return
        tally.kills += killed
        tally.torn += torn
        ok = tally.add(found)
        tally.survived += killed and ok
        say(f"  kill {tally.kills if killed else '-'} at {point}: "
            f"{'killed' if killed else 'ended first'} (exit {code}), {outcome}"
            f"{', acknowledged' if acknowledged else ''}"
            f"{', torn AOF tail' if torn else ''}{found}")


def _half_applied(label: str, expected: dict[str, Node], changed: set[str],
                  before: dict[str, Node], after: dict[str, Node], whole: bool) -> Findings:
    """A load's changed records some at their new values and some not (unless `whole`: all
    or none are), or its unchanged records rewritten."""
    found = Findings()
    if not whole:
        at_new = sum(after.get(i) == expected[i] for i in changed)
        found.half.add(f"{label}: {at_new} of {len(changed)} changed records at their new "
                       "values")
    stray = sorted(i for i in expected if i not in changed and after.get(i) != before.get(i))
    if stray:
        found.half.add(f"{label}: unchanged records rewritten: {stray[:3]}")
    return found


def _feed_after_load(reg: Registry, label: str, seq: int, changed: set[str],
                     applied: bool) -> set[str]:
    """Holes in the change feed after a load: an applied load is one new change naming its
    changed records, one not applied none."""
    feed = all_changes(reg)
    new = [c for c in feed if c.seq > seq]
    holes: set[str] = set()
    if applied and changed:
        if len(new) != 1 or set(new[0].records) != changed:
            holes.add(f"{label}: applied, but {len(new)} new change(s) naming "
                      f"{[len(c.records) for c in new]} of {len(changed)} records")
    elif new:
        holes.add(f"{label}: not applied, but {len(new)} new change(s)")
    return holes | feed_faults(reg, feed)


# -- a stream of API writes ---------------------------------------------------------------------

def _workbook(sheets: dict[str, list[list[Any]]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def fresh_title(i: int, k: int) -> str:
    return f"وظیفه {i}-{k}"


def unit_name(j: int, i: int) -> str:
    return f"اداره مشترک {j} نسخه {i}"


def import_workbook(i: int) -> bytes:
    """Import number i: FRESH_DUTIES new duties, and every shared unit renamed to version i."""
    return _workbook({
        "units": [["id", "agency_code", "name_fa"]]
        + [[f"U-{AGENCY}-S{j}", AGENCY, unit_name(j, i)] for j in range(SHARED_UNITS)],
        "duties": [["agency_code", "ref", "title_fa", "legal_basis"]]
        + [[AGENCY, f"F{i}-{k}", fresh_title(i, k), "قانون ثبت احوال، ماده ۱"]
           for k in range(FRESH_DUTIES)],
    })


# The next action on step 1 from each state, and who takes it: the cycle goes round, and each
# approval issues duty IDs to the duties imported since the last one.
NEXT_ACTION = {"not_started": "start", "in_progress": "submit", "reopened": "submit",
               "rejected": "submit", "submitted": "approve", "approved": "reopen"}


def writer(url: str, steward: str, reviewer: str, log_path: Path, stop_path: Path) -> int:
    """The writing client (a process of its own): imports and cycle actions, each retried
    until the server answers; every write answered 2xx is logged with what it wrote."""
    client = _Client(url)
    out = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def note(**entry: Any) -> None:  # one write(2) per line: a reader never sees half a line
        os.write(out, (json.dumps(entry, ensure_ascii=False) + "\n").encode())

    i = 0
    while not stop_path.exists():
        note(op="try", kind="import", i=i)
        r = client.answered("POST", "/imports", steward, content=import_workbook(i),
                            headers={"content-type": XLSX})
        if r.status_code != 201:
            raise SystemExit(f"import {i}: {r.status_code} {r.text[:2000]}")
        body = r.json()
        note(op="ack", kind="import", i=i, event=body["event"], stored=body["stored"])
        i += 1
        if i % 2 == 0:
            _cycle_step(client, note, steward, reviewer)
    note(op="done")
    return 0


class _Client:
    """The writer's HTTP client: a write is sent again until the server answers."""

    def __init__(self, url: str) -> None:
        import httpx

        self.client = httpx.Client(base_url=url, timeout=STUCK)

    def call(self, method: str, path: str, token: str, **kw: Any) -> httpx.Response | None:
        """None: no answer (the app is down) or 503 (the store is): try again."""
        import httpx

        headers = {"Authorization": f"Bearer {token}", **kw.pop("headers", {})}
        try:
            r = self.client.request(method, path, headers=headers, **kw)
        except httpx.TransportError:
            return None
        return None if r.status_code == 503 else r

    def answered(self, method: str, path: str, token: str, **kw: Any) -> httpx.Response:
        deadline = time.monotonic() + STUCK
        while (r := self.call(method, path, token, **kw)) is None:
            if time.monotonic() > deadline:
                raise SystemExit(f"{method} {path}: no answer for {STUCK:.0f} s")
            time.sleep(0.05)
        return r


def _cycle_step(client: _Client, note: Callable[..., None], steward: str,
                reviewer: str) -> None:
    """The next action on step 1, by whoever takes it; logged when the server accepts it."""
    r = client.answered("GET", f"/agencies/{AGENCY}/steps", steward)
    state = next(s["state"] for s in r.json() if s["step"] == 1)
    action = NEXT_ACTION[state]
    token = reviewer if action == "approve" else steward
    body = {"reason": "بازبینی دوباره"} if action == "reopen" else None
    note(op="try", kind="cycle", action=action, state=state)
    r = client.answered("POST", f"/agencies/{AGENCY}/steps/1/{action}", token, json=body)
    if r.status_code == 200:
        note(op="ack", kind="cycle", action=action, issued=r.json().get("issued", []))
    elif r.status_code != 409:  # 409: the step moved (an earlier try did it): read again
        raise SystemExit(f"{action}: {r.status_code} {r.text[:2000]}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Serve:
    """A `govcat serve` process."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        import httpx

        with (self.site.root / "serve.log").open("ab") as log:
            self.proc = subprocess.Popen(self.site.govcat("serve", "--port", str(self.port)),
                                         env=self.site.env, cwd=ROOT, stdout=log, stderr=log)
        deadline = time.monotonic() + STUCK
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"govcat serve exited with {self.proc.returncode}")
            with suppress(httpx.TransportError):
                if httpx.get(self.url + "/health", timeout=2).status_code == 200:
                    return
            time.sleep(0.1)
        raise RuntimeError("govcat serve did not come up")

    def kill(self) -> None:
        _kill(self.proc)


@dataclass
class _Log:
    tried: list[int] = field(default_factory=list)  # imports sent
    imports: dict[int, dict[str, Any]] = field(default_factory=dict)  # acknowledged imports
    cycle: Counter[str] = field(default_factory=Counter)  # acknowledged actions on step 1
    issued: dict[str, str] = field(default_factory=dict)  # acknowledged IDs: record → ID
    acks: int = 0
    done: bool = False

    @classmethod
    def read(cls, path: Path) -> _Log:
        log = cls()
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        for line in text.splitlines(keepends=True):
            if not line.endswith("\n"):
                break
            e = json.loads(line)
            if e["op"] == "done":
                log.done = True
            elif e["op"] == "try" and e["kind"] == "import":
                log.tried.append(e["i"])
            elif e["op"] == "ack":
                log.acks += 1
                if e["kind"] == "import":
                    log.imports[e["i"]] = e
                else:
                    log.cycle[e["action"]] += 1
                    log.issued.update((x["record"], x["id"]) for x in e["issued"])
        return log


def stream_findings(reg: Registry, log: _Log, final: bool) -> tuple[Findings, int, int]:
    """Everything checked of the API stream; also returns (IDs issued, changes)."""
    found = Findings()
    iris = reg.iris
    fresh = {i: {str(iris.owned("duty", AGENCY, f"F{i}-{k}")): fresh_title(i, k)
                 for k in range(FRESH_DUTIES)} for i in log.tried}
    units = [str(iris.unit(f"U-{AGENCY}-S{j}")) for j in range(SHARED_UNITS)]
    nodes = describe(reg, [*units, *(x for f in fresh.values() for x in f)])
    _imports_stored(found, log, fresh, nodes, final)
    _units_stored(found, log, units, nodes)
    feed = all_changes(reg)
    events = {c.event for c in feed}
    for i, ack in log.imports.items():
        if ack["event"] and ack["event"] not in events:
            found.lost.add(f"import {i}: acknowledged, its change event {ack['event']} missing")
    step = str(iris.owned("cycle", AGENCY, "1"))
    stored = inspection.step_actions(reg.store, step)
    found.lost |= {f"step 1 {action}: {n} acknowledged, {stored.get(action, 0)} stored"
                   for action, n in log.cycle.items() if stored.get(action, 0) < n}
    faults, ids = id_faults(reg, AGENCY)
    found.id_faults = faults
    for record, identifier in log.issued.items():
        if ids.get(record) != identifier:
            found.lost.add(f"{identifier} acknowledged for {record}, which holds "
                           f"{ids.get(record)}")
    found.feed_holes = feed_faults(reg, feed)
    return found, len(ids), len(feed)


def _imports_stored(found: Findings, log: _Log, fresh: dict[int, dict[str, str]],
                    nodes: dict[str, Node], final: bool) -> None:
    """Each import's new duties: all stored or none, all when acknowledged; every import
    sent acknowledged in the end."""
    for i, titles in fresh.items():
        at = [x for x, t in titles.items() if x in nodes and nodes[x].props.get("title@fa") == t]
        if 0 < len(at) < len(titles):
            found.half.add(f"import {i}: {len(at)} of {len(titles)} new duties stored")
        if i in log.imports and len(at) < len(titles):
            found.lost.add(f"import {i}: acknowledged, {len(titles) - len(at)} duties missing")
        if final and i not in log.imports:
            found.lost.add(f"import {i}: sent, never acknowledged (the writer gave up)")


def _units_stored(found: Findings, log: _Log, units: list[str],
                  nodes: dict[str, Node]) -> None:
    """The shared units: all at one import's values, the newest acknowledged one's or later."""
    names = [str(nodes[u].props.get("prefLabel@fa", "")) if u in nodes else "" for u in units]
    held = {int(m.group(1)) if (m := re.search(r"نسخه (-?\d+)$", n)) else -1 for n in names}
    if len(held) != 1:
        found.half.add(f"shared units at different imports' values: {sorted(held)}")
    elif log.imports and max(held) < max(log.imports):
        found.lost.add(f"shared units at import {max(held)}, import {max(log.imports)} "
                       "acknowledged since")


def _quiet_findings(site: Site, log_path: Path, final: bool) -> tuple[Findings, int, int]:
    """Check at a moment when nothing is written: the commit counter is the same before and
    after (a request already inside the app may still land after a kill of the store)."""
    for _ in range(100):
        reg = site.registry()
        seq = last_change(reg)
        result = stream_findings(reg, _Log.read(log_path), final)
        if last_change(reg) == seq:
            return result
        time.sleep(0.2)
    raise RuntimeError("the store kept changing while the writer was stopped")


def _acked_since(proc: subprocess.Popen[bytes], log_path: Path, acks: int,
                 approvals: int = 0) -> None:
    """Wait until the writer has more than `acks` writes acknowledged, at least `approvals`
    of them approvals of step 1 (which issue IDs)."""
    def enough() -> bool:
        log = _Log.read(log_path)
        return log.acks > acks and log.cycle["approve"] >= approvals

    _wait(lambda: proc.poll() is not None or enough(), STUCK, "the writer wrote nothing")
    if proc.poll() is not None:
        raise RuntimeError(f"the writer stopped ({proc.returncode})")


def _seed_stream(site: Site, root: Path) -> tuple[str, str]:
    """The agency with its shared units, a steward and a reviewer of step 1; their tokens."""
    reg = site.registry()
    reg.store.setup()
    reg.ensure_code_lists()
    book = root / "base.xlsx"
    book.write_bytes(_workbook({
        "agencies": [["code", "name_fa", "kind"], [AGENCY, "سازمان ثبت نمونه", "organization"]],
        "units": [["id", "agency_code", "name_fa"]]
        + [[f"U-{AGENCY}-S{j}", AGENCY, unit_name(j, -1)] for j in range(SHARED_UNITS)],
    }))
    sub = read_submission(book, reg)
    if sub.problems:
        raise RuntimeError(f"base catalog: {sub.problems[0]}")
    reg.apply_checked(sub.changeset)
    # the site's server key (its data directory's, or $GOVCAT_SECRET_KEY), as `govcat serve`
    # there reads it (ADR 0016)
    sealer = Sealer.from_settings(Settings(data_dir=site.data_dir))
    accounts = Accounts(reg.store, sealer=sealer)
    accounts.save(Principal("steward-reg", Role.STEWARD, AGENCY))
    accounts.save(Principal("reviewer-1", Role.REVIEWER, bodies=frozenset({"macro-structures"})))
    return accounts.issue("steward-reg").token, accounts.issue("reviewer-1").token


def stream_scenario(root: Path, target: str, seed: int, kills: int,
                    gap: tuple[float, float] = (0.3, 2.5), say: Say = print) -> Tally:
    """A writer process imports small workbooks and walks step 1 of the cycle round (issuing
    duty IDs) through `govcat serve`; `kills` times, after a random gap, `target` is killed
    ("store": the FalkorDB server, restarted as `govcat store start` does; "app": `govcat
    serve`, started again), checked while the writer is stopped, and the writer goes on."""
    what = "store (redis-server)" if target == "store" else "app (govcat serve)"
    tally = Tally(f"API writes, {what} killed")
    rng = random.Random(f"{target}:{seed}")  # each scenario its own kill points
    say(f"[{tally.category}] seed {seed}")
    site = Site(root)
    log_path, stop_path = root / "writes.jsonl", root / "stop"
    serve = Serve(site)
    proc: subprocess.Popen[bytes] | None = None
    try:
        steward, reviewer = _seed_stream(site, root)
        serve.start()
        proc = subprocess.Popen([sys.executable, __file__, "writer", serve.url, steward,
                                 reviewer, str(log_path), str(stop_path)], cwd=ROOT)
        _acked_since(proc, log_path, 0)
        for _ in range(kills):
            delay = rng.uniform(*gap)
            time.sleep(delay)
            if proc.poll() is not None:
                raise RuntimeError(f"the writer stopped ({proc.returncode})")
            os.kill(proc.pid, signal.SIGSTOP)  # no new request while the kill is checked
            try:
                torn = False
                if target == "store":
                    killed = site.kill_store()
                    torn = killed and site.torn()
                    site.server.start()
                else:
                    assert serve.proc is not None
                    killed = serve.proc.poll() is None
                    serve.kill()
                found, _, _ = _quiet_findings(site, log_path, final=False)
                if target == "app":
                    serve.start()
            finally:
                os.kill(proc.pid, signal.SIGCONT)
            tally.kills += killed
            tally.torn += torn
            ok = tally.add(found)
            tally.survived += killed and ok
            log = _Log.read(log_path)
            say(f"  kill {tally.kills} after {delay:.3f}s: {len(log.imports)} imports and "
                f"{sum(log.cycle.values())} cycle actions acknowledged so far"
                f"{', torn AOF tail' if torn else ''}{found}")
        # Writes go on after the last restart (and IDs are issued) before the writer stops.
        _acked_since(proc, log_path, _Log.read(log_path).acks, approvals=1)
        stop_path.touch()
        if proc.wait(STUCK) != 0:
            raise RuntimeError(f"the writer failed ({proc.returncode})")
        found, ids, n = _quiet_findings(site, log_path, final=True)
        tally.add(found)
        log = _Log.read(log_path)
        tally.acknowledged = log.acks
        tally.ids, tally.changes = ids, n
        say(f"  end: {log.acks} writes acknowledged ({len(log.imports)} imports, "
            f"{dict(log.cycle)}), {ids} IDs issued, {n} changes{found}")
    finally:
        _kill(proc)
        serve.kill()
        site.close()
    return tally


@contextmanager
def quiet_sigterm() -> Iterator[None]:
    """A run killed with SIGTERM still stops what it started (the finally clauses run)."""
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    if len(sys.argv) == 7 and sys.argv[1] == "writer":
        sys.exit(writer(sys.argv[2], sys.argv[3], sys.argv[4], Path(sys.argv[5]),
                        Path(sys.argv[6])))
    raise SystemExit("usage: crashkit.py writer URL STEWARD_TOKEN REVIEWER_TOKEN LOG STOP")
