"""From a page's text to an article: headline, lede, paragraphs and captions.

The rules that recognise site furniture are data (:mod:`.furniture`); this
module applies them and makes the structural decisions a reader makes at a
glance: which line is the headline, which is a standfirst, which lines are
photo captions, which lines are one paragraph wrapped at 72 columns.
"""

import html
import re
import unicodedata
from dataclasses import dataclass, field

import ftfy

from ..invisible import INVISIBLE, INVISIBLE_CHARACTERS
from ..models import normalize_name
from .furniture import CAPTION_RULES, LINE_RULES, SOURCE_PATTERNS, TEASER_BLOCK_MIN_LINES
from .sources import source_key
from .structure import REMOVED, TOP_ZONE, byline_names, is_dateline, structure

HEADLINE_MAX = 120  # a headline made from the opening sentence is cut to this
TITLE_MAX = 300  # Article.title's column

# The line rules without hints in one pattern, one match a line; the group that
# matched names the rule.  The others are tried alone, on lines with a hint.
_LINE_RULES = re.compile(
    "|".join(
        f"(?P<r{i}>{rule.inline_pattern})" for i, rule in enumerate(LINE_RULES) if not rule.hints
    )
)
_LINE_RULE_NAMES = {f"r{i}": rule.name for i, rule in enumerate(LINE_RULES)}
_HINTED_LINE_RULES = [(rule, rule.compile()) for rule in LINE_RULES if rule.hints]
_COMPILED_CAPTION_RULES = [(rule, rule.compile()) for rule in CAPTION_RULES]

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_LINE_EDGES = re.compile(r" *\n *")
# Anything normalize_text would change; most texts have none and skip the work.  The
# pairs are looked for as substrings: one pattern with them in took twice as long.
_UNTIDY_CHARACTERS = re.compile(
    f"[{INVISIBLE_CHARACTERS}\r\t\u00a0\u2000-\u200a\u202f\u205f\u3000]"
)
_UNTIDY_PAIRS = ("  ", " \n", "\n ")
# UTF-8 read as Windows-1252 or Latin-1 ("â€“" for "–", "Ð£ÐºÑ€Ð°Ñ—Ð½Ð°" for
# "Україна"): a lead byte's character before a continuation byte's.  ftfy then
# decides whether and how to repair; its own test costs 1.8 ms a text, this one
# 18 us (the dev corpus's 2,324 texts and titles).
_MOJIBAKE_HINT = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
    "\u02c6\u02dc\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030"
    "\u2039\u203a\u20ac\u2122]"
)
# HTML left in a text field by a scraper: the tags of a page's prose, and entities
# ("&amp;", "&#8217;") with their semicolon (without one, "AT&T" would lose its T).
_HTML_BLOCK_TAGS = (
    r"p|div|h[1-6]|li|ul|ol|dl|dt|dd|blockquote|figure|figcaption|section|article"
    r"|aside|header|footer|main|nav|table|tr|hr"
)
_HTML_TAG = re.compile(
    rf"</?(?:{_HTML_BLOCK_TAGS}|br|span|a|em|strong|b|i|u|s|q|cite|img|picture|source"
    r"|thead|tbody|td|th|sup|sub|small|mark|abbr|time|iframe|font|center)\b[^<>]*>",
    re.IGNORECASE,
)
_HTML_BREAK = re.compile(r"<br\b[^<>]*>", re.IGNORECASE)
# A footnote number set as superscript ("<sup><a href=…>3</a></sup>"): kept as "[3]",
# the mark the footnotes are taken out by, rather than glued to the word before.
_HTML_FOOTNOTE = re.compile(
    r"<sup\b[^<>]*>\s*(?:<a\b[^<>]*>\s*)?\[?(\d{1,3})\]?\s*(?:</a>\s*)?</sup>", re.IGNORECASE
)
_HTML_BLOCK = re.compile(rf"</?(?:{_HTML_BLOCK_TAGS})\b[^<>]*>", re.IGNORECASE)
_HTML_HIDDEN = re.compile(
    r"<(script|style|noscript)\b[^<>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL
)
_HTML_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});", re.IGNORECASE)
_TERMINAL = ".!?…:;"
_CLOSERS = "\"'”’»)]"
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’»)]*\s+(?=[\"'“‘«(]?[^\W\d_])")
# A footnote mark ending a line ("forces.[3]", "forces.³", "forces.3") hides its full stop.
_FOOTNOTE_MARK_ENDS = frozenset("]0123456789⁰¹²³⁴⁵⁶⁷⁸⁹")
_TRAILING_FOOTNOTE = re.compile(r"(?:\[\d{1,3}\])+$|[⁰¹²³⁴-⁹]+$|(?<=[^\W\d_][.!?…])\d{1,3}$")
# A promo glued to a paragraph's end, after its last sentence ("… this year. Read
# more: How Kyiv rebuilt its bridges", "… he said. Read more here: …", "… Read more").
_GLUED_PROMO = re.compile(
    r"(?<=[.!?…\"”’»)])\s+(?P<promo>(?:read more|read also|also read|see also|more on this)"
    r"(?:\s+here)?(?:\s*[:\-–—]\s*(?P<headline>.{3,200}))?)\Z",
    re.IGNORECASE,
)
_GLUED_PROMO_PHRASES = ("read more", "read also", "also read", "see also", "more on this")
# A promo between two sentences of a paragraph ("… the front. READ MORE: Headline here.
# The next sentence …", "Читайте також: …"): its headline runs to its own full stop,
# after a word of two letters or more ("U.S." is no end), and a sentence follows.
_INNER_PROMO = re.compile(
    r"(?<=[.!?…\"”’»)])\s+(?P<promo>(?:read more|read also|also read|see also|more on this"
    r"|читайте (?:також|также)|також читайте|дивіться також|смотрите также)"
    r"\s*[:\-–—]\s*(?P<headline>[\"“«‘]?[^\W\d_][^.!?…\n]{2,200}(?<=[^\W_]{2})[.!?…][\"”’»]?))"
    r"(?=\s+[\"“«‘(]?[^\W\d_])",
    re.IGNORECASE,
)
# The promo's first word, as it opens a sentence, and its colon or dash are looked for
# before the pattern: 10 us a line of the dev corpus and 2,000 generated texts, not 26.
_INNER_PROMO_STARTS = ("Read", "READ", "Also", "ALSO", "See", "SEE", "More", "MORE", "Читайте")
_INNER_PROMO_STARTS += ("ЧИТАЙТЕ", "Також", "ТАКОЖ", "Дивіться", "ДИВІТЬСЯ", "Смотрите", "СМОТРИТЕ")
# A newsroom's label opening the text, in capitals ("UPDATE 2 — ", "EXCLUSIVE - ",
# "ANALYSIS: "): furniture, and no place of a dateline.
_LABEL = re.compile(
    r"(?:(?:UPDATE|UPDATED|CORRECTED|REFILE)(?: \d{1,2})?|EXCLUSIVE|(?:NEWS )?ANALYSIS"
    r"|BREAKING(?: NEWS)?|OPINION|COMMENT(?:ARY)?|EDITORIAL|EXPLAINER|FACTBOX|FACT CHECK"
    r"|INSIGHT|INTERVIEW|FEATURE|SPECIAL REPORT|LIVE|WATCH|VIDEO|ОНОВЛЕНО|ЕКСКЛЮЗИВ|АНАЛІЗ"
    r"|АНАЛІТИКА|ТЕРМІНОВО|БЛИСКАВКА|ОБНОВЛЕНО|ЭКСКЛЮЗИВ|АНАЛИЗ|АНАЛИТИКА|СРОЧНО|МОЛНИЯ)"
    r"\s*(?:[—–:]|\s--?)\s+(?=\S)"
)
LABEL_LINES = 3  # a label is looked for on the text's first lines only
UPDATE_STAMP = "update stamp"  # the line rule of a time alone ("Updated at 22.02 BST")
RELATED_BLOCK_MAX = 10  # headlines a "Related" line at the text's end may list
# A report's endnote list, at its end: numbered notes ("[3] General Staff, December 7")
# under a heading, what is left once the notes citing web addresses are out.
_ENDNOTE = re.compile(r"\[\d{1,3}\]\s+\S.{0,400}")
_ENDNOTES_HEADING = re.compile(
    r"(?i:end ?notes|foot ?notes|notes|sources|references|citations|примітки|джерела|посилання"
    r"|примечания|источники|ссылки)\s*:?"
)
# After the endnote list, a text may still close with a few short paragraphs (a
# standing disclaimer, a note on maps); without a heading, the list needs this many
# notes to be taken for one there.
ENDNOTES_TAIL = 3
ENDNOTES_TAIL_MAX = 500
ENDNOTES_UNHEADED_BEFORE_TAIL = 3
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")


@dataclass
class CleanText:
    title: str
    lede: str
    body: str
    captions: list = field(default_factory=list)
    publisher: str = ""  # the publisher the text names, if any
    removed: list = field(default_factory=list)  # (rule name, line) pairs
    furniture: list = field(default_factory=list)  # Article.furniture: see .structure
    authors: list = field(default_factory=list)  # from a byline
    published: object = None  # from a dateline
    cleaned_with: str = ""  # the digest of the source furniture applied


def repair_encoding(text):
    """``text`` with mojibake undone, as NFC and the invisible characters are."""
    return ftfy.fix_encoding(text) if _MOJIBAKE_HINT.search(text) else text


def text_from_markup(text):
    """``text`` with what HTML a scraper left in it as plain text: block tags
    as paragraph breaks, ``<br>`` as a line break, other tags dropped (scripts
    and styles with their content), entities as their characters.  Only a
    text laid out in HTML (paragraphs, breaks) is taken for markup: a tag in
    running text is text, shown escaped like any other."""
    if "<" in text and (_HTML_BLOCK.search(text) or _HTML_BREAK.search(text)):
        text = _HTML_HIDDEN.sub("", text)
        text = _HTML_FOOTNOTE.sub(r"[\1]", text)
        text = _HTML_BREAK.sub("\n", text)
        text = _HTML_TAG.sub("", _HTML_BLOCK.sub("\n\n", text))
    if "&" in text:
        text = _HTML_ENTITY.sub(lambda entity: html.unescape(entity.group(0)), text)
    return text


def normalize_text(text):
    """NFC, LF line ends, no invisible characters, single spaces, no trailing blanks."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if not any(pair in text for pair in _UNTIDY_PAIRS) and not _UNTIDY_CHARACTERS.search(text):
        return text.strip(" ")
    text = INVISIBLE.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    return _LINE_EDGES.sub("\n", _SPACES.sub(" ", text)).strip(" ")


def dominant_script(text, sample=1000):
    text = text[:sample]
    cyrillic, latin = len(_CYRILLIC.findall(text)), len(_LATIN.findall(text))
    if not cyrillic and not latin:
        return None
    return "cyrillic" if cyrillic > latin else "latin"


def _ends_sentence(line):
    if line[-1:] in _FOOTNOTE_MARK_ENDS:
        line = _TRAILING_FOOTNOTE.sub("", line[-24:])  # a long line's end only
    line = line.rstrip(_CLOSERS)
    return line[-1:] in tuple(_TERMINAL) if line else False


def reads_as_headline(line, *, min_words=1, max_words=30):
    """A headline is short and does not end like a sentence ("?" and "!" may)."""
    if len(line) > 200:
        return False  # before splitting: most paragraphs are longer
    if not (min_words <= len(line.split()) <= max_words):
        return False
    if not any(ch.isalpha() for ch in line):
        return False
    return line.rstrip(_CLOSERS)[-1:] not in (".", ":", ";", ",", "…")


def headline_from(paragraph):
    """A headline made from an opening paragraph: its first sentence when short
    enough, else its start cut at a word boundary."""
    sentence = _SENTENCE_END.split(paragraph, maxsplit=1)[0].strip()
    if len(sentence) <= HEADLINE_MAX:
        return sentence.rstrip(".").strip()
    cut = sentence[: HEADLINE_MAX - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:–—-") + "…"


def find_publisher(lines):
    """The publisher a text names in a copyright or "originally published" line."""
    for line in lines:
        for pattern, _ in SOURCE_PATTERNS:
            match = pattern.fullmatch(line)
            if match:
                name = match.group("name").strip(" .,")
                if name and normalize_name(name) != "all rights reserved":
                    return name
    return ""


def _caption(line, article):
    """``(rule name, caption)`` when ``line`` (of the text ``article``) is a caption."""
    if len(line) > 500:
        return None
    for rule, pattern in _COMPILED_CAPTION_RULES:
        if not any(hint in line for hint in rule.hints):
            continue
        match = pattern.fullmatch(line)
        if match is None:
            continue
        text = match.group("text").strip()
        if rule.other_script and dominant_script(text) in (None, dominant_script(article)):
            continue
        return rule.name, {"text": text, "credit": match.group("credit").strip()}
    return None


def _is_hard_wrapped(block):
    """Lines of one paragraph wrapped at a fixed width: several lines of similar,
    moderate length that mostly do not end a sentence."""
    if len(block) < 3:
        return False
    inner = block[:-1]
    if max(len(line) for line in block) > 100 or sum(map(len, inner)) / len(inner) < 40:
        return False
    open_lines = sum(1 for line in inner if not _ends_sentence(line))
    return open_lines >= 0.6 * len(inner)


def _paragraphs(block):
    if _is_hard_wrapped(block):
        return [" ".join(block)]
    paragraphs = []
    for line in block:
        continues = (
            paragraphs
            and line[:1].islower()
            and not _ends_sentence(paragraphs[-1])
            and len(paragraphs[-1]) >= 40
        )
        if continues:
            paragraphs[-1] += " " + line
        else:
            paragraphs.append(line)
    return paragraphs


def _blocks(text):
    blocks, current = [], []
    for line in text.split("\n"):
        if line:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _is_teaser_block(block):
    return len(block) >= TEASER_BLOCK_MIN_LINES and all(
        reads_as_headline(line, min_words=4, max_words=20)
        and (line[:1].isupper() or line[:1] in "‘“'\"")
        for line in block
    )


def _repeats_headline(line, headline):
    """Whether ``line`` is the headline (``headline``: normalised) again."""
    words = headline.count(" ") + 1
    if line.isascii() and len(line.split(maxsplit=words)) > words:
        return False  # normalising keeps an ASCII line's words: the paragraphs skip its cost
    return normalize_name(line) == headline


def line_rule(line):
    """The name of the line rule ``line`` matches, or None."""
    if len(line) >= 400:
        return None
    match = _LINE_RULES.fullmatch(line)
    if match:
        return _LINE_RULE_NAMES[match.lastgroup]
    folded = line.casefold()
    for rule, pattern in _HINTED_LINE_RULES:
        if any(hint in folded for hint in rule.hints) and pattern.fullmatch(line):
            return rule.name
    return None


def _endnotes_span(paragraphs):
    """``(start, end)`` of the endnote list closing ``paragraphs``, its heading
    included: at their end, or followed by at most ``ENDNOTES_TAIL`` short
    paragraphs; None when there is none."""
    for tail in range(ENDNOTES_TAIL + 1):
        end = len(paragraphs) - tail
        if end < 2 or (tail and len(paragraphs[end]) > ENDNOTES_TAIL_MAX):
            return None
        start = end
        while start > 1 and _ENDNOTE.fullmatch(paragraphs[start - 1]):
            start -= 1
        headed = start > 1 and _ENDNOTES_HEADING.fullmatch(paragraphs[start - 1])
        if tail and not headed and end - start < ENDNOTES_UNHEADED_BEFORE_TAIL:
            continue
        if start == end and (tail or not headed):
            continue  # a heading alone ends a text's notes only at its very end
        return (start - 1 if headed else start), end
    return None


def _without_endnotes(paragraphs, removed):
    """``paragraphs`` without the endnote list that closes them, and its heading."""
    span = _endnotes_span(paragraphs)
    if span is None:
        return paragraphs
    start, end = span
    removed.extend(
        ("endnote" if _ENDNOTE.fullmatch(paragraph) else "endnotes heading", paragraph)
        for paragraph in paragraphs[start:end]
    )
    return paragraphs[:start] + paragraphs[end:]


def _related_block(blocks):
    """The ``(block, line)`` places of the headlines listed under a "Related"
    line at the text's end (the line itself is a line rule's), or an empty set.
    Only the text's closing lines that read as headlines are looked at."""
    listed = []
    for b in range(len(blocks) - 1, -1, -1):
        for i in range(len(blocks[b]) - 1, -1, -1):
            line = blocks[b][i]
            if listed and line_rule(line) == "related-news marker":
                return set(listed)
            if len(listed) == RELATED_BLOCK_MAX or not reads_as_headline(
                line, min_words=2, max_words=20
            ):
                return set()
            listed.append((b, i))
    return set()


