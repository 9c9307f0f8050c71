from django.urls import path

from . import views

app_name = "planning"
urlpatterns = [
    path("", views.PlanListView.as_view(), name="plan_list"),
    path("draft/", views.draft_start, name="draft_start"),
    path("draft/<int:pk>/", views.draft_run, name="draft_run"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/transition/", views.plan_transition, name="plan_transition"),
    path("plans/<int:pk>/items/add/", views.item_add, name="item_add"),
    path("plans/<int:pk>/revise/", views.plan_revise, name="plan_revise"),
    path("plans/<int:pk>/diff/", views.plan_diff, name="plan_diff"),
    path("plans/<int:pk>/review/", views.review_create, name="review_create"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/remove/", views.item_remove, name="item_remove"),
    path("items/<int:pk>/feedback/", views.item_feedback, name="item_feedback"),
    path("reviews/<int:pk>/", views.review_detail, name="review_detail"),
    path("progress/", views.progress, name="progress"),
    path("rules/", views.RuleListView.as_view(), name="rule_list"),
    path("rules/<int:pk>/edit/", views.rule_edit, name="rule_edit"),
    path("inspections/", views.portfolio, name="portfolio"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("checks/<int:pk>/raise/", views.raise_work_order, name="raise_work_order"),
    path("projects/<int:project_pk>/", views.register, name="register"),
    path(
        "projects/<int:project_pk>/inspections/new/",
        views.inspection_create,
        name="inspection_create",
    ),
    path("elevations/<int:pk>/", views.elevation_map, name="elevation_map"),
    path("elevations/<int:pk>/pin/", views.defect_pin, name="defect_pin"),
    path("panels/<int:pk>/", views.panel_detail, name="panel_detail"),
    path("pins/<int:pk>/resolve/", views.defect_resolve, name="defect_resolve"),
    path("weather/", views.forecasts, name="forecasts"),
    path("weather/at-risk/", views.at_risk, name="at_risk"),
]
