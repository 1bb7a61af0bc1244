"""The archive's data model.

Articles come from sources; the gazetteer holds the actors and locations that
articles mention, each with the other spellings it goes by (aliases).  The
link from an article to an entity is a *mention* row with a count, so a page
can tell what an article is mainly about.
"""

import functools
import hashlib
import json
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import get_script_prefix, reverse
from django.utils.text import slugify

from .invisible import remove_invisible

_SLUG_MARK = "slug-mark"


@functools.cache
def _slug_url_pattern(view_name, script_prefix):
    return reverse(view_name, args=[_SLUG_MARK])


def slug_url(view_name, slug):
    """``reverse(view_name, args=[slug])``, from one reverse per view and
    prefix: a search page links some 150 articles, entities and sources,
    and reversing each took it 2 to 4 ms (cProfile, 20,000 generated
    articles)."""
    return _slug_url_pattern(view_name, get_script_prefix()).replace(_SLUG_MARK, slug, 1)


@functools.cache
def _fixed_url(view_name, args, script_prefix):
    return reverse(view_name, args=args)


def fixed_url(view_name, *args):
    """``reverse(view_name, args=args)`` for the pages' fixed links (the
    site's menu, the search's exports), from one reverse per link and
    prefix: each ``{% url %}`` reversed again, 50 us apiece, some 20 a
    search page (CPU time through the test client).  For constant ``args``
    only: each new value is kept."""
    return _fixed_url(view_name, args, get_script_prefix())


def normalize_name(name):
    """The form in which two spellings of a name are compared: NFKC, casefolded,
    invisible characters removed, typographic apostrophes folded, whitespace
    collapsed."""
    text = (
        remove_invisible(unicodedata.normalize("NFKC", name or ""))
        .replace("\u2019", "'")
        .replace("\u02bc", "'")
    )
    return " ".join(text.casefold().split())


def unique_slug(model, text, *, max_length=80, exclude_pk=None):
    """A slug for ``text`` not yet used by ``model``: ``base``, ``base-2``, ..."""
    base = slugify(remove_invisible(text), allow_unicode=False)[:max_length].strip("-") or "item"
    slug, n = base, 1
    others = model._default_manager.all()
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    while others.filter(slug=slug).exists():
        n += 1
        suffix = f"-{n}"
        slug = base[: max_length - len(suffix)] + suffix
    return slug


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    UKRAINIAN = "uk", "Ukrainian"
    RUSSIAN = "ru", "Russian"
    GERMAN = "de", "German"
    FRENCH = "fr", "French"
    POLISH = "pl", "Polish"
    SPANISH = "es", "Spanish"
    ITALIAN = "it", "Italian"
    BELARUSIAN = "be", "Belarusian"
    ROMANIAN = "ro", "Romanian"
    OTHER = "und", "Other / unknown"


