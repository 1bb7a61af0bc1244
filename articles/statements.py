"""Statements of a fixed shape, written once instead of built and compiled by
the ORM on every page: at 100,000 synthetic articles on PostgreSQL, building
and compiling a search page's querysets took some 8 of its 28 ms of Python
(CPU time through the test client, the benchmark's tuned mix).  Each is the
SQL the ORM wrote for it, so that the rows and the plans stay the same."""

from django.db import connections, router
from django.db.models.query import get_related_populators


def read_rows(model, sql, params):
    """The rows of ``sql``, read where ``model`` is read (a replica, see
    archive/replicas.py, or the primary)."""
    with read_connection(model).cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def read_connection(model):
    """The connection ``model`` is read from."""
    return connections[router.db_for_read(model)]


def forget_logged_statements():
    """After a bulk write's batch: under DEBUG Django logs the last 9,000
    statements with their values, a batch's inserts megabytes each (16 GB by
    200,000 generated articles), unless a capture (``assertNumQueries``,
    ``CaptureQueriesContext``) asked for them."""
    for connection in connections.all(initialized_only=True):
        if not connection.force_debug_cursor:
            connection.queries_log.clear()


def placeholders(count):
    """``%s, %s, …``: ``count`` parameters, for ``IN (…)``."""
    return ", ".join(["%s"] * count)


def in_bulk(name, queryset, ids):
    """``{id: model}``, as ``queryset.in_bulk(ids)`` gives them, by a
    statement compiled once a number of ids (see ``read_models``): ``name``
    stands for ``queryset``'s shape, the same each call.  Building and
    compiling the search page's statement of its 20 articles took 1 ms of its
    Python (CPU time through the test client, 20,000 synthetic articles on
    PostgreSQL)."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return {}
    # No article has a negative id: these stand for the ids until they are put in.
    marks = [-1 - n for n in range(len(ids))]
    found = read_models(
        (name, len(ids)), queryset.model, lambda: queryset.filter(pk__in=marks), marks, ids
    )
    return {obj.pk: obj for obj in found}


def read_models(key, model, queryset_of_marks, marks, values):
    """The models of a queryset that ``queryset_of_marks()`` builds with the
    parameters ``marks``, read with ``values`` in their places (each value as
    the lookup passes it to the database): the statement built and compiled
    by the ORM once a connection and ``key``, which stands for the
    queryset's shape.  Rows (tuples) for a ``values_list`` queryset."""
    connection = read_connection(model)
    compiled = connection.__dict__.setdefault("_archive_compiled", {})
    if key not in compiled:
        compiled[key] = _Compiled(connection, queryset_of_marks(), marks)
    return compiled[key].read(values)


class _Compiled:
    """A queryset's statement compiled once, and what turns its rows into
    models as Django's ``ModelIterable`` does."""

    def __init__(self, connection, queryset, marks):
        compiler = queryset.query.get_compiler(connection=connection)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        # Where each mark is: a value may be passed more than once.
        self.places = [
            [place for place, param in enumerate(self.params) if param == mark] for mark in marks
        ]
        if not all(self.places):
            raise ValueError(f"{marks} compiled to {params}")
        self.compiler, self.connection = compiler, connection
        self.rows_only = bool(queryset.query.values_select)  # values_list: no models
        if self.rows_only:
            return
        klass_info, select = compiler.klass_info, compiler.select
        self.model = klass_info["model"]
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        self.fields = slice(start, end)
        self.init_list = [column[0].target.attname for column in select[start:end]]
        self.related = get_related_populators(klass_info, select, connection.alias)
        self.annotations = compiler.annotation_col_map

    def read(self, values):
        params = list(self.params)
        for places, value in zip(self.places, values, strict=True):
            for place in places:
                params[place] = value
        with self.connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.rows_only:
            return list(self.compiler.results_iter([rows], tuple_expected=True))
        found = []
        for row in self.compiler.results_iter([rows]):
            obj = self.model.from_db(self.connection.alias, self.init_list, row[self.fields])
            for related in self.related:
                related.populate(row, obj)
            for name, column in self.annotations.items():
                setattr(obj, name, row[column])
            found.append(obj)
        return found
