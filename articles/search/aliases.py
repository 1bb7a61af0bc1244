"""Names in any spelling: a query that names an actor or a place (Kiev, Київ,
Kharkov, "Vladimir Putin") also searches all the other names the gazetteer
knows for it.  Inflected forms (Києва, Путина) are searched but not listed on
the page, where they would only be noise."""

import re

from django.db import connections, router
from django.db.models import F

from ..models import ActorAlias, Alias, LocationAlias, normalize_name
from ..statements import read_models
from .query import STOPWORDS, Expansion, Unit, node_for, normalize_query, tokenize

MAX_NAME_WORDS = 4


POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)


def _forms(typed, tokens):
    """The ways a stretch of the query can equal an alias's ``normalized`` column:
    as typed ("U.S.") and as words ("kiev" for "Kiev,"), and a possessive's
    without its 's ("Zelensky's", "Russia’s")."""
    forms = {normalize_name(typed), " ".join(tokens)}
    owner = _owner(typed)
    if owner and len(tokens) > 1:
        forms |= {normalize_name(owner), " ".join(tokens[:-1])}
    return forms


def _owner(typed):
    """``typed`` without its possessive 's, or None when it has none."""
    return POSSESSIVE.sub("", typed) if POSSESSIVE.search(typed) else None


def _bare_run(groups, start, length):
    """The units of ``length`` groups from ``start`` when each is one bare word."""
    run = groups[start : start + length]
    if len(run) == length and all(len(group) == 1 and group[0].is_plain for group in run):
        return [group[0] for group in run]
    return None


def _run_forms(units):
    typed = " ".join(unit.typed for unit in units)
    return typed, tuple(t for unit in units for t in unit.tokens)


def _candidate_forms(parsed):
    """Every form that could name an entity: each unit, and each run of bare words."""
    forms = set()
    for unit in parsed.units + parsed.excluded:
        if unit.kind != "prefix":
            forms |= _forms(unit.typed, unit.tokens)
    for start in range(len(parsed.groups)):
        for length in range(2, MAX_NAME_WORDS + 1):
            units = _bare_run(parsed.groups, start, length)
            if units:
                typed, tokens = _run_forms(units)
                forms |= _forms(typed, tokens)
    return forms


def _any_name_is_one_of(forms):
    """Whether any name or alias of the gazetteer is one of ``forms``: one
    plain statement, where reading the aliases is two the ORM builds, which
    took more time than the search's own match when nothing was found
    (cProfile of ``expand_aliases("defence")`` at 100,000 synthetic articles)."""
    using = connections[router.db_for_read(ActorAlias)]
    placeholders = ", ".join(["%s"] * len(forms))
    tables = [using.ops.quote_name(model._meta.db_table) for model in (ActorAlias, LocationAlias)]
    union = " UNION ALL ".join(
        f"SELECT 1 FROM {table} WHERE normalized IN ({placeholders})" for table in tables
    )
    with using.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS ({union})", [*forms, *forms])
        return bool(cursor.fetchone()[0])


def _aliases_of_entities_named(model, forms):
    """Every alias of the entities one of whose names is one of ``forms``,
    with that name."""
    return (
        model.objects.filter(entity__aliases__normalized__in=forms)
        .select_related("entity")
        .annotate(
            matched_form=F("entity__aliases__normalized"),
            matched_name=F("entity__aliases__name"),
            matched_case_sensitive=F("entity__aliases__case_sensitive"),
        )
        .order_by("entity_id", "name")
    )


