"""Routes of the import pages."""

from django.urls import path

from chiso.scores import import_views

urlpatterns = [
    path("import/", import_views.score_import, name="score-import"),
    path(
        "import/template.xlsx", import_views.score_import_template, {"fmt": "xlsx"}, name="score-import-xlsx"
    ),
    path("import/template.csv", import_views.score_import_template, {"fmt": "csv"}, name="score-import-csv"),
]
