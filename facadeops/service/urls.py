from django.urls import path

from . import document_urls, views

app_name = "service"
urlpatterns = [
    path("requests/", views.RequestListView.as_view(), name="request_list"),
    path("requests/hotline/", views.hotline, name="hotline"),
    path("requests/lookup/", views.caller_lookup, name="caller_lookup"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/edit/", views.request_edit, name="request_edit"),
    path("requests/<int:pk>/<str:action>/", views.request_action, name="request_action"),
    path("work-orders/", views.WorkOrderListView.as_view(), name="workorder_list"),
    path("work-orders/new/", views.workorder_create, name="workorder_create"),
    path("work-orders/<int:pk>/", views.workorder_detail, name="workorder_detail"),
    path(
        "work-orders/<int:pk>/transition/",
        views.workorder_transition,
        name="workorder_transition",
    ),
    path("work-orders/<int:pk>/step/<str:step>/", views.workorder_step, name="workorder_step"),
    path("today/", views.my_work_today, name="my_work_today"),
    path("board/", views.board, name="board"),
    path("approvals/", views.approvals, name="approvals"),
    path("inspections/", views.inspections, name="inspections"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/data/", views.dashboard_data, name="dashboard_data"),
]

# The PDF documents (service report, internal acceptance report, dossier).
urlpatterns += document_urls.urlpatterns
