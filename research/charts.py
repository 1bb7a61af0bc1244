"""Server-rendered charts of articles per month.

:func:`timeline_chart` lays out one or more series of monthly counts (from
``ArticleQuerySet.counts_by_month()``) as grouped bars; the template
``research/_timeline_chart.html`` draws the result as SVG with a data table
beside it, so the chart needs no JavaScript and reads out in a screen reader.
Each bar links to its search narrowed to that month.  In *share* mode a bar is
the series' fraction of all published articles that month: attention rather
than volume, so a month when the archive collected more does not look like a
month when the subject mattered more.
"""

import calendar
import datetime
import math
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlencode

from django.http import QueryDict
from django.urls import reverse
from django.utils.safestring import mark_safe

from articles import month_counts
from articles.presentation import escape

# Geometry of the SVG's coordinate system (it scales to the width of the page).
WIDTH, HEIGHT = 720, 260
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 56, 12, 12, 56
PLOT_WIDTH = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
PLOT_HEIGHT = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
# Colour-blind-safe colours (Okabe & Ito), dark enough against white for 3:1.
COLOURS = ["#0b4f8a", "#c75b00", "#007a5e", "#b4306b"]
MAX_SERIES = len(COLOURS)
SHARE_PARAM, SHARE_VALUE = "chart", "share"


@dataclass
class Series:
    """One line of the legend: a label, its monthly counts and the search it links to."""

    label: str
    counts: list  # [(first day of month, n), ...] as counts_by_month() returns
    params: QueryDict = field(default_factory=QueryDict)

    def month_url(self, month):
        last_day = calendar.monthrange(month.year, month.month)[1]
        # ISO dates need no quoting: written as urlencode writes them.
        last = month.replace(day=last_day).isoformat()
        return f"{self._search_url}date_from={month.isoformat()}&date_to={last}"

    @cached_property
    def _search_url(self):
        """The search's URL without its dates, ready for a month's: encoded
        once for all of a chart's bars."""
        pairs = [
            (name, value)
            for name, values in self.params.lists()
            if name not in ("date_from", "date_to", "page", SHARE_PARAM)
            for value in values
        ]
        return f"{reverse('articles:search')}?{urlencode(pairs)}{'&' if pairs else ''}"


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    label: str
    url: str


@dataclass
class Tick:
    position: float
    label: str


@dataclass
class Row:
    month: str
    cells: list


@dataclass
class TimelineChart:
    series: list
    bars: list
    y_ticks: list
    x_ticks: list
    rows: list
    share: bool
    summary: str
    width: int = WIDTH
    height: int = HEIGHT
    plot_left: int = MARGIN_LEFT
    plot_right: int = WIDTH - MARGIN_RIGHT
    plot_top: int = MARGIN_TOP
    plot_bottom: int = HEIGHT - MARGIN_BOTTOM

    @property
    def plot_centre(self):
        return (self.plot_left + self.plot_right) / 2

    @property
    def y_title(self):
        return "Share of all articles that month" if self.share else "Articles per month"

    @property
    def legend(self):
        return [(s.label, COLOURS[i]) for i, s in enumerate(self.series)]


def bars_html(chart):
    """The chart's bars as SVG links, built here rather than by a template
    loop: a chart of four years drew some 50 bars of eight values each, most
    of an entity page's template time (cProfile, 20,000 generated articles)."""
    return mark_safe(
        "".join(
            f'<a href="{escape(bar.url)}" aria-label="{escape(bar.label)}"><rect x="{bar.x}" '
            f'y="{bar.y}" width="{bar.width}" height="{bar.height}" fill="{bar.colour}">'
            f"<title>{escape(bar.label)}</title></rect></a>\n    "
            for bar in chart.bars
        )
    )


def axes_html(chart):
    """The chart's gridlines, axes, ticks and axis titles, built here for the
    reason of ``bars_html``: the template's loops wrote each number through
    Django's localisation, 1 ms of an entity page (CPU time, 100,000
    synthetic articles)."""
    left, right, bottom = chart.plot_left, chart.plot_right, chart.plot_bottom
    parts = ['<g aria-hidden="true">\n      ']
    for tick in chart.y_ticks:
        parts.append(
            f'<line x1="{left}" x2="{right}" y1="{tick.position}" y2="{tick.position}" '
            f'stroke="#d9dde3"/>\n      <text x="{left - 6}" y="{tick.position}" dy="0.32em" '
            f'text-anchor="end" fill="#59616d">{escape(tick.label)}</text>\n      '
        )
    parts.append("\n      ")
    for tick in chart.x_ticks:
        parts.append(
            f'<line x1="{tick.position}" x2="{tick.position}" y1="{bottom}" y2="{bottom + 4}" '
            f'stroke="#59616d"/>\n      <text x="{tick.position}" y="{bottom + 18}" '
            f'text-anchor="middle" fill="#1d2127">{escape(tick.label)}</text>\n      '
        )
    parts.append(
        f'\n      <line x1="{left}" x2="{right}" y1="{bottom}" y2="{bottom}" stroke="#59616d"/>\n'
        f'      <text x="{chart.plot_centre}" y="{chart.height - 8}" text-anchor="middle" '
        f'fill="#1d2127">Month of publication</text>\n'
        f'      <text transform="translate(14 {chart.plot_top + 4}) rotate(-90)" '
        f'text-anchor="end" fill="#1d2127">{escape(chart.y_title)}</text>\n    </g>'
    )
    return mark_safe("".join(parts))


