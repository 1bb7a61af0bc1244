"""The search benchmark: a fixed mix of searches and pages, each timed three
ways over several rounds after a warm-up.

- **page**: the whole request through Django's test client: middleware, the
  view, every query, facets, snippets, the rendered template;
- **sql**: the statements that request ran, replayed straight through the
  database driver (psycopg or sqlite3) on the same connection: the engine's
  own time, the floor the page could reach;
- **tantivy**: the same search in a dedicated search engine (top 20 and an
  exact count), where it is installed.

The tuned mix names words of the generated corpus's vocabulary by their
frequency rank, so it means the same at every size: the very common words are
in nearly every article, the rare ones in a handful.  The sampled mix
(``sampled.py``) is drawn at random, fixed by its seed, and reported apart.

A page's own work is its time less its SQL's, round by round: Python,
templates and the driver.  Its statements are counted, so that two sizes of
corpus can be compared (``count_statements``).
"""

import math
import os
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import override_settings
from django.utils.text import slugify

from articles.models import Actor, Article, Location, Source
from articles.search import get_engine, search_articles
from articles.search.query import Phrase, label_for, node_for

from .corpus import SOURCES, _tail_words
from .outputs import PROVENANCE_PREFIX
from .sampled import SAMPLE_SEED, SampledMix
from .tantivy_engine import TantivyArchive, available

_TAIL = _tail_words(40000)
MEDIUM_WORD = _TAIL[300]  # in about one article in a hundred
RARE_WORD = _TAIL[20000]  # in a handful
TOP_SOURCE = slugify(SOURCES[0][0])  # the biggest source of the generator
TOP_ACTOR = "volodymyr-zelensky"  # first in the gazetteer: the most mentioned
TOP_LOCATION = "ukraine"

SEARCHES = [
    ("browse", {}),
    ("browse, page 200", {"page": "200"}),
    ("rare word", {"q": RARE_WORD}),
    ("medium word", {"q": MEDIUM_WORD}),
    ("common word", {"q": "counteroffensive"}),
    ("very common word", {"q": "forces"}),
    ("two words", {"q": "artillery ceasefire"}),
    ("phrase", {"q": '"air defence"'}),
    ("exclusion", {"q": "drones -artillery"}),
    ("prefix", {"q": "drone*"}),
    ("alias (Kiev)", {"q": "Kiev"}),
    ("word + source", {"q": "counteroffensive", "source": TOP_SOURCE}),
    ("word + date range", {"q": "ceasefire", "date_from": "2023-01-01", "date_to": "2023-06-30"}),
    ("actor + place", {"actor": TOP_ACTOR, "location": "kharkiv"}),
    ("very common, newest", {"q": "forces", "sort": "newest"}),
    ("very common, page 50", {"q": "forces", "page": "50"}),
]

# Searches that the expansions widen (British and American spellings,
# Ukrainian and Russian forms), timed besides with ``exact=1`` to tell what the
# expansion costs the page; so is each search of the mix that expands.  Every
# word is in the generated corpus's vocabulary: defence and defense, armoured,
# оборона in its Ukrainian and Russian cases.
EXPANSIONS = [
    ("spelling, common word", {"q": "defence"}),
    ("spellings, two words", {"q": "armoured vehicles"}),
    ("Cyrillic forms", {"q": "оборони"}),
]

# The month chart that a search with more matches than its page reads loads
# after the page (research.views.search_months).
CHARTS = [("month chart, very common", {"q": "forces"})]


