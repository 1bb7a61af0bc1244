"""Reading a researcher's query: words, "exact phrases", OR, -exclusions and prefix*.

``parse_query`` never fails.  Whatever the text, it returns a ``ParsedQuery``;
what it cannot use is dropped and said so in ``ignored`` or ``notes``, which the
search page shows.  The result is a small tree of ``Word``, ``Phrase`` and
``AnyOf`` nodes that each backend compiles into its own syntax, so user text
never reaches FTS5 or ``to_tsquery`` as syntax.

Words are split the way both engines split text: on anything that is not a
letter or a digit.  A name typed with a hyphen is therefore a phrase of its
parts ("S-300" is "s 300"), which matches "S-300", "S 300" and "S–300" in an
article.  Designations that mix letters and digits (S-300, Su-34, F-16s,
Shahed-136, 155-mm) are also searched written together (S300) and in the
singular or plural (F-16 and F-16s), the ways the same weapon is spelled.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from ..invisible import remove_invisible

MAX_QUERY_LENGTH = 500
MAX_UNITS = 16
MAX_WORD_LENGTH = 60
MIN_PREFIX_LENGTH = 2

TOKEN = re.compile(r"[^\W_]+")
LETTERS_AND_DIGITS = re.compile(r"\d+|[^\W\d_]+")

# Frequent function words, dropped when typed as bare words (not in phrases):
# they match almost every article, so they only slow the search down.  An
# all-capitals word is kept: US, IT and WHO are names.
_STOPWORD_TEXT = """
    a an the and or but if of at by for with about to from in into on onto off
    over under as is are was were be been being am do does did have has had
    this that these those it its it's he him his she her they them their we us
    our you your i me my which who whom what when where why how than then so
    not no nor too very can will would should could may might must s t
    и в во не что он на я с со как а то все она так его но да ты к у же вы за
    бы по только ее её мне было вот от меня еще ещё нет о из ему когда даже ли
    если уже или ни быть был него до вас там себя ей они тут где есть для мы
    их чем была сам без под будет кто этот того этого при об после над через
    эти нас про них
    і та й що це як але або від для при про з із зі до на по під над
    через без між чи він вона воно вони ми ви я не ні так його її їх же ж
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


@dataclass(frozen=True)
class Word:
    text: str
    prefix: bool = False


@dataclass(frozen=True)
class Phrase:
    words: tuple
    prefix: bool = False  # the last word is a prefix


@dataclass(frozen=True)
class AnyOf:
    options: tuple


def node_for(tokens, prefix=False):
    """A Word for one token, a Phrase for several."""
    tokens = tuple(tokens)
    return Word(tokens[0], prefix) if len(tokens) == 1 else Phrase(tokens, prefix)


def any_of(nodes):
    """An AnyOf of the distinct ``nodes``, or the node itself when there is one."""
    unique = tuple(dict.fromkeys(nodes))
    return unique[0] if len(unique) == 1 else AnyOf(unique)


@dataclass
class Expansion:
    """Other names of the actor or place that a unit of the query names."""

    entities: list  # the Actor and Location objects whose name or alias was typed
    shown_names: list  # the names the page lists under "also searched"
    nodes: list  # every name as a search node, inflected forms included


@dataclass
class Unit:
    """One thing the researcher typed: a word, a "phrase" or a prefix*."""

    typed: str
    tokens: tuple
    kind: str  # "word", "phrase" or "prefix"
    variants: list = field(default_factory=list)  # other spellings (nodes), e.g. S300
    expansion: Expansion | None = None
    forms: list = field(default_factory=list)  # nodes of other word forms (see forms.py)
    form_labels: list = field(default_factory=list)  # those forms, for the page

    @property
    def node(self):
        nodes = [node_for(self.tokens, self.kind == "prefix"), *self.variants, *self.forms]
        if self.expansion is not None:
            nodes += self.expansion.nodes
        return any_of(nodes)

    @property
    def variant_labels(self):
        """Other spellings worth showing (a prefix's shortened stems are not)."""
        if self.kind == "prefix":
            return []
        return ["-".join(n.words) if isinstance(n, Phrase) else label_for(n) for n in self.variants]

    @property
    def is_plain(self):
        """Typed as bare words (no quotes, no *): may join neighbours to form a name."""
        return self.kind == "word"


