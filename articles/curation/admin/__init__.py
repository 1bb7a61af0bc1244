"""The editors' admin: articles, sources, the gazetteer, suggestions, merges and history.

Importing this package registers every model admin (Django's autodiscovery does).
"""

from . import articles, entities, furniture, merges, suggestions  # noqa: F401
