"""Bad input is rejected with its place and a reason; the rest of the run goes on."""

import json

import pytest
from django.core.management import CommandError, call_command

from articles.importing import import_paths
from articles.models import ActorMention, Article, LocationMention, Suggestion
from benchmarking.corpus import mojibake

pytestmark = pytest.mark.django_db

GOOD = "Kyiv report\n\nKyiv held through the night, the mayor said."


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    return tmp_path


def rejected(report):
    return {where: reason for where, reason in report.rejected}


def test_empty_file(folder, gazetteer):
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_text(" \n\n \r\n", encoding="utf-8")
    report = import_paths([folder])
    assert rejected(report) == {
        str(folder / "empty.txt"): "empty file",
        str(folder / "blank.txt"): "no text: the record has no 'body' or 'text', or it is empty",
    }
    assert report.created == 1


def test_binary_file(folder, gazetteer):
    (folder / "scan.txt").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj")
    (folder / "blob.txt").write_bytes(bytes(range(256)))
    report = import_paths([folder])
    assert rejected(report) == {
        str(folder / "scan.txt"): "binary file (a PDF document), not text",
        str(folder / "blob.txt"): "binary file (contains NUL bytes), not text",
    }
    assert report.created == 1


def test_unknown_encoding_is_rejected_by_name_never_mojibake(folder, gazetteer):
    (folder / "legacy.txt").write_bytes("Звіт\n\nКиїв тримається.".encode("cp1251"))
    report = import_paths([folder])
    reason = rejected(report)[str(folder / "legacy.txt")]
    assert reason.startswith("not UTF-8 text (byte 0x")
    assert "--encoding" in reason
    assert Article.objects.count() == 1


def test_broken_json_line_rejects_only_that_line(folder, gazetteer):
    (folder / "x.jsonl").write_text(
        json.dumps({"title": "A", "body": "Kyiv."})
        + '\n{"title": "B", "body": \n'
        + "[1, 2]\n"
        + json.dumps({"title": "C", "body": "Odesa."})
        + "\n",
        encoding="utf-8",
    )
    report = import_paths([folder / "x.jsonl"])
    assert rejected(report) == {
        f"{folder / 'x.jsonl'}:2": "broken JSON line: Expecting value at character 25",
        f"{folder / 'x.jsonl'}:3": "expected a JSON object, found an array",
    }
    assert sorted(Article.objects.values_list("title", flat=True)) == ["A", "C"]


def test_broken_json_array_keeps_the_records_before_the_break(folder, gazetteer):
    (folder / "x.json").write_text(
        '[{"title": "A", "body": "Kyiv."},\n {"title": "B", "body": "Odesa."}\n {"title": "C"',
        encoding="utf-8",
    )
    report = import_paths([folder / "x.json"])
    assert rejected(report) == {
        str(folder / "x.json"): "broken JSON at line 3: expected ',' or ']' between records"
    }
    assert sorted(Article.objects.values_list("title", flat=True)) == ["A", "B"]


def test_csv_without_a_text_column_is_rejected_whole(folder, gazetteer):
    (folder / "x.csv").write_text("title,source\nA,Meduza\n", encoding="utf-8")
    report = import_paths([folder])
    assert rejected(report) == {
        str(
            folder / "x.csv"
        ): "the CSV header has no 'body' or 'text' column (columns: title, source)"
    }
    assert report.created == 1


def test_csv_row_missing_a_field_is_rejected_alone(folder, gazetteer):
    (folder / "x.csv").write_text(
        "title,body,source\nA,Kyiv.,Meduza\nB,Odesa.\nC,Lviv.,\n", encoding="utf-8"
    )
    report = import_paths([folder / "x.csv"])
    assert rejected(report) == {
        f"{folder / 'x.csv'}:3": "2 fields where the header has 3 (title, body, source)"
    }
    assert sorted(Article.objects.values_list("title", flat=True)) == ["A", "C"]


def test_record_without_text(folder, gazetteer):
    (folder / "x.jsonl").write_text(
        json.dumps({"title": "No body"}) + "\n" + json.dumps({"title": "Blank", "text": "  "}),
        encoding="utf-8",
    )
    (folder / "only-furniture.txt").write_text("Headline\n\npost-img\n\n2 min to read\n")
    report = import_paths([folder])
    reasons = rejected(report)
    assert reasons[f"{folder / 'x.jsonl'}:1"].startswith("no text")
    assert reasons[f"{folder / 'x.jsonl'}:2"].startswith("no text")
    assert reasons[str(folder / "only-furniture.txt")] == (
        "no text left once the headline and site furniture are removed"
    )
    assert report.created == 1


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        (
            "published",
            "sometime in May",
            "published: 'sometime in May' is not a date (use YYYY-MM-DD)",
        ),
        ("published", "2999-01-01", "published: 2999-01-01 is not a plausible publication date"),
        (
            "published",
            "Updated recently",
            "published: 'Updated recently' is not a date (use YYYY-MM-DD)",
        ),
        ("published", "04/03/2022", "published: '04/03/2022' is not a date (use YYYY-MM-DD)"),
        ("published", 12345, "published: '12345' is not a date (use YYYY-MM-DD)"),
        ("published", 99999999999, "published: '99999999999' is not a date (use YYYY-MM-DD)"),
        ("published", True, "published: expected a date, found bool"),
        ("url", "javascript:alert(1)", "url: 'javascript:alert(1)' is not an http(s) URL"),
        (
            "language",
            "Klingon",
            "language: 'Klingon' is not one of en, uk, ru, de, fr, pl, es, it, be, ro, und",
        ),
        ("title", ["a", "list"], "title: expected text, found list"),
    ],
)
def test_malformed_fields_reject_the_record_with_the_field_named(
    folder, gazetteer, field, value, reason
):
    (folder / "x.jsonl").write_text(json.dumps({"body": "Kyiv held.", field: value}))
    report = import_paths([folder / "x.jsonl"])
    assert rejected(report) == {f"{folder / 'x.jsonl'}:1": reason}
    assert Article.objects.count() == 0


