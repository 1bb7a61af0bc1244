"""The sitemap: every public page a search engine should know, by its canonical URL."""

from django.contrib.sitemaps import Sitemap

from .models import Actor, Article, Location, Source


class ArticleSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Article.objects.published().order_by("pk").only("slug", "updated")

    def lastmod(self, article):
        return article.updated


class EntitySitemap(Sitemap):
    """Actors, locations or sources that at least one published article mentions."""

    changefreq = "weekly"
    model = None

    def items(self):
        return (
            self.model.objects.filter(articles__status=Article.Status.PUBLISHED)
            .distinct()
            .order_by("pk")
            .only("slug")
        )


class ActorSitemap(EntitySitemap):
    model = Actor


class LocationSitemap(EntitySitemap):
    model = Location


class SourceSitemap(EntitySitemap):
    model = Source


SITEMAPS = {
    "articles": ArticleSitemap,
    "actors": ActorSitemap,
    "locations": LocationSitemap,
    "sources": SourceSitemap,
}
