"""Merging duplicate actors, locations or sources into one survivor, and undoing it.

A merge runs in one transaction.  The duplicates' mentions move to the survivor
(counts are added where both were mentioned in one article; a mention is unique
per article and entity), every name of theirs becomes an alias of the survivor,
whatever pointed at them (articles' source, locations' parent, suggestions,
earlier redirects) points at the survivor, and their public slugs redirect to it.
Mentions are moved rather than found again: the survivor now has all the names,
so re-linking the same texts would count the same.

Everything needed to put the records back is stored as a JSON snapshot in a
``Merge`` row; ``undo_merge`` reads it.  The snapshot records ids, not
positions, so an undo restores what the merge moved even after later edits,
and refuses (with a reason) when a later change makes that impossible, such as
the survivor having been merged away itself.
"""

import json
from collections import defaultdict
from itertools import islice

from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.db import transaction
from django.http import Http404, HttpResponsePermanentRedirect
from django.utils import timezone

from .. import month_counts
from ..models import (
    Actor,
    ActorAlias,
    ActorMention,
    Alias,
    Article,
    Location,
    LocationAlias,
    LocationMention,
    Merge,
    MergedSlug,
    Source,
    SourceAlias,
    SourceMention,
    Suggestion,
    normalize_name,
)

MERGEABLE_MODELS = (Actor, Location, Source)

# For each gazetteer model: its alias model, its mention model and the name of
# the foreign key to it on mentions and on suggestions.
_ENTITY_TABLES = {
    Actor: (ActorAlias, ActorMention, "actor"),
    Location: (LocationAlias, LocationMention, "location"),
}

_CHUNK = 500
_COUNT_KINDS = {
    Actor: month_counts.ACTOR,
    Location: month_counts.LOCATION,
    Source: month_counts.SOURCE,
}


class MergeError(Exception):
    """A merge or an undo that cannot be done; the message says why, for the editor."""


def _chunks(values, size=_CHUNK):
    values = iter(values)
    while chunk := list(islice(values, size)):
        yield chunk


def _serialize(objects):
    return json.loads(serializers.serialize("json", objects))


# Merging


@transaction.atomic
def merge_records(survivor, others, *, user=None):
    """Merge ``others`` into ``survivor`` (records of one model); returns the ``Merge``."""
    model = type(survivor)
    if model not in MERGEABLE_MODELS:
        raise MergeError(f"{model._meta.verbose_name_plural} cannot be merged.")
    others = [other for other in others if other.pk != survivor.pk]
    if not others:
        raise MergeError("Choose at least two records to merge.")
    if any(type(other) is not model for other in others):
        raise MergeError("Only records of one kind can be merged.")

    content_type = ContentType.objects.get_for_model(model)
    other_ids = [other.pk for other in others]
    snapshot = {"records": _serialize(others)}
    if model is Source:
        _merge_sources(survivor, other_ids, snapshot)
    else:
        _merge_entities(survivor, others, snapshot)
    _point_redirects_at(survivor, content_type, other_ids, snapshot)

    merge = Merge.objects.create(
        content_type=content_type,
        survivor_id=survivor.pk,
        survivor_name=str(survivor)[:200],
        merged_names=", ".join(str(other) for other in others)[:1000],
        snapshot=snapshot,
        merged_by=user,
    )
    MergedSlug.objects.bulk_create(
        MergedSlug(merge=merge, content_type=content_type, slug=other.slug, target_id=survivor.pk)
        for other in others
    )
    model.objects.filter(pk__in=other_ids).delete()
    if model is Source:
        _relink_outlet_mentions(snapshot["outlet_mentions"])
    month_counts.recount_entities(_COUNT_KINDS[model], [survivor.pk, *other_ids])
    return merge


