"""Linking articles to the gazetteer: which actors and locations a text mentions.

How a researcher would count, and so how this module counts:

* A mention is a whole-word match of any name of an entity (its own name or an
  alias, in any script).  Text is split into words (runs of letters and digits),
  so "Kyiv" never matches inside "Kyivstar", while possessives and compounds
  count: "Kremlin's", "Putin’s", "Russia-Ukraine war", "Kremlin-adjacent".
* Adjectives and demonyms are *not* mentions of the place or state: "Crimean",
  "Russian", "Ukrainian" and the lowercase Ukrainian "київського" say something
  about an origin, not about the entity.  They link only when the gazetteer
  lists them as aliases, which is an editorial decision.
* Case is respected where it tells names from words: a name with capitals
  matches only text in which at least one of those capitalised words is
  capitalised too ("Snake Island", "Snake island" and "SNAKE ISLAND" match,
  "snake island" does not; "Turkey" but not "turkey").  Aliases flagged
  ``case_sensitive`` (abbreviations such as US or MoD) match only as written.
* Where names overlap, the longest wins, across actors and locations alike:
  "the Kyiv Independent" is a mention of the outlet, not of the city.  Two
  entities that share a name (the state and the country "Ukraine") are both
  linked.
* A name inside a longer proper name is not a mention: "Geneva Conventions"
  is not Geneva, "the Moscow Times" is not Moscow.  Editors record such
  phrases per entity ("not a mention" phrases: the entity is skipped where
  the phrase occurs, other names inside it still link), and a place name
  directly followed (after a space) by a capitalised word of
  :data:`NAME_EXTENDING_WORDS` ("Minsk Protocol", "Kyiv Post") links nothing.
  A name of the gazetteer that is itself longer ("Kyiv Oblast", "Donetsk
  People's Republic") is matched first, so the rule never reaches it.
* Media outlets are sources, not actors: a source of kind news outlet or
  broadcaster is found in the text by its name and aliases ("according to
  Reuters") and linked to its source page as a source mention.
* Ukrainian and Russian names are inflected (Києва, Харкова, Путіна).  The
  gazetteer lists common inflections as aliases of kind "inflection"; on top of
  that, :func:`cyrillic_inflections` derives the regular case endings of
  one-word Cyrillic names.  A derived form never overrides a listed name, and a
  form derived from two different entities is dropped as ambiguous.

The gazetteer is compiled once into a dictionary keyed by the first word of
each name, so matching costs a dictionary look-up per word of text however
large the gazetteer grows.
"""

import bisect
import functools
import itertools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import transaction

from . import month_counts
from .invisible import remove_invisible
from .models import (
    OUTLET_KINDS,
    ActorAlias,
    ActorMention,
    ActorNonMention,
    Article,
    LocationAlias,
    LocationMention,
    LocationNonMention,
    Source,
    SourceAlias,
    SourceMention,
)

WORD = re.compile(r"\w+")
_SPLIT = re.compile(r"(\w+)")  # text -> [separator, word, separator, word, ..., separator]
CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff]+")

ACTOR, LOCATION, SOURCE = "actor", "location", "source"
# A not-a-mention phrase travels with the names as kind "not " + the entity's kind.
NOT_A_MENTION = {ACTOR: "not actor", LOCATION: "not location"}
_BLOCKED_KIND = {value: key for key, value in NOT_A_MENTION.items()}

# Capitalised words that, right after a place name, make it part of the name of
# a treaty, a format of talks, a publication or an institution.
NAME_EXTENDING_WORDS = frozenset(
    WORD.findall(
        """convention conventions accord accords agreement agreements protocol protocols format
    memorandum communique communiqué declaration declarations treaty consensus doctrine
    charter process times post independent journal herald tribune gazette telegraph
    insider pravda daily"""
    )
)
MASK = "¦"  # stands in for a name already found: not a letter, not a space

