"""Loading the gazetteer of actors, locations and outlets from its JSON file.

The file is the project's hand-kept reference list (``fixtures/gazetteer.json``);
loading it is an upsert by slug, so running it again after editing the file
updates entries in place and never duplicates them.  Actors and locations may
list ``not_a_mention`` phrases (longer names that contain one of theirs, see
``articles.linking``); media outlets are ``sources``, matched to a source the
archive already has by any of their names.  Editors' own additions in
the database are left alone.  The whole load is one transaction with a handful
of bulk queries per table, so it takes well under a second.
"""

import json
from dataclasses import dataclass

from django.db import transaction

from .curation.merging import redirect_target, without_merged
from .importing.sources import source_key
from .models import (
    Actor,
    ActorAlias,
    ActorNonMention,
    Alias,
    Location,
    LocationAlias,
    LocationNonMention,
    Source,
    SourceAlias,
    normalize_name,
)


class GazetteerError(ValueError):
    pass


@dataclass
class GazetteerStats:
    actors: int = 0
    locations: int = 0
    aliases: int = 0
    sources: int = 0
    non_mentions: int = 0


def _alias_specs(entry, where):
    yield {"name": entry["name"], "kind": Alias.Kind.NAME}
    for raw in entry.get("aliases", []):
        spec = {"name": raw} if isinstance(raw, str) else dict(raw)
        if not isinstance(spec.get("name"), str) or not spec["name"].strip():
            raise GazetteerError(f"{where}: an alias without a name: {raw!r}")
        unknown = set(spec) - {"name", "kind", "language", "case_sensitive"}
        if unknown:
            raise GazetteerError(f"{where}: unknown alias field(s) {sorted(unknown)}")
        spec.setdefault("kind", Alias.Kind.SPELLING)
        if spec["kind"] not in Alias.Kind.values:
            raise GazetteerError(f"{where}: unknown alias kind {spec['kind']!r}")
        yield spec


def _validated(entries, model, label, path):
    for index, entry in enumerate(entries):
        where = f"{path}: {label}[{index}]"
        if not isinstance(entry, dict):
            raise GazetteerError(f"{where}: expected an object")
        missing = [field for field in ("slug", "name", "kind") if not entry.get(field)]
        if missing:
            raise GazetteerError(f"{where}: missing {', '.join(missing)}")
        if entry["kind"] not in model.Kind.values:
            hint = " (media outlets are listed under 'sources')" if entry["kind"] == "media" else ""
            raise GazetteerError(f"{where}: unknown kind {entry['kind']!r}{hint}")
        phrases = entry.get("not_a_mention", [])
        if not isinstance(phrases, list) or not all(
            isinstance(p, str) and len(p.split()) > 1 for p in phrases
        ):
            raise GazetteerError(f"{where}: not_a_mention must be a list of phrases of 2+ words")
        yield where, entry


def _upsert(model, alias_model, entries, fields):
    """Create or update the entities of ``entries`` (pairs of where, entry) and
    their aliases; returns (entities by slug, number of names)."""
    existing = model.objects.in_bulk([entry["slug"] for _, entry in entries], field_name="slug")
    new, changed = [], []
    for _, entry in entries:
        values = {field: entry.get(field, default) for field, default in fields.items()}
        entity = existing.get(entry["slug"])
        if entity is None:
            entity = model(slug=entry["slug"], **values)
            existing[entry["slug"]] = entity
            new.append(entity)
        else:
            for field, value in values.items():
                setattr(entity, field, value)
            changed.append(entity)
    model.objects.bulk_create(new)
    if changed:
        model.objects.bulk_update(changed, list(fields))

    owners = dict(alias_model.objects.values_list("normalized", "entity_id"))
    aliases = {}
    for where, entry in entries:
        entity = existing[entry["slug"]]
        for spec in _alias_specs(entry, where):
            normalized = normalize_name(spec["name"])
            owner = owners.get(normalized, entity.pk)
            claimed = aliases.get(normalized)
            if owner != entity.pk or (claimed is not None and claimed.entity_id != entity.pk):
                raise GazetteerError(f"{where}: the name {spec['name']!r} belongs to another entry")
            # Spellings that differ only in apostrophe style fold into one name.
            aliases.setdefault(
                normalized,
                alias_model(
                    entity_id=entity.pk,
                    name=spec["name"],
                    normalized=normalized,
                    kind=spec["kind"],
                    language=spec.get("language", ""),
                    case_sensitive=bool(spec.get("case_sensitive", False)),
                ),
            )
    alias_model.objects.bulk_create(
        aliases.values(),
        update_conflicts=True,
        unique_fields=["normalized"],
        update_fields=["entity", "name", "kind", "language", "case_sensitive"],
    )
    return existing, len(aliases)


