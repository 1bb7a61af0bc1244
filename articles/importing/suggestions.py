"""Suggestions: names in the articles that look like entities but are not in
the gazetteer, counted for editors to accept or dismiss.

A candidate is a run of capitalised words ("Charles Kupchan", "Council on
Foreign Relations", "Lysychansk") with the words that are capitalised for
other reasons trimmed from its edges: sentence openers, titles ("Mr",
"General"), demonyms ("Russian").  A single word at the start of a sentence is
no evidence of a name and is skipped.  Parts of a run that the gazetteer
already knows are cut out, so "Russian President Vladimir Putin" suggests
nothing and "Senior fellow Charles Kupchan" suggests "Charles Kupchan".

Counts are kept up to date as articles are imported, in the same transaction
as the articles (:class:`SuggestionBook`), so an interrupted import leaves
them consistent; :func:`recompute_suggestions` recounts them from the whole
archive after editors change the gazetteer.
"""

import itertools
import json

from django.db import connection, transaction
from django.utils import timezone

from ..linking import Gazetteer
from ..models import Article, Suggestion, normalize_name

EXAMPLES = 3  # example sentences kept per suggestion
MAX_WORDS = 6
SENTENCE_CHARS = 300


def _words(text):
    return frozenset(text.split())


CONNECTORS = _words("of for the on and de da del von van der al bin du la le")
SENTENCE_OPENERS = _words(
    """a an the in on at by to for from of with without within about after before during
    and but or nor so yet if as when while since because although though unless until
    however moreover meanwhile nevertheless thus therefore instead also still even only
    according despite separately earlier later now then today yesterday tomorrow here there
    this that these those it its he she they we you i his her their our my your
    what which who whom whose where why how all any each every some many most more
    no not one two three four five first second third last next other another such
    both either neither several few new old analysts experts officials sources
    do does did is are was were be been has have had will would can could may might must
    shall should let yes our"""
)
TITLES = _words(
    """mr mrs ms dr prof sir dame lord lady president vice prime minister deputy secretary
    general gen lieutenant colonel col major maj captain capt commander admiral marshal
    sergeant army navy senator governor mayor chief head former acting senior junior
    spokesperson spokesman spokeswoman ambassador envoy chairman chairwoman director
    dictator leader
    pope patriarch king queen prince princess st saint"""
)
DEMONYMS = _words(
    """russian ukrainian british english american european western eastern northern southern
    soviet belarusian polish german french italian spanish dutch swiss swedish finnish
    norwegian danish estonian latvian lithuanian moldovan romanian hungarian slovak czech
    bulgarian serbian croatian georgian armenian azerbaijani chechen kazakh turkish iranian
    israeli palestinian syrian chinese japanese korean north south indian pakistani afghan
    arab african asian baltic nordic nato-led kremlin-backed pro-russian pro-ukrainian
    crimean donbas"""
)
COMMON_CAPITALISED = _words(
    """january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday god internet covid"""
)
ACTOR_HEADS = _words(
    """ministry council service services institute agency forces force army brigade battalion
    regiment division corps guard party committee office union fund bank corporation company
    group times radio news post press tv channel network foundation commission parliament
    government administration court assembly alliance federation centre center university
    school command staff police"""
)
PLACE_HEADS = _words(
    """oblast region island river sea bay peninsula district raion province mountains lake
    city village street square bridge airport port plant station"""
)
SPEECH_VERBS = _words(
    """said says told warned added stressed noted wrote argued believes believed claimed
    explained emphasised emphasized insisted suggested thinks"""
)
PLACE_PREPOSITIONS = _words("in near outside towards toward into around across at")


def _stop(word, *, at_start):
    folded = word.casefold()
    return (
        folded in TITLES
        or folded in DEMONYMS
        or folded in CONNECTORS
        or folded in COMMON_CAPITALISED
        or (at_start and folded in SENTENCE_OPENERS)
    )


_OPENING = " \t“‘\"'«("


def _opens_sentence(separator, first):
    """Whether a word after ``separator`` starts a sentence."""
    if first or "\n" in separator:
        return True
    before = separator.rstrip(_OPENING)
    if not before:
        return False
    last = before[-1]
    return last in ".!?…:" or (last in "”’»)" and before[-2:-1] in tuple(".!?…"))


