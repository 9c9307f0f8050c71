from django.urls import path

from . import views

app_name = "archive"

urlpatterns = [
    path("", views.ArchiveSearchView.as_view(), name="entry_list"),
    path("<int:pk>/", views.entry_detail, name="entry_detail"),
    path("<int:pk>/dossier.pdf", views.entry_file, name="entry_file"),
    path("<int:pk>/dispose/", views.entry_dispose, name="entry_dispose"),
    path("disposal/", views.disposal_list, name="disposal_list"),
    path("record-types/", views.record_type_list, name="record_type_list"),
    path("record-types/<int:pk>/", views.record_type_edit, name="record_type_edit"),
]
