from django.apps import AppConfig


class ResearchConfig(AppConfig):
    """Citations, exports, feeds and charts of the archive's searches; no models of its own."""

    name = "research"
    verbose_name = "Research tools"
