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
from itertools import chain, product

import pymorphy3
from breame.data.spelling_constants import (
    AMERICAN_ENGLISH_SPELLINGS,
    BRITISH_ENGLISH_SPELLINGS,
)

from ..models import ArchiveWord
from ..statements import placeholders, read_rows
from .query import Phrase, Word, node_for, tokenize
from .vocabulary import HYPHENATED_WORD, words_of

MAX_PHRASES = 64  # a phrase's forms multiply: the likeliest 8 of each of two words
MAX_CYRILLIC_FORMS = 24  # a noun has 6 to 14 forms, a verb or adjective more
MIN_CYRILLIC_LENGTH = 3  # shorter words are mostly particles with huge lexemes
MIN_PART = 2  # co-operation: the shortest part of a hyphenated word searched

CYRILLIC = re.compile(r"[\u0400-\u04ff]+")
ONLY_UKRAINIAN = re.compile("[іїєґ]")
ONLY_RUSSIAN = re.compile("[ыэёъ]")

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
    (see :func:`_archive_holds`)."""
    units = [unit for unit in parsed.units + parsed.excluded if unit.kind != "prefix"]
    forms_by_unit = [[word_forms(token) for token in unit.tokens] for unit in units]
    closed = [closed_compound(unit) for unit in units]
    splits = [split_compounds(unit) for unit in units]
    others = {form for forms in forms_by_unit for each in forms for form in each[1:]}
    held, absent = _archive_holds(others | set(filter(None, closed)) | {*chain(*splits)})
    for unit, forms, compound, split in zip(units, forms_by_unit, closed, splits, strict=True):
        forms = [[each[0], *(form for form in each[1:] if form not in absent)] for each in forms]
        compounds = [compound] if compound and compound not in absent else []
        compounds += [form for form in split if form in held]  # never a guess
        if all(len(each) == 1 for each in forms) and not compounds:
            continue
        unit.forms = _nodes(unit.tokens, forms) + [node_for(tokenize(c)) for c in compounds]
        unit.form_labels = [form for each in forms for form in each[1:]] + compounds


def closed_compound(unit):
    """A hyphenated word written as one ("counter-offensive" ->
    counteroffensive, "co-operation" -> cooperation), as British and
    American writers split on it; None for anything else."""
    if HYPHENATED_WORD.fullmatch(unit.typed):
        return "".join(unit.tokens)
    return None


def split_compounds(unit):
    """A word typed as one, hyphenated at each place it could be
    (counteroffensive -> co-unteroffensive, ..., counter-offensive, ...): the
    vocabulary keeps hyphenated words whole, and only those it holds are
    searched."""
    if unit.kind != "word" or len(unit.tokens) != 1 or not unit.tokens[0].isalpha():
        return []
    word = unit.tokens[0]
    return [f"{word[:cut]}-{word[cut:]}" for cut in range(MIN_PART, len(word) - MIN_PART + 1)]


_HELD_SQL = (
    'SELECT "word" FROM "articles_archiveword" WHERE ("word" IN ({}) '
    'OR "id" = (SELECT "id" FROM "articles_archiveword" LIMIT 1))'
)


def _archive_holds(forms):
    """``(held, absent)``: the ``forms`` the archive's vocabulary holds, and
    those it would hold and does not (none while it is empty, an archive
    loaded without it), in one statement.  Only the forms some article holds
    are searched: each one cost every match its ranking (a noun's 24
    Ukrainian and Russian forms made "оборони" cost 5.5 times its exact=1
    search, `benchmark search --articles 100000` on PostgreSQL)."""
    checked = {form for form in forms if form in words_of(form)}
    if not checked:
        return set(), set()
    # The forms present, and any one word if there is one.
    sql = _HELD_SQL.format(placeholders(len(checked)))
    found = {word for (word,) in read_rows(ArchiveWord, sql, sorted(checked))}
    held = checked & found
    return held, (checked - held if found else set())


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
