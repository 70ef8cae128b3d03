"""A throwaway PostgreSQL cluster of the benchmark's own (scripts/bench_load.py `--own-cluster`).

The PostgreSQL on 127.0.0.1:5432 is shared with other work, so the load benchmark never restarts
it; to measure issue 16's "a PostgreSQL restart during the run", it runs a cluster of its own:
`initdb` in a temporary directory (trust authentication, listening on 127.0.0.1 only, on a free
port), the README's production settings (`shared_buffers`, `work_mem` …), started with
`pg_ctl`, restarted with `pg_ctl restart -m fast` (what `systemctl restart postgresql` does:
running transactions are rolled back, every connection is closed), removed afterwards.

PostgreSQL refuses to run as root: when this script is root, the cluster runs as the
`postgres` system user (its directory is handed over to it).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

# The README's production section ("Deployment" → PostgreSQL), scaled to a benchmark that
# shares a 2-core machine: what matters for the app's queries, not a tuning exercise.
SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "max_connections": "100",
    "shared_buffers": "'1GB'",
    "work_mem": "'16MB'",
    "maintenance_work_mem": "'256MB'",
    "effective_cache_size": "'2GB'",
    "random_page_cost": "1.1",
    # A benchmark's data is generated again on demand: no need to survive a power cut.
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_wal_size": "'4GB'",
    "logging_collector": "off",
}


def binaries() -> Path:
    """The newest installed PostgreSQL's bin directory (Debian: /usr/lib/postgresql/<v>/bin)."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parent.parent.name),
    )
    if not found:
        raise SystemExit("--own-cluster needs PostgreSQL's binaries under /usr/lib/postgresql")
    return Path(found[-1]).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self) -> None:
        self.bin = binaries()
        self.dir = Path(tempfile.mkdtemp(prefix="liaison-load-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}"
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.dir, owner.pw_uid, owner.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]

    def _run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*self.as_user, *command],
            check=check,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=self.dir,
        )

    def pg_ctl(self, action: str, *extra: str) -> None:
        self._run(
            str(self.bin / "pg_ctl"), action, "-D", str(self.data), "-l", str(self.log),
            "-w", "-t", "120", *extra,
        )  # fmt: skip

    def start(self) -> Cluster:
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres",
            "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8",
        )  # fmt: skip
        settings = dict(SETTINGS, port=str(self.port), unix_socket_directories=f"'{self.dir}'")
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("\n# scripts/own_cluster.py\n")
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())
        self.pg_ctl("start")
        return self

    def restart(self) -> float:
        """`pg_ctl restart -m fast`; returns the seconds until the server accepts connections."""
        started = time.monotonic()
        self.pg_ctl("restart", "-m", "fast")
        return time.monotonic() - started

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run(
                str(self.bin / "pg_ctl"), "stop", "-D", str(self.data), "-m", "immediate",
                "-w", check=False,
            )  # fmt: skip
        shutil.rmtree(self.dir, ignore_errors=True)

    def setting(self, name: str) -> str:
        return SETTINGS[name].strip("'")


class ServerCluster:
    """The machine's own Debian cluster that serves `port` (`pg_lsclusters`), restarted with
    `pg_ctlcluster … restart -m fast` — only for bench_load.py `--restart-server`, on a machine
    where nothing else uses that server during the run (a kept 1M database is ~10 minutes to
    generate again in an own cluster)."""

    def __init__(self, port: int):
        listed = subprocess.run(
            ["pg_lsclusters", "-h"], check=True, stdout=subprocess.PIPE, text=True
        ).stdout.splitlines()
        found = [line.split() for line in listed if line.split()[2:3] == [str(port)]]
        if not found:
            raise SystemExit(f"--restart-server: no cluster of pg_lsclusters on port {port}")
        self.version, self.name = found[0][0], found[0][1]

    def restart(self) -> float:
        started = time.monotonic()
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", "-m", "fast",
             self.version, self.name, "restart"],
            check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
        return time.monotonic() - started
