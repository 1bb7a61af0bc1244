"""The import as a whole: the seed corpus, idempotency, updates, duplicates,
dry runs, suggestions and the command's output."""

import io
import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from articles.importing import import_paths
from articles.importing.parallel import prepare_batch
from articles.importing.readers import RawRecord
from articles.importing.suggestions import recompute_suggestions
from articles.importing.writer import SlugAllocator
from articles.linking import Gazetteer, relink_articles
from articles.models import (
    Actor,
    ActorAlias,
    ActorMention,
    Article,
    LocationMention,
    Source,
    SourceMention,
    Suggestion,
)

from .conftest import CORPUS_DIR

pytestmark = pytest.mark.django_db

# What a researcher reading each seed text finds named in it (gazetteer slugs).
SEED_ENTITIES = {
    "000": {
        "actors": {
            "kremlin",
            "institute-for-the-study-of-war",
            "vladimir-putin",
            "russian-foreign-ministry",
            "armed-forces-of-ukraine",
            "russia",
            "ukraine",
        },
        "locations": {"kyiv", "moscow", "starobilsk", "russia", "ukraine"},
    },
    "001": {
        "actors": {
            "kremlin",
            "russia",
            "ukraine",
            "united-states",
            "volodymyr-zelensky",
            "iran",
            "red-cross",  # in a Ukrainian caption: "Червоного Хреста"
        },
        "locations": {
            "kyiv",  # also "Києва" in a caption
            "moscow",
            "washington",
            "europe",
            "luhansk-oblast",
            "iran",
            "united-states",
            "kyiv-metro",  # "київського метро", in a caption
            "russia",
            "ukraine",
        },
    },
    "002": {
        "actors": {
            "vladimir-putin",
            "charles-kupchan",
            "council-on-foreign-relations",
            "nato",
            "dmitry-peskov",
            "kremlin",
            "russian-ministry-of-defence",
            "russian-armed-forces",
            "sweden",
            "finland",
            "russia",
            "ukraine",
        },
        "locations": {
            "kyiv",
            "donbas",
            "luhansk-oblast",
            "lysychansk",
            "odesa",
            "sweden",
            "finland",
            "russia",
            "ukraine",
        },
    },
    "003": {
        "actors": {
            "mykola-malomuzh",
            "vladimir-putin",
            "kremlin",
            "united-states",
            "russia",
            "ukraine",
        },
        "locations": {
            "pokrovsk",
            "myrnohrad",
            "kostiantynivka",
            "kupiansk",
            "vovchansk",
            "huliaipole",
            "donetsk-oblast",
            "dnipro-river",  # "reach the Dnipro": the river, not the city
            "left-bank",
            "moscow",
            "washington",
            "united-states",
            "russia",
            "ukraine",
        },
    },
    "004": {
        "actors": {
            "kremlin",
            "vladimir-putin",
            "institute-for-the-study-of-war",
            "russian-ministry-of-defence",
            "uk-ministry-of-defence",
            "defence-intelligence-of-ukraine",
            "united-states",
            "russia",
            "ukraine",
        },
        "locations": {
            "kharkiv-oblast",
            "kharkiv",
            "kyiv",
            "snake-island",
            "crimea",
            "donbas",
            "moscow",
            "united-states",
            "russia",
            "ukraine",
        },
    },
}
# Media outlets named in the texts: sources, linked as the outlets they name.
SEED_OUTLETS = {
    "000": set(),
    "001": {"daycom"},
    "002": {"times-radio", "ria-novosti"},
    "003": {"24-kanal"},
    "004": {"kyiv-independent"},
}
# Named but rightly not linked: in teasers that are not part of the article
# (Belarus, Lithuania, Bulgaria), or too ambiguous for the gazetteer
# ("Foreign Intelligence Service" is Ukraine's SZRU or Russia's SVR): the
# latter waits as a suggestion.
NOT_LINKED = {"002": {"belarus", "lithuania", "bulgaria"}, "003": {"dnipro"}}


