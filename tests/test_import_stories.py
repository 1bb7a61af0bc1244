"""Translations and near-copies: kept, grouped in one story, shown together."""

import json

import pytest
from django.core.management import call_command

from articles.importing import import_paths
from articles.models import Article, ArticleSignature

from .test_admin import form_data, form_errors
from .test_backup import empty_the_database

pytestmark = pytest.mark.django_db

ADDRESS_URL = "https://president.example.org/addresses/evening-address-12"

ADDRESS_EN = {
    "title": "Evening address on the energy system",
    "body": (
        "Good evening. Today the engineers restored power to most districts of Kharkiv "
        "after the night attack on the substations.\n\n"
        "We are preparing the grid for the winter and every region has a reserve plan."
    ),
    "url": ADDRESS_URL,
    "language": "en",
    "source": "Office of the President",
    "published": "2024-03-02",
}

ADDRESS_UK = {
    "title": "Вечірнє звернення про енергетичну систему",
    "body": (
        "Добрий вечір. Сьогодні енергетики повернули світло в більшість районів Харкова "
        "після нічної атаки на підстанції.\n\n"
        "Ми готуємо мережу до зими, і кожна область має резервний план."
    ),
    "url": ADDRESS_URL,
    "language": "uk",
    "source": "Office of the President",
    "published": "2024-03-02",
}

# About 250 words, written for these tests.
WIRE_STORY = [
    "Rail crews in the Dnipropetrovsk region finished repairs on the main line overnight, "
    "the national railway said on Tuesday morning.",
    "The line had been closed for three days after a drone strike damaged a bridge support "
    "and two kilometres of track near a junction station. Engineers worked in shifts through "
    "the weekend, bringing in a mobile crane and replacement girders from a depot in the west "
    "of the country. Freight trains carrying grain to the ports were the first to use the "
    "repaired section, followed by two passenger services that had been diverted along a "
    "slower route through neighbouring districts.",
    "Railway officials said the repair took less time than a similar one last winter because "
    "spare parts are now stored closer to the front line. They also said that warning systems "
    "at the junction had been upgraded, so that trains can be stopped within minutes when an "
    "air raid alert is declared for the area. Local authorities asked residents to keep away "
    "from the tracks while testing continues during the coming week.",
    "The company expects timetables on the line to return to normal by Friday, although some "
    "night services will remain suspended until the end of the month. Passengers were advised "
    "to check departure times on the railway's website and in its mobile application before "
    "travelling, and to allow extra time for security checks at the larger stations.",
]

WIRE_COPY = [
    "KYIV, March 5 — Rail crews restored the main line in the Dnipropetrovsk region overnight.",
    *WIRE_STORY[1:],
    "(Reporting by a staff correspondent; editing by the regional desk)",
]

UNRELATED = [
    "Farmers in the Odesa region began the spring sowing campaign this week, later than usual "
    "because of a cold and wet March.",
    "Agronomists said that the soil was still too heavy in low-lying fields, and that sunflower "
    "would be planted mostly in the second half of April. Several cooperatives reported that "
    "they had bought seed and fertiliser in advance, fearing higher prices later in the season. "
    "Fuel remained the largest cost for smaller farms, which rely on old tractors that use more "
    "diesel per hectare than modern machines.",
    "The regional administration promised to clear more fields of unexploded ordnance before "
    "the harvest, and asked farmers to report suspicious objects instead of moving them. Teams "
    "of deminers have so far checked several thousand hectares, mostly along the river, and "
    "the work will continue through the summer with help from foreign donors.",
]


def _write_jsonl(path, records):
    path.write_text("\n".join(json.dumps(record, ensure_ascii=False) for record in records))
    return path


def _wire(title, paragraphs, source, url):
    return {"title": title, "body": "\n\n".join(paragraphs), "source": source, "url": url}


def _story(article):
    return {other.pk for other in article.story_members()}


def assert_linked_pair():
    english = Article.objects.get(language="en", url=ADDRESS_URL)
    ukrainian = Article.objects.get(language="uk", url=ADDRESS_URL)
    assert english.story_key is not None
    assert english.story_key == ukrainian.story_key
    assert _story(english) == {ukrainian.pk}
    assert _story(ukrainian) == {english.pk}
    assert english.slug != ukrainian.slug
    return english, ukrainian


@pytest.mark.parametrize("order", ["en-uk", "uk-en"])
def test_a_translation_sharing_a_url_in_one_file_is_kept_and_linked(tmp_path, gazetteer, order):
    records = [ADDRESS_EN, ADDRESS_UK] if order == "en-uk" else [ADDRESS_UK, ADDRESS_EN]
    report = import_paths([_write_jsonl(tmp_path / "addresses.jsonl", records)])
    assert (report.created, report.duplicate_count, report.translations) == (2, 0, 1)
    assert_linked_pair()


