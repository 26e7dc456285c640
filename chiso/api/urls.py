"""The REST API: each app registers its viewsets on the one router from its own `api.py`."""

from importlib import import_module

from django.urls import path
from rest_framework.routers import DefaultRouter

from chiso.api import views

API_APPS = ["units", "frameworks", "plans", "documents", "measures", "reporting", "scores"]

router = DefaultRouter()
for app in API_APPS:
    try:
        module = import_module(f"chiso.{app}.api")
    except ModuleNotFoundError as exc:
        if exc.name != f"chiso.{app}.api" and exc.name != f"chiso.{app}":
            raise
        continue
    module.register(router)

urlpatterns = [path("me/", views.me, name="api-me"), *router.urls]
