from django.urls import path

from chiso.units import views

urlpatterns = [
    path("", views.unit_list, name="unit-list"),
    path("<int:pk>/", views.unit_detail, name="unit-detail"),
    path("<int:pk>/members/", views.unit_members, name="unit-members"),
    path("<int:pk>/members/<int:membership_pk>/remove/", views.unit_member_remove, name="unit-member-remove"),
]
