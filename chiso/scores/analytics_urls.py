"""Routes of the analytics pages."""

from django.urls import path

from chiso.scores import analytics_views as views
from chiso.scores import index_views

urlpatterns = [
    path("", index_views.scores_home, name="scores-home"),
    path("units/<int:unit_id>/", views.unit_analytics, name="scores-unit"),
    path("units/<int:unit_id>/tables/<str:table>.xlsx", views.unit_tables, name="scores-unit-tables"),
    path("units/<int:unit_id>/briefing.docx", views.unit_briefing, name="scores-unit-briefing"),
    path("plans/<int:plan_id>/gaps/", views.plan_gaps, name="scores-plan-gaps"),
    path("public/units/<int:unit_id>/", views.public_unit_results, name="scores-public-unit"),
]
