"""A small archive built through the ORM for the search and page tests: a few
gazetteer entries with their aliases, sources, and articles in English,
Ukrainian and Russian with mentions, chosen so that each search feature has an
article that should match and one that should not."""

import datetime
from dataclasses import dataclass

from articles import month_counts
from articles.models import (
    Actor,
    ActorAlias,
    ActorMention,
    Alias,
    Article,
    Language,
    Location,
    LocationAlias,
    LocationMention,
    Source,
)


@dataclass
class Corpus:
    sources: dict
    actors: dict
    locations: dict
    articles: dict  # key -> Article

    def slugs(self, *keys):
        return {self.articles[key].slug for key in keys}


ALIASES = {
    "kyiv": (
        "Kyiv",
        "city",
        [
            ("Kiev", "transliteration"),
            ("Київ", "translation"),
            ("Киев", "translation"),
            ("Києві", "inflection"),
        ],
    ),
    "kharkiv": (
        "Kharkiv",
        "city",
        [("Kharkov", "transliteration"), ("Харків", "translation"), ("Харьков", "translation")],
    ),
    "pokrovsk": ("Pokrovsk", "city", [("Покровськ", "translation")]),
    "kupiansk": ("Kupiansk", "city", [("Kupyansk", "spelling")]),
}
ACTORS = {
    "putin": (
        "Vladimir Putin",
        "person",
        [
            ("Putin", "spelling"),
            ("Путин", "translation"),
            ("Путін", "translation"),
            ("Путина", "inflection"),
        ],
    ),
    "isw": ("Institute for the Study of War", "organisation", [("ISW", "abbreviation")]),
    "usa": ("United States", "state", [("US", "abbreviation"), ("USA", "abbreviation")]),
}

# key: (title, lede, body, language, source key, published, actors, locations)
ARTICLES = {
    "retreat": (
        "Russian forces retreat from the Kharkiv region",
        "A rapid counteroffensive pushed Russian troops back.",
        "Ukrainian units advanced quickly. The retreating Russian forces left equipment behind "
        "near Kharkov, according to the Institute for the Study of War.\n\n"
        "HIMARS strikes on depots had prepared the ground.",
        Language.ENGLISH,
        "isw",
        datetime.date(2022, 9, 12),
        {"putin": 1, "isw": 2},
        {"kharkiv": 3},
    ),
    "s300": (
        "Air defence over the capital",
        "",
        "The S-300 batteries around Kyiv fired through the night, while Su-34 bombers struck "
        "targets further east.\n\nOfficials in Kyiv said the S-300 systems were ageing.",
        Language.ENGLISH,
        "times",
        datetime.date(2023, 1, 15),
        {},
        {"kyiv": 2},
    ),
    "kiev_spelling": (
        "Kiev under fire again",
        "The old spelling survives in some reports.",
        "Residents of Kiev sheltered in metro stations as the strikes continued. "
        "Kupyansk was also shelled.",
        Language.ENGLISH,
        "times",
        datetime.date(2023, 3, 2),
        {},
        {"kyiv": 1, "kupiansk": 1},
    ),
    "ukrainian": (
        "Удар по Києву",
        "",
        "Уночі Київ атакували шахеди. Сили ППО збили більшість дронів над Києвом.",
        Language.UKRAINIAN,
        "pravda",
        datetime.date(2023, 5, 8),
        {},
        {"kyiv": 2},
    ),
    "russian": (
        "Отступление из-под Харькова",
        "",
        "Путин не комментировал отступления российских войск. Аналитики ISW называют это "
        "поражением.",
        Language.RUSSIAN,
        "meduza",
        datetime.date(2022, 9, 14),
        {"putin": 1, "isw": 1},
        {"kharkiv": 1},
    ),
    "weapons": (
        "What the new deliveries change",
        "F-16s, shells and the drones they must stop.",
        "The first F-16 jets arrived with stocks of 155-mm shells. Russia answered with "
        "Kh-101 cruise missiles and Shahed-136 drones launched at Kharkiv.",
        Language.ENGLISH,
        "isw",
        datetime.date(2024, 8, 4),
        {},
        {"kharkiv": 1},
    ),
    "pokrovsk_headline": (
        "Pokrovsk: the battle for a logistics hub",
        "Russian forces close in on the town.",
        "Analysts expect the fighting to last months. Negotiations are not in sight.",
        Language.ENGLISH,
        "isw",
        datetime.date(2024, 11, 20),
        {"putin": 1},
        {"pokrovsk": 3},
    ),
    "pokrovsk_body": (
        "Donetsk front: a weekly summary",
        "",
        "Fighting continued near Pokrovsk and Kupiansk. Putin again spoke of negotiating "
        "from strength.",
        Language.ENGLISH,
        "times",
        datetime.date(2024, 11, 25),
        {"putin": 1},
        {"pokrovsk": 1, "kupiansk": 1},
    ),
    "scattered": (
        "Study of the war economy",
        "",
        "An institute in Kyiv published a study for the ministry about war financing.",
        Language.ENGLISH,
        "pravda",
        None,
        {},
        {"kyiv": 1},
    ),
    "us_pronoun": (
        "Let us talk about drones",
        "",
        "A talk show host explains drone warfare to us all.",
        Language.ENGLISH,
        "times",
        datetime.date(2021, 6, 1),
        {},
        {},
    ),
    "united_states": (
        "The US weighs more aid",
        "",
        "Washington debates a new package for the United States army. The US Congress is divided.",
        Language.ENGLISH,
        "times",
        datetime.date(2024, 2, 10),
        {"usa": 2},
        {},
    ),
}