def seed_article(prefix):
    return Article.objects.get(provenance__startswith=prefix)


def test_seed_corpus_links_every_actor_and_place_it_names(seed_archive):
    assert Article.objects.count() == 5
    for prefix, expected in SEED_ENTITIES.items():
        article = seed_article(prefix)
        assert set(article.actors.values_list("slug", flat=True)) == expected["actors"], prefix
        assert set(article.locations.values_list("slug", flat=True)) == expected["locations"]
        linked = set(article.locations.values_list("slug", flat=True))
        assert not linked & NOT_LINKED.get(prefix, set())
        outlets = set(article.source_mentions.values_list("source__slug", flat=True))
        assert outlets == SEED_OUTLETS[prefix], prefix


def test_seed_corpus_mention_counts(seed_archive):
    putin = dict(
        ActorMention.objects.filter(actor__slug="vladimir-putin").values_list(
            "article__provenance", "count"
        )
    )
    assert putin["002_f2b8103e7484151a.txt"] == 12  # "Putin", "Putin’s", "Vladimir Putin"
    kyiv = LocationMention.objects.get(article=seed_article("001"), location__slug="kyiv")
    assert kyiv.count == 11  # ten in English and "Києва" in a caption


def test_seed_corpus_metadata(seed_archive):
    assert seed_article("004").source.name == "The Brussels Times"
    assert seed_article("004").source.kind == Source.Kind.NEWS_OUTLET
    for prefix in ["000", "001", "002", "003"]:
        article = seed_article(prefix)
        assert article.source is None  # the text does not name its publisher
        assert article.published is None  # and no text gives a date
        assert article.language == "en"
    assert Source.objects.filter(articles__isnull=False).distinct().count() == 1


def test_second_run_changes_nothing(seed_archive, capsys):
    before = list(Article.objects.values_list("pk", "slug", "updated", "content_hash"))
    mentions = list(ActorMention.objects.values_list("pk", "count"))
    suggestions = list(Suggestion.objects.values_list("pk", "mention_count", "updated"))
    report = import_paths([CORPUS_DIR])
    assert (report.created, report.updated, report.unchanged) == (0, 0, 5)
    assert list(Article.objects.values_list("pk", "slug", "updated", "content_hash")) == before
    assert list(ActorMention.objects.values_list("pk", "count")) == mentions
    assert list(Suggestion.objects.values_list("pk", "mention_count", "updated")) == suggestions


def test_a_changed_text_updates_its_article_in_place(tmp_path, gazetteer):
    path = tmp_path / "report.txt"
    path.write_text("Kyiv report\n\nKyiv held overnight, Colonel Ivan Petrenko said.")
    import_paths([tmp_path])
    article = Article.objects.get()
    url = article.get_absolute_url()

    path.write_text("Night report, updated\n\nOdesa held overnight, Colonel Olha Marchuk said.")
    report = import_paths([tmp_path])
    assert (report.created, report.updated) == (0, 1)
    article.refresh_from_db()
    assert article.get_absolute_url() == url
    assert article.title == "Night report, updated"
    assert set(article.locations.values_list("slug", flat=True)) == {"odesa"}
    names = dict(Suggestion.objects.values_list("name", "mention_count"))
    assert names == {"Olha Marchuk": 1}  # the old text's name is taken away


def test_a_changed_record_is_found_again_by_its_url(tmp_path, gazetteer):
    path = tmp_path / "feed.jsonl"
    record = {"title": "Kyiv", "body": "Kyiv held.", "url": "https://example.org/1"}
    path.write_text(json.dumps(record))
    import_paths([path])
    slug = Article.objects.get().slug
    path.write_text(json.dumps({**record, "body": "Kyiv held again.", "published": "2024-01-05"}))
    assert import_paths([path]).updated == 1
    article = Article.objects.get()
    assert (article.slug, article.body, str(article.published)) == (
        slug,
        "Kyiv held again.",
        "2024-01-05",
    )