class Source(models.Model):
    class Kind(models.TextChoices):
        THINK_TANK = "think_tank", "Think tank"
        NEWS_OUTLET = "news_outlet", "News outlet"
        BROADCASTER = "broadcaster", "Broadcaster"
        GOVERNMENT = "government", "Government"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    homepage = models.URLField(blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    country = models.CharField(max_length=60, blank=True, help_text="Country of the publisher.")
    language = models.CharField(
        max_length=8, choices=Language.choices, default=Language.ENGLISH, blank=True
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Source, self.name, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return slug_url("articles:source_detail", self.slug)

    @property
    def is_outlet(self):
        return self.kind in OUTLET_KINDS


# Sources whose names the linker finds in articles' text ("according to Reuters").
OUTLET_KINDS = (Source.Kind.NEWS_OUTLET, Source.Kind.BROADCASTER)


class SourceFurniture(models.Model):
    """A paragraph or line that recurs across a source's articles: a standing
    notice (taken out of the body) or a section heading (kept out of the body
    and shown as a heading).  Learned by the import, or added by an editor;
    editors confirm or reject what was learned (rejected furniture stays in
    the text)."""

    class Kind(models.TextChoices):
        NOTICE = "notice", "Standing notice"
        HEADING = "heading", "Section heading"

    class Status(models.TextChoices):
        LEARNED = "learned", "Learned"
        CONFIRMED = "confirmed", "Confirmed"
        REJECTED = "rejected", "Rejected"
        ADDED = "added", "Added by an editor"

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="furniture")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.NOTICE)
    text = models.TextField(help_text="One paragraph or line as it appears in the articles.")
    fingerprint = models.CharField(
        max_length=32,
        editable=False,
        help_text="The text with case, spacing, digits, dates and punctuation folded.",
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.ADDED, db_index=True
    )
    article_count = models.PositiveIntegerField(
        default=0, help_text="Articles of the source it was found in when last learned."
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["source", "-article_count", "pk"]
        verbose_name = "source furniture"
        verbose_name_plural = "source furniture"
        constraints = [
            models.UniqueConstraint(
                fields=["source", "fingerprint"], name="source_furniture_unique"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text[:80]}"

    def save(self, *args, **kwargs):
        from .importing.structure import fingerprint

        self.fingerprint = fingerprint(self.text)
        super().save(*args, **kwargs)

    @property
    def applied(self):
        return self.status != self.Status.REJECTED


class MonthStart(models.Func):
    """The first day of a date's month, computed by the database itself.

    Django's TruncMonth calls a Python function for every row on SQLite: the
    month counts of 57,000 matching articles took 370 ms at 100,000 articles,
    against 45 ms with SQLite's own date(..., 'start of month')."""

    output_field = models.DateField()
    template = "CAST(DATE_TRUNC('month', %(expressions)s) AS date)"

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler, connection, template="date(%(expressions)s, 'start of month')", **extra
        )


class IdList(models.Expression):
    """Ids for ``field__in``, passed as one parameter: an array on PostgreSQL,
    a JSON list on SQLite.  A search page passes up to 10,000 ids to three
    statements; as one parameter each they cost Django and the database
    little, as 10,000 (``pk__in=list``) they took 30 to 60 ms a statement at
    100,000 synthetic articles on PostgreSQL."""

    output_field = models.BigIntegerField()

    def __init__(self, ids):
        super().__init__()
        self.ids = list(map(int, ids))  # a third faster than a comprehension on 10,000
        # The parameter, written once for every statement that passes these
        # ids (shared by the copies Django makes of the expression): writing
        # 10,000 ids took 1.4 ms, and a search page passed them three times.
        self._written = {}

    def as_sql(self, compiler, connection):
        return self.sql_for(connection)

    def sql_for(self, connection):
        """``(subquery, params)`` listing the ids, for ``connection``'s database."""
        if connection.vendor == "sqlite":
            if "json" not in self._written:
                self._written["json"] = json.dumps(self.ids)
            return "SELECT value FROM json_each(%s)", [self._written["json"]]
        # An array literal: psycopg adapting a list looks at every element
        # (7 ms of a search page of "forces" at 2,000 generated articles).
        if "array" not in self._written:
            self._written["array"] = "{" + ",".join(map(str, self.ids)) + "}"
        return "SELECT unnest(%s::bigint[])", [self._written["array"]]


# The fields of an article that the lists of articles show (``for_lists``).
LISTED_FIELDS = (
    "title",
    "slug",
    "lede",
    "body",
    "published",
    "language",
    "generated",
    "story_key",
    "source__name",
    "source__slug",
)


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Article.Status.PUBLISHED)

    def for_lists(self):
        """The articles with what a list of them shows (headline, snippet,
        source, date, language, story): their captions, authors, tags and
        bookkeeping left unread, which cost a page of 20 a third of reading them
        (var/prof/micro.py-style timing at 100,000 synthetic articles)."""
        return self.select_related("source").only(*LISTED_FIELDS)

    def newest_first(self):
        return self.order_by(models.F("published").desc(nulls_last=True), "-created")

    def counts_by_month(self):
        """``[(first day of month, number of articles), ...]`` for dated articles,
        oldest month first; months without articles are absent."""
        rows = (
            self.filter(published__isnull=False)
            .annotate(month=MonthStart("published"))
            .order_by()
            .values("month")
            .annotate(n=models.Count("pk"))
            .order_by("month")
        )
        return [(row["month"], row["n"]) for row in rows]


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField("headline", max_length=300)
    slug = models.SlugField(max_length=120, unique=True)
    lede = models.TextField(blank=True)
    body = models.TextField(help_text="Plain text; paragraphs separated by a blank line.")
    captions = models.JSONField(
        default=list,
        blank=True,
        help_text='Photo captions kept apart from the body: [{"text": ..., "credit": ...}].',
    )
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    authors = models.JSONField(default=list, blank=True, help_text="A list of author names.")
    url = models.URLField("original URL", max_length=500, blank=True)
    published = models.DateField(null=True, blank=True, help_text="Empty when the text has none.")
    language = models.CharField(max_length=8, choices=Language.choices, default=Language.ENGLISH)
    tags = models.JSONField(default=list, blank=True)
    word_count = models.PositiveIntegerField(default=0)
    content_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PUBLISHED, db_index=True
    )
    provenance = models.CharField(
        max_length=500, blank=True, help_text="The file (and record) the article was imported from."
    )
    story_key = models.BigIntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text="Articles with the same key tell one story: translations and near-copies.",
    )
    # Database defaults too, so that rows written by plain SQL get them.
    furniture = models.JSONField(
        default=list,
        db_default=[],
        blank=True,
        help_text="What cleaning took out of the body, with its place, so that the original "
        "text can be rebuilt: standing notices, headings, byline, dateline, footnote marks.",
    )
    cleaned_with = models.CharField(
        max_length=32,
        db_default="",
        default="",
        blank=True,
        editable=False,
        help_text="The fingerprint of the source furniture the body was cleaned with.",
    )
    # db_default: rows that raw SQL inserts without the column are real articles.
    generated = models.BooleanField(
        default=False,
        db_default=False,
        help_text="Made up by the corpus generator (the large demo, benchmarks): no real article.",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    actors = models.ManyToManyField(
        "Actor", through="ActorMention", related_name="articles", blank=True
    )
    locations = models.ManyToManyField(
        "Location", through="LocationMention", related_name="articles", blank=True
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = [models.F("published").desc(nulls_last=True), "-created"]
        constraints = [
            # Translations of one text may share its URL: one article a language.
            models.UniqueConstraint(
                fields=["url", "language"],
                condition=~Q(url=""),
                name="article_url_language_unique_when_present",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "published"], name="article_status_published"),
            models.Index(fields=["source", "published"], name="article_source_published"),
            models.Index(fields=["language"], name="article_language"),
            # The import finds an article again by the file it came from.
            models.Index(fields=["provenance"], name="article_provenance"),
            models.Index(fields=["story_key"], name="article_story_key"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.word_count = len(self.body.split())
        self.content_hash = self.content_hash or self.hash_content(self.title, self.body)
        if not self.slug:
            self.slug = unique_slug(Article, self.title, max_length=100, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return slug_url("articles:article_detail", self.slug)

    @property
    def paragraphs(self):
        return [p.strip() for p in self.body.split("\n\n") if p.strip()]

    def story_members(self, *, published_only=True):
        """The other (published) articles of this article's story, translations
        (another language) first, then near-copies, oldest first."""
        if self.story_key is None:
            return []
        others = Article.objects.published() if published_only else Article.objects.all()
        members = list(
            others.filter(story_key=self.story_key)
            .exclude(pk=self.pk)
            .select_related("source")
            .order_by("pk")
        )
        return sorted(members, key=lambda other: other.language == self.language)

    @staticmethod
    def hash_content(title, body):
        """The duplicate key: the same headline and text, however they were spaced."""
        text = normalize_name(title) + "\n" + " ".join(body.split())
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ArticleSignature(models.Model):
    """One band of an article's near-copy signature (see
    :mod:`articles.importing.signatures`): articles that share bands are
    found by an index probe, not by comparing texts."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="signature_bands")
    band = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["band", "article"], name="article_signature_band")]

    def __str__(self):
        return f"{self.article_id}: {self.band}"


class Entity(models.Model):
    """What actors and locations share: a name, a slug and aliases."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(type(self), self.name, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def all_names(self):
        """The entity's name followed by its aliases, without repeats."""
        names = [self.name]
        seen = {normalize_name(self.name)}
        for alias in self.aliases.all():
            if alias.normalized not in seen:
                seen.add(alias.normalized)
                names.append(alias.name)
        return names


class Actor(Entity):
    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        ORGANISATION = "organisation", "Organisation"
        STATE = "state", "State"
        ARMED_FORCE = "armed_force", "Armed force or unit"

    kind = models.CharField(max_length=20, choices=Kind.choices, db_index=True)
    description = models.CharField(max_length=500, blank=True)

    class Meta(Entity.Meta):
        pass

    def get_absolute_url(self):
        return slug_url("articles:actor_detail", self.slug)


class Location(Entity):
    class Kind(models.TextChoices):
        COUNTRY = "country", "Country"
        REGION = "region", "Region"
        CITY = "city", "City or town"
        FRONT = "front", "Front or axis"
        OTHER = "other", "Other"

    kind = models.CharField(max_length=20, choices=Kind.choices, db_index=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)

    class Meta(Entity.Meta):
        pass

    def get_absolute_url(self):
        return slug_url("articles:location_detail", self.slug)

    def clean(self):
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": "A location cannot be inside itself."})
            ancestor = ancestor.parent
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError("Give both latitude and longitude, or neither.")


class Alias(models.Model):
    """Another name an entity goes by.  The entity's own name is stored as an
    alias too, so that one unique index guards every name of one kind."""

    class Kind(models.TextChoices):
        NAME = "name", "Canonical name"
        SPELLING = "spelling", "Spelling"
        TRANSLITERATION = "transliteration", "Transliteration"
        TRANSLATION = "translation", "Translation"
        ABBREVIATION = "abbreviation", "Abbreviation"
        FORMER = "former", "Former name"
        INFLECTION = "inflection", "Inflected form"

    name = models.CharField(max_length=200)
    normalized = models.CharField(max_length=200, unique=True, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SPELLING)
    language = models.CharField(max_length=8, blank=True)
    case_sensitive = models.BooleanField(
        default=False,
        help_text="Match only as written (for abbreviations such as US or MoD).",
    )

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.normalized = normalize_name(self.name)
        super().save(*args, **kwargs)

    def clean(self):
        self.normalized = normalize_name(self.name)
        if not self.normalized:
            raise ValidationError({"name": "An alias needs a name."})
        clash = type(self)._default_manager.filter(normalized=self.normalized)
        if self.pk:
            clash = clash.exclude(pk=self.pk)
        clash = clash.select_related("entity").first()
        if clash is not None:
            raise ValidationError({"name": f"“{self.name}” is already a name of “{clash.entity}”."})


class ActorAlias(Alias):
    entity = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="aliases")

    class Meta(Alias.Meta):
        verbose_name = "actor alias"
        verbose_name_plural = "actor aliases"


class LocationAlias(Alias):
    entity = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="aliases")

    class Meta(Alias.Meta):
        verbose_name = "location alias"
        verbose_name_plural = "location aliases"


class SourceAlias(Alias):
    """Another name of a source: how articles cite an outlet ("NYT", "Reuters")."""

    entity = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="aliases")

    class Meta(Alias.Meta):
        verbose_name = "source alias"
        verbose_name_plural = "source aliases"


class NonMention(models.Model):
    """A longer proper name that contains one of an entity's names without
    being a mention of it: "Geneva Conventions" is not Geneva, "Moscow Times"
    is not Moscow.  Where the phrase occurs, the linker skips the entity (other
    names inside the phrase still link)."""

    phrase = models.CharField(max_length=200)
    normalized = models.CharField(max_length=200, editable=False)

    class Meta:
        abstract = True
        ordering = ["phrase"]

    def __str__(self):
        return self.phrase

    def save(self, *args, **kwargs):
        self.normalized = normalize_name(self.phrase)
        super().save(*args, **kwargs)


class ActorNonMention(NonMention):
    entity = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="non_mentions")

    class Meta(NonMention.Meta):
        verbose_name = "not-a-mention phrase"
        constraints = [
            models.UniqueConstraint(
                fields=["entity", "normalized"], name="actor_non_mention_unique"
            )
        ]


