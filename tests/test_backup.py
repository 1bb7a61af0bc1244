"""Backup and restore: the whole archive to one file and back, losslessly.

"Losslessly" is checked by exporting again after a restore: the export is
canonical (keys sorted, rows in primary-key order, full-precision times), so
equal data gives equal bytes, from either database.
"""

import datetime
import gzip
import json
import secrets
from decimal import Decimal

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.backup import FORMAT, archive_models
from articles.models import (
    Actor,
    ActorMention,
    Article,
    Location,
    LocationMention,
    Source,
    Suggestion,
)

from .subprocess_archive import manage, scratch_postgres, suite_runs_on_postgres

UTC = datetime.UTC


@pytest.fixture
def rich_archive(seed_archive, django_user_model):
    """The seed archive and one of everything else a backup must carry: a
    draft, nested JSON, Unicode and markup, microsecond timestamps, decimals,
    a location hierarchy, a suggestion, editors with a group and permissions,
    and the admin's change log."""
    source = Source.objects.create(
        name="Institute for the Study of War",
        homepage="https://understandingwar.org/",
        kind=Source.Kind.THINK_TANK,
        country="United States",
    )
    Article.objects.filter(pk=Article.objects.order_by("pk").first().pk).update(source=source)
    article = Article.objects.create(
        title="Ёлки & <b>bold</b> — “quoted” 'text'",
        lede="A lede\twith a tab",
        body="First paragraph.\n\nSecond paragraph, Київ and Харків.",
        captions=[{"text": "Київ at night", "credit": "AP", "extra": {"b": [1, 2], "a": None}}],
        authors=["A. Writer", "Б. Автор"],
        tags=["analysis", "air defence"],
        url="https://example.org/articles/1",
        published=datetime.date(2024, 2, 29),
        language="uk",
        status=Article.Status.DRAFT,
        provenance="fixtures/corpus/x.txt#3",
        source=source,
    )
    Article.objects.filter(pk=article.pk).update(
        created=datetime.datetime(2024, 3, 1, 12, 0, 0, 123456, tzinfo=UTC),
        updated=datetime.datetime(2024, 3, 2, 8, 30, 15, 654321, tzinfo=UTC),
    )
    oblast = Location.objects.create(
        name="Test Oblast", kind=Location.Kind.REGION, latitude=Decimal("48.12345")
    )
    oblast.longitude = Decimal("-37.50000")
    oblast.save()
    town = Location.objects.create(name="Test Town", kind=Location.Kind.CITY, parent=oblast)
    LocationMention.objects.create(article=article, location=town, count=3)
    actor = Actor.objects.get(slug="vladimir-putin")
    ActorMention.objects.create(article=article, actor=actor, count=2)
    Suggestion.objects.create(
        name="Avdiivka Coke Plant",
        kind=Suggestion.Kind.LOCATION,
        mention_count=4,
        article_count=2,
        examples=[{"article": article.slug, "sentence": "Near the “coke plant”."}],
        location=town,
    )
    editors, _ = Group.objects.get_or_create(name="editors")  # made by a migration
    editors.permissions.set(Permission.objects.filter(codename__in=["change_article", "add_actor"]))
    editor = django_user_model.objects.create_user(
        "editor", email="editor@example.org", password=secrets.token_urlsafe(), is_staff=True
    )
    editor.groups.add(editors)
    editor.user_permissions.add(Permission.objects.get(codename="delete_suggestion"))
    LogEntry.objects.create(
        user=editor,
        content_type=ContentType.objects.get_for_model(Article),
        object_id=str(article.pk),
        object_repr=str(article),
        action_flag=CHANGE,
        change_message=json.dumps([{"changed": {"fields": ["Headline"]}}]),
    )
    return article


def read_lines(path):
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as file:
        return file.read().splitlines()


def header_of(path):
    return json.loads(read_lines(path)[0])


def rows_of(path):
    return read_lines(path)[1:]


