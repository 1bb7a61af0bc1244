"""Rescoring the best matches: the words as typed before the words they stem from.

Both engines index stems, so "Patriot" matches "Patriotic" and "Kordan" the
unrelated "Kordanic": English stemmers cut both to one stem, and an article
of the adjective can outrank one about the system.  The index keeps no
unstemmed word to tell them apart, so, as Elasticsearch's rescore does with
its window, the best ``RESCORE_WINDOW`` matches are read again: those that
hold more of the query's groups in a form as written come first, in the
engine's order within each tier.

A form as written is the typed word, any of its expansions (other spellings,
word forms, names) or an English inflection of one (``inflections``): s, es,
's, ed, ing, with a final e dropped, a consonant doubled or y turned to i.
"Patriots" and "attacked" are forms of "patriot" and "attack"; "patriotic"
and "kordanic" are not.  Prefixes are left alone: they ask for any ending.

Where the engine's ranking counts no nearness (SQLite's bm25), words typed
together and found near each other also move an article up.
"""

import os
import re

from .query import Phrase, Word, any_of, leaves_of

RESCORE_WINDOW = 40  # two pages of 20: reading their texts costs about 2 ms
# Words typed together and found near each other (up to two words between,
# "nuclear power plant" for nuclear plant) count as if this many times higher
# up: SQLite's bm25 ranks no nearness, PostgreSQL's cover density does (see
# QueryCompiler.ranks_nearness).  nDCG@10 of "Drewna bridgehead" in
# fixtures/judgements/generated.yaml on SQLite (manage.py evaluate_search):
# none 0.739, 2 0.781, 3 0.834, 5 0.869, 10 1.000.  The trap is adversarial
# (the articles naming the words apart name each twice as often), and on real
# articles a boost of 10 lifted one near mention from 40th place to 4th.
NEARNESS_BOOST = 3
NEARNESS_SLOP = 2
INFLECTIONS = ("s", "es", "'s", "’s", "ed", "d", "ing")


def inflection_bases(word):
    """What ``word`` is an inflection of, itself included: "strikes" ->
    strikes, strike, strik; "stopped" -> stopped, stopp, stop."""
    bases = {word}
    for ending in INFLECTIONS:
        stem = word.removesuffix(ending)
        if stem != word and len(stem) >= 3:
            bases.add(stem)
            if len(stem) > 3 and stem[-1] == stem[-2]:  # stopped -> stop
                bases.add(stem[:-1])
    if word.endswith(("ies", "ied")) and len(word) > 4:  # supplies -> supply
        bases.add(word[:-3] + "y")
    return bases


def inflections(word):
    """The English inflections of ``word`` and of what it is an inflection of;
    a word in another script as it is (its forms are the query's own)."""
    if not word.isascii():
        return {word}
    forms = set()
    for base in inflection_bases(word):
        forms.add(base)
        forms.update(base + ending for ending in INFLECTIONS)
        if base.endswith("e"):  # strike -> striking
            forms.update((base[:-1] + "ing", base[:-1] + "ed"))
        if base.endswith("y"):  # supply -> supplies, supplied
            forms.update((base[:-1] + "ies", base[:-1] + "ied"))
        forms.add(base + base[-1] + "ing")  # stop -> stopping
        forms.add(base + base[-1] + "ed")
    return forms


class WrittenForms:
    """Whether a text holds one of a search node's words or phrases in a form
    as written, in any case."""

    def __init__(self, node):
        words, self.leaves = {}, []
        for leaf in leaves_of(node):
            if isinstance(leaf, Phrase) and not leaf.prefix:
                self.leaves.append(_Leaf([inflections(word) for word in leaf.words]))
            elif isinstance(leaf, Word) and not leaf.prefix:  # one scan for forms alike
                words.setdefault(leaf.text[:3], set()).update(inflections(leaf.text))
        self.leaves[:0] = [_Leaf([forms]) for forms in words.values()]

    def found_in(self, text):
        return any(leaf.found_in(text) for leaf in self.leaves)


class _Leaf:
    """One word or phrase: found by a literal scan for its first word's forms'
    common start (less the first letter, when four letters or more) in lower
    case and in capitals, each place then matched case-blind.  A case-blind
    scan of the whole text, or lower-casing it first, took three to six times
    as long ("forces", the best 100 of 2,000 generated articles)."""

    def __init__(self, words, slop=0):
        """``words``: the forms of each word in turn, ``slop`` other words
        allowed between each two."""
        common = os.path.commonprefix(sorted(words[0]))
        if len(common) >= 4:  # the first letter's case is left to the match
            self.skipped, cases = 1, {common[1:], common[1:].upper()}
        else:
            self.skipped, cases = 0, {common, common.capitalize(), common.upper()}
        self.starts = [re.compile(re.escape(case)) for case in cases]
        parts = ["(?:" + "|".join(map(re.escape, sorted(forms))) + ")" for forms in words]
        between = r"\W+" + (rf"(?:\w+\W+){{0,{slop}}}" if slop else "")
        self.whole = re.compile(between.join(parts) + r"(?!\w)", re.IGNORECASE)

    def found_in(self, text):
        for start in self.starts:
            for match in start.finditer(text):
                begin = match.start() - self.skipped
                if (
                    begin >= 0
                    and not (begin and text[begin - 1].isalnum())
                    and self.whole.match(text, begin)
                ):
                    return True
        return False


def rescored(ranked, texts, parsed, *, nearness=True):
    """``ranked`` (ids, best first) with those whose text (``texts``: {id:
    text}) holds more of ``parsed``'s groups in a form as written first, in
    ``ranked`` order within each tier; with ``nearness``, an article holding
    bare typed words near each other as typed ranks as if ``NEARNESS_BOOST``
    times higher up."""
    groups = [
        WrittenForms(_any_of_units(group))
        for group in parsed.groups
        if any(unit.kind != "prefix" for unit in group)
    ]
    if not groups:
        return list(ranked)
    together = _typed_together(parsed) if nearness else None

    def place(position, pk):
        text = texts.get(pk, "")
        written = sum(group.found_in(text) for group in groups)
        near = together is not None and together.found_in(text)
        return -written, position / NEARNESS_BOOST if near else position

    places = {pk: place(position, pk) for position, pk in enumerate(ranked, 1)}
    return sorted(ranked, key=places.__getitem__)


def _typed_together(parsed):
    """The query's words as one phrase with up to ``NEARNESS_SLOP`` other
    words between each two, when it is two words or more typed bare (no
    quotes, OR or prefix): what a phrase query with slop rescores in
    Elasticsearch's own example."""
    units = parsed.units
    if len(units) < 2 or len(parsed.groups) != len(units) or any(u.kind != "word" for u in units):
        return None
    return _Leaf([inflections(token) for unit in units for token in unit.tokens], NEARNESS_SLOP)


def _any_of_units(group):
    return any_of([unit.node for unit in group if unit.kind != "prefix"])
