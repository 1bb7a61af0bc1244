from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from . import search_index

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = ROOT / "fixtures" / "corpus"
GAZETTEER = ROOT / "fixtures" / "gazetteer.json"


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    """Production hashes static names from collectstatic's manifest; tests serve the sources."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def corpus_dir():
    return CORPUS_DIR


@pytest.fixture
def gazetteer(db):
    call_command("load_gazetteer", str(GAZETTEER), verbosity=0)


@pytest.fixture
def seed_archive(gazetteer):
    """The gazetteer plus the five seed articles, imported as `make demo` does."""
    call_command("import_articles", str(CORPUS_DIR), verbosity=0)


@pytest.fixture(scope="module")
def spare_search_index(django_db_setup, django_db_blocker):
    """PostgreSQL's search index built both ways for the module's tests (see
    tests/search_index.py); the method migrations chose (None on SQLite)."""
    if connection.vendor != "postgresql":
        yield None
        return
    with django_db_blocker.unblock():
        installed = search_index.build_spare()
    try:
        yield installed
    finally:
        with django_db_blocker.unblock():
            search_index.drop_spare()


@pytest.fixture(params=search_index.INDEX_METHODS)
def index_method(request, spare_search_index):
    """The index a test of the search runs on: on PostgreSQL GIN, then RUM
    (see tests/search_index.py); None on SQLite.  A module of such tests
    asks for it with ``pytest.mark.usefixtures("index_method")``."""
    if request.param is None:
        yield None
        return
    with search_index.search_index(request.param, spare_search_index) as method:
        yield method
