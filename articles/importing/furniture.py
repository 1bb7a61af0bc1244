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
    """``hints``: a rule that looks for a phrase anywhere in the line is tried
    only on lines holding one of these (casefolded), which is what keeps the
    other rules, tried together as one pattern, fast."""

    name: str
    pattern: str
    examples: tuple
    case_sensitive: bool = False
    hints: tuple = ()

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
        hints=("consent", "unsubscribe", "privacy"),
    ),
    LineRule(
        "subscription notice",
        r"(?:subscribe|sign up)\b.{0,60}\b(?:newsletter|updates|channel|emails?|briefing|alerts)"
        r"\b.{0,80}",
        (
            "Sign up to our free daily newsletter",
            "Subscribe to our Telegram channel",
            "Sign up to the weekly Frontline email or follow us on Mastodon",
        ),
    ),
    LineRule(
        "newsletter notice",
        # A newsletter's word, a sign-up or e-mail word, and the reader addressed.
        r"(?=.*\b(?:newsletters?|inbox(?:es)?)\b)"
        r"(?=.*\b(?:sign(?:ed)? up|subscribe[ds]?|subscription|please email|email us)\b)"
        r"(?=.*\b(?:you|your|you[’']re|us|now)\b).{0,300}",
        (
            "The Morning Brief reaches thousands of inboxes every weekday. Not signed up yet? "
            "Subscribe now.",
            "If you have questions about any of our newsletters, please email news@example.org",
        ),
        hints=("newsletter", "inbox"),
    ),
    LineRule(
        "follow prompt",
        # "Follow us on …", "Підписуйтесь на наш Telegram-канал": the whole line.
        r"(?:follow|join) (?:us|[^\W\d_][\w'’ .&\-]{0,40}?) on (?:telegram|twitter|x|facebook"
        r"|instagram|youtube|whatsapp|linkedin|mastodon|threads|bluesky|tiktok)\b.{0,80}"
        r"|(?:підписуй(?:те)?(?:сь|ся)|підпишіться|стежте за нами|подписывайтесь|подпишитесь"
        r"|следите за нами)\b.{0,100}",
        (
            "Follow us on Telegram",
            "Follow the Kyiv Ledger on X and Facebook.",
            "Підписуйтесь на наш Telegram-канал",
            "Подписывайтесь на наш канал в Telegram",
        ),
    ),
    LineRule(
        "here prompt",
        # A line sending the reader to a link: "Follow our live coverage here."
        r"(?:follow|read|see|get|watch|listen to|catch up (?:on|with))\b[^.!?]{0,80}"
        r"\b(?:here|at (?:https?://|www\.)\S+)\.?",
        (
            "Follow our live coverage here.",
            "Read the minister's full statement here",
            "Follow the Ledger's coverage of the war at https://ledger.example/war",
        ),
        hints=("here", "http", "www."),
    ),
    LineRule(
        "click-here prompt",
        r"(?:click|tap) here\b.{0,300}",
        ("Click here to see the interactive map. It is updated daily.",),
    ),
    LineRule(
        "paywall prompt",
        r".{0,80}\b(?:already (?:a subscriber|have an account|registered)\?"
        r"|(?:subscribe|log in|sign in|register)(?: now)? to (?:continue|keep) reading)\W.{0,80}",
        ("Subscribe to continue reading. Already a subscriber? Log in",),
        hints=("already", "continue reading", "keep reading"),
    ),
    LineRule(
        "share prompt",
        r"(?:share|tweet|email|print|copy link|sign up|subscribe|log in|sign in"
        r"|поділитися|поделиться)"
        r"(?: (?:this|the) (?:article|story|page|post))?"
        r"(?: (?:on|via) (?:facebook|twitter|x|whatsapp|telegram|linkedin|email))?\s*:?",
        ("Share this article", "Share on Facebook", "Print", "Sign up", "Поділитися"),
    ),
    LineRule(
        "update stamp",
        # A time alone ("Updated at 22.02 BST"): with a date, it is a dateline.
        r"(?:(?:last )?updated|(?:first )?published|posted)(?:\s+(?:at|on))?:?\s+"
        r"[\w ,]{0,30}?\d{1,2}[.:]\d{2}\s*(?:[ap]\.?m\.?)?(?:\s*[a-z]{2,4})?",
        ("Updated at 22.02 BST", "First published on Wed 2 Mar 2022 14.00 GMT"),
    ),
    LineRule(
        "media player notice",
        r".{0,200}\byour browser (?:does not|doesn[’']t|cannot) (?:support|play)\b.{0,300}",
        ("Sorry, your browser does not support audio - but you can download here and listen",),
        hints=("your browser",),
    ),
    LineRule(
        "press-release marker",
        r"for (?:immediate|same-day) release|embargoed (?:until|till|for)\b.{0,60}"
        r"|(?:news|press|media) release|#{3}|-\s*30\s*-|-?\s*ends\s*-?",
        ("FOR IMMEDIATE RELEASE", "###", "-30-", "- ENDS -"),
    ),
    LineRule(
        "endnote",
        # A numbered note that cites a web address, or web addresses alone.
        r"(?:\[\d{1,3}\]|\(\d{1,3}\)|[⁰¹²³⁴-⁹]+)\s*.{0,300}?(?:https?://|www\.)\S+.{0,300}"
        r"|(?:\d{1,3}[.)]?\s+)?(?:https?://\S+\s*)+",
        (
            "[1] https://t.me/example/24567",
            "[12] General Staff of the Armed Forces, https://www.example.ua/news/1",
            "https://twitter.com/example/status/1 https://t.me/example/2",
        ),
        hints=("http", "www."),
    ),
    LineRule(
        "web address line",
        # A short label and a web address, a line of their own ("For more news: www.…").
        r"[^.!?:\n]{1,40}:\s*(?:https?://|www\.)\S+",
        ("For more news: www.example.com", "Full report: https://example.org/report.pdf"),
        hints=("http", "www."),
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
        r"(?:read more|read also|also read|see also|more on this"
        r"|related(?: (?:article|story|coverage|content|reading|news))?"
        r"|читайте (?:також|также)|також читайте|дивіться також|смотрите также|по темі|по теме)"
        r"\s*[:\-–—]\s*.{3,200}",
        (
            "Read more: Zelensky visits the front",
            "READ ALSO – Kyiv under fire",
            "Related: Russia strikes Odesa port for third night",
            "Читайте також: Уряд виділив кошти на ремонт мостів",
        ),
    ),
    LineRule(
        "read-more teaser",
        r"[^.!?]{3,200}\s+read more",
        ("Ferry crossings resume on the Dnipro Read more",),
        hints=("read more",),
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
        hints=("©", "(c)", "copyright", "all rights reserved"),
    ),
    LineRule(
        "related-news marker",
        r"(?:related|related (?:news|articles|stories|content|reading)|more (?:news|stories)"
        r"|you (?:may|might) also like|recommended(?: for you)?"
        r"|читайте (?:також|также)|по темі|по теме|новини партнерів|новости партнеров"
        r"|більше новин|больше новостей)\s*:?",
        ("Related News", "You might also like:", "Читайте також", "Новини партнерів"),
    ),
    LineRule(
        "wire credit",
        # A news agency's or a newspaper's credits to its other reporters.
        r"\((?:additional |further )?(?:reporting|writing|editing|compiled|translation|research)"
        r" by [^()]{2,250}\)\.?"
        r"|(?:additional|further) reporting by .{3,200}"
        r"|[^.!?]{3,150}\bcontributed(?: reporting)? to this (?:report|story|article)\.?",
        (
            "(Reporting by Anna Petrenko; Editing by Mark Hall)",
            "(Writing by Tom Bell.)",
            "Additional reporting by Ruth Keane in Lviv",
            "Associated Press writer Jane Kim in London contributed to this report.",
        ),
        hints=("by ", "contributed"),
    ),
    LineRule(
        "separator line",
        r"[_*=~•·\-–—]{3,}",
        ("___", "***", "———"),
    ),
    LineRule(
        "advertisement marker",
        r"advertisement|advertising|sponsored(?: content)?|scroll to continue(?: with content)?"
        r"|реклама",
        ("Advertisement", "Scroll to continue with content", "Реклама"),
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
        r"(?P<text>.{0,200}?)\s*\b(?:Credit|Photo|Photograph|Image|Picture|Composite|Illustration"
        r"|Фото)\s*(?:credit)?\s*:"
        r"\s*(?P<credit>[^.!?]{2,80}?)\.?",
        ("Vladimir Putin. Credit: Belga", "Photo: Reuters", "Composite: Staff/Getty Images"),
        hints=(":",),
    ),
    CaptionRule(
        "caption with a credit in brackets",
        # A photographer and their agency after the caption's last sentence.
        r"(?P<text>.{10,400}?[.!?])\s*\((?P<credit>[A-ZА-ЯІЇЄҐ][^()/\n]{1,60}"
        r"/\s*[A-ZА-ЯІЇЄҐ][^()/\n]{1,60})\)\.?",
        (
            "A teacher walks pupils to class in Zaporizhzhia on Monday. (Lena Fischer/The Ledger)",
            "Firefighters at work in Odesa. (AP Photo/Ivan Petrenko)",
        ),
        hints=("/",),
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