def rows_html(chart):
    """The rows of the chart's table of numbers."""
    return mark_safe(
        "".join(
            f'<tr><th scope="row">{escape(row.month)}</th>'
            + "".join(f"<td>{escape(cell)}</td>" for cell in row.cells)
            + "</tr>\n      "
            for row in chart.rows
        )
    )


def month_range(first, last):
    months, month = [], first
    while month <= last:
        months.append(month)
        month = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return months


def wants_share(params):
    return params.get(SHARE_PARAM) == SHARE_VALUE


def share_toggle_urls(request):
    """(count URL, share URL) for the current page: the same query with the switch off or on."""
    params = request.GET.copy()
    params.pop(SHARE_PARAM, None)
    count_url = f"{request.path}?{params.urlencode()}" if params else request.path
    params[SHARE_PARAM] = SHARE_VALUE
    return count_url, f"{request.path}?{params.urlencode()}"


def timeline_chart(series, *, share=False):
    """Lay out ``series`` (at most four) as grouped monthly bars; ``None`` if no month has data."""
    series = list(series)[:MAX_SERIES]
    by_series = [{_month(month): n for month, n in s.counts} for s in series]
    months_seen = sorted(set().union(*by_series)) if by_series else []
    if not months_seen:
        return None
    months = month_range(months_seen[0], months_seen[-1])
    if share:
        totals = dict(month_counts.months(month_counts.ARCHIVE))
        values = [
            {m: (counts.get(m, 0) / totals[m] if totals.get(m) else 0.0) for m in months}
            for counts in by_series
        ]
    else:
        values = [{m: counts.get(m, 0) for m in months} for counts in by_series]

    top = max(max(v.values()) for v in values)
    step, ceiling = _nice_scale(top, share)
    slot = PLOT_WIDTH / len(months)
    gap = slot * 0.15 if slot > 4 else 0
    bar_width = (slot - gap) / len(series)
    bars = []
    for i, (s, v) in enumerate(zip(series, values, strict=True)):
        for j, month in enumerate(months):
            value = v[month]
            if not value:
                continue
            height = PLOT_HEIGHT * value / ceiling
            bars.append(
                Bar(
                    x=round(MARGIN_LEFT + j * slot + gap / 2 + i * bar_width, 2),
                    y=round(MARGIN_TOP + PLOT_HEIGHT - height, 2),
                    width=round(max(bar_width, 1), 2),
                    height=round(height, 2),
                    colour=COLOURS[i],
                    label=_bar_label(s, month, v[month], by_series[i].get(month, 0), share),
                    url=s.month_url(month),
                )
            )
    y_ticks = [
        Tick(
            position=round(MARGIN_TOP + PLOT_HEIGHT - PLOT_HEIGHT * k * step / ceiling, 2),
            label=_format_value(k * step, share),
        )
        for k in range(round(ceiling / step) + 1)
    ]
    rows = [
        Row(
            month=f"{month:%B %Y}",
            cells=[
                _format_cell(counts.get(month, 0), v[month], share)
                for counts, v in zip(by_series, values, strict=True)
            ],
        )
        for month in months
    ]
    return TimelineChart(
        series=series,
        bars=bars,
        y_ticks=y_ticks,
        x_ticks=_x_ticks(months, slot),
        rows=rows,
        share=share,
        summary=_summary(series, by_series, months),
    )


def _month(value):
    """TruncMonth gives dates on SQLite and PostgreSQL alike; datetimes are tolerated."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    return value.replace(day=1)


def _nice_scale(top, share):
    """A step of 1, 2 or 5 × 10^k giving at most five gridlines, and the axis ceiling."""
    if top <= 0:
        return (0.25 if share else 1), 1
    raw = top / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    if not share:
        step = max(1, round(step))
    return step, step * math.ceil(top / step - 1e-9)


def _format_value(value, share):
    if share:
        return f"{value * 100:.{0 if value * 100 >= 1 or value == 0 else 1}f}%"
    return f"{round(value):,}"


def _format_cell(count, value, share):
    return f"{count:,} ({_format_value(value, True)})" if share else f"{count:,}"


def _bar_label(series, month, value, count, share):
    what = f"{count:,} article{'s' if count != 1 else ''}"
    if share:
        what += f", {_format_value(value, True)} of all that month"
    return f"{series.label}: {month:%B %Y}, {what}"


def _x_ticks(months, slot):
    """Month names when there are few months, else each January (and the first month)."""
    ticks = []
    for j, month in enumerate(months):
        centre = round(MARGIN_LEFT + (j + 0.5) * slot, 2)
        if len(months) <= 12:
            label = f"{month:%b}" if month.month != 1 and j else f"{month:%b %Y}"
        elif month.month == 1 or j == 0:
            label = f"{month:%Y}" if len(months) > 24 else f"{month:%b %Y}"
        else:
            continue
        ticks.append(Tick(position=centre, label=label))
    if len(months) > 24 and len(ticks) > 1 and months[0].month != 1:
        # The first partial year's label would crowd the next January's.
        ticks[0].label = "" if ticks[1].position - ticks[0].position < 40 else ticks[0].label
    return ticks


def _summary(series, by_series, months):
    span = f"{months[0]:%B %Y} to {months[-1]:%B %Y}"
    parts = []
    for s, counts in zip(series, by_series, strict=True):
        total = sum(counts.values())
        if counts:
            busiest = max(counts, key=lambda m: (counts[m], m))
            parts.append(
                f"{s.label}: {total:,} dated articles, most in {busiest:%B %Y} "
                f"({counts[busiest]:,})"
            )
        else:
            parts.append(f"{s.label}: no dated articles")
    return f"Articles per month from {span}. " + "; ".join(parts) + "."
