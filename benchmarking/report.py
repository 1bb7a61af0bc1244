"""The benchmark's table: every figure, with each target met or not."""

import statistics

from . import backup, export

TARGETS = {
    # database: (articles, page median ms, page p95 ms) the issue sets
    "postgresql": (1_000_000, 50, 150),
    "sqlite": (100_000, None, 100),
}
ENTITY_PAGE_P95_MS = 50
EXPANSION_COST_PCT = 10  # the spellings and forms widen a search by at most this much page time
IMPORT_TARGET = (1_000_000, 15 * 60, 500)  # articles, seconds, peak MB


def _cell(value, width, spec=",.1f"):
    return f"{'–' if value is None else format(value, spec):>{width}}"


def report(figures):
    """The figures as a table, with each target of the issue met or not."""
    timings = figures["timings"]
    lines = [
        f"{figures['database']}, {figures['articles']:,} articles, {figures['cpus']} CPUs "
        f"(load average {figures['load_average']} over 5 minutes), {figures['rounds']} rounds "
        f"after a warm-up; search index {figures['search_index_mb']:,} MB.  Times in ms.",
        "",
        f"{'':<28}{'matched':>10}{'page p50':>10}{'p95':>8}{'sql p50':>9}{'p95':>8}"
        f"{'page/sql':>9}{'tantivy p50':>12}{'p95':>7}{'page/tv':>9}{'tv matched':>11}"
        f"{'stmts':>6}",
    ]
    for t in timings:
        page, sql, tv = t["page"] or {}, t["sql"] or {}, t["tantivy"] or {}
        lines.append(
            f"{t['name'][:27]:<28}{_cell(t['matched'], 10, ',')}"
            f"{_cell(page.get('median_ms'), 10)}{_cell(page.get('p95_ms'), 8)}"
            f"{_cell(sql.get('median_ms'), 9)}{_cell(sql.get('p95_ms'), 8)}"
            f"{_cell(t.get('page_over_sql'), 9, '.2f')}"
            f"{_cell(tv.get('median_ms'), 12, ',.2f')}{_cell(tv.get('p95_ms'), 7, ',.2f')}"
            f"{_cell(t.get('page_over_tantivy'), 9, ',.0f')}"
            f"{_cell(t.get('tantivy_matched'), 11, ',')}{t['statements']:>6}"
        )
    lines += expansion_costs(timings)
    lines += ["", *targets(figures)]
    for t in timings:
        for plan in t.get("plans", []):
            lines += ["", f"Plan, {t['name']}: {plan['sql'][:160]}…", *plan["plan"]]
    return "\n".join(lines)


def expansion_costs(timings):
    """A line for each search that expands, with and without ``exact=1``."""
    expanding = [t for t in timings if t.get("exact_page")]
    if not expanding:
        return []
    lines = [
        "",
        f"{'Expansion cost':<28}{'expands':>8}{'page p50':>10}{'exact p50':>10}{'cost':>8}",
    ]
    for t in expanding:
        lines.append(
            f"{t['name'][:27]:<28}{t['expands']:>8}{_cell(t['page']['median_ms'], 10)}"
            f"{_cell(t['exact_page']['median_ms'], 10)}{_cell(t['expansion_cost_pct'], 7, '+.1f')}%"
        )
    return lines


def targets(figures):
    """One line a target, then the export and backup lines when measured."""
    searches = [t for t in figures["timings"] if t["kind"] == "search"]
    pages = [t for t in figures["timings"] if t["kind"] == "entity"]
    size, median_target, p95_target = TARGETS[figures["database"]]
    mix_median = statistics.median(t["page"]["median_ms"] for t in searches)
    mix_p95 = max(t["page"]["p95_ms"] for t in searches)
    close = [t["name"] for t in searches if t.get("close_to_engine")]
    far = [t["name"] for t in searches if not t.get("close_to_engine")]
    slowest_page = max(pages, key=lambda t: t["page"]["p95_ms"])

    def verdict(ok):
        return "met" if ok else "NOT met"

    at = f"at {figures['articles']:,} articles (target set at {size:,})"
    costs = {
        t["name"]: t["expansion_cost_pct"]
        for t in figures["timings"]
        if t.get("expands") == "forms"
    }
    lines = [
        f"Search page, median of the mix's medians: {mix_median:,.1f} ms"
        + (
            f" (target < {median_target} ms: {verdict(mix_median < median_target)})"
            if median_target
            else ""
        ),
        f"Search page, worst p95 of the mix: {mix_p95:,.1f} ms "
        f"(target < {p95_target} ms {at}: {verdict(mix_p95 < p95_target)})",
        f"Within 1.5 x the SQL's own time + 5 ms: {len(close)} of {len(searches)}"
        + (f"; not: {', '.join(far)}" if far else ""),
        f"Entity pages, worst p95: {slowest_page['page']['p95_ms']:,.1f} ms, "
        f"{slowest_page['name']} (target < {ENTITY_PAGE_P95_MS} ms: "
        f"{verdict(slowest_page['page']['p95_ms'] < ENTITY_PAGE_P95_MS)})",
    ]
    if costs:
        worst = max(costs, key=costs.get)
        lines.append(
            f"Spellings and word forms, worst cost over exact=1: {costs[worst]:+.1f} %, {worst} "
            f"(target <= {EXPANSION_COST_PCT} %: {verdict(costs[worst] <= EXPANSION_COST_PCT)})"
        )
    imported = figures.get("import", {}).get("first_import")
    if imported:
        count, seconds_target, memory_target = IMPORT_TARGET
        rate = imported["articles_per_second"]
        projected = count / rate
        lines.append(
            f"Import: {rate:,} articles/s over {figures['import']['articles']:,} "
            f"({imported['cpu_ms_per_article']:.2f} CPU ms an article), peak memory "
            f"{imported['peak_memory_mb']:,} MB; 1,000,000 would take {projected / 60:,.0f} min "
            f"(target < {seconds_target // 60} min: {verdict(projected < seconds_target)}; "
            f"memory < {memory_target} MB: {verdict(imported['peak_memory_mb'] < memory_target)})"
        )
    if "export" in figures:
        lines.append(f"Export of every article, {export.line(figures['export'])}")
    lines += [f"Backup {backup.line(run)}" for run in figures.get("backup", [])]
    return lines
