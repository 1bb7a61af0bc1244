"""Suggestions: names in the articles that look like entities but are not in
the gazetteer, counted for editors to accept or dismiss.

A candidate is a run of capitalised words ("Charles Kupchan", "Council on
Foreign Relations", "Lysychansk") with the words that are capitalised for
other reasons trimmed from its edges: sentence openers, titles ("Mr",
"General"), demonyms ("Russian").  A single word at the start of a sentence is
no evidence of a name and is skipped.  Parts of a run that the gazetteer
already knows are cut out, so "Russian President Vladimir Putin" suggests
nothing and "Senior fellow Charles Kupchan" suggests "Charles Kupchan".

Not every capitalised run is worth an editor's time, so some are left out:
runs on a line that reads as a heading (a short paragraph of its own without
sentence punctuation, or capitalised words before a colon, "Key Takeaways:")
or as a greeting ("Dear Compatriots!"), units, time zones, calendar words and generic words
that are capitalised in a name without being one ("City", "Axis", "West").
The possessive ("Zaluzhnyi's") and the case endings of Ukrainian and Russian
words are folded into one suggestion (:func:`suggestion_key`), which shows
its commonest form.  Each suggestion gets a score from its evidence
(:func:`evidence_score`) and editors see the best first; the names of the
archive's own authors are kept but marked and ranked last.

Counts are kept up to date as articles are imported, in the same transaction
as the articles (:class:`SuggestionBook`), so an interrupted import leaves
them consistent; :func:`recompute_suggestions` recounts them from the whole
archive after editors change the gazetteer.
"""

import bisect
import itertools
import json
import math
import operator
import re
from collections import Counter

from django.db import connection, transaction
from django.utils import timezone

from ..linking import CYRILLIC_WORD, Gazetteer
from ..models import Article, Source, SourceAlias, Suggestion, normalize_name
from ..search import get_engine

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
    adviser advisor
    dictator leader chancellor
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
    monday tuesday wednesday thursday friday saturday sunday god internet covid
    day days week weeks month months year years weekend
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thurs fri sat sun
    am pm"""
)
TIME_ZONES = _words("et est edt gmt utc cet cest eet eest msk bst pt pst pdt ct cst cdt mt")
UNITS = _words("""km mm cm kg kt mw gw kw kwh mwh gwh twh bn mln usd eur uah rub hp mph kph""")
# Words capitalised inside names ("Southern Axis", "New York City") that name
# nothing on their own.
GENERIC = _words(
    """city cities town towns village villages convention conventions axis axes oblast oblasts
    raion raions region regions direction directions front fronts sector sectors west east
    north south mod ministry government parliament forces troops military state states
    republic federation"""
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


# Single words that are no name on their own: a head noun without the words
# that make it a name ("Office", "Council", "Sea") is one of these too.
_LEFT_OUT = TIME_ZONES | UNITS | GENERIC | ACTOR_HEADS | PLACE_HEADS | TITLES


def _stop(word, *, at_start, lowercase=frozenset()):
    """Whether ``word`` is trimmed from the edge of a run: capitalised for
    another reason than being part of a name.  ``lowercase``: the words the
    text also uses in lower case; opening a sentence, such a word is common."""
    folded = word.casefold()
    return (
        folded in TITLES
        or folded in DEMONYMS
        or folded in CONNECTORS
        or folded in COMMON_CAPITALISED
        or (at_start and (folded in SENTENCE_OPENERS or folded in lowercase))
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
    ``(words, opens a sentence, word before, word after, start, end, index of
    the last word)`` with character offsets; runs starting at or after
    ``limit`` are left out."""
    pieces, taken = scan.pieces, scan.taken
    words = pieces[1::2]
    ends = scan.ends
    # The words with a capital, picked in C from those that lower case changes.
    changed = itertools.compress(itertools.count(), map(operator.ne, words, scan.folded))
    capitals = [i for i in changed if words[i][0].isupper() and i not in taken]
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
            initial = last > first and _initial(words[last], after)
            if initial and last + 1 in taken:
                last = first - 1  # "Vladimir V. Putin": the rest of a known name
                break
            if k + 1 == n:
                break
            following = capitals[k + 1]
            gap = range(last + 1, following)
            if initial and following == last + 1:
                if words[following].casefold() in SENTENCE_OPENERS:
                    break
                last = following  # "Ostap R. Kmit"
                k += 1
                continue
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
            first + len(run) - 1,
        )


