from django.contrib import admin
from django.urls import include, path

from providers import api
from providers.login_limits import RateLimitedAdminLoginForm

admin.site.site_header = "DSPT Lookup administration"
admin.site.site_title = "DSPT Lookup admin"
admin.site.login_form = RateLimitedAdminLoginForm
# The side menu takes a quarter of a 1280 px screen from wide lists like the import runs;
# every model is on the admin home page.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.index, name="api_index"),
    path("api/v1/openapi.json", api.openapi, name="api_openapi"),
    path("api/v1/services", api.services, name="api_services"),
    path("api/v1/services/<str:location_id>", api.service, name="api_service"),
    path("api/v1/ods/<str:ods_code>", api.by_ods_code, name="api_ods"),
    path("", include("providers.urls")),
]
