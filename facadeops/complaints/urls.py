from django.urls import path

from . import views

app_name = "complaints"
urlpatterns = [
    path("", views.ComplaintListView.as_view(), name="list"),
    path("new/", views.complaint_create, name="create"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path("<int:pk>/transition/", views.transition, name="transition"),
    path("<int:pk>/team/", views.team, name="team"),
    path("<int:pk>/arrival/", views.arrival, name="arrival"),
    path("<int:pk>/findings/", views.findings, name="findings"),
    path("<int:pk>/plan/", views.plan, name="plan"),
    path("<int:pk>/measure-done/", views.measure_done, name="measure_done"),
    path("<int:pk>/measure-work-order/", views.measure_work_order, name="measure_work_order"),
    path("<int:pk>/update/", views.update, name="update"),
    path("<int:pk>/result/", views.result, name="result"),
]