@pytest.mark.parametrize("first,second", [(ADDRESS_EN, ADDRESS_UK), (ADDRESS_UK, ADDRESS_EN)])
def test_a_translation_imported_in_a_later_run_joins_its_original(
    tmp_path, gazetteer, first, second
):
    assert import_paths([_write_jsonl(tmp_path / "first.jsonl", [first])]).created == 1
    report = import_paths([_write_jsonl(tmp_path / "second.jsonl", [second])])
    assert (report.created, report.duplicate_count, report.translations) == (1, 0, 1)
    assert_linked_pair()


@pytest.mark.parametrize(
    ("english_url", "ukrainian_url"),
    [
        (
            "https://president.example.org/en/addresses/12",
            "https://president.example.org/addresses/12",
        ),
        (
            "https://en.president.example.org/addresses/12",
            "https://president.example.org/addresses/12",
        ),
        (
            "https://president.example.org/addresses/12?lang=en",
            "https://president.example.org/addresses/12?lang=uk",
        ),
    ],
)
@pytest.mark.parametrize("runs", [1, 2])
def test_a_translation_at_its_language_s_url_joins_its_original(
    tmp_path, gazetteer, english_url, ukrainian_url, runs
):
    english = {**ADDRESS_EN, "url": english_url}
    ukrainian = {**ADDRESS_UK, "url": ukrainian_url}
    if runs == 1:
        report = import_paths([_write_jsonl(tmp_path / "both.jsonl", [ukrainian, english])])
        assert (report.created, report.translations) == (2, 1)
    else:
        import_paths([_write_jsonl(tmp_path / "uk.jsonl", [ukrainian])])
        report = import_paths([_write_jsonl(tmp_path / "en.jsonl", [english])])
        assert (report.created, report.translations) == (1, 1)
    first, second = Article.objects.order_by("pk")
    assert _story(first) == {second.pk} and {first.url, second.url} == {english_url, ukrainian_url}


def test_pages_at_other_urls_stay_apart(tmp_path, gazetteer):
    records = [
        {**ADDRESS_EN, "url": "https://president.example.org/en/addresses/12"},
        {**ADDRESS_UK, "url": "https://president.example.org/addresses/13"},
        {**ADDRESS_UK, "title": "Інше", "url": "https://english.example.org/addresses/12"},
    ]
    records[2]["body"] = ADDRESS_UK["body"].replace("Харкова", "Одеси")
    import_paths([_write_jsonl(tmp_path / "apart.jsonl", records)])
    assert all(_story(article) == set() for article in Article.objects.all())


def test_the_same_headline_in_two_languages_gets_two_slugs(tmp_path, gazetteer):
    same_title = {**ADDRESS_UK, "title": ADDRESS_EN["title"]}
    import_paths([_write_jsonl(tmp_path / "a.jsonl", [ADDRESS_EN, same_title])])
    english, ukrainian = assert_linked_pair()
    assert ukrainian.slug == f"{english.slug}-2"


@pytest.mark.parametrize("translation_first", [True, False])
def test_translation_of_names_the_original_in_either_order(tmp_path, gazetteer, translation_first):
    original = {**ADDRESS_EN, "url": "https://president.example.org/en/address-12"}
    translation = {
        **ADDRESS_UK,
        "url": "https://president.example.org/uk/address-12",
        "translation_of": original["url"],
    }
    runs = [[translation], [original]] if translation_first else [[original], [translation]]
    for number, records in enumerate(runs):
        import_paths([_write_jsonl(tmp_path / f"run{number}.jsonl", records)])
    english = Article.objects.get(language="en")
    ukrainian = Article.objects.get(language="uk")
    assert english.story_key == ukrainian.story_key
    assert _story(english) == {ukrainian.pk}


def test_a_translation_of_that_is_no_url_is_rejected_by_name(tmp_path, gazetteer):
    bad = {**ADDRESS_UK, "original_url": "address twelve"}
    report = import_paths([_write_jsonl(tmp_path / "bad.jsonl", [bad])])
    assert report.created == 0
    assert report.rejected == [
        (f"{tmp_path / 'bad.jsonl'}:1", "original_url: 'address twelve' is not an http(s) URL")
    ]


