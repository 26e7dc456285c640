"""Accent-insensitive unit search over the full tree (14,154 units)."""

from bench.run import median_ms


def run() -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from chiso.units.models import Membership, Unit

    print(f"units in the tree: {Unit.objects.count()}")
    for query in ["dong da", "phuong ba dinh", "xa vi xuyen", "ha giang", "an"]:
        ms = median_ms(lambda q=query: list(Unit.objects.search(q).order_by("name")[:50]))
        print(f"search {query!r:18} median {ms:7.2f} ms")

    user, _ = get_user_model().objects.get_or_create(username="bench.tinh")
    Membership.objects.get_or_create(
        user=user, unit=Unit.objects.get(ref="vn:province:08"), role="coordinator"
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    ms = median_ms(lambda: client.get("/units/", {"q": "xa vi"}, headers={"HX-Request": "true"}))
    print(f"unit search page (htmx fragment, province coordinator) median {ms:7.2f} ms")
