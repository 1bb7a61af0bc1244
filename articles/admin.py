"""Django's admin autodiscovery imports ``articles.admin``; the pages are in ``curation.admin``."""

from .curation import admin  # noqa: F401
