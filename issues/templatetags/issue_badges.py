"""The state badge and the warning light of an issue, drawn on every row of every list.

Template tags rather than includes: an include renders a template of its own per row (its
context pushed, its nodes walked), ~80 µs each, twice per row of a 20-row list (issue 16).
The HTML is what the includes `issues/_state.html` and `issues/_light.html` wrote before.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

from issues.states import State

register = template.Library()

# Bootstrap's badge colour per state; the states not named here are a light badge.
STATE_CLASSES = {
    State.RAISED: "text-bg-secondary",
    State.ASSIGNED: "text-bg-primary",
    State.RESOLVED: "text-bg-warning",
    State.VERIFIED: "text-bg-success",
}


@register.simple_tag
def state_badge(issue) -> str:
    """The state as a pill: `{% state_badge issue %}`."""
    css = STATE_CLASSES.get(issue.state, "text-bg-light border")
    return format_html(
        '<span class="badge rounded-pill {}" data-testid="state">{}</span>',
        css,
        issue.get_state_display(),
    )


@register.simple_tag
def warning_light(warning: str | None) -> str:
    """红灯 (overdue or 超时未签收) or 黄灯 (due within 3 working days); nothing otherwise."""
    if warning == "red":
        said = gettext("已超期")
    elif warning == "yellow":
        said = gettext("3个工作日内到期")
    else:
        return ""
    return format_html(
        '<span class="light light-{}" role="img" aria-label="{}" title="{}"></span>',
        warning,
        said,
        said,
    )
