"""Loading the gazetteer of actors and locations from its JSON file.

The file is the project's hand-kept reference list (``fixtures/gazetteer.json``);
loading it is an upsert by slug, so running it again after editing the file
updates entries in place and never duplicates them.  Editors' own additions in
the database are left alone.  The whole load is one transaction with a handful
of bulk queries per table, so it takes well under a second.
"""

import json
from dataclasses import dataclass

from django.db import transaction

from .merging import redirect_target, without_merged
from .models import Actor, ActorAlias, Alias, Location, LocationAlias, normalize_name


class GazetteerError(ValueError):
    pass


@dataclass
class GazetteerStats:
    actors: int = 0
    locations: int = 0
    aliases: int = 0


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
            raise GazetteerError(f"{where}: unknown kind {entry['kind']!r}")
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
    with transaction.atomic():
        _, actor_names = _upsert(
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
    return GazetteerStats(len(actors), len(locations), actor_names + location_names)