def test_reimporting_a_pair_changes_nothing_and_a_changed_text_updates_its_language(
    tmp_path, gazetteer
):
    path = _write_jsonl(tmp_path / "addresses.jsonl", [ADDRESS_EN, ADDRESS_UK])
    import_paths([path])
    before = {a.pk: (a.story_key, a.updated) for a in Article.objects.all()}
    again = import_paths([path])
    assert (again.created, again.updated, again.unchanged, again.duplicate_count) == (0, 0, 2, 0)
    assert {a.pk: (a.story_key, a.updated) for a in Article.objects.all()} == before

    corrected = {**ADDRESS_UK, "body": ADDRESS_UK["body"] + "\n\nСлава Україні."}
    _write_jsonl(path, [ADDRESS_EN, corrected])
    report = import_paths([path])
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    english, ukrainian = assert_linked_pair()
    assert ukrainian.body.endswith("Слава Україні.")
    assert (english.pk, ukrainian.pk) == tuple(sorted(before))


def test_exact_duplicates_are_still_skipped_and_reported(tmp_path, gazetteer):
    same_url_and_language = {**ADDRESS_EN, "title": "Another headline", "body": "Other words."}
    path = _write_jsonl(tmp_path / "a.jsonl", [ADDRESS_EN, same_url_and_language, ADDRESS_EN])
    report = import_paths([path])
    assert (report.created, report.duplicate_count) == (1, 2)
    assert dict(report.duplicates) == {
        f"{path}:2": "same URL and language as a record read earlier in this run",
        f"{path}:3": "same text as a record read earlier in this run",
    }
    # The same text under another URL, in a later run, is the archived article.
    moved = {**ADDRESS_EN, "url": "https://mirror.example.org/address"}
    later = import_paths([_write_jsonl(tmp_path / "b.jsonl", [moved])])
    assert (later.created, later.unchanged) == (0, 1)
    assert Article.objects.count() == 1


@pytest.mark.parametrize("runs", [1, 2])
def test_a_syndicated_copy_is_grouped_with_its_original(tmp_path, gazetteer, runs):
    original = _wire(
        "Main rail line reopens", WIRE_STORY, "Rail Wire", "https://wire.example.org/rail"
    )
    copy = _wire(
        "Rail line reopens after repairs",
        WIRE_COPY,
        "Daily Courier",
        "https://courier.example.org/news/rail",
    )
    other = _wire(
        "Spring sowing starts late", UNRELATED, "Rail Wire", "https://wire.example.org/sowing"
    )
    if runs == 1:
        report = import_paths([_write_jsonl(tmp_path / "feed.jsonl", [original, other, copy])])
        assert (report.created, report.copies, report.duplicate_count) == (3, 1, 0)
    else:
        import_paths([_write_jsonl(tmp_path / "wire.jsonl", [original, other])])
        report = import_paths([_write_jsonl(tmp_path / "courier.jsonl", [copy])])
        assert (report.created, report.copies) == (1, 1)
    first = Article.objects.get(url=original["url"])
    second = Article.objects.get(url=copy["url"])
    unrelated = Article.objects.get(url=other["url"])
    assert _story(first) == {second.pk}
    assert _story(second) == {first.pk}
    assert _story(unrelated) == set()
    assert ArticleSignature.objects.filter(article=second).count() > 0


def test_a_copy_joins_an_article_that_had_no_story_yet(tmp_path, gazetteer):
    original = _wire("Main rail line reopens", WIRE_STORY, "Rail Wire", "")
    import_paths([_write_jsonl(tmp_path / "wire.jsonl", [original])])
    Article.objects.update(story_key=None)  # as an article saved before stories existed
    copy = _wire("Rail line reopens", WIRE_COPY, "Daily Courier", "")
    import_paths([_write_jsonl(tmp_path / "courier.jsonl", [copy])])
    first, second = Article.objects.order_by("pk")
    assert first.story_key is not None
    assert _story(first) == {second.pk}


def test_short_texts_that_differ_are_not_grouped(tmp_path, gazetteer):
    records = [
        {"title": f"Briefing {n}", "body": f"Shelling reported near the town overnight ({n})."}
        for n in range(3)
    ]
    import_paths([_write_jsonl(tmp_path / "briefings.jsonl", records)])
    assert all(_story(article) == set() for article in Article.objects.all())


