"""A pytest plugin (``-p archive.pytest_environment``) that prepares the environment
before Django reads its settings.

The tests run against the production settings whatever the developer's shell
exports (the README asks for ``DEBUG=1`` on every command): the variables
that change what the tests check are set or removed here.  The settings
refuse to start without SECRET_KEY when DEBUG is off; the run gets a random
one.  SSL redirects are a deployment concern that would turn every test
request into a 301.  DATABASE_URL is kept: it chooses the database under test.
A deployment's read replicas are not the suite's: tests/test_replicas.py makes
its own.
"""

import os
import secrets

os.environ["DEBUG"] = "0"
os.environ["SECURE_SSL_REDIRECT"] = "0"
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
for name in (
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD",
    "ADMIN_LOGIN_MAX_FAILURES",
    "ADMIN_LOGIN_MAX_FAILURES_PER_ADDRESS",
    "ADMIN_LOGIN_WINDOW_SECONDS",
    "STATIC_ROOT",
    "DATABASE_REPLICA_URLS",
    "DATABASE_STATEMENT_TIMEOUT_MS",
    "ARCHIVE_SEARCH_INDEX",
):
    os.environ.pop(name, None)
