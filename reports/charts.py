"""Charts drawn once on the server as inline SVG (pygal): no JavaScript, nothing fetched.

Every bar is a link to the issues behind it, like every number of the dashboard.
"""

from __future__ import annotations

import re

from django.utils.safestring import mark_safe
from pygal import Bar, HorizontalBar, Line

from printing.style import cjk_style

FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif'
STYLE = cjk_style(
    FONT,
    background="transparent",
    plot_background="transparent",
    foreground="#212529",
    foreground_strong="#212529",
    foreground_subtle="#6c757d",
    colors=("#b71c1c", "#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a"),
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=13,
    value_font_size=12,
)
COMMON = {
    "style": STYLE,
    "js": [],  # pygal's default loads its tooltip script from a CDN: never on an intranet
    "disable_xml_declaration": True,
    "legend_at_bottom": True,
    "print_values": True,
    "print_zeroes": False,
    "show_y_guides": False,
    "margin": 8,
}


_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)


def _point(value, url: str | None, label: str = ""):
    point = {"value": value, "label": label} if label else {"value": value}
    if url:
        point["xlink"] = {"href": url, "target": "_top"}
    return point


def _ticks(values) -> list[int]:
    """Whole-number ticks for counts (pygal would label 0.2, 0.4, … for small numbers)."""
    top = max([v for v in values if v is not None] or [0])
    step = max(1, -(-top // 5))
    return list(range(0, top + step + 1, step)) if top else [0, 1]


def _label_margin(labels) -> int:
    # pygal sizes label space at 0.6 em per character; a Chinese character is a full em.
    longest = max((len(str(label)) for label in labels), default=0)
    return int(0.45 * STYLE.label_font_size * longest) + 8


def _render(chart, title: str) -> str:
    # pygal always inlines a config <script> for its (unused) tooltips: the page has no JS.
    svg = _SCRIPT.sub("", chart.render(is_unicode=True))
    # An accessible name for the figure; pygal's own <title> is per element.
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{title}" ', 1))


def horizontal_bars(
    title: str,
    rows: list[tuple[str, int, str | None]],
    series: str,
    *,
    height_per_row: int = 34,
    ticks: list[int] | None = None,
) -> str:
    rows = rows[::-1]  # pygal draws the first row at the bottom; read top-down like the table
    labels = [label for label, _value, _url in rows]
    chart = HorizontalBar(
        height=max(160, 60 + height_per_row * len(rows)),
        width=640,
        show_legend=False,
        margin_left=_label_margin(labels),
        **COMMON,
    )
    chart.x_labels = labels
    chart.y_labels = ticks or _ticks([value for _label, value, _url in rows])
    chart.add(series, [_point(value, url) for _label, value, url in rows])
    return _render(chart, title)


def grouped_bars(
    title: str,
    labels: list[str],
    series: list[tuple[str, list[tuple[int, str | None]]]],
    *,
    horizontal: bool = False,
) -> str:
    kind = HorizontalBar if horizontal else Bar
    if horizontal:  # top-down like the table beside it
        labels = labels[::-1]
        series = [(name, points[::-1]) for name, points in series]
    height = max(200, 80 + 40 * len(labels)) if horizontal else 320
    extra = {"margin_left": _label_margin(labels)} if horizontal else {}
    chart = kind(height=height, width=720, **extra, **COMMON)
    chart.x_labels = labels
    chart.y_labels = _ticks([v for _name, points in series for v, _url in points])
    for name, points in series:
        chart.add(name, [_point(v, url) for v, url in points])
    return _render(chart, title)


def trend(
    title: str, labels: list[str], series: list[tuple[str, list[tuple[int, str | None]]]]
) -> str:
    chart = Line(
        height=300,
        width=720,
        dots_size=4,
        **{**COMMON, "show_y_guides": True, "print_values": False},
    )
    chart.x_labels = labels
    chart.y_labels = _ticks([v for _name, points in series for v, _url in points])
    for name, points in series:
        chart.add(name, [_point(v, url) for v, url in points])
    return _render(chart, title)
