"""A synthetic corpus of war-analysis articles, for tests, benchmarks and load
tests (``manage.py generate_corpus``).  Every name in it is invented.

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

And the tricks of real publishers, each drawn per source from the seed (the
biggest source, a think tank, and the second, a newspaper, have them all):

* a standing notice: a paragraph of 40 to 80 words at the end of most of the
  source's articles, now and then with a number or a time changed or its
  spacing altered, naming a gazetteer place inside a longer proper name
  ("the Odesa Accords"), which is no mention of the place; and a short
  recurring line ("Click here to see the interactive map.");
* house section headings: short lines (2 to 6 words, no final period, such as
  "Key Takeaways" or "Main Effort—Eastern Front") recurring across the
  source's articles as paragraphs of their own;
* bylines: the first line restates the record's authors ("Ann Roe, Bo Lee,
  and Cy Dunn", or "By Ann Roe"), and now and then ``authors`` is missing;
* datelines as the next line ("June 5, 5:15 pm ET") or starting it
  ("KHARKIV, June 5 — ..."), and now and then ``published`` is missing;
* footnote markers ("[12]") after sentences;
* middle initials in the names of the people quoted ("Marta K. Moroz said"),
  in the newspaper, always the same initial a person;
* translation pairs: an article emitted again in Ukrainian (or English) with
  the same ``url`` (or, drawn apart, with the language as the url's first path
  segment), another ``language`` and another text;
* syndicated copies: an article emitted again under another source, with
  another url, its first line changed and a credit line at the end;
* outlets named after places in running text ("the Kherson Ledger
  reported"), which are no mentions of the places;
* what other kinds of publishers wrap around a text, drawn apart so that
  the rest of the corpus stays as it was: a newspaper page's prompts ("Share
  this article", "Related: …", "Updated at 22.02 BST", a paywall prompt) and
  byline ending in a place or role ("By Ann Roe in Kyiv", ", Staff Reporter"),
  a dateline naming only a place ("KHARKIV, Ukraine — "), a promo glued to a
  paragraph's end ("… Read more: Key Points"), a photo credit in brackets,
  a wire's closing credits ("(Reporting by …; Editing by …)") and contributor,
  a newsletter's promo, a labelled web address ("For more news: www.…"), a
  "___" line and a link to more coverage, and in Ukrainian
  and Russian a "Читайте також: …" link and a channel to follow,
  a report's superscript or glued footnote marks ("Svatove.¹", "Bakhmut.3")
  and endnotes citing web addresses ("[1] https://…"), now and then under an
  "Endnotes" heading with the last citing a document, and a press
  release's "FOR IMMEDIATE RELEASE", "###", "About …" section and media
  contacts; now and then endnotes citing documents only, followed by a
  disclaimer and a "Related" block;
* a wire's or news site's marks, drawn apart too: ``published`` with a time
  ("5:30pm ET, June 5, 2024"), a label ("UPDATE — ") or a standfirst before a
  wire's dateline ("KYIV, Jun 5 (Newswire) — "), a promo between two
  sentences ("… READ MORE: Key Points. The …", "Читайте також: …"), the
  outlet naming itself.

With ``traps`` (``generate_corpus --traps``), one article in 25 is instead
one of the ways ranking goes wrong, about invented names whose gazetteer
entries are ``benchmarking/trap_gazetteer.json``, and the generator knows
how relevant each is to the queries of ``TRAP_QUERIES`` (``judgements``):

* a place, Vorskivka, reported on under its usual name, named in passing
  under it in many more, and under a rare spelling (Vorskovka, Vorskivca,
  Ворсківка) once in three-line texts and a few times in readouts of a few
  paragraphs, as the Kremlin's readouts spell Kyiv "Kiev";
* a name with aliases, "Harkan", "Harkan Group", "Harkan PMC", each mention
  of the longer ones matching two of them;
* a minister, Kirvan, in short protocol readouts with the name in the
  headline, and in long analyses of him;
* a word, Kordan (an air-defence system), and a longer word it is a prefix
  of, Kordanic (the adjective of an unrelated coast), which the English
  stemmers cut to the same stem;
* two words typed together, Drewna bridgehead: side by side in the reports
  about it, far apart (and each more often) in articles that name both.

Every record carries ``"generated": true`` and every source's name ends with
" (generated)".  Article ``n`` of seed ``s`` depends only on ``(s, n)``: the
same command gives the same corpus, byte for byte, however it is split into
files; a translation or a copy is article ``n`` made from article ``n - 1``.
"""