def test_new_metadata_updates_an_unchanged_text_but_never_erases(tmp_path, gazetteer):
    (tmp_path / "a.txt").write_text("Kyiv report\n\nKyiv held.")
    import_paths([tmp_path])
    manifest = tmp_path / "m.json"
    manifest.write_text(json.dumps([{"file": "a.txt", "published": "2023-03-03"}]))
    assert import_paths([tmp_path / "a.txt"], manifest=manifest).updated == 1
    assert str(Article.objects.get().published) == "2023-03-03"
    assert import_paths([tmp_path / "a.txt"]).unchanged == 1  # no date given: kept
    assert str(Article.objects.get().published) == "2023-03-03"


def test_duplicates_inside_one_run_are_reported_not_imported(tmp_path, gazetteer):
    text = "Kyiv report\n\nKyiv held."
    (tmp_path / "a.txt").write_text(text)
    (tmp_path / "b.txt").write_text(text + "\n")  # the same text, spaced differently
    (tmp_path / "feed.jsonl").write_text(
        json.dumps({"title": "Kyiv report", "body": "Kyiv held."})
        + "\n"
        + json.dumps({"title": "Odesa", "body": "Odesa held.", "url": "https://example.org/o"})
        + "\n"
        + json.dumps({"title": "Odesa 2", "body": "Odesa again.", "url": "https://example.org/o"})
    )
    report = import_paths([tmp_path], batch_size=2)
    assert (report.created, report.duplicate_count) == (2, 3)
    assert sorted(Article.objects.values_list("title", flat=True)) == ["Kyiv report", "Odesa"]
    duplicates = dict(report.duplicates)
    assert duplicates[str(tmp_path / "b.txt")] == "same text as a record read earlier in this run"
    assert duplicates[f"{tmp_path / 'feed.jsonl'}:3"] == (
        "same URL and language as a record read earlier in this run"
    )
    # Run again: nothing new, nothing flips to the other version of a URL.
    again = import_paths([tmp_path], batch_size=2)
    assert (again.created, again.updated, again.unchanged, again.duplicate_count) == (0, 0, 2, 3)


def test_dry_run_reports_and_keeps_nothing(gazetteer, capsys):
    sources = Source.objects.count()  # the gazetteer's outlets
    call_command("import_articles", str(CORPUS_DIR), "--dry-run", "--no-progress")
    out = " ".join(capsys.readouterr().out.split())
    assert "Dry run, nothing was kept." in out
    assert "5 would be created" in out
    assert Article.objects.count() == 0
    assert Source.objects.count() == sources
    assert Suggestion.objects.count() == 0
    assert ActorMention.objects.count() == 0
    assert SourceMention.objects.count() == 0


def test_summary_names_every_figure(gazetteer, capsys):
    Source.objects.filter(slug="brussels-times").delete()  # so that the import creates it
    call_command("import_articles", str(CORPUS_DIR), "--no-progress")
    out = " ".join(capsys.readouterr().out.split())
    for phrase in [
        "Read 5 files (5 records)",
        "5 created",
        "0 updated",
        "0 unchanged",
        "0 rejected",
        "actor, place and outlet links written",
        "new suggested names",
        "1 new sources",
    ]:
        assert phrase in out
    links = sum(model.objects.count() for model in (ActorMention, LocationMention, SourceMention))
    assert f"{links} actor, place and outlet links" in out


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_is_quiet_lines_in_a_log_and_a_bar_on_a_terminal(gazetteer):
    log = io.StringIO()
    call_command("import_articles", str(CORPUS_DIR), stdout=io.StringIO(), stderr=log)
    lines = log.getvalue().splitlines()
    assert lines and all(line.startswith("import: ") for line in lines)
    assert "\r" not in log.getvalue()
    assert lines[-1].startswith("import: 100% · 5 records · 5 new")

    terminal = Terminal()
    Article.objects.all().delete()
    call_command("import_articles", str(CORPUS_DIR), stdout=io.StringIO(), stderr=terminal)
    drawn = terminal.getvalue()
    assert "\r" in drawn and "100%" in drawn and "5 records · 5 new" in drawn
    assert "import: " not in drawn


