"""Editors' curation in the admin, through its real pages, as a member of `editors`."""

import datetime
import secrets

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from reversion.models import Version

from articles.curation.gazetteer_edits import create_entity
from articles.linking import relink_articles
from articles.models import (
    Actor,
    ActorAlias,
    ActorMention,
    Article,
    Location,
    LocationAlias,
    LocationMention,
    Merge,
    Source,
    Suggestion,
)

pytestmark = pytest.mark.django_db


# Data and users


def make_actor(name, *aliases, kind=Actor.Kind.PERSON):
    actor = create_entity(Actor, name, kind)
    for alias in aliases:
        actor.aliases.create(name=alias)
    return actor


def make_location(name, *aliases, kind=Location.Kind.CITY, parent=None):
    location = create_entity(Location, name, kind)
    location.parent = parent
    location.save()
    for alias in aliases:
        location.aliases.create(name=alias)
    return location


@pytest.fixture
def archive(db):
    """A small archive whose gazetteer has duplicates to merge: two records for
    Zelensky, two for Kharkiv, two for one source."""
    kyiv_independent = Source.objects.create(name="Kyiv Independent")
    the_kyiv_independent = Source.objects.create(name="The Kyiv Independent")
    isw = Source.objects.create(name="Institute for the Study of War")
    zelensky = make_actor("Volodymyr Zelensky", "Zelensky", "Zelenskyy")
    zelenskiy = make_actor("Zelenskiy", "Selenskyj")
    putin = make_actor("Vladimir Putin", "Putin")
    ukraine = make_location("Ukraine", kind=Location.Kind.COUNTRY)
    oblast = make_location("Kharkiv Oblast", kind=Location.Kind.REGION, parent=ukraine)
    kharkiv = make_location("Kharkiv", "Харків", parent=oblast)
    kharkov = make_location("Kharkov", "Charkiw", parent=ukraine)
    articles = [
        Article.objects.create(
            title="Zelenskiy visits Kharkov",
            body="President Zelenskiy went to Kharkov.\n\nZelenskiy met soldiers in Kharkiv.",
            source=kyiv_independent,
            published=datetime.date(2024, 5, 1),
        ),
        Article.objects.create(
            title="Zelensky answers Putin",
            body="Zelensky said Putin lies. Selenskyj, as German papers write, spoke in Харків.",
            source=the_kyiv_independent,
            published=datetime.date(2024, 6, 2),
        ),
        Article.objects.create(
            title="Assessment of the Kharkiv Oblast front",
            body="Russian forces attacked in Kharkiv Oblast. Putin ordered more.",
            source=isw,
        ),
        Article.objects.create(
            title="Unreleased draft about Zelensky",
            body="Zelensky, draft text.",
            source=isw,
            status=Article.Status.DRAFT,
        ),
    ]
    relink_articles()
    return {
        "sources": (kyiv_independent, the_kyiv_independent, isw),
        "actors": (zelensky, zelenskiy, putin),
        "locations": (ukraine, oblast, kharkiv, kharkov),
        "articles": articles,
    }


def _logged_in_client(user, password):
    client = Client()
    response = client.post("/admin/login/", {"username": user.username, "password": password})
    assert response.status_code == 302, "the login page refused the editor"
    return client


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real logins with a random password, hashed quickly: strength is not under test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def editor():
    password = secrets.token_urlsafe(24)
    user = User.objects.create_user(
        username="editor", email="editor@example.org", password=password, is_staff=True
    )
    user.groups.add(Group.objects.get(name="editors"))
    user.test_password = password
    return user


@pytest.fixture
def editor_client(editor):
    return _logged_in_client(editor, editor.test_password)


def changelist(model):
    return f"/admin/articles/{model._meta.model_name}/"


def change_url(obj):
    return f"/admin/articles/{obj._meta.model_name}/{obj.pk}/change/"


def action(client, model, name, objects, follow=False, **extra):
    """Run the change list action ``name`` on ``objects``, as its form posts it."""
    data = {"action": name, "_selected_action": [obj.pk for obj in objects], **extra}
    return client.post(changelist(model), data, follow=follow)


def form_data(response):
    """What a browser would post back from the admin change form in ``response``
    as rendered: every field with the value it shows, inlines included."""
    data = {}

    def add(form):
        for bound in form:
            if bound.field.disabled:
                continue
            value = bound.value()
            if value is None or value is False:
                continue
            data[bound.html_name] = "on" if value is True else value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = value
        for form in formset.forms:
            add(form)
    return data


def form_errors(response):
    """The errors an admin form page shows, to explain a failed save."""
    if response.context is None or "adminform" not in response.context:
        return response.status_code
    errors = [response.context["adminform"].form.errors]
    for inline in response.context["inline_admin_formsets"]:
        errors += [inline.formset.non_form_errors(), inline.formset.errors]
    return errors


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


# Who may do what