import bisect
import datetime
import itertools
import json
import random
import re
import zlib
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

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
GENERATED = " (generated)"
SOURCES = [
    (name + GENERATED, domain)
    for name, domain in [
        ("Institute for Frontline Studies", "frontline-studies.example"),
        ("The Kharkiv Courier", "kharkiv-courier.example"),
        ("Dnipro Evening Ledger", "dnipro-ledger.example"),
        ("Brussels Security Letter", "brussels-letter.example"),
        ("Volga Observer", "volga-observer.example"),
        ("Royal Institute for Defence Analysis", "rida.example"),
        ("Eastern Policy House", "eastern-policy.example"),
        ("Endowment for Black Sea Peace", "bsp-endowment.example"),
        ("Presidential Press Office", "press-office.example"),
        ("Daybreak Analytics", "daybreak.example"),
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
]
TAGS = _words(
    """frontline air-defence diplomacy sanctions energy economy occupation drones navy
mobilisation reconstruction war-crimes negotiations logistics intelligence"""
)
INITIALS = "ABDEFHJKLMNOPRSTVW"
_QUOTED_PERSON = re.compile(r"\b([A-Z][a-z]+) ([A-Z][a-z]+) (said|warned)\b")
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


# The publishers' tricks: the words they are made of.
TREATIES = _words("Accords Conventions Protocol Memorandum Charter Declaration")
NOTICE_SENTENCES = [
    "{source} receives no classified material from any government and relies only on "
    "open sources, including imagery, official statements and the reports of journalists.",
    "Reports of strikes on civilians are recorded in keeping with the {place} {treaty} and "
    "the customary laws of armed conflict.",
    "Maps are updated every day at {time} and may not show the latest changes on the ground.",
    "The authors thank the {number} volunteers who verify footage before it is published.",
    "Readers may reproduce this report with attribution for purposes that are not commercial.",
    "Corrections are published within {number} days and noted at the end of each report.",
    "Assessments of control rely on imagery and statements that cannot always be confirmed.",
    "Nothing in this report should be read as an endorsement of any party to the conflict.",
]
SHORT_LINES = [
    "Click here to see the interactive map.",
    "Click here to subscribe to the daily update.",
    "Click here to read the full timeline.",
    "See the map of the front at the end of this report.",
]
PLAIN_HEADINGS = [
    "Key Takeaways",
    "Key Points",
    "What Comes Next",
    "Daily Outlook",
    "Our Assessment",
    "Further Reading",
    "Inside the Occupied Territories",
    "Activity in the Rear Areas",
]
EFFORTS = ["Main Effort", "Supporting Effort", "Secondary Effort"]
DIRECTIONS = _words("Eastern Southern Northern Western Coastal Central")
AXES = _words("Front Axis Sector Direction")
OBJECTIVES = [
    "objective: hold the line",
    "objective: reach the river",
    "objective: secure the crossings",
    "objective: cut the supply road",
]
OUTLET_NOUNS = _words("Courier Ledger Herald Gazette Chronicle Observer")
OUTLET_VERBS = ["{outlet} reported", "told {outlet}", "according to {outlet}"]
MONTHS = _words(
    "January February March April May June July August September October November December"
)
PAGE_PROMPTS = [
    "Share this article",
    "Subscribe to continue reading. Already a subscriber? Log in",
    "Sign up to the Frontline Weekly email",
]
NEWSLETTER_PROMO = (
    "The Frontline Weekly lands in your inbox every Friday. Not signed up? Subscribe now."
)
LANGUAGE_URL_SHARE = 0.3  # translations at their language's url ("/uk/2024/…")
BYLINE_TAILS = [", Staff Reporter", ", Kyiv correspondent", " in {city}"]
PUBLISHER_MARK_SHARES = {"page": 0.03, "report": 0.03, "release": 0.02}
SUPERSCRIPTS = "¹²³⁴⁵⁶⁷⁸⁹"
# Where a footnote mark may follow: a full stop after a word, not an initial.
_SENTENCE_STOP = re.compile(r"(?<=[^\W\d_]{2})\.(?= )")
SYNDICATION_MARKS = ["UPDATED:", "ANALYSIS:", "From our partners:", "(Republished)"]
# One article in 20 is a copy of the one before: 3 in 5 of those a translation.
COPY_SHARE = 0.05
# Scraped texts: the share left in HTML, and in the wrong encoding ("â€“").
SCRAPED_HTML_SHARE = 0.005
MOJIBAKE_SHARE = 0.005
CYRILLIC_MONTHS = {
    "uk": _words(
        "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня"
    ),
    "ru": _words(
        "января февраля марта апреля мая июня июля августа сентября октября ноября декабря"
    ),
}
CYRILLIC_CAPITALS = {"uk": "Київ", "ru": "Москва"}
CYRILLIC_PAGE_SHARE = 0.05
# A wire's or a news site's marks (see _add_wire_marks): a time with the date in
# ``published``, a label or a standfirst before the dateline, a promo between two
# sentences, the outlet naming itself.
WIRE_MARK_SHARE = 0.04
WIRE_LABELS = ["UPDATE — ", "EXCLUSIVE - ", "ANALYSIS — "]
WIRE_NAME = "Newswire"
STANDFIRSTS = [
    "Talks resumed after a pause of two weeks, officials said.",
    "Repairs to the power grid will take until spring, engineers warned.",
    "Schools in the region moved classes underground for the winter.",
]
INNER_PROMOS = {
    "en": ["READ MORE: {headline}.", "Also read: {headline}."],
    "uk": ["Читайте також: {headline}."],
    "ru": ["Читайте также: {headline}."],
}
PROMO_HEADLINES = {
    "en": PLAIN_HEADINGS,
    "uk": ["Як місто відновлює мости", "Що буде з цінами на світло"],
    "ru": ["Как город восстанавливает мосты", "Что будет с ценами на свет"],
}
OWN_NAME_SENTENCES = [
    "{name} could not independently verify the claims.",
    "Neither side answered questions from the {name}.",
]
ENDNOTE_TAIL_SHARE = 0.5  # of the reports with an endnote list: a disclaimer and links follow
ENDNOTES_DISCLAIMER = "The views expressed in this report are the authors' own."
# A Ukrainian or Russian news page's promos: a "read also" link and a channel to follow.
CYRILLIC_PROMOS = {
    "uk": ("Читайте також: ", "Підписуйтесь на наш Telegram-канал"),
    "ru": ("Читайте также: ", "Подписывайтесь на наш канал в Telegram"),
}


def mojibake(text):
    """``text`` as its UTF-8 read as Windows-1252 (Latin-1 for its five gaps)."""
    return "".join(
        bytes([byte]).decode("cp1252", errors="ignore") or chr(byte)
        for byte in text.encode("utf-8")
    )


TRANSLATION_SHARE = 0.6
SYNDICATION_CREDIT = "This article first appeared in {source} and is republished with permission."


TRAP_GAZETTEER = Path(__file__).with_name("trap_gazetteer.json")
TRAP_SHARE = 0.05
# Each trap: its articles' roles, and the grade of each role for each query.
PLACE_GRADES = {"report": 3, "aside": 1, "passing": 1, "readout": 1}
TRAP_QUERIES = {
    "place": {"Vorskivka": PLACE_GRADES, "Vorskovka": PLACE_GRADES},
    "aliases": {"Harkan": {"subject": 3, "aside": 1}, "Harkan Group": {"subject": 3, "aside": 1}},
    "readout": {"Kirvan": {"analysis": 3, "readout": 1}},
    "prefix": {"Kordan": {"system": 3, "adjective": 0}},
    "proximity": {"Drewna bridgehead": {"together": 3, "apart": 1}},
}
# How often each role is drawn (1 unless said): a place's usual name is named
# in passing far more often than its rare spellings, as Kyiv is.
ROLE_WEIGHTS = {"passing": 3, "apart": 2}
RARE_PLACE_FORMS = ["Vorskovka", "Vorskivca", "Ворсківка"]
READOUT_HEADLINES = [
    "Readout: Kirvan meets the {body} delegation",
    "Kirvan holds a call with the {body}",
    "Minister Kirvan receives the {body}",
]


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


def _insert(rng, paragraphs, name, index):
    """``name`` put between two words of paragraph ``index``."""
    words = paragraphs[index].split(" ")
    words.insert(rng.randint(1, len(words) - 1), name)
    paragraphs[index] = " ".join(words)


class SourceHabits:
    """What one source does to its articles; drawn from the seed, per source."""

    def __init__(self, rng, index, name, places):
        self.name = name.removesuffix(GENERATED)
        think_tank, newspaper = index == 0, index == 1
        has_notice = think_tank or (not newspaper and rng.random() < 0.6)
        self.notices = self._notices(rng, places) if has_notice else []
        self.short_line = rng.choice(SHORT_LINES) if has_notice else None
        self.headings = (
            self._headings(rng) if think_tank or (not newspaper and rng.random() < 0.5) else []
        )
        self.byline = (
            "list" if think_tank else "by" if newspaper else rng.choice((None, "list", "by"))
        )
        self.dateline = (
            "time" if think_tank else "place" if newspaper else rng.choice((None, "time", "place"))
        )
        self.footnotes = think_tank or (not newspaper and rng.random() < 0.3)
        self.middle_initials = newspaper  # "Ostap R. Kmit said"

    def _notices(self, rng, places):
        """The notice and variants of it: a number or time changed, spacing altered."""
        treaty = NOTICE_SENTENCES[1]
        others = rng.sample([s for s in NOTICE_SENTENCES if s != treaty], 4)
        sentences = [treaty, *others]
        rng.shuffle(sentences)
        while len(" ".join(sentences).split()) > 80:
            sentences.remove(next(s for s in sentences if s != treaty))
        template = " ".join(sentences)
        values = {
            "source": self.name,
            "place": rng.choice(places),
            "treaty": rng.choice(TREATIES),
            "time": "6:00 pm ET",
            "number": rng.randint(12, 60),
        }
        notice = template.format(**values)
        variants = [
            template.format(**{**values, "number": values["number"] + 1}),
            template.format(**{**values, "time": "7:30 pm ET"}),
            notice.replace(". ", ".  ", 1),
            notice + " ",
        ]
        return [notice, *variants]

    @staticmethod
    def _headings(rng):
        plain = rng.sample(PLAIN_HEADINGS, 2)
        efforts = [
            f"{effort}—{rng.choice(DIRECTIONS)} {rng.choice(AXES)}"
            + (f" ({rng.choice(OBJECTIVES)})" if rng.random() < 0.5 else "")
            for effort in EFFORTS[: rng.randint(1, 3)]
        ]
        return [plain[0], *efforts, plain[1]]


NO_HABITS = SimpleNamespace(
    notices=[], short_line=None, headings=[], byline=None, dateline=None, footnotes=False
)


class CorpusGenerator:
    """Generates article ``n`` of a corpus seeded by ``seed`` as a dict of the
    import's fields."""

    def __init__(self, seed, gazetteer_path=None, tail_words=40000, traps=False):
        self.seed = seed
        self.traps = traps
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
        self.people_names = frozenset(self.people)
        self.people_weights = _zipf_weights(len(self.people), 1.3)
        self.source_weights = _zipf_weights(len(SOURCES), 1.1)
        # Places that name outlets and treaties, which are no mentions of them.
        self.cities = [entry["name"] for entry in locations if entry.get("kind") == "city"][:40]
        outlet_rng = random.Random(f"{seed}:outlets")
        self.outlets = [
            f"the {city} {outlet_rng.choice(OUTLET_NOUNS)}" for city in self.cities[:10]
        ]
        self.habits = [
            SourceHabits(random.Random(f"{seed}:source:{index}"), index, name, self.cities)
            for index, (name, _) in enumerate(SOURCES)
        ]
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
        rng.random()  # the copy roll (see is_copy)
        if self.is_copy(n):
            record, mentions, cast = self._original(n - 1)
            translated = rng.random() < TRANSLATION_SHARE and record["language"] in ("en", "uk")
            if translated and self.trap_role(n - 1) is None:
                return self._translation(rng, n, record, cast)
            return self._syndicated(rng, n, record), mentions
        return self._original(n)[:2]

    def is_copy(self, n):
        """Whether article ``n`` is a copy (a translation or a syndicated copy)
        of article ``n - 1``."""
        return n > 0 and self._copy_roll(n) and not self._copy_roll(n - 1)

    def _copy_roll(self, n):
        """Whether article ``n`` drew a copy of article ``n - 1`` (it is one
        unless ``n - 1`` drew one too: then ``n`` is an original)."""
        return random.Random(f"{self.seed}:{n}").random() < COPY_SHARE

    def _original(self, n):
        if self.trap_role(n) is not None:
            return self._trap(n)
        rng = random.Random(f"{self.seed}:{n}")
        rng.random()  # the copy roll
        named = Counter()
        roll = rng.random()
        language = "en" if roll < 0.85 else ("uk" if roll < 0.95 else "ru")
        cast = [
            bisect.bisect(self.entity_weights, rng.random() * self.entity_weights[-1])
            for _ in range(rng.randint(2, 9))
        ]
        source_index = self._pick(rng, range(len(SOURCES)), self.source_weights)[0]
        source, domain = SOURCES[source_index]
        habits = self.habits[source_index] if language == "en" else NO_HABITS
        paragraphs = self._paragraphs(rng, cast, language, named, habits.footnotes)
        headline = self._sentence(rng, cast[:1], language, named).rstrip(".?")
        if len(headline) > 110:
            headline = headline[:110].rsplit(" ", 1)[0]
        day = START + datetime.timedelta(
            days=bisect.bisect(self.day_weights, rng.random() * self.day_weights[-1])
        )
        authors = self._pick(
            rng,
            self.people,
            self.people_weights,
            rng.randint(1, 4) if habits.byline else rng.choice((0, 1, 1, 2)),
        )
        record = {
            "title": headline,
            "body": "",
            "source": source,
            "authors": authors,
            "url": f"https://{domain}/{day:%Y/%m/%d}/{slugify(headline)[:60]}-{n}",
            "published": day.isoformat(),
            "language": language,
            "tags": rng.sample(TAGS, rng.randint(0, 3)),
            "generated": True,
        }
        if rng.random() < 0.5:
            record["lede"] = self._sentence(rng, cast, language, named)
        if language == "en":
            if habits.middle_initials:
                paragraphs[:] = [self._with_middle_initials(p) for p in paragraphs]
            self._add_furniture(rng, paragraphs, habits)
            self._add_dateline(rng, paragraphs, habits, day, record)
            self._add_byline(rng, paragraphs, habits, record)
        if rng.random() < 0.05:
            paragraphs.insert(rng.randint(1, len(paragraphs)), rng.choice(FURNITURE))
        self._add_wire_marks(n, paragraphs, day, record)
        self._add_publisher_marks(n, paragraphs, record)
        self._add_scraping_marks(n, paragraphs, day, record)
        self._add_cyrillic_page_marks(n, paragraphs, record)
        record["body"] = "\n\n".join(paragraphs)
        mentions = Counter()
        for index, count in named.items():
            mentions[self.entity_keys[index]] += count
        return record, mentions, cast

    def _paragraphs(self, rng, cast, language, named, footnotes=False, count=None):
        paragraphs = []
        if count is None:
            count = max(3, min(25, int(rng.lognormvariate(2.0, 0.5))))
        for _ in range(count):
            sentences = [
                self._sentence(rng, cast, language, named) for _ in range(rng.randint(2, 6))
            ]
            if footnotes:
                sentences = [
                    f"{sentence}[{rng.randint(1, 120)}]" if rng.random() < 0.3 else sentence
                    for sentence in sentences
                ]
            paragraphs.append(" ".join(sentences))
        if language == "en" and rng.random() < 0.15:
            words, weights = self.vocabularies[language]
            said = " ".join(self._pick(rng, words, weights, rng.randint(5, 12)))
            outlet = rng.choice(OUTLET_VERBS).format(outlet=rng.choice(self.outlets))
            paragraphs[rng.randrange(len(paragraphs))] += f" {said.capitalize()}, {outlet}."
        return paragraphs

    def _with_middle_initials(self, paragraph):
        """The people quoted in ``paragraph`` with a middle initial, always the
        same one a person, as some newspapers write every name."""

        def initial(match):
            first, last = match[1], match[2]
            if f"{first} {last}" not in self.people_names:
                return match[0]
            letter = INITIALS[zlib.crc32(f"{first} {last}".encode()) % len(INITIALS)]
            return f"{first} {letter}. {last} {match[3]}"

        return _QUOTED_PERSON.sub(initial, paragraph)

    @staticmethod
    def _add_furniture(rng, paragraphs, habits):
        """The source's headings, short line and standing notice."""
        if habits.headings and rng.random() < 0.8:
            places = sorted(rng.sample(range(1, len(paragraphs)), min(len(paragraphs) - 1, 4)))
            for place, heading in reversed(list(zip([0, *places], habits.headings, strict=False))):
                paragraphs.insert(place, heading)
        if habits.short_line and rng.random() < 0.6:
            paragraphs.insert(rng.randint(1, len(paragraphs)), habits.short_line)
        if habits.notices and rng.random() < 0.85:
            variant = rng.random() < 0.2
            paragraphs.append(rng.choice(habits.notices[1:]) if variant else habits.notices[0])

    def _add_dateline(self, rng, paragraphs, habits, day, record):
        if not habits.dateline or rng.random() >= 0.8:
            return
        date = f"{MONTHS[day.month - 1]} {day.day}"
        if habits.dateline == "time":
            hour, minute = rng.randint(1, 12), rng.choice((0, 15, 30, 45))
            paragraphs.insert(0, f"{date}, {hour}:{minute:02d} {rng.choice(('am', 'pm'))} ET")
        else:
            paragraphs[0] = f"{rng.choice(self.cities[:12]).upper()}, {date} — {paragraphs[0]}"
        if rng.random() < 0.2:
            del record["published"]

    def _add_publisher_marks(self, n, paragraphs, record):
        """What a newspaper page, a report or a press release wraps around an
        English text (see the module's docstring).  Drawn from a generator of
        their own, so that the rest of the corpus stays as it was."""
        if record["language"] != "en":
            return
        rng = random.Random(f"{self.seed}:{n}:publisher")
        roll = rng.random()
        page, report, release = itertools.accumulate(PUBLISHER_MARK_SHARES.values())
        if roll < page:
            if paragraphs[0].startswith("By "):
                paragraphs[0] += rng.choice(BYLINE_TAILS).format(city=rng.choice(self.cities))
            hour, minute = rng.randint(0, 23), rng.randint(0, 59)
            paragraphs.insert(0, f"Updated at {hour:02d}.{minute:02d} BST")
            for prompt in (*PAGE_PROMPTS, f"Related: {rng.choice(PLAIN_HEADINGS)}"):
                paragraphs.insert(rng.randint(2, len(paragraphs)), prompt)
            self._add_newspaper_marks(n, paragraphs, record)
        elif roll < report:
            notes = itertools.count(1)

            def mark(match):
                if rng.random() >= 0.3:
                    return match.group(0)
                note = next(notes)
                return "." + (str(note) if rng.random() < 0.5 else SUPERSCRIPTS[(note - 1) % 9])

            paragraphs[:] = [_SENTENCE_STOP.sub(mark, paragraph) for paragraph in paragraphs]
            domain = record["url"].split("/")[2]
            endnotes = [
                f"[{note}] https://{domain}/sources/{n}-{note}" for note in range(1, next(notes))
            ]
            paragraphs.extend(self._endnote_list(n, endnotes))
            paragraphs.extend(self._after_endnotes(n, paragraphs))
        elif roll < release:
            name = record["source"].removesuffix(GENERATED)
            paragraphs.insert(0, "FOR IMMEDIATE RELEASE")
            paragraphs += [
                f"About {name}",
                f"{name} publishes analysis of the war. For more information, visit our website.",
                "Media Contact:",
                f"press@{record['url'].split('/')[2]}",
                "###",
            ]

    def _endnote_list(self, n, endnotes):
        """``endnotes`` as a report lists them: half the time under a heading,
        the last one citing a document rather than a web address.  Drawn from
        a generator of their own, so that the report's other marks stay as
        they were."""
        rng = random.Random(f"{self.seed}:{n}:endnotes")
        if not endnotes or rng.random() < 0.5:
            return endnotes
        last = len(endnotes)
        heading = rng.choice(("Endnotes", "Sources"))
        return [heading, *endnotes[:-1], f"[{last}] General Staff daily report, morning edition"]

    def _after_endnotes(self, n, paragraphs):
        """Now and then, what follows a report's endnote list: its notes cite
        documents rather than web addresses, and a standing disclaimer and a
        "Related" block close the text.  Drawn from a generator of their own,
        so that the report's other marks stay as they were."""
        rng = random.Random(f"{self.seed}:{n}:after endnotes")
        notes = [i for i, p in enumerate(paragraphs) if re.match(r"\[\d+\] ", p)]
        headed = notes and paragraphs[notes[0] - 1] in ("Endnotes", "Sources")
        if not headed or rng.random() >= ENDNOTE_TAIL_SHARE:
            return []
        for i in notes:
            number = paragraphs[i].split("]")[0] + "]"
            paragraphs[i] = f"{number} General Staff situation report, evening edition"
        return [ENDNOTES_DISCLAIMER, "Related", *rng.sample(PLAIN_HEADINGS, 2)]

    def _add_wire_marks(self, n, paragraphs, day, record):
        """A wire's or a news site's marks: ``published`` with a time ("5:30pm
        ET, June 5, 2024", "05.06.2024 14:05"); the first paragraph opened by a
        label ("UPDATE — ") or after a standfirst with a wire's dateline ("KYIV,
        Jun 5 (Newswire) — "); a promo between two sentences ("… READ MORE:
        Key Points. The …"); in English, the outlet naming itself.  Drawn from
        a generator of their own, so that the rest of the corpus stays as it was."""
        rng = random.Random(f"{self.seed}:{n}:wire")
        if rng.random() >= WIRE_MARK_SHARE:
            return
        language = record["language"]
        if "published" in record:
            record["published"] = self._stamp(rng, day, language)
        at = next((i for i, p in enumerate(paragraphs[:2]) if len(p) > 80), None)
        opening = paragraphs[at] if at is not None else ""
        dated = any(" — " in p for p in paragraphs[:2])
        if language == "en" and opening and not opening.startswith("By ") and not dated:
            if rng.random() < 0.5:
                paragraphs[at] = rng.choice(WIRE_LABELS) + opening
            else:
                city = rng.choice(self.cities[:12]).upper()
                month = MONTHS[day.month - 1][:3]
                paragraphs[at] = f"{city}, {month} {day.day} ({WIRE_NAME}) — {opening}"
                paragraphs.insert(at, rng.choice(STANDFIRSTS))
        inner = [
            i
            for i, p in enumerate(paragraphs)
            if i > 1 and re.search(r"[a-zа-яіїє]{2}\. [A-ZА-ЯІЇЄ]", p)
        ]
        if inner:
            at = rng.choice(inner)
            promo = rng.choice(INNER_PROMOS[language]).format(
                headline=rng.choice(PROMO_HEADLINES[language])
            )
            paragraphs[at] = re.sub(
                r"(?<=[a-zа-яіїє]{2}\.) (?=[A-ZА-ЯІЇЄ])", f" {promo} ", paragraphs[at], count=1
            )
        name = record["source"].removesuffix(GENERATED)
        long_ones = [i for i, p in enumerate(paragraphs) if i > 1 and len(p) > 80]
        if language == "en" and long_ones and name in self._plain_source_names():
            at = rng.choice(long_ones)
            sentence = rng.choice(OWN_NAME_SENTENCES).format(name=name.removeprefix("The "))
            paragraphs[at] += " " + sentence

    def _plain_source_names(self):
        """The sources' names that hold no name of the gazetteer (a text naming
        them names no actor or place)."""
        if not hasattr(self, "_plain_sources"):
            names = {name for entity in self.entities for name in entity[0]}
            self._plain_sources = {
                source
                for source in (name.removesuffix(GENERATED) for name, _ in SOURCES)
                if not any(re.search(rf"\b{re.escape(name)}\b", source) for name in names)
            }
        return self._plain_sources

    @staticmethod
    def _stamp(rng, day, language):
        """``day`` with a time, as a wire or a site writes it in ``published``."""
        hour, minute = rng.randint(0, 23), rng.choice((0, 5, 15, 30, 45))
        if language in CYRILLIC_MONTHS:
            month = CYRILLIC_MONTHS[language][day.month - 1]
            return f"{day.day} {month} {day.year}, {hour:02d}:{minute:02d}"
        month = MONTHS[day.month - 1]
        twelve, half = (hour % 12 or 12), ("am", "pm")[hour >= 12]
        return rng.choice(
            [
                f"{twelve}:{minute:02d}{half} ET, {month} {day.day}, {day.year}",
                f"{month} {day.day}, {day.year} at {twelve}:{minute:02d} {half[0]}.m. EST",
                f"Updated {hour:02d}:{minute:02d} GMT, {day.day} {month[:3]} {day.year}",
                f"{day:%d.%m.%Y} {hour:02d}:{minute:02d}",
            ]
        )

    def _add_newspaper_marks(self, n, paragraphs, record):
        """A newspaper page's marks: a dateline naming only a place, a promo
        glued to a paragraph's end, a photo credit in brackets, a wire's
        closing credits and contributor, a newsletter's promo, a labelled web
        address, a separator line and a link to more coverage.
        Drawn from a generator of their own, so that the page's other marks
        stay as they were."""
        rng = random.Random(f"{self.seed}:{n}:newspaper")
        opening = next(
            i for i, p in enumerate(paragraphs) if not p.startswith(("Updated at ", "By "))
        )
        if len(paragraphs[opening]) > 80 and " — " not in paragraphs[opening][:40]:
            place = rng.choice(self.cities[:12]).upper()
            country = rng.choice(("", ", Ukraine"))
            paragraphs[opening] = f"{place}{country} — {paragraphs[opening]}"
        ends = [
            i
            for i, p in enumerate(paragraphs)
            if i > opening and len(p) > 200 and p.endswith((".", "?"))
        ]
        if ends:
            paragraphs[rng.choice(ends)] += f" Read more: {rng.choice(PLAIN_HEADINGS)}"
        photographer, editor = self._pick(rng, self.people, self.people_weights, 2)
        city = rng.choice(self.cities)
        source = record["source"].removesuffix(GENERATED)
        paragraphs.insert(
            rng.randint(opening + 1, len(paragraphs)),
            f"A street in {city} after the night's shelling. ({photographer}/{source})",
        )
        paragraphs.append(f"(Reporting by {photographer}; Editing by {editor})")
        paragraphs.append(NEWSLETTER_PROMO)
        domain = record["url"].split("/")[2]
        paragraphs.append(f"For more news: www.{domain}")
        paragraphs.insert(-3, f"{editor} in {city} contributed to this report.")
        paragraphs += ["___", f"Follow our coverage of the war at https://{domain}/war"]

    def _add_scraping_marks(self, n, paragraphs, day, record):
        """What scraped official texts carry: a Ukrainian or Russian dateline or
        byline, and now and then a text left in HTML or read in the wrong
        encoding.  Drawn from a generator of their own, so that the rest of
        the corpus stays as it was."""
        rng = random.Random(f"{self.seed}:{n}:scraped")
        language = record["language"]
        if language in CYRILLIC_MONTHS and rng.random() < 0.3:
            date = f"{day.day} {CYRILLIC_MONTHS[language][day.month - 1]}"
            if rng.random() < 0.5:
                year = "року" if language == "uk" else "года"
                paragraphs.insert(0, f"{date} {day.year} {year} - {rng.randint(8, 22)}:00")
            else:
                place = CYRILLIC_CAPITALS[language]
                paragraphs[0] = f"{place}, {date} — {paragraphs[0]}"
        if language in CYRILLIC_MONTHS and record["authors"] and rng.random() < 0.15:
            paragraphs.insert(0, f"Автор: {record['authors'][0]}")
        roll = rng.random()
        if roll < SCRAPED_HTML_SHARE:
            paragraphs[:] = [
                "<p>" + paragraph.replace("’", "&#8217;").replace("&", "&amp;") + "</p>"
                for paragraph in paragraphs
            ]
        elif roll < SCRAPED_HTML_SHARE + MOJIBAKE_SHARE:
            paragraphs[:] = [mojibake(paragraph) for paragraph in paragraphs]
            record["title"] = mojibake(record["title"])

    def _add_cyrillic_page_marks(self, n, paragraphs, record):
        """A Ukrainian or Russian news page's "read also" link after the first
        paragraph and its channel to follow at the end.  Drawn from a generator
        of their own, so that the rest of the corpus stays as it was."""
        if record["language"] not in CYRILLIC_PROMOS:
            return
        rng = random.Random(f"{self.seed}:{n}:cyrillic page")
        if rng.random() >= CYRILLIC_PAGE_SHARE:
            return
        read_also, follow = CYRILLIC_PROMOS[record["language"]]
        headline = self._sentence(rng, [0], record["language"], Counter())[:150]
        paragraphs.insert(1, read_also + headline.rstrip(".?"))
        paragraphs.append(follow)

    @staticmethod
    def _add_byline(rng, paragraphs, habits, record):
        authors = record["authors"]
        if not habits.byline or not authors or rng.random() >= 0.85:
            return
        if len(authors) == 1:
            names = authors[0]
        elif habits.byline == "by" or len(authors) == 2:
            names = " and ".join(authors) if len(authors) == 2 else ", ".join(authors)
        else:
            names = f"{', '.join(authors[:-1])}, and {authors[-1]}"
        paragraphs.insert(0, f"By {names}" if habits.byline == "by" else names)
        if rng.random() < 0.2:
            del record["authors"]

    # Traps of ranking (see the module's docstring) -------------------------------

    def trap_role(self, n):
        """``(trap, role)`` of original article ``n`` when it is a trap, else None."""
        if not self.traps:
            return None
        rng = random.Random(f"{self.seed}:{n}:trap")
        if rng.random() >= TRAP_SHARE:
            return None
        trap = rng.choice(sorted(TRAP_QUERIES))
        roles = sorted(next(iter(TRAP_QUERIES[trap].values())))
        weights = [ROLE_WEIGHTS.get(role, 1) for role in roles]
        return trap, rng.choices(roles, weights)[0]

    def judgements(self, count):
        """``{query: {url: grade}}`` for articles 0 to ``count - 1``: each trap
        article, and each copy of one, graded for its trap's queries."""
        judged = {query: {} for queries in TRAP_QUERIES.values() for query in queries}
        for n in range(count):
            role = self.trap_role(n - 1 if self.is_copy(n) else n)
            if role is None:
                continue
            trap, kind = role
            url = self.article(n)["url"]
            for query, grades in TRAP_QUERIES[trap].items():
                judged[query][url] = grades[kind]
        return judged

    def _trap(self, n):
        rng = random.Random(f"{self.seed}:{n}:trap:text")
        trap, role = self.trap_role(n)
        named, cast = (
            Counter(),
            [
                bisect.bisect(self.entity_weights, rng.random() * self.entity_weights[-1])
                for _ in range(rng.randint(2, 5))
            ],
        )

        def paragraphs(count, sentences=(2, 6)):
            return [
                " ".join(
                    self._sentence(rng, cast, "en", named) for _ in range(rng.randint(*sentences))
                )
                for _ in range(count)
            ]

        headline = self._sentence(rng, cast[:1], "en", named).rstrip(".?")[:90]
        headline = headline.rsplit(" ", 1)[0] if len(headline) == 90 else headline
        trap_mentions = Counter()
        if trap == "place" and role == "report":
            body = paragraphs(rng.randint(8, 14))
            names = ["Vorskivka"] * rng.randint(5, 9)
            headline = f"{headline} near Vorskivka"
            trap_mentions[("location", "vorskivka")] = len(names) + 1
        elif trap == "place" and role == "passing":
            body = paragraphs(rng.randint(3, 8))
            names = ["Vorskivka"]
            trap_mentions[("location", "vorskivka")] = 1
        elif trap == "place" and role == "readout":
            body = paragraphs(rng.randint(3, 5))
            names = [rng.choice(RARE_PLACE_FORMS)] * rng.randint(3, 4)
            trap_mentions[("location", "vorskivka")] = len(names)
        elif trap == "place":
            body = paragraphs(3, (1, 2))
            names = [rng.choice(RARE_PLACE_FORMS)]
            trap_mentions[("location", "vorskivka")] = 1
        elif trap == "aliases" and role == "subject":
            body = paragraphs(rng.randint(8, 14))
            names = ["Harkan Group"] + ["Harkan"] * rng.randint(4, 8)
            trap_mentions[("actor", "harkan-group")] = len(names)
        elif trap == "aliases":
            body = paragraphs(rng.randint(4, 6))
            names = [rng.choice(["Harkan Group", "Harkan PMC"]) for _ in range(2)]
            trap_mentions[("actor", "harkan-group")] = len(names)
        elif trap == "readout" and role == "readout":
            headline = rng.choice(READOUT_HEADLINES).format(body=rng.choice(BODIES))
            body = paragraphs(2, (1, 2))
            names = ["Kirvan"] * 2
            trap_mentions[("actor", "ostap-kirvan")] = 3
        elif trap == "readout":
            body = paragraphs(rng.randint(10, 18))
            names = ["Ostap Kirvan"] + ["Kirvan"] * rng.randint(5, 9)
            trap_mentions[("actor", "ostap-kirvan")] = len(names)
        elif trap == "prefix":
            body = paragraphs(rng.randint(6, 12))
            word = "Kordan" if role == "system" else "Kordanic"
            names = [word] * rng.randint(4, 8)
        elif role == "together":
            body = paragraphs(rng.randint(8, 14))
            names = ["Drewna bridgehead"] * rng.randint(3, 5)
        else:
            body = paragraphs(rng.randint(8, 14))
            names = []
            for _ in range(rng.randint(5, 8)):  # each word in paragraphs of its own
                for word, parity in (("Drewna", 0), ("bridgehead", 1)):
                    _insert(rng, body, word, rng.randrange(parity, len(body), 2))
        for name in names:
            _insert(rng, body, name, rng.randrange(len(body)))
        source, domain = SOURCES[self._pick(rng, range(len(SOURCES)), self.source_weights)[0]]
        day = START + datetime.timedelta(days=rng.randrange(DAYS))
        record = {
            "title": headline,
            "body": "\n\n".join(body),
            "source": source,
            "authors": self._pick(rng, self.people, self.people_weights, rng.randint(1, 2)),
            "url": f"https://{domain}/{day:%Y/%m/%d}/{slugify(headline)[:60]}-{n}",
            "published": day.isoformat(),
            "language": "en",
            "tags": rng.sample(TAGS, rng.randint(0, 2)),
            "generated": True,
        }
        mentions = Counter({self.entity_keys[index]: count for index, count in named.items()})
        return record, mentions + trap_mentions, cast

    def _translation(self, rng, n, original, cast):
        """``original`` in the other language: same url (or, drawn apart, the
        url with the language as its first path segment), source, date and
        authors."""
        language = "uk" if original["language"] == "en" else "en"
        named = Counter()
        count = len(original["body"].split("\n\n"))
        paragraphs = self._paragraphs(rng, cast, language, named, count=count)
        headline = self._sentence(rng, cast[:1], language, named).rstrip(".?")
        record = {**original, "title": headline[:110].strip(), "language": language}
        if random.Random(f"{self.seed}:{n}:url").random() < LANGUAGE_URL_SHARE:
            *site, path = original["url"].split("/", 3)
            record["url"] = f"{'/'.join(site)}/{language}/{path}"
        record["body"] = "\n\n".join(paragraphs)
        record.pop("lede", None)
        mentions = Counter()
        for index, times in named.items():
            mentions[self.entity_keys[index]] += times
        return record, mentions

    @staticmethod
    def _syndicated(rng, n, original):
        """``original`` under another source: another url, its first line
        changed, a credit line at the end."""
        source, domain = rng.choice([pair for pair in SOURCES if pair[0] != original["source"]])
        paragraphs = original["body"].split("\n\n")
        paragraphs[0] = f"{rng.choice(SYNDICATION_MARKS)} {paragraphs[0]}"
        credit = SYNDICATION_CREDIT.format(source=original["source"].removesuffix(GENERATED))
        path = original["url"].split("/", 3)[3]
        return {
            **original,
            "source": source,
            "url": f"https://{domain}/partners/{n}/{path}",
            "body": "\n\n".join([*paragraphs, credit]),
        }
