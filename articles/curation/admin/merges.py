"""The record of merges in the admin, from which a merge can be undone."""

from django.contrib import admin, messages
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html

from ...models import Merge
from ..merging import MERGEABLE_MODELS, MergeError, undo_merge
from .base import ArchiveAdminMedia


def _can_undo(request, merge):
    model = merge.content_type.model_class()
    return request.user.has_perm("articles.change_merge") and request.user.has_perm(
        f"{model._meta.app_label}.add_{model._meta.model_name}"
    )


class MergedModelFilter(admin.SimpleListFilter):
    title = "kind of record"
    parameter_name = "model"

    def lookups(self, request, model_admin):
        return [
            (model._meta.model_name, model._meta.verbose_name_plural) for model in MERGEABLE_MODELS
        ]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(
                content_type__app_label="articles", content_type__model=self.value()
            )
        return queryset


class UndoneFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "undone"

    def lookups(self, request, model_admin):
        return [("no", "In force"), ("yes", "Undone")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(undone__isnull=self.value() == "no")
        return queryset


@admin.register(Merge)
class MergeAdmin(ArchiveAdminMedia, admin.ModelAdmin):
    list_display = ["created", "kind", "merged_names", "survivor_link", "merged_by", "undone"]
    list_filter = [MergedModelFilter, UndoneFilter]
    list_select_related = ["content_type", "merged_by"]
    search_fields = ["merged_names", "survivor_name"]
    date_hierarchy = "created"
    fields = [
        "kind",
        "survivor_link",
        "merged_names",
        "merged_records",
        "moved",
        "created",
        "merged_by",
        "undone",
        "undone_by",
    ]
    readonly_fields = fields
    change_form_template = "admin/articles/merge/change_form.html"
    actions = ["undo_selected"]

    # The record is history: nobody adds, edits or deletes it; an undo is its own action.

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="kind of record", ordering="content_type")
    def kind(self, merge):
        return merge.content_type.model_class()._meta.verbose_name_plural

    @admin.display(description="kept")
    def survivor_link(self, merge):
        model = merge.content_type.model_class()
        url = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_change",
            args=[merge.survivor_id],
        )
        return format_html('<a href="{}">{}</a>', url, merge.survivor_name)

    @admin.display(description="merged records (as they were)")
    def merged_records(self, merge):
        return ", ".join(
            f"{record['fields'].get('name')} (/{record['fields'].get('slug')}/)"
            for record in merge.snapshot["records"]
        )

    @admin.display(description="moved to the kept record")
    def moved(self, merge):
        snapshot = merge.snapshot
        counts = [
            (len(snapshot.get("aliases", [])), "names"),
            (len(snapshot.get("mentions", [])), "mentions"),
            (len(snapshot.get("articles", [])), "articles"),
            (len(snapshot.get("children", [])), "places inside"),
        ]
        return ", ".join(f"{n} {what}" for n, what in counts if n) or "—"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        merge = self.get_object(request, unquote(object_id))
        extra_context = {
            **(extra_context or {}),
            "can_undo": merge is not None and not merge.undone and _can_undo(request, merge),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/undo/",
                self.admin_site.admin_view(self.undo_view),
                name="articles_merge_undo",
            ),
            *super().get_urls(),
        ]

    def _undo(self, request, merge):
        """Undo ``merge``; returns an error message or None."""
        if not _can_undo(request, merge):
            return f"You may not undo the merge of {merge.merged_names}."
        try:
            restored = undo_merge(merge, user=request.user)
        except MergeError as exc:
            return f"The merge of {merge.merged_names} cannot be undone: {exc}"
        LogEntry.objects.log_actions(
            request.user.pk, restored, ADDITION, f"Restored by undoing merge #{merge.pk}."
        )
        model = merge.content_type.model_class()
        survivor = model.objects.filter(pk=merge.survivor_id)
        LogEntry.objects.log_actions(
            request.user.pk, survivor, CHANGE, f"Undid merge #{merge.pk} of {merge.merged_names}."
        )
        return None

    def undo_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_permission(request):
            raise PermissionDenied
        merge = self.get_object(request, unquote(object_id))
        if merge is None:
            raise Http404("No such merge.")
        error = self._undo(request, merge)
        if error:
            self.message_user(request, error, messages.ERROR)
        else:
            self.message_user(
                request, f"Undid the merge of {merge.merged_names}.", messages.SUCCESS
            )
        return HttpResponseRedirect(reverse("admin:articles_merge_change", args=[merge.pk]))

    @admin.action(description="Undo selected merges (newest first)")
    def undo_selected(self, request, queryset):
        done = 0
        for merge in queryset.filter(undone__isnull=True).order_by("-created", "-pk"):
            error = self._undo(request, merge)
            if error:
                self.message_user(request, error, messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, f"Undid {done} merge(s).", messages.SUCCESS)
