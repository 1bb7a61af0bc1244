"""Every input format, encoding and field of the import."""

import datetime
import json

import pytest

from articles.importing import import_paths
from articles.models import Article, Source

pytestmark = pytest.mark.django_db

BODY = (
    "Russian forces pressed towards Pokrovsk on Tuesday, according to the "
    "Institute for the Study of War.\n\nKyiv said the line held."
)


def only_article():
    (article,) = Article.objects.all()
    return article


def assert_imported(report, created=1):
    assert report.rejected == [] and report.created == created, report


def test_plain_text_takes_its_first_line_as_headline(tmp_path, gazetteer):
    (tmp_path / "a.txt").write_text("Pokrovsk under pressure\n\n" + BODY, encoding="utf-8")
    assert_imported(import_paths([tmp_path]))
    article = only_article()
    assert article.title == "Pokrovsk under pressure"
    assert article.body == BODY
    assert article.provenance == "a.txt"
    assert article.language == "en"
    assert article.word_count == len(BODY.split())
    assert set(article.locations.values_list("slug", flat=True)) == {"pokrovsk", "kyiv"}
    assert list(article.actors.values_list("slug", flat=True)) == ["institute-for-the-study-of-war"]


def test_markdown_with_front_matter(tmp_path, gazetteer):
    (tmp_path / "report.md").write_text(
        "---\n"
        "title: Pokrovsk under pressure\n"
        "source: Institute for the Study of War\n"
        "authors: [Jane Doe, John Roe]\n"
        "url: https://example.org/pokrovsk\n"
        "published: 2024-05-26\n"
        "language: English\n"
        "tags: [front, donetsk]\n"
        "---\n"
        "## What happened\n\n"
        "Russian forces pressed towards [Pokrovsk](https://example.org/p) on Tuesday.\n\n"
        "![map](map.png)\n\n"
        "**Kyiv** said the line held.\n",
        encoding="utf-8",
    )
    assert_imported(import_paths([tmp_path]))
    article = only_article()
    assert article.title == "Pokrovsk under pressure"
    assert article.source.name == "Institute for the Study of War"
    assert article.source.kind == Source.Kind.THINK_TANK
    assert article.authors == ["Jane Doe", "John Roe"]
    assert article.url == "https://example.org/pokrovsk"
    assert article.published == datetime.date(2024, 5, 26)
    assert article.tags == ["front", "donetsk"]
    assert article.paragraphs == [
        "What happened",
        "Russian forces pressed towards Pokrovsk on Tuesday.",
        "Kyiv said the line held.",
    ]


def test_json_lines_one_article_a_line(tmp_path, gazetteer):
    records = [
        {"title": "One", "body": "Kyiv held.", "source": "Meduza", "published": "2023-02-01"},
        {"title": "Two", "text": "Kharkiv held.", "authors": "A. Writer; B. Writer"},
    ]
    (tmp_path / "export.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n\n", encoding="utf-8"
    )
    assert_imported(import_paths([tmp_path / "export.jsonl"]), created=2)
    one, two = Article.objects.order_by("title")
    assert (one.title, one.source.name, one.published) == (
        "One",
        "Meduza",
        datetime.date(2023, 2, 1),
    )
    assert (two.body, two.authors) == ("Kharkiv held.", ["A. Writer", "B. Writer"])
    assert one.provenance == "export.jsonl:1" and two.provenance == "export.jsonl:2"


@pytest.mark.parametrize(
    "published",
    [
        "2022/03/04",
        1646395200,
        "1646395200",
        1646395200000,
        "1646395200000",
        "Updated March 4, 2022",
        "Published: 4 March 2022",
        "Last updated on 4 March 2022, 10:32 AM EST",
        "Оновлено 4 березня 2022",
        "Опубліковано: 04.03.2022",
    ],
)
def test_published_is_read_in_the_shapes_exports_write_it(tmp_path, gazetteer, published):
    record = {"title": "One", "body": "Kyiv held.", "published": published}
    (tmp_path / "x.jsonl").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    assert_imported(import_paths([tmp_path / "x.jsonl"]))
    assert only_article().published == datetime.date(2022, 3, 4)


def test_json_array_and_single_object(tmp_path, gazetteer):
    (tmp_path / "many.json").write_text(
        json.dumps([{"title": f"Report {n}", "body": f"Kyiv, day {n}."} for n in range(3)]),
        encoding="utf-8",
    )
    (tmp_path / "one.json").write_text(
        json.dumps({"title": "Single", "body": "Odesa."}, indent=2), encoding="utf-8"
    )
    assert_imported(import_paths([tmp_path]), created=4)
    assert Article.objects.get(title="Report 2").provenance == "many.json#3"


