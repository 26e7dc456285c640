from django.urls import path

from chiso.frameworks import upload_views, views

urlpatterns = [
    path("", views.framework_list, name="framework-list"),
    path("search/", views.criterion_search, name="criterion-search"),
    path("new/", views.framework_create, name="framework-create"),
    path("<int:pk>/", views.framework_detail, name="framework-detail"),
    path("<int:pk>/edit/", views.framework_edit, name="framework-edit"),
    path("<int:pk>/versions/new/", views.version_create, name="version-create"),
    path("<int:pk>/versions/upload/", upload_views.criteria_upload, name="criteria-upload"),
    path("criteria-template.xlsx", upload_views.criteria_template, name="criteria-template"),
    path("versions/<int:pk>/", views.version_detail, name="version-detail"),
    path("versions/<int:pk>/edit/", views.version_edit, name="version-edit"),
    path("versions/<int:pk>/variant/", views.version_variant, name="version-variant"),
    path("versions/<int:pk>/renumber/", views.version_renumber, name="version-renumber"),
    path("versions/<int:pk>/criteria/new/", views.criterion_create, name="criterion-create"),
    path("criteria/<int:pk>/edit/", views.criterion_edit, name="criterion-edit"),
    path("criteria/<int:pk>/delete/", views.criterion_delete, name="criterion-delete"),
]
