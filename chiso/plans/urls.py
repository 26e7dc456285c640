from django.urls import path

from chiso.plans import views

urlpatterns = [
    path("", views.plan_list, name="plan-list"),
    path("new/", views.plan_create, name="plan-create"),
    path("<int:pk>/", views.plan_detail, name="plan-detail"),
    path("<int:pk>/edit/", views.plan_edit, name="plan-edit"),
    path("<int:pk>/issue/", views.plan_issue, name="plan-issue"),
    path("<int:pk>/revise/", views.plan_revise, name="plan-revise"),
    path("<int:pk>/close/", views.plan_close, name="plan-close"),
    path("<int:pk>/delete/", views.plan_delete, name="plan-delete"),
    path("<int:pk>/cascade/", views.plan_cascade, name="plan-cascade"),
    path("<int:pk>/export/<str:fmt>/", views.plan_export, name="plan-export"),
    path("<int:pk>/tasks/new/", views.task_new, name="task-new"),
    path("<int:pk>/tasks/<int:task_pk>/", views.task_row, name="task-row"),
    path("<int:pk>/tasks/<int:task_pk>/edit/", views.task_edit, name="task-edit"),
    path("<int:pk>/tasks/<int:task_pk>/move/<str:direction>/", views.task_move, name="task-move"),
    path("<int:pk>/tasks/<int:task_pk>/copy/", views.task_copy, name="task-copy"),
    path("<int:pk>/tasks/<int:task_pk>/delete/", views.task_delete, name="task-delete"),
    path("<int:pk>/pick/units/", views.pick_units, name="plan-pick-units"),
    path("<int:pk>/pick/criteria/", views.pick_criteria, name="plan-pick-criteria"),
]
