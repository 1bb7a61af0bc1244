"""The kept month counts (``articles.month_counts``) are never stale: every way
the archive changes articles (the import, re-linking, merges and their
undoing, the admin's edits, deletes and bulk actions, the generated corpus)
leaves them equal to a fresh count of the articles."""

import datetime
import json

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles import month_counts
from articles.curation.merging import merge_records, undo_merge
from articles.importing.learning import reclean_articles
from articles.importing.pipeline import import_paths
from articles.linking import relink_articles
from articles.models import Actor, Article, Location, MonthCount

from . import test_admin
from .test_admin import action, change_url, form_data, form_errors

archive = test_admin.archive
editor = test_admin.editor
editor_client = test_admin.editor_client
fast_password_hashing = test_admin.fast_password_hashing

pytestmark = pytest.mark.django_db


def assert_kept():
    fresh = month_counts.fresh_counts()
    assert fresh, "nothing was counted: the test proves nothing"
    assert month_counts.kept_counts() == fresh


@pytest.fixture
def counted(archive):
    """The admin tests' archive (written by the ORM, behind the counts' back), counted."""
    month_counts.rebuild()
    assert_kept()
    return archive


def test_the_import_counts_new_and_changed_articles(tmp_path, gazetteer):
    records = [
        {"title": "Kyiv", "body": "Kyiv held.", "url": "https://example.org/1"},
        {"title": "Odesa", "body": "Odesa and Kyiv.", "url": "https://example.org/2"},
        {"title": "Undated", "body": "Kharkiv, no date.", "url": "https://example.org/3"},
    ]
    for record in records:
        record["language"] = "en"
    records[0]["published"] = "2024-01-05"
    records[1]["published"] = "2024-02-05"
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(json.dumps(record) for record in records))
    assert import_paths([path]).created == 3
    assert_kept()
    kyiv = Location.objects.get(slug="kyiv")
    assert month_counts.total(month_counts.LOCATION, kyiv.pk) == 2

    # Changed: another month, a mention less, a date given.
    records[0].update(published="2023-12-31", body="Odesa held.")
    records[1]["body"] = "Odesa alone."
    records[2]["published"] = "2024-03-01"
    path.write_text("\n".join(json.dumps(record) for record in records))
    assert import_paths([path]).updated == 3
    assert_kept()
    assert month_counts.total(month_counts.LOCATION, kyiv.pk) == 1  # the headline "Kyiv"


def test_the_seed_corpus_import_and_its_cleaning_again_keep_the_counts(seed_archive):
    assert Article.objects.count() == 5
    assert_kept()
    assert reclean_articles(everything=True).read
    assert_kept()


def test_relinking_after_a_gazetteer_change_keeps_the_counts(counted):
    zelensky, _, putin = counted["actors"]
    putin.aliases.create(name="Kharkov")  # a wrong alias: Putin is now in more articles
    relink_articles()
    assert_kept()
    putin.aliases.filter(name="Kharkov").delete()
    call_command("relink_articles", verbosity=0)
    assert_kept()


def test_merges_and_their_undoing_keep_the_counts(counted):
    zelensky, zelenskiy, _ = counted["actors"]
    _, _, kharkiv, kharkov = counted["locations"]
    kyiv_independent, the_kyiv_independent, _ = counted["sources"]
    actors = merge_records(zelensky, [zelenskiy])
    assert_kept()
    places = merge_records(kharkiv, [kharkov])
    assert_kept()
    sources = merge_records(kyiv_independent, [the_kyiv_independent])
    assert_kept()
    for merge in (sources, places, actors):
        undo_merge(merge)
        assert_kept()


def test_admin_edits_of_date_source_language_status_and_mentions_keep_the_counts(
    counted, editor_client
):
    article = counted["articles"][0]
    _, _, isw = counted["sources"]
    putin = counted["actors"][2]
    data = form_data(editor_client.get(change_url(article)))
    data.update(published="2023-11-30", source=str(isw.pk), language="uk")
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 302, form_errors(response)
    assert_kept()

    # A mention added and one taken away in the inline rows.
    data = form_data(editor_client.get(change_url(article)))
    prefix = "actor_mentions"
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-0-DELETE"] = "on"
    data.update(
        {
            f"{prefix}-{total}-actor": str(putin.pk),
            f"{prefix}-{total}-count": "2",
            f"{prefix}-TOTAL_FORMS": str(total + 1),
        }
    )
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 302, form_errors(response)
    assert article.actor_mentions.filter(actor=putin).exists()
    assert_kept()

    # The text changed: linked again.
    data = form_data(editor_client.get(change_url(article)))
    data["body"] = "Putin and Zelensky in Kharkiv."
    assert editor_client.post(change_url(article), data).status_code == 302
    assert_kept()

    action(editor_client, Article, "unpublish", counted["articles"][:2])
    assert_kept()
    action(editor_client, Article, "publish", counted["articles"][1:])
    assert_kept()
    action(editor_client, Article, "relink", counted["articles"])
    assert_kept()


