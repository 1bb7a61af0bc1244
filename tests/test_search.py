"""Search behaviour, through real requests, on whichever database the suite runs
on (it runs twice: SQLite, then PostgreSQL).  The same queries must give the
same articles on both engines; what differs between them is tested in
``TestSQLiteEngine`` and ``TestPostgreSQLEngine``, each skipped on the other
database."""

import importlib
import re
from contextlib import contextmanager
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.db import connection, models
from django.http import QueryDict

from articles.models import Alias, Article, Location, LocationAlias
from articles.search import NEWEST, ROW_FIELDS, get_engine, search_articles
from articles.search.postgres import search_index_method

from .search_corpus import build_corpus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("index_method")]


@pytest.fixture
def corpus(db):
    return build_corpus()


def found(client, **params):
    """Slugs of the articles on the result page, in order."""
    response = client.get("/search/", params)
    assert response.status_code == 200, response.content.decode()[:2000]
    return [article.slug for article in response.context["page"].items]


def found_set(client, **params):
    return set(found(client, **params))


def test_a_word_finds_the_articles_that_contain_it(client, corpus):
    assert found_set(client, q="HIMARS") == corpus.slugs("retreat")
    assert found_set(client, q="himars") == corpus.slugs("retreat")


@pytest.mark.parametrize("word", ["retreat", "retreats", "retreating", "RETREATED"])
def test_english_stemming(client, corpus, word):
    assert found_set(client, q=word) == corpus.slugs("retreat")


def test_all_words_must_match(client, corpus):
    assert found_set(client, q="fighting months", exact=1) == corpus.slugs("pokrovsk_headline")


def test_exact_phrase(client, corpus):
    # "scattered" has institute, study and war, but not as this phrase.
    assert found_set(client, q='"Institute for the Study of War"', exact=1) == corpus.slugs(
        "retreat"
    )
    assert found_set(client, q='"study for the institute"', exact=1) == set()


def test_a_phrase_matches_its_stopwords_as_typed(client, corpus):
    """On RUM the index is asked for "harbour <2> zorya" (see
    postgres.compile_node); the article with another word between is not a match."""
    of = Article.objects.create(title="The harbour of Zorya", body="text", status="published")
    Article.objects.create(title="The harbour in Zorya", body="text", status="published")
    assert found_set(client, q='"harbour of zorya"', exact=1) == {of.slug}
    assert found_set(client, q='"harbour of zorya" -text', exact=1) == set()


def test_exclusion(client, corpus):
    assert found_set(client, q="kyiv -metro") == corpus.slugs("s300", "ukrainian", "scattered")
    assert found_set(client, q='kyiv -"S-300" -metro', exact=1) == corpus.slugs("scattered")
    assert found_set(client, q="kyiv NOT metro") == corpus.slugs("s300", "ukrainian", "scattered")


def test_exclusion_alone_browses_everything_else(client, corpus):
    published = {a.slug for k, a in corpus.articles.items() if k != "draft"}
    assert found_set(client, q="-pokrovsk") == published - corpus.slugs(
        "pokrovsk_headline", "pokrovsk_body"
    )


def test_or(client, corpus):
    assert found_set(client, q="pokrovsk OR kupiansk", exact=1) == corpus.slugs(
        "pokrovsk_headline", "pokrovsk_body"
    )
    assert found_set(client, q="himars OR metro fighting", exact=1) == set()
    assert found_set(client, q="himars OR metro", exact=1) == corpus.slugs(
        "retreat", "kiev_spelling"
    )


@pytest.mark.parametrize("prefix", ["negotiat*", "negot*", "negotiation*"])
def test_prefix_matches_every_word_that_starts_so(client, corpus, prefix):
    # negotiations (headline article) and negotiating (body article)
    assert found_set(client, q=prefix) == corpus.slugs("pokrovsk_headline", "pokrovsk_body")


# Headline, lede and body words, one edited away and one deleted, Latin and
# Cyrillic (two bytes a letter): a prefix of each length finds exactly the
# articles still holding a word it begins.
PREFIX_TEXTS = [
    {"title": "Zhovtneva street reopened", "body": "text"},
    {"title": "Report", "lede": "Near zhovtnevyi district.", "body": "text"},
    {"title": "Report", "body": "Shelling of Zhovtnevoho square and Жовтневої вулиці."},
    {"title": "Report", "body": "Жовтнева площа; zhuravka."},
    {"title": "Report", "body": "Жолудь."},
]


