from django.urls import path

from chiso.home import views

urlpatterns = [
    path("", views.home, name="home"),
    path("home/dashboard/", views.dashboard, name="home-dashboard"),
    path("home/bell/", views.bell, name="home-bell"),
    path("home/approve/", views.approve, name="home-approve"),
    path("home/remind/", views.remind, name="home-remind"),
]
