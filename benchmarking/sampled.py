"""The sampled mix: searches a researcher might type, drawn at random (fixed by
a seed of their own) from the generated corpus's vocabulary, its text and the
gazetteer, so that the benchmark's figures are not only those of the tuned mix
in ``search.py``.  Words of the tuned mix are never drawn.

Words are drawn by frequency band, so that the sample is not all rare words
(a draw from the whole vocabulary would be: four words in five are in fewer
than one English article in two hundred).  A word's band is the share of English
articles expected to hold it, from the generator's Zipf weights and its mean
article length:

- common: in 30 % of the articles or more (about 120 words, such as "forces");
- frequent: in 5 % to 30 % (about 800 words);
- middling: in 0.5 % to 5 % (about 7,000 words);
- rare: in fewer than 0.5 % (the other 32,000).

Names are banded the same way by their rank in the gazetteer (the
generator's Zipf order: Ukraine and Russia first, most villages last).  Two-word
phrases are both drawn from the text of the corpus's first 1,000 articles (they
occur, at every size from 1,000) and made of two random words of the frequent
band (both words everywhere, the phrase seldom: the hard case of an index
without positions).  The mix depends only on the seeds, never on the size, so
that two sizes can be compared query by query.
"""

import datetime
import math
import random
import re
from functools import cached_property

from django.utils.text import slugify

from articles.search.query import STOPWORDS, TOKEN

from .corpus import DAYS, RU_WORDS, SOURCES, START, UK_WORDS, CorpusGenerator

SAMPLE_SEED = 19
WORDS_PER_ARTICLE = 690  # the generator's mean over 300 English articles of seed 1
BANDS = (("common", 0.30), ("frequent", 0.05), ("middling", 0.005), ("rare", 0.0))
NAME_BANDS = (("prominent", 0, 10), ("middling", 10, 100), ("rare", 100, None))
PHRASE_ARTICLES = 1000  # phrases are taken from the text of articles 0 to 999
SORTS = ("relevance", "newest", "oldest")
WORD = re.compile(r"[^\W\d_]+")  # letters only: no designations or numbers