@pytest.mark.parametrize("root", ["zhovtnev", "жовтнев"])
@pytest.mark.parametrize("length", range(2, 8))
def test_a_prefix_of_any_length_finds_every_word_it_begins(client, root, length):
    """SQLite keeps prefix indexes of some lengths (sqlite.PREFIX_LENGTHS)
    and reads the others word by word: every length finds the same."""
    articles = [Article.objects.create(status="published", **text) for text in PREFIX_TEXTS]
    edited = Article.objects.create(status="published", title="Zhovtneva", body="Жовтнева")
    edited.title, edited.body = "Report", "text"
    edited.save()
    Article.objects.create(status="published", title="Zhovtnevyi", body="Жовтневий").delete()
    prefix = root[:length]
    beginning = re.compile(rf"\b{prefix}", re.IGNORECASE)
    expected = {
        article.slug
        for article in articles
        if beginning.search(f"{article.title} {article.lede} {article.body}")
    }
    assert expected
    assert found_set(client, q=f"{prefix}*", exact=1) == expected


def test_prefix_of_a_name(client, corpus):
    assert found_set(client, q="Kupi*") == corpus.slugs("pokrovsk_body")


def test_an_alias_finds_every_spelling_and_says_so(client, corpus):
    expected = corpus.slugs("s300", "kiev_spelling", "ukrainian", "scattered")
    for spelling in ["Kiev", "kyiv", "Київ", "Киев"]:
        assert found_set(client, q=spelling) == expected, spelling
    response = client.get("/search/", {"q": "Kiev"})
    page = response.content.decode()
    assert "also searched" in page and "Київ" in page
    assert "Києві" not in page  # an inflected form is searched, not listed
    assert "exact=1" in page


def test_exact_searches_only_the_spelling_typed(client, corpus):
    assert found_set(client, q="Kiev", exact=1) == corpus.slugs("kiev_spelling")
    assert found_set(client, q="Київ", exact=1) == corpus.slugs("ukrainian")


def test_a_snippet_marks_the_name_not_the_words_of_its_other_names(client, db):
    """A name whose other name is a phrase of common words ("Presidential
    Office of Velmora" for "Velmora"): the snippet is the passage naming it."""
    office = Location.objects.create(slug="velmora", name="Velmora", kind="city")
    for name in ("Velmora", "Presidential Office of the Republic"):
        LocationAlias.objects.create(entity=office, name=name, kind=Alias.Kind.SPELLING)
    furniture = " ".join(
        f"The republic and the office of the republic held session {n}." for n in range(40)
    )
    Article.objects.create(
        title="Session notes",
        body=f"{furniture}\n\nEnvoys reached Velmora at dawn.",
        language="en",
        status="published",
    )
    (shown,) = client.get("/search/", {"q": "Velmora"}).context["page"].items
    marked = re.findall(r"<mark>([^<]*)</mark>", shown.snippet_html)
    assert {word.lower() for word in marked} == {"velmora"}


def test_leaving_out_a_name_of_what_is_searched_says_why_nothing_matches(client, corpus):
    response = client.get("/search/", {"q": "kyiv -Kiev"})
    assert response.context["results"].count == 0
    assert "“Kiev” is a name of" in response.content.decode()
    # Only what was typed: the articles spelling it Kyiv but never Kiev.
    exact = client.get("/search/", {"q": "kyiv -Kiev", "exact": 1})
    assert exact.context["results"].count > 0
    assert "“Kiev” is a name of" not in exact.content.decode()
    # Another name of the group can still match: no note.
    other = client.get("/search/", {"q": "kyiv OR Bakhmut -Kiev"})
    assert "“Kiev” is a name of" not in other.content.decode()


def test_an_inflected_alias_finds_the_name_in_every_form(client, corpus):
    assert found_set(client, q="Києві") == corpus.slugs(
        "s300", "kiev_spelling", "ukrainian", "scattered"
    )


def test_a_multiword_name_typed_without_quotes_is_one_name(client, corpus):
    results = search_articles(QueryDict("q=Vladimir Putin"))
    assert [unit.typed for unit in results.parsed.units] == ["Vladimir Putin"]
    # Putin in pokrovsk_body, Путин in russian; the others do not name him in their text.
    assert found_set(client, q="Vladimir Putin") == corpus.slugs("russian", "pokrovsk_body")


