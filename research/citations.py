"""Citations of articles for papers and reference managers.

One article becomes a :class:`Citation` (only the facts the archive knows), and
each format writes a citation from it: a readable reference for the page,
BibTeX, RIS and CSL-JSON.  A fact the archive does not know (no author, no
date, no source) is left out of every format rather than filled with a
placeholder such as "n.d." or "Anonymous"; the reference manager or citation
style decides how to show its absence.
"""

import re
from dataclasses import dataclass, field

from django.utils import timezone

from articles.models import Source

ARCHIVE_NAME = "War-analysis archive"

# How each kind of source is cited: (BibTeX entry type, the field naming the
# source), RIS type, CSL type.  A source of unknown kind is cited as a web page.
BIBTEX_TYPES = {
    Source.Kind.NEWS_OUTLET: ("article", "journal"),
    Source.Kind.BROADCASTER: ("article", "journal"),
    Source.Kind.THINK_TANK: ("techreport", "institution"),
    Source.Kind.GOVERNMENT: ("techreport", "institution"),
}
BIBTEX_DEFAULT = ("misc", "howpublished")
RIS_TYPES = {
    Source.Kind.NEWS_OUTLET: "NEWS",
    Source.Kind.BROADCASTER: "NEWS",
    Source.Kind.THINK_TANK: "RPRT",
    Source.Kind.GOVERNMENT: "RPRT",
}
RIS_DEFAULT = "ELEC"
CSL_TYPES = {
    Source.Kind.NEWS_OUTLET: "article-newspaper",
    Source.Kind.BROADCASTER: "article-newspaper",
    Source.Kind.THINK_TANK: "report",
    Source.Kind.GOVERNMENT: "report",
}
CSL_DEFAULT = "webpage"

# Lower-case words that begin a family name ("van der Berg", "de la Cruz", "al-Assad"):
# kept in the family name, as reference managers expect.
NAME_PARTICLE = re.compile(
    r"van|von|der|den|de|del|della|di|da|das|dos|du|des|la|le|ten|ter|vom|zu|bin|ibn|al|el"
)
NAME_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})

# Characters that LaTeX reads as commands, and how to write them as text.
LATEX_ESCAPES = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\{",
        "}": r"\}",
        "&": r"\&",
        "%": r"\%",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
    }
)


def one_line(text):
    """Text on one line: every run of whitespace and control characters becomes a space."""
    cleaned = "".join(ch if ch.isprintable() else " " for ch in text or "")
    return " ".join(cleaned.split())


@dataclass(frozen=True)
class Citation:
    key: str
    title: str
    archive_url: str
    authors: tuple = ()
    source: str = ""
    source_kind: str = ""
    date: object = None
    url: str = ""
    language: str = ""
    abstract: str = ""
    accessed: object = field(default_factory=lambda: timezone.localdate())

    @classmethod
    def for_article(cls, article, archive_url):
        """The citation of ``article``; ``archive_url`` is its absolute permalink."""
        source = article.source
        language = article.language if article.language != "und" else ""
        return cls(
            key=article.slug,
            title=one_line(article.title),
            archive_url=archive_url,
            authors=tuple(filter(None, (one_line(str(a)) for a in article.authors or ()))),
            source=one_line(source.name) if source else "",
            source_kind=source.kind if source else "",
            date=article.published,
            url=article.url,
            language=language,
            abstract=one_line(article.lede),
        )

    @property
    def link(self):
        """Where the article can be read: the original when known, else the archive copy."""
        return self.url or self.archive_url


def readable(citation):
    """A reference in a plain author–title–source–date style, for the page."""
    parts = []
    if citation.authors:
        parts.append(_join_names(citation.authors) + ".")
    parts.append(f"“{citation.title.rstrip('.')}.”")
    published = ", ".join(
        filter(None, [citation.source, citation.date and _long_date(citation.date)])
    )
    if published:
        parts.append(published + ".")
    parts.append(citation.link + ".")
    if citation.url:
        parts.append(f"Archived at {citation.archive_url}.")
    return " ".join(parts)


@dataclass(frozen=True)
class PersonName:
    """A name split as reference managers want it; ``family`` alone for one word."""

    family: str
    given: str = ""
    suffix: str = ""

    @classmethod
    def parse(cls, name):
        """ "Jan van der Berg", "van der Berg, Jan", "Martin Luther King Jr." -> its parts."""
        if "," in name:
            family, _, rest = (part.strip() for part in name.partition(","))
            given, _, suffix = (part.strip() for part in rest.partition(","))
            if given.lower() in NAME_SUFFIXES:
                given, suffix = "", given
            return cls(family, given, suffix)
        words = name.split()
        suffix = ""
        if len(words) > 2 and words[-1].lower() in NAME_SUFFIXES:
            suffix = words.pop()
        if len(words) == 1:
            return cls(words[0], "", suffix)
        start = len(words) - 1
        for index, word in enumerate(words[1:-1], 1):
            if NAME_PARTICLE.fullmatch(word):
                start = index
                break
        return cls(" ".join(words[start:]), " ".join(words[:start]), suffix)

    @property
    def inverted(self):
        """ "Family, Given, Suffix": RIS's form of a name."""
        return ", ".join(filter(None, [self.family, self.given, self.suffix]))

    @property
    def bibtex(self):
        """ "Family, Suffix, Given" ("von Last, Jr, First"): the form BibTeX reads unambiguously."""
        if self.suffix:
            return f"{self.family}, {self.suffix}, {self.given}"
        return ", ".join(filter(None, [self.family, self.given]))


