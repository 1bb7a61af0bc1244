"""Editors' changes to the gazetteer, and the re-linking they call for.

After a change to an entity's names only some articles can link differently:
those that mention the entity now (a name removed or changed) and those whose
text contains a name it gained.  ``relink_entity`` re-links just those, found
with a case-insensitive ``icontains`` prefilter; the linker then does the exact
whole-word matching itself.
"""

from django.db.models import Q

from ..linking import relink_articles
from ..models import Actor, Alias, Article, Location, Source, Suggestion, normalize_name

_MENTIONED_IN = {Actor: "actors", Location: "locations", Source: "source_mentions__source"}


def _case_variants(name):
    # SQLite's LIKE folds case for ASCII letters only, so "Київ" must also be
    # searched for as "київ" and "КИЇВ"; PostgreSQL folds every script itself.
    return {name, name.lower(), name.upper(), name.capitalize(), name.title()}


def articles_containing(names):
    """Articles whose headline, lede or body may contain one of ``names``."""
    condition = Q()
    for name in names:
        for variant in _case_variants(name.strip()):
            if variant:
                condition |= (
                    Q(title__icontains=variant)
                    | Q(lede__icontains=variant)
                    | Q(body__icontains=variant)
                )
    return Article.objects.filter(condition) if condition else Article.objects.none()


def affected_articles(entity, new_names=()):
    """The articles whose links a change of ``entity``'s names (or of its
    not-a-mention phrases, or an outlet's) can alter."""
    mentioning = Article.objects.filter(**{_MENTIONED_IN[type(entity)]: entity}).values("pk")
    return Article.objects.filter(
        Q(pk__in=mentioning) | Q(pk__in=articles_containing(new_names).values("pk"))
    )


def relink_entity(entity, new_names=()):
    """Re-link the articles affected by a change of ``entity``'s names; returns how many."""
    return relink_articles(affected_articles(entity, new_names))


def name_clash(model, name, *, exclude=None):
    """The record of ``model`` (actor or location) that already goes by ``name``, if any."""
    alias_model = model._meta.get_field("aliases").related_model
    aliases = alias_model.objects.filter(normalized=normalize_name(name))
    if exclude is not None:
        aliases = aliases.exclude(entity=exclude)
    alias = aliases.select_related("entity").first()
    return alias.entity if alias else None


def sync_name_alias(entity):
    """Store ``entity``'s own name as its one alias of kind "name"; a name it had
    before stays as a spelling, so articles using it still link."""
    normalized = normalize_name(entity.name)
    entity.aliases.filter(kind=Alias.Kind.NAME).exclude(normalized=normalized).update(
        kind=Alias.Kind.SPELLING
    )
    alias = entity.aliases.filter(normalized=normalized).first()
    if alias is None:
        entity.aliases.create(name=entity.name, kind=Alias.Kind.NAME)
    elif alias.kind != Alias.Kind.NAME:
        alias.kind = Alias.Kind.NAME
        alias.save(update_fields=["kind"])


def create_entity(model, name, kind):
    """A new actor or location named ``name``, with its name stored as an alias."""
    entity = model.objects.create(name=name, kind=kind)
    sync_name_alias(entity)
    return entity


def accept_suggestion(suggestion, entity):
    """Make ``suggestion``'s name a name of ``entity`` (an actor or location, new or
    existing), mark it accepted and link it across the archive; returns the number
    of articles re-linked."""
    known = set(entity.aliases.values_list("normalized", flat=True))
    if normalize_name(suggestion.name) not in known:
        known.add(normalize_name(suggestion.name))
        entity.aliases.create(name=suggestion.name, kind=Alias.Kind.SPELLING)
    # The other forms the suggestion was found in (inflections, possessives
    # without their ending) are names of the entity too.
    alias_model = type(entity)._meta.get_field("aliases").related_model
    others = [form for form in suggestion.forms or {} if normalize_name(form) not in known]
    taken = set(
        alias_model.objects.filter(
            normalized__in=[normalize_name(form) for form in others]
        ).values_list("normalized", flat=True)
    )
    for form in others:
        if normalize_name(form) not in taken | known:
            known.add(normalize_name(form))
            entity.aliases.create(name=form, kind=Alias.Kind.INFLECTION)
    suggestion.status = Suggestion.Status.ACCEPTED
    suggestion.actor = entity if isinstance(entity, Actor) else None
    suggestion.location = entity if isinstance(entity, Location) else None
    suggestion.kind = (
        Suggestion.Kind.ACTOR if isinstance(entity, Actor) else Suggestion.Kind.LOCATION
    )
    suggestion.save()
    return relink_entity(entity, [suggestion.name, *(suggestion.forms or {})])