def name_with_phrase_spellings():
    """A country whose spellings are words and phrases, and articles that
    name it in each, or hold its words apart."""
    uk = Location.objects.create(slug="united-kingdom", name="United Kingdom", kind="country")
    for name, kind in [
        ("United Kingdom", Alias.Kind.NAME),
        ("Great Britain", Alias.Kind.SPELLING),
        ("Britain", Alias.Kind.SPELLING),
        ("Велика Британія", Alias.Kind.TRANSLATION),
    ]:
        LocationAlias.objects.create(entity=uk, name=name, kind=kind)
    bodies = {
        "phrase": ("Talks in the United Kingdom on northern supply routes.", "en"),
        "word": ("Britain sent northern brigades more shells.", "en"),
        "translation": ("Велика Британія і northern коридор.", "uk"),
        "apart": ("The United front met the Kingdom envoy on northern routes.", "en"),
        "without the word": ("Britain sent shells.", "en"),
    }
    return {
        key: Article.objects.create(
            title=f"Report {key}", body=body, language=language, status="published"
        ).slug
        for key, (body, language) in bodies.items()
    }


def test_a_name_typed_in_two_spellings_finds_it_in_every_spelling(client, db):
    """ "United Kingdom Great Britain" names one country twice: an article
    naming it in any spelling is found, with the query's other words."""
    slugs = name_with_phrase_spellings()
    expected = {slugs["phrase"], slugs["word"], slugs["translation"]}
    assert found_set(client, q="United Kingdom Great Britain northern") == expected
    assert found_set(client, q="United Kingdom northern") == expected


def test_case_sensitive_alias_is_not_expanded_from_a_common_word(client, corpus):
    assert search_articles(QueryDict("q=US")).parsed.expansions
    assert not search_articles(QueryDict("q=us talk")).parsed.expansions
    assert found_set(client, q="USA") == corpus.slugs("united_states")


def test_a_name_typed_as_a_possessive_is_searched_in_every_spelling(client, corpus):
    kyiv = corpus.slugs("s300", "kiev_spelling", "ukrainian", "scattered")
    assert found_set(client, q="Kiev's") == kyiv
    assert found_set(client, q="Kyiv’s") == kyiv
    # A case-sensitive name too, but not a common word's possessive.
    assert found_set(client, q="USA's") == corpus.slugs("united_states")
    assert not search_articles(QueryDict("q=us's")).parsed.expansions


@pytest.mark.parametrize(
    "query, keys",
    [
        ("S-300", ["s300"]),
        ("s300", ["s300"]),
        ("S-300s", ["s300"]),
        ("Su-34", ["s300"]),
        ("Su-34s", ["s300"]),
        ("Kh-101", ["weapons"]),
        ("Shahed-136", ["weapons"]),
        ("HIMARS", ["retreat"]),
        ("155-mm", ["weapons"]),
        ("155mm", ["weapons"]),
        ("F-16s", ["weapons"]),
        ("F-16", ["weapons"]),
        ("F16", ["weapons"]),
    ],
)
def test_weapon_names(client, corpus, query, keys):
    assert found_set(client, q=query) == corpus.slugs(*keys)


def test_weapon_name_does_not_match_its_parts_apart(client, corpus):
    Article.objects.create(title="Numbers", body="The S battalion counted 300 men.", language="en")
    assert found_set(client, q="S-300") == corpus.slugs("s300")


def test_cyrillic_is_searchable(client, corpus):
    assert found_set(client, q="шахеди", exact=1) == corpus.slugs("ukrainian")
    assert found_set(client, q="Путин", exact=1) == corpus.slugs("russian")
    # Russian stemming: отступления in the body, отступление in the headline.
    assert found_set(client, q="отступление", exact=1) == corpus.slugs("russian")


def test_mixed_script_article_is_found_in_both_scripts(client, corpus):
    article = Article.objects.create(
        title="Дрони над Харковом",
        body="Уночі HIMARS вдарили по складах. Сили ППО працювали.",
        language="uk",
    )
    assert article.slug in found_set(client, q="HIMARS")
    assert article.slug in found_set(client, q="складах ППО")


def test_accents_and_case_are_ignored(client, corpus):
    article = Article.objects.create(
        title="Café talk in Zaporižžia", body="A NAÏVE plan.", language="en"
    )
    assert found_set(client, q="cafe zaporizzia naive", exact=1) == {article.slug}


def test_headline_ranks_above_body(client, corpus):
    assert found(client, q="pokrovsk", exact=1) == [
        corpus.articles["pokrovsk_headline"].slug,
        corpus.articles["pokrovsk_body"].slug,
    ]


def test_sort_newest_and_oldest(client, corpus):
    kyiv = corpus.slugs("s300", "kiev_spelling", "ukrainian", "scattered")
    newest = found(client, q="kyiv", sort="newest")
    assert set(newest) == kyiv
    by_date = sorted(
        (a for a in Article.objects.filter(slug__in=kyiv) if a.published),
        key=lambda a: a.published,
        reverse=True,
    )
    assert newest[: len(by_date)] == [a.slug for a in by_date]
    assert newest[-1] == corpus.articles["scattered"].slug  # undated last
    oldest = found(client, q="kyiv", sort="oldest")
    assert oldest[: len(by_date)] == [a.slug for a in reversed(by_date)]


