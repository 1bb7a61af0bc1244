"""The import measured: ``manage.py benchmark import --count 100000``.

Generates (or reuses) a corpus of ``--count`` articles, creates a fresh
benchmark database beside the configured one (``<name>_bench`` on the same
PostgreSQL server, or ``var/bench/bench.sqlite3``), loads the gazetteer and
times ``import_articles`` on the corpus as a separate process: once into the
empty archive, and once more over it (everything unchanged).  Peak memory is
sampled as the sum of the resident memory of the import and its worker
processes, so it is what the machine must have.
"""

import os
import shutil
from pathlib import Path

from django.conf import settings

from .outputs import write_files
from .processes import create_database, database_url_beside, drop_database, environment, run_manage

# The target: 1,000,000 generated articles on PostgreSQL in under 15
# minutes and 500 MB; at another size, the rate it takes: 1,111 articles/s.
TARGET_ARTICLES, TARGET_SECONDS, TARGET_MEMORY_MB = 1_000_000, 15 * 60, 500
TARGET_RATE = TARGET_ARTICLES / TARGET_SECONDS


def measure(count, *, seed=1, corpus=None, database_url=None, workers=None, once=False, **rest):
    """The figures of the first (and unless ``once``, second) import; ``rest``:
    ``keep`` the database, ``log`` progress."""
    keep, log = rest.get("keep", False), rest.get("log", print)
    corpus = Path(corpus or settings.BASE_DIR / "var" / "bench" / f"corpus-{count}-{seed}")
    if not corpus.is_dir():
        log(f"Generating {count:,} articles (seed {seed}) in {corpus} …")
        partial = corpus.with_name(corpus.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        write_files(partial, count, seed)
        partial.rename(corpus)
    url = database_url or database_url_beside("bench")
    create_database(url, empty=True)
    env = environment(url)
    try:
        run_manage(["migrate", "--noinput", "-v0"], env)
        run_manage(["load_gazetteer"], env)
        command = ["import_articles", str(corpus), "--no-progress"]
        if workers:
            command += ["--workers", str(workers)]
        runs = {"first_import": run_manage(command, env)}
        if not once:
            runs["second_import"] = run_manage(command, env)
    finally:
        if not keep:
            drop_database(url)
    figures = {
        "articles": count,
        "database": url.split("://", 1)[0],
        "cpus": os.cpu_count(),
        "load_average": round(os.getloadavg()[1], 1),
    }
    for name, (seconds, cpu, peak, out) in runs.items():
        figures[name] = {
            "seconds": round(seconds, 1),
            "articles_per_second": round(count / seconds, 1),
            "cpu_seconds": round(cpu, 1),
            "cpu_ms_per_article": round(1000 * cpu / count, 2),
            "peak_memory_mb": round(peak / 2**20),
            "summary": " ".join(out.split()),
        }
    return figures


def table(figures):
    runs = [name for name in ("first_import", "second_import") if name in figures]
    lines = [
        f"Import of {figures['articles']:,} generated articles on {figures['database']} "
        f"({figures['cpus']} CPUs, load average {figures['load_average']} over 5 minutes):",
        f"{'run':<16}{'seconds':>10}{'articles/s':>12}{'CPU ms/article':>16}{'peak memory':>14}",
    ]
    for name in runs:
        run = figures[name]
        lines.append(
            f"{name.replace('_', ' '):<16}{run['seconds']:>10,.1f}"
            f"{run['articles_per_second']:>12,}{run['cpu_ms_per_article']:>16,.2f}"
            f"{run['peak_memory_mb']:>11,} MB"
        )
    lines += [f"{name}: {figures[name]['summary']}" for name in runs]
    lines += ["Targets:"]
    lines += [
        f"- {row['target']} [{row['set_for']}]: {row['measured']}: {row['verdict']}"
        for row in targets(figures)
    ]
    return "\n".join(lines)


def targets(figures):
    """The import's targets as rows (see report.targets): met or not on
    PostgreSQL at 1,000,000 articles; elsewhere not applicable, with the rate
    measured against the rate the target takes."""
    first, count = figures["first_import"], figures["articles"]
    postgres = figures["database"].startswith("postgres")
    set_for = f"postgresql at {TARGET_ARTICLES:,}"
    if not postgres:
        not_applicable = f"not applicable on {figures['database']}"
    elif count != TARGET_ARTICLES:
        not_applicable = f"not applicable at {count:,}"
    else:
        not_applicable = None
    rate = first["articles_per_second"]
    extrapolated = TARGET_ARTICLES * first["seconds"] / count
    rows = [
        {
            "target": f"import of {TARGET_ARTICLES:,} articles < {TARGET_SECONDS // 60} min",
            "set_for": set_for,
            "mix": None,
            "measured": (
                f"{first['seconds'] / 60:,.1f} min"
                if not_applicable is None
                else f"{rate:,} articles/s at {count:,} against the {TARGET_RATE:,.0f}/s it "
                f"takes: {TARGET_ARTICLES:,} would take {extrapolated / 60:,.0f} min "
                f"(extrapolated: {'fast enough' if rate >= TARGET_RATE else 'too slow'})"
            ),
            "verdict": not_applicable or _verdict(first["seconds"] < TARGET_SECONDS),
        },
        {
            "target": f"import's peak memory < {TARGET_MEMORY_MB} MB",
            "set_for": set_for,
            "mix": None,
            "measured": f"{first['peak_memory_mb']:,} MB at {count:,}",
            "verdict": not_applicable or _verdict(first["peak_memory_mb"] < TARGET_MEMORY_MB),
        },
    ]
    return rows


def _verdict(ok):
    return "met" if ok else "NOT met"