@pytest.mark.parametrize("runs", [1, 2])
def test_one_template_filled_in_twice_or_sent_weeks_apart_is_two_texts(tmp_path, gazetteer, runs):
    """Readouts and reports made from one template share most of their words;
    when their headlines name other numbers ("3rd brigade", "7th brigade";
    "March 3", "March 4"), or weeks lie between them, they are not copies."""
    body = "\n\n".join(WIRE_STORY)
    records = [
        {
            "title": "Crews of the 3rd brigade repair the line",
            "body": body,
            "published": "2024-03-05",
        },
        {
            "title": "Crews of the 7th brigade repair the line",
            "body": body.replace("three days", "seven days"),
            "published": "2024-03-05",
        },
        {"title": "Rail line repairs", "body": body, "published": "2024-01-02"},
        {"title": "Rail line repairs", "body": body + " Updated.", "published": "2024-02-20"},
        # A copy a few days later, headline numbers kept, is still grouped.
        {
            "title": "Crews of 3rd brigade repair line",
            "body": body + " ©",
            "published": "2024-03-08",
        },
    ]
    if runs == 1:
        import_paths([_write_jsonl(tmp_path / "readouts.jsonl", records)])
    else:
        for index, record in enumerate(records):
            import_paths([_write_jsonl(tmp_path / f"readout-{index}.jsonl", [record])])
    third, seventh, january, february, copy = Article.objects.order_by("pk")
    assert _story(third) == {copy.pk}
    assert _story(seventh) == set()
    assert _story(january) == set() and _story(february) == set()


def test_the_worker_processes_and_bulk_paths_group_the_same_way(tmp_path, gazetteer):
    original = _wire("Main rail line reopens", WIRE_STORY, "Rail Wire", "https://w.example/r")
    copy = _wire("Rail line reopens", WIRE_COPY, "Daily Courier", "https://c.example/r")
    other = _wire("Spring sowing starts late", UNRELATED, "Rail Wire", "https://w.example/s")
    path = _write_jsonl(tmp_path / "feed.jsonl", [ADDRESS_EN, original, other, ADDRESS_UK, copy])
    report = import_paths([path], batch_size=2, workers=2)
    assert (report.created, report.translations, report.copies) == (5, 1, 1)
    assert_linked_pair()
    assert _story(Article.objects.get(url=original["url"])) == {
        Article.objects.get(url=copy["url"]).pk
    }
    again = import_paths([path], batch_size=2, workers=2)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)


# Where people see it


@pytest.fixture
def stories(tmp_path, gazetteer):
    original = _wire("Main rail line reopens", WIRE_STORY, "Rail Wire", "https://w.example/r")
    copy = _wire("Rail line reopens", WIRE_COPY, "Daily Courier", "https://c.example/r")
    records = [ADDRESS_EN, ADDRESS_UK, original, copy]
    import_paths([_write_jsonl(tmp_path / "feed.jsonl", records)])
    english, ukrainian = assert_linked_pair()
    return {
        "english": english,
        "ukrainian": ukrainian,
        "original": Article.objects.get(url=original["url"]),
        "copy": Article.objects.get(url=copy["url"]),
    }


def test_the_article_page_offers_the_other_languages_and_the_copies(client, stories):
    english, ukrainian = stories["english"], stories["ukrainian"]
    page = client.get(english.get_absolute_url()).content.decode()
    for language, article in (("en", english), ("uk", ukrainian)):
        assert (
            f'<link rel="alternate" hreflang="{language}" '
            f'href="http://testserver{article.get_absolute_url()}">'
        ) in page
    assert (
        f'<a href="{ukrainian.get_absolute_url()}" hreflang="uk" lang="uk">Українська</a>' in page
    )
    back = client.get(ukrainian.get_absolute_url()).content.decode()
    assert f'<a href="{english.get_absolute_url()}" hreflang="en" lang="en">English</a>' in back

    original = client.get(stories["original"].get_absolute_url()).content.decode()
    assert "Also published by" in original
    assert f'<a href="{stories["copy"].get_absolute_url()}">Daily Courier</a>' in original
    assert "hreflang" not in original

    Article.objects.filter(pk=stories["copy"].pk).update(status=Article.Status.DRAFT)
    assert (
        "Also published by"
        not in client.get(stories["original"].get_absolute_url()).content.decode()
    )


def test_the_api_lists_translations_and_copies(client, stories):
    english = client.get(f"/api/articles/{stories['english'].slug}").json()
    assert [t["slug"] for t in english["translations"]] == [stories["ukrainian"].slug]
    assert english["translations"][0]["language"] == "uk"
    assert english["copies"] == []
    original = client.get(f"/api/articles/{stories['original'].slug}").json()
    assert original["translations"] == []
    assert [(c["slug"], c["source"]["name"]) for c in original["copies"]] == [
        (stories["copy"].slug, "Daily Courier")
    ]
    schema = client.get("/api/schema/").json()["components"]["schemas"]["ArticleDetail"]
    assert {"translations", "copies"} <= set(schema["required"])


