"""Other forms of the words a query types: British and American spellings
(defence, defense) and the inflected forms of Ukrainian and Russian words
(Харкова, Харків, Харкові; обстрілів, обстріли).  Like the names of
``aliases``, they are searched at query time, so the index needs nothing
more: each word becomes an OR of its forms, and a phrase an OR of the phrases
its words' forms make.  The page says what else was searched and ``exact=1``
turns it off.

Ukrainian and Russian forms come from pymorphy3 and its OpenCorpora (Russian)
and VESUM (Ukrainian) dictionaries: a word's dictionary lemmas, then every
form of their lexemes.  Neither engine stems Ukrainian, and SQLite stems no
Cyrillic at all, so the forms are what lets one case find another."""

import math
import re
from functools import cache, lru_cache
from itertools import product

import pymorphy3
from breame.data.spelling_constants import (
    AMERICAN_ENGLISH_SPELLINGS,
    BRITISH_ENGLISH_SPELLINGS,
)
from django.db import router
from django.db.models import Q, Subquery

from ..models import ArchiveWord
from .query import Phrase, Word
from .vocabulary import words_of

MAX_PHRASES = 64  # a phrase's forms multiply: the likeliest 8 of each of two words
MAX_CYRILLIC_FORMS = 24  # a noun has 6 to 14 forms, a verb or adjective more
MIN_CYRILLIC_LENGTH = 3  # shorter words are mostly particles with huge lexemes

CYRILLIC = re.compile(r"[\u0400-\u04ff]+")
ONLY_UKRAINIAN = re.compile("[іїєґ]")
ONLY_RUSSIAN = re.compile("[ыэёъ]")
HYPHENATED = re.compile(r"[^\W\d_]+(?:[-\u2010\u2011][^\W\d_]+)+")

# American spellings that are also British words of another meaning (a
# computer program, a draft treaty, a disk drive): a British reader who types
# one means that, so they are not widened to programme, draught, disc.
AMERICAN_ALSO_BRITISH = frozenset(
    {
        "program",
        "programs",
        "draft",
        "drafts",
        "tire",
        "tires",
        "meter",
        "meters",
        "disk",
        "disks",
        "practice",
    }
)


def other_spellings(word):
    """The British or American spellings of ``word`` (lower case), not itself."""
    spellings = []
    if word in BRITISH_ENGLISH_SPELLINGS:
        spellings.append(BRITISH_ENGLISH_SPELLINGS[word])
    if word in AMERICAN_ENGLISH_SPELLINGS and word not in AMERICAN_ALSO_BRITISH:
        spellings.append(AMERICAN_ENGLISH_SPELLINGS[word])
    return [spelling for spelling in dict.fromkeys(spellings) if spelling != word]


@cache
def _analyzer(language):
    """One analyzer per language and process: loading its dictionary takes
    about half a second, a word's forms then about 0.2 ms."""
    return pymorphy3.MorphAnalyzer(lang=language)


@lru_cache(maxsize=10_000)
def cyrillic_forms(word):
    """The other forms of the Ukrainian or Russian ``word`` (lower case): of
    every dictionary lemma it may be a form of, in the languages whose letters
    it has, lemmas first; none for a word the dictionaries do not know."""
    if len(word) < MIN_CYRILLIC_LENGTH or not CYRILLIC.fullmatch(word):
        return ()
    languages = ["uk", "ru"]
    if ONLY_UKRAINIAN.search(word):
        languages = ["uk"]
    elif ONLY_RUSSIAN.search(word):
        languages = ["ru"]
    lemmas, forms = [], []
    for language in languages:
        for parse in _analyzer(language).parse(word):
            if parse.is_known:
                lemmas.append(parse.normal_form)
                forms += [form.word for form in parse.lexeme]
    others = [form for form in dict.fromkeys(lemmas + forms) if form != word]
    return tuple(others[:MAX_CYRILLIC_FORMS])


def word_forms(word):
    """``word`` first, then its other forms."""
    return [word, *other_spellings(word), *cyrillic_forms(word)]


def expand_word_forms(parsed):
    """Give each word and phrase of ``parsed`` (not prefixes) the nodes of its
    words' other forms, and the forms to show: those the archive's texts hold
    (see :func:`_absent_from_archive`)."""
    units = [unit for unit in parsed.units + parsed.excluded if unit.kind != "prefix"]
    forms_by_unit = [[word_forms(token) for token in unit.tokens] for unit in units]
    closed = [closed_compound(unit) for unit in units]
    absent = _absent_from_archive(
        {form for forms in forms_by_unit for each in forms for form in each[1:]}
        | set(filter(None, closed))
    )
    for unit, forms, compound in zip(units, forms_by_unit, closed, strict=True):
        forms = [[each[0], *(form for form in each[1:] if form not in absent)] for each in forms]
        compound = compound if compound and compound not in absent else None
        if all(len(each) == 1 for each in forms) and not compound:
            continue
        unit.forms = _nodes(unit.tokens, forms)
        unit.form_labels = [form for each in forms for form in each[1:]]
        if compound:
            unit.forms.append(Word(compound))
            unit.form_labels.append(compound)


def closed_compound(unit):
    """A hyphenated word written as one ("counter-offensive" ->
    counteroffensive, "co-operation" -> cooperation), as British and
    American writers split on it; None for anything else.  Searched only
    where some article holds it (the vocabulary, see _absent_from_archive)."""
    if HYPHENATED.fullmatch(unit.typed):
        return "".join(unit.tokens)
    return None


def _absent_from_archive(forms):
    """The ``forms`` that the archive's vocabulary would hold and does not: no
    article has them, and each one searched cost every match its ranking
    (a noun's 24 Ukrainian and Russian forms made "оборони" cost 5.5 times
    its exact=1 search, `benchmark search --articles 100000` on PostgreSQL).
    None while the vocabulary is empty (an archive loaded without it)."""
    held = sorted(form for form in forms if words_of(form) == {form})
    if not held:
        return set()
    words = ArchiveWord.objects.using(router.db_for_read(ArchiveWord))
    # One statement: the forms present, and any one word if there is one.
    present = set(
        words.filter(Q(word__in=held) | Q(pk=Subquery(words.values("pk")[:1]))).values_list(
            "word", flat=True
        )
    )
    return set(held) - present if present else set()


def _nodes(tokens, forms):
    """The words, or the phrases, that the forms of ``tokens`` make, the typed
    one left out (the unit searches it already); at most ``MAX_PHRASES``."""
    if len(tokens) == 1:
        return [Word(form) for form in forms[0][1:]]
    # Each word keeps its likeliest forms, so that every word has some.
    keep = max(2, math.floor(MAX_PHRASES ** (1 / len(tokens))))
    phrases = []
    for combination in product(*(each[:keep] for each in forms)):
        if combination != tuple(tokens):
            phrases.append(Phrase(combination))
        if len(phrases) == MAX_PHRASES:
            break
    return phrases