def test_editors_group_has_curation_permissions_but_not_users_or_deleting_articles():
    codenames = set(
        Group.objects.get(name="editors").permissions.values_list("codename", flat=True)
    )
    assert {"change_article", "add_article", "change_actor", "delete_actor"} <= codenames
    assert {"change_suggestion", "change_source", "change_locationalias"} <= codenames
    assert "delete_article" not in codenames
    assert {"view_accessattempt", "delete_accessattempt"} <= codenames  # login lockouts
    assert not {c for c in codenames if c.endswith(("_user", "_group", "_permission"))}


def test_anonymous_and_non_staff_users_get_the_login_page(client, archive):
    article = archive["articles"][0]
    zelensky, zelenskiy, _ = archive["actors"]
    urls = [
        "/admin/",
        *[changelist(model) for model in (Article, Actor, Location, Source, Suggestion, Merge)],
        change_url(article),
        change_url(zelensky),
        "/admin/articles/article/add/",
        f"/admin/articles/article/{article.pk}/history/",
        f"/admin/articles/article/{article.pk}/history/1/compare/",
        "/admin/auth/user/",
    ]
    password = secrets.token_urlsafe(24)
    reader = User.objects.create_user(username="reader", password=password)
    reader.groups.add(
        Group.objects.get(name="editors")
    )  # a group without staff status is not enough
    # The login page itself refuses a user without staff status.
    refused = Client().post("/admin/login/", {"username": "reader", "password": password})
    assert refused.status_code == 200 and b"staff account" in refused.content
    reader_client = Client()
    reader_client.force_login(reader)
    for user_client in (client, reader_client):
        for url in urls:
            response = user_client.get(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith("/admin/login/"), url
        response = action(
            user_client, Actor, "merge_selected", [zelensky, zelenskiy], confirm="yes"
        )
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert Actor.objects.filter(pk=zelenskiy.pk).exists() and not Merge.objects.exists()


def test_an_editor_cannot_reach_users_or_groups(editor_client):
    index = editor_client.get("/admin/").content.decode()
    assert "Articles" in index and "Actors" in index
    assert "/admin/auth/user/" not in index
    for url in ["/admin/auth/user/", "/admin/auth/group/", "/admin/auth/user/add/"]:
        assert editor_client.get(url).status_code == 403, url


def test_an_editor_cannot_delete_an_article_but_a_superuser_can(
    editor_client, admin_client, archive
):
    article = archive["articles"][0]
    delete_url = f"/admin/articles/article/{article.pk}/delete/"
    assert editor_client.get(delete_url).status_code == 403
    assert editor_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert "delete_selected" not in editor_client.get(changelist(Article)).content.decode()
    assert Article.objects.filter(pk=article.pk).exists()
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()


def test_admin_forms_refuse_posts_without_csrf_token(editor, archive):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    zelensky, zelenskiy, _ = archive["actors"]
    response = action(client, Actor, "merge_selected", [zelensky, zelenskiy], confirm="yes")
    assert response.status_code == 403
    assert Actor.objects.filter(pk=zelenskiy.pk).exists()


# Every page renders, in a number of queries that does not grow with the data


def grow(archive, n):
    """Add ``n`` of everything: articles, actors and places, names, mentions, suggestions."""
    article = archive["articles"][0]
    zelensky = archive["actors"][0]
    kharkiv = archive["locations"][2]
    source = archive["sources"][0]
    start = Source.objects.filter(name__startswith="Outlet").count()
    for i in range(start, start + n):
        actor = make_actor(f"Commander Number{i}", f"Cmdr Number{i}")
        place = make_location(f"Village Number{i}", f"Selo Number{i}", parent=kharkiv)
        zelensky.aliases.create(name=f"Zelensky variant {i}")
        kharkiv.aliases.create(name=f"Kharkiv variant {i}")
        text = f"Commander Number{i} held Village Number{i}. Zelensky variant {i} spoke."
        Article.objects.create(title=f"Report {i}", body=text, source=source)
        ActorMention.objects.create(article=article, actor=actor, count=i + 1)
        LocationMention.objects.create(article=article, location=place, count=i + 1)
        Source.objects.create(name=f"Outlet {i}")
        Suggestion.objects.create(
            name=f"Unknown Brigade {i}",
            examples=[{"article": article.slug, "sentence": f"The Unknown Brigade {i} moved."}],
        )
    relink_articles(Article.objects.filter(title__startswith="Report"))


def admin_pages(archive):
    article = archive["articles"][0]
    zelensky = archive["actors"][0]
    kharkiv = archive["locations"][2]
    source = archive["sources"][0]
    suggestion = Suggestion.objects.order_by("pk").first()
    merge = Merge.objects.order_by("pk").first()
    return [
        "/admin/",
        changelist(Article),
        changelist(Article) + "?status__exact=published&has_actors=yes&date_known=yes",
        changelist(Article) + f"?actors={zelensky.pk}&q=Zelensky",
        changelist(Article) + "?published__year=2024",
        changelist(Article) + f"?_facets=True&locations={kharkiv.pk}",
        changelist(Merge) + "?_facets=True",
        changelist(Actor),
        changelist(Actor) + "?q=variant&_facets=True",
        changelist(Location),
        changelist(Location) + "?kind__exact=city",
        changelist(Source),
        changelist(Suggestion),
        changelist(Merge),
        changelist(Merge) + "?model=actor&undone=no",
        change_url(article),
        change_url(zelensky),
        change_url(kharkiv),
        change_url(source),
        change_url(suggestion),
        change_url(merge),
        f"/admin/articles/article/{article.pk}/history/",
        "/admin/articles/article/add/",
        "/admin/articles/actor/add/",
        "/admin/articles/location/add/",
        "/admin/articles/source/add/",
    ]


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_every_page_renders_in_a_constant_number_of_queries(
    editor_client, editor, archive, django_assert_max_num_queries
):
    grow(archive, 2)
    Suggestion.objects.create(name="Azov", examples=[])
    zelensky, zelenskiy, _ = archive["actors"]
    merged = action(
        editor_client,
        Actor,
        "merge_selected",
        [zelensky, zelenskiy],
        confirm="yes",
        survivor=zelensky.pk,
    )
    assert merged.status_code == 302
    edit = form_data(editor_client.get(change_url(archive["articles"][0])))
    edit["title"] = "Zelenskiy visits Kharkov, edited"
    assert editor_client.post(change_url(archive["articles"][0]), edit).status_code == 302

    pages = admin_pages(archive)
    small = {url: count_queries(editor_client, url) for url in pages}
    grow(archive, 25)
    for _ in range(3):
        edit["body"] += "\n\nMore."
        editor_client.post(change_url(archive["articles"][0]), edit)
    for url in pages:
        # Counts per filter choice ("show counts") re-read each filter's choices.
        assert small[url] <= (40 if "_facets" in url else 25), url
        with django_assert_max_num_queries(small[url]):
            response = editor_client.get(url)
        assert response.status_code == 200, url


# Articles: publishing, correcting, versions


def test_bulk_unpublish_and_publish_and_the_public_pages_follow(editor_client, client, archive):
    first, second, third, draft = archive["articles"]
    response = action(editor_client, Article, "unpublish", [first, second])
    assert response.status_code == 302
    assert client.get(first.get_absolute_url()).status_code == 404
    assert client.get(second.get_absolute_url()).status_code == 404
    assert client.get(third.get_absolute_url()).status_code == 200
    home = client.get("/").content.decode()
    assert first.title not in home and third.title in home
    zelensky_page = client.get(archive["actors"][0].get_absolute_url()).content.decode()
    assert second.title not in zelensky_page

    response = action(editor_client, Article, "publish", [first, second, draft])
    assert response.status_code == 302
    for article in (first, second, draft):
        assert client.get(article.get_absolute_url()).status_code == 200
    assert draft.title in client.get("/").content.decode()
    log = LogEntry.objects.filter(object_id=str(draft.pk), user__username="editor")
    assert [entry.change_message for entry in log] == ["Published (bulk action)."]


def test_article_list_filters_and_search(editor_client, archive):
    first, second, third, draft = archive["articles"]
    zelenskiy = archive["actors"][1]

    def titles(query):
        response = editor_client.get(changelist(Article) + query)
        assert response.status_code == 200
        return {article.title for article in response.context["cl"].result_list}

    assert titles("?status__exact=draft") == {draft.title}
    assert titles("?date_known=no") == {third.title, draft.title}
    assert titles("?has_actors=no") == set()
    assert titles(f"?actors={zelenskiy.pk}") == {first.title, second.title}
    assert titles("?q=soldiers") == {first.title}
    assert titles("?q=Study+of+War") == {third.title, draft.title}
    assert titles("?published__year=2024&published__month=6") == {second.title}


def test_relink_action_links_selected_articles_to_the_current_gazetteer(editor_client, archive):
    first = archive["articles"][0]
    putin = archive["actors"][2]
    Article.objects.filter(pk=first.pk).update(body=first.body + " Putin was not there.")
    assert not first.actor_mentions.filter(actor=putin).exists()
    assert action(editor_client, Article, "relink", [first]).status_code == 302
    assert first.actor_mentions.get(actor=putin).count == 1


def test_change_form_shows_mentions_with_counts_and_a_link_to_the_public_page(
    editor_client, archive
):
    first = archive["articles"][0]
    page = editor_client.get(change_url(first)).content.decode()
    assert "Zelenskiy" in page and "Kharkov" in page
    zelenskiy_mention = first.actor_mentions.get(actor=archive["actors"][1])
    assert zelenskiy_mention.count == 3
    assert 'value="3"' in page
    assert "View on site" in page
    draft = archive["articles"][3]
    assert "View on site" not in editor_client.get(change_url(draft)).content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "   ", "An article needs a headline."),
        ("url", "not a url", "Enter a valid URL."),
        ("published", "2999-01-01", "The publication date 2999-01-01 is in the future."),
        ("captions", "Smoke over the port\n | A. Photographer", "line 2: a caption needs its"),
        ("authors", "A" * 201, "is longer than 200 characters"),
    ],
)
def test_an_invalid_article_form_says_what_is_wrong_and_saves_nothing(
    editor_client, archive, field, value, message
):
    article = archive["articles"][0]
    before = Article.objects.filter(pk=article.pk).values().get()
    data = form_data(editor_client.get(change_url(article)))
    data[field] = value
    data["body"] = "A body that must not be saved."
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Article.objects.filter(pk=article.pk).values().get() == before
    assert not Version.objects.get_for_object(article).exists()


