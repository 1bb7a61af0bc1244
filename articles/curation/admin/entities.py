"""Actors, locations and sources in the admin: names, counts, and merging duplicates."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.db.models import prefetch_related_objects
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from ...linking import WORD, cyrillic_inflections
from ...models import (
    OUTLET_KINDS,
    Actor,
    ActorAlias,
    ActorMention,
    ActorNonMention,
    Article,
    Location,
    LocationAlias,
    LocationMention,
    LocationNonMention,
    Source,
    SourceAlias,
    normalize_name,
)
from ..gazetteer_edits import name_clash, relink_entity, sync_name_alias
from ..merging import MergeError, merge_records
from .base import FORMFIELD_OVERRIDES, ArchiveAdminMedia, LabelledRowsFormSet, count_of
from .furniture import RecleaningSourceMixin, SourceFurnitureInline


class AliasFormSet(LabelledRowsFormSet):
    """Each alias row is checked against the other records' names by the model
    (``Alias.clean``); this adds the check against the other rows of the form."""

    def clean(self):
        super().clean()
        seen = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("DELETE") or not data.get("name"):
                continue
            normalized = normalize_name(data["name"])
            if normalized in seen:
                form.add_error(
                    "name", f"“{data['name']}” is already given above as “{seen[normalized]}”."
                )
            else:
                seen[normalized] = data["name"]


class AliasInline(admin.TabularInline):
    formset = AliasFormSet
    extra = 1
    fields = ["name", "kind", "language", "case_sensitive"]
    verbose_name_plural = "names (the record's own name is kept here as its canonical name)"


class ActorAliasInline(AliasInline):
    model = ActorAlias


class LocationAliasInline(AliasInline):
    model = LocationAlias


class SourceAliasInline(AliasInline):
    model = SourceAlias
    verbose_name_plural = (
        "other names (a news outlet or broadcaster is linked wherever an article names it)"
    )


class NonMentionFormSet(LabelledRowsFormSet):
    """A not-a-mention phrase must contain one of the record's names (as
    written in this form, aliases included) and be longer than it."""

    def clean(self):
        super().clean()
        names = {normalize_name(self.instance.name)} if self.instance.name else set()
        if self.instance.pk:
            names |= set(self.instance.aliases.values_list("normalized", flat=True))
        for key, value in self.data.items():  # the names given in the same form
            if key.startswith("aliases-") and key.endswith("-name") and value.strip():
                names.add(normalize_name(value))
        words_of_names = [tuple(WORD.findall(name)) for name in names]
        forms_of_names = {
            (form,)
            for words in words_of_names
            if len(words) == 1
            for form in cyrillic_inflections(words[0])
        }
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("DELETE") or not data.get("phrase"):
                continue
            phrase = tuple(WORD.findall(normalize_name(data["phrase"])))
            if phrase in seen:
                form.add_error("phrase", "This phrase is given twice.")
            seen.add(phrase)
            inside = [
                words
                for words in [*words_of_names, *forms_of_names]
                if words and _contains(phrase, words)
            ]
            if not inside:
                form.add_error("phrase", "The phrase must contain one of this record's names.")
            elif all(len(words) >= len(phrase) for words in inside):
                form.add_error(
                    "phrase", "The phrase is a name of this record: it needs more words."
                )


def _contains(phrase, words):
    return any(phrase[i : i + len(words)] == words for i in range(len(phrase) - len(words) + 1))


class NonMentionInline(admin.TabularInline):
    formset = NonMentionFormSet
    extra = 1
    fields = ["phrase"]
    verbose_name_plural = (
        "not a mention: longer names that contain this record's name but are not about it "
        "(“Geneva Conventions” for Geneva); the articles concerned are re-linked on save"
    )


class ActorNonMentionInline(NonMentionInline):
    model = ActorNonMention


class LocationNonMentionInline(NonMentionInline):
    model = LocationNonMention


class EntityForm(forms.ModelForm):
    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not normalize_name(name):
            raise forms.ValidationError("A name is needed.")
        other = name_clash(
            self._meta.model, name, exclude=self.instance if self.instance.pk else None
        )
        if other is not None:
            raise forms.ValidationError(
                f"“{name}” is already a name of “{other}”; to join the two, merge them instead."
            )
        return name


class MergeMixin:
    """The "merge" action: pick duplicates in the change list, confirm on the next
    page which one survives, and the rest are merged into it (``articles.curation.merging``)."""

    merge_template = "admin/articles/merge_confirmation.html"

    @admin.action(
        description="Merge selected %(verbose_name_plural)s…", permissions=["change", "delete"]
    )
    def merge_selected(self, request, queryset):
        records = list(self.get_queryset(request).filter(pk__in=queryset.values("pk")))
        if len(records) < 2:
            self.message_user(request, "Choose at least two records to merge.", messages.WARNING)
            return None
        error = None
        if request.POST.get("confirm") == "yes":
            survivor = next((r for r in records if str(r.pk) == request.POST.get("survivor")), None)
            if survivor is None:
                error = "Choose the record to keep."
            else:
                return self._merge(request, survivor, [r for r in records if r is not survivor])
        records.sort(key=lambda record: (-record.article_count, record.pk))
        has_aliases = hasattr(self.model, "aliases")
        if has_aliases:
            prefetch_related_objects(records, "aliases")
        rows = [
            (record, [a.name for a in record.aliases.all() if a.name != record.name])
            if has_aliases
            else (record, [])
            for record in records
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": f"Merge {self.opts.verbose_name_plural}",
            "opts": self.opts,
            "records": rows,
            "chosen": request.POST.get("survivor") or str(records[0].pk),
            "error": error,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.merge_template, context)

    def _merge(self, request, survivor, others):
        try:
            merge = merge_records(survivor, others, user=request.user)
        except MergeError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return None
        names = ", ".join(f"“{other}”" for other in others)
        LogEntry.objects.log_actions(
            request.user.pk, [survivor], CHANGE, f"Merged {names} into this record."
        )
        LogEntry.objects.log_actions(
            request.user.pk, others, DELETION, f"Merged into “{survivor}” (merge #{merge.pk})."
        )
        undo_url = reverse("admin:articles_merge_change", args=[merge.pk])
        self.message_user(
            request,
            format_html(
                'Merged {} into “{}”. <a href="{}">Undo this merge</a> from its record.',
                names,
                survivor,
                undo_url,
            ),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(
            reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[survivor.pk]
            )
        )


class CuratedAdmin(ArchiveAdminMedia, MergeMixin, admin.ModelAdmin):
    """What the admins of actors, locations and sources share: article counts that
    link to the articles, a public slug that stays put, and merging."""

    actions = ["merge_selected"]
    list_per_page = 100
    formfield_overrides = FORMFIELD_OVERRIDES
    record_fields = ["slug", "articles_link"]
    count_model = count_field = None  # the model (and its foreign key) counted as articles

    def get_queryset(self, request):
        count = count_of(self.count_model, self.count_field)
        return super().get_queryset(request).annotate(article_count=count)

    def get_fields(self, request, obj=None):
        # The slug is made from the name on adding and kept after: it is the public address.
        return [*self.fields, *self.record_fields] if obj else self.fields

    def get_readonly_fields(self, request, obj=None):
        return self.record_fields if obj else []

    @admin.display(description="articles", ordering="article_count")
    def articles_link(self, obj):
        url = reverse("admin:articles_article_changelist")
        return format_html(
            '<a href="{}?{}={}">{}</a>', url, self.article_filter, obj.pk, obj.article_count
        )


class EntityAdmin(CuratedAdmin):
    """What actors and locations share: names."""

    form = EntityForm
    list_filter = ["kind"]
    search_fields = ["name", "aliases__name"]
    search_help_text = "Searches every name, aliases included."

    @admin.display(description="other names")
    def other_names(self, entity):
        own = normalize_name(entity.name)
        names = [alias.name for alias in entity.aliases.all() if alias.normalized != own]
        return ", ".join(names[:8]) + (f" … (+{len(names) - 8})" if len(names) > 8 else "")

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        changelist.result_list = changelist.result_list.prefetch_related("aliases")
        return changelist

    # A change of names re-links the articles it can affect.

    @staticmethod
    def _names(entity):
        return set(entity.aliases.values_list("name", "case_sensitive")) if entity.pk else set()

    @staticmethod
    def _phrases(entity):
        return set(entity.non_mentions.values_list("phrase", flat=True)) if entity.pk else set()

    def save_model(self, request, obj, form, change):
        obj._names_before = self._names(obj)
        obj._phrases_before = self._phrases(obj)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        entity = form.instance
        sync_name_alias(entity)
        after = self._names(entity)
        phrases = self._phrases(entity) ^ entity._phrases_before
        if after != entity._names_before or phrases:
            gained = [name for name, _ in after - entity._names_before]
            # An article containing a phrase added or taken away may link differently.
            relinked = relink_entity(entity, [*gained, *phrases])
            what = "Names" if after != entity._names_before else "Not-a-mention phrases"
            self.message_user(request, f"{what} changed: re-linked {relinked} article(s).")


@admin.register(Actor)
class ActorAdmin(EntityAdmin):
    count_model, count_field, article_filter = ActorMention, "actor", "actors"
    list_display = ["name", "kind", "other_names", "articles_link"]
    fields = ["name", "kind", "description"]
    inlines = [ActorAliasInline, ActorNonMentionInline]


@admin.register(Location)
class LocationAdmin(EntityAdmin):
    count_model, count_field, article_filter = LocationMention, "location", "locations"
    list_display = ["name", "kind", "parent", "other_names", "articles_link"]
    list_select_related = ["parent"]
    fields = ["name", "kind", "parent", "latitude", "longitude"]
    autocomplete_fields = ["parent"]
    inlines = [LocationAliasInline, LocationNonMentionInline]


@admin.register(Source)
class SourceAdmin(RecleaningSourceMixin, CuratedAdmin):
    count_model, count_field, article_filter = Article, "source", "source__id__exact"
    list_display = ["name", "kind", "country", "language", "articles_link"]
    list_filter = ["kind", "language"]
    search_fields = ["name", "homepage", "aliases__name"]
    fields = ["name", "kind", "homepage", "country", "language"]
    inlines = [SourceAliasInline, SourceFurnitureInline]

    # A change of an outlet's names or kind re-links the articles that name it.

    @staticmethod
    def _linked_as(source):
        if not source.pk:
            return set(), None
        saved = Source.objects.filter(pk=source.pk).values_list("name", "kind").first()
        names = set(source.aliases.values_list("name", "case_sensitive"))
        return names | {(saved[0], False)}, saved[1] in OUTLET_KINDS

    def save_model(self, request, obj, form, change):
        obj._linked_before = self._linked_as(obj)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        source = form.instance
        before_names, was_outlet = source._linked_before
        after_names, is_outlet = self._linked_as(source)
        if (after_names != before_names or was_outlet != is_outlet) and (was_outlet or is_outlet):
            names = [name for name, _ in after_names | before_names]
            relinked = relink_entity(source, names)
            self.message_user(request, f"Names changed: re-linked {relinked} article(s).")
