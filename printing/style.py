"""What every chart of the project shares: pygal with one Chinese font stack for all its text.

pygal gives each kind of text (axis labels, values, legend, tooltip, …) its own font setting and
falls back to a Latin face for any left unset, which prints Chinese as boxes; `cjk_style` sets
them all at once. The screen (oversight) and print (meetings.printed) styles differ in sizes and
colours only.
"""

from pygal.style import Style

_TEXT_KINDS = ("label", "major_label", "value", "value_label", "title", "legend", "tooltip")


def cjk_style(font: str, **options) -> Style:
    """A pygal `Style` whose every kind of text uses `font`; `options` are the rest of the style."""
    fonts = {f"{kind}_font_family": font for kind in _TEXT_KINDS}
    return Style(font_family=font, **fonts, **options)