def empty_the_database():
    """As good as a new database: flush removes every row and migrate's
    post-migrate step recreates content types and permissions, under new ids.
    (Tests that use it run outside a test transaction, as the commands do.)"""
    call_command("flush", interactive=False, verbosity=0)
    assert not any(model._base_manager.exists() for model in archive_models())


@pytest.mark.django_db
def test_export_writes_a_header_and_every_row(rich_archive, tmp_path):
    path = tmp_path / "archive.jsonl.gz"
    call_command("export_archive", path, verbosity=0)

    header = header_of(path)
    assert header["format"] == FORMAT and header["format_version"] == 1
    assert header["archive_version"] == "0.1.0"
    assert header["migrations"]["articles"][0] == "0001_initial"
    assert datetime.datetime.fromisoformat(header["created"]).tzinfo is not None
    rows = [json.loads(line) for line in rows_of(path)]
    for model in archive_models():
        label = model._meta.label_lower
        assert header["counts"][label] == model._base_manager.count(), label
        assert sum(row["model"] == label for row in rows) == header["counts"][label], label
    assert header["counts"]["articles.article"] == 6
    assert header["counts"]["auth.user"] == header["counts"]["admin.logentry"] == 1

    draft = next(row for row in rows if row["pk"] == rich_archive.pk and "title" in row["fields"])
    assert draft["fields"]["created"] == "2024-03-01T12:00:00.123456+00:00"
    assert draft["fields"]["captions"][0]["extra"] == {"a": None, "b": [1, 2]}
    user = next(row for row in rows if row["model"] == "auth.user")
    assert user["fields"]["groups"] == [["editors"]]
    assert user["fields"]["user_permissions"] == [["delete_suggestion", "articles", "suggestion"]]
    log = next(row for row in rows if row["model"] == "admin.logentry")
    assert log["fields"]["content_type"] == ["articles", "article"]
    assert not {"contenttypes.contenttype", "auth.permission", "sessions.session"} & {
        row["model"] for row in rows
    }


@pytest.mark.django_db(transaction=True)
def test_restore_into_an_empty_database_gives_back_the_same_archive(rich_archive, tmp_path, client):
    before, after = tmp_path / "before.jsonl.gz", tmp_path / "after.jsonl"
    call_command("export_archive", before, verbosity=0)
    empty_the_database()

    call_command("restore_archive", before, verbosity=0)

    call_command("export_archive", after, verbosity=0)
    assert rows_of(after) == rows_of(before)
    assert header_of(after)["counts"] == header_of(before)["counts"]
    restored = Article.objects.get(pk=rich_archive.pk)
    assert restored.slug == rich_archive.slug
    assert restored.created == datetime.datetime(2024, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)
    assert LogEntry.objects.get().get_edited_object() == restored
    published = Article.objects.published().first()
    assert client.get(published.get_absolute_url()).status_code == 200
    # New rows are numbered after the restored ones (PostgreSQL sequences).
    new_rows = {
        Source: {"name": "A new source"},
        Article: {"title": "A new article", "body": "text"},
        Location: {"name": "A new place", "kind": Location.Kind.CITY},
        Suggestion: {"name": "A new name"},
        Group: {"name": "reviewers"},
    }
    for model, fields in new_rows.items():
        highest = model.objects.order_by("-pk").first().pk
        assert model.objects.create(**fields).pk > highest, model


@pytest.mark.django_db
def test_restore_refuses_a_database_that_is_not_empty(rich_archive, tmp_path):
    path = tmp_path / "archive.jsonl.gz"
    call_command("export_archive", path, verbosity=0)
    counts = header_of(path)["counts"]

    with pytest.raises(CommandError, match=r"The database is not empty: it holds .*6 articles"):
        call_command("restore_archive", path, verbosity=0)
    for model in archive_models():
        assert model._base_manager.count() == counts[model._meta.label_lower]


