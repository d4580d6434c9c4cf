from django.contrib import admin
from django.urls import include, path

from dsptlookup import health
from dsptlookup.login_limits import RateLimitedAdminLoginForm
from providers.councils import api, api_docs

admin.site.site_header = "DSPT Lookup administration"
admin.site.site_title = "DSPT Lookup admin"
admin.site.login_form = RateLimitedAdminLoginForm
# The side menu takes a quarter of a 1280 px screen from wide lists like the import runs;
# every model is on the admin home page.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    # For the load balancer and the operator (docs/operations.md).
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", health.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/v1/openapi.json", api.openapi, name="api_openapi"),
    path("api/v1/docs/", api_docs.docs, name="api_docs"),
    # The API's own paths, without a namespace: reverse("api_services") as before django-ninja.
    path("api/v1/", include(api.api.urls[0])),
    path("", include("providers.urls")),
]