def test_empty_query_browses_newest_first(client, corpus):
    slugs = found(client)
    assert slugs[0] == corpus.articles["pokrovsk_body"].slug
    assert corpus.articles["draft"].slug not in slugs
    assert len(slugs) == len(corpus.articles) - 1


def test_drafts_never_appear(client, corpus):
    for query in ["kyiv", "unpublished", "draft", "S-300", "HIMARS"]:
        assert corpus.articles["draft"].slug not in found_set(client, q=query)


@pytest.mark.parametrize(
    "filters",
    [{}, {"dated": "yes"}, {"dated": "no"}, {"date_from": "2023-01-01"}, {"source": "the-times"}],
)
def test_counts_past_the_window_leave_out_drafts(client, corpus, settings, filters):
    """Counted past the rows the page reads (by the index alone when nothing
    else filters, from the articles' dates under date filters: see
    search/sqlite.py), the draft that holds the word is never counted."""
    settings.ARCHIVE_SEARCH_WINDOW = 0
    results = client.get("/search/", {"q": "kyiv", **filters}).context["results"]
    matches = set(results.filtered.values_list("pk", flat=True))
    assert corpus.articles["draft"].pk not in matches
    assert results.count == len(matches) > 0


def test_snippets_highlight_matches_and_escape_text(client, corpus):
    Article.objects.create(
        title="<script>alert('headline')</script> Bakhmut",
        body="Text with <b>markup</b> & <script>alert(1)</script> near Bakhmut fighting.",
        language="en",
    )
    page = client.get("/search/", {"q": "bakhmut"}).content.decode()
    assert "<mark>Bakhmut</mark>" in page
    assert "<script>alert" not in page and "<b>markup</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_weapon_name_is_highlighted_whole(client, corpus):
    page = client.get("/search/", {"q": "S-300"}).content.decode()
    assert "<mark>S</mark>-<mark>300</mark>" in page or "<mark>S-300</mark>" in page


def test_a_word_of_a_phrase_standing_alone_is_not_highlighted(client, corpus):
    article = Article.objects.create(
        title="Air strikes on the river port",
        body="Crews rebuilt the air defence of the port. Air raids went on; the defence held.",
        language="en",
    )
    phrase = client.get("/search/", {"q": '"air defence"', "exact": 1}).content.decode()
    page = client.get(article.get_absolute_url(), {"q": '"air defence"', "exact": 1})
    for html in (phrase, page.content.decode()):
        marked = re.findall(r"<mark>([^<]*)</mark>", html)
        assert marked and {word.lower() for word in marked} <= {"air", "defence", "air defence"}
        assert "<mark>Air</mark> strikes" not in html and "<mark>Air</mark> raids" not in html
        assert "the <mark>defence</mark> held" not in html
    # A word also searched alone stays highlighted wherever it stands.
    both = client.get(article.get_absolute_url(), {"q": '"air defence" air', "exact": 1})
    assert "<mark>Air</mark> raids" in both.content.decode()


def test_a_snippet_marks_the_name_not_the_other_words_of_its_spellings(client, db):
    """A name with spellings that are phrases holding it ("City of Ostrivka",
    "Ostrivka city"): the snippet is the passage naming it, marked, not one
    dense in the phrases' other words ("city", "of"), which are never
    marked alone."""
    town = Location.objects.create(slug="ostrivka", name="Ostrivka", kind="city")
    for name in ("Ostrivka", "City of Ostrivka", "Ostrivka city"):
        LocationAlias.objects.create(entity=town, name=name, kind=Alias.Kind.SPELLING)
    furniture = " ".join(
        f"The city of the plain and the city of the hills held meeting {n} of the week."
        for n in range(40)
    )
    article = Article.objects.create(
        title="Regional council notes",
        body=f"{furniture}\n\nFerries reached Ostrivka at dawn with grain and fuel.",
        language="en",
        status="published",
    )
    response = client.get("/search/", {"q": "Ostrivka"})
    (shown,) = response.context["page"].items
    assert shown.pk == article.pk
    assert "<mark>Ostrivka</mark>" in shown.snippet_html
    marked = re.findall(r"<mark>([^<]*)</mark>", shown.snippet_html)
    assert {word.lower() for word in marked} == {"ostrivka"}
    # A spelling typed as a phrase is marked whole where it stands.
    article.body += " The City of Ostrivka council met."
    article.save()
    response = client.get("/search/", {"q": '"City of Ostrivka"'})
    (shown,) = response.context["page"].items
    marked = re.findall(r"<mark>([^<]*)</mark>", shown.snippet_html)
    assert any(mark.lower().startswith("city") for mark in marked)


