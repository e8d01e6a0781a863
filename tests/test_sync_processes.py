"""Syncing across real processes (ADR 0009, done-when): a `govcat serve` process on its own
embedded FalkorDB; a writer process importing through the API; a client doing a first sync
and then following the feed over HTTP. The server is killed (SIGKILL) and restarted in
between; the client still ends with exactly the server's catalog."""

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
from rdflib import Graph, URIRef

from tests.workbooks import two_agencies, write_workbook

ROOT = Path(__file__).resolve().parent.parent
GOVCAT = str(Path(sys.executable).parent / "govcat")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

WRITER = """
import sys, httpx
from pathlib import Path
url, token, folder, n = sys.argv[1], sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
headers = {"Authorization": f"Bearer {token}", "content-type": sys.argv[5]}
for i in range(n):
    body = (folder / f"w{i}.xlsx").read_bytes()
    while True:
        try:
            r = httpx.post(url + "/imports", content=body, headers=headers, timeout=60)
        except httpx.TransportError:
            continue  # the server is down for a moment: try again
        if r.status_code in (201, 503):
            if r.status_code == 201:
                break
            continue
        raise SystemExit(f"import {i}: {r.status_code} {r.text}")
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, env: dict[str, str], port: int) -> None:
        self.env, self.port = env, port
        self.url = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen([GOVCAT, "serve", "--port", str(self.port)], env=self.env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/health", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.2)
        raise AssertionError("govcat serve did not come up")

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)


def _cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([GOVCAT, *args], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Server, dict[str, str]]]:
    env = {**os.environ, "GOVCAT_DATA_DIR": str(tmp_path / "data"),
           "GOVCAT_BASE_IRI": "https://govcat.proc/id/", "GOVCAT_RATE_PER_MINUTE": "100000"}
    _cli(env, "store", "start")  # one store for the whole test; the app comes and goes
    _cli(env, "load", str(write_workbook(tmp_path / "two.xlsx", two_agencies())))
    _cli(env, "admin", "account", "window", "--role", "system", "--scope", "read:all")
    _cli(env, "admin", "account", "steward-reg", "--role", "steward", "--agency", "REG")
    tokens = {name: _cli(env, "admin", "token", name).splitlines()[0]
              for name in ("window", "steward-reg")}
    server = Server(env, _free_port())
    server.start()
    yield server, tokens
    if server.proc and server.proc.poll() is None:
        server.kill()
    _cli(env, "store", "stop")


def _mirror_step(url: str, headers: dict[str, str], graph: Graph, cursor: int) -> int:
    while True:
        body = httpx.get(url + "/changes", params={"after": cursor, "limit": 5},
                         headers=headers, timeout=30).json()
        for change in body["changes"]:
            assert change["seq"] > cursor
            for iri in change["records"]:
                graph.remove((URIRef(iri), None, None))
                r = httpx.get(url + "/resource", params={"iri": iri, "format": "nt"},
                              headers=headers, timeout=30)
                if r.status_code == 200:
                    graph += Graph().parse(data=r.text, format="nt")
            cursor = change["seq"]
        if not body["more"]:
            return cursor


def test_a_client_syncs_while_another_process_writes_across_a_server_kill(
        served: tuple[Server, dict[str, str]], tmp_path: Path) -> None:
    server, tokens = served
    header = ["agency_code", "ref", "title_fa", "legal_basis", "status", "changed_on"]
    writes = 6
    for i in range(writes):
        rows = [header] + [["REG", f"D{k}", f"وظیفه {k} نسخه {i}", "قانون ثبت احوال، ماده ۱",
                            "draft", ""] for k in range(1, 3 + i)]
        write_workbook(tmp_path / f"w{i}.xlsx", {"duties": rows})
    writer = subprocess.Popen([sys.executable, "-c", WRITER, server.url, tokens["steward-reg"],
                               str(tmp_path), str(writes), XLSX])
    headers = {"Authorization": f"Bearer {tokens['window']}"}
    snap = httpx.get(server.url + "/snapshot", params={"format": "nt"}, headers=headers,
                     timeout=60)
    graph = Graph().parse(data=snap.text, format="nt")
    cursor = _mirror_step(server.url, headers, graph, int(snap.headers["X-Govcat-Cursor"]))
    server.kill()  # mid-stream: the writer retries, the client waits
    time.sleep(0.5)
    server.start()
    assert writer.wait(120) == 0
    cursor = _mirror_step(server.url, headers, graph, cursor)
    final = httpx.get(server.url + "/snapshot", params={"format": "nt"}, headers=headers,
                      timeout=60)
    assert int(final.headers["X-Govcat-Cursor"]) == cursor  # nothing left behind
    assert graph.isomorphic(Graph().parse(data=final.text, format="nt"))
    titles = {str(o) for o in graph.objects(None, URIRef("http://purl.org/dc/terms/title"))}
    assert f"وظیفه 1 نسخه {writes - 1}" in titles
