"""A name ranked as one term, whichever of its spellings an article uses.

bm25 weighs each word of the query by its own rarity, so a name's rare
spelling counted for more than its usual one: on the development corpus
(1,162 real articles, SQLite) the ten best of "Kyiv" were Kremlin readouts
spelling it "Kiev", which a third as many articles use; and a name in more
than half of the articles weighs nothing at all in FTS5 (its idf is floored
at 10⁻⁶), so any other spelling outweighed it.  A group of the query that
names gazetteer entities is therefore scored here, by BM25 with the
entity's mentions as the term's frequency (counted by the linker over every
spelling, kept by imports, edits and merges) and the entity's articles for
its rarity (the kept month counts): one term, one weight.  A name in the
headline counts as the headline's weight of mentions, as bm25's column
weights count a word there.

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
# The length a text's is weighed against: the mean of the development
# corpus's three publishers (645 words), where FTS5 uses its own index's
# mean, which a page could not read without a statement.
AVERAGE_WORDS = 650.0
# Keyed by the kinds' values: a choice hashes by its member's name, not its value.
MENTIONS = {"actor": (ActorMention, ACTOR.value), "location": (LocationMention, LOCATION.value)}


@dataclass(frozen=True)
class NamedGroup:
    """A group of the query that names actors or places: its position among
    the groups, its entities ``{model name: [ids]}`` and its weight (idf)."""

    index: int
    entities: dict
    weight: float

    def score(self, mentions, headlined, words, headline_weight):
        """The group's BM25 score in an article of ``words`` words naming it
        ``mentions`` times (at least one: the article matched it), in its
        headline or not.  Written as the SQL of the engines computes it."""
        frequency = max(1, mentions) + (headline_weight - 1 if headlined else 0)
        saturation = K1 * (1 - B + B * words / AVERAGE_WORDS)
        return self.weight * (K1 + 1) * (1 - saturation / (frequency + saturation))


def named_groups(parsed, using):
    """The query's groups whose every alternative names actors or places of
    the gazetteer (a prefix never), each weighed by the articles of its most
    named entity among the archive's published articles, with Lucene's idf,
    which stays above zero however common the name: one statement, none
    when no group names one."""
    found = {}
    for index, group in enumerate(parsed.groups):
        if all(u.kind != "prefix" and u.expansion and u.expansion.entities for u in group):
            entities = {}
            for entity in (entity for unit in group for entity in unit.expansion.entities):
                ids = entities.setdefault(entity._meta.model_name, [])
                if entity.pk not in ids:
                    ids.append(entity.pk)
            found[index] = entities
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


def mention_counts(using, group, article_ids):
    """``{article id: mentions of the group's entities}`` in ``article_ids``
    (an ``IdList``)."""
    counts = {}
    for name, ids in group.entities.items():
        model = MENTIONS[name][0]
        rows = model.objects.using(using).filter(
            **{f"{name}_id__in": ids}, article_id__in=article_ids
        )
        for article_id, count in rows.values_list("article_id", "count"):
            counts[article_id] = counts.get(article_id, 0) + count
    return counts
