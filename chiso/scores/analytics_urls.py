"""Routes of the analytics pages."""

urlpatterns: list = []
