from django.urls import path

from . import views

app_name = "materials"
urlpatterns = [
    path("", views.MaterialListView.as_view(), name="material_list"),
    path("new", views.material_create, name="material_create"),
    path("<int:pk>/", views.material_detail, name="material_detail"),
    path("<int:pk>/edit", views.material_edit, name="material_edit"),
    path("categories/", views.category_list, name="category_list"),
]