def test_invalid_front_matter(folder, gazetteer):
    (folder / "x.md").write_text("---\ntitle: [unclosed\n---\nKyiv held.\n", encoding="utf-8")
    report = import_paths([folder / "x.md"])
    assert rejected(report)[str(folder / "x.md")].startswith("invalid YAML front matter")


def test_missing_path_and_unsupported_file(folder, gazetteer):
    (folder / "notes.docx").write_bytes(b"PK\x03\x04")
    report = import_paths([folder / "nope", folder / "notes.docx", folder / "good.txt"])
    assert rejected(report) == {
        str(folder / "nope"): "no such file or folder",
        str(folder / "notes.docx"): "unsupported file type .docx",
    }
    assert report.created == 1


def test_command_reports_rejections_and_exits_non_zero(folder, gazetteer, capsys):
    (folder / "empty.txt").write_bytes(b"")
    with pytest.raises(CommandError, match="1 rejected; the rest was imported"):
        call_command("import_articles", str(folder), "--no-progress")
    out, err = capsys.readouterr()
    assert f"rejected {folder / 'empty.txt'}: empty file" in err
    assert "1 created" in " ".join(out.split())
    assert Article.objects.count() == 1


def test_a_database_failure_leaves_no_half_written_article(tmp_path, gazetteer):
    """A write the database refuses (here a trigger standing in for any failure
    at the last step, the mentions) takes its article with it; the batch's other
    articles are written whole."""
    from django.db import connection

    (tmp_path / "a.txt").write_text("Odesa report\n\nOdesa held.", encoding="utf-8")
    (tmp_path / "b.txt").write_text(
        "Island report\n\nSnake Island was retaken, Colonel Ivan Petrenko said."
    )
    (tmp_path / "c.txt").write_text("Lviv report\n\nLviv held, Colonel Olena Petrenko said.")
    table = LocationMention._meta.db_table
    snake = "(SELECT id FROM articles_location WHERE slug = 'snake-island')"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION refuse_snake() RETURNS trigger AS $$ BEGIN "
                f"IF NEW.location_id = {snake} THEN "
                "RAISE EXCEPTION 'refused' USING ERRCODE = '23514'; END IF; "
                "RETURN NEW; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                f"CREATE TRIGGER refuse_snake BEFORE INSERT ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION refuse_snake()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER refuse_snake BEFORE INSERT ON {table} "
                f"WHEN NEW.location_id = {snake} BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )
    report = import_paths([tmp_path])
    assert [where for where, _ in report.rejected] == [str(tmp_path / "b.txt")]
    assert sorted(Article.objects.values_list("provenance", flat=True)) == ["a.txt", "c.txt"]
    assert not ActorMention.objects.exclude(article__in=Article.objects.all()).exists()
    assert not LocationMention.objects.exclude(article__in=Article.objects.all()).exists()
    assert list(Suggestion.objects.values_list("name", "article_count")) == [("Olena Petrenko", 1)]


def test_mojibake_is_repaired_and_found_by_search(folder, gazetteer, client):
    title = "Zelensky on the front – as it happened"
    body = "Україна тримає оборону біля Києва, заявив мер.\n\nCafé owners in Mikuláš reopened."
    (folder / "mangled.jsonl").write_text(
        json.dumps({"title": mojibake(title), "body": mojibake(body)}, ensure_ascii=False)
        + "\n"
        + json.dumps({"title": "Mikuláš Bek in Prague", "body": "Mikuláš Bek spoke – briefly."}),
        encoding="utf-8",
    )
    report = import_paths([folder / "mangled.jsonl"])
    assert not report.rejected
    repaired = Article.objects.get(title=title)
    assert repaired.body == body
    untouched = Article.objects.get(title="Mikuláš Bek in Prague")
    assert untouched.body == "Mikuláš Bek spoke – briefly."
    response = client.get("/search/", {"q": "Україна"})
    assert [item.slug for item in response.context["page"].items] == [repaired.slug]


def test_html_left_in_a_text_field_becomes_paragraphs(folder, gazetteer, client):
    body = (
        "<p>Air defence over Kyiv held through the night&#8217;s attack.</p>"
        '<p>Second &amp; third <a href="/x">waves</a> came<br>from the south.</p>'
        "<script>track();</script>"
    )
    (folder / "scraped.jsonl").write_text(
        json.dumps({"title": "Night &amp; day over Kyiv", "body": body}) + "\n", encoding="utf-8"
    )
    report = import_paths([folder / "scraped.jsonl"])
    assert not report.rejected
    article = Article.objects.get(title="Night & day over Kyiv")
    assert article.body.startswith(
        "Air defence over Kyiv held through the night’s attack.\n\nSecond & third waves came\n"
    )
    assert article.body.endswith("from the south.")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "&amp;amp;" not in page and "&lt;p&gt;" not in page and "track()" not in page
    response = client.get("/search/", {"q": "waves"})
    assert [item.slug for item in response.context["page"].items] == [article.slug]
