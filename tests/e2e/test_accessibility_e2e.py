"""axe-core on the pages editors and readers use, in a real browser at desktop
width, over the demo archive (fixtures/demo.json): no serious or critical
violation on the admin pages of the archive's own models or on the public pages."""

import datetime

import pytest
import reversion
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from articles.curation.merging import merge_records
from articles.models import Actor, Article, Location, Merge, Source, SourceFurniture, Suggestion

from ..conftest import ROOT
from .axe import serious_violations

# The editors group comes from a data migration, which a transactional test's flush removes.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DEMO = ROOT / "fixtures" / "demo.json"


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("loaddata", str(DEMO), verbosity=0)
    article = Article.objects.filter(source__isnull=False).order_by("pk").first()
    with reversion.create_revision():
        article.save()
    with reversion.create_revision():
        article.lede = article.lede + " An editor's correction."
        article.save()
    SourceFurniture.objects.create(
        source=article.source,
        text="Subscribe to our newsletter for the daily brief.",
        status=SourceFurniture.Status.LEARNED,
        article_count=2,
    )
    first = Actor.objects.create(name="Duplicate Brigade", kind=Actor.Kind.ARMED_FORCE)
    second = Actor.objects.create(name="Duplicate Brigade HQ", kind=Actor.Kind.ARMED_FORCE)
    merge_records(first, [second])
    return article


@pytest.fixture
def desktop(browser):
    # bypass_csp: axe is injected as an inline script, which the site's CSP refuses.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def editor_page(desktop, live_server, client, demo):
    # A superuser sees every admin page of the archive's models; the editors
    # group comes from data migrations, which a transactional test's flush removes.
    editor = User.objects.create_superuser(username="editor", password="a-long-test-password")
    client.force_login(editor)
    desktop.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return desktop


def report(violations):
    return "\n".join(
        f"{name}:\n" + "\n".join(f"  {line}" for line in lines)
        for name, lines in violations.items()
    )


def check(page, name, violations):
    """Add the page's serious violations (if any) to ``violations`` under ``name``."""
    found = serious_violations(page)
    if found:
        violations[name] = found


def audit(page, url, violations):
    """Open ``url`` and check it."""
    response = page.goto(url)
    assert response.status == 200, url
    check(page, url, violations)


def admin_urls(article):
    urls = [reverse("admin:index"), reverse("admin:articles_sourcefurniture_report")]
    records = [
        article,
        Actor.objects.order_by("pk").first(),
        Location.objects.order_by("pk").first(),
        Source.objects.order_by("pk").first(),
        SourceFurniture.objects.order_by("pk").first(),
        Suggestion.objects.order_by("pk").first(),
        Merge.objects.order_by("pk").first(),
    ]
    for record in records:
        info = record._meta.app_label, record._meta.model_name
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        urls.append(reverse("admin:{}_{}_change".format(*info), args=[record.pk]))
        if not isinstance(record, (Suggestion, Merge)):  # those come from the import and merges
            urls.append(reverse("admin:{}_{}_add".format(*info)))
    history = reverse("admin:articles_article_history", args=[article.pk])
    version = reversion.models.Version.objects.get_for_object(article).last()
    compare = reverse("admin:articles_article_compare", args=[article.pk, version.pk])
    return [*urls, history, compare]


def test_admin_pages_of_the_archive_models_have_no_serious_violations(
    live_server, editor_page, demo
):
    violations = {}
    for url in admin_urls(demo):
        audit(editor_page, live_server.url + url, violations)
    assert not violations, report(violations)


def test_admin_decisions_and_errors_have_no_serious_violations(live_server, editor_page, demo):
    page, violations = editor_page, {}
    # Merging: pick two actors, then the page that asks which is kept.
    audit(page, live_server.url + reverse("admin:articles_actor_changelist"), violations)
    page.locator("input.action-select").nth(0).check()
    page.locator("input.action-select").nth(1).check()
    page.select_option("select[name=action]", "merge_selected")
    page.locator("button[name=index]").click()
    page.wait_for_selector("form.merge-form")
    check(page, "merge confirmation", violations)

    # Accepting a suggestion without the kind of the new record: the error beside the field.
    suggestion = Suggestion.objects.order_by("pk").first()
    audit(
        page,
        live_server.url + reverse("admin:articles_suggestion_change", args=[suggestion.pk]),
        violations,
    )
    page.check("input[name=decision][value=new_actor]")
    page.locator("input[name=_save]").click()
    page.wait_for_selector(".errorlist")
    check(page, "suggestion with an error", violations)

    # Dismissing suggestions from the change list: the message after the action.
    audit(page, live_server.url + reverse("admin:articles_suggestion_changelist"), violations)
    page.locator("#action-toggle").check()
    page.select_option("select[name=action]", "dismiss")
    page.locator("button[name=index]").click()
    page.wait_for_selector(".messagelist")
    check(page, "suggestions dismissed", violations)

    # An article saved with a date in the future: the message beside the field.
    audit(
        page, live_server.url + reverse("admin:articles_article_change", args=[demo.pk]), violations
    )
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    page.fill("input[name=published]", tomorrow.isoformat())
    page.locator("input[name=_save]").click()
    page.wait_for_selector(".errorlist")
    check(page, "article with an error", violations)
    assert not violations, report(violations)


def public_urls(article):
    actor = article.actor_mentions.select_related("actor").first().actor
    place = article.location_mentions.select_related("location").first().location
    return [
        reverse("articles:home"),
        reverse("articles:search") + "?q=Putin",
        reverse("articles:search") + "?q=Kyiv&sort=newest&language=en",
        article.get_absolute_url(),
        actor.get_absolute_url(),
        place.get_absolute_url(),
        article.source.get_absolute_url(),
        reverse("articles:actor_list"),
        reverse("articles:location_list"),
        reverse("articles:source_list"),
        reverse("articles:source_unknown"),
        reverse("research:compare") + "?q=Putin&q=Kyiv",
    ]


def test_public_pages_have_no_serious_violations(live_server, desktop, demo):
    violations = {}
    for url in public_urls(demo):
        audit(desktop, live_server.url + url, violations)
    response = desktop.goto(live_server.url + "/articles/no-such-article/")
    assert response.status == 404
    check(desktop, "404", violations)
    assert not violations, report(violations)
