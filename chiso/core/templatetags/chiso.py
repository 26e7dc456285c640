from django import template

from chiso.core.vndates import official_date, short_date

register = template.Library()


@register.filter
def vndate(value):
    """dd/mm/yyyy."""
    return short_date(value)


@register.filter
def vnofficial(value):
    """ "ngày 05 tháng 01 năm 2020"."""
    return official_date(value) if value else ""
