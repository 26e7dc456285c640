"""Filters of the index results templates: Vietnamese numbers, signed changes, flags in words."""

from django import template

from chiso.scores import presentation

register = template.Library()


@register.filter
def score(value, decimals=presentation.DECIMALS):
    """42.1534 → "42,15"; None → "—"."""
    return presentation.number(value, int(decimals))


@register.filter
def signed(value, decimals=presentation.DECIMALS):
    """0.31 → "+0,31"; -1.2 → "−1,20"; None → "—"."""
    return presentation.signed(value, int(decimals))


@register.filter
def flag_badges(flags):
    """[(flag, label), …] of a result's flags, in the order they are listed."""
    return list(zip(flags, presentation.flag_labels(flags), strict=True))


@register.filter
def rank_change(result):
    """ "tăng 2 bậc" / "giảm 1 bậc" / "giữ nguyên thứ hạng" / ""."""
    return presentation.rank_change_phrase(result)
