"""Every public address of DSPT Lookup, by domain. The API and the admin are in dsptlookup/urls.py."""

from django.urls import path

from providers.councils import feeds
from providers.councils import views as councils
from providers.following import views as following
from providers.pages import views as pages
from providers.privacy_summary import views as privacy_summary
from providers.provider_pages import views as provider_pages
from providers.reports import views as reports
from providers.rights import views as rights
from providers.search import views as search
from providers.service_pages import views as service_pages

urlpatterns = [
    # The service's own pages (providers/pages/)
    path("", pages.home, name="home"),
    path("guidance/<slug:slug>/", pages.guidance, name="guidance"),
    path("easy-read/", pages.easy_read_home, name="easy_read_home"),
    # Before the Easy Read guidance pages, whose <slug> would take these.
    path("easy-read/search/", search.easy_read_search, name="easy_read_search"),
    path("easy-read/your-information/", rights.easy_read_your_information, name="easy_read_your_information"),
    path("easy-read/<slug:slug>/", pages.easy_read_guidance, name="easy_read_guidance"),
    path("for-care-services/", pages.for_care_services, name="for_care_services"),
    path("for-care-services/renew/", following.renew, name="renew"),
    path("spread-the-word/", pages.spread_the_word, name="spread_the_word"),
    path("spread-the-word/leaflet/", pages.leaflet, name="leaflet"),
    path("spread-the-word/leaflet/easy-read/", pages.leaflet, {"easy_read": True}, name="leaflet_easy_read"),
    path("about/", pages.about, name="about"),
    path("accessibility/", pages.accessibility, name="accessibility"),
    path("privacy/", pages.privacy, name="privacy"),
    # Search (providers/search/)
    path("search/", search.search, name="search"),
    path("embed/search/", search.embed_search, name="embed_search"),
    # A care service's own pages, badge, QR code and posters (providers/service_pages/)
    path("services/<str:location_id>/", service_pages.service, name="service"),
    path("services/<str:location_id>/easy-read/", service_pages.service_easy_read, name="service_easy_read"),
    path("services/<str:location_id>/badge.svg", service_pages.badge, name="badge"),
    path("services/<str:location_id>/badge.png", service_pages.badge_png, name="badge_png"),
    path("services/<str:location_id>/badge@2x.png", service_pages.badge_png, {"scale": 2}, name="badge_png_2x"),
    path("services/<str:location_id>/qr.svg", service_pages.qr_code, name="qr_code"),
    path("services/<str:location_id>/poster/", service_pages.poster, name="poster"),
    path("services/<str:location_id>/poster/easy-read/", service_pages.poster_easy_read, name="poster_easy_read"),
    path("ods/<str:ods_code>/", service_pages.by_ods_code, name="by_ods_code"),
    # A provider's pages (providers/provider_pages/)
    path("providers/<str:provider_id>/", provider_pages.provider, name="provider"),
    path("providers/<str:provider_id>/easy-read/", provider_pages.provider_easy_read, name="provider_easy_read"),
    path("providers/<str:provider_id>/feed.atom", feeds.ProviderFeed(), name="provider_feed"),
    # For councils: areas, feeds and downloads (providers/councils/)
    path("areas/", councils.areas, name="areas"),
    path("areas/<slug:slug>/", councils.area, name="area"),
    path("areas/<slug:slug>.csv", councils.area_csv, name="area_csv"),
    path("areas/<slug:slug>.xlsx", councils.area_xlsx, name="area_xlsx"),
    path("areas/<slug:slug>/feed.atom", feeds.AreaFeed(), name="area_feed"),
    path("services/<str:location_id>/feed.atom", feeds.ServiceFeed(), name="service_feed"),
    path("download/", councils.downloads, name="downloads"),
    path("download/services.csv", councils.download_services_csv, name="download_services_csv"),
    path("download/services.xlsx", councils.download_services_xlsx, name="download_services_xlsx"),
    path("download/services.json", councils.download_services_json, name="download_services_json"),
    path("for-councils/", councils.for_councils, name="for_councils"),
    # Report a problem (providers/reports/)
    path("contact/", reports.contact, name="contact"),
    path("contact/thank-you/", reports.contact_thanks, name="contact_thanks"),
    # Emails when results change, and reminders to renew (providers/following/)
    path("follow/", following.follow, name="follow"),
    path("follow/check-your-email/", following.check_email, name="follow_check_email"),
    path("follow/confirm/<str:signed>/", following.confirm, name="follow_confirm"),
    path("follow/manage/<str:token>/", following.manage, name="follow_manage"),
    path("follow/stop/<str:token>/", following.stop, name="follow_stop"),
    path("follow/stopped/", following.stopped, name="follow_stopped"),
    # Letters about your information (providers/rights/)
    path("your-rights/", rights.your_rights, name="your_rights"),
    path("your-rights/examples/<slug:kind>/", rights.example, name="your_rights_example"),
    # The privacy summary maker (providers/privacy_summary/)
    path("privacy-summary/", privacy_summary.privacy_summary_maker, name="privacy_summary"),
    path("privacy-summary/example/", privacy_summary.privacy_summary_example, name="privacy_summary_example"),
]
