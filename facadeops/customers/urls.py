from django.urls import path

from . import views

app_name = "customers"
urlpatterns = [
    path("", views.CustomerListView.as_view(), name="customer_list"),
    path("new/", views.customer_create, name="customer_create"),
    path("<int:pk>/", views.customer_detail, name="customer_detail"),
    path("<int:pk>/edit/", views.customer_edit, name="customer_edit"),
    path("<int:customer_pk>/contacts/new/", views.contact_create, name="contact_create"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("projects/", views.ProjectListView.as_view(), name="project_list"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("contracts/", views.ContractListView.as_view(), name="contract_list"),
    path("contracts/new/", views.contract_create, name="contract_create"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/edit/", views.contract_edit, name="contract_edit"),
    path("contracts/<int:pk>/levels/", views.contract_levels, name="contract_levels"),
    path("contracts/<int:pk>/transition/", views.contract_transition, name="contract_transition"),
    path("import/", views.ledger_import, name="import"),
    path("import/template.xlsx", views.ledger_template, name="import_template"),
    path("facade-systems/", views.FacadeSystemListView.as_view(), name="facadesystem_list"),
    path("facade-systems/new/", views.facadesystem_form, name="facadesystem_create"),
    path("facade-systems/<int:pk>/", views.facadesystem_form, name="facadesystem_edit"),
    path("glass-types/", views.GlassTypeListView.as_view(), name="glasstype_list"),
    path("glass-types/new/", views.glasstype_form, name="glasstype_create"),
    path("glass-types/<int:pk>/", views.glasstype_form, name="glasstype_edit"),
    path("service-levels/", views.ServiceLevelDefaultListView.as_view(), name="sldefault_list"),
    path("service-levels/<int:pk>/", views.sldefault_form, name="sldefault_edit"),
]