def test_a_date_of_today_is_accepted(editor_client, archive):
    article = archive["articles"][0]
    data = form_data(editor_client.get(change_url(article)))
    data["published"] = timezone.localdate().isoformat()
    assert editor_client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.published == timezone.localdate()


def test_editing_the_text_relinks_the_article_and_keeps_its_paragraphs(editor_client, archive):
    article = archive["articles"][2]
    putin = archive["actors"][2]
    data = form_data(editor_client.get(change_url(article)))
    data["body"] = "Putin ordered more.\r\n\r\nPutin again, in Kharkiv."  # as browsers send it
    assert editor_client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.paragraphs == ["Putin ordered more.", "Putin again, in Kharkiv."]
    assert article.actor_mentions.get(actor=putin).count == 2
    _, oblast, kharkiv, _ = archive["locations"]
    assert set(article.locations.all()) == {oblast, kharkiv}  # the headline names the oblast


def test_an_earlier_version_can_be_compared_and_restored_without_losing_any_text(
    editor_client, archive
):
    article = archive["articles"][0]
    original_body = article.body
    data = form_data(editor_client.get(change_url(article)))
    data["title"] = "Zelenskiy visits Kharkiv"
    data["body"] = "A mistaken edit <b>replaced</b> everything."
    assert editor_client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.body == "A mistaken edit <b>replaced</b> everything."

    history = editor_client.get(f"/admin/articles/article/{article.pk}/history/")
    assert history.status_code == 200
    versions = [version for version, _ in history.context["versions"]]
    assert len(versions) == 2  # the imported text, kept before the first edit, and the edit
    imported = versions[-1]
    assert imported.field_dict["body"] == original_body
    assert "editor" in history.content.decode()

    compare = editor_client.get(
        f"/admin/articles/article/{article.pk}/history/{imported.pk}/compare/"
    )
    assert compare.status_code == 200
    html = compare.content.decode()
    assert "<del>Zelenskiy met soldiers in Kharkiv.</del>" in html
    assert "&lt;b&gt;replaced&lt;/b&gt;" in html and "<b>replaced</b>" not in html
    assert "<del>Kharkov</del><ins>Kharkiv</ins>" in html

    revision_url = f"/admin/articles/article/{article.pk}/history/{imported.pk}/"
    restore_form = editor_client.get(revision_url)
    assert restore_form.status_code == 200
    article.refresh_from_db()
    assert article.body.startswith("A mistaken edit")  # looking at a version changes nothing
    assert editor_client.post(revision_url, form_data(restore_form)).status_code == 302

    article.refresh_from_db()
    assert (article.title, article.body) == ("Zelenskiy visits Kharkov", original_body)
    bodies = [v.field_dict["body"] for v in Version.objects.get_for_object(article)]
    assert bodies == [original_body, "A mistaken edit <b>replaced</b> everything.", original_body]
    assert article.actor_mentions.get(actor=archive["actors"][1]).count == 3  # linked again