def _merge_sources(survivor, other_ids, snapshot):
    moved = Article.objects.filter(source_id__in=other_ids)
    snapshot["articles"] = list(moved.values_list("pk", "source_id"))
    moved.update(source=survivor, updated=timezone.now())
    # The outlets' other names go with them; the articles that name them are
    # linked again (mentions are derived from the names).
    aliases = SourceAlias.objects.filter(entity_id__in=other_ids)
    snapshot["source_aliases"] = list(aliases.values_list("pk", "entity_id"))
    aliases.update(entity=survivor)
    known = set(SourceAlias.objects.values_list("normalized", flat=True))
    known.add(normalize_name(survivor.name))
    created = []
    for name in Source.objects.filter(pk__in=other_ids).values_list("name", flat=True):
        if normalize_name(name) not in known:
            known.add(normalize_name(name))
            created.append(SourceAlias.objects.create(entity=survivor, name=name).pk)
    snapshot["created_source_aliases"] = created
    snapshot["outlet_mentions"] = list(
        SourceMention.objects.filter(source_id__in=[survivor.pk, *other_ids])
        .values_list("article_id", flat=True)
        .distinct()
    )


def _relink_outlet_mentions(article_ids):
    """Link again the articles that named merged outlets (mentions follow the names)."""
    from ..linking import relink_articles

    relink_articles(Article.objects.filter(pk__in=article_ids))


def _merge_entities(survivor, others, snapshot):
    alias_model, mention_model, field = _ENTITY_TABLES[type(survivor)]
    other_ids = [other.pk for other in others]

    # Every name of the merged records becomes a name of the survivor.  Names
    # are unique per table, so moving an alias can never collide.
    aliases = alias_model.objects.filter(entity_id__in=other_ids)
    snapshot["aliases"] = list(
        aliases.values("pk", "entity_id", "name", "kind", "language", "case_sensitive")
    )
    aliases.filter(kind=Alias.Kind.NAME).update(entity=survivor, kind=Alias.Kind.SPELLING)
    aliases.update(entity=survivor)
    known = set(
        alias_model.objects.filter(
            normalized__in=[normalize_name(other.name) for other in others]
        ).values_list("normalized", flat=True)
    )
    created = []
    for other in others:
        normalized = normalize_name(other.name)
        if normalized and normalized not in known:
            known.add(normalized)
            created.append(alias_model.objects.create(entity=survivor, name=other.name).pk)
    snapshot["created_aliases"] = created

    # Mentions: one row per article and entity, so the merged records' counts
    # are added to the survivor's where it is mentioned too.
    merged_mentions = mention_model.objects.filter(**{f"{field}_id__in": other_ids})
    snapshot["mentions"] = [
        [article_id, entity_id, count]
        for article_id, entity_id, count in merged_mentions.values_list(
            "article_id", f"{field}_id", "count"
        )
    ]
    survivor_mentions = {
        mention.article_id: mention
        for mention in mention_model.objects.filter(
            **{field: survivor}, article_id__in=merged_mentions.values("article_id")
        )
    }
    snapshot["survivor_mentions"] = [
        [article_id, mention.count] for article_id, mention in survivor_mentions.items()
    ]
    totals = defaultdict(int)
    for article_id, _, count in snapshot["mentions"]:
        totals[article_id] += count
    merged_mentions.delete()
    for article_id, mention in survivor_mentions.items():
        mention.count += totals.pop(article_id)
    mention_model.objects.bulk_update(survivor_mentions.values(), ["count"])
    mention_model.objects.bulk_create(
        mention_model(article_id=article_id, count=count, **{field: survivor})
        for article_id, count in totals.items()
    )

    suggestions = Suggestion.objects.filter(**{f"{field}_id__in": other_ids})
    snapshot["suggestions"] = list(suggestions.values_list("pk", f"{field}_id"))
    suggestions.update(**{field: survivor})

    if isinstance(survivor, Location):
        _merge_location_tree(survivor, other_ids, snapshot)


