from django.urls import path

urlpatterns: list = [
    # Plan pages are added here by the plans work.
]
