"""Attachment pages; included by the project at ``/attachments/``."""

from django.urls import path

from . import attachment_views as views

app_name = "attachments"
urlpatterns = [
    path("<str:target_type>/<str:target_id>/", views.partial_view, name="partial"),
    path("<str:target_type>/<str:target_id>/upload", views.upload_view, name="upload"),
    path("file/<int:pk>/download", views.download_view, name="download"),
    path("file/<int:pk>/thumbnail", views.thumbnail_view, name="thumbnail"),
    path("file/<int:pk>/delete", views.delete_view, name="delete"),
]
