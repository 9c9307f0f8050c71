from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from .api import api

urlpatterns = [
    path("", include("facadeops.core.urls")),
    path("accounts/", include("facadeops.accounts.urls")),
    path("customers/", include("facadeops.customers.urls")),
    path("materials/", include("facadeops.materials.urls")),
    path("notifications/", include("facadeops.notifications.urls")),
    path("attachments/", include("facadeops.core.attachment_urls")),
    path("service/", include("facadeops.service.urls")),
    path("archive/", include("facadeops.archive.urls")),
    path("planning/", include("facadeops.planning.urls")),
    path("complaints/", include("facadeops.complaints.urls")),
    path("intake/", include("facadeops.intake.urls")),
    path("portal/", include("facadeops.portal.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False), name="api-docs"),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