class _Names:
    """The aliases found for the query's candidate forms, by form."""

    def __init__(self, forms):
        self.by_form = {}
        forms = sorted(forms)
        if not forms or not _any_name_is_one_of(forms):
            return
        # Stand for the forms in statements compiled once a number of forms
        # (statements.read_models): 0.3 ms of a search page's Python each.
        marks = [f"\ue002form {n}" for n in range(len(forms))]
        for model in (ActorAlias, LocationAlias):
            rows = read_models(
                ("aliases named", model, len(forms)),
                model,
                lambda model=model: _aliases_of_entities_named(model, marks),
                marks,
                forms,
            )
            for alias in rows:
                self.by_form.setdefault(alias.matched_form, []).append(alias)

    def lookup(self, typed, forms):
        """Aliases of the entities named by ``typed``: those of each entity whose
        name equals one of ``forms``, honouring case-sensitive names (US, not us)."""
        found = []
        for form in forms:
            for alias in self.by_form.get(form, []):
                if alias.matched_case_sensitive and alias.matched_name not in {
                    normalize_query(typed),
                    normalize_query(_owner(typed) or typed),
                }:
                    continue
                found.append(alias)
        return found


def _expansion(unit_forms, aliases):
    entities, shown, nodes = {}, [], []
    seen_shown = set(unit_forms)
    for alias in aliases:
        entities.setdefault((type(alias.entity), alias.entity.pk), alias.entity)
        tokens = tokenize(alias.name)
        # The index ignores case, so "US" would also find "us": such names are not searched.
        if not tokens or (alias.case_sensitive and " ".join(tokens) in STOPWORDS):
            continue
        nodes.append(node_for(tokens))
        if alias.kind != Alias.Kind.INFLECTION and alias.normalized not in seen_shown:
            seen_shown.add(alias.normalized)
            shown.append((alias.kind != Alias.Kind.NAME, alias.name))
    return Expansion(
        entities=list(entities.values()),
        shown_names=[name for _, name in sorted(shown, key=lambda item: item[0])],
        nodes=nodes,
    )


def expand_aliases(parsed):
    """Attach an Expansion to each unit of ``parsed`` that names an actor or a
    place; bare words that together make a name ("Vladimir Putin") become one
    unit.  Two queries, none for a query without words."""
    names = _Names(_candidate_forms(parsed))
    if not names.by_form:
        return
    groups, index = [], 0
    while index < len(parsed.groups):
        merged = _merge_name(parsed.groups, index, names)
        if merged is not None:
            unit, length = merged
            groups.append([unit])
            index += length
            continue
        for unit in parsed.groups[index]:
            _expand_unit(unit, names)
        groups.append(parsed.groups[index])
        index += 1
    parsed.groups = groups
    for unit in parsed.excluded:
        _expand_unit(unit, names)
    _note_names_excluded_from_themselves(parsed)


def _note_names_excluded_from_themselves(parsed):
    """A note for each excluded name that every option of a searched group
    also names ("Kyiv -Kiev"): each finds the other's spellings, so nothing
    can match, though a reader may have meant to leave out one spelling."""
    for excluded in parsed.excluded:
        if excluded.expansion is None:
            continue
        excluded_entities = _entity_keys(excluded)
        for group in parsed.groups:
            if all(_entity_keys(unit) & excluded_entities for unit in group):
                (name, *_) = excluded.expansion.entities
                parsed.notes.append(
                    f"“{excluded.typed}” is a name of {name}, which is searched in every "
                    "spelling, so leaving it out leaves nothing: search only what you "
                    "typed to leave out one spelling."
                )
                break


def _entity_keys(unit):
    if unit.expansion is None:
        return set()
    return {(type(entity), entity.pk) for entity in unit.expansion.entities}


def _merge_name(groups, start, names):
    """A unit for the longest run of bare words from ``start`` that is a name."""
    for length in range(MAX_NAME_WORDS, 1, -1):
        units = _bare_run(groups, start, length)
        if not units:
            continue
        typed, tokens = _run_forms(units)
        forms = _forms(typed, tokens)
        aliases = names.lookup(typed, forms)
        if aliases:
            unit = Unit(typed=typed, tokens=tokens, kind="phrase")
            unit.expansion = _expansion(forms, aliases)
            return unit, length
    return None


def _expand_unit(unit, names):
    if unit.kind == "prefix":
        return
    forms = _forms(unit.typed, unit.tokens)
    aliases = names.lookup(unit.typed, forms)
    if aliases:
        unit.expansion = _expansion(forms, aliases)
