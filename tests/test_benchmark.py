"""The benchmark, run at a tiny size so that it keeps working: every query of
the mix is timed through the page, its own SQL and tantivy, then the import,
an export and a backup and restore, and the table and the JSON say so."""

import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from benchmarking.processes import drop_database
from benchmarking.search import EXPANSIONS, SEARCHES

pytestmark = pytest.mark.django_db


@pytest.fixture
def benchmark_database_url(tmp_path):
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("postgresql"):
        url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}_bench_tiny"
    else:
        url = f"sqlite:///{tmp_path / 'search.sqlite3'}"
    drop_database(url)
    yield url
    drop_database(url)


def test_the_benchmark_times_every_query_of_the_mix(benchmark_database_url, tmp_path, capsys):
    figures_path = tmp_path / "figures.json"
    call_command(
        "benchmark",
        "all",
        "--articles=40",
        "--rounds=1",
        "--import-articles=10",
        f"--database-url={benchmark_database_url}",
        f"--json={figures_path}",
    )
    table = capsys.readouterr().out
    figures = json.loads(figures_path.read_text())

    assert figures["articles"] == 40
    assert figures["database"] == connection.vendor
    names = [timing["name"] for timing in figures["timings"]]
    searched = len(SEARCHES) + len(EXPANSIONS)
    assert names[:searched] == [name for name, _ in SEARCHES + EXPANSIONS]
    assert [name.split()[0] for name in names[searched:]] == [
        "month",
        "article",
        "actor",
        "place",
        "source",
    ]
    for timing in figures["timings"]:
        assert timing["page"]["median_ms"] > 0 and timing["sql"]["median_ms"] > 0
        assert timing["statements"] > 0
        assert timing["name"][:27] in table
    searches = figures["timings"][: len(SEARCHES)]
    browse = searches[0]
    assert browse["matched"] == 40  # every synthetic article is published
    assert all(0 <= timing["matched"] <= 40 for timing in searches)
    assert all(timing["tantivy"]["median_ms"] > 0 for timing in searches)
    # tantivy counts the same articles as the database for the plain queries.
    plain = {"browse", "very common word", "common word", "exclusion"}
    for timing in searches:
        if timing["name"] in plain:
            assert timing["tantivy_matched"] == timing["matched"], timing["name"]
    assert figures["import"]["first_import"]["articles_per_second"] > 0
    assert figures["export"]["lines"] > 1 and figures["export"]["first_byte_ms"] >= 0
    exported, restored = figures["backup"]
    assert (exported["action"], restored["action"]) == ("export", "restore")
    assert exported["rows"] == restored["rows"] > 40  # the articles, their mentions, ...
    assert "Search page, worst p95 of the mix" in table and "Import:" in table
    assert "Export of every article, csv:" in table and "Backup restore:" in table
    assert "Plan, article page" in table and "Plan, month chart" in table
    assert {timing["kind"] for timing in figures["timings"]} == {
        "search",
        "expansion",
        "chart",
        "entity",
    }
    # Each search that expands is timed with exact=1 too: the phrase and the
    # spellings by their forms, Kiev by its names; a plain word not at all.
    by_name = {timing["name"]: timing for timing in figures["timings"]}
    assert by_name["phrase"]["expands"] == "forms"
    assert by_name["spelling, common word"]["expands"] == "forms"
    assert by_name["Cyrillic forms"]["expands"] == "forms"
    assert by_name["alias (Kiev)"]["expands"] == "names"
    assert "exact_page" not in by_name["very common word"]
    for name in ("phrase", "spelling, common word", "alias (Kiev)"):
        assert by_name[name]["exact_page"]["median_ms"] > 0
        assert "expansion_cost_pct" in by_name[name]
        assert name[:27] in table.split("Expansion cost")[1]
    assert "Spellings and word forms, worst cost over exact=1" in table
