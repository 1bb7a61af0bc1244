"""Articles in the admin: finding, publishing, correcting, and their versions."""

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator, normalize_newlines
from reversion.admin import VersionAdmin
from reversion.models import Revision, Version

from ... import month_counts, stories
from ...linking import relink_articles
from ...models import Actor, ActorMention, Article, Location, LocationMention
from ...search.vocabulary import article_words, count_words
from .base import (
    FORMFIELD_OVERRIDES,
    ArchiveAdminMedia,
    LoadedAutocompleteInline,
    ParentInlineFormSet,
    https_formfield,
    log_changes,
)
from .fields import CaptionsField, NameListField
from .history import compare, record_initial_versions

# Versions hold the article's own fields; its mentions follow from its text.
reversion.register(Article)


class ArticleForm(forms.ModelForm):
    authors = NameListField(help_text="One author a line.")
    tags = NameListField(commas=True, help_text="One tag a line, or separated by commas.")
    captions = CaptionsField(
        help_text="One caption a line, its credit after a “|”: "
        "<code>Firefighters at the scene | Jane Doe</code>. The credit may be left out."
    )

    class Meta:
        model = Article
        fields = [
            "title",
            "status",
            "source",
            "published",
            "language",
            "lede",
            "body",
            "captions",
            "url",
            "authors",
            "tags",
        ]
        error_messages = {"title": {"required": "An article needs a headline."}}
        formfield_callback = https_formfield

    detach_from_story = forms.BooleanField(
        required=False,
        label="Take out of its story",
        help_text="Then it is shown on its own, not as a translation or copy of the others.",
    )

    # Browsers send text areas with CRLF line ends; the archive splits paragraphs on "\n\n".
    def clean_lede(self):
        return normalize_newlines(self.cleaned_data["lede"])

    def clean_body(self):
        return normalize_newlines(self.cleaned_data["body"])

    def clean_published(self):
        published = self.cleaned_data.get("published")
        if published and published > timezone.localdate():
            raise forms.ValidationError(
                "The publication date %(date)s is in the future.",
                params={"date": published.isoformat()},
            )
        return published


class MentionFormSet(ParentInlineFormSet):
    row_name = "mention"


class MentionInline(LoadedAutocompleteInline):
    formset = MentionFormSet
    extra = 0
    # Rows without the mention's own description, which repeats the headline.
    template = "admin/articles/edit_inline/mention_tabular.html"


class ActorMentionInline(MentionInline):
    model = ActorMention
    autocomplete_fields = ["actor"]
    verbose_name_plural = "actors mentioned (with the number of mentions)"


class LocationMentionInline(MentionInline):
    model = LocationMention
    autocomplete_fields = ["location"]
    verbose_name_plural = "places mentioned (with the number of mentions)"


class DateKnownFilter(admin.SimpleListFilter):
    title = "date"
    parameter_name = "date_known"

    def lookups(self, request, model_admin):
        return [("yes", "Date known"), ("no", "Date unknown")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(published__isnull=self.value() == "no")
        return queryset


class HasMentionsFilter(admin.SimpleListFilter):
    mention_model = None

    def lookups(self, request, model_admin):
        return [("yes", "Some"), ("no", "None")]

    def queryset(self, request, queryset):
        if self.value() not in ("yes", "no"):
            return queryset
        mentioned = Exists(self.mention_model.objects.filter(article=OuterRef("pk")))
        return queryset.filter(mentioned if self.value() == "yes" else ~mentioned)


class HasActorsFilter(HasMentionsFilter):
    title = "actors mentioned"
    parameter_name = "has_actors"
    mention_model = ActorMention


class HasLocationsFilter(HasMentionsFilter):
    title = "places mentioned"
    parameter_name = "has_locations"
    mention_model = LocationMention


class MentionsEntityFilter(admin.SimpleListFilter):
    """Articles that mention one actor or location; shown only while in use (the
    article counts on the actor and location lists link here)."""

    entity_model = None

    def _entity(self):
        value = self.value()
        return self.entity_model.objects.filter(pk=value).first() if value.isdigit() else None

    def lookups(self, request, model_admin):
        entity = self._entity() if self.value() else None
        return [(self.value(), str(entity))] if entity else []

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.parameter_name: self.value()})
        return queryset


class MentionsActorFilter(MentionsEntityFilter):
    title = "actor"
    parameter_name = "actors"
    entity_model = Actor


class MentionsLocationFilter(MentionsEntityFilter):
    title = "place"
    parameter_name = "locations"
    entity_model = Location


