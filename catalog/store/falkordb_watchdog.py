"""The keeper of an embedded FalkorDB that a command started (`govcat serve`, `load`, …): it
runs the redis-server as its own child and shuts it down when the command's process is gone,
however it went, SIGKILL included (ADR 0020).

    python -m catalog.store.falkordb_watchdog DATA_DIR OWNER REDIS_SERVER ARGS…

OWNER is the command's process as FalkorServer records it (`<pid> <start time>`).

Its standard input is the read end of a pipe whose write end only the command holds
(catalog.store.falkordb_server.FalkorServer, tied): the kernel closes that end when the
command's process dies, and the read here sees end of file. A pipe rather than
PR_SET_PDEATHSIG: that signal follows the thread that forked, not the process, and is lost
when redis daemonizes. It leaves the terminal's session at once, so a Ctrl-C meant for the
command does not reach it or the server before the command has stopped the server itself.

Only the standard library is imported before the server is started: the command waits for its
pid file. The server is stopped as `FalkorServer.stop` does (SHUTDOWN, which writes the AOF
through), only if it is still this watchdog's own child and still tied to the command (not
kept since by `govcat store start`: FalkorServer.keep).
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
from pathlib import Path

POLL_SECONDS = 0.5


def main(argv: list[str]) -> int:
    data_dir, owner, server_args = Path(argv[0]), argv[1], argv[2:]
    for sig in (signal.SIGINT, signal.SIGHUP, signal.SIGTSTP):
        signal.signal(sig, signal.SIG_IGN)
    if os.fork():  # the command reaps this one at once; the rest is the init process's
        os._exit(0)
    child = subprocess.Popen(server_args, stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             cwd=data_dir, close_fds=True)
    while child.poll() is None:
        ready, _, _ = select.select([0], [], [], POLL_SECONDS)
        if ready and not os.read(0, 4096):  # end of file: the command is gone
            from catalog.store.falkordb_server import FalkorServer

            FalkorServer(data_dir).retire(child.pid, owner)
            child.wait()
            return 0
    return 0  # the server stopped (the command stopped it, or it died): nothing to keep


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
