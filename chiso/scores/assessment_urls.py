"""Routes of the assessment pages."""

urlpatterns: list = []