def test_restoring_a_version_keeps_the_counts(counted, editor_client):
    article = counted["articles"][0]
    data = form_data(editor_client.get(change_url(article)))
    data.update(published="2022-02-24", body="Nothing of note.")
    assert editor_client.post(change_url(article), data).status_code == 302
    assert_kept()
    history = editor_client.get(f"/admin/articles/article/{article.pk}/history/")
    first = [version for version, _ in history.context["versions"]][-1]
    url = f"/admin/articles/article/{article.pk}/history/{first.pk}/"
    assert editor_client.post(url, form_data(editor_client.get(url))).status_code == 302
    article.refresh_from_db()
    assert article.published == datetime.date(2024, 5, 1)
    assert_kept()


def test_deleting_articles_and_entities_in_the_admin_keeps_the_counts(counted):
    admin = User.objects.create_superuser("boss", "boss@example.org", "x")
    client = Client()
    client.force_login(admin)
    first, second, third, _ = counted["articles"]
    delete_url = f"/admin/articles/article/{first.pk}/delete/"
    assert client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=first.pk).exists()
    assert_kept()
    action(client, Article, "delete_selected", [second], post="yes")
    assert not Article.objects.filter(pk=second.pk).exists()
    assert_kept()
    putin = counted["actors"][2]
    action(client, Actor, "delete_selected", [putin], post="yes")
    assert not Actor.objects.filter(pk=putin.pk).exists()
    assert not MonthCount.objects.filter(kind="actor", entity_id=putin.pk).exists()
    assert_kept()


def test_the_rebuild_command_counts_from_scratch(counted):
    MonthCount.objects.update(articles=7)
    MonthCount.objects.create(kind="actor", entity_id=999, month=202401, language="en", articles=3)
    call_command("rebuild_month_counts", verbosity=0)
    assert_kept()


def test_the_generated_corpus_is_counted(gazetteer):
    call_command("generate_corpus", count=40, seed=3, into_database=True, verbosity=0)
    assert_kept()


def test_a_batch_costs_the_import_two_statements_whatever_its_size(tmp_path, gazetteer):
    """One statement takes the changed articles' counts away, one adds the
    written articles': none per article."""

    def statements(count):
        path = tmp_path / f"feed{count}.jsonl"
        path.write_text(
            "\n".join(
                json.dumps(
                    {
                        "title": f"R{count}-{n}",
                        "body": f"Kyiv {count} {n}.",
                        "url": f"https://example.org/{count}/{n}",
                    }
                )
                for n in range(count)
            )
        )
        with CaptureQueriesContext(connection) as context:
            import_paths([path])
        return [q["sql"] for q in context.captured_queries if MonthCount._meta.db_table in q["sql"]]

    assert len(statements(3)) == len(statements(30)) == 1  # new articles: nothing to take away
    assert_kept()


def test_entity_pages_and_indexes_show_the_kept_counts(counted, client):
    _, _, putin = counted["actors"]
    total = month_counts.total(month_counts.ACTOR, putin.pk)
    assert total == Article.objects.published().filter(actors=putin).distinct().count() == 2
    page = client.get(putin.get_absolute_url())
    assert page.context["total"] == total and "2 articles" in page.content.decode()
    listed = {actor.name: actor.n for actor in client.get("/actors/").context["page"].items}
    assert listed["Vladimir Putin"] == total


def test_the_demo_fixture_carries_its_month_counts():
    call_command("loaddata", "demo", verbosity=0)
    assert_kept()


def test_only_a_search_the_counts_answer_reads_them(counted, client, settings):
    """An entity's month chart reads the kept counts; the same entity with
    words, dates or an exclusion is a search and is counted by query.  The
    kept counts are made wrong here on purpose, to tell which was read."""
    settings.ARCHIVE_SEARCH_WINDOW = 1  # past the rows the page reads
    putin = counted["actors"][2]
    MonthCount.objects.filter(kind="actor", entity_id=putin.pk).update(articles=50)

    def chart_counts(**params):
        response = client.get("/search/months/", {"actor": putin.slug, **params})
        assert response.status_code == 200
        return response.context["results"].counts_by_month()

    assert {n for _, n in chart_counts()} == {50}
    assert {n for _, n in chart_counts(language="en")} == {50}
    isw = counted["sources"][2]
    for narrowed in ({"q": "Kharkiv"}, {"date_from": "2024-01-01"}, {"exclude_source": isw.slug}):
        assert all(n < 50 for _, n in chart_counts(**narrowed)), narrowed