def entity_pages():
    """(name, URL) of an article page and of the busiest actor, place and
    source pages."""
    article = Article.objects.published().order_by("pk")
    middle = article[article.count() // 2]
    return [
        ("article page", middle.get_absolute_url()),
        ("actor page (most mentioned)", Actor.objects.get(slug=TOP_ACTOR).get_absolute_url()),
        ("place page (most mentioned)", Location.objects.get(slug=TOP_LOCATION).get_absolute_url()),
        ("source page (biggest)", Source.objects.get(slug=TOP_SOURCE).get_absolute_url()),
    ]


@dataclass
class Timing:
    name: str
    url: str
    kind: str = "search"  # or "expansion", "chart", "entity"
    mix: str = "tuned"  # or "sampled"
    page: list = field(default_factory=list)
    exact_page: list = field(default_factory=list)  # the same search with exact=1
    typed_out_page: list = field(default_factory=list)  # its forms typed out, exact=1
    expands: str | None = None  # what the expansion adds: "forms" or "names"
    sql: list = field(default_factory=list)
    own: list = field(default_factory=list)  # page less SQL, round by round
    tantivy: list = field(default_factory=list)
    statements: int = 0
    matched: int | None = None
    tantivy_matched: int | None = None
    plans: list = field(default_factory=list)

    def summary(self):
        figures = {
            "name": self.name,
            "url": self.url,
            "kind": self.kind,
            "mix": self.mix,
            "statements": self.statements,
            "matched": self.matched,
            "tantivy_matched": self.tantivy_matched,
        }
        for way in ("page", "sql", "own", "tantivy"):
            samples = getattr(self, way)
            figures[way] = (
                {"median_ms": _ms(statistics.median(samples)), "p95_ms": _ms(p95(samples))}
                if samples
                else None
            )
        if self.sql and self.tantivy:
            # Medians: on a machine shared with other work, a p95 is mostly the others'.
            # Two decimals: a small archive's fast SQL over a loaded tantivy is under 0.05.
            figures["sql_over_tantivy"] = round(
                statistics.median(self.sql) / statistics.median(self.tantivy), 2
            )
        if self.exact_page:
            figures["expands"] = self.expands
            figures["exact_page"] = {
                "median_ms": _ms(statistics.median(self.exact_page)),
                "p95_ms": _ms(p95(self.exact_page)),
            }
            # Medians, each round's two pages timed one after the other: on a
            # machine others load, a p95 is one unlucky round.
            figures["expansion_cost_pct"] = round(
                100 * (statistics.median(self.page) / statistics.median(self.exact_page) - 1), 1
            )
        if self.typed_out_page:
            figures["typed_out_page"] = {
                "median_ms": _ms(statistics.median(self.typed_out_page)),
                "p95_ms": _ms(p95(self.typed_out_page)),
            }
            figures["expansion_overhead_pct"] = round(
                100 * (statistics.median(self.page) / statistics.median(self.typed_out_page) - 1),
                1,
            )
        if self.page and self.tantivy:
            figures["page_over_tantivy"] = round(
                statistics.median(self.page) / statistics.median(self.tantivy), 1
            )
        if self.plans:
            figures["plans"] = self.plans
        return figures


def p95(samples):
    """The 95th percentile, nearest rank: with 20 samples, the second slowest."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def _ms(seconds):
    # To the microsecond: tantivy answers a small corpus in tens of microseconds,
    # which a tenth of a millisecond would round to zero.
    return round(seconds * 1000, 3)


class StatementRecorder:
    """Every statement a request runs, with its parameters, for replaying."""

    def __init__(self):
        self.statements = []

    def __call__(self, execute, sql, params, many, context):
        self.statements.append((sql, params, many))
        return execute(sql, params, many, context)


def record(client, url):
    recorder = StatementRecorder()
    with connection.execute_wrapper(recorder):
        response = client.get(url, secure=True)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return recorder.statements


def jobs(*, corpus_seed=1, sample_seed=SAMPLE_SEED):
    """(kind, mix, name, url, search params or None) of every page timed: the
    tuned mix, its expansions, its chart and the entity pages, then the
    sampled mix."""
    sampled = SampledMix(
        seed=sample_seed, corpus_seed=corpus_seed, tuned_queries=[p for _, p in SEARCHES]
    )
    listed = [("search", "tuned", name, p) for name, p in SEARCHES]
    listed += [("expansion", "tuned", name, p) for name, p in EXPANSIONS]
    listed += [("chart", "tuned", name, p) for name, p in CHARTS]
    listed += [("search", "sampled", name, p) for name, p in sampled.searches()]
    listed += [("chart", "sampled", name, p) for name, p in sampled.charts()]
    paths = {"search": "/search/?", "expansion": "/search/?", "chart": "/search/months/?"}
    pages = [(kind, mix, name, paths[kind] + urlencode(p), p) for kind, mix, name, p in listed]
    entities = [("entity", "tuned", name, url, None) for name, url in entity_pages()]
    tuned = [page for page in pages if page[1] == "tuned"]
    return tuned + entities + [page for page in pages if page[1] == "sampled"]


def count_statements(articles, *, seed=1, sample_seed=SAMPLE_SEED, log=print):
    """The statements each page runs and the articles it matches, without
    timing: to compare with another size of corpus."""
    ensure_archive(articles, seed, log)
    client = Client()
    counted = []
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        for kind, mix, name, url, params in jobs(corpus_seed=seed, sample_seed=sample_seed):
            matched = None
            if params is not None:
                matched = search_articles(params).filtered.count()
            statements = len(record(client, url))
            counted.append({"name": name, "kind": kind, "mix": mix, "url": url})
            counted[-1].update(statements=statements, matched=matched)
    return {"articles": articles, "database": get_engine().name, "pages": counted}


def replay(statements):
    """Run ``statements`` again, in one transaction (a page's planner settings
    last the statements it sets them for: see search/postgres.py); returns the
    seconds."""
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for sql, params, many in statements:
            if many:
                cursor.executemany(sql, params)
            else:
                cursor.execute(sql, params or ())
            if cursor.description:
                cursor.fetchall()
    return time.perf_counter() - started


def explain(statements):
    """The plan of each SELECT the page runs."""
    prefix = connection.ops.explain_query_prefix() + " "
    plans = []
    with connection.cursor() as cursor:
        for sql, params, many in statements:
            if many or not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute(prefix + sql, params)
            rows = cursor.fetchall()
            lines = [_shortened(" ".join(str(cell) for cell in row[-1:])) for row in rows]
            plans.append({"sql": sql[:300], "plan": lines})
    return plans


def _shortened(line, width=200):
    """A plan's line cut to ``width``: a page passes thousands of ids in one."""
    return line if len(line) <= width else line[: width - 1] + "…"


def run(*, rounds=20, warmup=2, tantivy=None, with_plans=True, progress=None, **seeds):
    """Time both mixes; returns one Timing a search or page.  ``seeds``:
    ``corpus_seed`` and ``sample_seed`` (see ``jobs``).  The requests are
    HTTPS to the test client's host name, which production settings must let in."""
    client = Client()
    connection.ensure_connection()
    timings = []
    for kind, mix, name, url, params in jobs(**seeds):
        timing = Timing(name, url, kind, mix)
        statements = record(client, url)
        timing.statements = len(statements)
        if params is not None:
            timing.matched = search_articles(params).filtered.count()
        if kind in ("chart", "entity") and with_plans:
            timing.plans = explain(statements)
        results = search_articles(params) if kind in ("search", "expansion") else None
        timing.expands = results and _expands(results)
        exact_url = timing.expands and url + "&" + urlencode({"exact": "1"})
        typed_out = timing.expands == "forms" and _typed_out(results, params)
        for round_ in range(warmup + rounds):
            started = time.perf_counter()
            client.get(url, secure=True)
            elapsed = time.perf_counter() - started
            exact_elapsed = typed_out_elapsed = None
            if exact_url:
                started = time.perf_counter()
                client.get(exact_url, secure=True)
                exact_elapsed = time.perf_counter() - started
            if typed_out:
                started = time.perf_counter()
                client.get(typed_out, secure=True)
                typed_out_elapsed = time.perf_counter() - started
            sql_seconds = replay(statements)
            tantivy_seconds = None
            if tantivy is not None and results is not None:
                started = time.perf_counter()
                timing.tantivy_matched = tantivy.search(results)
                tantivy_seconds = time.perf_counter() - started
            if round_ >= warmup:
                timing.page.append(elapsed)
                if exact_elapsed is not None:
                    timing.exact_page.append(exact_elapsed)
                if typed_out_elapsed is not None:
                    timing.typed_out_page.append(typed_out_elapsed)
                timing.sql.append(sql_seconds)
                timing.own.append(elapsed - sql_seconds)
                if tantivy_seconds is not None:
                    timing.tantivy.append(tantivy_seconds)
        timings.append(timing)
        if progress:
            progress(timing)
    return timings


def _typed_out(results, params):
    """The URL of ``results``' search with the spellings and forms it added
    typed out as ORs, searched with ``exact=1``: the same matches without the
    expansion's own work (finding the forms, the bigger query).  None for a
    search with ORs or exclusions of its own."""
    parsed = results.parsed
    if parsed.excluded or any(len(group) > 1 for group in parsed.groups):
        return None
    typed = []
    for unit in parsed.units:
        nodes = [node_for(unit.tokens, unit.kind == "prefix"), *unit.variants, *unit.forms]
        nodes += unit.expansion.nodes if unit.expansion else []
        typed.append(" OR ".join(_quoted(node) for node in nodes))
    return "/search/?" + urlencode({**params, "q": " ".join(typed), "exact": "1"})


def _quoted(node):
    return f'"{label_for(node)}"' if isinstance(node, Phrase) else label_for(node)


def _expands(results):
    """What ``exact=1`` would leave out of the search: "forms" (other
    spellings and word forms), "names" (other names of an actor or place
    only), or None."""
    if results.parsed.form_expansions:
        return "forms"
    if any(unit.expansion for unit in results.parsed.units + results.parsed.excluded):
        return "names"
    return None


def measure(
    articles,
    *,
    seed=1,
    sample_seed=SAMPLE_SEED,
    rounds=20,
    warmup=2,
    with_tantivy=True,
    log=print,
):
    """The figures of both mixes on the configured database, which must hold
    (or be empty, to be given) the synthetic archive of ``articles``."""
    ensure_archive(articles, seed, log)
    tantivy = _tantivy(articles, seed, log) if with_tantivy and available() else None
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        timings = run(
            rounds=rounds,
            warmup=warmup,
            tantivy=tantivy,
            progress=lambda t: log(f"  {t.name}: done"),
            corpus_seed=seed,
            sample_seed=sample_seed,
        )
    return {
        "articles": articles,
        "database": get_engine().name,
        "cpus": os.cpu_count(),
        "rounds": rounds,
        "seed": seed,
        "sample_seed": sample_seed,
        "search_index_mb": round((get_engine().index.size() or 0) / 2**20),
        "tantivy": tantivy is not None,
        "timings": [timing.summary() for timing in timings],
    }


def ensure_archive(articles, seed, log):
    """Build the synthetic archive in an empty database; accept one built
    before with the same size and seed; refuse anything else."""
    total = Article.objects.count()
    ours = Article.objects.filter(provenance__startswith=f"{PROVENANCE_PREFIX}{seed}/").count()
    if total == 0:
        log(f"Building the synthetic archive of {articles:,} articles …")
        call_command("load_gazetteer", verbosity=0)
        call_command("generate_corpus", count=articles, seed=seed, into_database=True)
        get_engine().index.settle()
    elif total != articles or ours != total:
        raise CommandError(
            f"The database holds {total:,} articles, not the synthetic archive of "
            f"{articles:,} (seed {seed}): point DATABASE_URL at an empty database."
        )


def _tantivy(articles, seed, log):
    # One a database: a cache shared by both would be rebuilt by each in turn.
    name = f"tantivy-{get_engine().name}-{articles}-{seed}"
    path = Path(settings.BASE_DIR) / "var" / "bench" / name
    cached = TantivyArchive.built_from_this_archive(path)
    if cached is not None:
        return cached
    log(f"Indexing {articles:,} articles in tantivy at {path} …")
    return TantivyArchive.build(path)
