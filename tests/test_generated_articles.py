"""Generated (made-up) articles, as the large demo imports them: marked on the
article, its page, the API and the exports, and kept out of an archive of real
articles unless the import is told otherwise."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from articles.importing import import_paths
from articles.models import Article
from benchmarking.outputs import write_into_database

pytestmark = pytest.mark.django_db

MADE_UP_BODY = (
    "Analysts of the invented Steppe Research Group describe a quiet week on the "
    "southern line, with supply convoys moving at night and few reported strikes."
)


def _write_records(path, records):
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return path


def _body(response):
    return b"".join(response.streaming_content).decode("utf-8-sig")


def _generated(n, **extra):
    return {
        "title": f"Made-up assessment number {n}",
        "body": f"{MADE_UP_BODY} Paragraph {n}.",
        "source": "Steppe Analytics (generated)",
        "published": "2023-05-0" + str(n % 9 + 1),
        "language": "en",
        "generated": True,
        **extra,
    }


def test_generated_articles_are_marked_on_page_api_and_exports(tmp_path, client):
    report = import_paths([_write_records(tmp_path / "made-up.jsonl", [_generated(1)])])
    assert report.created == 1
    article = Article.objects.get()
    assert article.generated is True

    page = client.get(article.get_absolute_url()).content.decode()
    assert "Generated article." in page
    assert 'class="generated-badge"' in page

    assert client.get(f"/api/articles/{article.slug}").json()["generated"] is True
    assert client.get("/api/articles/").json()["results"][0]["generated"] is True

    jsonl = _body(client.get("/search/export.jsonl")).splitlines()
    assert json.loads(jsonl[1])["generated"] is True
    text = _body(client.get("/search/export.csv"))
    rows = list(csv.DictReader(line for line in io.StringIO(text) if not line.startswith("#")))
    assert rows[0]["generated"] == "yes"


def test_a_real_article_carries_no_generated_mark(seed_archive, client):
    article = Article.objects.first()
    assert article.generated is False
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Generated article." not in page and "generated-badge" not in page
    assert client.get(f"/api/articles/{article.slug}").json()["generated"] is False


def test_generated_articles_are_refused_by_an_archive_of_real_ones(seed_archive, tmp_path):
    real = Article.objects.count()
    corpus = _write_records(tmp_path / "made-up.jsonl", [_generated(n) for n in range(3)])
    with pytest.raises(CommandError, match="--allow-generated"):
        call_command("import_articles", str(corpus), verbosity=0)
    assert Article.objects.count() == real
    assert not Article.objects.filter(generated=True).exists()

    call_command("import_articles", str(corpus), "--allow-generated", verbosity=0)
    assert Article.objects.filter(generated=True).count() == 3
    assert Article.objects.filter(generated=False).count() == real


def test_real_articles_may_join_an_archive_of_generated_ones(tmp_path, corpus_dir, gazetteer):
    corpus = _write_records(tmp_path / "made-up.jsonl", [_generated(n) for n in range(2)])
    call_command("import_articles", str(corpus), verbosity=0)
    call_command("import_articles", str(corpus_dir), verbosity=0)
    assert Article.objects.filter(generated=True).count() == 2
    assert Article.objects.filter(generated=False).count() == 5


def test_a_run_mixing_real_and_generated_records_is_refused(tmp_path, db):
    corpus = _write_records(
        tmp_path / "mixed.jsonl", [_generated(1), {**_generated(2), "generated": False}]
    )
    report = import_paths([corpus])
    assert "--allow-generated" in report.aborted
    assert not Article.objects.exists()


def test_a_generated_flag_that_is_no_yes_or_no_rejects_the_record(tmp_path, db):
    report = import_paths(
        [_write_records(tmp_path / "odd.jsonl", [_generated(1, generated="maybe")])]
    )
    assert report.created == 0
    assert "generated: 'maybe' is not true or false" in report.rejected[0][1]


def test_the_corpus_generator_marks_its_articles(tmp_path, gazetteer):
    call_command("generate_corpus", count=5, seed=3, out=str(tmp_path), verbosity=0)
    report = import_paths([tmp_path])
    assert report.created == 5
    assert Article.objects.filter(generated=True).count() == 5


def _logged_slugs():
    logged = " ".join(query["sql"] for query in connection.queries)
    return [
        slug for slug in Article.objects.values_list("slug", flat=True) if f"'{slug}'" in logged
    ]


def test_a_long_import_under_debug_keeps_no_log_of_its_batches(tmp_path, gazetteer, settings):
    call_command("generate_corpus", count=12, seed=3, out=str(tmp_path), verbosity=0)
    settings.DEBUG = True
    report = import_paths([tmp_path], batch_size=3, workers=1)
    assert report.created == 12
    assert connection.queries, "DEBUG logs statements"
    assert _logged_slugs() == []


def test_generating_into_the_database_under_debug_keeps_no_log_of_its_batches(gazetteer, settings):
    settings.DEBUG = True
    write_into_database(12, seed=3, batch_size=3, workers=1)
    assert Article.objects.count() == 12
    assert connection.queries, "DEBUG logs statements"
    assert _logged_slugs() == []