def test_stopwords_are_ignored_and_the_page_says_so(client, corpus):
    response = client.get("/search/", {"q": "the HIMARS of"})
    assert {a.slug for a in response.context["page"].items} == corpus.slugs("retreat")
    assert "Ignored: the, of" in response.content.decode()


def test_the_page_shows_how_the_query_was_read(client, corpus):
    page = client.get(
        "/search/", {"q": 'Kiev "long war" S-300 negotiat* -Putin OR'}
    ).content.decode()
    assert "“long war”" in page
    assert "negotiat…" in page
    assert "but not" in page
    assert "also s300" in page  # the other spelling of S-300
    assert "Ignored: OR" in page


def test_an_exact_name_offers_its_page(client, corpus):
    page = client.get("/search/", {"q": "Kharkov"}).content.decode()
    assert corpus.locations["kharkiv"].get_absolute_url() in page
    page = client.get("/search/", {"q": "The Times"}).content.decode()
    assert corpus.sources["times"].get_absolute_url() in page


def test_no_results_says_so_and_suggests_removing_a_filter(client, corpus):
    response = client.get("/search/", {"q": "himars", "source": "meduza"})
    assert response.context["page"].count == 0
    page = response.content.decode()
    assert "No published article matches" in page and "himars" in page
    assert "Remove a filter" in page


def test_pagination_keeps_query_and_filters(client, corpus, settings):
    settings.ARCHIVE_PAGE_SIZE = 2
    response = client.get("/search/", {"q": "kyiv", "source": "the-times"})
    assert response.context["page"].num_pages == 1
    response = client.get("/search/", {"language": "en", "sort": "oldest"})
    page = response.context["page"]
    assert page.num_pages > 2
    assert "language=en" in page.next_url and "sort=oldest" in page.next_url
    second = client.get("/search/" + page.next_url)
    assert second.context["page"].number == 2
    first_slugs = {a.slug for a in page.items}
    assert not first_slugs & {a.slug for a in second.context["page"].items}


def test_interface_queryset_is_every_match_in_order_and_iterable(corpus):
    results = search_articles(QueryDict("q=kyiv&sort=oldest"))
    slugs = [a.slug for a in results.queryset.iterator()]
    assert set(slugs) == corpus.slugs("s300", "kiev_spelling", "ukrainian", "scattered")
    assert results.queryset.count() == 4
    # It composes: as a subquery of another query it still selects the same rows.
    assert set(Article.objects.filter(pk__in=results.queryset.values("pk"))) == set(
        results.queryset
    )
    assert results.errors == []


def test_interface_accepts_a_plain_dict(corpus):
    results = search_articles({"q": "himars", "source": ["isw"]})
    assert [a.slug for a in results.queryset] == [corpus.articles["retreat"].slug]


def test_index_follows_every_write(client, corpus):
    article = corpus.articles["weapons"]
    article.title = "Patriot batteries arrive"
    article.save()
    assert article.slug in found_set(client, q="patriot")
    Article.objects.filter(pk=article.pk).update(body="Gepard guns only.")
    assert article.slug in found_set(client, q="gepard")
    assert article.slug not in found_set(client, q="shahed-136")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE articles_article SET lede = %s WHERE id = %s", ["IRIS-T units", article.pk]
        )
    assert article.slug in found_set(client, q="IRIS-T")
    Article.objects.bulk_create(
        [
            Article(
                title=f"Bulk {n} Storm Shadow",
                body="text",
                slug=f"bulk-{n}",
                content_hash=f"bulk-{n}",
            )
            for n in range(3)
        ]
    )
    assert found_set(client, q='"Storm Shadow"') == {"bulk-0", "bulk-1", "bulk-2"}
    Article.objects.filter(slug="bulk-1").delete()
    assert found_set(client, q='"Storm Shadow"') == {"bulk-0", "bulk-2"}
    article.status = Article.Status.DRAFT
    article.save()
    assert article.slug not in found_set(client, q="gepard")


def test_prefixes_find_russian_words_in_other_forms(client, corpus):
    article = Article.objects.create(title="Отступления", body="войск", language="ru")
    assert article.slug in found_set(client, q="отступлен*", exact=1)


