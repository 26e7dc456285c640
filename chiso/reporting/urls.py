from django.urls import path

from chiso.reporting import views

urlpatterns = [
    path("", views.home, name="reporting-home"),
    path("notifications/", views.notification_list, name="reporting-notifications"),
    path("notifications/<int:pk>/open/", views.notification_open, name="reporting-notification-open"),
    path("plans/<int:plan_pk>/", views.plan_rounds, name="reporting-plan-rounds"),
    path("rounds/<int:pk>/", views.round_monitoring_page, name="reporting-round"),
    path("rounds/<int:pk>/edit/", views.round_edit, name="reporting-round-edit"),
    path("rounds/<int:pk>/units/<int:unit_pk>/", views.round_unit, name="reporting-round-unit"),
    path(
        "rounds/<int:pk>/units/<int:unit_pk>/report/",
        views.round_unit_report,
        name="reporting-round-unit-report",
    ),
    path("rounds/<int:pk>/tasks/<int:task_pk>/", views.round_task, name="reporting-round-task"),
    path("rounds/<int:pk>/consolidation/", views.round_consolidation, name="reporting-consolidation"),
    path("rounds/<int:pk>/export/<str:fmt>/", views.round_export, name="reporting-export"),
    path("rounds/<int:pk>/reminders/", views.round_reminders, name="reporting-reminders"),
    path("reports/<int:pk>/", views.report_detail, name="reporting-report"),
    path("reports/<int:pk>/return/", views.report_return, name="reporting-report-return"),
    path("reports/<int:pk>/approve/", views.report_approve, name="reporting-report-approve"),
    path("reports/<int:pk>/versions/<int:number>/", views.report_version, name="reporting-report-version"),
    path(
        "reports/<int:pk>/progress/<int:progress_pk>/evidence/",
        views.evidence_add,
        name="reporting-evidence-add",
    ),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="reporting-evidence-delete"),
    path("evidence/<int:pk>/download/", views.evidence_download, name="reporting-evidence-download"),
    path("inspections/", views.inspection_list, name="reporting-inspections"),
    path("inspections/<int:pk>/", views.inspection_detail, name="reporting-inspection"),
    path("initiatives/", views.initiative_list, name="reporting-initiatives"),
    path("public/units/<int:pk>/", views.public_unit, name="reporting-public-unit"),
]
