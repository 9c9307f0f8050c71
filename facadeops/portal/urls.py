from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("work-orders/<int:pk>/", views.work_order_detail, name="work_order_detail"),
    path("work-orders/<int:pk>/acceptance/", views.acceptance, name="acceptance"),
    path("work-orders/<int:pk>/rate/", views.rate, name="rate"),
    path("complaints/new/", views.complaint_new, name="complaint_new"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint_detail"),
    path("complaints/<int:pk>/verdict/", views.complaint_verdict, name="complaint_verdict"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("invite/", views.invite, name="invite"),
]
