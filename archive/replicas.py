"""Reads on PostgreSQL streaming replicas (``DATABASE_REPLICA_URLS``).

A request may read from a replica when it only reads: a GET or HEAD outside
the admin, from a client that has not written in the last
``ARCHIVE_PRIMARY_AFTER_WRITE_SECONDS`` (a signed cookie set by every
successful write, so an editor who just saved reads the primary and sees the
change at once).  Everything else, and everything outside a request (imports,
management commands, migrations), uses the primary.  Only the archive's own
tables are read on a replica; sessions, users and the cache stay on the primary.

A replica that is down, not in recovery, or more than
``ARCHIVE_REPLICA_MAX_LAG_SECONDS`` behind is skipped; each worker process
looks at most once every ``ARCHIVE_REPLICA_CHECK_SECONDS`` per replica.
"""

import logging
import random
import threading
import time
from contextvars import ContextVar

from django.conf import settings
from django.db import DatabaseError, connections
from django.urls import reverse

logger = logging.getLogger(__name__)

PRIMARY = "default"
REPLICATED_APPS = {"articles"}
WROTE_COOKIE = "archive_wrote"
WROTE_SALT = "archive.replicas.wrote"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

# Lag is nil when every byte of WAL received has been replayed and the replica
# is still receiving; otherwise it is the age of the last transaction replayed.
LAG_SQL = """
SELECT pg_is_in_recovery(),
       CASE WHEN EXISTS (SELECT 1 FROM pg_stat_wal_receiver)
                 AND pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
            ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())
       END
"""

# The replica this request reads from: None while unchosen, PRIMARY when it may not use one.
_request_reads = ContextVar("request_reads", default=PRIMARY)
_verdicts = {}  # alias: (monotonic time of the check, healthy)
_verdicts_lock = threading.Lock()


def replica_lag(alias):
    """(in recovery, seconds behind the primary or None when unknown) of replica ``alias``."""
    with connections[alias].cursor() as cursor:
        cursor.execute(LAG_SQL)
        in_recovery, lag = cursor.fetchone()
    return in_recovery, None if lag is None else float(lag)


def replica_is_healthy(alias):
    """Whether ``alias`` answers, replicates and is recent enough; remembered for a few seconds."""
    now = time.monotonic()
    with _verdicts_lock:
        checked, healthy = _verdicts.get(alias, (None, False))
    if checked is not None and now - checked < settings.ARCHIVE_REPLICA_CHECK_SECONDS:
        return healthy
    try:
        in_recovery, lag = replica_lag(alias)
    except DatabaseError as exc:
        logger.warning("Replica %s skipped: %s", alias, exc)
        connections[alias].close()
        healthy = False
    else:
        healthy = (
            in_recovery and lag is not None and lag <= settings.ARCHIVE_REPLICA_MAX_LAG_SECONDS
        )
        if not healthy:
            logger.warning("Replica %s skipped: in recovery %s, lag %s s", alias, in_recovery, lag)
    with _verdicts_lock:
        _verdicts[alias] = (now, healthy)
    return healthy


def forget_replica_health():
    """Check every replica afresh at its next use."""
    with _verdicts_lock:
        _verdicts.clear()


def _reads_alias():
    alias = _request_reads.get()
    if alias is None:
        healthy = [a for a in settings.ARCHIVE_REPLICA_ALIASES if replica_is_healthy(a)]
        alias = random.choice(healthy) if healthy else PRIMARY
        _request_reads.set(alias)
    return alias


class ReplicaRouter:
    """Reads of the archive's tables go where the request may read; writes, the primary."""

    def db_for_read(self, model, **hints):
        if model._meta.app_label in REPLICATED_APPS:
            return _reads_alias()
        return PRIMARY

    def db_for_write(self, model, **hints):
        if model._meta.app_label in REPLICATED_APPS:
            # A request that changed the archive: its later reads must see the change.
            _request_reads.set(PRIMARY)
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # every alias holds the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


def may_read_replica(request):
    if not settings.ARCHIVE_REPLICA_ALIASES or request.method not in SAFE_METHODS:
        return False
    if request.path.startswith(reverse("admin:index")):
        return False
    return not request.get_signed_cookie(
        WROTE_COOKIE,
        default=None,
        salt=WROTE_SALT,
        max_age=settings.ARCHIVE_PRIMARY_AFTER_WRITE_SECONDS,
    )


def _reading_as_now(chunks):
    """``chunks``, each read with the request's choice of database: a streamed
    response (an export) is read after the request has ended."""
    return _reading_from(_request_reads.get(), iter(chunks))


def _reading_from(reads, chunks):
    while True:
        token = _request_reads.set(reads)
        try:
            chunk = next(chunks, None)
            reads = _request_reads.get()  # chosen, or turned to the primary by a write
        finally:
            _request_reads.reset(token)
        if chunk is None:
            return
        yield chunk


class ReplicaReadsMiddleware:
    """Lets a read-only request read a replica; marks a client that wrote, for a while."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_reads.set(None if may_read_replica(request) else PRIMARY)
        try:
            response = self.get_response(request)
            if response.streaming:
                response.streaming_content = _reading_as_now(response.streaming_content)
        finally:
            _request_reads.reset(token)
        wrote = request.method not in SAFE_METHODS and response.status_code < 400
        if wrote and settings.ARCHIVE_REPLICA_ALIASES:
            response.set_signed_cookie(
                WROTE_COOKIE,
                "1",
                salt=WROTE_SALT,
                max_age=settings.ARCHIVE_PRIMARY_AFTER_WRITE_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
