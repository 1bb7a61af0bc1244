"""A pytest plugin (``-p archive.pytest_environment``) that prepares the environment
before Django reads its settings.

The settings refuse to start without SECRET_KEY when DEBUG is off, as tests
run; give the run a random one.  SSL redirects are a deployment concern that
would turn every test request into a 301.  A deployment's read replicas are
not the suite's: tests/test_replicas.py makes its own.
"""

import os
import secrets

os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.pop("DATABASE_REPLICA_URLS", None)
