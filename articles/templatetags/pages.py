"""The repeated parts of the list pages, built in Python (see ``articles.presentation``)."""

from django import template

from .. import presentation
from ..models import fixed_url

register = template.Library()

register.simple_tag(presentation.facet_values_html, name="facet_values")
register.simple_tag(presentation.article_meta_html, name="article_meta")
register.simple_tag(presentation.article_item_html, name="article_item")
register.simple_tag(presentation.search_result_html, name="search_result")
register.simple_tag(presentation.story_links_html, name="story_links")
register.simple_tag(fixed_url, name="fixed_url")