def test_language_change_reindexes_the_article(client, corpus):
    article = Article.objects.create(title="Retreating", body="text", language="uk")
    article.language = "en"
    article.save()
    assert article.slug in found_set(client, q="retreat", exact=1)


@contextmanager
def article_table_rebuilt():
    """The article table altered as a migration that rebuilds it would (SQLite
    rebuilds a table to alter a column, dropping its triggers), ``migrate``
    run after it, and all of it undone afterwards."""
    old = Article._meta.get_field("provenance")
    new = models.CharField(max_length=600, blank=True)
    new.set_attributes_from_name("provenance")
    new.model = Article
    with connection.schema_editor() as editor:
        editor.alter_field(Article, old, new)
    try:
        call_command("migrate", verbosity=0)
        yield
    finally:
        with connection.schema_editor() as editor:
            editor.alter_field(Article, new, old)
        call_command("migrate", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_index_survives_a_migration_that_rebuilds_the_article_table(client):
    before = Article.objects.create(title="Zircon missiles before", body="text")
    with article_table_rebuilt():
        after = Article.objects.create(title="Zircon missiles after", body="text")
        assert found_set(client, q="zircon") == {before.slug, after.slug}
        after.delete()
        assert found_set(client, q="zircon") == {before.slug}


def plan_of(queryset, explain):
    """The plan of ``queryset``'s statement (``explain``: the database's
    EXPLAIN), one line a step."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"{explain} {sql}", params)
        return "\n".join(" ".join(map(str, row)) for row in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the suite runs on PostgreSQL")
class TestSQLiteEngine:
    """FTS5: Porter stems every article, and the planner needs statistics."""

    def test_english_words_are_stemmed_in_every_language(self, client, corpus):
        article = Article.objects.create(title="Retreating", body="text", language="uk")
        assert article.slug in found_set(client, q="retreat", exact=1)

    def test_the_full_text_index_is_used(self, corpus):
        """The plan finds the matches through the FTS5 table, not by reading
        every published article, and with statistics it filters and ranks the
        matches on the index that holds their columns rather than on the
        article rows."""
        get_engine().index.analyze()
        results = search_articles(QueryDict("q=kyiv&exact=1"))
        plan = plan_of(results.queryset, "EXPLAIN QUERY PLAN")
        assert "SCAN articles_article_fts VIRTUAL TABLE INDEX" in plan, plan
        assert "INDEX articles_article_match_columns (id=? AND status=?)" in plan, plan

    @pytest.mark.django_db(transaction=True)
    def test_migrate_puts_back_the_match_columns_index(self):
        with article_table_rebuilt():
            indexes = connection.introspection.get_constraints(
                connection.cursor(), Article._meta.db_table
            )
            assert "articles_article_match_columns" in indexes

    def test_browsing_newest_first_reads_an_index(self, corpus):
        """SQLite sorts NULLs last in DESC order: an index of the publication
        dates gives the browse page its order."""
        plan = plan_of(search_articles(QueryDict("")).queryset[:20], "EXPLAIN QUERY PLAN")
        assert "SEARCH articles_article USING INDEX" in plan, plan
        assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan

    @pytest.mark.parametrize("query", ["routine", "routine -kyiv", "text&date_from=2020-01-10"])
    def test_a_word_most_articles_have_walks_the_newest_first_index(
        self, client, corpus, settings, query
    ):
        """Its matches are read once from FTS5 and the newest-first index is
        walked until the window is full (see NEWEST_INDEX): the same rows,
        facets and pages as looking up every match; a rare word or a phrase
        is read the other way."""
        settings.ARCHIVE_SEARCH_WINDOW = 10
        for n in range(1, 61):
            Article.objects.create(
                title=f"Filler {n}",
                body=f"Routine text number {n}",
                published=f"2020-{1 + n % 12:02}-{1 + n % 28:02}",
                status=Article.Status.PUBLISHED,
            )
        get_engine().index.analyze()
        params = QueryDict(f"q={query}")
        results = search_articles(params)
        plan = results._reading_plan
        assert plan is not None and plan.matched is not None
        rows = plan.matched.order_by(*NEWEST).values_list("pk")[: results.window + 1]
        assert "COVERING INDEX articles_article_newest_first" in plan_of(rows, "EXPLAIN QUERY PLAN")
        looked_up = results.queryset.order_by(*NEWEST).values_list(*ROW_FIELDS)
        assert results.rows() == list(looked_up[: results.window + 1])
        for sort in ("relevance", "newest"):
            assert found(client, **params.dict(), sort=sort)
        for rare in ("q=number+7", 'q="routine+text"', "q=routine&sort=oldest"):
            assert search_articles(QueryDict(rare))._reading_plan is None, rare


def add_filler_articles(count=3000):
    """Enough published articles (PostgreSQL only) for the planner to weigh an
    index against reading the table, with the statistics autovacuum would gather."""
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO articles_article (title, slug, lede, body, captions, authors, url,
                   language, tags, word_count, content_hash, status, provenance, created,
                   updated, published)
               SELECT 'Filler ' || n, 'filler-' || n, '', 'Routine text number ' || n, '[]',
                   '[]', '', 'en', '[]', 3, 'filler-' || n, 'published', '', now(), now(),
                   date '2020-01-01' + n
               FROM generate_series(1, %s) AS n""",
            [count],
        )
    # The new entries out of a GIN index's pending list, as autovacuum does, and
    # the statistics.
    get_engine().index.analyze()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the suite runs on SQLite")
