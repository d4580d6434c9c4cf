from django.urls import path

from providers import views

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("services/<str:location_id>/", views.service, name="service"),
    path("services/<str:location_id>/easy-read/", views.service_easy_read, name="service_easy_read"),
    path("services/<str:location_id>/badge.svg", views.badge, name="badge"),
    path("services/<str:location_id>/badge.png", views.badge_png, name="badge_png"),
    path("services/<str:location_id>/badge@2x.png", views.badge_png, {"scale": 2}, name="badge_png_2x"),
    path("services/<str:location_id>/qr.svg", views.qr_code, name="qr_code"),
    path("services/<str:location_id>/poster/", views.poster, name="poster"),
    path("services/<str:location_id>/poster/easy-read/", views.poster_easy_read, name="poster_easy_read"),
    path("for-care-services/", views.for_care_services, name="for_care_services"),
    path("ods/<str:ods_code>/", views.by_ods_code, name="by_ods_code"),
    path("guidance/<slug:slug>/", views.guidance, name="guidance"),
    path("easy-read/", views.easy_read_home, name="easy_read_home"),
    path("easy-read/search/", views.easy_read_search, name="easy_read_search"),
    path("easy-read/<slug:slug>/", views.easy_read_guidance, name="easy_read_guidance"),
    path("areas/", views.areas, name="areas"),
    path("areas/<slug:slug>/", views.area, name="area"),
    path("areas/<slug:slug>.csv", views.area_csv, name="area_csv"),
    path("about/", views.about, name="about"),
    path("contact/", views.contact, name="contact"),
    path("privacy-summary/", views.privacy_summary_maker, name="privacy_summary"),
    path("privacy-summary/example/", views.privacy_summary_example, name="privacy_summary_example"),
    path("contact/thank-you/", views.contact_thanks, name="contact_thanks"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
]
