"""Routes of the assessment pages."""

from django.urls import path

from chiso.scores import assessment_views as views

urlpatterns = [
    path("assessments/", views.assessment_list, name="assessment-list"),
    path("assessments/new/", views.assessment_start, name="assessment-start"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment-detail"),
    path("assessments/<int:pk>/items/<int:criterion_pk>/", views.assessment_item, name="assessment-item"),
    path(
        "assessments/<int:pk>/items/<int:criterion_pk>/evidence/",
        views.assessment_evidence,
        name="assessment-evidence",
    ),
    path("assessments/<int:pk>/appraisal/", views.assessment_appraisal, name="assessment-appraisal"),
    path(
        "assessments/<int:pk>/appraisal/<int:criterion_pk>/",
        views.assessment_appraise_item,
        name="assessment-appraise-item",
    ),
    path("assessments/<int:pk>/return/", views.assessment_return, name="assessment-return"),
    path("assessments/<int:pk>/result/", views.assessment_result, name="assessment-result"),
]