def _merge_location_tree(survivor, other_ids, snapshot):
    children = Location.objects.filter(parent_id__in=other_ids).exclude(pk=survivor.pk)
    snapshot["children"] = list(children.values_list("pk", "parent_id"))
    children.update(parent=survivor)
    # A survivor inside one of the merged records moves up to that record's parent.
    snapshot["survivor_parent_id"] = survivor.parent_id
    parents = dict(Location.objects.filter(pk__in=other_ids).values_list("pk", "parent_id"))
    parent_id = survivor.parent_id
    while parent_id in parents:
        parent_id = parents[parent_id]
    if parent_id == survivor.pk:
        parent_id = None
    if parent_id != survivor.parent_id:
        survivor.parent_id = parent_id
        survivor.save(update_fields=["parent"])


def _point_redirects_at(survivor, content_type, other_ids, snapshot):
    """Slugs that redirected to a merged record now redirect to the survivor, and
    a redirect shadowed by a merged record's own slug gives way to the new one."""
    slugs = [record["fields"]["slug"] for record in snapshot["records"]]
    shadowed = MergedSlug.objects.filter(content_type=content_type, slug__in=slugs)
    snapshot["shadowed_redirects"] = list(shadowed.values("merge_id", "slug", "target_id"))
    shadowed.delete()
    redirects = MergedSlug.objects.filter(content_type=content_type, target_id__in=other_ids)
    snapshot["redirects"] = list(redirects.values_list("pk", "target_id"))
    redirects.update(target_id=survivor.pk)


# Undoing


@transaction.atomic
def undo_merge(merge, *, user=None):
    """Put back the records ``merge`` merged away, with their names, mentions and slugs."""
    merge = Merge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone:
        raise MergeError("This merge has already been undone.")
    model = merge.content_type.model_class()
    survivor = model.objects.filter(pk=merge.survivor_id).first()
    if survivor is None:
        raise MergeError(
            f"“{merge.survivor_name}” no longer exists; undo the later merge or deletion first."
        )
    snapshot = merge.snapshot
    records = list(serializers.deserialize("json", json.dumps(snapshot["records"])))
    restored = [record.object for record in records]
    _check_restorable(model, restored)
    if model is Location:
        # A parent deleted since the merge is forgotten; one restored here is kept.
        parent_ids = {location.parent_id for location in restored} - {None}
        parent_ids -= {location.pk for location in restored}
        gone = parent_ids - set(
            Location.objects.filter(pk__in=parent_ids).values_list("pk", flat=True)
        )
        for location in restored:
            if location.parent_id in gone:
                location.parent_id = None
    for record in records:  # foreign keys are checked at commit, so order does not matter
        record.save()

    if model is Source:
        _restore_foreign_keys(Article, "source_id", survivor.pk, snapshot["articles"])
        SourceAlias.objects.filter(
            pk__in=snapshot.get("created_source_aliases", []), entity=survivor
        ).delete()
        _restore_foreign_keys(
            SourceAlias, "entity_id", survivor.pk, snapshot.get("source_aliases", [])
        )
        _relink_outlet_mentions(snapshot.get("outlet_mentions", []))
    else:
        _undo_entity_merge(survivor, snapshot)

    merge.slugs.all().delete()
    _restore_foreign_keys(MergedSlug, "target_id", survivor.pk, snapshot["redirects"])
    MergedSlug.objects.bulk_create(
        MergedSlug(content_type=merge.content_type, **redirect)
        for redirect in snapshot["shadowed_redirects"]
        if Merge.objects.filter(pk=redirect["merge_id"]).exists()
    )
    month_counts.recount_entities(
        _COUNT_KINDS[model], [survivor.pk, *(record.pk for record in restored)]
    )
    merge.undone = timezone.now()
    merge.undone_by = user
    merge.save(update_fields=["undone", "undone_by"])
    return restored


def _check_restorable(model, records):
    taken = model.objects.filter(pk__in=[record.pk for record in records])
    if taken.exists():
        raise MergeError(f"A record with the id of “{taken.first()}” exists again.")
    slugs = model.objects.filter(slug__in=[record.slug for record in records])
    if slugs.exists():
        raise MergeError(f"The address /{slugs.first().slug}/ is now used by “{slugs.first()}”.")
    if model is Source:
        names = model.objects.filter(name__in=[record.name for record in records])
        if names.exists():
            raise MergeError(f"A source named “{names.first()}” exists again.")


