"""Small helpers for the reporting templates."""

from decimal import Decimal

from django import template
from django.utils.html import format_html

from chiso.documents.model import format_number
from chiso.reporting.consolidation import plain
from chiso.reporting.status import LIGHT_CSS, Light

register = template.Library()


@register.filter
def light_css(light: str) -> str:
    """The Bootstrap colour of a traffic light."""
    return LIGHT_CSS.get(light, "secondary")


@register.simple_tag
def light_badge(light: str, title: str = ""):
    label = Light(light).label if light in Light.values else light
    return format_html(
        '<span class="badge rounded-pill text-bg-{}" data-light="{}" title="{}">{}</span>',
        LIGHT_CSS.get(light, "secondary"),
        light,
        title,
        label,
    )


@register.filter
def vnnum(value, decimals=None):
    """95.5 → "95,5"; 1234 → "1.234"; None → ""."""
    if value is None or value == "":
        return ""
    if isinstance(value, Decimal):
        value = plain(value)
    try:
        return format_number(value, int(decimals) if decimals not in (None, "") else None)
    except (TypeError, ValueError):
        return value


@register.filter
def get_item(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.inclusion_tag("reporting/_inbox_widget.html", takes_context=True)
def reporting_inbox(context, limit: int = 5):
    """What is due from the signed-in user's units, nearest first: `{% reporting_inbox %}` on the home page."""
    from django.utils import timezone

    from chiso.reporting.inbox import inbox

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"items": [], "more": 0}
    today = timezone.localdate()
    items = inbox(user, today)
    return {"items": items[:limit], "more": max(0, len(items) - limit), "today": today}
