from django.urls import path

from chiso.documents import views

urlpatterns = [
    path("", views.import_list, name="import-list"),
    path("<int:pk>/", views.import_detail, name="import-detail"),
    path("<int:pk>/progress/", views.import_progress, name="import-progress"),
    path("<int:pk>/retry/", views.import_retry, name="import-retry"),
    path("<int:pk>/delete/", views.import_delete, name="import-delete"),
    path("<int:pk>/header/", views.import_header, name="import-header"),
    path("<int:pk>/rows/<int:row>/", views.import_task, name="import-task"),
    path("<int:pk>/rows/<int:row>/edit/", views.import_task_edit, name="import-task-edit"),
    path("<int:pk>/rows/<int:row>/drop/", views.import_task_drop, name="import-task-drop"),
    path("<int:pk>/pick/units/", views.import_pick_units, name="import-pick-units"),
    path("<int:pk>/pick/criteria/", views.import_pick_criteria, name="import-pick-criteria"),
    path("<int:pk>/save/", views.import_save, name="import-save"),
]