def _join_names(names):
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + ", and " + names[-1]


def _long_date(day):
    return f"{day.day} {day:%B %Y}"


def _protected_title(title):
    """Braces around each word with a capital after the first word, so BibTeX styles
    that lower-case titles keep proper nouns and acronyms as written ("{Kyiv}", "{F-16s}")."""
    words = re.split(r"(\s+)", title.translate(LATEX_ESCAPES))
    return "".join(
        f"{{{word}}}" if index and any(ch.isupper() for ch in word) else word
        for index, word in enumerate(words)
    )


def bibtex_entry(citation):
    entry_type, source_field = BIBTEX_TYPES.get(citation.source_kind, BIBTEX_DEFAULT)
    fields = [
        ("author", " and ".join(PersonName.parse(name).bibtex for name in citation.authors)),
        (source_field, citation.source),
        ("year", citation.date and str(citation.date.year)),
        ("month", citation.date and f"{citation.date:%b}".lower()),
        ("date", citation.date and citation.date.isoformat()),
        ("langid", citation.language),
        ("abstract", citation.abstract),
        (
            "note",
            f"{ARCHIVE_NAME}" + (f", archived at {citation.archive_url}" if citation.url else ""),
        ),
        ("urldate", citation.accessed.isoformat()),
    ]
    lines = [
        f"@{entry_type}{{{citation.key},",
        f"  title = {{{_protected_title(citation.title)}}},",
    ]
    for name, value in fields:
        if value:
            written = value if name == "month" else "{" + value.translate(LATEX_ESCAPES) + "}"
            lines.append(f"  {name} = {written},")
    # URLs are verbatim in BibTeX; only braces would unbalance the entry.
    link = citation.link.replace("{", "%7B").replace("}", "%7D")
    lines.append(f"  url = {{{link}}},")
    lines.append("}")
    return "\n".join(lines) + "\n"


def ris_record(citation):
    fields = [("TY", RIS_TYPES.get(citation.source_kind, RIS_DEFAULT)), ("TI", citation.title)]
    fields += [("AU", PersonName.parse(name).inverted) for name in citation.authors]
    if citation.source:
        is_report = RIS_TYPES.get(citation.source_kind) == "RPRT"
        fields.append(("PB" if is_report else "T2", citation.source))
    if citation.date:
        fields += [("PY", str(citation.date.year)), ("DA", f"{citation.date:%Y/%m/%d}")]
    fields += [("UR", url) for url in dict.fromkeys([citation.link, citation.archive_url])]
    fields += [("LA", citation.language), ("AB", citation.abstract), ("ID", citation.key)]
    fields += [("DB", ARCHIVE_NAME), ("Y2", f"{citation.accessed:%Y/%m/%d}")]
    lines = [f"{tag}  - {value}" for tag, value in fields if value]
    return "\n".join([*lines, "ER  - ", "", ""])


def csl_item(citation):
    item = {"id": citation.key, "type": CSL_TYPES.get(citation.source_kind, CSL_DEFAULT)}
    item["title"] = citation.title
    if citation.authors:
        item["author"] = [_csl_name(name) for name in citation.authors]
    if citation.source:
        key = "publisher" if item["type"] == "report" else "container-title"
        item[key] = citation.source
    if citation.date:
        item["issued"] = {
            "date-parts": [[citation.date.year, citation.date.month, citation.date.day]]
        }
    item["URL"] = citation.link
    item["accessed"] = {
        "date-parts": [[citation.accessed.year, citation.accessed.month, citation.accessed.day]]
    }
    item["archive"] = ARCHIVE_NAME
    item["archive_location"] = citation.archive_url
    if citation.language:
        item["language"] = citation.language
    if citation.abstract:
        item["abstract"] = citation.abstract
    return item


def _csl_name(name):
    """A CSL name: family (particles kept in it) and given, else literal for one word."""
    parsed = PersonName.parse(name)
    if not parsed.given:
        return {"literal": name}
    return {"family": parsed.family, "given": parsed.given} | (
        {"suffix": parsed.suffix} if parsed.suffix else {}
    )