def test_no_progress_leaves_only_the_summary(gazetteer):
    out, err = io.StringIO(), Terminal()
    call_command("import_articles", str(CORPUS_DIR), "--no-progress", stdout=out, stderr=err)
    assert err.getvalue() == ""
    assert "Read 5 files (5 records)" in out.getvalue()


def test_a_rejection_is_printed_above_the_bar(tmp_path, gazetteer):
    (tmp_path / "good.txt").write_text("Kyiv report\n\nKyiv held.", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    terminal = Terminal()
    with pytest.raises(CommandError, match="1 rejected"):
        call_command("import_articles", str(tmp_path), stdout=io.StringIO(), stderr=terminal)
    # The bar's line is cleared, the rejection written on a line of its own.
    assert re.search(r"\rrejected \S*empty\.txt: [^\r\n]+\n", terminal.getvalue())


def test_suggestions_collect_unknown_names_with_counts_and_examples(seed_archive):
    suggestion = Suggestion.objects.get(name="Foreign Intelligence Service")
    assert (suggestion.mention_count, suggestion.article_count) == (1, 1)
    assert suggestion.kind == Suggestion.Kind.ACTOR
    (example,) = suggestion.examples
    assert example["article"] == seed_article("003").slug
    assert "Former chief of the Foreign Intelligence Service" in example["sentence"]
    names = set(Suggestion.objects.values_list("name", flat=True))
    # Known names, demonyms, sentence openers and contractions are not suggested.
    assert not names & {"Kremlin", "Russian", "Russians", "The", "I’m", "Vladimir Putin", "Kyiv"}
    assert "Cold War" in names
    assert "West" not in names  # a generic word, capitalised in "the West"


def test_recompute_follows_the_gazetteer_and_keeps_editors_decisions(seed_archive):
    Suggestion.objects.filter(name="Cold War").update(status=Suggestion.Status.DISMISSED)
    counts = dict(Suggestion.objects.values_list("name", "mention_count"))
    assert recompute_suggestions() == Suggestion.objects.filter(status="pending").count()
    assert dict(Suggestion.objects.values_list("name", "mention_count")) == counts

    # An editor makes "Foreign Intelligence Service" (Malomuzh's) a name of Ukraine's.
    name = "Foreign Intelligence Service"
    (example,) = Suggestion.objects.get(name=name).examples
    service = Actor.objects.get(slug="foreign-intelligence-service-of-ukraine")
    ActorAlias.objects.create(entity=service, name=name)
    relink_articles()
    recompute_suggestions()
    assert not Suggestion.objects.filter(name=name).exists()
    assert Suggestion.objects.get(name="Cold War").status == Suggestion.Status.DISMISSED
    assert ActorMention.objects.filter(actor=service, article__slug=example["article"]).get()


def test_worker_processes_give_the_same_archive_as_one_process(tmp_path, gazetteer):
    """A run of several batches prepares records in worker processes; the
    archive it writes is the one a single process writes."""
    records = [
        {"title": f"Report {n}", "body": f"Kyiv and Odesa, day {n}. Colonel Ivan Petrenko said so."}
        for n in range(7)
    ] + [{"title": "No text"}]
    (tmp_path / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in records))

    def archive():
        return (
            sorted(Article.objects.values_list("title", "body", "language")),
            sorted(
                LocationMention.objects.values_list("article__title", "location__slug", "count")
            ),
            sorted(Suggestion.objects.values_list("name", "mention_count", "article_count")),
        )

    report = import_paths([tmp_path], batch_size=2, workers=2)
    assert (report.created, report.rejected_count) == (7, 1)
    assert _articles_with_stale_search_vectors() == 0
    parallel = archive()
    again = import_paths([tmp_path], batch_size=2, workers=2)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 7)
    assert archive() == parallel
    Article.objects.all().delete()
    Suggestion.objects.all().delete()
    import_paths([tmp_path], batch_size=2, workers=1)
    assert archive() == parallel