def _after_inner_title(run, start, end):
    """Where the name starts in ``run[start:end]`` once the title inside it
    is cut off with the words before it ("Interior Minister Vladimir
    Kolokoltsev", "Office of the President Ihor Zhovkva"), unless a
    connector follows the title ("Office of the Head of State")."""
    for i in range(end - 2, start - 1, -1):
        if run[i].casefold() in TITLES:
            return start if run[i + 1].casefold() in CONNECTORS else i + 1
    return start


def _initial(word, after):
    """Whether ``word`` followed by ``after`` is an initial ("V. "); one is
    taken for a middle initial after a capitalised word only."""
    return len(word) == 1 and word.isupper() and after == ". "


def _sentence_around(text, start, end):
    left = max(text.rfind(mark, 0, start) for mark in ("\n", ". ", "? ", "! "))
    right = [text.find(mark, end) for mark in ("\n", ". ", "? ", "! ")]
    right = min([position for position in right if position >= 0], default=len(text))
    sentence = text[left + 1 : right + 1].strip()
    return sentence[:SENTENCE_CHARS]


def _trim(words, at_start, lowercase):
    start, end = 0, len(words)
    while start < end and _stop(
        words[start], at_start=at_start and start == 0, lowercase=lowercase
    ):
        start += 1
    while end > start and _stop(words[end - 1], at_start=False):
        end -= 1
    return start, end


HEADING_WORDS = 12  # a heading is a line of at most this many words…
_SENTENCE_END = re.compile(r"[.!?…:;][\"'”’»)\]]*\s*$")  # …that does not end as a sentence does
# …or of capitalised words introducing a list ("Key Takeaways:"), unlike "Zelensky said:".
_LIST_HEADING = re.compile(r"(?:[^\W\d_][^\W\d_'’\-]*\s+){0,5}[^\W\d_][^\W\d_'’\-]*:\s*")
# An address's greeting on a line of its own ("Dear Compatriots!", "Дорогі українці!").
_GREETING = re.compile(
    r"(?i:dear|дорогі|дорогий|дорога|шановні|шановний|дорогие|уважаемые)\s[^.?]{1,80}[!,]\s*"
)


def _heading_lines(text):
    """``(line starts, heading flags)`` of the lines of ``text``: a heading
    stands alone as a short line without sentence punctuation at its end, or
    introduces a list, or is a greeting."""
    starts, flags, position = [], [], 0
    for line in text.split("\n"):
        starts.append(position)
        words = len(line.split(maxsplit=HEADING_WORDS))  # a long line is not split whole
        flags.append(
            0 < words <= HEADING_WORDS
            and (
                not _SENTENCE_END.search(line)
                or _is_list_heading(line)
                or _GREETING.fullmatch(line) is not None
            )
        )
        position += len(line) + 1
    return starts, flags


def _is_list_heading(line):
    return _LIST_HEADING.fullmatch(line) is not None and all(
        word[0].isupper() or word.casefold() in CONNECTORS for word in line.split()
    )


def _stem(word):
    """A Ukrainian or Russian word without its case ending ("Залужного" and
    "Залужний" give one stem); other words unchanged."""
    if len(word) < 5 or not CYRILLIC_WORD.fullmatch(word):
        return word
    for ending in _CASE_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


_CASE_ENDINGS = sorted(
    {
        *"аяоеєиіїуюьйы",
        *_words("ого ому им ім ий ый ым ом ою ей ею єю ові ем ём ій ої ах ях ами ями"),
        *_words("ського ському ським ськім ський ская ский ского скому ским ском"),
    },
    key=len,
    reverse=True,
)


