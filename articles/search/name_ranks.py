"""A name ranked as one term, whichever of its spellings an article uses.

bm25 weighs each word of the query by its own rarity, so a name's rare
spelling counted for more than its usual one: on the development corpus
(1,162 real articles, SQLite) the ten best of "Kyiv" were Kremlin readouts
spelling it "Kiev", which a third as many articles use; and a name in more
than half of the articles weighs nothing at all in FTS5 (its idf is floored
at 10⁻⁶), so any other spelling outweighed it; PostgreSQL's ts_rank_cd, which
counts no rarity, grew with a text's length instead and put the Kremlin's
transcripts first for "Putin".  A group of the query that
names gazetteer entities is therefore scored here, by BM25 with the
entity's mentions as the term's frequency (counted by the linker over every
spelling, kept by imports, edits and merges) and the entity's articles for
its rarity (the kept month counts): one term, one weight.  A name in the
headline counts as the headline's weight of mentions, as bm25's column
weights count a word there.  SQLite adds the score to bm25 of the rest of
the query, PostgreSQL multiplies ts_rank_cd of the rest by it.

The score depends on the article and the archive only, never on which other
articles matched, so that the page (which ranks the newest matches) and the
exports (which rank them all) order any two articles alike.
"""

import math
from dataclasses import dataclass

from django.db.models import Q, Sum

from ..models import ActorMention, LocationMention, MonthCount
from ..month_counts import ACTOR, ARCHIVE, LOCATION

# FTS5's bm25 constants, which the rest of the query is ranked with.
K1, B = 1.2, 0.75
# The length a text is weighed against: the mean of the development
# corpus's three publishers (645 words), where FTS5 uses its own index's
# mean, which a page could not read without a statement.
AVERAGE_WORDS = 650.0
# A name in the headline counts as this many mentions, as SQLite's bm25
# weighs a word there (sqlite.COLUMN_WEIGHTS).
HEADLINE_MENTIONS = 10
# Keyed by the kinds' values: a choice hashes by its member's name, not its value.
MENTIONS = {"actor": (ActorMention, ACTOR.value), "location": (LocationMention, LOCATION.value)}


@dataclass(frozen=True)
class NamedGroup:
    """A group of the query that names actors or places: its position among
    the groups, its entities ``{model name: [ids]}`` and its weight (idf)."""

    index: int
    entities: dict
    weight: float

    def score(self, mentions, headlined, words):
        """The group's BM25 score in an article of ``words`` words naming it
        ``mentions`` times (at least one: the article matched it), in its
        headline or not, computed as ``score_sql`` computes it."""
        frequency = max(1, mentions) + (HEADLINE_MENTIONS - 1 if headlined else 0)
        saturation = K1 * (1 - B + B * words / AVERAGE_WORDS)
        return self.weight * (K1 + 1) * (1 - saturation / (frequency + saturation))


def naming_groups(parsed):
    """``{group index: {model name: [entity ids]}}`` of the query's groups
    whose every alternative names actors or places of the gazetteer (a
    prefix never)."""
    found = {}
    for index, group in enumerate(parsed.groups):
        if all(u.kind != "prefix" and u.expansion and u.expansion.entities for u in group):
            entities = {}
            for entity in (entity for unit in group for entity in unit.expansion.entities):
                ids = entities.setdefault(entity._meta.model_name, [])
                if entity.pk not in ids:
                    ids.append(entity.pk)
            found[index] = entities
    return found


def named_groups(parsed, using):
    """The ``naming_groups``, each weighed by the articles of its most named
    entity among the archive's published articles, with Lucene's idf, which
    stays above zero however common the name: one statement, none when no
    group names one."""
    found = naming_groups(parsed)
    if not found:
        return []
    wanted = Q(kind=ARCHIVE.value, entity_id=0)
    for entities in found.values():
        for name, ids in entities.items():
            wanted |= Q(kind=MENTIONS[name][1], entity_id__in=ids)
    rows = (
        MonthCount.objects.using(using)
        .filter(wanted)
        .values_list("kind", "entity_id")
        .annotate(n=Sum("articles"))
        .order_by()
    )
    articles = {(kind, entity_id): n for kind, entity_id, n in rows}
    archive = articles.pop((ARCHIVE.value, 0), 0)
    groups = []
    for index, entities in found.items():
        named = max(
            articles.get((MENTIONS[name][1], pk), 0) for name, ids in entities.items() for pk in ids
        )
        total = max(archive, named)
        weight = math.log(1 + (total - named + 0.5) / (named + 0.5))
        groups.append(NamedGroup(index, entities, weight))
    return groups


def unnamed_nodes(parsed, groups):
    """The ranking nodes of the query's groups that name no actor or place."""
    named = {group.index for group in groups}
    return [node for index, node in enumerate(parsed.ranking_nodes()) if index not in named]


def mentions_sql(group, article_column):
    """SQL of the mentions of ``group``'s entities in the article whose id
    is ``article_column``, 0 when none."""
    return " + ".join(
        f"coalesce((SELECT sum(count) FROM {MENTIONS[name][0]._meta.db_table} "
        f"WHERE article_id = {article_column} AND {name}_id IN "
        f"({', '.join(str(int(pk)) for pk in ids)})), 0)"
        for name, ids in group.entities.items()
    )


def score_sql(group, mentions, headlined, words, greater):
    """``NamedGroup.score`` in SQL, the same floating-point steps: of
    ``mentions`` and ``words`` (SQL of integers), ``headlined`` (an SQL
    condition) and ``greater``, the database's function of the greater of
    two values."""
    extra = f"CASE WHEN {headlined} THEN {HEADLINE_MENTIONS - 1} ELSE 0 END"
    frequency = f"({greater}(1, {mentions}) + {extra})"
    saturation = f"({K1!r} * ({1 - B!r} + {B!r} * {words} / {AVERAGE_WORDS!r}))"
    return f"{group.weight!r} * {K1 + 1!r} * (1 - {saturation} / ({frequency} + {saturation}))"


def mention_counts(using, group, article_ids):
    """``{article id: mentions of the group's entities}`` in ``article_ids``
    (an ``IdList``)."""
    counts = {}
    for name, ids in group.entities.items():
        model = MENTIONS[name][0]
        rows = model.objects.using(using).filter(
            **{f"{name}_id__in": ids}, article_id__in=article_ids
        )
        for article_id, count in rows.order_by().values_list("article_id", "count"):
            counts[article_id] = counts.get(article_id, 0) + count
    return counts
