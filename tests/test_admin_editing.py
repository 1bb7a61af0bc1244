"""The article form as an editor uses it: authors, tags and captions as text
(never JSON), mention rows without a repeated label, and the suggestion's
examples linked and highlighted."""

import re

import pytest

from articles.models import Article, Suggestion

from . import test_admin
from .test_admin import change_url, changelist, form_data

# The admin tests' archive and logged-in editor, found by pytest under these names.
archive = test_admin.archive
editor = test_admin.editor
editor_client = test_admin.editor_client
fast_password_hashing = test_admin.fast_password_hashing

pytestmark = pytest.mark.django_db


def test_authors_tags_and_captions_are_shown_as_lines_not_json(editor_client, archive):
    article = archive["articles"][0]
    Article.objects.filter(pk=article.pk).update(
        authors=["Jane Doe", "Ivan Petrenko"],
        tags=["drones", "air-defence"],
        captions=[{"text": "Smoke over the port", "credit": "A. Photographer"}, {"text": "A map"}],
    )
    response = editor_client.get(change_url(article))
    data = form_data(response)
    assert data["authors"] == "Jane Doe\nIvan Petrenko"
    assert data["tags"] == "drones\nair-defence"
    assert data["captions"] == "Smoke over the port | A. Photographer\nA map"
    page = response.content.decode()
    assert "[&quot;" not in page and "{&quot;text" not in page


def test_lines_and_commas_are_saved_as_lists(editor_client, archive):
    article = archive["articles"][0]
    data = form_data(editor_client.get(change_url(article)))
    data["authors"] = "Jane Doe\r\n\r\n  Smith,  John \r\nJane Doe"
    data["tags"] = "drones, air-defence\r\nlogistics"
    data["captions"] = "Smoke over the port | A. Photographer\r\nA map\r\nA | B | Credit C"
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.authors == ["Jane Doe", "Smith, John"]  # a name may hold a comma
    assert article.tags == ["drones", "air-defence", "logistics"]
    assert article.captions == [
        {"text": "Smoke over the port", "credit": "A. Photographer"},
        {"text": "A map", "credit": ""},
        {"text": "A | B", "credit": "Credit C"},
    ]


def test_a_caption_without_text_is_refused_beside_its_field(editor_client, archive):
    article = archive["articles"][0]
    data = form_data(editor_client.get(change_url(article)))
    data["captions"] = "Fine\n| Only a credit"
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 200
    page = response.content.decode()
    row = re.search(r'<div class="form-row[^"]*field-captions.*?</textarea>', page, re.S)
    assert row and "line 2: a caption needs its text" in row.group(0)


def test_mention_rows_are_not_labelled_with_the_headline_again(editor_client, archive):
    article = archive["articles"][0]
    assert article.actor_mentions.exists()
    page = editor_client.get(change_url(article)).content.decode()
    inline = page[page.index('id="actor_mentions-group"') :]
    inline = inline[: inline.index("</fieldset>")]
    assert article.title not in inline
    assert 'aria-label="Actor"' in inline and 'aria-label="Delete this mention"' in inline


def test_the_changelist_gives_the_headline_the_room(editor_client, archive):
    page = editor_client.get(changelist(Article)).content.decode()
    for column in ("headline", "source_name", "date", "language_code", "status", "words"):
        assert f'class="field-{column}' in page
    assert "/static/css/admin.css" in page
    assert ' style="' not in page[page.index('id="result_list"') :]


def test_suggestion_examples_link_their_article_and_mark_the_name(editor_client, archive):
    article = archive["articles"][0]
    suggestion = Suggestion.objects.create(
        name="Steppe Group",
        mention_count=2,
        article_count=1,
        examples=[
            {"article": article.slug, "sentence": "The steppe group <script>x</script> said"},
            {"article": "gone-article", "sentence": "Steppe Group again"},
        ],
    )
    page = editor_client.get(change_url(suggestion)).content.decode()
    assert "<mark>steppe group</mark> &lt;script&gt;x&lt;/script&gt; said" in page
    assert f'<a href="{change_url(article)}">' in page
    assert "<mark>Steppe Group</mark> again" in page and "gone-article (no longer" in page


def test_editors_can_list_the_generated_articles_apart(editor_client, archive):
    made_up = Article.objects.create(title="Made-up report", body="Invented text.", generated=True)
    response = editor_client.get(changelist(Article) + "?generated__exact=1")
    assert [article.pk for article in response.context["cl"].result_list] == [made_up.pk]
    page = editor_client.get(change_url(made_up)).content.decode()
    assert "field-generated" in page


def test_every_field_of_an_inline_row_has_a_name_for_screen_readers(editor_client, archive):
    # axe-core in tests/e2e/test_accessibility_e2e.py checks the same in a browser.
    page = editor_client.get(change_url(archive["actors"][0])).content.decode()
    row = page[page.index('id="aliases-0"') :]
    row = row[: row.index("</tr>")]
    fields = re.findall(r"<(?:input|select)\b[^>]*>", row)
    visible = [field for field in fields if 'type="hidden"' not in field]
    assert len(visible) == 5  # name, kind, language, case sensitive, delete
    assert all("aria-label=" in field for field in visible)
    assert 'aria-label="Delete this actor alias"' in row


def test_the_change_list_search_box_has_a_word_for_its_label(editor_client, archive):
    page = editor_client.get(changelist(Article)).content.decode()
    label = re.search(r'<label for="searchbar">(.*?)</label>', page, re.S).group(1)
    assert '<span class="visually-hidden">Search</span>' in label
