"""Names the import found that are not in the gazetteer: accept, alias or dismiss."""

import re

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from ...models import Actor, Article, Location, Suggestion
from ..gazetteer_edits import accept_suggestion, create_entity, name_clash
from .base import ArchiveAdminMedia, log_changes

NEW_ACTOR, NEW_LOCATION = "new_actor", "new_location"
ACTOR_ALIAS, LOCATION_ALIAS = "actor_alias", "location_alias"
DISMISS = "dismiss"


def highlighted(sentence, name):
    """``sentence``, escaped, with each occurrence of ``name`` (in any case)
    marked."""
    if not name:
        return escape(sentence)
    parts = re.split(f"({re.escape(name)})", sentence, flags=re.IGNORECASE)
    # re.split with one group alternates text and matches: odd indexes are matches.
    return mark_safe(
        "".join(
            format_html("<mark>{}</mark>", part) if index % 2 else escape(part)
            for index, part in enumerate(parts)
        )
    )


class SuggestionForm(forms.ModelForm):
    decision = forms.ChoiceField(
        choices=[
            ("", "Decide later"),
            (NEW_ACTOR, "Accept as a new actor"),
            (NEW_LOCATION, "Accept as a new location"),
            (ACTOR_ALIAS, "Add as a name of an existing actor"),
            (LOCATION_ALIAS, "Add as a name of an existing location"),
            (DISMISS, "Dismiss"),
        ],
        required=False,
        widget=forms.RadioSelect(attrs={"class": "radiolist"}),
    )
    actor_kind = forms.ChoiceField(
        choices=[("", "—"), *Actor.Kind.choices], required=False, label="Kind of the new actor"
    )
    location_kind = forms.ChoiceField(
        choices=[("", "—"), *Location.Kind.choices],
        required=False,
        label="Kind of the new location",
    )

    class Meta:
        model = Suggestion
        fields = ["actor", "location"]
        labels = {"actor": "Existing actor", "location": "Existing location"}

    def clean(self):
        data = super().clean()
        decision, name = data.get("decision"), self.instance.name
        if decision in (NEW_ACTOR, NEW_LOCATION):
            model, kind_field = (
                (Actor, "actor_kind") if decision == NEW_ACTOR else (Location, "location_kind")
            )
            if not data.get(kind_field):
                self.add_error(kind_field, "Choose the kind of the new record.")
            other = name_clash(model, name)
            if other is not None:
                self.add_error(
                    "decision",
                    f"“{name}” is already a name of “{other}”: dismiss this suggestion.",
                )
        elif decision in (ACTOR_ALIAS, LOCATION_ALIAS):
            field = "actor" if decision == ACTOR_ALIAS else "location"
            entity = data.get(field)
            if entity is None:
                self.add_error(field, f"Choose the {field} this is a name of.")
            else:
                other = name_clash(type(entity), name, exclude=entity)
                if other is not None:
                    self.add_error(field, f"“{name}” is already a name of “{other}”.")
        # The existing-record fields are only read for an alias decision.
        for field in ("actor", "location"):
            if decision != f"{field}_alias":
                data[field] = getattr(self.instance, field)
        return data


