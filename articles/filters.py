"""The search page's filters (django-filter): source, actor, location, their
exclusions, language, date range and whether the date is known.

Bad values never stop a search: a filter whose value is unknown or malformed
is left out and reported in ``problems()``, the rest still apply.
"""

import django_filters
from django import forms
from django.core.validators import slug_re
from django.db.models import Exists, OuterRef

from .models import Actor, ActorMention, Language, Location, LocationMention, Source

MAX_VALUES = 20


class SlugsField(forms.Field):
    """Repeatable slugs in, the matching objects out (one query).  Values that
    are not slugs never reach the database; unknown ones are kept in
    ``unknown`` for the page to report."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *, entity_model, **kwargs):
        # The model, not a queryset: each search copies its filters and their
        # form's fields deeply, and copying a queryset six times cost it 1 ms.
        self.entity_model = entity_model
        kwargs["required"] = False
        super().__init__(**kwargs)

    def to_python(self, value):
        if not value:
            return []
        values = [value] if isinstance(value, str) else list(value)
        return list(dict.fromkeys(str(v) for v in values))

    def clean(self, value):
        slugs = self.to_python(value)
        valid = [s for s in slugs[:MAX_VALUES] if len(s) <= 100 and slug_re.fullmatch(s)]
        found = list(self.entity_model.objects.filter(slug__in=valid)) if valid else []
        known = {obj.slug for obj in found}
        self.unknown = [s for s in slugs if s not in known]
        return found


class EntityFilter(django_filters.Filter):
    """Articles by slugs of sources, actors or locations.

    ``mode``: "any" (any of the values), "all" (mentions every one) or "none"
    (none of the values).
    """

    field_class = SlugsField

    def __init__(self, *, model, mode, mention_model=None, mention_field=None, **kwargs):
        self.entity_model, self.mode = model, mode
        self.mention_model, self.mention_field = mention_model, mention_field
        super().__init__(entity_model=model, **kwargs)

    def _condition(self, obj):
        if self.mention_model is None:
            return {"source": obj}
        return Exists(
            self.mention_model.objects.filter(article=OuterRef("pk"), **{self.mention_field: obj})
        )

    def filter(self, qs, value):
        if not value:
            return qs
        if self.mention_model is None:
            if self.mode == "none":
                return qs.exclude(source__in=value)
            return qs.filter(source__in=value)
        for obj in value:
            condition = self._condition(obj)
            qs = qs.exclude(condition) if self.mode == "none" else qs.filter(condition)
        return qs


def _mentions(model, mention_model, field, mode, label):
    return EntityFilter(
        model=model, mode=mode, mention_model=mention_model, mention_field=field, label=label
    )


class ArticleFilter(django_filters.FilterSet):
    source = EntityFilter(model=Source, mode="any", label="Source")
    actor = _mentions(Actor, ActorMention, "actor", "all", "Actor")
    location = _mentions(Location, LocationMention, "location", "all", "Place")
    exclude_source = EntityFilter(model=Source, mode="none", label="Not from source")
    exclude_actor = _mentions(Actor, ActorMention, "actor", "none", "Not mentioning actor")
    exclude_location = _mentions(Location, LocationMention, "location", "none", "Not mentioning")
    language = django_filters.MultipleChoiceFilter(
        choices=Language.choices,
        distinct=False,
        error_messages={"invalid_choice": "Unknown language “%(value)s”."},
    )
    date_from = django_filters.DateFilter(field_name="published", lookup_expr="gte", label="From")
    date_to = django_filters.DateFilter(field_name="published", lookup_expr="lte", label="To")
    dated = django_filters.ChoiceFilter(
        choices=[("yes", "Date known"), ("no", "Date unknown")],
        method="filter_dated",
        label="Date",
        error_messages={"invalid_choice": "“%(value)s” is not yes or no."},
    )

    ENTITY_FILTERS = (
        "source",
        "actor",
        "location",
        "exclude_source",
        "exclude_actor",
        "exclude_location",
    )

    def filter_dated(self, queryset, name, value):
        return queryset.filter(published__isnull=(value == "no"))

    # An actor or place mentioned in fewer articles than this drives a search
    # that must mention it (see _rarest_mentioned).
    DRIVING_MENTIONS = 10_000

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._mention_counts = {}  # (filter name, entity pk) -> mentions, up to DRIVING_MENTIONS

    def get_form_class(self):
        """The form of the filters, built once a process: its fields follow
        from the filters' declarations only, and each form copies them (each
        search built nine fields and a form class, 0.3 ms)."""
        if "_form_class" not in type(self).__dict__:
            type(self)._form_class = super().get_form_class()
        return type(self)._form_class

    def filter_queryset(self, queryset, skip=()):
        """Apply every valid filter except those named in ``skip``."""
        driving_name, driver, driver_mentions = self._rarest_mentioned(skip)
        for name, value in self.form.cleaned_data.items():
            if name in skip:
                continue
            if name == driving_name:
                value = [entity for entity in value if entity != driver]
                queryset = queryset.filter(pk__in=driver_mentions.values("article_id"))
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    def _rarest_mentioned(self, skip):
        """``(filter name, entity, its mentions)`` of the least mentioned actor
        or place the articles must mention, if it has fewer than
        ``DRIVING_MENTIONS`` mentions; else three Nones.

        Its articles are selected by ``id IN (its mentions)``, the other
        entities' by EXISTS, so that SQLite (which knows no entity's count)
        starts from the few articles that mention the rare one: at 100,000
        synthetic articles, the most mentioned actor and Kharkiv (299
        mentions) counted in 5 ms instead of 39 (EXISTS for both) or 33 (IN
        for both, the common actor's list first).  PostgreSQL plans both
        forms as the same semi-join."""
        rarest = None
        for name in ("actor", "location"):
            if name in skip:
                continue
            entity_filter = self.filters[name]
            for entity in self.selected(name):
                mentions = entity_filter.mention_model.objects.filter(
                    **{entity_filter.mention_field: entity}
                )
                key = (name, entity.pk)
                if key not in self._mention_counts:
                    # No order: the mentions' default (most mentions first)
                    # sorted all 728,000 of the busiest actor's at 1,000,000
                    # articles before counting 10,000 (165 ms; unsorted 2 ms).
                    self._mention_counts[key] = (
                        mentions.order_by().values("article_id")[: self.DRIVING_MENTIONS].count()
                    )
                count = self._mention_counts[key]
                if count < self.DRIVING_MENTIONS and (rarest is None or count < rarest[0]):
                    rarest = (count, name, entity, mentions)
        return rarest[1:] if rarest else (None, None, None)

    def active_names(self):
        """The names of the filters in force (valid and not empty)."""
        if not self.is_bound:
            return set()
        self.errors  # noqa: B018 - validates the form
        return {
            name for name, value in self.form.cleaned_data.items() if value not in (None, "", [])
        }

    def selected(self, name):
        """The valid values given for filter ``name`` (objects for entity filters)."""
        if not self.is_bound:
            return []
        self.errors  # noqa: B018 - validates the form
        value = self.form.cleaned_data.get(name)
        if value in (None, ""):
            return []
        return value if isinstance(value, list) else [value]

    def problems(self):
        """What was wrong with the filter parameters, in words."""
        if not self.is_bound:
            return []
        messages = []
        for name, errors in self.form.errors.items():
            messages += [f"{name}: {error}" for error in errors]
        return messages + self.reversed_dates() + self.unknown_entities()

    def reversed_dates(self):
        """The problem of ``problems()`` that is a date range ending before it starts
        (the filters still apply: nothing matches)."""
        if not self.is_bound:
            return []
        self.errors  # noqa: B018 - validates the form
        start, end = self.form.cleaned_data.get("date_from"), self.form.cleaned_data.get("date_to")
        if start and end and start > end:
            return [f"date_from ({start}) is after date_to ({end}): no date is in between."]
        return []

    def unknown_entities(self):
        """The problems of ``problems()`` that are slugs of no source, actor or location."""
        if not self.is_bound:
            return []
        self.errors  # noqa: B018 - validates the form
        messages = []
        for name in self.ENTITY_FILTERS:
            field = self.form.fields[name]
            for slug in getattr(field, "unknown", []):
                noun = self.filters[name].entity_model._meta.verbose_name
                messages.append(
                    f"{name}: there is no {noun} “{slug[:80]}”; that filter was left out."
                )
        return messages
