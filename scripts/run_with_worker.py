"""`make run`: the development server and one background worker, one Ctrl-C stops both.

Both run as children, each in a process group of its own (their autoreloaders start a
grandchild): SIGINT or SIGTERM to this process becomes SIGTERM to both groups (the worker
finishes the task at hand), a second one kills them; when either ends (a crash, a port in
use) the other is stopped too, so nothing is left behind.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from types import FrameType

PYTHON = sys.executable


def main(argv: list[str]) -> int:
    address = argv[0] if argv else "127.0.0.1:8000"
    children = [
        subprocess.Popen([PYTHON, "manage.py", "runserver", address], process_group=0),
        subprocess.Popen([PYTHON, "manage.py", "db_worker", "--interval", "1"], process_group=0),
    ]
    stopping = False

    def stop(signum: int = signal.SIGTERM, frame: FrameType | None = None) -> None:
        nonlocal stopping
        forward = signal.SIGKILL if stopping else signal.SIGTERM
        stopping = True
        for child in children:
            with contextlib.suppress(ProcessLookupError):  # that group is gone already
                os.killpg(child.pid, forward)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while all(child.poll() is None for child in children):
        time.sleep(0.2)
    if not stopping:
        stop()  # one ended by itself: end the other
    deadline = time.monotonic() + 10
    for child in children:
        try:
            child.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
    return max(abs(child.returncode or 0) for child in children)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
