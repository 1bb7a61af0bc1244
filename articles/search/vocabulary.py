"""The archive's vocabulary and "did you mean".

``ArchiveWord`` holds every word of the archive's ledes and bodies, and every
hyphenated word whole, with the number of articles it occurs in.  The import
adds the words of the articles it writes (and takes an updated article's old
words away); ``relink_articles`` rebuilds it.  When a query finds little, the
search page offers the closest spellings of its words
(:func:`closest_spellings`): names of the gazetteer first, then the archive's
words.  A request reads the words of about the typed word's length and first
letter, never the articles."""

import difflib
import itertools
import re
from collections import Counter

from django.db import connection, transaction
from django.db.models import F

from ..invisible import INVISIBLE_CHARACTERS
from ..models import ActorAlias, ArchiveWord, Article, LocationAlias, normalize_name
from .query import MAX_WORD_LENGTH, STOPWORDS, TOKEN

MIN_WORD_LENGTH = 3  # shorter words are not offered
CLOSENESS = 0.8  # difflib's ratio: Bakmut/Bakhmut 0.92, Pokrovks/Pokrovsk 0.88
MAX_OFFERED = 3
MAX_CANDIDATES = 20_000  # words of one length band and first letter read at most
# A hyphenated word, with any of the hyphens writers use.
HYPHENATED_WORD = re.compile(r"[^\W\d_]+(?:[-\u2010\u2011][^\W\d_]+)+")


# Where the words linking splits a text into (runs of \w, each lowered: see
# articles.linking.Scan) are not the tokens of the text lowered: "_" is no token
# character, İ and Σ lower differently alone and in a text, and linking removes
# the invisible characters.  (No other character does: checked over all of Unicode.)
_NOT_AS_LINKED = re.compile(f"[_\u0130\u03a3{INVISIBLE_CHARACTERS}]")


def words_of(text):
    """The distinct vocabulary words of ``text`` (a lede and body, see
    :func:`article_words`), its hyphenated words whole among them."""
    return _vocabulary_words(TOKEN.findall(text.lower())) | hyphenated_words(text)


def hyphenated_words(text):
    """The hyphenated words of ``text`` ("counter-offensive", "post-war"),
    lower case: kept whole besides their parts, so that a word typed as one
    finds them (``forms.split_compounds``).  A scan for hyphens, each then
    read outwards: a pattern for the whole words scanned every letter
    (0.84 ms against 6 µs an article of the real dev corpus)."""
    if "\u2010" in text or "\u2011" in text:
        text = text.replace("\u2010", "-").replace("\u2011", "-")
    found = set()
    last = len(text) - 1
    at = text.find("-", 1)
    while 0 < at < last:
        match = None
        if text[at - 1].isalpha() and text[at + 1].isalpha():
            start = at - 1
            while start and (text[start - 1].isalpha() or text[start - 1] == "-"):
                start -= 1
            while text[start] == "-":
                start += 1
            match = HYPHENATED_WORD.match(text, start)
            if match and not (start and text[start - 1].isalnum()):
                word = match.group().lower()
                if len(word) <= MAX_WORD_LENGTH:
                    found.add(word)
        at = text.find("-", match.end() if match else at + 1)
    return found


def _vocabulary_words(tokens):
    tokens = set(tokens) - STOPWORDS
    return {
        token
        for token in tokens
        if MIN_WORD_LENGTH <= len(token) <= MAX_WORD_LENGTH and not token.isdigit()
    }


def article_words(lede, body, linked=None):
    """The vocabulary words of an article's lede and body, separated by
    spaces: one string, not a set of hundreds, while it waits in an import's
    queue (sets added 100 MB to the peak of `benchmark import --count 10000`).
    ``linked``: the lowercase words linking split the lede and body into
    (:attr:`~articles.linking.Scan.folded`), used where they are the same
    tokens (the import's workers then split the text once, not twice)."""
    text = _article_text(lede, body)
    if linked is not None and not _NOT_AS_LINKED.search(text):
        return " ".join(_vocabulary_words(linked) | hyphenated_words(text))
    return " ".join(words_of(text))


def _article_text(lede, body):
    return f"{lede}\n{body}"


_TAKE = (
    "UPDATE {table} SET articles = CASE WHEN articles > %s THEN articles - %s ELSE 0 END "
    "WHERE word = %s"
)


def count_words(added_texts=(), removed_texts=()):
    """Add the words of ``added_texts`` (one text an article) to the
    vocabulary, and take those of ``removed_texts`` away."""
    count_word_sets(map(words_of, added_texts), map(words_of, removed_texts))


@transaction.atomic
def count_word_sets(added=(), removed=()):
    """Add the vocabulary words of articles, ``added`` (the distinct words of
    each article, see :func:`words_of`), and take those of ``removed`` away.  The
    import finds the words of new articles in its preparing workers."""
    change = Counter(itertools.chain.from_iterable(added))
    change.subtract(itertools.chain.from_iterable(removed))
    changed = sorted(change.items())
    added = [(word, n) for word, n in changed if n > 0]
    taken = [(-n, -n, word) for word, n in changed if n < 0]
    table = connection.ops.quote_name(ArchiveWord._meta.db_table)
    if added:
        from . import get_engine  # this package imports this module

        get_engine().index.add_word_counts(table, added)
    with connection.cursor() as cursor:
        if taken:
            cursor.executemany(_TAKE.format(table=table), taken)
    if taken:
        ArchiveWord.objects.filter(word__in=[word for _, _, word in taken], articles=0).delete()


def rebuild_vocabulary(chunk_size=1000):
    """The vocabulary counted anew from every published article."""
    with transaction.atomic():
        ArchiveWord.objects.all().delete()
        rows = Article.objects.published().values_list("lede", "body")
        texts = []
        for lede, body in rows.iterator(chunk_size=chunk_size):
            texts.append(_article_text(lede, body))
            if len(texts) >= chunk_size * 10:
                count_words(texts)
                texts = []
        count_words(texts)


def _gazetteer_names():
    """(normalised name, name as written) of every name and alias."""
    names = {}
    for model in (LocationAlias, ActorAlias):
        for normalized, name in model.objects.values_list("normalized", "name"):
            names.setdefault(normalized, name)
    return names


def _archive_words(word):
    """Words of the vocabulary that could be ``word`` misspelt: one or two
    letters longer or shorter, starting with the same letter."""
    length = len(word)
    rows = (
        ArchiveWord.objects.filter(initial=word[0], length__range=(length - 2, length + 2))
        .order_by(F("articles").desc())
        .values_list("word", flat=True)[:MAX_CANDIDATES]
    )
    return list(rows)


def closest_spellings(typed):
    """Other spellings of ``typed`` (a word or a name as typed), closest
    first: names of the gazetteer, then words of the archive."""
    form = normalize_name(typed)
    if len(form) < MIN_WORD_LENGTH:
        return []
    names = _gazetteer_names()
    if form in names:
        return []
    offered = [
        names[match]
        for match in difflib.get_close_matches(form, names, n=MAX_OFFERED, cutoff=CLOSENESS)
    ]
    if " " not in form:
        words = _archive_words(form)
        if form not in words:
            offered += difflib.get_close_matches(form, words, n=MAX_OFFERED, cutoff=CLOSENESS)
    seen, unique = set(), []
    for spelling in offered:
        if normalize_name(spelling) not in seen:
            seen.add(normalize_name(spelling))
            unique.append(spelling)
    return unique