def _inner_promos(line, removed):
    """``line`` without the promos between its sentences."""
    if not any(mark in line for mark in ":—–-") or not any(
        start in line for start in _INNER_PROMO_STARTS
    ):
        return line
    kept, position = [], 0
    for match in _INNER_PROMO.finditer(line):
        promo, headline = match.group("promo"), match.group("headline").lstrip('"“«‘')
        if not (promo[0].isupper() and headline[0].isupper()):
            continue
        following = line[match.end() :].lstrip().lstrip('"“«‘(')
        if not following[:1].isupper():
            continue
        removed.append(("read-more link", promo))
        kept.append(line[position : match.start()])
        position = match.end()
    kept.append(line[position:])
    return "".join(kept)


def _glued_promo(line):
    """The match of a promo glued to the end of ``line``, or None."""
    lowered = line.lower()
    if not any(phrase in lowered for phrase in _GLUED_PROMO_PHRASES):
        return None
    match = _GLUED_PROMO.search(line)
    if match is None or not match.group("promo")[0].isupper():
        return None
    headline = match.group("headline")
    return match if headline is None or reads_as_headline(headline) else None


def _drop_leading_furniture(blocks, removed):
    """Take the furniture lines opening a text out before its headline is
    chosen ("FOR IMMEDIATE RELEASE" is no headline)."""
    while blocks and (rule := line_rule(blocks[0][0])):
        removed.append((rule, blocks[0].pop(0)))
        if not blocks[0]:
            blocks.pop(0)