def suggestion_key(name):
    """What one suggestion is filed under: the name normalized, without a
    possessive or middle initials ("Janet L. Yellen" is "Janet Yellen"), its
    Ukrainian and Russian words without their case endings."""
    normalized = normalize_name(name)
    if normalized.endswith(("'s", "'")):
        normalized = normalized.removesuffix("s").removesuffix("'").rstrip()
    words = normalized.split()
    words[1:-1] = [word for word in words[1:-1] if not _MIDDLE_INITIAL.fullmatch(word)]
    return " ".join(_stem(word) for word in words)


_MIDDLE_INITIAL = re.compile(r"\w\.")


# An entry of find_candidates: [commonest form, mentions, example sentence,
# actor votes, place votes, mentions mid-sentence, mentions with a context
# cue, {form: mentions}, also in lower case in the text].
NAME, MENTIONS, SENTENCE, ACTOR_VOTES, PLACE_VOTES, MID, CUED, FORMS, LOWER = range(9)


def find_candidates(scan, text, limit=None):
    """Candidate names in ``text`` (up to ``limit`` characters) given its
    :class:`~articles.linking.Scan`, as ``{key: entry}`` (see the fields
    above), keyed by :func:`suggestion_key`."""
    found = {}
    limit = len(text) if limit is None else limit
    lowercase = set(filter(str.islower, scan.pieces[1::2]))
    line_starts, headings = _heading_lines(text)
    for run, opens, before, after, run_start, run_end, last in _runs(scan, limit):
        if headings[bisect.bisect_right(line_starts, run_start) - 1]:
            continue
        start, end = _trim(run, opens, lowercase)
        start = _after_inner_title(run, start, end)
        words = run[start:end]
        if not words or len(words) > MAX_WORDS:
            continue
        first_in_sentence = opens and start == 0
        if start == 0 and _continues_a_known_name(scan, last - len(run) + 1):
            continue  # "Kharkiv Courier", "Kyiv Independent": not "Courier", "Independent"
        if len(words) == 1 and (
            not _plausible_single(words[0], first_in_sentence)
            or (end < len(run) and run[end].casefold() in TITLES)  # "Federal Chancellor"
            or (end == len(run) and _part_of_a_known_name(scan, last))
        ):
            continue
        first_word = last - len(run) + 1 + start
        name = "".join(scan.pieces[2 * first_word + 1 : 2 * (first_word + len(words))])
        key = suggestion_key(name)
        entry = found.get(key)
        if entry is None:
            sentence = _sentence_around(text, run_start, run_end)
            in_lower_case = len(words) == 1 and words[0].casefold() in lowercase
            entry = found[key] = [name, 0, sentence, 0, 0, 0, 0, Counter(), in_lower_case]
        entry[MENTIONS] += 1
        entry[FORMS][name] += 1
        if not first_in_sentence or len(words) > 1:  # a common word opens sentences alone
            entry[MID] += 1
        titled = (start > 0 and run[start - 1].casefold() in TITLES) or (
            end == len(run) and _titled_after(scan, last)
        )
        last = (run[end] if end < len(run) else words[-1]).casefold()
        if titled or last in ACTOR_HEADS or (end == len(run) and after in SPEECH_VERBS):
            entry[ACTOR_VOTES] += 1
            entry[CUED] += 1
        elif last in PLACE_HEADS or (before in PLACE_PREPOSITIONS and start == 0):
            entry[PLACE_VOTES] += 1
            entry[CUED] += 1
    return found


def _titled_after(scan, last):
    """Whether a title follows word ``last`` after a comma ("Ihor Zhovkva,
    deputy head of …", "Marta Kovalyk, the minister")."""
    pieces = scan.pieces
    if not pieces[2 * last + 2 : 2 * last + 3] or not pieces[2 * last + 2].startswith(","):
        return False
    following = [word.casefold() for word in pieces[2 * last + 3 : 2 * last + 7 : 2]]
    if following[:1] in (["the"], ["a"], ["an"]):
        following = following[1:]
    return bool(following) and following[0] in TITLES


def _source_keys():
    """Suggestion keys of the archive's sources and their other names ("Institute
    for the Study of War (ISW)" as "Institute for the Study of War" and "ISW"
    too): a source named in a text is no new name for the gazetteer."""
    names = [*Source.objects.values_list("name", flat=True)]
    names += SourceAlias.objects.values_list("name", flat=True)
    return {suggestion_key(form) for name in names for form in _forms_of_source_name(name)}