@admin.register(Article)
class ArticleAdmin(ArchiveAdminMedia, VersionAdmin):
    form = ArticleForm
    formfield_overrides = FORMFIELD_OVERRIDES
    list_display = ["headline", "source_name", "date", "language_code", "status", "words"]
    list_filter = [
        "status",
        DateKnownFilter,
        HasActorsFilter,
        HasLocationsFilter,
        "language",
        "source",
        MentionsActorFilter,
        MentionsLocationFilter,
        "generated",
    ]
    search_fields = ["title", "body", "source__name"]
    search_help_text = "Searches headlines, texts and source names."
    date_hierarchy = "published"
    list_select_related = ["source"]
    list_per_page = 50
    autocomplete_fields = ["source"]
    actions = ["publish", "unpublish", "relink", "group_story", "detach_story"]
    readonly_fields = [
        "slug",
        "provenance",
        "generated",
        "word_count",
        "content_hash",
        "created",
        "updated",
        "story_members",
        "taken_out",
    ]
    fieldsets = [
        (None, {"fields": ["title", "status", "source", "published", "language"]}),
        ("Text", {"fields": ["lede", "body", "captions"]}),
        (
            "Taken out of the text (furniture, notices, headings, byline, dateline, footnotes)",
            {"classes": ["collapse"], "fields": ["taken_out"]},
        ),
        ("Origin", {"fields": ["url", "authors", "tags"]}),
        ("Story", {"fields": ["story_members", "detach_from_story"]}),
        (
            "Record",
            {
                "classes": ["collapse"],
                "fields": [
                    "slug",
                    "provenance",
                    "generated",
                    "word_count",
                    "content_hash",
                    "created",
                    "updated",
                ],
            },
        ),
    ]
    inlines = [ActorMentionInline, LocationMentionInline]
    object_history_template = "admin/articles/article/object_history.html"
    history_latest_first = True

    @admin.display(description="taken out")
    def taken_out(self, article):
        items = [item for item in article.furniture or [] if item.get("text")]
        if not items:
            return "Nothing."
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li><strong>{}</strong> ({}): {}</li>",
                (
                    (
                        item["kind"],
                        item["rule"] if "rule" in item else f"paragraph {item.get('at', 0) + 1}",
                        item["text"],
                    )
                    for item in items
                ),
            ),
        )

    @admin.display(description="headline", ordering="title")
    def headline(self, article):
        return Truncator(article.title).chars(100)

    # The change list's columns beside the headline stay narrow (see css/admin.css).
    @admin.display(description="source", ordering="source__name")
    def source_name(self, article):
        return Truncator(article.source.name).chars(24) if article.source else "—"

    @admin.display(description="date", ordering="published")
    def date(self, article):
        return article.published.isoformat() if article.published else "—"

    @admin.display(description="lang.", ordering="language")
    def language_code(self, article):
        return article.language

    @admin.display(description="words", ordering="word_count")
    def words(self, article):
        return article.word_count

    def view_on_site(self, article):
        # Drafts have no public page.
        if article.status == Article.Status.PUBLISHED:
            return article.get_absolute_url()
        return None

    def get_fieldsets(self, request, obj=None):
        if obj is None:  # the story and record fields are filled in on saving
            return [
                fieldset for fieldset in self.fieldsets if fieldset[0] in (None, "Text", "Origin")
            ]
        return self.fieldsets

    @admin.display(description="translations and near-copies")
    def story_members(self, article):
        members = article.story_members(published_only=False) if article.pk else []
        if not members:
            return "None: this article stands alone."
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a> ({}, {}, {})</li>',
                (
                    (
                        reverse("admin:articles_article_change", args=[member.pk]),
                        member.title,
                        "translation" if member.language != article.language else "copy",
                        member.source.name if member.source else "no source",
                        member.get_status_display().lower(),
                    )
                    for member in members
                ),
            ),
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.cleaned_data.get("detach_from_story"):
            stories.detach([obj])

    # Saving: an article whose text changed is linked again.

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:  # a change is counted again around the whole view (change_view)
            month_counts.add_articles([form.instance.pk])
        # A restored version is already in the form's initial data, so it counts as changed.
        restoring = getattr(request, "restoring_version", False)
        text_changed = not change or restoring or {"title", "lede", "body"} & set(form.changed_data)
        if not text_changed:
            return
        _count_vocabulary(form, replaced=change and not restoring)
        if any(formset.has_changed() for formset in formsets):
            self.message_user(
                request,
                "The text changed and so did the mentions: your mentions were kept. "
                "“Re-link entities” recomputes them from the text.",
                messages.WARNING,
            )
        else:
            relink_articles(Article.objects.filter(pk=form.instance.pk))

    def revision_view(self, request, object_id, version_id, extra_context=None):
        request.restoring_version = True
        if request.method != "POST":
            return super().revision_view(request, object_id, version_id, extra_context)
        # Restoring writes the old version before the form is saved.
        with month_counts.recounted(_article_ids(object_id)):
            return super().revision_view(request, object_id, version_id, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method != "POST":
            return super().change_view(request, object_id, form_url, extra_context)
        # Keep the text as it was before its first edit here, unless the edit is refused.
        with transaction.atomic(), month_counts.recounted(_article_ids(object_id)):
            initial = record_initial_versions(Article.objects.filter(pk=unquote(object_id)))
            response = super().change_view(request, object_id, form_url, extra_context)
            if response.status_code != 302:
                Revision.objects.filter(version__in=initial).delete()
        return response

    def delete_model(self, request, obj):
        month_counts.take_away_articles([obj.pk])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        month_counts.take_away_articles(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)

    # Bulk actions

    def _set_status(self, request, queryset, status, verb):
        changed = queryset.exclude(status=status)
        articles = list(changed.select_related(None).only("pk", "title"))
        with month_counts.recounted([article.pk for article in articles]):
            changed.update(status=status, updated=timezone.now())
        log_changes(request, articles, f"{verb} (bulk action).")
        self.message_user(request, f"{verb} {len(articles)} article(s).", messages.SUCCESS)

    @admin.action(description="Publish selected articles", permissions=["change"])
    def publish(self, request, queryset):
        self._set_status(request, queryset, Article.Status.PUBLISHED, "Published")

    @admin.action(description="Unpublish selected articles", permissions=["change"])
    def unpublish(self, request, queryset):
        self._set_status(request, queryset, Article.Status.DRAFT, "Unpublished")

    @admin.action(description="Re-link entities of selected articles", permissions=["change"])
    def relink(self, request, queryset):
        articles = queryset.select_related(None)  # the change list joins the source
        linked = relink_articles(articles)
        log_changes(request, articles.only("pk", "title"), "Re-linked actors and places.")
        self.message_user(request, f"Re-linked {linked} article(s).", messages.SUCCESS)

    @admin.action(
        description="Group selected articles (and their stories) as one story",
        permissions=["change"],
    )
    def group_story(self, request, queryset):
        articles = list(queryset.select_related(None).only("pk", "title", "story_key"))
        grouped = stories.group(articles)
        if not grouped:
            self.message_user(request, "Select at least two articles to group.", messages.ERROR)
            return
        log_changes(request, articles, "Grouped as one story.")
        self.message_user(request, f"{grouped} articles now tell one story.", messages.SUCCESS)

    @admin.action(description="Take selected articles out of their stories", permissions=["change"])
    def detach_story(self, request, queryset):
        articles = list(queryset.select_related(None).only("pk", "title", "story_key"))
        detached = stories.detach(articles)
        log_changes(request, articles, "Taken out of its story.")
        self.message_user(
            request, f"Took {detached} article(s) out of their stories.", messages.SUCCESS
        )

    # History: versions with compare and restore.

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/history/<int:version_id>/compare/",
                self.admin_site.admin_view(self.compare_view),
                name="{}_{}_compare".format(*info),
            ),
            *super().get_urls(),
        ]

    def _versions(self, object_id):
        return Version.objects.get_for_object_reference(Article, object_id)

    def history_view(self, request, object_id, extra_context=None):
        object_id = unquote(object_id)
        versions = list(
            self._versions(object_id)
            .select_related("revision__user")
            .order_by("-revision__date_created", "-pk")
        )
        context = {
            "versions": [  # each with the one saved before it
                (version, versions[i + 1] if i + 1 < len(versions) else None)
                for i, version in enumerate(versions)
            ],
            "has_change_permission": self.has_change_permission(request),
            **(extra_context or {}),
        }
        # The admin's own history view (the log of every change, with who and
        # when); reversion's would only list the versions again.
        return admin.ModelAdmin.history_view(self, request, object_id, context)

    def compare_view(self, request, object_id, version_id):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        object_id = unquote(object_id)
        article = self.get_object(request, object_id)
        version = self._versions(object_id).select_related("revision__user").filter(pk=version_id)
        version = version.first()
        if article is None or version is None:
            raise Http404("No such article or version.")
        other_id = request.GET.get("with", "")
        other = None
        if other_id.isdigit():
            other = self._versions(object_id).select_related("revision__user")
            other = other.filter(pk=other_id).first()
        older, newer = version, other or article
        if other is not None and other.revision.date_created < version.revision.date_created:
            older, newer = other, version
        context = {
            **self.admin_site.each_context(request),
            "title": f"Compare versions: {article}",
            "opts": self.opts,
            "object": article,
            "older": older,
            "newer": newer,
            "newer_is_current": newer is article,
            "changes": compare(older, newer),
            "restore_url": reverse("admin:articles_article_revision", args=[article.pk, older.pk]),
            "history_url": reverse("admin:articles_article_history", args=[article.pk]),
            "has_change_permission": self.has_change_permission(request, article),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/articles/article/compare.html", context)


def _count_vocabulary(form, *, replaced):
    """The words of a saved text in the vocabulary that "did you mean" and
    the word forms read, and with ``replaced`` the words of the text the form
    had before taken away (a restored version's form holds the restored text,
    so its replaced words stay counted)."""
    article, initial = form.instance, form.initial
    old = [article_words(initial["lede"], initial["body"])] if replaced else []
    count_words([article_words(article.lede, article.body)], old)


def _article_ids(object_id):
    """The article an admin URL names, as a list for ``month_counts.recounted``."""
    object_id = unquote(object_id)
    return [int(object_id)] if str(object_id).isdigit() else []