class TestPostgreSQLEngine:
    """tsvector and GIN: a configuration per language, and the planner's
    choices that the engine steers."""

    def test_planner_settings_inside_others_give_back_the_outer_ones(self, db):
        def enable_seqscan():
            with connection.cursor() as cursor:
                cursor.execute("SELECT current_setting('enable_seqscan')")
                return cursor.fetchone()[0]

        compiler = get_engine().query
        with compiler.planned({"enable_seqscan": "off"}):
            with compiler.planned({"enable_seqscan": "on"}):
                assert enable_seqscan() == "on"
            assert enable_seqscan() == "off"
        assert enable_seqscan() == "on"

    def test_russian_words_match_in_other_forms(self, client, corpus):
        article = Article.objects.create(title="Отступления", body="войск", language="ru")
        assert article.slug in found_set(client, q="отступление", exact=1)

    def test_ukrainian_articles_are_indexed_word_for_word(self, client, corpus):
        article = Article.objects.create(title="Retreating", body="text", language="uk")
        assert article.slug not in found_set(client, q="retreat", exact=1)

    def test_the_full_text_index_is_used(self, corpus):
        """The plan finds the matches through the search index (a bitmap of
        it, or RUM's own scan), not by reading every published article."""
        add_filler_articles()
        results = search_articles(QueryDict("q=kyiv&exact=1"))
        plan = plan_of(results.queryset, "EXPLAIN")
        assert re.search(
            r"Bitmap Index Scan on articles_article_search_vector"
            r"|Index Scan using articles_article_search_vector",
            plan,
        ), plan
        assert "Seq Scan on articles_article" not in plan, plan

    def test_a_rum_index_answers_a_phrase_itself(self, corpus, index_method):
        """RUM keeps the words' positions: the index finds only the articles
        holding the phrase.  With GIN every article holding its words is read
        and tested."""
        add_filler_articles()  # "Routine text number n": both words, never "text routine"
        Article.objects.create(title="A text routine", body="body", status="published")
        results = search_articles(QueryDict(urlencode({"q": '"text routine"'})))
        with results.compiler.counting_matches(results.parsed):
            plan = plan_of(results.filtered.values("pk"), "EXPLAIN ANALYZE")
        assert results.count == 1
        assert search_index_method(connection) == index_method
        if index_method == "rum":
            index_scan = next(line for line in plan.splitlines() if "Bitmap Index Scan" in line)
            assert "on articles_article_search_vector" in index_scan, plan
            assert "rows=1 loops" in index_scan, plan
            assert "Rows Removed" not in plan, plan
        else:  # read from the index or not, each article with both words is tested
            assert re.search(r"Rows Removed by (Index Recheck|Filter): 30\d\d", plan), plan

    def test_rum_is_asked_for_each_phrase_of_a_name_apart(self, client, index_method):
        """RUM reads the positions of every word of a tsquery holding a
        phrase: a name's phrases and its words are separate questions to it,
        OR-ed (see postgres._phrase_parts)."""
        name_with_phrase_spellings()
        add_filler_articles()
        results = search_articles(QueryDict("q=United Kingdom Great Britain northern"))
        with results.compiler.counting_matches(results.parsed):
            plan = plan_of(results.queryset.order_by().values("pk"), "EXPLAIN")
        index_scans = plan.count("Bitmap Index Scan on articles_article_search_vector")
        assert index_scans == (3 if index_method == "rum" else 1), plan

    def test_browsing_newest_first_reads_an_index(self, corpus):
        """The browse page (and sort: newest) takes its page off an index
        instead of sorting every published article."""
        add_filler_articles()
        plan = plan_of(search_articles(QueryDict("")).queryset[:20], "EXPLAIN")
        assert "Index Scan using articles_article_newest" in plan, plan
        assert "Sort" not in plan.split("Index Scan")[0], plan

    def test_month_counts_of_a_word_most_articles_have_read_the_index(self, corpus):
        """Counting every match of a common word goes through the GIN index, which
        needs no look at each article's (TOASTed) tsvector."""
        add_filler_articles(30000)
        results = search_articles(QueryDict("q=routine"))
        assert sum(n for _, n in results.counts_by_month()) == 30000
        with results.compiler.counting_matches(results.parsed):
            plan = plan_of(results.queryset.order_by().values("pk"), "EXPLAIN")
        assert "Bitmap Index Scan on articles_article_search_vector" in plan, plan
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_seqscan")
            assert cursor.fetchone()[0] == "on"  # only for that statement

    def test_a_page_reads_its_newest_matches_the_cheaper_way(self, corpus, settings):
        """A word most articles have: walking the newest-first index finds the
        window's matches after testing a few; a rarer word, or a phrase that
        every article with both words must be tested for: the GIN bitmap (see
        PostgresQueryCompiler.reading_plan)."""
        settings.ARCHIVE_SEARCH_WINDOW = 100
        add_filler_articles(30000)

        def plan(query):
            results = search_articles(QueryDict(urlencode({"q": query})))
            rows = results.queryset.order_by(*NEWEST).values("pk")[: results.window + 1]
            candidates = Article.objects.published()
            plan = results.compiler.reading_plan(
                results.matched, candidates, results.parsed, results.window
            )
            with results.compiler.planned(plan.settings):
                return plan_of(rows, "EXPLAIN")

        assert "Index Scan using articles_article_newest" in plan("routine")
        assert "Bitmap Index Scan on articles_article_search_vector" in plan("kyiv")
        for query in ("kyiv", '"routine text"'):  # a phrase in every article: any bitmap will do
            found = plan(query)
            assert "Bitmap Heap Scan" in found and "articles_article_newest" not in found, found
        assert search_articles(QueryDict("q=routine")).count_is_capped

    @pytest.mark.parametrize(
        "word, where",
        [("sparse", "id % 10 = 0"), ("ancient", "id % 2 = 0 AND published < '2030-01-01'")],
    )
    def test_a_page_tries_the_recent_articles_first_and_misses_none(
        self, corpus, settings, word, where
    ):
        """A word in one article in ten is read from the articles published since
        a recent date first (ReadingPlan.since); a word in every other one of
        the old articles is not there, and the rows are read again without the
        date: both ways give the newest matches."""
        settings.ARCHIVE_SEARCH_WINDOW = 100
        add_filler_articles(30000)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE articles_article SET body = body || ' {word}' "
                f"WHERE title LIKE 'Filler %' AND {where}"
            )
        get_engine().index.analyze()
        results = search_articles(QueryDict(f"q={word}&sort=newest"))
        assert results._reading_plan.since is not None
        expected = list(results.queryset.values_list(*ROW_FIELDS)[: results.window + 1])
        assert len(expected) == results.window + 1
        assert results.rows() == expected

    def test_rum_reads_the_rows_of_a_rare_phrase_of_common_words_once(
        self, corpus, settings, index_method
    ):
        """The planner counts a phrase's matches as its words': "text
        routine", in one article of the 30,000 holding both words.  RUM's
        reading of the phrase is the cost, so its rows are read once rather
        than from the recent articles first and then again."""
        settings.ARCHIVE_SEARCH_WINDOW = 100
        add_filler_articles(30000)
        article = Article.objects.create(
            title="A text routine", body="body", published="2031-01-01", status="published"
        )
        results = search_articles(QueryDict(urlencode({"q": '"text routine"', "sort": "newest"})))
        assert [row[0] for row in results.rows()] == [article.pk]
        if index_method == "rum":
            assert results._reading_plan.since is None

    def test_the_planner_knows_what_testing_a_vector_costs(self, db):
        """Migration 0009 prices ``@@`` (see MATCH_COST); undoing it restores
        PostgreSQL's own price."""
        from articles.search.postgres import MATCH_COST

        migration = importlib.import_module("articles.migrations.0009_postgres_match_cost")

        def cost():
            with connection.cursor() as cursor:
                cursor.execute("SELECT procost FROM pg_proc WHERE proname = 'ts_match_vq'")
                return cursor.fetchone()[0]

        assert cost() == MATCH_COST
        with connection.schema_editor() as editor:
            migration.reset_cost(None, editor)
        try:
            assert cost() == 1
        finally:
            with connection.schema_editor() as editor:
                migration.set_cost(None, editor)
        assert cost() == MATCH_COST
