"""The import pipeline behind ``manage.py import_articles``: files in, clean
articles linked to the gazetteer out, nothing lost.

    read (:mod:`.readers`) → prepare and clean (:mod:`.records`, :mod:`.cleaning`,
    in worker processes for a big run, :mod:`.parallel`) → write in batches with
    links and suggestions (:mod:`.writer`)

Records stream through in batches, so memory stays flat whatever the corpus
size.  Each batch is one transaction: an article is saved whole, with its
mentions, or not at all.  Whatever cannot be read or makes no article is
rejected with its place (file, line or record) and a reason, and the run goes
on.

The names below load on first use, so that a worker process can import this
package before it has set Django up.
"""

__all__ = ["ImportAborted", "ImportReport", "ManifestError", "import_paths"]


def __getattr__(name):
    if name in __all__:
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
