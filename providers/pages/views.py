"""The service's own pages: the start page, guidance in plain English and Easy Read, and pages
for care services and for spreading the word."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from providers.register.models import DsptOrganisation, Location
from providers.results import presenter, status_text
from providers.results.dspt_status import ALL_STATUSES
from providers.search.forms import SearchForm
from providers.service_pages.views import _qr_svg


def home(request):
    """The start page: what the service is, and where to search."""
    registered = Location.objects.registered()
    stats = {
        "locations": registered.count(),
        "with_current_check": registered.with_current_check(timezone.localdate()).count(),
        "organisations": DsptOrganisation.objects.count(),
    }
    switch = {"url": reverse("easy_read_home"), "label": "Easy Read version of this page"}
    return render(request, "pages/home.html", {"stats": stats, "form": SearchForm(), "switch": switch})


def about(request):
    """Why the service exists and where its data comes from."""
    return render(request, "pages/about.html")


def accessibility(request):
    """The accessibility statement."""
    return render(request, "pages/accessibility.html")


def privacy(request):
    """The privacy notice. How long we keep email addresses comes from the settings the tidy-up uses."""
    return render(request, "pages/privacy.html", {"confirm_days": settings.FOLLOW_CONFIRM_DAYS,
                                                  "keep_sent_days": settings.FOLLOW_KEEP_SENT_DAYS,
                                                  "reply_keep_days": settings.REPLY_KEEP_EMAIL_DAYS,
                                                  "tally_keep_days": settings.TALLY_KEEP_DAYS,
                                                  "unfound_keep_days": settings.UNFOUND_KEEP_DAYS,
                                                  "feedback_keep_days": settings.FEEDBACK_KEEP_DAYS})


GUIDANCE_PAGES = {
    "what-is-the-dspt": "What is the Data Security and Protection Toolkit?",
    "keeping-your-information-safe": "How to check your information is safe",
    "what-the-results-mean": "What the results mean",
}


def guidance(request, slug):
    """A guidance page in plain English."""
    if slug not in GUIDANCE_PAGES:
        raise Http404("No such guidance page")
    context = {
        "title": GUIDANCE_PAGES[slug], "slug": slug, "pages": GUIDANCE_PAGES,
        "statuses": [(s, presenter.present(s.code).meaning) for s in ALL_STATUSES],
        "questions": status_text.QUESTIONS,
        "switch": {"url": reverse("easy_read_guidance", args=[slug]), "label": "Easy Read version of this page"},
    }
    return render(request, f"pages/guidance/{slug}.html", context)


def easy_read_guidance(request, slug):
    """The Easy Read version of a guidance page."""
    if slug not in GUIDANCE_PAGES:
        raise Http404("No such guidance page")
    context = {
        "title": GUIDANCE_PAGES[slug], "slug": slug, "pages": GUIDANCE_PAGES,
        "statuses": [(s, presenter.present(s.code).easy_read) for s in ALL_STATUSES],
        "questions": status_text.EASY_READ_QUESTIONS, "pictures": status_text.EASY_READ_PICTURES,
        "switch": {"url": reverse("guidance", args=[slug]), "label": "Standard version of this page"},
    }
    return render(request, f"easy_read/{slug}.html", context)


def easy_read_home(request):
    """The Easy Read start page."""
    context = {"pictures": status_text.EASY_READ_PICTURES, "pages": GUIDANCE_PAGES, "form": SearchForm(),
               "switch": {"url": reverse("home"), "label": "Standard version of this page"}}
    return render(request, "easy_read/home.html", context)


def for_care_services(request):
    """/for-care-services/: how a care service shows its result, and publishes or renews its DSPT."""
    return render(request, "pages/for_care_services.html", {"statuses": [
        (status, presenter.present(status.code).meaning[0]) for status in ALL_STATUSES]})


def spread_the_word(request):
    """/spread-the-word/: ready words for newsletters and websites, the leaflets, and the badge and poster."""
    home = request.build_absolute_uri(reverse("home"))
    return render(request, "pages/spread/spread_the_word.html", {
        "home": home, "newsletter": render_to_string("pages/spread/newsletter.txt", {"home": home}).strip(),
        "short": render_to_string("pages/spread/short.txt", {"home": home}).strip()})


def leaflet(request, easy_read: bool = False):
    """/spread-the-word/leaflet/ (and easy-read/): an A4 leaflet for families, one printed page each."""
    home = request.build_absolute_uri(reverse("home"))
    template = "pages/spread/leaflet_easy_read.html" if easy_read else "pages/spread/leaflet.html"
    labels = {status.code: presenter.present(status.code).label for status in ALL_STATUSES}
    return render(request, template, {"home": home, "qr_svg": _qr_svg(home, scale=4), "labels": labels,
                                      "questions": status_text.QUESTIONS[:3]})
