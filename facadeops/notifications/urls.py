from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox_view, name="inbox"),
    path("read", views.mark_read_view, name="mark_read"),
    path("preferences", views.preferences_view, name="preferences"),
]
