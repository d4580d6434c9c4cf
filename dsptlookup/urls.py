from django.contrib import admin
from django.urls import include, path

from dsptlookup import health
from providers.councils import api, api_docs
from providers.edge.caching import CONTENT, DATA, public, public_patterns
from providers.staff import passkeys

urlpatterns = [
    # For the load balancer and the operator (docs/operations.md).
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", health.metrics, name="metrics"),
    *passkeys.urls(),
    path("admin/", admin.site.urls),  # the site itself: providers/staff/admin_site.py
    path("api/v1/openapi.json", public(CONTENT)(api.openapi), name="api_openapi"),
    path("api/v1/docs/", public(CONTENT)(api_docs.docs), name="api_docs"),
    # The API's own paths, without a namespace: reverse("api_services") as before django-ninja.
    path("api/v1/", include(public_patterns(api.api.urls[0], DATA))),
    path("api/<path:rest>", public(CONTENT)(api.not_found), name="api_not_found"),
    path("", include("providers.urls")),
]
