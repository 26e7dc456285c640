"""The one helper for htmx: render a template partial for htmx requests, the whole page otherwise."""

from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def render_page(request, template: str, context: dict, partial: str | None = None, status: int = 200):
    """`partial` names a `{% partialdef %}` inside `template`; htmx gets only that fragment."""
    name = f"{template}#{partial}" if partial and is_htmx(request) else template
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response