@pytest.mark.django_db
def test_export_will_not_overwrite_a_file(tmp_path):
    path = tmp_path / "archive.jsonl"
    path.write_text("an earlier backup")
    with pytest.raises(CommandError, match="already exists"):
        call_command("export_archive", path, verbosity=0)
    assert path.read_text() == "an earlier backup"


def damaged_copies(path, tmp_path):
    """The ways a backup file goes wrong, each with what the error must say."""
    lines = read_lines(path)
    plain = "\n".join(lines) + "\n"
    compressed = gzip.compress(plain.encode())
    article = next(i for i, line in enumerate(lines) if '"model":"articles.article"' in line)
    mention = next(i for i, line in enumerate(lines) if '"model":"articles.actormention"' in line)
    dangling_row = json.loads(lines[mention])
    dangling_row["fields"]["article"] = 999999
    dangling = [*lines[:mention], json.dumps(dangling_row), *lines[mention + 1 :]]
    newer_header = json.loads(lines[0])
    newer_header["migrations"]["articles"].append("0999_not_yet_written")
    cases = {
        "not-a-backup.jsonl": ("title,body\n", "not an archive backup"),
        "newer-format.jsonl": (
            plain.replace('"format_version": 1', '"format_version": 2', 1),
            "format version 2",
        ),
        "from-a-newer-archive.jsonl": (
            "\n".join([json.dumps(newer_header), *lines[1:]]),
            r"1 migration\(s\) this database lacks \(articles.0999_not_yet_written\)",
        ),
        "cut-short.jsonl": ("\n".join(lines[: len(lines) // 2]) + "\n", "is incomplete"),
        "cut-short.jsonl.gz": (compressed[: len(compressed) // 2], "damaged or cut short"),
        "not-json.jsonl": (
            "\n".join(lines[:article] + ['{"model": "articles.article", '] + lines[article:]),
            "not JSON",
        ),
        "dangling.jsonl": ("\n".join(dangling) + "\n", "refers to rows it does not hold"),
    }
    for name, (content, message) in cases.items():
        copy = tmp_path / name
        if isinstance(content, bytes):
            copy.write_bytes(content)
        else:
            copy.write_text(content, encoding="utf-8")
        yield copy, message


@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_restores_nothing_and_says_why(rich_archive, tmp_path):
    path = tmp_path / "archive.jsonl.gz"
    call_command("export_archive", path, verbosity=0)
    empty_the_database()

    for copy, message in damaged_copies(path, tmp_path):
        with pytest.raises(CommandError, match=message):
            call_command("restore_archive", copy, verbosity=0)
        assert not any(model._base_manager.exists() for model in archive_models()), copy.name
    call_command("restore_archive", path, verbosity=0)
    assert Article.objects.count() == 6


@pytest.mark.skipif(not suite_runs_on_postgres(), reason="needs PostgreSQL beside SQLite")
@pytest.mark.django_db
def test_round_trip_sqlite_postgresql_sqlite_loses_nothing(rich_archive, tmp_path):
    """The archive moves from SQLite to PostgreSQL and back again through
    backups made by separate processes; every export is the same, byte for byte."""
    original = tmp_path / "0-original.jsonl.gz"
    call_command("export_archive", original, verbosity=0)

    sqlite_first = f"sqlite:///{tmp_path / 'first.sqlite3'}"
    sqlite_last = f"sqlite:///{tmp_path / 'last.sqlite3'}"
    exports = [original]
    with scratch_postgres("roundtrip") as postgres:
        for step, database in enumerate([sqlite_first, postgres, sqlite_last], start=1):
            manage(database, "migrate", "--noinput")
            manage(database, "restore_archive", exports[-1])
            exports.append(tmp_path / f"{step}-{database.split(':')[0]}.jsonl.gz")
            manage(database, "export_archive", exports[-1])

    assert [header_of(path)["database"] for path in exports] == [
        "postgresql",
        "sqlite",
        "postgresql",
        "sqlite",
    ]
    for path in exports[1:]:
        assert header_of(path)["counts"] == header_of(original)["counts"], path.name
        assert rows_of(path) == rows_of(original), path.name