# Regular case endings of Ukrainian and Russian nouns, by how the name ends:
# (ending to drop, endings to add).  Deliberately conservative: the endings of
# the genitive, dative, accusative, instrumental and locative cases of nouns
# and of surnames in -ський/-ский; no adjective endings (those are not
# mentions, see the module docstring).
_CYRILLIC_ENDINGS = [
    ("ський", "", ["ського", "ському", "ським", "ськім"]),
    ("ский", "", ["ского", "скому", "ским", "ском"]),
    ("ий", "", ["ого", "ому", "им", "ім"]),
    ("ый", "", ["ого", "ому", "ым", "ом"]),
    ("ія", "і", ["ї", "ю", "єю"]),
    ("ия", "и", ["и", "ю", "ей", "ею"]),
    ("а", "", ["и", "ы", "і", "е", "у", "ою", "ой", "ей"]),
    ("я", "", ["і", "и", "ю", "ею", "ей", "е"]),
    ("ь", "", ["я", "ю", "ем", "ём", "і", "и", "е"]),
    ("о", "", ["а", "у", "і", "ом", "ові"]),
    ("е", "", ["я", "ю", "і", "ем"]),
]
_CONSONANT_ENDINGS = ["а", "у", "ові", "ом", "ем", "і", "е", "им", "ым"]
_VOWELS = set("аеєиіїоуюяыэё")


def cyrillic_inflections(word):
    """The regular inflected forms of a one-word Cyrillic name (casefolded).

    ``Путін`` gives ``путіна``, ``путіну``, ``путіним``…; ``Харків`` also
    ``харкова`` (Ukrainian і→о in the closed final syllable, likewise ї→є in
    ``Києва``).  Names shorter than four letters get none: too many short
    words would collide with them.
    """
    word = word.lower()
    if len(word) < 4 or not CYRILLIC_WORD.fullmatch(word):
        return set()
    forms = set()
    for ending, replacement, endings in _CYRILLIC_ENDINGS:
        if word.endswith(ending):
            stem = word[: len(word) - len(ending)] + replacement
            forms.update(stem + e for e in endings)
            break
    else:
        if word[-1] in _VOWELS or word[-1] == "й":
            return set()
        stems = [word]
        if word[-2] == "і":
            stems.append(word[:-2] + "о" + word[-1])
        elif word[-2] == "ї":
            stems.append(word[:-2] + "є" + word[-1])
        forms.update(stem + e for stem in stems for e in _CONSONANT_ENDINGS)
    forms.discard(word)
    return forms


@dataclass
class Scan:
    actors: Counter
    locations: Counter
    sources: Counter
    pieces: list  # the text split as [separator, word, separator, …, word, separator]
    folded: list  # the words in lower case
    taken: set  # indexes of the words that belong to a name the gazetteer knows

    @property
    def words(self):
        return self.pieces[1::2]

    @functools.cached_property
    def ends(self):
        """Where each piece ends in the text (invisible characters removed)."""
        return list(itertools.accumulate(map(len, self.pieces)))

    def words_before(self, offset):
        """How many words end at or before ``offset`` of the text."""
        return bisect.bisect_right(self.ends, offset) // 2

    def masked(self):
        """The text with every name found blanked out (same length)."""
        pieces = list(self.pieces)
        for i in self.taken:
            pieces[2 * i + 1] = MASK * len(pieces[2 * i + 1])
            if i + 1 in self.taken:
                pieces[2 * i + 2] = MASK * len(pieces[2 * i + 2])
        return "".join(pieces)


@dataclass
class _Name:
    """One compiled name: its words casefolded, and how case must match."""

    folded: list
    targets: set = field(default_factory=set)
    exact: list | None = None  # the words as written, for case-sensitive names
    capitalised: tuple = ()  # positions of words written with a capital
    blocks: set = field(default_factory=set)  # entities this phrase is not a mention of

    def accepts(self, words, start):
        if self.exact is not None:
            return words[start : start + len(self.exact)] == self.exact
        for i in self.capitalised:  # a loop, not any(): it runs some 30 times an article
            if words[start + i][:1].isupper():
                return True
        return not self.capitalised


def _words_of(name):
    return WORD.findall(remove_invisible(name).replace("\u2019", "'"))


