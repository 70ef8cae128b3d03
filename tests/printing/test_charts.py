"""Chart labels are printed whole: the SVG leaves room for Chinese names (a full em each)."""

import re

from printing.charts import PRINT_STYLE, department_on_time

NAMES = ["市市场监管局", "市人力资源和社会保障局", "市工信局"]


def test_department_names_left_of_the_bars_fit_inside_the_chart():
    rows = [
        {"name": name, "assigned": 3, "on_time_rate": rate}
        for name, rate in zip(NAMES, (0.5, 0.8, 1.0), strict=True)
    ]
    svg = department_on_time(rows).svg.decode()
    plot_left = float(
        re.search(r'<g transform="translate\(([\d.]+), [\d.]+\)" class="plot">', svg)[1]
    )
    for name in NAMES:
        # the labels end at x (text-anchor: end) relative to the plot
        x = float(re.search(rf'<text x="(-?[\d.]+)" y="[\d.]+" class="">{name}</text>', svg)[1])
        width = len(name) * PRINT_STYLE.label_font_size
        assert plot_left + x - width >= 0, f"{name} is cut at the left edge"
