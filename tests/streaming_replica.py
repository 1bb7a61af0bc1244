"""A real PostgreSQL streaming replica of the suite's server, on this machine.

``pg_createcluster`` makes a second cluster on a free port, ``pg_basebackup -R``
fills it with a copy of the primary that streams its changes, and
``pg_dropcluster`` removes it afterwards.  Being a physical copy of the whole
server, it holds the suite's test database with everything committed in it.
It needs Debian's PostgreSQL tools, root (or the postgres user), and a primary
on this machine that accepts replication connections (``.ci/run`` sees to it).
"""

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import time

import psycopg

REPLAY_WAIT_SECONDS = 15


class ReplicaUnavailable(Exception):
    """Why a replica cannot be set up on this machine."""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run(*command, as_postgres=False):
    if as_postgres and os.geteuid() == 0:
        command = ("runuser", "-u", "postgres", "--", *command)
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if done.returncode:
        raise ReplicaUnavailable(f"{' '.join(command)} failed: {done.stderr.strip()}")
    return done.stdout


@contextlib.contextmanager
def streaming_replica(primary):
    """Yield the port of a new hot-standby replica of ``primary`` (a Django
    settings dict of a server on this machine); remove it afterwards."""
    if primary["HOST"] not in {"127.0.0.1", "localhost", ""}:
        raise ReplicaUnavailable(f"the primary ({primary['HOST']}) is not on this machine")
    for tool in ("pg_createcluster", "pg_basebackup", "pg_ctlcluster", "pg_dropcluster"):
        if not shutil.which(tool):
            raise ReplicaUnavailable(f"{tool} is not installed (Debian's postgresql-common)")
    if os.geteuid() != 0:
        raise ReplicaUnavailable("making a cluster needs root")
    host, port = primary["HOST"] or "127.0.0.1", str(primary["PORT"] or 5432)
    user = primary["USER"] or "postgres"
    with psycopg.connect(host=host, port=port, user=user, dbname="postgres") as server:
        version = server.execute("SHOW server_version_num").fetchone()[0][:2]
        hba_file = server.execute("SHOW hba_file").fetchone()[0]
        # A hot standby refuses to start with fewer of these than its primary.
        matched = {
            name: server.execute(f"SHOW {name}").fetchone()[0]
            for name in (
                "max_connections",
                "max_worker_processes",
                "max_wal_senders",
                "max_prepared_transactions",
                "max_locks_per_transaction",
            )
        }
    name, replica_port = f"replica_test_{secrets.token_hex(3)}", free_port()
    options = [f"--pgoption={key}={value}" for key, value in matched.items()]
    # No fsync: a throwaway copy need not survive a power cut, and syncing takes seconds.
    _run("pg_createcluster", version, name, "-p", str(replica_port), *options, "--", "--no-sync")
    try:
        shutil.copyfile(hba_file, f"/etc/postgresql/{version}/{name}/pg_hba.conf")
        data_dir = f"/var/lib/postgresql/{version}/{name}"
        _run("find", data_dir, "-mindepth", "1", "-delete", as_postgres=True)
        _run(
            "pg_basebackup", "-h", host, "-p", port, "-U", user, "-D", data_dir,
            "-R", "-X", "stream", "-c", "fast", "--no-sync",
            as_postgres=True,
        )  # fmt: skip
        _run("pg_ctlcluster", "--skip-systemctl-redirect", version, name, "start")
        yield replica_port
    finally:
        stop = ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, "stop"]
        for command in ([*stop, "-m", "immediate"], ["pg_dropcluster", version, name]):
            subprocess.run(command, capture_output=True, timeout=120)


def wait_for_replay(primary_connection, replica_connection, step="replay"):
    """Wait until the replica has replayed (or with ``step="receive"``, only
    received) everything the primary has committed."""
    with primary_connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        (written,) = cursor.fetchone()
    reached = {"replay": "pg_last_wal_replay_lsn()", "receive": "pg_last_wal_receive_lsn()"}[step]
    deadline = time.monotonic() + REPLAY_WAIT_SECONDS
    while time.monotonic() < deadline:
        with replica_connection.cursor() as cursor:
            cursor.execute(f"SELECT {reached} >= %s::pg_lsn", [written])
            if cursor.fetchone()[0]:
                return
        time.sleep(0.05)
    raise AssertionError(f"the replica did not {step} up to {written} in {REPLAY_WAIT_SECONDS} s")