@dataclass
class ParsedQuery:
    """How the query was read: groups of alternatives that must all match, and
    units that must not."""

    text: str = ""
    groups: list = field(default_factory=list)  # [[Unit, ...], ...]; OR inside, AND between
    excluded: list = field(default_factory=list)
    ignored: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    @property
    def is_empty(self):
        return not self.groups and not self.excluded

    @property
    def units(self):
        return [unit for group in self.groups for unit in group]

    def positive_nodes(self):
        """One node per AND group."""
        return [any_of([unit.node for unit in group]) for group in self.groups]

    def ranking_nodes(self):
        """``positive_nodes`` without the names that contain another of their
        group's names (see ``without_longer_names``): what to rank by."""
        return [without_longer_names(node) for node in self.positive_nodes()]

    def negative_node(self):
        return any_of([unit.node for unit in self.excluded]) if self.excluded else None

    def any_positive_node(self):
        """Any one positive unit: what to highlight in a text."""
        return any_of([unit.node for unit in self.units]) if self.groups else None

    @property
    def expansions(self):
        """Units that name an actor or a place with other names to show."""
        return [
            unit
            for unit in self.units + self.excluded
            if unit.expansion and unit.expansion.shown_names
        ]

    @property
    def form_expansions(self):
        """Units whose words were also searched in other forms (defense for defence)."""
        return [unit for unit in self.units + self.excluded if unit.form_labels]


def leaves_of(node):
    """The words and phrases of ``node``, its OR-ed alternatives flattened."""
    if isinstance(node, AnyOf):
        return [leaf for option in node.options for leaf in leaves_of(option)]
    return [node]


def _words_of(node):
    if node.prefix:
        return None
    return (node.text,) if isinstance(node, Word) else node.words


def _contains(longer, shorter):
    return any(
        longer[start : start + len(shorter)] == shorter
        for start in range(len(longer) - len(shorter) + 1)
    )


def without_longer_names(node):
    """``node`` without the alternatives that hold another alternative's words
    in a row ("Harkan Group" beside "Harkan"): they find no article the
    shorter one does not, and ranked they would count each mention of the
    longer name twice.  Prefixes are kept as they are."""
    options = leaves_of(node)
    words = [_words_of(option) for option in options]
    kept = [
        option
        for option, own in zip(options, words, strict=True)
        if own is None
        or not any(other is not None and other != own and _contains(own, other) for other in words)
    ]
    return any_of(kept)


def label_for(node):
    if isinstance(node, Word):
        return node.text + ("*" if node.prefix else "")
    if isinstance(node, Phrase):
        return " ".join(node.words) + ("*" if node.prefix else "")
    return " OR ".join(label_for(option) for option in node.options)


def normalize_query(text):
    """NFKC, invisible characters removed (a zero-width space or soft hyphen
    inside a word leaves one word), other control and private-use characters
    out, whitespace collapsed."""
    text = remove_invisible(unicodedata.normalize("NFKC", str(text or "")))
    text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    return " ".join(text.split())


def tokenize(text):
    return tuple(token for token in TOKEN.findall(text.lower()) if len(token) <= MAX_WORD_LENGTH)


def designation_variants(tokens):
    """Other spellings of a name that mixes letters and digits: S-300 -> S300;
    F-16s -> F-16, F16; Su-34 -> Su-34s; S300 -> S 300."""
    joined = "".join(tokens)
    if not (re.search(r"\d", joined) and re.search(r"[^\W\d_]", joined)):
        return []
    forms = [(joined,), tuple(LETTERS_AND_DIGITS.findall(joined))]
    last = tokens[-1]
    if re.search(r"\ds$", last):
        forms.append((*tokens[:-1], last[:-1]))
        forms.append((joined[:-1],))
    elif last[-1].isdigit():
        forms.append((*tokens[:-1], last + "s"))
    return [node_for(form) for form in dict.fromkeys(forms) if form != tokens]


def stem_fallbacks(prefix):
    """Both engines index stems (negotiation and negotiating as "negoti"), so a
    prefix that runs past a stem (negotiat*) would miss them.  Stemmers only cut
    word endings, so such a stem is the prefix shortened: those shortened forms
    are searched as whole stems too (up to four letters off, never under four)."""
    if not prefix.isalpha():
        return []
    shortest = max(4, len(prefix) - 4)
    return [Word(prefix[:end]) for end in range(len(prefix) - 1, shortest - 1, -1)]


QUERY_PIECE = re.compile(r'-?"[^"]*(?:"|$)|[^\s"]+')