def test_a_search_shows_one_line_per_story_with_the_others_beside_it(client, stories):
    response = client.get("/search/", {"q": "rail line"})
    shown = [article.pk for article in response.context["page"].items]
    assert shown in ([stories["original"].pk], [stories["copy"].pk])
    first = response.context["page"].items[0]
    other = stories["copy"] if first.pk == stories["original"].pk else stories["original"]
    page = response.content.decode()
    assert "Also published by" in page
    assert f'href="{other.get_absolute_url()}"' in page

    everything = client.get("/search/")
    items = everything.context["page"].items
    assert len(items) == 2  # four articles, two stories
    address = next(a for a in items if a.story_key == stories["english"].story_key)
    assert [t.language for t in address.story.translations] in (["uk"], ["en"])
    assert 'hreflang="uk"' in everything.content.decode() or 'hreflang="en"' in (
        everything.content.decode()
    )


def test_a_search_shows_an_article_alone_when_its_story_has_no_other(client, stories):
    response = client.get("/search/", {"q": "grid winter"})
    assert [a.pk for a in response.context["page"].items] == [stories["english"].pk]
    assert "Also published by" not in response.content.decode()


def test_editors_see_the_story_and_can_take_an_article_out_of_it(admin_client, stories):
    english, ukrainian = stories["english"], stories["ukrainian"]
    url = f"/admin/articles/article/{english.pk}/change/"
    form = admin_client.get(url)
    assert f"/admin/articles/article/{ukrainian.pk}/change/" in form.content.decode()
    assert "(translation, Office of the President, published)" in form.content.decode()

    data = {**form_data(form), "detach_from_story": "on"}
    response = admin_client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    english.refresh_from_db()
    ukrainian.refresh_from_db()
    assert english.story_key != ukrainian.story_key
    assert english.story_members() == [] and ukrainian.story_members() == []
    assert "None: this article stands alone." in admin_client.get(url).content.decode()


def test_editors_group_and_detach_articles_in_bulk(admin_client, stories):
    original, copy, english = stories["original"], stories["copy"], stories["english"]
    detach = {"action": "detach_story", "_selected_action": [copy.pk]}
    admin_client.post("/admin/articles/article/", detach)
    original.refresh_from_db()
    assert original.story_members() == []

    group = {"action": "group_story", "_selected_action": [original.pk, copy.pk, english.pk]}
    response = admin_client.post("/admin/articles/article/", group, follow=True)
    assert "4 articles now tell one story." in response.content.decode()
    members = {a.pk for a in Article.objects.get(pk=original.pk).story_members()}
    assert members == {copy.pk, english.pk, stories["ukrainian"].pk}  # with its translation


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_the_stories_and_a_later_import_still_groups(tmp_path, gazetteer):
    original = _wire("Main rail line reopens", WIRE_STORY, "Rail Wire", "https://w.example/r")
    import_paths([_write_jsonl(tmp_path / "feed.jsonl", [ADDRESS_EN, ADDRESS_UK, original])])
    backup = tmp_path / "archive.jsonl.gz"
    call_command("export_archive", backup, verbosity=0)
    empty_the_database()
    call_command("restore_archive", backup, verbosity=0)
    assert_linked_pair()
    copy = _wire("Rail line reopens", WIRE_COPY, "Daily Courier", "https://c.example/r")
    assert import_paths([_write_jsonl(tmp_path / "copy.jsonl", [copy])]).copies == 1
    restored = Article.objects.get(url=original["url"])
    assert _story(restored) == {Article.objects.get(url=copy["url"]).pk}


def test_group_stories_groups_articles_saved_before_stories_existed(tmp_path, gazetteer, capsys):
    original = _wire("Main rail line reopens", WIRE_STORY, "Rail Wire", "https://w.example/r")
    copy = _wire("Rail line reopens", WIRE_COPY, "Daily Courier", "https://c.example/r")
    other = _wire("Spring sowing starts late", UNRELATED, "Rail Wire", "https://w.example/s")
    records = [ADDRESS_EN, original, other, ADDRESS_UK, copy]
    import_paths([_write_jsonl(tmp_path / "feed.jsonl", records)])
    Article.objects.update(story_key=None)
    ArticleSignature.objects.all().delete()

    call_command("group_stories")
    call_command("group_stories")
    out = " ".join(capsys.readouterr().out.split())
    assert "5 articles read: 1 translations and 1 near-copies grouped" in out
    assert "0 articles read: 0 translations and 0 near-copies grouped" in out
    assert_linked_pair()
    first = Article.objects.get(url=original["url"])
    assert _story(first) == {Article.objects.get(url=copy["url"]).pk}
    assert _story(Article.objects.get(url=other["url"])) == set()
