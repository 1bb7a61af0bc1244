"""Synthetic articles for benchmarks and the load test: plausible English
analysis that names the gazetteer's actors and places, with the mentions those
names give, written in bulk.  Never used on a real archive: ``synthesize``
refuses a database that already holds articles."""

import datetime
import random

from .models import Actor, ActorMention, Article, Location, LocationMention, Source

SENTENCES = [
    "{actor} said that {place} would not be given up whatever the cost.",
    "Overnight, drones and missiles struck energy facilities near {place}.",
    "Analysts at the institute expect {actor} to press the offensive towards {place}.",
    "Air defence units around {place} reported shooting down most of the incoming drones.",
    "{actor} met officials in {place} to discuss reserves, logistics and morale.",
    "Satellite images show new fortifications along the road from {place} to {other}.",
    "The front line near {place} barely moved, but both sides lost armour and men.",
    "According to {actor}, sanctions have not stopped the supply of components.",
    "Shelling of {place} continued while talks about a ceasefire stalled again.",
    "{actor} warned that the coming winter would test the grid around {other}.",
]
SOURCES = [
    "Institute for the Study of War",
    "Royal United Services Institute",
    "Carnegie Endowment",
    "Kyiv Independent",
    "Meduza",
    "Ukrainska Pravda",
]
FIRST_DAY = datetime.date(2022, 2, 24)


def synthesize(count, *, seed=0, batch_size=1000):
    """Write ``count`` published articles of about 300 words, each naming three
    actors and three places of the gazetteer (which must be loaded)."""
    if Article.objects.exists():
        raise ValueError("synthesize needs a database without articles.")
    actors = list(Actor.objects.values_list("pk", "name"))
    places = list(Location.objects.values_list("pk", "name"))
    if not actors or not places:
        raise ValueError("synthesize needs the gazetteer: run load_gazetteer first.")
    sources = [Source.objects.get_or_create(name=name)[0] for name in SOURCES]
    rng = random.Random(seed)
    for start in range(0, count, batch_size):
        drafts = [
            _draft(n, rng, actors, places, sources)
            for n in range(start, min(start + batch_size, count))
        ]
        articles = Article.objects.bulk_create(article for article, _, _ in drafts)
        ActorMention.objects.bulk_create(
            ActorMention(article=article, actor_id=pk, count=n)
            for article, (_, named_actors, _) in zip(articles, drafts, strict=True)
            for pk, n in named_actors.items()
        )
        LocationMention.objects.bulk_create(
            LocationMention(article=article, location_id=pk, count=n)
            for article, (_, _, named_places) in zip(articles, drafts, strict=True)
            for pk, n in named_places.items()
        )


def _draft(n, rng, actors, places, sources):
    chosen_actors = rng.sample(actors, 3)
    chosen_places = rng.sample(places, 3)
    named_actors, named_places = {}, {}
    paragraphs = []
    for _ in range(5):
        sentences = []
        for template in rng.sample(SENTENCES, 6):
            actor = rng.choice(chosen_actors)
            place, other = rng.sample(chosen_places, 2)
            for key, (pk, _), named in [
                ("actor", actor, named_actors),
                ("place", place, named_places),
                ("other", other, named_places),
            ]:
                if "{" + key + "}" in template:
                    named[pk] = named.get(pk, 0) + 1
            sentences.append(template.format(actor=actor[1], place=place[1], other=other[1]))
        paragraphs.append(" ".join(sentences))
    body = "\n\n".join(paragraphs)
    title = f"{chosen_actors[0][1]} and the fight for {chosen_places[0][1]} ({n})"
    article = Article(
        title=title,
        slug=f"synthetic-{n}",
        body=body,
        word_count=len(body.split()),
        content_hash=Article.hash_content(title, body),
        source=sources[n % len(sources)],
        published=FIRST_DAY + datetime.timedelta(days=n % 1000),
        authors=["Synthetic Author"],
        provenance=f"synthetic/{n}",
    )
    return article, named_actors, named_places
