from django.urls import path

from chiso.frameworks import views

urlpatterns = [
    path("", views.framework_list, name="framework-list"),
]
