from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from chiso.core import views as core_views
from chiso.units import views as unit_views

urlpatterns = [
    path("", include("chiso.home.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("chiso.core.account_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("units/", include("chiso.units.urls")),
    path("frameworks/", include("chiso.frameworks.urls")),
    path("plans/", include("chiso.plans.urls")),
    path("imports/", include("chiso.documents.urls")),
    path("reporting/", include("chiso.reporting.urls")),
    path("measures/", include("chiso.measures.urls")),
    path("scores/", include("chiso.scores.urls")),
    path("audit/", unit_views.audit_log, name="audit-log"),
    path("api/", include("chiso.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

handler400 = "chiso.core.views.bad_request"
handler403 = "chiso.core.views.permission_denied"
handler404 = "chiso.core.views.page_not_found"
handler500 = "chiso.core.views.server_error"