class SampledMix:
    """The sampled queries of ``seed`` over the corpus of ``corpus_seed``,
    leaving out the words of ``tuned_queries`` (the tuned mix's params)."""

    def __init__(self, *, seed=SAMPLE_SEED, corpus_seed=1, tuned_queries=()):
        self.rng = random.Random(f"sampled-mix:{seed}")
        self.generator = CorpusGenerator(corpus_seed)
        self.tuned_words = {
            token
            for params in tuned_queries
            for token in TOKEN.findall(params.get("q", "").lower())
        }

    @cached_property
    def bands(self):
        """{band: [words]} of the English vocabulary, stopwords and the tuned
        mix's words left out."""
        words, cumulative = self.generator.vocabularies["en"]
        total = cumulative[-1]
        banded = {name: [] for name, _ in BANDS}
        previous = 0.0
        for word, weight in zip(words, cumulative, strict=True):
            share = 1 - math.exp(-WORDS_PER_ARTICLE * (weight - previous) / total)
            previous = weight
            if word in STOPWORDS or word in self.tuned_words or not WORD.fullmatch(word):
                continue
            band = next(name for name, low in BANDS if share >= low)
            banded[band].append(word)
        return banded

    def word(self, band):
        return self.rng.choice(self.bands[band])

    def name(self, band):
        """A name of the gazetteer as written in English (its main name or one
        of its other spellings), with its kind and slug."""
        low, high = next((low, high) for name, low, high in NAME_BANDS if name == band)
        index = self.rng.randrange(low, high or len(self.generator.entities))
        latin, _ = self.generator.entities[index]
        kind, slug = self.generator.entity_keys[index]
        return self.rng.choice(latin), kind, slug

    def text_phrase(self, band=None):
        """Two neighbouring words of a sentence of one of the first articles:
        a phrase that occurs, as often as the corpus writes it; with ``band``,
        two words of that band."""
        allowed = set(self.bands[band]) if band else None
        while True:
            record = self.generator.article(self.rng.randrange(PHRASE_ARTICLES))
            if record["language"] != "en":
                continue
            pairs = [
                (first.lower(), second.lower())
                for sentence in re.split(r"[.?!\n]", record["body"])
                for first, second in zip(sentence.split(), sentence.split()[1:], strict=False)
                if WORD.fullmatch(first)
                and WORD.fullmatch(second)
                and first.lower() not in STOPWORDS
                and second.lower() not in STOPWORDS
                and (allowed is None or {first.lower(), second.lower()} <= allowed)
            ]
            if pairs:
                return '"{} {}"'.format(*self.rng.choice(pairs))

    def date_range(self, days):
        first = START + datetime.timedelta(days=self.rng.randrange(DAYS - days))
        return {
            "date_from": first.isoformat(),
            "date_to": (first + datetime.timedelta(days)).isoformat(),
        }

    def source(self):
        return slugify(self.rng.choice(SOURCES)[0])

    def searches(self):
        """(name, params) of every sampled search, in a fixed order."""
        w = self.word
        queries = [(f"word, {band}", {"q": w(band)}) for band, _ in BANDS for _ in range(2)]
        queries += [
            ("two words, common", {"q": f"{w('common')} {w('common')}"}),
            ("two words, common+frequent", {"q": f"{w('common')} {w('frequent')}"}),
            ("two words, frequent+middling", {"q": f"{w('frequent')} {w('middling')}"}),
            ("two words, middling+rare", {"q": f"{w('middling')} {w('rare')}"}),
            ("phrase from the text", {"q": self.text_phrase()}),
            ("phrase from the text", {"q": self.text_phrase()}),
            ("phrase from the text, common", {"q": self.text_phrase("common")}),
            ("phrase, two common words", {"q": f'"{w("common")} {w("common")}"'}),
            ("phrase, frequent+middling", {"q": f'"{w("frequent")} {w("middling")}"'}),
        ]
        for band, _, _ in NAME_BANDS:
            name = self.name(band)[0]
            queries += [(f"name, {band}, {sort}", {"q": name, "sort": sort}) for sort in SORTS]
        two_names = f"{self.name('prominent')[0]} {self.name('middling')[0]}"
        queries += [
            ("two names, newest", {"q": two_names, "sort": "newest"}),
            ("exclusion, common -common", {"q": f"{w('common')} -{w('common')}"}),
            ("exclusion, middling -frequent", {"q": f"{w('middling')} -{w('frequent')}"}),
            ("exclusion, name -name", {"q": self._name_minus_name()}),
            ("prefix, common", {"q": _prefix(self.rng, w("common"))}),
            ("prefix, middling", {"q": _prefix(self.rng, w("middling"))}),
            ("common word, a month", {"q": w("common"), **self.date_range(30)}),
            ("middling word, a year", {"q": w("middling"), **self.date_range(365)}),
            (
                "name, a quarter, newest",
                {"q": self.name("middling")[0], "sort": "newest", **self.date_range(91)},
            ),
            ("Ukrainian word, uk", {"q": self._foreign(UK_WORDS), "language": "uk"}),
            ("Russian word, ru", {"q": self._foreign(RU_WORDS), "language": "ru"}),
            ("middling word, en", {"q": w("middling"), "language": "en"}),
            ("frequent word + source", {"q": w("frequent"), "source": self.source()}),
            (
                "name + source, newest",
                {"q": self.name("prominent")[0], "source": self.source(), "sort": "newest"},
            ),
            ("phrase from the text, page 3", {"q": self.text_phrase("common"), "page": "3"}),
        ]
        return _named(queries)

    def charts(self):
        """(name, params) of the month charts of a sampled name and word."""
        charts = [
            ("month chart, name", {"q": self.name("middling")[0]}),
            ("month chart, frequent word", {"q": self.word("frequent")}),
        ]
        return _named(charts)

    def _name_minus_name(self):
        kept, _, kept_slug = self.name("prominent")
        while True:
            excluded, _, excluded_slug = self.name("prominent")
            if excluded_slug != kept_slug:
                return f"{_quoted(kept)} -{_quoted(excluded)}"

    def _foreign(self, words):
        return self.rng.choice([word for word in words if word not in STOPWORDS])


def _named(queries):
    """Each label with its query typed, so that a name says what was searched."""
    return [(f"{label}: {params['q']}", params) for label, params in queries]


def _quoted(name):
    return f'"{name}"' if " " in name else name


def _prefix(rng, word):
    """The word cut to 3 to 5 letters (at least one short of the word) and a star."""
    return word[: rng.randint(3, max(3, min(5, len(word) - 1)))] + "*"
