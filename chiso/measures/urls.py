"""Routes of the measures pages."""

urlpatterns: list = []
