"""Charts drawn once on the server as SVG (pygal): crisp in print, no JavaScript, no network.

Each function returns SVG bytes; ``data_uri`` turns them into an ``<img src>`` the PDF
renderer's fetcher accepts. The dashboard may reuse the same functions for the web page.
"""

from __future__ import annotations

import base64
from typing import Any

import pygal
from pygal.style import Style

FONT = "Noto Sans CJK SC, AR PL UKai CN, sans-serif"
PRINT_STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#222",
    foreground_strong="#000",
    foreground_subtle="#bbb",
    font_family=FONT,
    label_font_family=FONT,
    major_label_font_family=FONT,
    value_font_family=FONT,
    value_label_font_family=FONT,
    title_font_family=FONT,
    legend_font_family=FONT,
    tooltip_font_family=FONT,
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=14,
    title_font_size=18,
    value_font_size=12,
    colors=("#c0392b", "#2c6fbb", "#27865f", "#d68910", "#7d3c98", "#566573", "#17a589", "#a04000"),
    transition="none",
    opacity="1",
    opacity_hover="1",
)
_COMMON = {
    "style": PRINT_STYLE,
    "js": [],                       # pygal links a tooltip script from the Internet by default
    "disable_xml_declaration": False,
    "width": 900,
    "height": 420,
    "legend_at_bottom": True,
    "legend_at_bottom_columns": 4,
    "print_values": False,
    "show_y_guides": True,
    "margin": 12,
}


def data_uri(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def monthly_trend(monthly: list[dict[str, Any]]) -> bytes:
    chart = pygal.Line(**_COMMON, x_label_rotation=0, dots_size=3, show_minor_x_labels=True)
    chart.title = "月度提出与办理件数"
    chart.x_labels = [f"{int(m['month'][5:])}月" for m in monthly]
    chart.add("提出", [m["raised"] for m in monthly])
    chart.add("办理", [m["resolved"] for m in monthly])
    return chart.render()


def by_chain(rows: list[dict[str, Any]]) -> bytes:
    chart = pygal.Bar(**_COMMON, x_label_rotation=0)
    chart.title = "各产业链问题办理情况（件）"
    chart.x_labels = [r["name"] for r in rows]
    chart.add("提出", [r["raised"] for r in rows])
    chart.add("已办理", [r["resolved"] for r in rows])
    chart.add("已办结", [r["verified"] for r in rows])
    return chart.render()


def department_on_time(rows: list[dict[str, Any]]) -> bytes:
    shown = [r for r in rows if r["assigned"]]
    chart = pygal.HorizontalBar(**{**_COMMON, "show_legend": False}, range=(0, 100))
    chart.title = "职能部门按时办理率（%）"
    chart.x_labels = [r["name"] for r in reversed(shown)]
    chart.add("按时办理率", [
        round((r["on_time_rate"] or 0) * 100, 1) for r in reversed(shown)
    ])
    return chart.render()


def by_union(rows: list[dict[str, Any]]) -> bytes:
    chart = pygal.Pie(**{**_COMMON, "legend_at_bottom_columns": 2}, inner_radius=0.45)
    chart.title = "各产业工会提出问题占比"
    for r in rows:
        if r["raised"]:
            chart.add(f"{r['name']}（{r['raised']}件）", r["raised"])
    return chart.render()
