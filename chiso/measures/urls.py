"""Routes of the measures pages."""

from django.urls import path

from chiso.measures import views

urlpatterns = [
    path("", views.measure_list, name="measures-home"),
    path("template.xlsx", views.measure_template, name="measures-template"),
]
