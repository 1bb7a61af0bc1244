"""schemathesis, an independent API tester, against the API's own OpenAPI
document: every operation, in every phase (the schema's examples, its coverage
of each parameter's edges, random input valid and invalid) with every check
(server errors, status codes, content types, headers and bodies as documented,
valid input accepted and invalid refused, undocumented methods refused), over
the demo archive, through the WSGI application.

Bounded and repeatable: at most 25 generated examples an operation, derandomized."""

import json

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from ninja.responses import NinjaJSONEncoder

from archive.wsgi import application
from articles.api import api

from .conftest import ROOT

DEMO = ROOT / "fixtures" / "demo.json"


def load_schema():
    """The document /api/schema/ serves, read without a request: the tests'
    database is not open while tests are collected."""
    document = json.loads(json.dumps(api.get_openapi_schema(), cls=NinjaJSONEncoder))
    schema = schemathesis.openapi.from_dict(document)
    schema.app = application
    return schema


schema = load_schema()


@pytest.fixture
def demo_archive(db):
    call_command("loaddata", str(DEMO), verbosity=0)
    # The WSGI application closes a connection inside a transaction after each
    # request, the test's own included; Django's test client keeps it the same way.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    # The demo archive is loaded once an operation, in its test's transaction.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_passes_every_schemathesis_check(case, demo_archive):
    case.call_and_validate()
