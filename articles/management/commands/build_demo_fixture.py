"""Write the demo archive as a Django fixture: ``make demo-fixture``.

The fixture is what importing ``fixtures/corpus/`` into a fresh database with
the gazetteer gives: sources (with their other names), articles, their
mentions (of actors, places and outlets), the suggestions, the month counts,
the vocabulary (for "did you mean" and word forms), and the actors and
locations the mentions reference (with their aliases, not-a-mention phrases
and parent locations), with the primary keys a fresh database gives them.  Load it
into an empty database with ``manage.py loaddata demo``.

Run it on a database that holds only that import (the make target builds a
throw-away one).  Timestamps are set to one fixed moment so that building the
fixture again changes the file only when the import's result changes;
``tests/test_import_demo_fixture.py`` fails when they drift apart.
"""

import datetime
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand

from articles.models import (
    Actor,
    ActorAlias,
    ActorMention,
    ActorNonMention,
    ArchiveWord,
    Article,
    Location,
    LocationAlias,
    LocationMention,
    LocationNonMention,
    MonthCount,
    Source,
    SourceAlias,
    SourceMention,
    Suggestion,
)

BUILT = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)


def demo_objects():
    """Every object of the demo archive, in an order loaddata accepts."""
    articles = list(Article.objects.order_by("pk"))
    actor_mentions = list(ActorMention.objects.order_by("pk"))
    location_mentions = list(LocationMention.objects.order_by("pk"))
    actor_ids = {mention.actor_id for mention in actor_mentions}
    location_ids = {mention.location_id for mention in location_mentions}
    parents = set(location_ids)
    while parents:
        parents = (
            set(
                Location.objects.filter(pk__in=parents, parent__isnull=False).values_list(
                    "parent_id", flat=True
                )
            )
            - location_ids
        )
        location_ids |= parents
    locations = {location.pk: location for location in Location.objects.filter(pk__in=location_ids)}

    def depth(location):
        return 0 if location.parent_id is None else 1 + depth(locations[location.parent_id])

    for article in articles:
        article.created = article.updated = BUILT
    suggestions = list(Suggestion.objects.order_by("pk"))
    for suggestion in suggestions:
        suggestion.created = suggestion.updated = BUILT
    return [
        *Source.objects.order_by("pk"),
        *SourceAlias.objects.order_by("pk"),
        *Actor.objects.filter(pk__in=actor_ids).order_by("pk"),
        *ActorAlias.objects.filter(entity_id__in=actor_ids).order_by("pk"),
        *ActorNonMention.objects.filter(entity_id__in=actor_ids).order_by("pk"),
        *sorted(locations.values(), key=lambda location: (depth(location), location.pk)),
        *LocationAlias.objects.filter(entity_id__in=location_ids).order_by("pk"),
        *LocationNonMention.objects.filter(entity_id__in=location_ids).order_by("pk"),
        *articles,
        *actor_mentions,
        *location_mentions,
        *SourceMention.objects.order_by("pk"),
        *suggestions,
        *MonthCount.objects.order_by("kind", "entity_id", "month", "language"),
        *ArchiveWord.objects.order_by("pk"),
    ]


class Command(BaseCommand):
    help = "Write the demo archive (this database's import of the seed corpus) as a fixture."

    def add_arguments(self, parser):
        parser.add_argument(
            "--out", default=str(Path(settings.BASE_DIR) / "fixtures" / "demo.json")
        )

    def handle(self, out, **options):
        objects = demo_objects()
        text = serializers.serialize("json", objects, indent=1, ensure_ascii=False)
        Path(out).write_text(text + "\n", encoding="utf-8")
        self.stdout.write(f"{len(objects)} objects written to {out}.")
