"""Every public address of DSPT Lookup, by domain, and what a shared cache may keep of each
(providers/edge/caching.py: `public(...)` with its lifetime, or `personal`). The API and the admin are in
dsptlookup/urls.py."""

from django.urls import path

from providers.checking import views as checking
from providers.councils import feeds
from providers.councils import views as councils
from providers.edge.caching import CONTENT, DATA, DOWNLOAD, personal, public
from providers.following import views as following
from providers.pages import views as pages
from providers.performance import figures as performance_figures
from providers.performance import views as performance
from providers.privacy_summary import views as privacy_summary
from providers.provider_pages import views as provider_pages
from providers.reconcile import views as reconcile
from providers.replies import views as replies
from providers.reports import views as reports
from providers.rights import views as rights
from providers.search import views as search
from providers.service_pages import views as service_pages

data, content, download = public(DATA), public(CONTENT), public(DOWNLOAD)
figures = public(DATA, version=performance_figures.version)  # worked out each hour, not with our data

urlpatterns = [
    # The service's own pages (providers/pages/)
    path("", data(pages.home), name="home"),
    path("guidance/<slug:slug>/", content(pages.guidance), name="guidance"),
    path("easy-read/", content(pages.easy_read_home), name="easy_read_home"),
    # Before the Easy Read guidance pages, whose <slug> would take these.
    path("easy-read/search/", data(search.easy_read_search), name="easy_read_search"),
    path("easy-read/your-information/", content(rights.easy_read_your_information), name="easy_read_your_information"),
    path("easy-read/<slug:slug>/", content(pages.easy_read_guidance), name="easy_read_guidance"),
    path("for-care-services/", content(pages.for_care_services), name="for_care_services"),
    path("for-care-services/renew/", content(following.renew), name="renew"),
    path("spread-the-word/", content(pages.spread_the_word), name="spread_the_word"),
    path("spread-the-word/leaflet/", content(pages.leaflet), name="leaflet"),
    path("spread-the-word/leaflet/easy-read/", content(pages.leaflet), {"easy_read": True}, name="leaflet_easy_read"),
    path("about/", content(pages.about), name="about"),
    path("accessibility/", content(pages.accessibility), name="accessibility"),
    path("privacy/", content(pages.privacy), name="privacy"),
    # Search (providers/search/)
    path("search/", data(search.search), name="search"),
    path("embed/search/", data(search.embed_search), name="embed_search"),
    # A care service's own pages, badge, QR code and posters (providers/service_pages/)
    path("services/<str:location_id>/", data(service_pages.service), name="service"),
    path("services/<str:location_id>/easy-read/", data(service_pages.service_easy_read), name="service_easy_read"),
    path("services/<str:location_id>/badge.svg", service_pages.badge, name="badge"),  # its own validators
    path("services/<str:location_id>/badge.png", service_pages.badge_png, name="badge_png"),
    path("services/<str:location_id>/badge@2x.png", service_pages.badge_png, {"scale": 2}, name="badge_png_2x"),
    path("services/<str:location_id>/qr.svg", content(service_pages.qr_code), name="qr_code"),
    path("services/<str:location_id>/poster/", data(service_pages.poster), name="poster"),
    path("services/<str:location_id>/poster/easy-read/", data(service_pages.poster_easy_read), name="poster_easy_read"),
    path("ods/<str:ods_code>/", data(service_pages.by_ods_code), name="by_ods_code"),
    # A care service's reply beside its result (providers/replies/)
    path("services/<str:location_id>/reply/", personal(replies.reply), name="reply"),
    path("services/<str:location_id>/reply/check-your-email/", content(replies.check_email), name="reply_check_email"),
    path("replies/confirm/<str:signed>/", personal(replies.confirm), name="reply_confirm"),
    # A provider's pages (providers/provider_pages/)
    path("providers/<str:provider_id>/", data(provider_pages.provider), name="provider"),
    path("providers/<str:provider_id>/easy-read/", data(provider_pages.provider_easy_read), name="provider_easy_read"),
    path("providers/<str:provider_id>/feed.atom", data(feeds.ProviderFeed()), name="provider_feed"),
    # For councils: areas, feeds and downloads (providers/councils/)
    path("areas/", data(councils.areas), name="areas"),
    path("areas/<slug:slug>/", data(councils.area), name="area"),
    path("areas/<slug:slug>.csv", download(councils.area_csv), name="area_csv"),
    path("areas/<slug:slug>.xlsx", download(councils.area_xlsx), name="area_xlsx"),
    path("areas/<slug:slug>/feed.atom", data(feeds.AreaFeed()), name="area_feed"),
    path("services/<str:location_id>/feed.atom", data(feeds.ServiceFeed()), name="service_feed"),
    path("download/", data(councils.downloads), name="downloads"),
    path("download/services.csv", download(councils.download_services_csv), name="download_services_csv"),
    path("download/services.xlsx", download(councils.download_services_xlsx), name="download_services_xlsx"),
    path("download/services.json", download(councils.download_services_json), name="download_services_json"),
    path("for-councils/", content(councils.for_councils), name="for_councils"),
    # Check a whole list at once (providers/checking/): what is uploaded is personal, and never kept
    path("check-a-list/", personal(checking.check_a_list), name="check_a_list"),
    # Reconciliation for OpenRefine (providers/reconcile/): what a GET asks is the same for everyone
    path("reconcile", data(reconcile.endpoint), name="reconcile"),
    path("reconcile/preview", data(reconcile.preview), name="reconcile_preview"),
    path("reconcile/properties", data(reconcile.properties), name="reconcile_properties"),
    path("reconcile/suggest/<str:kind>", data(reconcile.suggest), name="reconcile_suggest"),
    # Report a problem (providers/reports/)
    path("contact/", personal(reports.contact), name="contact"),
    path("contact/thank-you/", content(reports.contact_thanks), name="contact_thanks"),
    # Is this page useful, counts without tracking, and how the service is doing (providers/performance/)
    path("count.gif", personal(performance.count_view), name="count_view"),
    path("feedback/", personal(performance.useful), name="useful"),
    path("feedback/more/", personal(performance.feedback_more), name="feedback_more"),
    path("performance/", figures(performance.performance), name="performance"),
    path("performance/figures.csv", figures(performance.figures_csv), name="performance_csv"),
    path("performance/figures.json", figures(performance.figures_json), name="performance_json"),
    # Emails when results change, and reminders to renew (providers/following/)
    path("follow/", personal(following.follow), name="follow"),
    path("follow/check-your-email/", content(following.check_email), name="follow_check_email"),
    path("follow/confirm/<str:signed>/", personal(following.confirm), name="follow_confirm"),
    path("follow/manage/<str:token>/", personal(following.manage), name="follow_manage"),
    path("follow/stop/<str:token>/", personal(following.stop), name="follow_stop"),
    path("follow/stopped/", content(following.stopped), name="follow_stopped"),
    # Letters about your information (providers/rights/)
    path("your-rights/", personal(rights.your_rights), name="your_rights"),
    path("your-rights/examples/<slug:kind>/", content(rights.example), name="your_rights_example"),
    # The privacy summary maker (providers/privacy_summary/)
    path("privacy-summary/", personal(privacy_summary.privacy_summary_maker), name="privacy_summary"),
    path("privacy-summary/example/", content(privacy_summary.privacy_summary_example), name="privacy_summary_example"),
]
