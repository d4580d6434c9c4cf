from django.urls import path

from providers import views

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("services/<str:location_id>/", views.service, name="service"),
    path("services/<str:location_id>/easy-read/", views.service_easy_read, name="service_easy_read"),
    path("services/<str:location_id>/badge.svg", views.badge, name="badge"),
    path("ods/<str:ods_code>/", views.by_ods_code, name="by_ods_code"),
    path("guidance/<slug:slug>/", views.guidance, name="guidance"),
    path("easy-read/", views.easy_read_home, name="easy_read_home"),
    path("easy-read/<slug:slug>/", views.easy_read_guidance, name="easy_read_guidance"),
    path("areas/", views.areas, name="areas"),
    path("areas/<slug:slug>/", views.area, name="area"),
    path("areas/<slug:slug>.csv", views.area_csv, name="area_csv"),
    path("about/", views.about, name="about"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
]
