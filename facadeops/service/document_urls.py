"""URLs of the service documents. Included by the lead into the ``service`` namespace
(``facadeops/service/urls.py``: ``urlpatterns += document_urls.urlpatterns``), giving
``service:workorder_report_pdf``, ``service:workorder_acceptance_pdf`` and
``service:workorder_dossier_pdf``."""

from django.urls import path

from . import document_views

urlpatterns = [
    path(
        "work-orders/<int:pk>/report.pdf",
        document_views.workorder_report_pdf,
        name="workorder_report_pdf",
    ),
    path(
        "work-orders/<int:pk>/internal-acceptance.pdf",
        document_views.workorder_acceptance_pdf,
        name="workorder_acceptance_pdf",
    ),
    path(
        "work-orders/<int:pk>/dossier.pdf",
        document_views.workorder_dossier_pdf,
        name="workorder_dossier_pdf",
    ),
]
