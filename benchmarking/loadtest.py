"""Load test: gunicorn on loopback, a PostgreSQL archive of synthetic articles,
and a realistic mix of searches and page views, bounded in time and requests.

    make loadtest PG_URL=postgres://postgres@127.0.0.1:5432/archive

The archive lives in its own database, ``<name>_loadtest`` on the server of
PG_URL; it is built once (migrate, gazetteer, ``generate_corpus --into-database``) and kept
for the next run (drop it to reclaim the space).  Clients keep a fixed number of
requests in flight; the run fails if a single request errs (status other than
200, or no answer).  The figures printed are the ones to quote.
"""

import argparse
import collections
import http.client
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

import dj_database_url
import psycopg

ROOT = Path(__file__).resolve().parent.parent
WORDS = [
    "drones",
    "air defence",
    '"front line"',
    "ceasefire",
    "logistics -winter",
    "reserves OR morale",
    "sanctions components",
    "fortifications",
    "energy facilities",
    "offensive*",
]


def connect(config, dbname):
    return psycopg.connect(
        dbname=dbname,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        autocommit=True,
    )


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *map(str, args)], cwd=ROOT, env=env, check=True)


def prepare_archive(server_url, articles, env):
    """The load-test database with ``articles`` articles: reused when it has them."""
    config = dj_database_url.parse(server_url)
    name = f"{config['NAME']}_loadtest"
    url = urlsplit(server_url)._replace(path=f"/{name}").geturl()
    env = {**env, "DATABASE_URL": url}
    with connect(config, "postgres") as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    count = 0
    if exists:
        with connect(config, name) as db:
            try:
                count = db.execute("SELECT count(*) FROM articles_article").fetchone()[0]
            except psycopg.errors.UndefinedTable:
                count = 0
    if count != articles:
        print(f"Building {name} with {articles:,} articles (kept for later runs)...", flush=True)
        with connect(config, "postgres") as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "load_gazetteer", "-v0")
        manage(env, "generate_corpus", "--count", articles, "--into-database")
        with connect(config, name) as db:
            db.execute("VACUUM ANALYZE")
    else:
        print(f"Reusing {name} ({articles:,} articles).", flush=True)
    return env, connect(config, name)


def url_mix(db, rng):
    """A function returning the next URL to ask for, in a realistic mix."""

    def column(sql):
        return [row[0] for row in db.execute(sql).fetchall()]

    articles = column("SELECT slug FROM articles_article ORDER BY random() LIMIT 2000")
    actors = column("SELECT slug FROM articles_actor")
    places = column("SELECT slug FROM articles_location")
    sources = column("SELECT slug FROM articles_source")
    names = column("SELECT name FROM articles_actor UNION ALL SELECT name FROM articles_location")

    def search():
        q = quote(rng.choice(names) if rng.random() < 0.7 else rng.choice(WORDS))
        sort = rng.choice(["", "&sort=newest", "&sort=oldest"])
        page = f"&page={rng.randint(2, 4)}" if rng.random() < 0.15 else ""
        return f"/search/?q={q}{sort}{page}"

    def filtered_search():
        filters = [
            f"actor={rng.choice(actors)}",
            f"location={rng.choice(places)}",
            f"source={rng.choice(sources)}",
            f"date_from=202{rng.randint(2, 4)}-0{rng.randint(1, 9)}-01",
            "language=en",
        ]
        return "/search/?" + "&".join(rng.sample(filters, rng.randint(1, 3)))

    mix = [
        (30, search),
        (12, filtered_search),
        (25, lambda: f"/articles/{rng.choice(articles)}/"),
        (8, lambda: "/"),
        (6, lambda: f"/actors/{rng.choice(actors)}/"),
        (6, lambda: f"/locations/{rng.choice(places)}/"),
        (3, lambda: f"/sources/{rng.choice(sources)}/"),
        (10, lambda: rng.choice(["/actors/", "/locations/", "/sources/", "/search/"])),
    ]
    weights = [weight for weight, _ in mix]
    makers = [maker for _, maker in mix]
    return lambda: rng.choices(makers, weights)[0]()


def get(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def run_load(port, next_url, *, concurrency, duration, max_requests):
    lock = threading.Lock()
    latencies, failures, statuses = [], [], collections.Counter()
    deadline = time.monotonic() + duration

    def client():
        while time.monotonic() < deadline:
            with lock:
                if len(latencies) + len(failures) >= max_requests:
                    return
                path = next_url()
            started = time.perf_counter()
            try:
                status = get(port, path)
            except OSError as exc:
                status = f"{type(exc).__name__}"
            elapsed = time.perf_counter() - started
            with lock:
                statuses[status] += 1
                if status == 200:
                    latencies.append(elapsed)
                else:
                    failures.append((status, path))

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, failures, statuses, time.monotonic() - started


def percentile(values, fraction):
    return values[min(len(values) - 1, int(fraction * len(values)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="PostgreSQL URL (its server is used)")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--requests", type=int, default=20_000, help="at most this many")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    env = {
        "PATH": "/usr/bin:/bin",
        "SECRET_KEY": "loadtest-" + "x" * 50,
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    env, db = prepare_archive(args.database, args.articles, env)
    rng = random.Random(args.seed)
    next_url = url_mix(db, rng)
    with tempfile.TemporaryDirectory() as tmp:
        env = {**env, "STATIC_ROOT": f"{tmp}/static", "HOME": tmp}
        manage(env, "collectstatic", "--noinput", "-v0")
        log_path = Path(tmp) / "gunicorn.log"
        command = [sys.executable, "-m", "gunicorn", "archive.wsgi", "--bind", "127.0.0.1:0"]
        command += ["--workers", str(args.workers), "--timeout", "60"]
        with open(log_path, "w") as log:
            server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
        try:
            while not (
                match := re.search(r"Listening at: http://[^:]+:(\d+)", log_path.read_text())
            ):
                if server.poll() is not None:
                    sys.exit(log_path.read_text())
                time.sleep(0.1)
            port = int(match[1])
            for _ in range(args.workers * 20):  # warm every worker's connection and caches
                get(port, next_url())
            print(
                f"Load: {args.concurrency} requests in flight for up to {args.duration:.0f} s "
                f"or {args.requests:,} requests; gunicorn with {args.workers} workers.",
                flush=True,
            )
            latencies, failures, statuses, elapsed = run_load(
                port,
                next_url,
                concurrency=args.concurrency,
                duration=args.duration,
                max_requests=args.requests,
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
    done = len(latencies) + len(failures)
    latencies.sort()
    print(f"{done:,} requests in {elapsed:.1f} s: {done / elapsed:,.1f} requests/s")
    if latencies:
        p50, p90, p99 = (percentile(latencies, f) * 1000 for f in (0.5, 0.9, 0.99))
        print(
            f"latency ms: p50 {p50:.0f}, p90 {p90:.0f}, p99 {p99:.0f}, "
            f"max {latencies[-1] * 1000:.0f}"
        )
    print(f"errors: {len(failures)}  (statuses: {dict(statuses)})")
    for status, path in failures[:10]:
        print(f"  {status} {path}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
