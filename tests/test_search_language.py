"""Search reads text as it is written: invisible characters inside words,
British and American spellings, Ukrainian and Russian word forms, and "did you
mean" for a misspelt name.  Through real requests, on whichever database the
suite runs on."""

import io

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command

from articles.importing import import_paths
from articles.invisible import INVISIBLE_CHARACTERS
from articles.linking import Gazetteer
from articles.models import ArchiveWord, Article, Location, Source, unique_slug
from articles.search import search_articles
from articles.search.query import parse_query

from .test_admin import change_url, form_data

pytestmark = pytest.mark.django_db


def found_set(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200, response.content.decode()[:2000]
    return {article.slug for article in response.context["page"].items}


def import_texts(folder, texts):
    """Import ``texts`` ({file name: title, blank line, body}) from ``folder``,
    through the import, which keeps the vocabulary."""
    for name, text in texts.items():
        (folder / name).write_text(text)
    import_paths([folder])


def add_articles(*texts, language="en"):
    """An article per (title, body); their slugs."""
    source, _ = Source.objects.get_or_create(name="Test desk", slug="test-desk")
    return [
        Article.objects.create(
            title=title, body=body, language=language, source=source, published="2024-05-01"
        ).slug
        for title, body in texts
    ]


# Invisible characters --------------------------------------------------------


@pytest.mark.parametrize("character", list(INVISIBLE_CHARACTERS))
def test_an_invisible_character_inside_a_query_word_is_removed(character):
    assert parse_query(f"ky{character}iv").positive_nodes() == parse_query("kyiv").positive_nodes()


def test_zero_width_space_and_soft_hyphen_queries_equal_the_plain_one(client):
    kyiv, _ = add_articles(
        ("Night in Kyiv", "Air raid sirens sounded over Kyiv until dawn."),
        ("Quiet front", "Nothing moved along the line."),
    )
    plain = found_set(client, q="kyiv")
    assert plain == {kyiv}
    assert found_set(client, q="ky\u200biv") == plain
    assert found_set(client, q="ky\u00adiv") == plain


def test_an_imported_text_with_invisible_characters_is_found_and_linked(
    client, tmp_path, gazetteer
):
    (tmp_path / "report.txt").write_text(
        "Ky\u200biv\u200e overnight\n\n"
        "Air defence over Ky\u00adiv held, \u2066Ky\ufeffiv\u2069 said."
    )
    import_paths([tmp_path])
    article = Article.objects.get()
    assert not set(INVISIBLE_CHARACTERS) & set(article.title + article.body)
    assert article.slug.startswith("kyiv-overnight")
    assert found_set(client, q="kyiv") == {article.slug}
    assert "kyiv" in article.locations.values_list("slug", flat=True)


def test_linking_reads_words_split_by_invisible_characters():
    gazetteer = Gazetteer([("location", 1, "Kyiv", False), ("location", 2, "Snake Island", False)])
    _, locations, _ = gazetteer.count("Ky\u200biv and Sna\u00adke\u2060 Island")
    assert locations == {1: 1, 2: 1}


def test_slugs_leave_invisible_characters_out():
    assert unique_slug(Location, "Ky\u200biv\u00ad Oblast\u202e") == "kyiv-oblast"


# British and American spellings ---------------------------------------------


@pytest.fixture
def spellings():
    keys = ("us_air", "uk_air", "uk_defence_apart", "us_armor", "uk_armour", "program")
    texts = [
        ("Patriot batteries", "The air defense of the capital held against the strike."),
        ("Night raid", "Air defence units shot down most of the drones."),
        ("Ministry statement", "The defence ministry said the air base was quiet."),
        ("Column losses", "An armored column was hit near the river."),
        ("Brigade losses", "Armoured vehicles of the brigade were repaired."),
        ("Software update", "The targeting program was updated for the drones."),
    ]
    return dict(zip(keys, add_articles(*texts), strict=True))


def test_british_and_american_spellings_find_each_other(client, spellings):
    defence = found_set(client, q="defence")
    assert defence == found_set(client, q="defense")
    assert {spellings["us_air"], spellings["uk_air"], spellings["uk_defence_apart"]} == defence
    armour = {spellings["us_armor"], spellings["uk_armour"]}
    assert found_set(client, q="armoured") == found_set(client, q="armored") == armour


def test_a_phrase_matches_in_either_spelling_word_by_word(client, spellings):
    both = {spellings["us_air"], spellings["uk_air"]}
    assert found_set(client, q='"air defence"') == found_set(client, q='"air defense"') == both


def test_exact_searches_only_the_spelling_typed(client, spellings):
    assert found_set(client, q="defence", exact=1) == {
        spellings["uk_air"],
        spellings["uk_defence_apart"],
    }
    assert found_set(client, q='"air defense"', exact=1) == {spellings["us_air"]}


def test_the_page_says_which_spellings_were_also_searched(client, spellings):
    page = client.get("/search/", {"q": "armoured defence"}).content.decode()
    assert "“armoured” also searched the forms armored" in page
    assert "“defence” also searched the forms defense" in page
    assert "exact=1" in page
    exact = client.get("/search/", {"q": "armoured defence", "exact": 1}).content.decode()
    assert "also searched the forms" not in exact


def test_a_hyphenated_word_finds_it_written_as_one(client):
    closed, hyphenated, _ = add_articles(
        ("Summer plans", "The counteroffensive began in the south."),
        ("Autumn plans", "The counter-offensive stalled in the mud."),
        ("Shop talk", "A counter at the shop and an offensive remark."),
    )
    assert found_set(client, q="counter-offensive") == {closed, hyphenated}
    assert found_set(client, q='"counter-offensive"') == {closed, hyphenated}
    assert found_set(client, q="counter-offensive", exact=1) == {hyphenated}
    page = client.get("/search/", {"q": "counter-offensive"}).content.decode()
    assert "“counter-offensive” also searched the forms counteroffensive" in page


def test_a_word_typed_as_one_finds_it_hyphenated_where_an_article_holds_that(client, tmp_path):
    import_texts(
        tmp_path,
        {
            "closed.txt": "Summer plans\n\nThe counteroffensive began in the south at dawn.",
            "hyphenated.txt": "Autumn plans\n\nThe counter-offensive stalled in the mud again.",
        },
    )
    both = set(Article.objects.values_list("slug", flat=True))
    assert found_set(client, q="counteroffensive") == both
    assert forms_searched(client, "counteroffensive") == (["counter-offensive"], both)
    assert forms_searched(client, "counter-offensive") == (["counteroffensive"], both)
    # No hyphenation that no article holds is searched or shown.
    assert forms_searched(client, "summer")[0] == []


@pytest.mark.parametrize(
    "text, words",
    [
        ("The counter-offensive and a post\u2011war plan.", {"counter-offensive", "post-war"}),
        ("A 14-year-long state-of-the-art effort.", {"year-long", "state-of-the-art"}),
        ("Su-34 and F-16s; a dash - here; -leading and trailing-", set()),
    ],
)
def test_the_vocabulary_keeps_hyphenated_words_whole(text, words):
    from articles.search.vocabulary import hyphenated_words, words_of

    assert hyphenated_words(text) == words
    assert words <= words_of(text)


def test_programme_finds_program_but_a_program_stays_a_program(client, spellings):
    assert found_set(client, q="programme") == {spellings["program"]}
    program = search_articles({"q": "program"}).parsed
    assert program.positive_nodes() == parse_query("program").positive_nodes()


def test_exports_follow_the_spellings_searched(client, spellings):
    response = client.get("/search/export.csv", {"q": '"air defence"'})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode() if response.streaming else ""
    body = body or response.content.decode()
    for key in ("us_air", "uk_air"):
        assert Article.objects.get(slug=spellings[key]).title in body


# Ukrainian and Russian word forms --------------------------------------------


@pytest.fixture
def cyrillic():
    ukrainian = add_articles(
        ("Нічна атака", "Обстріли Харкова тривали всю ніч, повідомила міська рада."),
        ("Світло повернули", "У Харкові відновили електропостачання після атаки."),
        ("Ранок у місті", "Харків прокинувся від сирен, кількість обстрілів зросла."),
        ("Тиша на півдні", "Одеса провела спокійну ніч без тривог."),
        language="uk",
    )
    russian = add_articles(
        ("Ночь в столице", "Жители Киева провели ночь в укрытиях."),
        ("Утро", "Киев снова атакован беспилотниками."),
        ("Юг", "Одесса провела спокойную ночь."),
        language="ru",
    )
    return dict(
        zip(
            ("of_kharkiv", "in_kharkiv", "kharkiv", "odesa", "of_kyiv", "kyiv", "odessa"),
            ukrainian + russian,
            strict=True,
        )
    )


def test_ukrainian_inflected_names_find_each_other_in_running_text(client, cyrillic):
    kharkiv = {cyrillic[key] for key in ("of_kharkiv", "in_kharkiv", "kharkiv")}
    for query in ("Харкова", "Харкові", "Харків"):
        assert found_set(client, q=query) == kharkiv, query


def test_russian_inflected_names_find_each_other(client, cyrillic):
    kyiv = {cyrillic["of_kyiv"], cyrillic["kyiv"]}
    assert found_set(client, q="Киева") == found_set(client, q="Киев") == kyiv


def test_ukrainian_inflected_common_nouns_find_each_other(client, cyrillic):
    shelling = {cyrillic["of_kharkiv"], cyrillic["kharkiv"]}
    assert found_set(client, q="обстрілів") == found_set(client, q="обстріли") == shelling


def test_exact_searches_only_the_form_typed(client, cyrillic):
    assert found_set(client, q="Харкова", exact=1) == {cyrillic["of_kharkiv"]}
    assert found_set(client, q="обстрілів", exact=1) == {cyrillic["kharkiv"]}


def test_a_phrase_matches_its_words_in_other_forms(client, cyrillic):
    assert found_set(client, q='"обстрілів харкова"') == {cyrillic["of_kharkiv"]}


def test_the_page_says_which_word_forms_were_also_searched(client, cyrillic):
    page = client.get("/search/", {"q": "Харкова"}).content.decode()
    assert "“Харкова” also searched the forms харків" in page


@pytest.fixture
def kharkiv_reports(tmp_path, gazetteer):
    """Two Ukrainian reports through the import, which keeps the vocabulary."""
    reports = {
        "night.txt": "Нічна атака\n\nОбстріли Харкова тривали всю ніч, повідомила міська рада.",
        "morning.txt": "Ранок у місті\n\nХарків прокинувся від сирен, вибухи чули всі райони.",
    }
    import_texts(tmp_path, reports)
    return {name: Article.objects.get(title=text.split("\n")[0]) for name, text in reports.items()}


def forms_searched(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    results = response.context["results"]
    return sorted(results.parsed.units[0].form_labels), {a.slug for a in results.page.items}


def test_only_the_forms_some_article_holds_are_searched(client, kharkiv_reports):
    both = {article.slug for article in kharkiv_reports.values()}
    assert forms_searched(client, "Харкові") == (["харкова", "харків"], both)


def test_an_editors_new_text_brings_its_forms_into_the_search(client, kharkiv_reports):
    editor = User.objects.create_user("forms-editor", password="pw-for-tests-only", is_staff=True)
    editor.groups.add(Group.objects.get(name="editors"))
    client.force_login(editor)
    article = kharkiv_reports["morning.txt"]
    data = form_data(client.get(change_url(article)))
    data["body"] = "Харкову знову загрожують дрони, сирени лунали до ранку."
    assert client.post(change_url(article), data).status_code == 302
    client.logout()
    assert forms_searched(client, "Харкові") == (
        ["харкова", "харкову"],
        {article.slug for article in kharkiv_reports.values()},
    )
    assert not ArchiveWord.objects.filter(word="харків").exists()


# Did you mean ----------------------------------------------------------------


def test_an_excluded_word_leaves_out_every_article_that_searching_it_finds(client):
    """-word leaves out an article in any language, though one language's
    configuration stems the word and another keeps it whole ("drovanios" is
    'drovanio' in English, "Ковальський" 'ковальськ' in Russian)."""
    plain, english = add_articles(
        ("Brelkast", "The brelkast held."),
        ("Brelkast again", "The brelkast held near drovanios."),
    )
    ukrainian, cyrillic = add_articles(
        ("Brelkast", "Brelkast і drovanios."),
        ("Brelkast знову", "Brelkast, сказав Ковальський."),
        language="uk",
    )
    (russian,) = add_articles(("Brelkast", "Brelkast и drovanios."), language="ru")
    assert found_set(client, q="drovanios") == {english, ukrainian, russian}
    assert found_set(client, q="brelkast -drovanios") == {plain, cyrillic}
    assert found_set(client, q='"the brelkast" -drovanios') == {plain}
    assert found_set(client, q="Ковальський") == {cyrillic}
    assert found_set(client, q="brelkast -Ковальський") == {plain, english, ukrainian, russian}


@pytest.fixture
def bakhmut(tmp_path, gazetteer):
    """Three imported reports on Bakhmut and one on a misspelt word, through
    the import (which keeps the vocabulary)."""
    reports = {
        "one.txt": "Bakhmut holds\n\nFighting around Bakhmut went on through the night.",
        "two.txt": "Shelling\n\nArtillery struck Bakhmut and the surrounding villages again.",
        "three.txt": "Supply lines\n\nRoads into Bakhmut were cut by drone attacks on convoys.",
        "four.txt": "Logistics\n\nThe logistics of the reinforcements were strained all week.",
    }
    import_texts(tmp_path, reports)


def offers(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    return response.context["results"].spelling_offers, response.content.decode()


def test_a_misspelt_name_offers_the_gazetteer_name_with_its_count(client, bakhmut):
    offered, page = offers(client, q="Bakmut")
    query, count, url = offered[0]
    assert (query, count) == ("Bakhmut", 3)
    assert "Did you mean" in page and f'href="{url.replace("&", "&amp;")}"' in page
    followed = client.get("/search/" + url)
    assert followed.context["results"].count == 3


def test_a_misspelt_word_offers_the_archive_word_with_its_count(client, bakhmut):
    offered, _ = offers(client, q="logistcs")
    assert [(query, count) for query, count, _ in offered] == [("logistics", 1)]


def test_spellings_that_find_the_same_articles_are_offered_once(client, tmp_path, gazetteer):
    """Zelensky, Zelenskyy and Zelenskyi name one man, and "sanction" finds
    what "sanctions" finds: each is one offer, the closest spelling."""
    import_texts(
        tmp_path,
        {
            "one.txt": "Address\n\nZelensky spoke of new sanctions on the ports.",
            "two.txt": "Visit\n\nZelenskyy met the envoys; one sanction was lifted.",
            "three.txt": "Talks\n\nThe talks with Zelenskyi turned to sanctions and grain.",
        },
    )
    named, page = offers(client, q="Zelenskky")
    assert [count for _, count, _ in named] == [3]
    assert page.count("Did you mean") == 1
    worded, _ = offers(client, q="sancions")
    assert [count for _, count, _ in worded] == [3]


def test_a_query_that_finds_enough_offers_nothing(client, bakhmut):
    assert offers(client, q="Bakhmut")[0] == []
    assert offers(client, q="Bakmut", exact=1)[0] == []


def test_the_vocabulary_follows_updates_and_is_rebuilt_by_relink(client, tmp_path, bakhmut):
    assert ArchiveWord.objects.get(word="logistics").articles == 1
    (tmp_path / "four.txt").write_text("Logistics\n\nThe supply of the reinforcements was slow.")
    import_paths([tmp_path])
    assert not ArchiveWord.objects.filter(word="logistics").exists()  # the lede and body only
    kept = dict(ArchiveWord.objects.values_list("word", "articles"))
    call_command("relink_articles", stdout=io.StringIO())
    assert dict(ArchiveWord.objects.values_list("word", "articles")) == kept
    assert kept["bakhmut"] == 3


def test_the_import_counts_the_words_of_unusual_characters_as_relink_does(tmp_path, gazetteer):
    # The import takes the words linking split the text into, unless a character
    # ("_", İ, Σ) makes them differ from the vocabulary's own words.
    texts = {
        "one.txt": "Grain deal\n\nThe snake_case tag and the Logistics_Hub were in the files.",
        "two.txt": "Istanbul talks\n\nDelegates met in İSTANBUL and in Istanbul on grain.",
        "three.txt": "Greek shipping\n\nThe ΟΔΟΣ’Α terminal and ΛΙΜΑΝΙ moved grain to Odesa.",
        "four.txt": "Plain text\n\nThe convoy reached Zaporizhzhia after the bridge was repaired.",
    }
    import_texts(tmp_path, texts)
    imported = dict(ArchiveWord.objects.values_list("word", "articles"))
    call_command("relink_articles", stdout=io.StringIO())
    assert dict(ArchiveWord.objects.values_list("word", "articles")) == imported
    assert {"snake", "case", "logistics", "hub", "zaporizhzhia", "οδοσ"} <= set(imported)
