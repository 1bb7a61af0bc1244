from django.apps import AppConfig
from django.db.models.signals import post_migrate


def repair_search_index(sender, using, **kwargs):
    """A migration may drop what the search index needs (SQLite loses its
    triggers when a migration rebuilds the article table); put it back."""
    from django.db import connections

    from .search import get_engine

    get_engine(connections[using]).index.repair()


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Archive"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(repair_search_index, sender=self)
