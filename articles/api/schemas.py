"""The shapes of the API's responses; the OpenAPI schema is generated from them."""

import datetime
from typing import Literal

from ninja import Field, Schema

from .. import models
from ..stories import story_of

# Literals rather than the models' TextChoices: three enums all named "Kind"
# would collide in the OpenAPI components.
ActorKind = Literal[tuple(models.Actor.Kind.values)]
LocationKind = Literal[tuple(models.Location.Kind.values)]
SourceKind = Literal[tuple(models.Source.Kind.values)]
LanguageCode = Literal[tuple(models.Language.values)]


def _absolute(obj, context):
    return context["request"].build_absolute_uri(obj.get_absolute_url())


class Linked(Schema):
    slug: str
    name: str
    url: str

    @staticmethod
    def resolve_url(obj, context):
        return _absolute(obj, context)


class Mentioned(Linked):
    kind: ActorKind | LocationKind
    mention_count: int


class ArticleSummary(Schema):
    slug: str
    title: str
    url: str
    original_url: str | None
    source: Linked | None
    authors: list[str]
    published: datetime.date | None
    language: str
    generated: bool = Field(
        description="Made up by the corpus generator (the large demo): no real article"
    )

    @staticmethod
    def resolve_url(article, context):
        return _absolute(article, context)

    @staticmethod
    def resolve_original_url(article):
        return article.url or None


class SearchParams(Schema):
    """The search page's parameters; slugs may repeat."""

    q: str = Field("", description='Words, "phrases", OR, -excluded, prefix*')
    source: list[str] = Field([], description="Any of these sources (slugs)")
    actor: list[str] = Field([], description="All of these actors (slugs)")
    location: list[str] = Field([], description="All of these locations (slugs)")
    exclude_source: list[str] = []
    exclude_actor: list[str] = []
    exclude_location: list[str] = []
    language: list[LanguageCode] = Field([], description="Any of these languages")
    date_from: datetime.date | None = Field(None, description="ISO date, inclusive")
    date_to: datetime.date | None = Field(None, description="ISO date, inclusive")
    dated: Literal["yes", "no", ""] = Field(
        "", description="Only articles whose date is known (yes) or unknown (no)"
    )
    sort: Literal["relevance", "newest", "oldest", ""] = ""
    exact: str = Field("", description="Set to search the exact spelling only")


class Error(Schema):
    detail: str | list


class Caption(Schema):
    text: str
    credit: str | None = None


class ArticleDetail(ArticleSummary):
    lede: str
    paragraphs: list[str]
    captions: list[Caption]
    word_count: int
    actors: list[Mentioned]
    locations: list[Mentioned]
    translations: list[ArticleSummary] = Field(description="The same story in other languages")
    copies: list[ArticleSummary] = Field(
        description="Near-copies of the text: syndicated or re-sent versions"
    )

    @staticmethod
    def resolve_translations(article):
        return story_of(article).translations

    @staticmethod
    def resolve_copies(article):
        return story_of(article).copies

    @staticmethod
    def resolve_actors(article):
        return [_mentioned(m.actor, m.count) for m in article.actor_mentions.all()]

    @staticmethod
    def resolve_locations(article):
        return [_mentioned(m.location, m.count) for m in article.location_mentions.all()]


def _mentioned(entity, count):
    entity.mention_count = count
    return entity


class Entity(Linked):
    aliases: list[str]
    article_count: int

    @staticmethod
    def resolve_aliases(entity):
        return entity.all_names()[1:]


class Actor(Entity):
    kind: ActorKind
    description: str


class Location(Entity):
    kind: LocationKind
    parent: Linked | None
    latitude: float | None
    longitude: float | None


class Source(Linked):
    kind: SourceKind
    homepage: str | None
    country: str | None
    language: str | None
    article_count: int

    @staticmethod
    def resolve_homepage(source):
        return source.homepage or None

    @staticmethod
    def resolve_country(source):
        return source.country or None

    @staticmethod
    def resolve_language(source):
        return source.language or None
