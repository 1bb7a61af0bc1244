"""A synthetic corpus of war-analysis articles, for benchmarks and load tests.

Realistic where it matters to the import and to search:

* a long-tailed vocabulary: a few hundred common words of analysis plus tens
  of thousands of rare made-up words, drawn with Zipf's law, so that search
  meets very common, medium and very rare terms;
* headlines, optional ledes, 3 to 25 paragraphs (median near 500 words);
* sources (a few big, many small), authors, URLs, tags;
* dates over four years from 24 February 2022, denser in the first year;
* mentions of the gazetteer's actors and places in Zipf proportions (a few
  very common, most rare), by their names, aliases and possessives, and in
  Cyrillic (inflected forms included) in the Ukrainian and Russian articles;
* names the gazetteer does not know (made-up people and bodies), so that the
  import has suggestions to collect; and now and then a line of site
  furniture for the cleaning to remove.

Article ``n`` of seed ``s`` depends only on ``(s, n)``: the same command
gives the same corpus, byte for byte, however it is split into files.
"""

import bisect
import datetime
import itertools
import json
import random
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.utils.text import slugify

START = datetime.date(2022, 2, 24)
DAYS = 4 * 365


def _words(text):
    return text.split()


COMMON_WORDS = _words(
    """the of and to in a that is for on as with was by it are from at be this has have not its
an his but or which were their said they will would been had more than after war forces
front attack strikes troops offensive defence defense air missile drone drones artillery
military political analysts report analysis according officials city region government
president minister talks negotiations ceasefire peace sanctions support aid weapons
ammunition line positions advance withdrawal losses pressure escalation threat security
allies western intelligence operation campaign battle control territory occupied
civilian civilians infrastructure energy grid ports grain economy budget oil gas exports
counteroffensive reserves mobilisation recruitment brigades units battalion commanders
command staff logistics supply routes bridge river bank villages towns settlements
shelling bombardment missiles interceptors systems launchers tanks armoured vehicles
equipment production industry factories diplomacy summit statement spokesperson ministry
claims propaganda information narrative media sources evidence satellite images footage
days weeks months year years spring summer autumn winter night morning since during
before while however despite although because therefore likely unlikely significant
major new key important strategic tactical operational limited heavy large small long
short early late first second third several many most some few other another both each
every all any no only also even still already again further possible continue continued
continues remain remains remained expect expected show shows showed suggest suggests
suggested claim claimed warn warned says say told added noted believes argue argued
assess assessed assessment"""
)

FIRST_NAMES = _words(
    """Olena Oleksandr Iryna Andrii Natalia Serhii Tetiana Dmytro Kateryna Mykhailo Yulia
Bohdan Oksana Taras Halyna Yurii Marta Vasyl Larysa Roman Anna Pavlo Sofia Ihor James
Sarah Michael Emma Thomas Anna Lukas Marie Piotr Agnieszka Jonas Ingrid Mark Helen"""
)
LAST_NAMES = _words(
    """Kovalenko Shevchuk Bondarenko Tkachenko Kravchenko Oliinyk Melnyk Polishchuk Marchenko
Savchenko Rudenko Moroz Lysenko Hnatiuk Zinchenko Karpenko Pavlenko Danylchuk Harrison
Whitfield Brennan Novak Kowalski Lindqvist Hartmann Moreau Dubois Fischer"""
)
BODIES = """Centre for Eastern Defence Studies|Black Sea Maritime Monitor|Kharkiv Civic Coalition
|Institute of Frontline Economics|Eastern Logistics Command|Volunteer Drone Initiative
|Council for Energy Resilience|Danube Shipping Authority|Steppe Reconstruction Fund
|Northern Operational Group|Carpathian Policy Forum|Transcaucasus Research Network""".replace(
    "\n", ""
).split("|")
SOURCES = [
    ("Institute for the Study of War", "understandingwar.org"),
    ("The Kyiv Independent", "kyivindependent.com"),
    ("Ukrainska Pravda", "pravda.com.ua"),
    ("The Brussels Times", "brusselstimes.com"),
    ("Meduza", "meduza.io"),
    ("Royal United Services Institute", "rusi.org"),
    ("Chatham House", "chathamhouse.org"),
    ("Carnegie Endowment for International Peace", "carnegieendowment.org"),
    ("Kyiv Post", "kyivpost.com"),
    ("Daycom", "daycom.example"),
    ("Frontline Review", "frontline-review.example"),
    ("Eastern Europe Monitor", "ee-monitor.example"),
    ("Black Sea Security Bulletin", "bssb.example"),
    ("Baltic Defence Letter", "bdl.example"),
    ("Steppe Analytics", "steppe-analytics.example"),
    ("Donbas Dispatch", "donbas-dispatch.example"),
    ("Warsaw Strategy Notes", "wsn.example"),
    ("Nordic Security Review", "nsr.example"),
    ("Caucasus Watch", "caucasus-watch.example"),
    ("Danube Policy Brief", "dpb.example"),
]
TAGS = _words(
    """frontline air-defence diplomacy sanctions energy economy occupation drones navy
mobilisation reconstruction war-crimes negotiations logistics intelligence"""
)
FURNITURE = ["2 min to read", "Related News", "Advertisement", "post-img"]
UK_WORDS = _words(
    """і в на що не з до як це за але від про так вже війна фронт удари ракети дрони армія сили
оборона наступ переговори позиції місто область країна уряд президент заява аналітики
звіт загроза підтримка союзники тиск втрати тижні місяці ніч ранок"""
)
RU_WORDS = _words(
    """и в на что не с до как это за но от о так уже война фронт удары ракеты дроны армия силы
оборона наступление переговоры позиции город область страна правительство президент
заявление аналитики доклад угроза поддержка союзники давление потери"""
)