def test_html_in_imported_text_is_shown_as_text_in_the_admin(editor_client, archive):
    article = archive["articles"][0]
    Article.objects.filter(pk=article.pk).update(title='<script>alert("x")</script> Kharkov')
    Source.objects.filter(pk=article.source_id).update(name="<img src=x onerror=alert(1)>")
    ActorAlias.objects.create(entity=archive["actors"][0], name="<i>Zelensky</i>")
    for url in [changelist(Article), change_url(article), changelist(Actor), changelist(Source)]:
        html = editor_client.get(url).content.decode()
        assert (
            "<script>alert" not in html and "<img src=x" not in html and "<i>Zelensky" not in html
        )
    assert "&lt;script&gt;alert" in editor_client.get(changelist(Article)).content.decode()


# The gazetteer: names, validation and re-linking


def test_actor_list_finds_records_by_any_alias_and_counts_their_articles(editor_client, archive):
    zelensky, zelenskiy, putin = archive["actors"]
    response = editor_client.get(changelist(Actor) + "?q=Zelenskyy")
    assert list(response.context["cl"].result_list) == [zelensky]
    response = editor_client.get(changelist(Actor))
    counts = {actor.name: actor.article_count for actor in response.context["cl"].result_list}
    assert counts == {"Volodymyr Zelensky": 2, "Zelenskiy": 2, "Vladimir Putin": 2}
    assert f'href="/admin/articles/article/?actors={zelenskiy.pk}"' in response.content.decode()
    response = editor_client.get(changelist(Location) + "?q=%D0%A5%D0%B0%D1%80%D0%BA%D1%96%D0%B2")
    assert [location.name for location in response.context["cl"].result_list] == ["Kharkiv"]


