"""Other forms of the words a query types: British and American spellings
(defence, defense).  Like the names of ``aliases``, they are searched at query
time: each word becomes an OR of its forms, and a phrase an OR of the phrases
its words' forms make.  The page says what else was searched and ``exact=1``
turns it off."""

from itertools import product

from breame.data.spelling_constants import (
    AMERICAN_ENGLISH_SPELLINGS,
    BRITISH_ENGLISH_SPELLINGS,
)

from .query import Phrase, Word

MAX_PHRASES = 32  # a phrase's forms multiply: "air defence systems" could be many

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


def word_forms(word):
    """``word`` first, then its other forms."""
    return [word, *other_spellings(word)]


def expand_word_forms(parsed):
    """Give each word and phrase of ``parsed`` (not prefixes) the nodes of its
    words' other forms, and the forms to show."""
    for unit in parsed.units + parsed.excluded:
        if unit.kind == "prefix":
            continue
        forms = [word_forms(token) for token in unit.tokens]
        if all(len(each) == 1 for each in forms):
            continue
        unit.forms = _nodes(unit.tokens, forms)
        unit.form_labels = [form for each in forms for form in each[1:]]


def _nodes(tokens, forms):
    """The words, or the phrases, that the forms of ``tokens`` make, the typed
    one left out (the unit searches it already); at most ``MAX_PHRASES``."""
    if len(tokens) == 1:
        return [Word(form) for form in forms[0][1:]]
    phrases = []
    for combination in product(*forms):
        if combination != tuple(tokens):
            phrases.append(Phrase(combination))
        if len(phrases) == MAX_PHRASES:
            break
    return phrases