_BRACKETED_TAIL = re.compile(r"\s*\(([^()]*)\)$")
OUTLET_WORD_MIN = 3  # a word of the outlet's name alone ("the Ledger") from this length


def _forms_of_source_name(name):
    """``name``, without its bracketed tail, and that tail when it is a short
    name rather than a web address ("ISW" of "Institute … (ISW)")."""
    forms = [name]
    tail = _BRACKETED_TAIL.search(name)
    if tail:
        forms.append(name[: tail.start()])
        if not re.search(r"[./]", tail.group(1)):
            forms.append(tail.group(1))
    return [form for form in forms if form.strip()]


def _names_the_outlet(key, outlet_names):
    """Whether a suggestion's ``key`` holds one of its article's own outlet's
    names (``outlet_names``: word tuples), or is one word of one ("the
    Ledger" of the Harbor Ledger): the publisher naming itself is no new name."""
    words = key.split()
    for name in outlet_names:
        length = len(name)
        if any(tuple(words[i : i + length]) == name for i in range(len(words) - length + 1)):
            return True
        if len(words) == 1 and len(words[0]) >= OUTLET_WORD_MIN and words[0] in name:
            return True
    return False


def _continues_a_known_name(scan, first):
    """Whether the word at ``first`` directly follows a name the gazetteer knows,
    so that it only finishes a longer name built on it."""
    return first - 1 in scan.taken and scan.pieces[2 * first] == " "


def _part_of_a_known_name(scan, last):
    """Whether the word at ``last`` belongs to a longer name around a name the
    gazetteer knows: it qualifies it ("Nazi Germany") or heads it ("Hero of
    Ukraine", "Fund for Kyiv")."""
    words, taken = scan.pieces[1::2], scan.taken
    following = last + 1
    if following in taken and scan.pieces[2 * following] == " ":
        return True
    if words[following : following + 1] in (["of"], ["for"]):
        after_of = (
            following + 2 if words[following + 1 : following + 2] == ["the"] else following + 1
        )
        return after_of in taken
    return False


def _plausible_single(word, first_in_sentence):
    """A lone capitalised word is a name unless it opens the sentence, is a
    common word or looks like a demonym ("Russians")."""
    if first_in_sentence or len(word) < 2 or (len(word) < 3 and not word.isupper()):
        return False
    folded = word.casefold()
    if folded in SENTENCE_OPENERS or folded in COMMON_CAPITALISED or folded in _LEFT_OUT:
        return False
    if folded.removesuffix("s") in DEMONYMS:  # "Americans"
        return False
    return not folded.endswith(("ian", "ians", "ean", "eans", "ese", "ish", "ists", "ism"))