def alias_rows(response):
    """The alias inline's prefix and its management data."""
    formset = response.context["inline_admin_formsets"][0].formset
    return formset.prefix, formset.initial_form_count()


def test_an_alias_of_another_record_is_refused_on_the_form(editor_client, archive):
    zelensky, zelenskiy, putin = archive["actors"]
    page = editor_client.get(change_url(putin))
    data = form_data(page)
    prefix, initial = alias_rows(page)
    data[f"{prefix}-TOTAL_FORMS"] = initial + 2
    data[f"{prefix}-{initial}-name"] = "ZELENSKYY"
    data[f"{prefix}-{initial}-kind"] = "spelling"
    data[f"{prefix}-{initial + 1}-name"] = "Путин"
    data[f"{prefix}-{initial + 1}-kind"] = "transliteration"
    response = editor_client.post(change_url(putin), data)
    assert response.status_code == 200
    assert "“ZELENSKYY” is already a name of “Volodymyr Zelensky”." in response.content.decode()
    assert not ActorAlias.objects.filter(name="Путин").exists()
    assert zelensky.aliases.filter(normalized="zelenskyy").exists()


def test_the_same_name_twice_in_one_form_is_refused(editor_client, archive):
    putin = archive["actors"][2]
    page = editor_client.get(change_url(putin))
    data = form_data(page)
    prefix, initial = alias_rows(page)
    data[f"{prefix}-TOTAL_FORMS"] = initial + 2
    for i, name in enumerate(["Putin V.", "putin  v."]):
        data[f"{prefix}-{initial + i}-name"] = name
        data[f"{prefix}-{initial + i}-kind"] = "spelling"
    response = editor_client.post(change_url(putin), data)
    assert response.status_code == 200
    assert "“putin  v.” is already given above as “Putin V.”." in response.content.decode()
    assert not ActorAlias.objects.filter(normalized="putin v.").exists()


def test_renaming_to_another_records_name_is_refused(editor_client, archive):
    putin = archive["actors"][2]
    data = form_data(editor_client.get(change_url(putin)))
    data["name"] = "Selenskyj"
    response = editor_client.post(change_url(putin), data)
    assert response.status_code == 200
    assert "“Selenskyj” is already a name of “Zelenskiy”" in response.content.decode()
    putin.refresh_from_db()
    assert putin.name == "Vladimir Putin"


def test_a_new_alias_links_the_articles_that_use_it(editor_client, archive):
    putin = archive["actors"][2]
    article = Article.objects.create(
        title="The Kremlin leader", body="Vladimir Vladimirovich spoke."
    )
    page = editor_client.get(change_url(putin))
    data = form_data(page)
    prefix, initial = alias_rows(page)
    data[f"{prefix}-TOTAL_FORMS"] = initial + 1
    data[f"{prefix}-{initial}-name"] = "Vladimir Vladimirovich"
    data[f"{prefix}-{initial}-kind"] = "spelling"
    response = editor_client.post(change_url(putin), data, follow=True)
    assert "re-linked" in " ".join(messages_of(response))
    assert article.actor_mentions.get(actor=putin).count == 1


def test_renaming_keeps_the_old_name_and_removing_an_alias_unlinks_it(editor_client, archive):
    kharkov, kharkiv = archive["locations"][3], archive["locations"][2]
    first = archive["articles"][0]
    assert first.location_mentions.get(location=kharkov).count == 2
    page = editor_client.get(change_url(kharkov))
    data = form_data(page)
    data["name"] = "Kharkov (old spelling)"
    prefix, _ = alias_rows(page)
    charkiw = next(
        key.rsplit("-", 1)[0]
        for key, value in data.items()
        if value == "Charkiw" and key.startswith(prefix)
    )
    data[f"{charkiw}-DELETE"] = "on"
    response = editor_client.post(change_url(kharkov), data)
    assert response.status_code == 302, form_errors(response)
    names = dict(kharkov.aliases.values_list("name", "kind"))
    assert names == {"Kharkov (old spelling)": "name", "Kharkov": "spelling"}
    assert first.location_mentions.get(location=kharkov).count == 2
    assert kharkiv.aliases.exists()
    assert LocationAlias.objects.filter(normalized="charkiw").count() == 0


# Merging


def merge_via_admin(client, model, survivor, others):
    records = [survivor, *others]
    page = action(client, model, "merge_selected", records)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<input type="radio" name="survivor" id="survivor-{survivor.pk}"' in html
    assert f'<label for="survivor-{survivor.pk}">' in html
    response = action(client, model, "merge_selected", records, confirm="yes", survivor=survivor.pk)
    assert response.status_code == 302, response.content.decode()
    return Merge.objects.latest("pk")


def mention_counts(model_field, entity):
    return dict(entity.mentions.values_list("article__title", "count").order_by("article__title"))