def _runs(scan, limit):
    """Runs of capitalised words that the gazetteer did not take, with
    connectors inside ("Council on Foreign Relations"), as
    ``(words, opens a sentence, word before, word after, start, end)`` with
    character offsets; runs starting at or after ``limit`` are left out."""
    pieces, taken = scan.pieces, scan.taken
    words = pieces[1::2]
    ends = list(itertools.accumulate(map(len, pieces)))
    capitals = [
        i
        for i, (word, folded) in enumerate(zip(words, scan.folded, strict=True))
        if word != folded and word[0].isupper() and i not in taken
    ]
    k, n = 0, len(capitals)
    while k < n:
        first = last = capitals[k]
        if ends[2 * first] >= limit:
            return
        if pieces[2 * first] == "-" and first and words[first - 1][0].islower():
            k += 1  # "pro-Kremlin": part of an adjective
            continue
        while True:
            after = pieces[2 * last + 2]
            if after in ("’", "'") and words[last + 1 : last + 2] == ["s"]:
                break  # a possessive ends the name
            if after == "-" and words[last + 1 : last + 2] and words[last + 1][0].islower():
                last -= 1  # "Kremlin-adjacent": an adjective, not a name
                break
            if k + 1 == n:
                break
            following = capitals[k + 1]
            gap = range(last + 1, following)
            if (
                len(gap) > 3
                or any(pieces[2 * i] != " " for i in range(last + 1, following + 1))
                or any(words[i].lower() not in CONNECTORS or i in taken for i in gap)
            ):
                break
            last = following
            k += 1
        k += 1
        if last < first:
            continue
        run = words[first : last + 1]
        while run and run[-1].lower() in CONNECTORS:
            run.pop()
        if not run:
            continue
        yield (
            run,
            _opens_sentence(pieces[2 * first], first == 0),
            words[first - 1].lower() if first else "",
            words[last + 1].lower() if last + 1 < len(words) else "",
            ends[2 * first],
            ends[2 * last + 1],
        )


def _sentence_around(text, start, end):
    left = max(text.rfind(mark, 0, start) for mark in ("\n", ". ", "? ", "! "))
    right = [text.find(mark, end) for mark in ("\n", ". ", "? ", "! ")]
    right = min([position for position in right if position >= 0], default=len(text))
    sentence = text[left + 1 : right + 1].strip()
    return sentence[:SENTENCE_CHARS]


def _trim(words, at_start):
    start, end = 0, len(words)
    while start < end and _stop(words[start], at_start=at_start and start == 0):
        start += 1
    while end > start and _stop(words[end - 1], at_start=False):
        end -= 1
    return start, end


def find_candidates(scan, text, limit=None):
    """Candidate names in ``text`` (up to ``limit`` characters) given its
    :class:`~articles.linking.Scan`, as
    ``{normalized: [name, count, sentence, actor votes, location votes]}``."""
    found = {}
    limit = len(text) if limit is None else limit
    for run, opens, before, after, run_start, run_end in _runs(scan, limit):
        start, end = _trim(run, opens)
        words = run[start:end]
        if not words or len(words) > MAX_WORDS:
            continue
        if len(words) == 1 and not _plausible_single(words[0], opens and start == 0):
            continue
        name = " ".join(words)
        key = normalize_name(name)
        entry = found.get(key)
        if entry is None:
            entry = found[key] = [name, 0, _sentence_around(text, run_start, run_end), 0, 0]
        entry[1] += 1
        last = words[-1].casefold()
        titled = start > 0 and run[start - 1].casefold() in TITLES
        if titled or last in ACTOR_HEADS or (end == len(run) and after in SPEECH_VERBS):
            entry[3] += 1
        elif last in PLACE_HEADS or (before in PLACE_PREPOSITIONS and start == 0):
            entry[4] += 1
    return found


def _plausible_single(word, first_in_sentence):
    """A lone capitalised word is a name unless it opens the sentence, is a
    common word or looks like a demonym ("Russians")."""
    if first_in_sentence or len(word) < 2 or (len(word) < 3 and not word.isupper()):
        return False
    folded = word.casefold()
    if folded in SENTENCE_OPENERS or folded in COMMON_CAPITALISED:
        return False
    return not folded.endswith(("ian", "ians", "ean", "eans", "ese", "ish", "ists", "ism"))


def _kind(actor_votes, location_votes):
    if actor_votes > location_votes:
        return Suggestion.Kind.ACTOR
    if location_votes > actor_votes:
        return Suggestion.Kind.LOCATION
    return Suggestion.Kind.UNKNOWN


def suggestion_text(title, lede, body):
    """Suggestions read the lede and body: headlines are often in Title Case,
    and captions' credits name photographers."""
    return f"{lede}\n{body}"


