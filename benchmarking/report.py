"""The benchmark's table: every figure, then each target of the issue met, NOT
met, or not applicable (a target set at another size of corpus or for the
other database is printed with the figure measured, never as met)."""

import statistics

from articles.search import FEW_RESULTS

from . import backup, export, importing

MET, NOT_MET = "met", "NOT met"
SEARCH_TARGETS = {
    # database: (articles the targets are set at, search page median ms, every query's p95 ms)
    "postgresql": (1_000_000, 50, 150),
    "sqlite": (100_000, None, 100),
}
ENTITY_PAGE_P95_MS = 50  # PostgreSQL at 1,000,000
MONTH_CHART_P95_MS = 150  # PostgreSQL at 1,000,000
OWN_WORK_MS = 10  # every page, any database and size: its time less its SQL's, median
TANTIVY_AIM = 10  # every query's SQL within 10 times tantivy's time, medians
# Any database at 100,000: the spellings and forms widen a search page by at most this.
EXPANSION_COST_PCT, EXPANSION_SIZE = 10, 100_000
MIXES = ("tuned", "sampled")


def verdict(ok):
    return MET if ok else NOT_MET


def report(figures):
    """The figures as a table a mix, then the targets."""
    lines = [
        f"{figures['database']}, {figures['articles']:,} articles, {figures['cpus']} CPUs "
        f"(load average {figures['load_average']} over 5 minutes), {figures['rounds']} rounds "
        f"after a warm-up; search index {figures['search_index_mb']:,} MB.  Times in ms; "
        "own: the page less its SQL; sql/tv: SQL over tantivy, medians.",
    ]
    for mix in MIXES:
        timings = [t for t in figures["timings"] if t.get("mix", "tuned") == mix]
        if not timings:
            continue
        title = "Tuned mix" if mix == "tuned" else f"Sampled mix (seed {figures['sample_seed']})"
        lines += ["", title, _header(), *(_row(t) for t in timings)]
    flagged = [t for t in figures["timings"] if (t.get("sql_over_tantivy") or 0) > TANTIVY_AIM]
    if flagged:
        lines.append(f"! SQL over {TANTIVY_AIM} times tantivy's time: {len(flagged)} queries")
    lines += expansion_costs(figures["timings"])
    compared = figures.get("statements_compared")
    if compared and compared["differ"]:
        lines += ["", f"Statements that differ at {compared['articles']:,} articles:"]
        lines += [
            f"  {d['name']}: {d['there']} there, {d['here']} here" for d in compared["differ"]
        ]
    lines += ["", "Targets:", *(_target_line(row) for row in figures["targets"])]
    if "export" in figures:
        lines.append(f"Export of every article, {export.line(figures['export'])}")
    lines += [f"Backup {backup.line(run)}" for run in figures.get("backup", [])]
    for t in figures["timings"]:
        for plan in t.get("plans", []):
            lines += ["", f"Plan, {t['name']}: {plan['sql'][:160]}…", *plan["plan"]]
    return "\n".join(lines)


def _cell(value, width, spec=",.1f"):
    return f"{'–' if value is None else format(value, spec):>{width}}"


def _header():
    return (
        f"{'':<40}{'matched':>9}{'page p50':>9}{'p95':>8}{'sql p50':>8}{'p95':>8}"
        f"{'own p50':>8}{'tv p50':>8}{'p95':>7}{'sql/tv':>8}{'tv matched':>11}{'stmts':>6}"
    )


def _row(t):
    page, sql, own, tv = (t[way] or {} for way in ("page", "sql", "own", "tantivy"))
    ratio = t.get("sql_over_tantivy")
    flag = " !" if ratio is not None and ratio > TANTIVY_AIM else ""
    return (
        f"{t['name'][:39]:<40}{_cell(t['matched'], 9, ',')}"
        f"{_cell(page.get('median_ms'), 9)}{_cell(page.get('p95_ms'), 8)}"
        f"{_cell(sql.get('median_ms'), 8)}{_cell(sql.get('p95_ms'), 8)}"
        f"{_cell(own.get('median_ms'), 8)}"
        f"{_cell(tv.get('median_ms'), 8, ',.2f')}{_cell(tv.get('p95_ms'), 7, ',.2f')}"
        f"{_cell(ratio, 8, ',.1f')}{_cell(t.get('tantivy_matched'), 11, ',')}"
        f"{t['statements']:>6}{flag}"
    )


def _target_line(row):
    mix = f", {row['mix']} mix" if row.get("mix") else ""
    return f"- {row['target']} [{row['set_for']}]{mix}: {row['measured']}: {row['verdict']}"


def expansion_costs(timings):
    """A line for each search that expands, timed with and without ``exact=1``,
    and with its spellings and forms typed out (see ``search._typed_out``)."""
    expanding = [t for t in timings if t.get("exact_page")]
    if not expanding:
        return []
    lines = [
        "",
        f"{'Expansion cost':<40}{'mix':>8}{'expands':>8}{'page p50':>9}{'exact p50':>10}"
        f"{'cost':>8}{'typed p50':>10}{'own cost':>9}",
    ]
    for t in expanding:
        typed = t.get("typed_out_page")
        lines.append(
            f"{t['name'][:39]:<40}{t.get('mix', 'tuned'):>8}{t['expands']:>8}"
            f"{_cell(t['page']['median_ms'], 9)}{_cell(t['exact_page']['median_ms'], 10)}"
            f"{_cell(t['expansion_cost_pct'], 7, '+.1f')}%"
            + (
                f"{_cell(typed['median_ms'], 10)}{_cell(t['expansion_overhead_pct'], 8, '+.1f')}%"
                if typed
                else ""
            )
        )
    return lines


