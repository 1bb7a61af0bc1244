from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate


def repair_search_index(sender, using, **kwargs):
    """A migration may drop what the search index needs (SQLite loses its
    triggers when a migration rebuilds the article table); put it back."""
    from django.db import connections

    from .search import get_engine

    get_engine(connections[using]).index.repair()


def forget_month_counts(sender, instance, using, **kwargs):
    """A deleted actor, place or source takes its month counts with it."""
    from .models import MonthCount

    kind = sender._meta.model_name
    MonthCount.objects.using(using).filter(kind=kind, entity_id=instance.pk).delete()


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Archive"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(repair_search_index, sender=self)
        for name in ("Actor", "Location", "Source"):
            post_delete.connect(forget_month_counts, sender=self.get_model(name))
