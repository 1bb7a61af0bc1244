"""Site furniture: the lines a web page wraps around an article, as data.

Each rule has a name (reported when it removes something), a regular
expression that must match a *whole line* (case-insensitive unless the rule
says otherwise) and examples that it must match; ``tests/test_import_cleaning.py``
checks every rule against its examples and against the seed texts.  To teach
the import a new kind of furniture, add a rule here with an example.

Rules are kept narrow on purpose: a line of analysis that happens to contain
"copyright" or "read" must never be mistaken for furniture, so each pattern
describes the whole line.
"""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class LineRule:
    name: str
    pattern: str
    examples: tuple
    case_sensitive: bool = False

    def compile(self):
        return re.compile(self.inline_pattern)

    @property
    def inline_pattern(self):
        return self.pattern if self.case_sensitive else f"(?i:{self.pattern})"


LINE_RULES = [
    LineRule(
        "image placeholder",
        r"post-img|img|image|photo|picture|\[(?:image|img|photo|picture)\b[^\]]*\]",
        ("post-img", "[Image: Kyiv at night]"),
    ),
    LineRule(
        "read-time stamp",
        r"(?:reading time:?\s*)?\d+\s*(?:min|mins|minutes?)\.?\s*(?:to\s+)?read"
        r"|read(?:ing)? time:?\s*\d+\s*(?:min|mins|minutes?)\.?",
        ("2 min to read", "5 minute read", "Reading time: 4 min"),
    ),
    LineRule(
        "byline placeholder",
        r"without an? author|no author|author unknown|unknown author|by\s*:?",
        ("Without an author", "By"),
    ),
    LineRule(
        "consent notice",
        # A notice needs both a sign-up/cookie word and a consent/unsubscribe word.
        r"(?=.*\b(?:sign-up|sign up|signing up|subscribe|newsletter|cookies?)\b)"
        r"(?=.*\b(?:consent(?:ed)?|unsubscribe|privacy (?:notice|policy))\b).*",
        (
            "We use your sign-up to provide content in ways you’ve consented to and to improve "
            "our understanding of you. You can unsubscribe at any time. More info",
            "We use cookies. By continuing you consent to our privacy policy.",
        ),
    ),
    LineRule(
        "subscription notice",
        r"(?:subscribe|sign up)\b.{0,60}\b(?:newsletter|updates|channel)\b.{0,40}",
        ("Sign up to our free daily newsletter", "Subscribe to our Telegram channel"),
    ),
    LineRule(
        "teaser link",
        # Tabloid teasers end in a bracketed capitalised tag.
        r".{3,200}\s\[(?:REPORT|VIDEO|PICS|PHOTOS|LIVE|INSIGHT|ANALYSIS|POLL|LATEST|REVEAL|MAP)\]",
        (
            "Ukraine unleashes heavy shelling on Russia staging area – VIDEO [VIDEO]",
            "‘Indomitable spirit’ Ukraine praised as EU flag enters Parliament [REPORT]",
        ),
        case_sensitive=True,
    ),
    LineRule(
        "read-more link",
        r"(?:read more|read also|also read|see also|more on this)\s*[:\-–—]\s*.{3,200}",
        ("Read more: Zelensky visits the front", "READ ALSO – Kyiv under fire"),
    ),
    LineRule(
        "read full article",
        r"(?:source:\s*)?(?:read|view|see) (?:the )?(?:full|original) (?:article|story|text)"
        r"(?:\s+(?:here|(?:on|at) .{1,80}))?\.?",
        ("Source: Read Full Article", "Read the full article here"),
    ),
    LineRule(
        "copyright line",
        # "Copyright" alone starts many a sentence; a notice has © or a year.
        r"(?:copyright\s*)?(?:©|\(c\)\s*\d{4}|copyright\s+\d{4}).{0,150}"
        r"|.{0,150}\ball rights reserved\.?",
        ("Copyright © 2024 The Brussels Times. All Rights Reserved.", "© Reuters 2023"),
    ),
    LineRule(
        "related-news marker",
        r"(?:related|related (?:news|articles|stories|content|reading)|more (?:news|stories)"
        r"|you (?:may|might) also like|recommended(?: for you)?)\s*:?",
        ("Related News", "You might also like:"),
    ),
    LineRule(
        "advertisement marker",
        r"advertisement|advertising|sponsored(?: content)?|scroll to continue(?: with content)?",
        ("Advertisement", "Scroll to continue with content"),
    ),
]

# A block of at least this many lines that all read like headlines, after
# the first paragraph, is a list of teasers linking to other stories.
TEASER_BLOCK_MIN_LINES = 3


@dataclass(frozen=True)
class CaptionRule:
    """A photo caption: ``text`` and ``credit`` groups; ``other_script`` means the
    line must be written in another script than the article; a line is tried
    only when it contains one of the ``hints``."""

    name: str
    pattern: str
    examples: tuple
    hints: tuple
    other_script: bool = False

    def compile(self):
        return re.compile(self.pattern)


CAPTION_RULES = [
    CaptionRule(
        "caption with credit after a dash",
        r"(?P<text>.{10,400}?)\s+[—–]\s+(?P<credit>[^\W\d_][\w’'.\-]*(?:\s+[^\W\d_][\w’'.\-]*){0,3})",
        ("Укриття на станції київського метро рано вранці в неділю — Аліна Смутко",),
        hints=("—", "–"),
        other_script=True,
    ),
    CaptionRule(
        "caption with a credit label",
        r"(?P<text>.{0,200}?)\s*\b(?:Credit|Photo|Photograph|Image|Picture|Фото)\s*(?:credit)?\s*:"
        r"\s*(?P<credit>[^.!?]{2,80}?)\.?",
        ("Vladimir Putin. Credit: Belga", "Photo: Reuters"),
        hints=(":",),
    ),
]

# How a text names its publisher; the ``name`` group is the publisher.
SOURCE_PATTERNS = [
    (
        re.compile(
            r"(?:copyright\s*)?(?:©|\(c\)|copyright(?=\s+\d{4}))"
            r"\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?,?\s*)?"
            r"(?P<name>[^\W\d_].{1,80}?)\s*[.,]?\s*(?:\d{4}\.?)?\s*(?:all rights reserved\.?)?",
            re.IGNORECASE,
        ),
        ("Copyright © 2024 The Brussels Times. All Rights Reserved.", "The Brussels Times"),
    ),
    (
        re.compile(
            r"(?:this (?:article|story|analysis) was )?originally published (?:by|in|on|at)\s+"
            r"(?P<name>[^\W\d_].{1,80}?)(?:\s+on\s+.{1,40})?\.?",
            re.IGNORECASE,
        ),
        ("This article was originally published by Meduza.", "Meduza"),
    ),
]