DRAFT = (
    "Unpublished draft about Kyiv retreat",
    "Kyiv Pokrovsk S-300 HIMARS Kharkiv",
)


def _entity(model, alias_model, slug, name, kind, aliases):
    entity = model.objects.create(slug=slug, name=name, kind=kind)
    alias_model.objects.create(entity=entity, name=name, kind=Alias.Kind.NAME)
    for alias, alias_kind in aliases:
        alias_model.objects.create(
            entity=entity, name=alias, kind=alias_kind, case_sensitive=alias.isupper()
        )
    return entity


def build_corpus():
    sources = {
        "isw": Source.objects.create(
            name="Institute for the Study of War",
            slug="isw",
            kind=Source.Kind.THINK_TANK,
            country="United States",
        ),
        "times": Source.objects.create(
            name="The Times", slug="the-times", kind=Source.Kind.NEWS_OUTLET
        ),
        "pravda": Source.objects.create(
            name="Ukrainska Pravda", slug="ukrainska-pravda", language=Language.UKRAINIAN
        ),
        "meduza": Source.objects.create(name="Meduza", slug="meduza", language=Language.RUSSIAN),
    }
    locations = {
        slug: _entity(Location, LocationAlias, slug, name, kind, aliases)
        for slug, (name, kind, aliases) in ALIASES.items()
    }
    actors = {
        key: _entity(Actor, ActorAlias, key, name, kind, aliases)
        for key, (name, kind, aliases) in ACTORS.items()
    }
    articles = {}
    for key, (title, lede, body, language, source, published, mentions, places) in ARTICLES.items():
        article = Article.objects.create(
            title=title,
            lede=lede,
            body=body,
            language=language,
            source=sources[source],
            published=published,
        )
        for actor, count in mentions.items():
            ActorMention.objects.create(article=article, actor=actors[actor], count=count)
        for place, count in places.items():
            LocationMention.objects.create(article=article, location=locations[place], count=count)
        articles[key] = article
    draft = Article.objects.create(
        title=DRAFT[0],
        body=DRAFT[1],
        status=Article.Status.DRAFT,
        source=sources["isw"],
        published=datetime.date(2024, 12, 1),
    )
    LocationMention.objects.create(article=draft, location=locations["kyiv"], count=5)
    ActorMention.objects.create(article=draft, actor=actors["putin"], count=5)
    articles["draft"] = draft
    month_counts.add_articles([article.pk for article in articles.values()])
    return Corpus(sources, actors, locations, articles)