class Gazetteer:
    """The compiled gazetteer: finds every actor and location a text names."""

    def __init__(self, aliases):
        """``aliases``: iterable of ``(kind, entity id, name, case_sensitive)``,
        ``kind`` being ``"actor"``, ``"location"``, ``"source"`` (an outlet), or
        ``"not actor"`` / ``"not location"`` for a not-a-mention phrase."""
        names = {}  # (folded words, exact words or None) -> _Name
        listed = set()  # folded word tuples of every listed name
        derived = defaultdict(set)  # folded word tuple -> targets
        derived_case = {}
        for kind, entity_id, name, case_sensitive in aliases:
            words = _words_of(name)
            if not words:
                continue
            folded = tuple(w.lower() for w in words)
            exact = tuple(words) if case_sensitive else None
            key = (folded, exact)
            if key not in names:
                capitalised = tuple(i for i, w in enumerate(words) if w[:1].isupper())
                names[key] = _Name(
                    list(folded), exact=list(exact) if exact else None, capitalised=capitalised
                )
            if kind in _BLOCKED_KIND:
                names[key].blocks.add((_BLOCKED_KIND[kind], entity_id))
                continue
            names[key].targets.add((kind, entity_id))
            listed.add(folded)
            if len(words) == 1 and not case_sensitive:
                for form in cyrillic_inflections(words[0]):
                    derived[(form,)].add((kind, entity_id))
                    derived_case[(form,)] = (0,) if words[0][:1].isupper() else ()
        for folded, targets in derived.items():
            kinds = [kind for kind, _ in targets]
            if folded in listed or len(kinds) != len(set(kinds)):
                continue  # a listed name wins; two entities of one kind: ambiguous
            names[(folded, None)] = _Name(
                list(folded), targets=set(targets), capitalised=derived_case[folded]
            )
        # first word -> (names of one word, [(length, {all words: [names]}), ...]
        # for longer names, longest first); and the first two words of every
        # longer name, so that a common first word ("the") costs one look-up.
        tables = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
        self._pairs = set()
        for entry in names.values():
            tables[entry.folded[0]][len(entry.folded)][tuple(entry.folded)].append(entry)
            if len(entry.folded) > 1:
                self._pairs.add(tuple(entry.folded[:2]))
        self._index = {}
        for first, by_length in tables.items():
            singles = by_length.pop(1, {}).get((first,), [])
            longer = sorted(
                ((length, dict(table)) for length, table in by_length.items()), reverse=True
            )
            self._index[first] = (singles, longer)
        self.name_count = len(names)
        self._kinds_by_name = defaultdict(set)  # folded words joined by spaces -> kinds
        for entry in names.values():
            self._kinds_by_name[" ".join(entry.folded)].update(kind for kind, _ in entry.targets)

    def kinds_named(self, name):
        """The kinds of entity (actor, location, source) a whole name, as
        written in any case, names; empty when the gazetteer does not know it."""
        words = _words_of(name)
        return frozenset(self._kinds_by_name.get(" ".join(w.lower() for w in words), ()))

    @classmethod
    def from_database(cls):
        return cls(cls.aliases_from_database())

    @staticmethod
    def aliases_from_database():
        """Every name of the gazetteer as ``(kind, entity id, name, case_sensitive)``:
        actors' and locations' names, outlets' names, and the not-a-mention
        phrases of actors and locations."""
        names = [
            (kind, entity_id, name, case_sensitive)
            for kind, model in ((ACTOR, ActorAlias), (LOCATION, LocationAlias))
            for entity_id, name, case_sensitive in model.objects.values_list(
                "entity_id", "name", "case_sensitive"
            )
        ]
        outlets = Source.objects.filter(kind__in=OUTLET_KINDS)
        names += [(SOURCE, pk, name, False) for pk, name in outlets.values_list("pk", "name")]
        names += [
            (SOURCE, entity_id, name, case_sensitive)
            for entity_id, name, case_sensitive in SourceAlias.objects.filter(
                entity__kind__in=OUTLET_KINDS
            ).values_list("entity_id", "name", "case_sensitive")
        ]
        names += [
            (NOT_A_MENTION[kind], entity_id, phrase, False)
            for kind, model in ((ACTOR, ActorNonMention), (LOCATION, LocationNonMention))
            for entity_id, phrase in model.objects.values_list("entity_id", "phrase")
        ]
        return names

    def matches(self, words, folded=None, separators=None, *, phrases=True):
        """``[(start, length, targets), ...]`` for each name found in a list of
        words, left to right, longest first, never overlapping.  A span that
        is not a mention (a not-a-mention phrase, a place name inside a longer
        name) comes with the targets it still links, often none.
        ``separators``: the text between the words (``separators[i]`` before
        word ``i``), where the caller has it; ``phrases=False`` ignores the
        not-a-mention phrases (for matching inside one)."""
        if folded is None:
            folded = list(map(str.lower, words))
        index, pairs, found = self._index, self._pairs, []
        last, end = len(folded) - 1, 0
        # The words that start a name, picked in C: most words start none.
        for i in itertools.compress(itertools.count(), map(index.__contains__, folded)):
            if i < end:
                continue
            first = folded[i]
            singles, longer = index[first]
            match = None
            if longer and i < last and (first, folded[i + 1]) in pairs:
                for length, table in longer:
                    targets, blocks = _accepted(
                        table.get(tuple(folded[i : i + length])), words, i, phrases
                    )
                    if targets or blocks:
                        match = (length, targets, blocks)
                        break
            if match is None and singles:
                targets, blocks = _accepted(singles, words, i, phrases)
                if targets or blocks:
                    match = (1, targets, blocks)
            if match is None:
                continue
            length, targets, blocks = match
            if not targets:
                targets = self._inside(words[i : i + length], folded[i : i + length], blocks)
            elif self._extended(targets, words, i + length, separators):
                targets, length = set(), length + 1
            found.append((i, length, targets))
            end = i + length
        return found

    def _inside(self, words, folded, blocked):
        """What a not-a-mention phrase still links: the names inside it, less
        the entities it is not a mention of."""
        targets = set()
        for _, _, inner in self.matches(words, folded, phrases=False):
            targets |= inner
        return targets - blocked

    @staticmethod
    def _extended(targets, words, following, separators):
        """Whether a place name runs on into a longer proper name ("Minsk
        Protocol", "Kyiv Post"): the next word, after nothing but spaces, is a
        capitalised word of NAME_EXTENDING_WORDS."""
        if following >= len(words):
            return False
        word = words[following]  # looked at first: it seldom extends a name
        if not word[:1].isupper() or word.lower() not in NAME_EXTENDING_WORDS:
            return False
        if not any(kind == LOCATION for kind, _ in targets):
            return False
        return separators is None or not separators[following].strip(" ")

    def scan(self, text):
        """A :class:`Scan` of ``text``: the counts :meth:`count` gives, plus the
        text's words and which of them the gazetteer's names took, for
        finding the names it does not know."""
        pieces = _SPLIT.split(remove_invisible(text))
        words = pieces[1::2]
        folded = list(map(str.lower, words))
        counters = {ACTOR: Counter(), LOCATION: Counter(), SOURCE: Counter()}
        taken = set()
        for i, length, targets in self.matches(words, folded, pieces[0::2]):
            for kind, entity_id in targets:
                counters[kind][entity_id] += 1
            taken.update(range(i, i + length))
        return Scan(counters[ACTOR], counters[LOCATION], counters[SOURCE], pieces, folded, taken)

    def count(self, text):
        """``(actor counts, location counts, outlet counts)``: Counters keyed by
        entity id (outlets by source id)."""
        scan = self.scan(text)
        return scan.actors, scan.locations, scan.sources


