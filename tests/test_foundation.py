"""The project's foundation: settings, data model, first import and pages."""

import ast
import os
import subprocess
import sys

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils.html import escape

from articles.models import Actor, ActorAlias, Article, Location, Source

from .conftest import CORPUS_DIR, ROOT


def test_articles_app_does_not_import_the_research_app():
    """Research is built on the archive, never the other way round."""
    importers = []
    for path in (ROOT / "articles").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules = [node.module]
            else:
                continue
            if any(module.split(".")[0] == "research" for module in modules):
                importers.append(str(path.relative_to(ROOT)))
    assert importers == []


def test_suite_runs_on_the_database_it_was_asked_for():
    expected = (
        "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    )
    assert connection.vendor == expected


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "SECRET_KEY": "a-production-secret-" + "x" * 40 + "-not-used-anywhere",
        "ALLOWED_HOSTS": "archive.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_settings_refuse_to_start_without_secret_key_when_debug_is_off(tmp_path):
    env = {"PATH": os.environ["PATH"], "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
def test_gazetteer_loads_and_reloads_without_duplicates(gazetteer):
    from django.core.management import call_command

    counts = (Actor.objects.count(), Location.objects.count(), ActorAlias.objects.count())
    assert counts[0] > 100 and counts[1] > 100
    call_command("load_gazetteer", verbosity=0)
    assert (Actor.objects.count(), Location.objects.count(), ActorAlias.objects.count()) == counts
    kyiv = Location.objects.get(slug="kyiv")
    assert {"Kiev", "Київ", "Киев"} <= set(kyiv.all_names())
    assert kyiv.parent is not None and kyiv.latitude is not None


@pytest.mark.django_db
def test_an_alias_name_is_unique_among_aliases_of_one_kind(gazetteer):
    putin = Actor.objects.get(slug="vladimir-putin")
    peskov = Actor.objects.get(slug="dmitry-peskov")
    with pytest.raises(IntegrityError), transaction.atomic():
        ActorAlias.objects.create(entity=peskov, name=" PUTIN ")
    assert ActorAlias.objects.filter(entity=putin, normalized="putin").exists()


@pytest.mark.django_db
def test_url_is_unique_only_when_present():
    Article.objects.create(title="One", body="text one")
    Article.objects.create(title="Two", body="text two")
    Article.objects.create(title="Three", body="text three", url="https://example.org/a")
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(title="Four", body="text four", url="https://example.org/a")


@pytest.mark.django_db
def test_seed_import_is_idempotent(seed_archive):
    from django.core.management import call_command

    slugs = set(Article.objects.values_list("slug", flat=True))
    assert len(slugs) == 5
    call_command("import_articles", str(CORPUS_DIR), verbosity=0)
    assert set(Article.objects.values_list("slug", flat=True)) == slugs


@pytest.mark.django_db
def test_home_lists_seed_articles_and_each_opens(client, seed_archive):
    response = client.get("/")
    assert response.status_code == 200
    for article in Article.objects.all():
        assert escape(article.title) in response.content.decode()
        page = client.get(article.get_absolute_url())
        assert page.status_code == 200
        assert escape(article.paragraphs[0]) in page.content.decode()


@pytest.mark.django_db
def test_draft_articles_are_not_public(client):
    draft = Article.objects.create(title="Unreleased", body="text", status=Article.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert "Unreleased" not in client.get("/").content.decode()


@pytest.mark.django_db
def test_entity_pages_render(client, gazetteer):
    source = Source.objects.get(slug="brussels-times")  # an outlet of the gazetteer
    for url in [
        Actor.objects.get(slug="vladimir-putin").get_absolute_url(),
        Location.objects.get(slug="kyiv").get_absolute_url(),
        source.get_absolute_url(),
    ]:
        assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_admin_lists_every_model_for_a_superuser(admin_client):
    page = admin_client.get("/admin/").content.decode()
    for name in ["Articles", "Sources", "Actors", "Locations", "Suggestions"]:
        assert name in page
    assert admin_client.get("/admin/articles/article/").status_code == 200


@pytest.mark.django_db
def test_admin_requires_staff(client):
    response = client.get("/admin/articles/article/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
