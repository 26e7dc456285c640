from django.urls import path

urlpatterns: list = [
    # Import pages are added here by the import work.
]
