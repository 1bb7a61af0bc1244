"""Preparing records in worker processes.

Cleaning, linking and finding candidate names is CPU work that parallelises
perfectly; writing is not.  A big run hands batches of records to worker
processes (started with "spawn", so they share no database connection with
the main process) and writes their results in order.  Workers also ask the
database for the search vectors of the articles they prepare, where the
engine computes them apart from the insert (PostgreSQL), in sessions of
their own that run beside the writer's.  This module imports no Django code
at load time: a fresh worker sets Django up first.
"""

from collections import deque

_gazetteer = None


def start_worker(aliases, database_name):
    import django

    django.setup()
    from django.db import connection

    from ..linking import Gazetteer

    connection.settings_dict["NAME"] = database_name  # the writer's (in tests, the test database)

    global _gazetteer
    _gazetteer = Gazetteer(aliases)


def prepare_batch(
    raws, analyse_records=True, gazetteer=None, archived=None, vectors=False, furniture=None
):
    """``(results, warnings)``: a Prepared or a Rejection for each raw record,
    in order, and the warnings preparing them raised.  ``furniture``: the
    sources' known furniture (see :func:`.cleaning.clean_text`).  ``archived``: the text
    hash the archive holds for a record's key (URL or file); a record that
    still has it is unchanged and needs no analysis.  ``vectors``: also get
    the search vectors of the analysed records, where the engine has them."""
    from .readers import Rejection
    from .records import RecordError, analyse, prepare

    gazetteer = gazetteer or _gazetteer
    warnings = []
    results = []
    for raw in raws:
        try:
            prepared = prepare(
                raw,
                warn=lambda key, message: warnings.append((key, message)),
                furniture=furniture,
                gazetteer=gazetteer,
            )
        except RecordError as exc:
            results.append(Rejection(raw.where, str(exc)))
            continue
        unchanged = archived and prepared.content_hash in archived.get(prepared.key, ())
        if analyse_records and not unchanged:
            prepared.analysis = analyse(prepared, gazetteer)
        results.append(prepared)
    if vectors:
        _add_search_vectors([r for r in results if getattr(r, "analysis", None) is not None])
    return results, warnings


def _add_search_vectors(prepared):
    from django.db import DatabaseError

    from ..search import get_engine

    try:
        vectors = get_engine().index.search_vectors(
            [(p.language, p.title, p.lede, p.body) for p in prepared]
        )
    except DatabaseError:
        return  # the writer's insert computes them instead
    if vectors is not None:
        for record, vector in zip(prepared, vectors, strict=True):
            record.search_vector = vector


class Preparer:
    """Turns raw records into prepared ones, in order: in this process for a
    small run, in ``workers`` processes once a run has more than one batch."""

    def __init__(self, gazetteer, aliases, *, workers, batch_size):
        self.gazetteer = gazetteer
        self.aliases = aliases
        self.workers = workers
        self.batch_size = batch_size
        self.pending = []
        self.futures = deque()
        self.pool = None
        self.furniture = {}  # see .cleaning.clean_text; the pipeline updates it as it learns

    def add(self, raw):
        """Queue a raw record; returns the results that are ready."""
        self.pending.append(raw)
        if len(self.pending) < self.batch_size:
            return [], []
        return self._submit()

    def finish(self):
        """Every result not returned yet."""
        results, warnings = self._submit() if self.pending else ([], [])
        while self.futures:
            done, said = self.futures.popleft().result()
            results += done
            warnings += said
        return results, warnings

    def close(self):
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool = None

    def _submit(self):
        raws, self.pending = self.pending, []
        if self.pool is None and (self.workers <= 1 or len(raws) < self.batch_size):
            # Analysis waits for the writer, which skips it for unchanged records.
            return prepare_batch(
                raws, analyse_records=False, gazetteer=self.gazetteer, furniture=self.furniture
            )
        if self.pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            from django.db import connection

            self.pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=start_worker,
                initargs=(self.aliases, connection.settings_dict["NAME"]),
            )
        self.futures.append(
            self.pool.submit(
                prepare_batch,
                raws,
                archived=_archived(raws),
                vectors=True,
                furniture=self.furniture,
            )
        )
        results, warnings = [], []
        while len(self.futures) > 2 * self.workers:
            done, said = self.futures.popleft().result()
            results += done
            warnings += said
        return results, warnings


def _archived(raws):
    """``{key: content hashes}`` of the articles the archive holds for these
    records' URLs (one a language) and files (see :attr:`.records.Prepared.key`)."""
    from ..models import Article

    urls = {raw.fields.get("url") for raw in raws} - {None, ""}
    urls = {url.strip() for url in urls if isinstance(url, str)}
    files = {raw.provenance for raw in raws if raw.single}
    articles = Article.objects.order_by()
    archived = {}
    # url <> '' lets the database use the index of URLs, which leaves out the
    # empty ones: without it each batch read the whole table.
    for rows in (
        articles.filter(provenance__in=files).values_list("provenance", "content_hash"),
        articles.filter(url__in=urls).exclude(url="").values_list("url", "content_hash"),
    ):
        for key, content_hash in rows:
            archived.setdefault(key, set()).add(content_hash)
    return archived