def parse_query(text):
    parsed = ParsedQuery()
    text = normalize_query(text)
    if len(text) > MAX_QUERY_LENGTH:
        text = text[:MAX_QUERY_LENGTH].rsplit(" ", 1)[0]
        parsed.notes.append(f"The query was cut to its first {MAX_QUERY_LENGTH} characters.")
    parsed.text = text

    items = []  # Unit, "OR", or ("NOT", Unit)
    negate_next = False
    for piece in QUERY_PIECE.findall(text):
        piece = _ungrouped(piece)
        if not piece:
            continue
        if piece in ("OR", "|"):
            items.append("OR")
            continue
        if piece == "AND":
            continue
        if piece == "NOT":
            negate_next = True
            continue
        negate = negate_next
        negate_next = False
        if piece.startswith("-") and len(piece) > 1:
            negate, piece = True, piece[1:]
        unit = _unit(piece, parsed)
        if unit is None:
            continue
        items.append(("NOT", unit) if negate else unit)

    _group(items, parsed)
    _drop_stopwords(parsed)
    _limit(parsed)
    return parsed


def _ungrouped(piece):
    """``piece`` without the brackets and plus signs other search boxes group
    and require words with ("(Kyiv OR Kharkiv) +shelling"): every word is
    required here and OR binds its two neighbours, and kept they showed on
    the page as part of the words ("“(Kyiv” also searched …").  Empty when
    the piece was only brackets."""
    sign = "-" if piece.startswith("-") else ""
    word = piece[len(sign) :]
    if not word or word.startswith('"'):
        return piece
    stripped = word.lstrip("(+").rstrip(")")
    return sign + stripped if stripped else ""


def _unit(piece, parsed):
    if piece.startswith('"'):
        closed = len(piece) > 1 and piece.endswith('"')
        inner = piece[1:-1] if closed else piece[1:]
        tokens = tokenize(inner)
        if not closed and tokens:
            parsed.notes.append("A closing quote was missing; the rest was read as a phrase.")
        if not tokens:
            if inner.strip():
                parsed.ignored.append(piece)
            return None
        return Unit(
            typed=inner.strip(), tokens=tokens, kind="phrase" if len(tokens) > 1 else "word"
        )

    prefix = piece.endswith("*")
    bare = piece.rstrip("*")
    tokens = tokenize(bare)
    if not tokens:
        parsed.ignored.append(piece)
        return None
    if prefix and len(tokens[-1]) < MIN_PREFIX_LENGTH:
        parsed.notes.append(
            f"“{piece}”: a prefix needs at least {MIN_PREFIX_LENGTH} letters; "
            "it was searched as a whole word."
        )
        prefix = False
    kind = "prefix" if prefix else ("word" if len(tokens) == 1 else "phrase")
    if prefix:
        variants = stem_fallbacks(tokens[0]) if len(tokens) == 1 else []
    else:
        variants = designation_variants(tokens)
    if kind == "phrase" and not variants:
        kind = "word"  # a hyphenated word such as long-range: still a plain word to the reader
    return Unit(typed=bare, tokens=tokens, kind=kind, variants=variants)


def _group(items, parsed):
    """OR binds its neighbours into one group; everything else is AND."""
    pending_or = False
    for item in items:
        if item == "OR":
            if parsed.groups and not pending_or:
                pending_or = True
            else:
                parsed.ignored.append("OR")
            continue
        if isinstance(item, tuple):
            parsed.excluded.append(item[1])
            continue
        if pending_or:
            parsed.groups[-1].append(item)
            pending_or = False
        else:
            parsed.groups.append([item])
    if pending_or:
        parsed.ignored.append("OR")


def _is_stopword(unit):
    return (
        unit.kind == "word"
        and len(unit.tokens) == 1
        and unit.tokens[0] in STOPWORDS
        and not (unit.typed.isupper() and len(unit.typed) > 1)
    )


def _drop_stopwords(parsed):
    kept = [group for group in parsed.groups if not all(_is_stopword(u) for u in group)]
    if kept:  # a query of nothing but stopwords ("the who") is searched as typed
        for group in parsed.groups:
            if group not in kept:
                parsed.ignored.extend(unit.typed for unit in group)
        parsed.groups = kept


def _limit(parsed):
    count = 0
    groups = []
    for group in parsed.groups:
        if count + len(group) > MAX_UNITS:
            break
        groups.append(group)
        count += len(group)
    excluded = parsed.excluded[: max(0, MAX_UNITS - count)]
    dropped = len(parsed.units) - count + len(parsed.excluded) - len(excluded)
    if dropped:
        parsed.notes.append(f"Only the first {MAX_UNITS} terms were searched.")
    parsed.groups, parsed.excluded = groups, excluded