def _restore_foreign_keys(model, attname, current_id, rows):
    """Point ``model`` rows back at their old targets: ``rows`` are (pk, old id);
    rows that a later change took away from ``current_id`` are left alone."""
    by_old_id = defaultdict(list)
    for pk, old_id in rows:
        by_old_id[old_id].append(pk)
    for old_id, pks in by_old_id.items():
        for chunk in _chunks(pks):
            model.objects.filter(pk__in=chunk, **{attname: current_id}).update(**{attname: old_id})


def _undo_entity_merge(survivor, snapshot):
    alias_model, mention_model, field = _ENTITY_TABLES[type(survivor)]

    alias_model.objects.filter(pk__in=snapshot["created_aliases"], entity=survivor).delete()
    current = alias_model.objects.in_bulk([alias["pk"] for alias in snapshot["aliases"]])
    for alias in snapshot["aliases"]:
        row = current.get(alias["pk"])
        if row is None:
            # Deleted since the merge: recreate it unless its name is taken.
            if not alias_model.objects.filter(normalized=normalize_name(alias["name"])).exists():
                alias_model.objects.create(**alias)
        elif row.entity_id == survivor.pk:
            row.entity_id, row.kind = alias["entity_id"], alias["kind"]
            row.save(update_fields=["entity", "kind"])

    # Mentions: the survivor's go back to their counts before the merge, and the
    # merged records' are recreated, in the articles that still exist.
    article_ids = {article_id for article_id, _, _ in snapshot["mentions"]}
    existing = set()
    for chunk in _chunks(article_ids):
        existing.update(Article.objects.filter(pk__in=chunk).values_list("pk", flat=True))
        mention_model.objects.filter(**{field: survivor}, article_id__in=chunk).delete()
    mention_model.objects.bulk_create(
        mention_model(article_id=article_id, count=count, **{field: survivor})
        for article_id, count in snapshot["survivor_mentions"]
        if article_id in existing
    )
    mention_model.objects.bulk_create(
        mention_model(article_id=article_id, count=count, **{f"{field}_id": entity_id})
        for article_id, entity_id, count in snapshot["mentions"]
        if article_id in existing
    )

    _restore_foreign_keys(Suggestion, f"{field}_id", survivor.pk, snapshot["suggestions"])
    if isinstance(survivor, Location):
        _restore_foreign_keys(Location, "parent_id", survivor.pk, snapshot["children"])
        old_parent = snapshot["survivor_parent_id"]
        if old_parent is None or Location.objects.filter(pk=old_parent).exists():
            Location.objects.filter(pk=survivor.pk).update(parent_id=old_parent)


# Redirects of merged-away slugs


def without_merged(model, entries):
    """``entries`` (pairs of where, entry with a "slug") less those whose slug a
    merge took away, so that reloading a reference list does not undo merges."""
    merged = set(
        MergedSlug.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            slug__in=[entry["slug"] for _, entry in entries],
        ).values_list("slug", flat=True)
    )
    merged -= set(model.objects.filter(slug__in=merged).values_list("slug", flat=True))
    return [(where, entry) for where, entry in entries if entry["slug"] not in merged]


def redirect_target(model, slug):
    """The record that the merged-away record with ``slug`` now lives on, or None."""
    if model not in MERGEABLE_MODELS:
        return None
    target_id = (
        MergedSlug.objects.filter(content_type=ContentType.objects.get_for_model(model), slug=slug)
        .values_list("target_id", flat=True)
        .first()
    )
    if target_id is None:
        return None
    return model.objects.filter(pk=target_id).first()


def redirect_merged_or_404(model, slug):
    """A permanent redirect from a merged-away record's page to its survivor's; else 404."""
    target = redirect_target(model, slug)
    if target is None:
        raise Http404(f"No {model._meta.verbose_name} at this address.")
    return HttpResponsePermanentRedirect(target.get_absolute_url())
