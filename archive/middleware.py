"""When the database is away, answer with a polite 503 instead of a 500; and
never let one web request's statement run for longer than the archive allows.

Django's own connection handling does the recovering: with CONN_HEALTH_CHECKS a
dead persistent connection is noticed at the start of the next request and a
new one is opened, so once the database is back the site is too.
"""

import logging
import time
from contextlib import ExitStack, suppress

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
QUERY_CANCELED = "57014"  # PostgreSQL's SQLSTATE when statement_timeout fires
SQLITE_INTERRUPTED = "interrupted"  # sqlite3's message when a progress handler stops a statement
# How many SQLite virtual-machine steps run between two looks at the clock.
SQLITE_STEPS_PER_CHECK = 10_000


def database_unavailable_response(template="503.html", context=None):
    """The 503 page.  It is rendered without the request, so that no context
    processor (session, messages, user) can reach for the missing database."""
    response = HttpResponse(render_to_string(template, context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def statement_timed_out(exception):
    """Whether ``exception`` is a statement stopped by the web requests' time limit."""
    cause = exception.__cause__
    return getattr(cause, "sqlstate", None) == QUERY_CANCELED or str(cause) == SQLITE_INTERRUPTED


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        if statement_timed_out(exception):
            logger.warning("Statement timeout serving %s: %s", request.get_full_path(), exception)
            seconds = f"{settings.DATABASE_STATEMENT_TIMEOUT_MS / 1000:g}"
            return database_unavailable_response("503_timeout.html", {"seconds": seconds})
        logger.warning("Database unavailable while serving %s: %s", request.path, exception)
        return database_unavailable_response()


class StatementTimeoutMiddleware:
    """Stops any statement of a web request that runs longer than
    ``DATABASE_STATEMENT_TIMEOUT_MS`` (0: no limit); the request is answered
    with the 503 page above.

    The limit is put on a connection by the request's own first statement on
    it and taken off when the request ends, so it exists only inside requests:
    management commands, imports and migrations never run inside one, even in
    a process that also serves requests (a test run, a shell), and keep their
    unbounded statements.  PostgreSQL enforces it (``SET statement_timeout``);
    SQLite has no statement timeout, so a progress handler stops the statement
    once its time is up.  A streamed response (the exports) reads after the
    request has ended and is not limited.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timeout_ms = settings.DATABASE_STATEMENT_TIMEOUT_MS
        if not timeout_ms:
            return self.get_response(request)
        limit = StatementLimit(timeout_ms)
        try:
            with ExitStack() as wrappers:
                for alias in connections:
                    wrappers.enter_context(connections[alias].execute_wrapper(limit))
                return self.get_response(request)
        finally:
            limit.lift()


class StatementLimit:
    """An execute wrapper that bounds the statements it sees, then ``lift()``."""

    def __init__(self, timeout_ms):
        self.timeout_ms = int(timeout_ms)
        self.limited = {}  # alias: connection, every connection given the limit
        self.settled = set()  # aliases whose limit was set outside a transaction

    def __call__(self, execute, sql, params, many, context):
        connection = context["connection"]
        if connection.vendor == "postgresql" and connection.alias not in self.settled:
            # SET is undone when its transaction rolls back: repeat it until it is set outside one.
            # On the connection, not the statement's cursor: that may be a named (server-side) one.
            connection.connection.execute(f"SET statement_timeout = {self.timeout_ms}")
            self.limited[connection.alias] = connection
            if not connection.in_atomic_block:
                self.settled.add(connection.alias)
        elif connection.vendor == "sqlite":
            deadline = time.monotonic() + self.timeout_ms / 1000
            connection.connection.set_progress_handler(
                lambda: time.monotonic() > deadline, SQLITE_STEPS_PER_CHECK
            )
            self.limited[connection.alias] = connection
        return execute(sql, params, many, context)

    def lift(self):
        for connection in self.limited.values():
            if connection.connection is None:  # closed during the request: nothing is left set
                continue
            # A connection left in a failed transaction refuses; its rollback undoes the SET.
            with suppress(DatabaseError), connection.wrap_database_errors:
                if connection.vendor == "postgresql":
                    connection.connection.execute("RESET statement_timeout")
                else:
                    connection.connection.set_progress_handler(None, SQLITE_STEPS_PER_CHECK)