def evidence_score(
    *, articles, mentions, sources, mid_sentence, context, lowercase_articles, forms, author
):
    """How likely a suggestion is a real name, from its evidence: it grows with
    the articles and, faster, the distinct sources that use it; it shrinks
    when the name mostly opens sentences, seldom comes with a cue ("in …",
    "President …", "… said") or is also written in lower case in the same
    articles; several forms (inflections, possessives) add to it.  An author
    of the archive's own articles ranks last."""
    if articles <= 0 or mentions <= 0:
        return 0.0
    score = math.log2(1 + articles) * (1 + math.log2(max(sources, 1)))
    score *= 0.2 + 0.8 * min(mid_sentence / mentions, 1)
    score *= 1 + min(context / mentions, 1)
    score *= 1 + 0.25 * min(max(forms - 1, 0), 4)
    score *= 1 - 0.8 * min(lowercase_articles / articles, 1)
    if author:
        score *= 0.01
    return round(score, 4)


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
        self.entries = {}  # key -> _Delta
        self.names = 0
        self._authors = None  # suggestion keys of the archive's authors, read on first flush
        self._new_authors = set()
        self._own_names = {}  # source id -> its names as suggestion key words

    def add(self, slug, text, sign=1, *, scan=None, limit=None, source_id=None, authors=()):
        """Count the candidates of one article's text (``sign=-1`` takes an old
        text away).  ``scan``: the gazetteer's scan of ``text`` when the caller
        has it already; ``limit``: how much of the text to read."""
        if scan is None:
            scan = self.gazetteer.scan(text)
        found = find_candidates(scan, text, limit)
        self.add_found(slug, found, sign, source_id=source_id, authors=authors)

    def add_found(self, slug, found, sign=1, *, source_id=None, authors=()):
        """Count candidates already found (see :func:`find_candidates`) in an
        article of ``source_id`` by ``authors``."""
        self._new_authors.update(suggestion_key(author) for author in authors or ())
        own_names = self._source_names(source_id) if source_id is not None else ()
        for key, entry in found.items():
            if own_names and _names_the_outlet(key, own_names):
                continue
            delta = self.entries.get(key)
            if delta is None:
                delta = self.entries[key] = _Delta(entry[NAME])
            delta.add(entry, sign, slug, source_id)

    def _source_names(self, source_id):
        names = self._own_names.get(source_id)
        if names is None:
            written = [
                *Source.objects.filter(pk=source_id).values_list("name", flat=True),
                *SourceAlias.objects.filter(entity_id=source_id).values_list("name", flat=True),
            ]
            names = self._own_names[source_id] = {
                words
                for name in written
                for form in _forms_of_source_name(name)
                if (words := tuple(suggestion_key(form).split()))
            }
        return names

    def _archive_authors(self):
        if self._authors is None:
            self._authors = {
                suggestion_key(author)
                for authors in Article.objects.exclude(authors=[])
                .values_list("authors", flat=True)
                .iterator(chunk_size=2000)
                for author in authors or ()
                if isinstance(author, str)
            }
        self._authors |= self._new_authors
        self._new_authors = set()
        return self._authors

    def flush(self, dropped_slugs=()):
        """Write the counted deltas; call inside the batch's transaction.
        ``dropped_slugs``: articles whose old examples no longer hold."""
        if not self.entries:
            return 0
        authors = self._archive_authors()
        sources = _source_keys()
        keys = [key for key in self.entries if key not in sources]
        now = timezone.now()
        existing = {}
        for offset in range(0, len(keys), 2000):
            existing.update(
                (row["normalized"], row)
                for row in Suggestion.objects.filter(normalized__in=keys[offset : offset + 2000])
                .order_by()
                .values("normalized", "pk", "kind", "examples", *_TOTALS)
            )
        new, updates = [], []
        dropped = set(dropped_slugs)
        for key in keys:
            delta = self.entries[key]
            row = existing.get(key)
            if row is None and delta.mentions <= 0:
                continue
            row = row or {
                "pk": None,
                "kind": Suggestion.Kind.UNKNOWN,
                "examples": [],
                **{field: {} if field in _JSON_TOTALS else 0 for field in _TOTALS},
            }
            totals = delta.applied_to(row)
            examples = row["examples"]
            if dropped or (row["article_count"] < EXAMPLES and delta.examples):
                kept = [e for e in examples if e.get("article") not in dropped]
                seen = {e.get("article") for e in kept}
                examples = (kept + [e for e in delta.examples if e["article"] not in seen])[
                    :EXAMPLES
                ]
            kind = row["kind"]
            if kind == Suggestion.Kind.UNKNOWN:
                kind = _kind(delta.actor_votes, delta.place_votes)
            forms = totals["forms"]
            totals["archive_author"] = key in authors
            totals["score"] = evidence_score(
                articles=totals["article_count"],
                mentions=totals["mention_count"],
                sources=totals["source_count"],
                mid_sentence=totals["mid_sentence_count"],
                context=totals["context_count"],
                lowercase_articles=totals["lowercase_article_count"],
                forms=len(forms),
                author=totals["archive_author"],
            )
            name = max(forms, key=lambda form: (forms[form], -len(form)), default=delta.name)
            if row["pk"] is None:
                new.append(
                    Suggestion(
                        name=name[:200],
                        normalized=key[:200],
                        kind=kind,
                        examples=examples,
                        **totals,
                    )
                )
            else:
                updates.append((row["pk"], name[:200], kind, examples, totals))
        get_engine().index.insert_objects(new)
        if updates:
            self._update(updates, now)
        self.names += len(new)
        touched = len(self.entries)
        self.entries = {}
        return touched

    @staticmethod
    def _update(updates, now):
        fields = ["name", "kind", "examples", *_TOTALS, "archive_author", "score", "updated"]
        table = connection.ops.quote_name(Suggestion._meta.db_table)
        assignments = ", ".join(f"{connection.ops.quote_name(f)} = %s" for f in fields)
        rows = []
        for pk, name, kind, examples, totals in updates:
            values = [name, kind, json.dumps(examples)]
            values += [json.dumps(totals[f]) if f in _JSON_TOTALS else totals[f] for f in _TOTALS]
            rows.append([*values, totals["archive_author"], totals["score"], now, pk])
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s", rows)
        emptied = [pk for pk, _, _, _, totals in updates if totals["mention_count"] == 0]
        if emptied:
            Suggestion.objects.filter(
                pk__in=emptied, mention_count=0, status=Suggestion.Status.PENDING
            ).delete()


