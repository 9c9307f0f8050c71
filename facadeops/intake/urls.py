from django.urls import path

from . import views

app_name = "intake"
urlpatterns = [
    path("web/", views.web_form, name="web_form"),
    path("track/<str:token>/", views.track, name="track"),
    path("queue/", views.queue, name="queue"),
    path("queue/<int:pk>/apply", views.apply_suggestion, name="apply_suggestion"),
    path("hotline/webhook", views.hotline_webhook, name="hotline_webhook"),
    path("hotline/pops/", views.hotline_pops, name="hotline_pops"),
    path("hotline/<int:pk>/notes", views.hotline_notes, name="hotline_notes"),
]
