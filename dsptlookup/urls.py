from django.contrib import admin
from django.urls import include, path

from dsptlookup import health
from providers.councils import api, api_docs
from providers.staff import passkeys

urlpatterns = [
    # For the load balancer and the operator (docs/operations.md).
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", health.metrics, name="metrics"),
    *passkeys.urls(),
    path("admin/", admin.site.urls),  # the site itself: providers/staff/admin_site.py
    path("api/v1/openapi.json", api.openapi, name="api_openapi"),
    path("api/v1/docs/", api_docs.docs, name="api_docs"),
    # The API's own paths, without a namespace: reverse("api_services") as before django-ninja.
    path("api/v1/", include(api.api.urls[0])),
    path("", include("providers.urls")),
]