class SuggestionBook:
    """Suggestion counts for a batch of articles, written in one go."""

    def __init__(self, gazetteer):
        self.gazetteer = gazetteer
        self.entries = {}  # normalized -> [name, mentions, articles, examples, actor, location]
        self.names = 0

    def add(self, slug, text, sign=1, *, scan=None, limit=None):
        """Count the candidates of one article's text (``sign=-1`` takes an old
        text away).  ``scan``: the gazetteer's scan of ``text`` when the caller
        has it already; ``limit``: how much of the text to read."""
        if scan is None:
            scan = self.gazetteer.scan(text)
        self.add_found(slug, find_candidates(scan, text, limit), sign)

    def add_found(self, slug, found, sign=1):
        """Count candidates already found (see :func:`find_candidates`)."""
        for key, (name, count, sentence, actor, location) in found.items():
            entry = self.entries.get(key)
            if entry is None:
                entry = self.entries[key] = [name, 0, 0, [], 0, 0]
            entry[1] += sign * count
            entry[2] += sign
            if sign > 0 and len(entry[3]) < EXAMPLES:
                entry[3].append({"article": slug, "sentence": sentence})
            entry[4] += sign * actor
            entry[5] += sign * location

    def flush(self, dropped_slugs=()):
        """Write the counted deltas; call inside the batch's transaction.
        ``dropped_slugs``: articles whose old examples no longer hold."""
        if not self.entries:
            return 0
        keys = list(self.entries)
        now = timezone.now()
        existing = {}
        for offset in range(0, len(keys), 2000):
            existing.update(
                (row[0], row[1:])
                for row in Suggestion.objects.filter(normalized__in=keys[offset : offset + 2000])
                .order_by()
                .values_list("normalized", "pk", "article_count", "examples", "kind")
            )
        new, updates = [], []
        dropped = set(dropped_slugs)
        for key, (name, mentions, articles, examples, actor, location) in self.entries.items():
            if key in existing:
                pk, article_count, old_examples, kind = existing[key]
                merged = old_examples
                if dropped or (article_count < EXAMPLES and examples):
                    kept = [e for e in old_examples if e.get("article") not in dropped]
                    seen = {e.get("article") for e in kept}
                    merged = kept + [e for e in examples if e["article"] not in seen]
                    merged = merged[:EXAMPLES]
                if kind == Suggestion.Kind.UNKNOWN:
                    kind = _kind(actor, location)
                updates.append((mentions, articles, json.dumps(merged), kind, now, pk))
            elif mentions > 0:
                new.append(
                    Suggestion(
                        name=name[:200],
                        normalized=key[:200],
                        kind=_kind(actor, location),
                        mention_count=mentions,
                        article_count=articles,
                        examples=examples,
                    )
                )
        if new:
            Suggestion.objects.bulk_create(new, batch_size=500)
        if updates:
            table = connection.ops.quote_name(Suggestion._meta.db_table)
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {table} SET "
                    "mention_count = CASE WHEN mention_count + %s > 0 THEN mention_count + %s "
                    "ELSE 0 END, "
                    "article_count = CASE WHEN article_count + %s > 0 THEN article_count + %s "
                    "ELSE 0 END, "
                    "examples = %s, kind = %s, updated = %s WHERE id = %s",
                    [(m, m, a, a, ex, kind, now, pk) for m, a, ex, kind, now, pk in updates],
                )
            emptied = [pk for m, a, ex, kind, now, pk in updates if m < 0]
            if emptied:
                Suggestion.objects.filter(
                    pk__in=emptied, mention_count=0, status=Suggestion.Status.PENDING
                ).delete()
        self.names += len(new)
        touched = len(self.entries)
        self.entries = {}
        return touched


def recompute_suggestions(*, chunk_size=1000):
    """Recount every suggestion from the whole archive and the gazetteer as it
    is now; returns how many pending suggestions there are afterwards.

    Accepted and dismissed suggestions keep their status (their counts are
    refreshed); pending ones that no longer occur, or that the gazetteer now
    names, are removed.  One transaction: readers see the old counts or the
    new ones.
    """
    book = SuggestionBook(Gazetteer.from_database())
    with transaction.atomic():
        Suggestion.objects.update(mention_count=0, article_count=0, examples=[])
        rows = Article.objects.order_by("pk").values_list("slug", "title", "lede", "body")
        for n, (slug, title, lede, body) in enumerate(rows.iterator(chunk_size=chunk_size), 1):
            book.add(slug, suggestion_text(title, lede, body))
            if n % chunk_size == 0:
                book.flush()
        book.flush()
        Suggestion.objects.filter(status=Suggestion.Status.PENDING, mention_count=0).delete()
    return Suggestion.objects.filter(status=Suggestion.Status.PENDING).count()
