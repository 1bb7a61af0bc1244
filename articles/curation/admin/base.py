"""Pieces the archive's model admins share."""

from django import forms
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.widgets import AutocompleteSelect
from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.models import BaseInlineFormSet
from django.utils.text import capfirst

# Django 6 reads a URL typed without a scheme as https; so do we, already.
FORMFIELD_OVERRIDES = {models.URLField: {"assume_scheme": "https"}}


def https_formfield(db_field, **kwargs):
    """``formfield_callback`` for model forms outside the admin's overrides."""
    return db_field.formfield(**{**FORMFIELD_OVERRIDES.get(type(db_field), {}), **kwargs})


def count_of(model, field):
    """An annotation counting the ``model`` rows whose ``field`` is the outer row.

    A correlated subquery rather than ``Count`` over a join: a change list then
    counts for the rows on its page only, not for the whole table.
    """
    rows = (
        model.objects.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def log_changes(request, queryset, message):
    """Record a change of every object in ``queryset`` by the request's user in the admin log."""
    LogEntry.objects.log_actions(request.user.pk, list(queryset), CHANGE, change_message=message)


class ArchiveAdminMedia:
    """The archive's additions to the admin's stylesheet and script, for every model admin here."""

    class Media:
        css = {"all": ["css/admin.css"]}
        js = ["js/admin-labels.js"]


class LoadedAutocompleteSelect(AutocompleteSelect):
    """An autocomplete that labels its selected option with the related object its
    form already has (``selected_object``) instead of fetching it, so that an
    inline with many rows costs one query, not one per row."""

    selected_object = None

    def optgroups(self, name, value, attr=None):
        chosen = self.selected_object
        values = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if chosen is None or values != {str(chosen.pk)}:
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required:
            options.append(self.create_option(name, "", "", False, 0))
        label = self.choices.field.label_from_instance(chosen)
        options.append(self.create_option(name, chosen.pk, label, True, len(options)))
        return [(None, options, 0)]


class LoadedAutocompleteForm(forms.ModelForm):
    """Hands the related objects already loaded on the instance to its autocompletes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = getattr(field.widget, "widget", field.widget)
            if isinstance(widget, LoadedAutocompleteSelect):
                widget.selected_object = self.instance._state.fields_cache.get(name)


class LabelledRowsFormSet(BaseInlineFormSet):
    """A tabular inline whose fields are each labelled for screen readers: the
    column's header is a row's only visible label, and Django's tabular rows give
    their fields none (axe-core: "Form elements must have labels")."""

    row_name = None  # what "Delete this …" calls a row; the model's own name by default

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for name, field in form.fields.items():
            widget = getattr(field.widget, "widget", field.widget)
            if widget.is_hidden:
                continue
            if name == DELETION_FIELD_NAME:
                label = f"Delete this {self.row_name or self.model._meta.verbose_name}"
            else:
                label = capfirst(str(field.label))
            widget.attrs.setdefault("aria-label", label)


class ParentInlineFormSet(LabelledRowsFormSet):
    """Gives every row the parent object itself, so that a row's label (its
    ``__str__``) does not fetch the parent again."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        setattr(form.instance, self.fk.name, self.instance)
        return form


class LoadedAutocompleteInline(admin.TabularInline):
    """An inline whose autocomplete fields are labelled from ``select_related`` rows."""

    form = LoadedAutocompleteForm
    formset = ParentInlineFormSet

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault(
                "widget",
                LoadedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using")),
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.get_autocomplete_fields(request))