def _article_statistics():
    """How the planner's statistics of the article table stand: SQLite's rows of
    them, PostgreSQL's count of ANALYZE runs."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT analyze_count FROM pg_stat_user_tables WHERE relname = 'articles_article'"
            )
            return cursor.fetchone()[0]
        if "sqlite_stat1" not in connection.introspection.table_names(cursor):
            return 0
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'articles_article'")
        return cursor.fetchone()[0]


def test_an_import_that_writes_refreshes_the_planner_statistics(gazetteer):
    """Search plans depend on statistics, which SQLite never gathers by itself
    and autovacuum gathers late: an import that wrote articles gathers them."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # creates sqlite_stat1, to be emptied
            cursor.execute("DELETE FROM sqlite_stat1")
    before = _article_statistics()
    import_paths([CORPUS_DIR], dry_run=True)
    assert _article_statistics() == before
    import_paths([CORPUS_DIR])
    assert _article_statistics() > before


def _articles_with_stale_search_vectors():
    """PostgreSQL: how many articles' search vectors differ from what their
    text gives now (SQLite's FTS5 index has no vectors to compare)."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM articles_article WHERE search_vector IS DISTINCT FROM "
            "articles_search_vector(language, title, lede, body)"
        )
        return cursor.fetchone()[0]


def test_workers_bring_the_search_vectors_the_database_would_compute(gazetteer):
    """On PostgreSQL the preparing workers compute each new article's search
    vector, and the insert keeps it; an edit recomputes it all the same."""
    raws = [
        RawRecord(
            fields={"title": f"Bridge {n}", "body": "Kyiv’s S-300 batteries: Київ, isw.org."},
            where=f"feed.jsonl:{n}",
            provenance=f"feed.jsonl:{n}",
            single=False,
        )
        for n in range(2)
    ]
    results, _ = prepare_batch(raws, gazetteer=Gazetteer.from_database(), vectors=True)
    if connection.vendor == "sqlite":
        assert [r.search_vector for r in results] == [None, None]
        return
    with connection.cursor() as cursor:
        prepared = results[1]
        cursor.execute(
            "SELECT articles_search_vector(%s, %s, %s, %s)::text",
            [prepared.language, prepared.title, prepared.lede, prepared.body],
        )
        assert prepared.search_vector == cursor.fetchone()[0]
        assert "'київ':" in prepared.search_vector
    article = Article.objects.create(
        title="Bridge", slug="bridge", body="Kherson", content_hash="x"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE articles_article SET search_vector = %s::tsvector WHERE id = %s",
            [results[0].search_vector, article.pk],
        )
    assert _articles_with_stale_search_vectors() == 1  # not what a trigger would leave
    Article.objects.filter(pk=article.pk).update(body="Kherson and Mykolaiv")
    assert _articles_with_stale_search_vectors() == 0


def test_repeated_headlines_are_numbered_across_batches_around_slugs_taken_meanwhile():
    def archive(slug):
        Article.objects.create(title=slug, slug=slug, body=slug, content_hash=slug)

    archive("strike")
    archive("strike-damage-2")  # another headline's numbering, not this one's
    allocator = SlugAllocator()
    assert allocator.allocate(["Strike", "Strike!"]) == ["strike-2", "strike-3"]
    archive("strike-2")
    archive("strike-3")
    archive("strike-4")  # an editor's, while the import runs
    assert allocator.allocate(["Strike", "Damage"]) == ["strike-5", "damage"]
    archive("strike-5")
    assert allocator.allocate(["STRIKE"]) == ["strike-6"]