def _zipf_weights(n, exponent=1.07):
    return list(itertools.accumulate(1 / (rank**exponent) for rank in range(1, n + 1)))


def _tail_words(count, seed=20220224):
    """Made-up words, deterministic, for the vocabulary's long tail."""
    rng = random.Random(seed)
    onsets = _words("b br d dr h k kr l m n p pr r s st sh t tr v z zh ch")
    vowels = _words("a e i o u ia io ei ou")
    codas = ["", "", "n", "r", "s", "k", "l", "sk", "v", "nt"]
    words, seen = [], set(COMMON_WORDS)
    while len(words) < count:
        word = "".join(
            rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas)
            for _ in range(rng.choice((1, 2, 2, 2, 3)))
        )
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


class CorpusGenerator:
    """Generates article ``n`` of a corpus seeded by ``seed`` as a dict of the
    import's fields."""

    def __init__(self, seed, gazetteer_path=None, tail_words=40000):
        self.seed = seed
        path = Path(gazetteer_path or settings.BASE_DIR / "fixtures" / "gazetteer.json")
        data = json.loads(path.read_text(encoding="utf-8"))
        # The gazetteer lists the most prominent entries first: that order is
        # the Zipf rank, so Russia, Ukraine, Putin and Kyiv are very common and
        # most villages rare.
        actors, locations = data.get("actors", []), data.get("locations", [])
        entries = [
            (kind, entry)
            for pair in itertools.zip_longest(actors, locations)
            for kind, entry in zip(("actor", "location"), pair, strict=True)
            if entry
        ]
        self.entities = [self._names(entry) for _, entry in entries]
        # (kind, slug) of each entity: what an article names, for ``mentions``.
        self.entity_keys = [(kind, entry["slug"]) for kind, entry in entries]
        self.entity_weights = _zipf_weights(len(self.entities), 1.2)
        english = COMMON_WORDS + _tail_words(tail_words)
        self.vocabularies = {
            language: (words, _zipf_weights(len(words)))
            for language, words in (("en", english), ("uk", UK_WORDS), ("ru", RU_WORDS))
        }
        self.people = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
        self.people_weights = _zipf_weights(len(self.people), 1.3)
        self.source_weights = _zipf_weights(len(SOURCES), 1.1)
        # The war's first year was the most written about.
        self.day_weights = list(itertools.accumulate(3 if day < 365 else 1 for day in range(DAYS)))

    @staticmethod
    def _names(entry):
        latin, cyrillic = [entry["name"]], []
        for alias in entry.get("aliases", []):
            name = alias if isinstance(alias, str) else alias["name"]
            if isinstance(alias, dict) and alias.get("case_sensitive"):
                continue
            (cyrillic if any("\u0400" <= ch <= "\u04ff" for ch in name) else latin).append(name)
        return latin, cyrillic

    def _pick(self, rng, population, weights, k=1):
        total = weights[-1]
        return [population[bisect.bisect(weights, rng.random() * total)] for _ in range(k)]

    def _sentence(self, rng, cast, language, named):
        words, weights = self.vocabularies[language]
        tokens = self._pick(rng, words, weights, rng.randint(8, 28))
        for _ in range(rng.choice((0, 1, 1, 2))):
            index = rng.choice(cast)
            named[index] += 1
            latin, cyrillic = self.entities[index]
            names = cyrillic if language != "en" and cyrillic else latin
            name = rng.choice(names) if rng.random() < 0.4 else names[0]
            if language == "en" and rng.random() < 0.15:
                name += rng.choice(("'s", "’s"))
            tokens.insert(rng.randint(0, len(tokens)), name)
        if language == "en" and rng.random() < 0.08:
            person = self._pick(rng, self.people, self.people_weights)[0]
            tokens[rng.randint(0, len(tokens) - 1) :] = [person, rng.choice(("said", "warned"))]
        if language == "en" and rng.random() < 0.03:
            tokens.insert(rng.randint(0, len(tokens)), rng.choice(BODIES))
        text = " ".join(tokens)
        return text[0].upper() + text[1:] + rng.choice(".....?")

    def article(self, n):
        return self.article_and_mentions(n)[0]

    def article_and_mentions(self, n):
        """Article ``n`` and how often it names each gazetteer entry, as
        ``{(kind, slug): count}``: the mentions an import would link."""
        rng = random.Random(f"{self.seed}:{n}")
        named = Counter()
        roll = rng.random()
        language = "en" if roll < 0.85 else ("uk" if roll < 0.95 else "ru")
        cast = [
            bisect.bisect(self.entity_weights, rng.random() * self.entity_weights[-1])
            for _ in range(rng.randint(2, 9))
        ]
        paragraphs = []
        for _ in range(max(3, min(25, int(rng.lognormvariate(2.0, 0.5))))):
            sentences = [
                self._sentence(rng, cast, language, named) for _ in range(rng.randint(2, 6))
            ]
            paragraphs.append(" ".join(sentences))
        if rng.random() < 0.05:
            paragraphs.insert(rng.randint(0, len(paragraphs)), rng.choice(FURNITURE))
        headline = self._sentence(rng, cast[:1], language, named).rstrip(".?")
        if len(headline) > 110:
            headline = headline[:110].rsplit(" ", 1)[0]
        source, domain = self._pick(rng, SOURCES, self.source_weights)[0]
        day = START + datetime.timedelta(
            days=bisect.bisect(self.day_weights, rng.random() * self.day_weights[-1])
        )
        record = {
            "title": headline,
            "body": "\n\n".join(paragraphs),
            "source": source,
            "authors": self._pick(rng, self.people, self.people_weights, rng.choice((0, 1, 1, 2))),
            "url": f"https://{domain}/{day:%Y/%m/%d}/{slugify(headline)[:60]}-{n}",
            "published": day.isoformat(),
            "language": language,
            "tags": rng.sample(TAGS, rng.randint(0, 3)),
            "generated": True,
        }
        if rng.random() < 0.5:
            record["lede"] = self._sentence(rng, cast, language, named)
        mentions = Counter()
        for index, count in named.items():
            mentions[self.entity_keys[index]] += count
        return record, mentions


def write_corpus(out, count, seed, *, per_file=10000, start=0):
    """Write articles ``start`` to ``start + count - 1`` of seed ``seed`` as JSON
    Lines files in ``out``; returns the paths written."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    generator = CorpusGenerator(seed)
    paths = []
    for first in range(start, start + count, per_file):
        path = out / f"articles-{seed}-{first // per_file + 1:05d}.jsonl"
        with open(path, "w", encoding="utf-8") as handle:
            for n in range(first, min(first + per_file, start + count)):
                handle.write(json.dumps(generator.article(n), ensure_ascii=False) + "\n")
        paths.append(path)
    return paths
