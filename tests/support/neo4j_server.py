"""A real Neo4j for the test session: the in-process test server (``org.neo4j.test:neo4j-harness``
5.26.30 from Maven Central) wrapped by ``tools/neo4j-harness``, run in its own JVM.

``start_neo4j(workdir)`` builds the launcher when needed (Maven; the first build downloads ~240
jars into ``~/.m2``, later builds need no network), starts it on a free loopback port with
authentication off, waits for it to report Bolt ready, and returns a :class:`Neo4jProcess`.
The JVM also shuts itself down when its stdin closes, so it cannot outlive a crashed test run.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

REPO_ROOT = Path(__file__).resolve().parents[2]
HARNESS_DIR = REPO_ROOT / "tools" / "neo4j-harness"
TARGET_DIR = HARNESS_DIR / "target"
CLASSES_DIR = TARGET_DIR / "classes"
CLASSPATH_FILE = TARGET_DIR / "classpath.txt"
MAIN_CLASS = "govcat.Neo4jHarness"

MAVEN_ARGS = [
    "-q",
    "-B",
    "package",
    "dependency:build-classpath",
    "-Dmdep.outputFile=target/classpath.txt",
]
JVM_HEAP = "1g"
STARTUP_TIMEOUT_S = 120.0
BUILD_TIMEOUT_S = 1800.0
STOP_TIMEOUT_S = 30.0
STDERR_TAIL_CHARS = 4000


class Neo4jStartError(RuntimeError):
    """The harness could not be built or did not report Bolt ready."""


def _sources() -> list[Path]:
    return [HARNESS_DIR / "pom.xml", *sorted((HARNESS_DIR / "src").rglob("*.java"))]


def _classpath_entries() -> list[str]:
    return [p for p in CLASSPATH_FILE.read_text(encoding="utf-8").strip().split(os.pathsep) if p]


def harness_needs_build() -> bool:
    """True when the compiled launcher or its classpath is missing or older than its sources."""
    main_class = CLASSES_DIR / (MAIN_CLASS.replace(".", "/") + ".class")
    if not (main_class.is_file() and CLASSPATH_FILE.is_file()):
        return True
    newest_source = max(p.stat().st_mtime for p in _sources())
    if min(main_class.stat().st_mtime, CLASSPATH_FILE.stat().st_mtime) < newest_source:
        return True
    # ~/.m2 may have been cleaned since the last build.
    return not all(Path(entry).exists() for entry in _classpath_entries())


@contextlib.contextmanager
def _build_lock() -> Iterator[None]:
    TARGET_DIR.mkdir(parents=True, exist_ok=True)
    with (TARGET_DIR / ".build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def build_harness(*, force: bool = False) -> list[str]:
    """Compile the launcher and resolve its classpath (Maven) if needed; return the classpath."""
    with _build_lock():
        if force or harness_needs_build():
            mvn = shutil.which("mvn")
            if mvn is None:
                raise Neo4jStartError("Maven ('mvn') is not on PATH; it builds tools/neo4j-harness")
            result = subprocess.run(
                [mvn, *MAVEN_ARGS],
                cwd=HARNESS_DIR,
                capture_output=True,
                text=True,
                timeout=BUILD_TIMEOUT_S,
                check=False,
            )
            if result.returncode != 0 or not CLASSPATH_FILE.is_file():
                output = (result.stdout + result.stderr)[-STDERR_TAIL_CHARS:]
                raise Neo4jStartError(
                    f"building tools/neo4j-harness failed (mvn exit {result.returncode}):\n{output}"
                )
            # Maven leaves unchanged outputs untouched (same classpath, nothing to recompile):
            # mark them as fresh so the next run does not build again.
            CLASSPATH_FILE.touch()
            for class_file in CLASSES_DIR.rglob("*.class"):
                class_file.touch()
        return [str(CLASSES_DIR), *_classpath_entries()]


def _java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        return str(Path(java_home) / "bin" / "java")
    java = shutil.which("java")
    if java is None:
        raise Neo4jStartError("'java' (17+) is not on PATH; it runs tools/neo4j-harness")
    return java


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _tail(path: Path, chars: int = STDERR_TAIL_CHARS) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return text[-chars:]


class Neo4jProcess:
    """A running harness JVM. ``stop()`` is idempotent; also usable as a context manager."""

    def __init__(
        self,
        process: subprocess.Popen[str],
        bolt_uri: str,
        data_dir: Path,
        stderr_path: Path,
        startup_seconds: float,
    ) -> None:
        self.process = process
        self.bolt_uri = bolt_uri
        self.routing_uri = "neo4j://" + bolt_uri.split("://", 1)[1]
        self.data_dir = data_dir
        self.stderr_path = stderr_path
        self.startup_seconds = startup_seconds

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> int:
        """Close stdin (the JVM then shuts Neo4j down); terminate, then kill, if it hangs."""
        proc = self.process
        if proc.stdin is not None and not proc.stdin.closed:
            with contextlib.suppress(OSError):
                proc.stdin.close()
        try:
            return proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.terminate()
        try:
            return proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            return proc.wait()

    def __enter__(self) -> Neo4jProcess:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"Neo4jProcess(pid={self.process.pid}, bolt_uri={self.bolt_uri!r})"


def _launch(
    classpath: list[str], data_dir: Path, stderr_path: Path, port: int, timeout: float
) -> tuple[subprocess.Popen[str], str | None]:
    """Start the JVM; return it and the Bolt URI, or None for the URI if it did not come up."""
    command = [
        _java(),
        f"-Xmx{JVM_HEAP}",
        "-cp",
        os.pathsep.join(classpath),
        MAIN_CLASS,
        str(data_dir),
        str(port),
    ]
    with stderr_path.open("w", encoding="utf-8") as stderr:
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            encoding="utf-8",
        )
    found: list[str] = []
    ready = threading.Event()

    def read_stdout() -> None:
        assert process.stdout is not None
        for line in process.stdout:  # keeps draining after the BOLT line, until EOF
            if not found and line.startswith("BOLT "):
                found.append(line.split(None, 1)[1].strip().rstrip("/"))
                ready.set()
        ready.set()

    threading.Thread(target=read_stdout, name="neo4j-harness-stdout", daemon=True).start()
    ready.wait(timeout)
    return process, (found[0] if found else None)


def start_neo4j(workdir: Path, *, timeout: float = STARTUP_TIMEOUT_S) -> Neo4jProcess:
    """Build (if needed) and start the harness with its data under ``workdir``; wait for Bolt."""
    classpath = build_harness()
    workdir = Path(workdir).resolve()
    data_dir = workdir / "neo4j-data"
    data_dir.mkdir(parents=True, exist_ok=True)
    stderr_path = workdir / "neo4j-harness.stderr.log"

    attempts = 3
    for attempt in range(1, attempts + 1):
        port = _free_port()
        started = time.monotonic()
        process, bolt_uri = _launch(classpath, data_dir, stderr_path, port, timeout)
        elapsed = time.monotonic() - started
        if bolt_uri is not None:
            return Neo4jProcess(process, bolt_uri, data_dir, stderr_path, elapsed)

        exit_code = process.poll()
        if exit_code is None:  # still starting after the timeout: give up on it
            process.kill()
            process.wait()
            reason = f"no 'BOLT' line within {timeout:.0f} s"
        else:
            reason = f"the JVM exited with code {exit_code} before reporting Bolt ready"
        tail = _tail(stderr_path)
        port_taken = "BindException" in tail or "Address already in use" in tail
        if port_taken and attempt < attempts:
            continue  # another process grabbed the port between probe and bind
        raise Neo4jStartError(
            f"Neo4j harness did not start on 127.0.0.1:{port}: {reason}.\n"
            f"JVM stderr ({stderr_path}), last {STDERR_TAIL_CHARS} characters:\n{tail}"
        )
    raise AssertionError("unreachable")
