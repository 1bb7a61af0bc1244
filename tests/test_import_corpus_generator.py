"""The synthetic corpus generator (its articles and the publishers' tricks it
plays, found by their structure) and the import benchmark, at a tiny size."""

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.importing import import_paths
from articles.importing.records import parse_date
from articles.models import Article, Language, Suggestion
from benchmarking.corpus import CorpusGenerator

from .conftest import ROOT

pytestmark = pytest.mark.django_db


def read_corpus(folder):
    return [
        json.loads(line)
        for path in sorted(folder.glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]


def counted(summary, what):
    """The number before ``what`` in an import's summary."""
    return int(re.search(rf"([\d,]+) {what}", summary)[1].replace(",", ""))


def keep_one_record_a_url(folder):
    """The corpus without its translations, which share their original's URL."""
    seen = set()
    for path in sorted(folder.glob("*.jsonl")):
        kept = []
        for line in path.read_text(encoding="utf-8").splitlines():
            url = json.loads(line)["url"]
            if url not in seen:
                seen.add(url)
                kept.append(line + "\n")
        path.write_text("".join(kept), encoding="utf-8")


def test_same_seed_same_corpus_however_it_is_split(tmp_path):
    call_command("generate_corpus", count=30, seed=5, out=str(tmp_path / "a"), verbosity=0)
    call_command(
        "generate_corpus", count=30, seed=5, out=str(tmp_path / "b"), per_file=7, verbosity=0
    )
    call_command("generate_corpus", count=30, seed=6, out=str(tmp_path / "c"), verbosity=0)
    a, b, c = (read_corpus(tmp_path / name) for name in "abc")
    assert a == b
    assert len(a) == 30 and a != c
    assert len({(record["url"], record["language"]) for record in a}) == 30


def test_generated_articles_look_like_the_archive():
    generator = CorpusGenerator(seed=1)
    records = [generator.article(n) for n in range(400)]
    languages = [record["language"] for record in records]
    assert languages.count("en") > 300 and "uk" in languages and "ru" in languages
    years = {parse_date(record["published"]).year for record in records if "published" in record}
    assert {2022, 2023, 2024, 2025} <= years
    words = sorted(len(record["body"].split()) for record in records)
    assert 250 < words[len(words) // 2] < 900  # the median article
    sources = [record["source"] for record in records]
    assert sources.count(sources[0]) > 1 and len(set(sources)) > 10  # a few big, many small


def test_a_generated_corpus_imports_cleanly_with_long_tailed_mentions(tmp_path, gazetteer):
    call_command("generate_corpus", count=120, seed=2, out=str(tmp_path), verbosity=0)
    records = read_corpus(tmp_path)
    report = import_paths([tmp_path])
    assert report.rejected_count == 0
    # A translation shares its original's URL: kept, or skipped as a duplicate.
    translations = len(records) - len({record["url"] for record in records})
    assert translations > 0
    assert report.created + report.duplicate_count == 120
    assert report.duplicate_count <= translations
    assert report.suggestions > 0
    assert Article.objects.filter(language=Language.UKRAINIAN).exists()
    counts = sorted(
        (
            Article.objects.filter(locations__slug=slug).count()
            for slug in Article.objects.values_list("locations__slug", flat=True).distinct()
            if slug
        ),
        reverse=True,
    )
    assert counts[0] > 5 * counts[len(counts) // 2]  # a few very common, most rare
    # The newspaper's middle initials ("Marta K. Moroz") are part of the name.
    suggested = list(Suggestion.objects.values_list("name", "forms"))
    assert not [name for name, _ in suggested if re.search(r"\b[A-Z]$", name)]
    assert [forms for _, forms in suggested if any(re.search(r" [A-Z]\. ", f) for f in forms)]


def test_benchmark_runs_at_a_tiny_size(tmp_path, capsys):
    call_command(
        "benchmark",
        "import",
        "--count=20",
        "--seed=4",
        f"--corpus={tmp_path / 'corpus'}",
        f"--database-url=sqlite:///{tmp_path / 'bench.sqlite3'}",
        f"--json={tmp_path / 'figures.json'}",
    )
    out = capsys.readouterr().out
    assert "first import" in out and "second import" in out
    figures = json.loads((tmp_path / "figures.json").read_text())
    first, second = figures["first_import"]["summary"], figures["second_import"]["summary"]
    assert "0 rejected" in first and "0 rejected" in second
    assert counted(first, "created") + counted(first, "duplicates") == 20
    assert counted(second, "unchanged") + counted(second, "duplicates") == 20
    assert figures["first_import"]["peak_memory_mb"] > 0
    assert not (tmp_path / "bench.sqlite3").exists()  # dropped afterwards


def test_an_import_killed_half_way_leaves_whole_articles_and_completes_on_rerun(tmp_path):
    """kill -9 in the middle of a run: every article written is whole (its
    mentions are those its text gives), and running again completes the corpus
    without duplicates."""
    call_command("generate_corpus", count=600, seed=9, out=str(tmp_path / "corpus"), verbosity=0)
    keep_one_record_a_url(tmp_path / "corpus")
    total = len(read_corpus(tmp_path / "corpus"))
    database = tmp_path / "killed.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DEBUG": "1"}

    def manage(*args, **kwargs):
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, **kwargs
        )

    manage("migrate", "-v0")
    manage("load_gazetteer", "-v0")
    command = ["import_articles", str(tmp_path / "corpus"), "--batch-size", "25", "--workers", "1"]
    process = subprocess.Popen(
        [sys.executable, "manage.py", *command, "--no-progress"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def written():
        with closing(sqlite3.connect(database)) as db:
            return db.execute("SELECT count(*) FROM articles_article").fetchone()[0]

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None and written() < 50:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    killed_at = written()
    assert 0 < killed_at < total

    # Every article written is whole: relinking it changes nothing.
    relink = manage("relink_articles", "--no-suggestions", capture_output=True, text=True)
    assert f"{killed_at:,} articles read, 0 changed" in relink.stdout

    rerun = manage(*command, "--no-progress", capture_output=True, text=True)
    summary = " ".join(rerun.stdout.split())
    assert f"{total - killed_at:,} created" in summary
    # The articles written before the kill are unchanged, or cleaned again with
    # the furniture their source has learned since (see importing/learning.py).
    counted = dict(
        (label, int(number.replace(",", "")))
        for number, label in re.findall(r"([\d,]+) (unchanged|updated)\b", summary)
    )
    assert counted["unchanged"] + counted["updated"] == killed_at
    assert written() == total


def test_files_and_database_rows_hold_the_same_articles(tmp_path, gazetteer):
    call_command("generate_corpus", count=25, seed=3, out=str(tmp_path), verbosity=0)
    call_command("generate_corpus", count=25, seed=3, into_database=True, verbosity=0)
    written = {
        (record["url"], record["title"], record["body"], record["language"])
        for record in read_corpus(tmp_path)
    }
    stored = set(Article.objects.values_list("url", "title", "body", "language"))
    assert Article.objects.count() == 25 and stored == written


def test_generate_corpus_asks_for_one_output(tmp_path):
    with pytest.raises(CommandError, match="either --out DIR or --into-database"):
        call_command("generate_corpus", count=5, verbosity=0)
    with pytest.raises(CommandError, match="--workers goes with --into-database"):
        call_command("generate_corpus", count=5, out=str(tmp_path), workers=2, verbosity=0)


def test_export_benchmark_fills_an_empty_database_then_streams_it(tmp_path, capsys):
    figures_path = tmp_path / "export.json"
    call_command("benchmark", "export", "--synthesize=30", f"--json={figures_path}")
    assert Article.objects.published().count() == 30
    figures = json.loads(figures_path.read_text())
    assert figures["format"] == "csv" and figures["lines"] > 1
    assert "csv: " in capsys.readouterr().out
    with pytest.raises(CommandError, match="without articles"):
        call_command("benchmark", "export", "--synthesize=30")


def first_of_each_kind(generator, kinds, wanted=lambda kind, record: True):
    """The first original (not syndicated) record of each of ``kinds``
    (``{kind: test of a body}``) among the generator's first 3,000."""
    found = {}
    for n in range(3000):
        record = generator.article(n)
        if "/partners/" in record["url"]:
            continue
        for kind, marked in kinds.items():
            if kind not in found and marked(record["body"]) and wanted(kind, record):
                found[kind] = record
    assert found.keys() == kinds.keys()
    return found


def import_records(folder, records):
    (folder / "records.jsonl").write_text(
        "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records),
        encoding="utf-8",
    )
    assert not import_paths([folder]).rejected


def test_scraped_marks_in_the_generated_corpus_are_cleaned_by_the_import(tmp_path, gazetteer):
    generator = CorpusGenerator(seed=11)
    kinds = {
        "html": lambda body: body.startswith("<p>"),
        "mojibake": lambda body: "Ð" in body or "â€" in body,
        "dateline": lambda body: re.match(r"\d{1,2} \w+ \d{4} (?:року|года) - \d", body),
        "inline dateline": lambda body: re.match(r"(?:Київ|Москва), \d{1,2} \w+ — ", body),
        "byline": lambda body: body.startswith("Автор: "),
        "promos": lambda body: re.search(r"Читайте (?:також|также)|Подпис|Підпис", body),
    }
    found = first_of_each_kind(generator, kinds)
    import_records(tmp_path, found.values())
    for kind, record in found.items():
        article = Article.objects.get(url=record["url"], language=record["language"])
        assert not any(marked(article.body) for marked in kinds.values()), kind
        assert "<p>" not in article.body and "&amp;" not in article.body
    byline = Article.objects.get(url=found["byline"]["url"], language=found["byline"]["language"])
    assert byline.authors == found["byline"]["authors"]


PLACE_DATELINE = re.compile(r"^[A-Z]{4,}(?:, Ukraine)? — ", re.M)
BYLINE_WITH_TAIL = re.compile(r"^By [^\n]*(?: in [A-Z]|, Staff|, Kyiv corr)[^\n]*$", re.M)


def test_publishers_marks_in_the_generated_corpus_are_cleaned_by_the_import(tmp_path, gazetteer):
    generator = CorpusGenerator(seed=11)
    kinds = {
        "page": lambda text: (
            re.search(r"Share this article|Updated at |Read more:|\(Reporting by", text)
            or PLACE_DATELINE.search(text)
        ),
        "report": lambda text: re.search(r"[a-z]\.(?:\d|[¹²³⁴⁵⁶⁷⁸⁹])|https://", text),
        "release": lambda text: "FOR IMMEDIATE RELEASE" in text or "Media Contact:" in text,
        "endnote list": lambda text: re.search(
            r"^(?:Endnotes|Sources)$|daily report, morn", text, re.M
        ),
        "byline": lambda text: BYLINE_WITH_TAIL.search(text),
    }
    # The byline's record has no authors, so that the byline fills them; the
    # page's opens with a place alone.
    found = first_of_each_kind(
        generator,
        kinds,
        wanted=lambda kind, record: (
            (kind != "byline" or "authors" not in record)
            and (kind != "page" or PLACE_DATELINE.search(record["body"]))
        ),
    )
    import_records(tmp_path, found.values())
    for kind, record in found.items():
        article = Article.objects.get(url=record["url"], language=record["language"])
        assert not any(marked(article.lede + article.body) for marked in kinds.values()), kind
    byline = Article.objects.get(url=found["byline"]["url"])
    names = BYLINE_WITH_TAIL.search(found["byline"]["body"]).group(0)
    assert byline.authors and all(author in names for author in byline.authors)
    assert not any(word in " ".join(byline.authors) for word in (" in ", "Staff", "Kyiv corr"))
    page = Article.objects.get(url=found["page"]["url"])
    rules = {item.get("rule") for item in page.furniture}
    assert {
        "read-more link",
        "wire credit",
        "caption with a credit in brackets",
        "newsletter notice",
        "web address line",
        "separator line",
        "here prompt",
    } <= rules
    assert any(item["kind"] == "dateline" and item.get("inline") for item in page.furniture)
    report_article = Article.objects.get(url=found["report"]["url"])
    assert any(item["kind"] == "footnote" for item in report_article.furniture)
    release = Article.objects.get(url=found["release"]["url"])
    assert [item["text"] for item in release.furniture if item["kind"] == "notice"][-2:] == [
        "Media Contact:",
        f"press@{found['release']['url'].split('/')[2]}",
    ]


WIRE_KINDS = {
    "time in published": lambda record: ":" in record.get("published", ""),
    "label": lambda record: re.search(
        r"^(?:UPDATE|EXCLUSIVE|ANALYSIS) [—-] ", record["body"], re.M
    ),
    "standfirst": lambda record: re.search(
        r"^[A-Z]{4,}, \w{3} \d{1,2} \(Newswire\) — ", record["body"], re.M
    ),
    "promo": lambda record: re.search(r"[a-z]\. (?:READ MORE|Also read): ", record["body"]),
    "cyrillic promo": lambda record: re.search(r"\. Читайте (?:також|также): ", record["body"]),
    "own name": lambda record: re.search(
        r"could not independently verify|questions from the ", record["body"]
    ),
    "endnote tail": lambda record: "The views expressed in this report" in record["body"],
}


def test_wire_marks_in_the_generated_corpus_are_cleaned_by_the_import(tmp_path, gazetteer):
    generator = CorpusGenerator(seed=11)
    found = {}
    for n in range(3000):
        if generator.is_copy(n):
            continue
        record = generator.article(n)
        for kind, marked in WIRE_KINDS.items():
            if kind not in found and marked(record):
                found[kind] = record
    assert found.keys() == WIRE_KINDS.keys()
    import_records(tmp_path, found.values())
    articles = {
        kind: Article.objects.get(url=record["url"], language=record["language"])
        for kind, record in found.items()
    }
    for kind, article in articles.items():
        record = {**found[kind], "body": article.lede + "\n\n" + article.body}
        taken_out = ("label", "standfirst", "promo", "cyrillic promo")
        assert not any(WIRE_KINDS[mark](record) for mark in taken_out), kind
    stamped = found["time in published"]
    assert articles["time in published"].published.isoformat() == "-".join(
        stamped["url"].split("/")[3:6]
    )
    rules = lambda kind: {item.get("rule") for item in articles[kind].furniture}  # noqa: E731
    assert "label" in rules("label")
    assert {"read-more link"} <= rules("promo") & rules("cyrillic promo")
    assert any(
        "(Newswire) — " in item["text"]
        for item in articles["standfirst"].furniture
        if item["kind"] == "dateline"
    )
    tail = articles["endnote tail"]
    assert "situation report" not in tail.body and "\n\nRelated\n\n" not in tail.body
    assert {"endnote", "endnotes heading", "teaser links"} <= rules("endnote tail")
    own = found["own name"]["source"].removesuffix(" (generated)").removeprefix("The ")
    names = set(Suggestion.objects.values_list("name", flat=True))
    assert own not in names and not any(own in name for name in names)