@admin.register(Suggestion)
class SuggestionAdmin(ArchiveAdminMedia, admin.ModelAdmin):
    form = SuggestionForm
    list_display = [
        "name",
        "kind",
        "score",
        "article_count",
        "source_count",
        "mention_count",
        "author_mark",
        "status",
        "linked_to",
    ]
    list_filter = ["status", "kind", "archive_author"]
    ordering = ["-score", "-mention_count", "name"]
    list_select_related = ["actor", "location"]
    search_fields = ["name"]
    actions = ["dismiss"]
    autocomplete_fields = ["actor", "location"]
    readonly_fields = [
        "name",
        "kind",
        "status",
        "score",
        "mention_count",
        "article_count",
        "source_count",
        "evidence",
        "archive_author",
        "example_list",
    ]
    fieldsets = [
        (
            "Found by the import",
            {
                "fields": [
                    "name",
                    "kind",
                    "status",
                    "score",
                    "mention_count",
                    "article_count",
                    "source_count",
                    "evidence",
                    "archive_author",
                    "example_list",
                ],
                "description": "Suggestions are ranked by their evidence: articles and, more, "
                "distinct sources using the name, mentions in mid-sentence and with a cue "
                "(“in …”, “President …”, “… said”), several forms; less when the name is also "
                "written in lower case. Authors of the archive's articles rank last.",
            },
        ),
        (
            "Decision",
            {
                "fields": ["decision", "actor_kind", "location_kind", "actor", "location"],
                "description": "A new actor or location, or a name of an existing one, is "
                "linked across all articles at once.",
            },
        ),
    ]

    def has_add_permission(self, request):
        return False  # suggestions come from the import

    @admin.display(description="linked to")
    def linked_to(self, suggestion):
        return suggestion.actor or suggestion.location or "—"

    @admin.display(description="author", boolean=True, ordering="archive_author")
    def author_mark(self, suggestion):
        return suggestion.archive_author

    @admin.display(description="evidence")
    def evidence(self, suggestion):
        forms = ", ".join(
            f"{form} ×{n}"
            for form, n in sorted((suggestion.forms or {}).items(), key=lambda item: -item[1])
        )
        return format_html(
            "{} of {} mention(s) mid-sentence, {} with a cue; also in lower case in {} "
            "article(s); forms: {}",
            suggestion.mid_sentence_count,
            suggestion.mention_count,
            suggestion.context_count,
            suggestion.lowercase_article_count,
            forms or "—",
        )

    @admin.display(description="where it was found")
    def example_list(self, suggestion):
        examples = [
            example
            for example in suggestion.examples or []
            if isinstance(example, dict) and example.get("sentence")
        ][:10]
        if not examples:
            return "—"
        slugs = {str(example.get("article", "")) for example in examples}
        articles = {
            slug: (pk, title)
            for slug, pk, title in Article.objects.filter(slug__in=slugs).values_list(
                "slug", "pk", "title"
            )
        }
        items = []
        for example in examples:
            sentence = highlighted(example["sentence"], suggestion.name)
            slug = str(example.get("article", ""))
            if slug in articles:
                pk, title = articles[slug]
                url = reverse("admin:articles_article_change", args=[pk])
                source = format_html('<a href="{}">{}</a>', url, Truncator(title).chars(80))
            else:
                source = format_html("{} (no longer in the archive)", slug)
            items.append(format_html("<li>{} <small>({})</small></li>", sentence, source))
        return format_html('<ul class="examples">{}</ul>', mark_safe("".join(items)))

    def save_model(self, request, suggestion, form, change):
        decision = form.cleaned_data.get("decision")
        entity = None
        if decision == NEW_ACTOR:
            entity = create_entity(Actor, suggestion.name, form.cleaned_data["actor_kind"])
        elif decision == NEW_LOCATION:
            entity = create_entity(Location, suggestion.name, form.cleaned_data["location_kind"])
        elif decision in (ACTOR_ALIAS, LOCATION_ALIAS):
            entity = form.cleaned_data["actor" if decision == ACTOR_ALIAS else "location"]
        if entity is not None:
            relinked = accept_suggestion(suggestion, entity)
            self.message_user(
                request,
                format_html(
                    "“{}” is now a name of “{}”; {} article(s) re-linked.",
                    suggestion.name,
                    entity,
                    relinked,
                ),
                messages.SUCCESS,
            )
            return
        if decision == DISMISS:
            suggestion.status = Suggestion.Status.DISMISSED
        super().save_model(request, suggestion, form, change)

    @admin.action(description="Dismiss selected suggestions", permissions=["change"])
    def dismiss(self, request, queryset):
        changed = queryset.exclude(status=Suggestion.Status.DISMISSED)
        pending = list(changed.select_related(None).only("pk", "name"))
        changed.update(status=Suggestion.Status.DISMISSED)
        log_changes(request, pending, "Dismissed (bulk action).")
        self.message_user(request, f"Dismissed {len(pending)} suggestion(s).", messages.SUCCESS)