class LocationNonMention(NonMention):
    entity = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="non_mentions")

    class Meta(NonMention.Meta):
        verbose_name = "not-a-mention phrase"
        constraints = [
            models.UniqueConstraint(
                fields=["entity", "normalized"], name="location_non_mention_unique"
            )
        ]


class Mention(models.Model):
    count = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True
        ordering = ["-count"]


class ActorMention(Mention):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="actor_mentions")
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="mentions")

    class Meta(Mention.Meta):
        constraints = [
            models.UniqueConstraint(fields=["article", "actor"], name="actor_mention_unique")
        ]
        indexes = [models.Index(fields=["actor", "article"], name="actor_mention_actor")]

    def __str__(self):
        return f"{self.actor} in {self.article} ×{self.count}"


class LocationMention(Mention):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="location_mentions")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="mentions")

    class Meta(Mention.Meta):
        constraints = [
            models.UniqueConstraint(fields=["article", "location"], name="location_mention_unique")
        ]
        indexes = [models.Index(fields=["location", "article"], name="location_mention_location")]

    def __str__(self):
        return f"{self.location} in {self.article} ×{self.count}"


class SourceMention(Mention):
    """An outlet named in an article's text ("according to Reuters"), apart from
    the article's own source."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="source_mentions")
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="mentioned_in")

    class Meta(Mention.Meta):
        constraints = [
            models.UniqueConstraint(fields=["article", "source"], name="source_mention_unique")
        ]
        indexes = [models.Index(fields=["source", "article"], name="source_mention_source")]

    def __str__(self):
        return f"{self.source} in {self.article} ×{self.count}"


class MovedActor(models.Model):
    """The public slug of a media outlet that was an actor and is now a source:
    its old actor page redirects to the source's."""

    slug = models.SlugField(max_length=80, unique=True)
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="+")

    def __str__(self):
        return f"{self.slug} → {self.source}"