def test_merging_two_actors_moves_mentions_and_names_and_redirects(editor_client, client, archive):
    zelensky, zelenskiy, putin = archive["actors"]
    first, second = archive["articles"][:2]
    old_url = zelenskiy.get_absolute_url()
    draft = archive["articles"][3]
    assert mention_counts("actor", zelensky) == {second.title: 2, draft.title: 2}
    assert mention_counts("actor", zelenskiy) == {first.title: 3, second.title: 1}

    def found_by_search(query):
        response = client.get("/search/", {"q": query})
        assert response.status_code == 200
        return {article.title for article in response.context["page"].items}

    assert found_by_search("Volodymyr Zelensky") == {second.title}

    merge = merge_via_admin(editor_client, Actor, zelensky, [zelenskiy])

    assert not Actor.objects.filter(pk=zelenskiy.pk).exists()
    assert mention_counts("actor", zelensky) == {first.title: 3, second.title: 3, draft.title: 2}
    assert {"zelenskiy", "selenskyj", "zelensky", "volodymyr zelensky"} <= set(
        zelensky.aliases.values_list("normalized", flat=True)
    )
    assert zelensky.aliases.filter(kind="name").count() == 1
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == zelensky.get_absolute_url()
    assert client.get(response["Location"]).status_code == 200
    assert client.get("/actors/no-such-actor/").status_code == 404
    assert merge.merged_by.username == "editor" and merge.merged_names == "Zelenskiy"
    assert LogEntry.objects.filter(object_id=str(zelenskiy.pk), action_flag=3).exists()

    # The old names keep finding the articles: in the public search (which reads
    # any name as all names of its record), in the admin, and on re-linking.
    assert found_by_search("Volodymyr Zelensky") == {first.title, second.title}
    assert found_by_search("Selenskyj") == {first.title, second.title}
    result = editor_client.get(changelist(Actor) + "?q=Zelenskiy").context["cl"].result_list
    assert list(result) == [zelensky]
    relink_articles()
    assert mention_counts("actor", zelensky)[first.title] == 3
    articles = editor_client.get(changelist(Article) + f"?actors={zelensky.pk}&q=Selenskyj")
    assert [a.title for a in articles.context["cl"].result_list] == [second.title]


def test_a_merge_can_be_undone_from_its_record(editor_client, client, archive):
    zelensky, zelenskiy, _ = archive["actors"]
    before = {
        actor.pk: (mention_counts("actor", actor), set(actor.aliases.values_list("name", "kind")))
        for actor in (zelensky, zelenskiy)
    }
    suggestion = Suggestion.objects.create(name="Zelenskiy", actor=zelenskiy)
    merge = merge_via_admin(editor_client, Actor, zelensky, [zelenskiy])
    suggestion.refresh_from_db()
    assert suggestion.actor == zelensky

    page = editor_client.get(change_url(merge))
    assert page.status_code == 200 and "Undo this merge" in page.content.decode()
    assert editor_client.get(f"/admin/articles/merge/{merge.pk}/undo/").status_code == 405
    response = editor_client.post(f"/admin/articles/merge/{merge.pk}/undo/", follow=True)
    assert "Undid the merge of Zelenskiy." in messages_of(response)

    restored = Actor.objects.get(pk=zelenskiy.pk)
    assert (restored.slug, restored.name) == (zelenskiy.slug, "Zelenskiy")
    after = {
        actor.pk: (mention_counts("actor", actor), set(actor.aliases.values_list("name", "kind")))
        for actor in (zelensky, restored)
    }
    assert after == before
    suggestion.refresh_from_db()
    assert suggestion.actor == restored
    assert client.get(zelenskiy.get_absolute_url()).status_code == 200
    merge.refresh_from_db()
    assert merge.undone and merge.undone_by.username == "editor"
    response = editor_client.post(f"/admin/articles/merge/{merge.pk}/undo/", follow=True)
    assert "already been undone" in " ".join(messages_of(response))


def test_merge_needs_a_chosen_survivor_and_two_records(editor_client, archive):
    zelensky, zelenskiy, putin = archive["actors"]
    response = action(editor_client, Actor, "merge_selected", [zelensky, zelenskiy], confirm="yes")
    assert response.status_code == 200
    assert "Choose the record to keep." in response.content.decode()
    response = action(editor_client, Actor, "merge_selected", [putin], follow=True)
    assert Actor.objects.count() == 3
    assert not Merge.objects.exists()


def test_merging_locations_moves_children_and_mentions_and_undo_restores_the_tree(
    editor_client, client, archive
):
    ukraine, oblast, kharkiv, kharkov = archive["locations"]
    village = make_location("Village of Kharkov", parent=kharkov)
    first, second = archive["articles"][:2]
    before = {loc.pk: mention_counts("location", loc) for loc in (kharkiv, kharkov)}
    merge = merge_via_admin(editor_client, Location, kharkiv, [kharkov])
    village.refresh_from_db()
    assert village.parent == kharkiv
    assert mention_counts("location", kharkiv)[first.title] == 3
    assert {"charkiw", "kharkov"} <= set(kharkiv.aliases.values_list("normalized", flat=True))
    assert client.get(kharkov.get_absolute_url())["Location"] == kharkiv.get_absolute_url()

    response = editor_client.post(f"/admin/articles/merge/{merge.pk}/undo/")
    assert response.status_code == 302
    village.refresh_from_db()
    assert village.parent_id == kharkov.pk
    assert Location.objects.get(pk=kharkov.pk).parent == ukraine
    assert {loc.pk: mention_counts("location", loc) for loc in (kharkiv, kharkov)} == before