def _accepted(entries, words, start, phrases=True):
    """The targets, and the entities not mentioned (of not-a-mention phrases),
    of those ``entries`` whose case rules the text at ``start`` meets."""
    targets, blocks = set(), set()
    for entry in entries or ():
        if (entry.targets or phrases) and entry.accepts(words, start):
            targets |= entry.targets
            if phrases:
                blocks |= entry.blocks
    return targets, blocks


def article_text(article):
    """The text linking reads, of an article (or anything with its fields):
    lede, body, headline and the captions' text (a caption's credit names the
    photographer, not a subject).  It starts with the lede and body, the part
    suggestions read."""
    captions = [caption.get("text", "") for caption in article.captions or []]
    return "\n".join([article.lede, article.body, article.title, *captions])


@transaction.atomic
def link_article(article, gazetteer):
    """Replace the article's mentions with what the gazetteer finds in its text."""
    actors, locations, sources = gazetteer.count(article_text(article))
    with month_counts.recounted([article.pk]):
        for model, field_name, counts in (
            (ActorMention, "actor_id", actors),
            (LocationMention, "location_id", locations),
            (SourceMention, "source_id", sources),
        ):
            model.objects.filter(article=article).delete()
            model.objects.bulk_create(
                model(article=article, count=n, **{field_name: entity_id})
                for entity_id, n in counts.items()
            )


