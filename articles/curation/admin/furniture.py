"""Each source's furniture in the admin: what the import learned, for editors
to confirm or reject, and what they add.  Every change cleans the source's
articles again (``articles.importing.learning.reclean_articles``)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.text import Truncator

from ...importing.learning import reclean_articles
from ...importing.report import corpus_report
from ...importing.structure import fingerprint
from ...models import SourceFurniture
from .base import FORMFIELD_OVERRIDES, ArchiveAdminMedia, LabelledRowsFormSet, log_changes


def _check_fingerprint(form):
    """The text must have words, and be new to its source."""
    data = form.cleaned_data
    text, source = data.get("text"), data.get("source") or getattr(form.instance, "source", None)
    if not text:
        return
    fp = fingerprint(text)
    if not fp:
        form.add_error("text", "This text has no words to recognise it by (or is too long).")
        return
    if source is None or getattr(source, "pk", None) is None:
        return
    clash = SourceFurniture.objects.filter(source=source, fingerprint=fp)
    if form.instance.pk:
        clash = clash.exclude(pk=form.instance.pk)
    clash = clash.first()
    if clash is not None:
        form.add_error(
            "text", f"{source} already has this text ({clash.get_status_display().lower()})."
        )


class SourceFurnitureForm(forms.ModelForm):
    class Meta:
        model = SourceFurniture
        fields = ["source", "kind", "status", "text"]

    def clean(self):
        super().clean()
        _check_fingerprint(self)
        return self.cleaned_data


def _recleaned_message(admin_instance, request, source_ids):
    report = reclean_articles(sorted(source_ids), everything=False)
    admin_instance.message_user(
        request,
        f"Cleaned the source's articles again: {report.changed} of {report.read} changed.",
        messages.SUCCESS,
    )


class SourceFurnitureFormSet(LabelledRowsFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("DELETE") or not data.get("text"):
                continue
            fp = fingerprint(data["text"])
            if fp in seen:
                form.add_error("text", "This text is given above already.")
            seen.add(fp)


class SourceFurnitureInline(admin.TabularInline):
    model = SourceFurniture
    form = SourceFurnitureForm
    formset = SourceFurnitureFormSet
    extra = 1
    fields = ["kind", "status", "text", "article_count"]
    readonly_fields = ["article_count"]
    formfield_overrides = FORMFIELD_OVERRIDES
    verbose_name_plural = (
        "furniture: recurring notices (taken out of the text) and headings "
        "(shown as headings); rejected ones stay in the text"
    )

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.base_fields["status"].initial = SourceFurniture.Status.ADDED
        return formset


class RecleaningSourceMixin:
    """For the Source admin: a change to the furniture inline cleans the
    source's articles again."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        furniture_changed = any(
            formset.model is SourceFurniture and formset.has_changed() for formset in formsets
        )
        if furniture_changed:
            _recleaned_message(self, request, {form.instance.pk})


@admin.register(SourceFurniture)
class SourceFurnitureAdmin(ArchiveAdminMedia, admin.ModelAdmin):
    form = SourceFurnitureForm
    formfield_overrides = FORMFIELD_OVERRIDES
    list_display = ["short_text", "source", "kind", "status", "article_count", "updated"]
    list_filter = ["status", "kind", "source"]
    search_fields = ["text", "source__name"]
    list_select_related = ["source"]
    autocomplete_fields = ["source"]
    readonly_fields = ["article_count", "created", "updated"]
    actions = ["confirm", "reject"]
    list_per_page = 100

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "report/",
                self.admin_site.admin_view(self.report_view),
                name="{}_{}_report".format(*info),
            ),
            *super().get_urls(),
        ]

    def report_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": "Corpus report",
            "opts": self.opts,
            "reports": corpus_report(),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/articles/sourcefurniture/report.html", context)

    @admin.display(description="text", ordering="text")
    def short_text(self, furniture):
        return Truncator(furniture.text).chars(120)

    def get_changeform_initial_data(self, request):
        return {
            "status": SourceFurniture.Status.ADDED,
            **super().get_changeform_initial_data(request),
        }

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change or {"text", "kind", "status", "source"} & set(form.changed_data):
            sources = {obj.source_id}
            if "source" in form.initial and form.initial["source"] != obj.source_id:
                sources.add(form.initial["source"])
            _recleaned_message(self, request, sources)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _recleaned_message(self, request, {obj.source_id})

    def delete_queryset(self, request, queryset):
        sources = set(queryset.values_list("source_id", flat=True))
        super().delete_queryset(request, queryset)
        _recleaned_message(self, request, sources)

    def _set_status(self, request, queryset, status, verb):
        changed = list(queryset.exclude(status=status))
        SourceFurniture.objects.filter(pk__in=[row.pk for row in changed]).update(status=status)
        log_changes(request, changed, f"{verb} (bulk action).")
        if changed:
            _recleaned_message(self, request, {row.source_id for row in changed})
        self.message_user(request, f"{verb} {len(changed)} item(s).", messages.SUCCESS)

    @admin.action(description="Confirm: take it out of the text", permissions=["change"])
    def confirm(self, request, queryset):
        self._set_status(request, queryset, SourceFurniture.Status.CONFIRMED, "Confirmed")

    @admin.action(description="Reject: leave it in the text", permissions=["change"])
    def reject(self, request, queryset):
        self._set_status(request, queryset, SourceFurniture.Status.REJECTED, "Rejected")
