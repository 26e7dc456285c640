import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()

_URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:)]")


@register.filter
def source_links(text: str) -> str:
    """Escape a source note and link its full http(s) addresses (bare domain names stay text)."""
    if not text:
        return ""
    parts = []
    last = 0
    for match in _URL.finditer(text):
        parts.append(escape(text[last : match.start()]))
        url = match.group(0)
        parts.append(format_html('<a href="{}" rel="noopener noreferrer" target="_blank">{}</a>', url, url))
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))