def test_merging_a_region_into_its_own_city_keeps_the_tree_sound(editor_client, archive):
    ukraine, oblast, kharkiv, _ = archive["locations"]
    merge_via_admin(editor_client, Location, kharkiv, [oblast])
    kharkiv.refresh_from_db()
    assert kharkiv.parent == ukraine


def test_merging_sources_moves_articles_and_redirects_and_can_be_undone(
    editor_client, client, archive
):
    kyiv_independent, the_kyiv_independent, _ = archive["sources"]
    second = archive["articles"][1]
    merge = merge_via_admin(editor_client, Source, kyiv_independent, [the_kyiv_independent])
    second.refresh_from_db()
    assert second.source == kyiv_independent
    old = client.get(the_kyiv_independent.get_absolute_url())
    assert old.status_code == 301 and old["Location"] == kyiv_independent.get_absolute_url()
    assert second.title in client.get(old["Location"]).content.decode()

    assert editor_client.post(f"/admin/articles/merge/{merge.pk}/undo/").status_code == 302
    second.refresh_from_db()
    assert second.source.name == "The Kyiv Independent"
    assert client.get(the_kyiv_independent.get_absolute_url()).status_code == 200


def test_merges_undo_newest_first_and_redirects_follow_the_chain(editor_client, client, archive):
    zelensky, zelenskiy, putin = archive["actors"]
    first = merge_via_admin(editor_client, Actor, zelensky, [zelenskiy])
    second = merge_via_admin(editor_client, Actor, putin, [zelensky])  # a mistaken second merge
    assert client.get(zelenskiy.get_absolute_url())["Location"] == putin.get_absolute_url()

    response = editor_client.post(f"/admin/articles/merge/{first.pk}/undo/", follow=True)
    assert "undo the later merge" in " ".join(messages_of(response))
    assert not Actor.objects.filter(pk=zelenskiy.pk).exists()

    response = action(editor_client, Merge, "undo_selected", [first, second], follow=True)
    assert "Undid 2 merge(s)." in messages_of(response)
    undone = editor_client.get(changelist(Merge) + "?model=actor&undone=yes").context["cl"]
    assert set(undone.result_list) == {first, second}
    assert set(Actor.objects.values_list("pk", flat=True)) == {zelensky.pk, zelenskiy.pk, putin.pk}
    assert client.get(zelenskiy.get_absolute_url()).status_code == 200
    assert mention_counts("actor", zelenskiy) == {
        archive["articles"][0].title: 3,
        archive["articles"][1].title: 1,
    }


# Suggestions from the import


def suggestion_form(client, suggestion, **fields):
    data = form_data(client.get(change_url(suggestion)))
    data.update(fields)
    return client.post(change_url(suggestion), data, follow=True)


def test_accepting_a_suggestion_as_a_new_actor_links_it_across_articles(editor_client, archive):
    article = Article.objects.create(
        title="Budanov speaks", body="Kyrylo Budanov said the HUR chief, Kyrylo Budanov, ..."
    )
    suggestion = Suggestion.objects.create(
        name="Kyrylo Budanov",
        mention_count=2,
        article_count=1,
        examples=[{"article": article.slug, "sentence": "Kyrylo Budanov <b>said</b>"}],
    )
    page = editor_client.get(change_url(suggestion)).content.decode()
    assert "<mark>Kyrylo Budanov</mark> &lt;b&gt;said&lt;/b&gt;" in page
    assert f'<a href="{change_url(article)}">Budanov speaks</a>' in page

    response = suggestion_form(editor_client, suggestion, decision="new_actor")
    assert "Choose the kind of the new record." in response.content.decode()
    assert not Actor.objects.filter(name="Kyrylo Budanov").exists()

    response = suggestion_form(editor_client, suggestion, decision="new_actor", actor_kind="person")
    assert response.status_code == 200
    budanov = Actor.objects.get(name="Kyrylo Budanov")
    assert budanov.kind == "person"
    assert list(budanov.aliases.values_list("name", "kind")) == [("Kyrylo Budanov", "name")]
    assert article.actor_mentions.get(actor=budanov).count == 2
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.actor) == ("accepted", budanov)
    assert "1 article(s) re-linked" in " ".join(messages_of(response))