def test_json_array_larger_than_the_read_buffer_streams(tmp_path, gazetteer, monkeypatch):
    from articles.importing import readers

    monkeypatch.setattr(readers, "CHUNK", 64)  # force many refills mid-value
    records = [{"title": f"Report {n}", "body": "Kyiv " * (n + 20)} for n in range(30)]
    (tmp_path / "big.json").write_text(json.dumps(records, indent=1), encoding="utf-8")
    assert_imported(import_paths([tmp_path]), created=30)


def test_csv_with_a_header_row(tmp_path, gazetteer):
    (tmp_path / "export.csv").write_text(
        "Title,Body,Source,Published,Tags\n"
        'Kyiv at night,"Kyiv went dark.\n\nThe city held.",Kyiv Post,2024-01-02,"a, b"\n'
        "Odesa port,Odesa shipped grain.,,,\n",
        encoding="utf-8",
    )
    assert_imported(import_paths([tmp_path]), created=2)
    kyiv = Article.objects.get(title="Kyiv at night")
    assert kyiv.paragraphs == ["Kyiv went dark.", "The city held."]
    assert kyiv.source.name == "Kyiv Post" and kyiv.tags == ["a", "b"]
    assert Article.objects.get(title="Odesa port").source is None
    assert kyiv.provenance == "export.csv:2"


def test_manifest_adds_metadata_to_plain_text_files(tmp_path, gazetteer):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Kyiv report\n\nKyiv held.", encoding="utf-8")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(
        "file,source,url,published,authors\n"
        "a.txt,The Brussels Times,https://example.org/a,2022-09-15,Jane Doe\n"
        "missing.txt,X,,,\n",
        encoding="utf-8",
    )
    report = import_paths([corpus], manifest=manifest)
    assert_imported(report)
    article = only_article()
    assert article.source.name == "The Brussels Times"
    assert article.source.kind == Source.Kind.NEWS_OUTLET
    assert (article.url, article.published) == ("https://example.org/a", datetime.date(2022, 9, 15))
    assert article.authors == ["Jane Doe"]
    assert any("missing.txt" in warning for warning in report.warnings)


def test_json_manifest_keyed_by_file_name(tmp_path, gazetteer):
    (tmp_path / "a.txt").write_text("Kyiv report\n\nKyiv held.", encoding="utf-8")
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"a.txt": {"source": "Meduza"}}), encoding="utf-8")
    assert_imported(import_paths([tmp_path / "a.txt"], manifest=manifest))
    assert only_article().source.name == "Meduza"


@pytest.mark.parametrize(
    "encoded",
    [
        "\ufeffKyiv report\r\n\r\nКиїв тримається.\r\n".encode(),
        "Kyiv report\r\n\r\nКиїв тримається.\r\n".encode("utf-16"),
        "Kyiv report\n\nКиїв тримається.\n".encode(),
    ],
    ids=["utf-8 BOM and CRLF", "utf-16 with BOM", "utf-8"],
)
def test_unicode_encodings_are_read_correctly(tmp_path, gazetteer, encoded):
    (tmp_path / "a.txt").write_bytes(encoded)
    assert_imported(import_paths([tmp_path]))
    article = only_article()
    assert (article.title, article.body) == ("Kyiv report", "Київ тримається.")
    assert article.language == "und"  # two words: too few to tell a language by
    assert list(article.locations.values_list("slug", flat=True)) == ["kyiv"]


def test_a_legacy_encoding_is_read_when_named(tmp_path, gazetteer):
    (tmp_path / "a.txt").write_bytes("Звіт\n\nКиїв тримається.".encode("cp1251"))
    report = import_paths([tmp_path], encoding="cp1251")
    assert_imported(report)
    assert only_article().body == "Київ тримається."


def test_unknown_fields_are_reported_once(tmp_path, gazetteer):
    lines = [json.dumps({"title": f"T{n}", "body": f"Kyiv {n}.", "id": n}) for n in range(3)]
    (tmp_path / "x.jsonl").write_text("\n".join(lines), encoding="utf-8")
    report = import_paths([tmp_path])
    assert_imported(report, created=3)
    assert [w for w in report.warnings if "'id'" in w] == [
        f"unknown field 'id' ignored (first in {tmp_path / 'x.jsonl'}:1)"
    ]


def test_folders_are_read_recursively_and_non_articles_skipped(tmp_path, gazetteer):
    (tmp_path / "2024" / "may").mkdir(parents=True)
    (tmp_path / "2024" / "may" / "a.txt").write_text("Kyiv\n\nKyiv held.", encoding="utf-8")
    (tmp_path / "README.md").write_text("# About this corpus", encoding="utf-8")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    (tmp_path / ".hidden.txt").write_text("Hidden\n\nNot an article.", encoding="utf-8")
    report = import_paths([tmp_path])
    assert_imported(report)
    assert report.skipped_files == 2
    assert only_article().provenance == "2024/may/a.txt"