def targets(figures):
    """Each target of the issue as a row: what it is, what it is set for, the
    figure measured and the verdict."""
    database, articles = figures["database"], figures["articles"]
    size, median_ms, p95_ms = SEARCH_TARGETS[database]
    set_for = f"{database} at {size:,}"

    def at_size(ok):
        return verdict(ok) if articles == size else f"not applicable at {articles:,}"

    rows = []

    def add(target, where, mix, measured, ok):
        rows.append(
            {"target": target, "set_for": where, "mix": mix, "measured": measured, "verdict": ok}
        )

    def add_worst_p95(timings, what, limit_ms, mix):
        worst = max(timings, key=lambda t: t["page"]["p95_ms"])
        add(
            f"{what} p95 < {limit_ms} ms",
            set_for,
            mix,
            _worst(worst, "page", "p95_ms"),
            at_size(worst["page"]["p95_ms"] < limit_ms),
        )

    for mix in MIXES:
        searches = _timings(figures, "search", mix)
        if not searches:
            continue
        if median_ms:
            median = statistics.median(t["page"]["median_ms"] for t in searches)
            add(
                f"search page median < {median_ms} ms",
                set_for,
                mix,
                f"{median:,.1f} ms (median of the queries' medians)",
                at_size(median < median_ms),
            )
        add_worst_p95(searches, "every query's", p95_ms, mix)
    if database == "postgresql":
        pages = _timings(figures, "entity", "tuned")
        if pages:
            add_worst_p95(pages, "entity and article pages", ENTITY_PAGE_P95_MS, None)
        for mix in MIXES:
            charts = _timings(figures, "chart", mix)
            if charts:
                add_worst_p95(charts, "month charts", MONTH_CHART_P95_MS, mix)
    for mix in MIXES:
        pages = [t for t in figures["timings"] if t.get("mix", "tuned") == mix and t["own"]]
        if pages:
            worst = max(pages, key=lambda t: t["own"]["median_ms"])
            add(
                f"every page's own work (page less SQL, median) < {OWN_WORK_MS} ms",
                "any database and size",
                mix,
                _worst(worst, "own", "median_ms"),
                verdict(worst["own"]["median_ms"] < OWN_WORK_MS),
            )
    for mix in MIXES:
        # Names only (Kiev for Kyiv) were there before the spellings and forms.
        widened = [
            t
            for t in figures["timings"]
            if t.get("mix", "tuned") == mix and t.get("expands") == "forms"
        ]
        measures = (
            ("expansion_cost_pct", "over exact=1"),
            ("expansion_overhead_pct", "over the same forms typed out with exact=1"),
        )
        for key, against in measures:
            measured = [t for t in widened if key in t]
            if not measured:
                continue
            worst = max(measured, key=lambda t: t[key])
            add(
                f"spellings and word forms, worst cost {against} <= {EXPANSION_COST_PCT} %",
                f"any database at {EXPANSION_SIZE:,}",
                mix,
                f"{worst[key]:+.1f} % (medians), {worst['name']}",
                verdict(worst[key] <= EXPANSION_COST_PCT)
                if articles == EXPANSION_SIZE
                else f"not applicable at {articles:,}",
            )
    rows.append(_statements_row(figures.get("statements_compared")))
    for mix in MIXES:
        searches = [t for t in _timings(figures, "search", mix) if t.get("sql_over_tantivy")]
        if searches:
            worst = max(searches, key=lambda t: t["sql_over_tantivy"])
            over = sum(t["sql_over_tantivy"] > TANTIVY_AIM for t in searches)
            add(
                f"every query's SQL < {TANTIVY_AIM} x tantivy's time (medians; the aim)",
                "any database and size",
                mix,
                f"{over} of {len(searches)} over; worst {worst['sql_over_tantivy']:,.1f} x, "
                f"{worst['name']}",
                verdict(over == 0),
            )
    if figures.get("import"):
        rows += importing.targets(figures["import"])
    return rows


def _timings(figures, kind, mix):
    return [t for t in figures["timings"] if t["kind"] == kind and t.get("mix", "tuned") == mix]


def _worst(timing, way, statistic):
    return f"worst {timing[way][statistic]:,.1f} ms, {timing['name']}"


def _statements_row(compared):
    row = {
        "target": "statements per page the same whatever the corpus",
        "set_for": "any database and size",
        "mix": None,
    }
    if compared is None:
        return {**row, "measured": "no smaller corpus to compare with", "verdict": "not measured"}
    differ = len(compared["differ"])
    return {
        **row,
        "measured": f"{compared['same']} of {compared['compared']} pages run as many at "
        f"{compared['articles']:,} articles ({differ} differ; "
        f"{len(compared['not_compared'])} not compared: fewer than {FEW_RESULTS} matches "
        "at one size)",
        "verdict": verdict(differ == 0),
    }


def compare_statements(timings, smaller):
    """The statements of each page here and in ``smaller`` (the figures of
    ``search.count_statements``); a search with fewer than ``FEW_RESULTS``
    matches at either size is left out: it offers other spellings instead."""
    there = {page["name"]: page for page in smaller["pages"]}
    compared, differ, not_compared = 0, [], []
    for timing in timings:
        page = there.get(timing["name"])
        if page is None:
            continue
        if timing["matched"] is not None and min(timing["matched"], page["matched"]) < FEW_RESULTS:
            not_compared.append(timing["name"])
            continue
        compared += 1
        if page["statements"] != timing["statements"]:
            differ.append(
                {"name": timing["name"], "there": page["statements"], "here": timing["statements"]}
            )
    return {
        "articles": smaller["articles"],
        "compared": compared,
        "same": compared - len(differ),
        "differ": differ,
        "not_compared": not_compared,
    }