def test_accepting_a_suggestion_as_a_name_of_an_existing_location(editor_client, archive):
    kharkiv = archive["locations"][2]
    article = Article.objects.create(title="Shelling of Charkow", body="Charkow was shelled.")
    suggestion = Suggestion.objects.create(name="Charkow")
    response = suggestion_form(editor_client, suggestion, decision="location_alias")
    assert "Choose the location this is a name of." in response.content.decode()
    response = suggestion_form(
        editor_client, suggestion, decision="location_alias", location=kharkiv.pk
    )
    assert response.status_code == 200
    assert kharkiv.aliases.filter(name="Charkow", kind="spelling").exists()
    assert article.location_mentions.get(location=kharkiv).count == 2
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.location, suggestion.kind) == (
        "accepted",
        kharkiv,
        "location",
    )


def test_a_suggestion_that_is_already_a_name_of_another_record_is_refused(editor_client, archive):
    zelensky, zelenskiy, putin = archive["actors"]
    suggestion = Suggestion.objects.create(name="Selenskyj")
    response = suggestion_form(editor_client, suggestion, decision="actor_alias", actor=putin.pk)
    assert "“Selenskyj” is already a name of “Zelenskiy”." in response.content.decode()
    response = suggestion_form(editor_client, suggestion, decision="new_actor", actor_kind="person")
    assert "already a name of “Zelenskiy”: dismiss this suggestion" in response.content.decode()
    assert not putin.aliases.filter(normalized="selenskyj").exists()
    assert Actor.objects.count() == 3
    suggestion.refresh_from_db()
    assert suggestion.status == "pending"


def test_suggestions_are_dismissed_singly_or_in_bulk(editor_client, archive):
    first, second, third = (Suggestion.objects.create(name=name) for name in ["Foo", "Bar", "Baz"])
    response = suggestion_form(editor_client, first, decision="dismiss")
    assert response.status_code == 200
    assert action(editor_client, Suggestion, "dismiss", [second, third]).status_code == 302
    assert set(Suggestion.objects.values_list("status", flat=True)) == {"dismissed"}
    assert not Actor.objects.filter(name__in=["Foo", "Bar", "Baz"]).exists()
    listed = editor_client.get(changelist(Suggestion) + "?status__exact=pending")
    assert list(listed.context["cl"].result_list) == []


def test_adding_an_actor_in_the_admin_stores_its_name_and_links_it(editor_client, archive):
    article = Article.objects.create(title="Syrskyi's plan", body="General Oleksandr Syrskyi said.")
    data = form_data(editor_client.get("/admin/articles/actor/add/"))
    data.update(name="Oleksandr Syrskyi", kind="person")
    response = editor_client.post("/admin/articles/actor/add/", data)
    assert response.status_code == 302, form_errors(response)
    syrskyi = Actor.objects.get(name="Oleksandr Syrskyi")
    assert syrskyi.slug == "oleksandr-syrskyi"
    assert list(syrskyi.aliases.values_list("name", "kind")) == [("Oleksandr Syrskyi", "name")]
    assert article.actor_mentions.get(actor=syrskyi).count == 1
    assert LogEntry.objects.filter(object_id=str(syrskyi.pk), user__username="editor").exists()


def test_reloading_the_gazetteer_keeps_merges(editor_client, client, gazetteer):
    from django.core.management import call_command

    zelensky = Actor.objects.get(slug="volodymyr-zelensky")
    peskov = Actor.objects.get(slug="dmitry-peskov")
    kyiv_oblast = Location.objects.get(slug="kyiv-oblast")
    kyiv = Location.objects.get(slug="kyiv")
    merge_via_admin(editor_client, Actor, zelensky, [peskov])
    merge_via_admin(editor_client, Location, kyiv, [kyiv_oblast])  # Kyiv's parent, in the file
    call_command("load_gazetteer", verbosity=0)
    assert not Actor.objects.filter(slug="dmitry-peskov").exists()
    assert zelensky.aliases.filter(normalized="peskov").exists()
    kyiv.refresh_from_db()
    assert kyiv.parent is not None and kyiv.parent != kyiv
    assert client.get("/locations/kyiv-oblast/")["Location"] == "/locations/kyiv/"


def test_every_page_renders_with_the_seed_archive(
    editor_client, seed_archive, django_assert_max_num_queries
):
    """The real gazetteer (hundreds of records, thousands of names) and the seed articles."""
    busiest_actor = max(Actor.objects.all(), key=lambda actor: actor.mentions.count())
    kyiv = Location.objects.get(slug="kyiv")
    pages = [
        *[change_url(article) for article in Article.objects.all()],
        change_url(busiest_actor),
        change_url(kyiv),
        changelist(Article),
        changelist(Actor),
        changelist(Actor) + "?q=Kiev",
        changelist(Location) + "?q=%D0%9A%D0%B8%D1%97%D0%B2",
        changelist(Location),
        changelist(Source),
        changelist(Suggestion),
        changelist(Article) + f"?locations={kyiv.pk}",
    ]
    for url in pages:
        with django_assert_max_num_queries(15):
            response = editor_client.get(url)
        assert response.status_code == 200, url
    listed = editor_client.get(changelist(Location) + "?q=Kiev").context["cl"].result_list
    assert kyiv in listed