def _takes_lede(paragraph):
    return reads_as_headline(paragraph, min_words=6)


def clean_text(
    text,
    *,
    title="",
    lede="",
    authors=(),
    published=None,
    source="",
    furniture=None,
    url="",
    name_kinds=None,
):
    """Clean a page's text.  ``title`` and ``lede`` come from metadata when the
    record has them; otherwise they are found in the text.  ``authors`` and
    ``published`` are the record's; a byline or dateline fills them when
    empty.  ``furniture``: ``{source key: (digest, {fingerprint: kind})}``,
    the known furniture of the sources, applied to the text of ``source``
    (or of the publisher the text names); ``name_kinds``: the gazetteer's
    kinds of a name (see :func:`.structure.structure`)."""
    text, title, lede = (text_from_markup(repair_encoding(field)) for field in (text, title, lede))
    text = normalize_text(text)
    title = normalize_text(title).replace("\n", " ").strip()
    lede = normalize_text(lede).strip()
    blocks = _blocks(text)
    all_lines = [line for block in blocks for line in block]
    publisher = find_publisher(all_lines)
    removed, captions = [], []

    if not title:
        _drop_leading_furniture(blocks, removed)
    if (
        not title
        and blocks
        and reads_as_headline(blocks[0][0])
        and len(all_lines) > 1
        and byline_names(blocks[0][0], authors) is None
        and not is_dateline(blocks[0][0])
    ):
        title = blocks[0].pop(0)
        blocks = [block for block in blocks if block]

    kept_blocks = []
    headline = normalize_name(title) if title else None
    related = _related_block(blocks)
    lines_kept = 0
    for index, block in enumerate(blocks):
        kept = []
        for number, line in enumerate(block):
            if (index, number) in related:
                removed.append(("teaser links", line))
                continue
            if headline is not None and _repeats_headline(line, headline):
                removed.append(("repeated headline", line))
                continue
            rule = line_rule(line)
            if rule == UPDATE_STAMP and lines_kept < TOP_ZONE and is_dateline(line):
                rule = None  # "Published December 7, 2026 at 5:30 p.m.": a dateline, with its date
            if rule:
                removed.append((rule, line))
                continue
            caption = _caption(line, text)
            if caption:
                removed.append((caption[0], line))
                captions.append(caption[1])
                continue
            label = _LABEL.match(line) if lines_kept < LABEL_LINES else None
            if label and label.end() < len(line):
                removed.append(("label", label.group(0)))
                line = line[label.end() :]
            promo = _glued_promo(line)
            if promo:
                removed.append(("read-more link", line[promo.start("promo") :]))
                line = line[: promo.start()]
            line = _inner_promos(line, removed)
            kept.append(line)
            lines_kept += 1
        if index > 0 and _is_teaser_block(kept):
            removed.extend(("teaser links", line) for line in kept)
        elif kept:
            kept_blocks.append(kept)

    paragraphs = _without_endnotes(
        [p for block in kept_blocks for p in _paragraphs(block)], removed
    )

    # A caption without credit: a short line repeated word for word in the next paragraph.
    echoed = []
    for i, paragraph in enumerate(paragraphs):
        following = paragraphs[i + 1] if i + 1 < len(paragraphs) else ""
        if reads_as_headline(paragraph, min_words=3, max_words=25) and paragraph in following:
            removed.append(("caption repeated in the text", paragraph))
            captions.append({"text": paragraph, "credit": ""})
        else:
            echoed.append(paragraph)
    paragraphs = echoed

    digest, known = (furniture or {}).get(source_key(source or publisher), ("", None))
    structured = structure(
        paragraphs,
        lede=lede,
        authors=authors,
        published=published,
        furniture=known,
        context=f"{title} {url}",
        take_lede=_takes_lede,
        name_kinds=name_kinds,
    )
    site_furniture = [{"kind": REMOVED, "rule": rule, "text": line} for rule, line in removed]
    removed += [(item["kind"], item["text"]) for item in structured.items if "text" in item]

    if not title and structured.paragraphs:
        title = headline_from(structured.paragraphs[0])

    return CleanText(
        title=title[:TITLE_MAX].strip(),
        lede=structured.lede,
        body=structured.body,
        captions=captions,
        publisher=publisher,
        removed=removed,
        furniture=site_furniture + structured.items,
        authors=structured.authors,
        published=structured.published,
        cleaned_with=digest,
    )