def _upsert_non_mentions(model, entries, by_slug):
    """Add the ``not_a_mention`` phrases of ``entries``; those already there stay."""
    existing = set(model.objects.values_list("entity_id", "normalized"))
    new = {}
    for _, entry in entries:
        entity = by_slug[entry["slug"]]
        for phrase in entry.get("not_a_mention", []):
            key = (entity.pk, normalize_name(phrase))
            if key not in existing:
                new[key] = model(entity=entity, phrase=phrase, normalized=key[1])
    model.objects.bulk_create(new.values())
    return sum(len(entry.get("not_a_mention", [])) for _, entry in entries)


def _upsert_sources(entries, path):
    """Create or update the outlets of ``entries``; a source the archive has
    under one of their names (from an import) gets the entry's names, and its
    kind when an editor has not set one."""
    by_key = {source_key(name): pk for pk, name in Source.objects.values_list("pk", "name")}
    by_key.update(
        (source_key(name), pk) for pk, name in SourceAlias.objects.values_list("entity_id", "name")
    )
    slugs = dict(Source.objects.values_list("slug", "pk"))
    owners = dict(SourceAlias.objects.values_list("normalized", "entity_id"))
    names = 0
    for index, entry in enumerate(entries):
        where = f"{path}: sources[{index}]"
        if not isinstance(entry, dict) or not entry.get("slug") or not entry.get("name"):
            raise GazetteerError(f"{where}: expected an object with a slug and a name")
        kind = entry.get("kind", Source.Kind.NEWS_OUTLET)
        if kind not in Source.Kind.values:
            raise GazetteerError(f"{where}: unknown kind {kind!r}")
        specs = list(_alias_specs(entry, where))
        pk = slugs.get(entry["slug"]) or next(
            (by_key[source_key(s["name"])] for s in specs if source_key(s["name"]) in by_key),
            None,
        )
        if pk is None:
            source = Source(slug=entry["slug"], name=entry["name"], kind=kind)
        else:
            source = Source.objects.get(pk=pk)
            if source.kind == Source.Kind.OTHER:
                source.kind = kind
        source.country = source.country or entry.get("country", "")
        source.homepage = source.homepage or entry.get("homepage", "")
        source.save()
        own = normalize_name(source.name)
        for spec in specs:
            normalized = normalize_name(spec["name"])
            if normalized == own:
                continue
            if owners.get(normalized, source.pk) != source.pk:
                taken = spec["name"]
                raise GazetteerError(f"{where}: the name {taken!r} belongs to another source")
            SourceAlias.objects.update_or_create(
                normalized=normalized,
                defaults={
                    "entity": source,
                    "name": spec["name"],
                    "kind": spec["kind"],
                    "language": spec.get("language", ""),
                    "case_sensitive": bool(spec.get("case_sensitive", False)),
                },
            )
            owners[normalized] = source.pk
            names += 1
        by_key[source_key(source.name)] = source.pk
    return names


def load_gazetteer(path):
    """Upsert every actor and location in the file at ``path``; all or nothing."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GazetteerError(f"{path}: {exc}") from exc
    if not isinstance(data, dict):
        raise GazetteerError(f"{path}: expected an object with 'actors' and 'locations'")

    actors = list(_validated(data.get("actors", []), Actor, "actors", path))
    locations = list(_validated(data.get("locations", []), Location, "locations", path))
    # Admin: entries that an editor merged into another record stay merged.
    actors, locations = without_merged(Actor, actors), without_merged(Location, locations)
    sources = data.get("sources", [])
    if not isinstance(sources, list):
        raise GazetteerError(f"{path}: 'sources' must be a list")
    with transaction.atomic():
        actors_by_slug, actor_names = _upsert(
            Actor, ActorAlias, actors, {"name": "", "kind": "", "description": ""}
        )
        by_slug, location_names = _upsert(
            Location,
            LocationAlias,
            locations,
            {"name": "", "kind": "", "latitude": None, "longitude": None},
        )
        with_parent = []
        for where, entry in locations:
            parent_slug = entry.get("parent")
            parent = by_slug.get(parent_slug) or (
                Location.objects.filter(slug=parent_slug).first() if parent_slug else None
            )
            if parent_slug and parent is None:
                parent = redirect_target(Location, parent_slug)  # admin: merged parent
            if parent_slug and parent is None:
                raise GazetteerError(f"{where}: unknown parent {parent_slug!r}")
            location = by_slug[entry["slug"]]
            if parent == location:  # admin: its parent was merged into it; keep its own
                parent = location.parent
            location.parent = parent
            with_parent.append(location)
        Location.objects.bulk_update(with_parent, ["parent"])
        phrases = _upsert_non_mentions(ActorNonMention, actors, actors_by_slug)
        phrases += _upsert_non_mentions(LocationNonMention, locations, by_slug)
        source_names = _upsert_sources(sources, path)
    return GazetteerStats(
        len(actors),
        len(locations),
        actor_names + location_names + source_names,
        len(sources),
        phrases,
    )