class Suggestion(models.Model):
    """A name the import found that looks like an entity but is not in the
    gazetteer, kept for an editor to accept, alias or dismiss."""

    class Kind(models.TextChoices):
        ACTOR = "actor", "Actor"
        LOCATION = "location", "Location"
        UNKNOWN = "unknown", "Unknown"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        DISMISSED = "dismissed", "Dismissed"

    name = models.CharField(max_length=200)
    normalized = models.CharField(max_length=200, unique=True, editable=False)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.UNKNOWN)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    mention_count = models.PositiveIntegerField(default=0)
    article_count = models.PositiveIntegerField(default=0)
    examples = models.JSONField(
        default=list, blank=True, help_text='[{"article": slug, "sentence": ...}]'
    )
    # The evidence the score weighs (see articles.importing.suggestions.evidence_score).
    score = models.FloatField(default=0, db_index=True)
    source_count = models.PositiveIntegerField("sources", default=0)
    mid_sentence_count = models.PositiveIntegerField(default=0)
    context_count = models.PositiveIntegerField(default=0)
    lowercase_article_count = models.PositiveIntegerField(default=0)
    forms = models.JSONField(default=dict, blank=True, help_text="{form as written: mentions}")
    source_articles = models.JSONField(default=dict, blank=True, help_text="{source id: articles}")
    archive_author = models.BooleanField(
        "author in the archive",
        default=False,
        help_text="The name of an author of the archive's own articles.",
    )
    actor = models.ForeignKey(
        Actor, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-score", "-mention_count", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        from .importing.suggestions import suggestion_key

        self.normalized = suggestion_key(self.name)
        super().save(*args, **kwargs)


class ArticleSearchIndex(models.Model):
    """SQLite's full-text index of articles, for the ORM to join.

    The FTS5 table is created by migration 0002_search_index and kept in step
    with the articles by triggers (see ``articles/search/sqlite.py``); this
    unmanaged model only lets a query match it (``document`` is FTS5's hidden
    column named after the table) and order by bm25 (``rank``).  PostgreSQL keeps
    its index in a column of the article table instead and has no such table.
    """

    article = models.OneToOneField(
        Article,
        primary_key=True,
        db_column="rowid",
        on_delete=models.DO_NOTHING,
        related_name="search_index",
    )
    document = models.TextField(db_column="articles_article_fts")
    rank = models.FloatField()

    class Meta:
        managed = False
        db_table = "articles_article_fts"
        required_db_vendor = "sqlite"

    def __str__(self):
        return f"search index entry of article {self.article_id}"


# Curation records kept by the admin: merges of duplicate records, which can be
# undone, and the public slugs of merged-away records, which redirect.


class Merge(models.Model):
    """Duplicate records of one model merged into a survivor.

    ``snapshot`` holds everything that undoing the merge needs: the merged
    records as serialized, their aliases and mentions, the survivor's mentions
    before the merge, and every foreign key the merge re-pointed (see
    ``articles.curation.merging``).
    """

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+"
    )
    survivor_id = models.PositiveBigIntegerField()
    survivor_name = models.CharField(max_length=200)
    merged_names = models.CharField(max_length=1000)
    snapshot = models.JSONField()
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    undone = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created", "-pk"]

    def __str__(self):
        return f"{self.merged_names} → {self.survivor_name}"