def _mention_changes(model, entity_field, article_ids, wanted):
    """What makes ``model``'s rows for ``article_ids`` equal ``wanted``
    (``{(article id, entity id): count}``): ``(stale, changed, new)``, each
    ``{(article id, entity id): row}``."""
    existing = {
        (article_id, entity_id): (pk, count)
        for pk, article_id, entity_id, count in model.objects.filter(
            article_id__in=article_ids
        ).values_list("pk", "article_id", f"{entity_field}_id", "count")
    }
    stale = {key: pk for key, (pk, _) in existing.items() if key not in wanted}
    changed = {
        key: model(pk=existing[key][0], count=n)
        for key, n in wanted.items()
        if key in existing and existing[key][1] != n
    }
    new = {
        key: model(article_id=key[0], count=n, **{f"{entity_field}_id": key[1]})
        for key, n in wanted.items()
        if key not in existing
    }
    return stale, changed, new


def _write_mention_changes(model, stale, changed, new):
    if stale:
        model.objects.filter(pk__in=stale.values()).delete()
    if changed:
        model.objects.bulk_update(changed.values(), ["count"])
    if new:
        model.objects.bulk_create(new.values())


def relink_articles(articles=None, *, chunk_size=1000):
    """Re-link ``articles`` (a queryset; all articles by default) to the
    gazetteer as it is now; returns how many articles were read.

    Idempotent and cheap to repeat: each chunk of articles is compared with its
    stored mentions and only the differences are written, one transaction a
    chunk.
    """
    return relink_and_count_changes(articles, chunk_size=chunk_size)[0]


def relink_and_count_changes(articles=None, *, chunk_size=1000):
    """:func:`relink_articles`, returning ``(articles read, articles changed)``."""
    gazetteer = Gazetteer.from_database()
    articles = Article.objects.all() if articles is None else articles
    rows = articles.order_by("pk").values_list("pk", "title", "lede", "body", "captions")
    read = changed = 0
    chunk = []
    for row in rows.iterator(chunk_size=chunk_size):
        chunk.append(row)
        if len(chunk) >= chunk_size:
            changed += _relink_chunk(chunk, gazetteer)
            read += len(chunk)
            chunk = []
    if chunk:
        changed += _relink_chunk(chunk, gazetteer)
        read += len(chunk)
    return read, changed


def _relink_chunk(rows, gazetteer):
    wanted_actors, wanted_locations, wanted_sources = {}, {}, {}
    for pk, title, lede, body, captions in rows:
        article = Article(pk=pk, title=title, lede=lede, body=body, captions=captions)
        actors, locations, sources = gazetteer.count(article_text(article))
        wanted_actors.update(((pk, entity_id), n) for entity_id, n in actors.items())
        wanted_locations.update(((pk, entity_id), n) for entity_id, n in locations.items())
        wanted_sources.update(((pk, source_id), n) for source_id, n in sources.items())
    article_ids = [row[0] for row in rows]
    changes = [
        (model, _mention_changes(model, field_name, article_ids, wanted))
        for model, field_name, wanted in (
            (ActorMention, "actor", wanted_actors),
            (LocationMention, "location", wanted_locations),
            (SourceMention, "source", wanted_sources),
        )
    ]
    changed = {article_id for _, keys in changes for key in keys for article_id, _ in key}
    # An entity mentioned or no longer mentioned changes the month counts.
    counted = {
        article_id
        for model, (stale, _, new) in changes
        if model is not SourceMention
        for article_id, _ in [*stale, *new]
    }
    with transaction.atomic(), month_counts.recounted(sorted(counted)):
        for model, (stale, updated, new) in changes:
            _write_mention_changes(model, stale, updated, new)
    return len(changed)
