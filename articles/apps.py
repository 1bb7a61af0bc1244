from django.apps import AppConfig
from django.db.models.signals import post_migrate


def repair_search_index(sender, using, **kwargs):
    """SQLite loses the search triggers when a migration rebuilds the article
    table; put them back (see articles/search/sqlite.py)."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor == "sqlite":
        from .search import sqlite

        with connection.cursor() as cursor:
            sqlite.repair(cursor)


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Archive"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(repair_search_index, sender=self)