_COUNTS = [
    "mention_count",
    "article_count",
    "mid_sentence_count",
    "context_count",
    "lowercase_article_count",
]
_JSON_TOTALS = ["forms", "source_articles"]
_TOTALS = [*_COUNTS, "source_count", *_JSON_TOTALS]


class _Delta:
    """What a batch adds to (or takes from) one suggestion."""

    def __init__(self, name):
        self.name = name
        self.mentions = self.articles = self.mid = self.cued = self.lowercase = 0
        self.actor_votes = self.place_votes = 0
        self.forms = Counter()
        self.sources = Counter()
        self.examples = []

    def add(self, entry, sign, slug, source_id):
        self.mentions += sign * entry[MENTIONS]
        self.articles += sign
        self.mid += sign * entry[MID]
        self.cued += sign * entry[CUED]
        self.lowercase += sign * bool(entry[LOWER])
        self.actor_votes += sign * entry[ACTOR_VOTES]
        self.place_votes += sign * entry[PLACE_VOTES]
        for form, n in entry[FORMS].items():
            self.forms[form] += sign * n
        if source_id is not None:
            self.sources[str(source_id)] += sign
        if sign > 0 and len(self.examples) < EXAMPLES:
            self.examples.append({"article": slug, "sentence": entry[SENTENCE]})

    def applied_to(self, row):
        """The suggestion's totals once this delta is added to ``row``'s."""
        deltas = [self.mentions, self.articles, self.mid, self.cued, self.lowercase]
        totals = {
            field: max(row[field] + delta, 0) for field, delta in zip(_COUNTS, deltas, strict=True)
        }
        totals["forms"] = _added(row["forms"], self.forms)
        totals["source_articles"] = _added(row["source_articles"], self.sources)
        totals["source_count"] = len(totals["source_articles"])
        return totals


def _added(stored, delta):
    """``stored`` ({key: count}, as kept in JSON) plus ``delta``, without the
    keys that fall to zero."""
    total = Counter({key: n for key, n in (stored or {}).items() if isinstance(n, int)})
    total.update(delta)
    return {key: n for key, n in total.items() if n > 0}


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
        Suggestion.objects.update(
            examples=[],
            forms={},
            source_articles={},
            score=0,
            **dict.fromkeys([*_COUNTS, "source_count"], 0),
        )
        rows = Article.objects.order_by("pk").values_list(
            "slug", "title", "lede", "body", "source_id", "authors"
        )
        for n, (slug, title, lede, body, source_id, authors) in enumerate(
            rows.iterator(chunk_size=chunk_size), 1
        ):
            text = suggestion_text(title, lede, body)
            book.add(slug, text, source_id=source_id, authors=authors or ())
            if n % chunk_size == 0:
                book.flush()
        book.flush()
        Suggestion.objects.filter(status=Suggestion.Status.PENDING, mention_count=0).delete()
    return Suggestion.objects.filter(status=Suggestion.Status.PENDING).count()