class MergedSlug(models.Model):
    """The public slug of a record merged away; its URL redirects to ``target_id``."""

    merge = models.ForeignKey(Merge, on_delete=models.CASCADE, related_name="slugs")
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+"
    )
    slug = models.SlugField(max_length=80)
    target_id = models.PositiveBigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_type", "slug"], name="merged_slug_unique")
        ]

    def __str__(self):
        return self.slug


class ArchiveWord(models.Model):
    """A word of the archive's texts (ledes and bodies, lower case) and in how
    many articles it occurs: kept by the import, rebuilt by relink_articles.
    "Did you mean" looks for the closest spellings here, never in the articles."""

    word = models.CharField(max_length=60, unique=True)
    # A misspelling mostly keeps the first letter and about the length: the
    # candidates of a word are read by these two.
    initial = models.CharField(max_length=1)
    length = models.PositiveSmallIntegerField()
    articles = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["initial", "length"], name="archive_word_initial_length")]

    def __str__(self):
        return self.word


class MonthCount(models.Model):
    """How many published articles of one month and language an actor or a
    place is mentioned in, a source published, or the whole archive holds.

    Kept by every change of articles (see :mod:`articles.month_counts`), so
    that an entity's page, its total and its chart read a few dozen rows of
    one index instead of counting every article: for the busiest actor at
    1,000,000 synthetic articles on PostgreSQL that count took 0.5 to 1 s."""

    class Kind(models.TextChoices):
        ARCHIVE = "archive", "The whole archive"
        ACTOR = "actor", "Actor"
        LOCATION = "location", "Location"
        SOURCE = "source", "Source"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    entity_id = models.PositiveBigIntegerField(help_text="0 for the whole archive.")
    month = models.PositiveIntegerField(help_text="Year × 100 + month; 0 for undated articles.")
    language = models.CharField(max_length=8)
    articles = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "entity_id", "month", "language"], name="month_count_key"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.entity_id} {self.month} {self.language}: {self.articles}"
