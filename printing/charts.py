"""Charts drawn once on the server as SVG (pygal): crisp in print, no JavaScript, no network.

Each function returns a ``Chart``: the SVG and its legend. The legend is printed as HTML
under the image (pygal's own bottom legend is measured with its estimate of text widths and
gets clipped with Chinese names). ``data_uri`` turns the SVG into an ``<img src>`` the PDF
renderer's fetcher accepts.
"""

from __future__ import annotations

import base64
import unicodedata
from typing import Any, NamedTuple

import pygal

from printing.style import cjk_style

FONT = "Noto Sans CJK SC, AR PL UKai CN, sans-serif"
PRINT_STYLE = cjk_style(
    FONT,
    background="white",
    plot_background="white",
    foreground="#222",
    foreground_strong="#000",
    foreground_subtle="#bbb",
    # sizes in SVG pixels of a 900-px-wide chart printed 156 mm wide: 17 px is about 8 pt
    label_font_size=17,
    major_label_font_size=17,
    legend_font_size=18,
    title_font_size=20,
    value_font_size=15,
    colors=("#c0392b", "#2c6fbb", "#27865f", "#d68910", "#7d3c98", "#566573", "#17a589", "#a04000"),
    transition="none",
    opacity="1",
    opacity_hover="1",
)
COLORS = PRINT_STYLE.colors


class Chart(NamedTuple):
    svg: bytes
    legend: list[tuple[str, str]]  # (colour, label)


def _chart(kind, name: str, **options):
    """A pygal chart with a fixed id (pygal picks a random one): same figures, same PDF bytes."""
    chart = kind(**{**_COMMON, **options})
    chart.uuid = f"print-{name}"
    return chart


def _legend(labels: list[str]) -> list[tuple[str, str]]:
    return [(COLORS[i % len(COLORS)], label) for i, label in enumerate(labels)]


_COMMON = {
    "style": PRINT_STYLE,
    "js": [],  # pygal links a tooltip script from the Internet by default
    "disable_xml_declaration": False,
    "width": 900,
    "height": 420,
    "show_legend": False,
    "truncate_label": -1,  # never cut a Chinese name short
    "print_values": False,
    "show_y_guides": True,
    "margin": 12,
}


def wide_text_excess(labels: list[str], font_size: float) -> float:
    """What pygal's estimate of a label's width (0.6 em a character) misses for the widest of
    ``labels``: a Chinese character is a full em. Added to the margin on the labels' side,
    the first character of 市市场监管局 is no longer cut off."""
    wide = [sum(unicodedata.east_asian_width(ch) in "WF" for ch in label) for label in labels]
    return 0.4 * font_size * max(wide, default=0) + font_size / 2


def data_uri(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def monthly_trend(monthly: list[dict[str, Any]]) -> Chart:
    chart = _chart(pygal.Line, "monthly", dots_size=3)
    chart.x_labels = [f"{int(m['month'][5:])}月" for m in monthly]
    chart.add("提出", [m["raised"] for m in monthly])
    chart.add("报结", [m["resolved"] for m in monthly])
    return Chart(chart.render(), _legend(["提出", "报结"]))


def by_chain(rows: list[dict[str, Any]]) -> Chart:
    chart = _chart(pygal.Bar, "chains")
    chart.x_labels = [r["name"] for r in rows]
    series = [("提出", "raised"), ("已报结", "resolved"), ("已办结", "verified")]
    for label, key in series:
        chart.add(label, [r[key] for r in rows])
    return Chart(chart.render(), _legend([label for label, _key in series]))


def department_on_time(rows: list[dict[str, Any]]) -> Chart:
    shown = [r for r in rows if r["assigned"]]
    names = [r["name"] for r in reversed(shown)]
    # the department names stand left of the bars: room for the longest one, whole
    margin_left = _COMMON["margin"] + wide_text_excess(names, PRINT_STYLE.label_font_size)
    chart = _chart(pygal.HorizontalBar, "departments", range=(0, 100), margin_left=margin_left)
    chart.x_labels = names
    chart.add("按期办结率", [round((r["on_time_rate"] or 0) * 100, 1) for r in reversed(shown)])
    return Chart(chart.render(), [])


def by_union(rows: list[dict[str, Any]]) -> Chart:
    chart = _chart(pygal.Pie, "unions", height=360, inner_radius=0.45)
    total = sum(r["raised"] for r in rows) or 1
    labels = []
    for r in rows:
        if r["raised"]:
            chart.add(r["name"], r["raised"])
            labels.append(f"{r['name']} {r['raised']}件（{r['raised'] / total * 100:.1f}%）")
    return Chart(chart.render(), _legend(labels))
