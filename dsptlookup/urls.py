from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "DSPT Lookup administration"
admin.site.site_title = "DSPT Lookup admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("providers.urls")),
]
