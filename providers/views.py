"""Public pages of DSPT Lookup."""

from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from providers import status_text
from providers.dspt_status import ALL_STATUSES, current_until
from providers.forms import SearchForm
from providers.models import DsptOrganisation, ImportRun, Location
from providers.postcode_lookup import locate
from providers.postcodes import parse_partial_postcode

RESULTS_PER_PAGE = 20
# Postcode searches look this far, widening only until a page is full:
# sorting every service within 50 miles of a city centre is slow and
# nobody reads that far.
SEARCH_RADII_MILES = (3, 10, 25, 50)


def home(request):
    """The start page: what the service is, and where to search."""
    last_import = (
        ImportRun.objects.filter(state__in=[ImportRun.State.SUCCEEDED, ImportRun.State.APPLIED])
        .order_by("-finished_at")
        .first()
    )
    stats = {
        "locations": Location.objects.registered().count(),
        "organisations": DsptOrganisation.objects.count(),
        "updated": last_import.finished_at if last_import else None,
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
    """The privacy notice."""
    return render(request, "pages/privacy.html")


def search(request):
    """Find care services by name, town or postcode. A GET form: every result page has its own URL.

    For htmx requests (results updating as you type) only the results partial is sent.
    """
    form = SearchForm(request.GET or None)
    context = {"form": form, "query": "", "page": None, "place": None, "postcode_unknown": False}
    if form.is_bound and form.is_valid():
        query = form.cleaned_data["q"]
        context["query"] = query
        if query:
            today = timezone.localdate()
            services = (
                Location.objects.registered()
                .of_category(form.cleaned_data["type"])
                .with_plain_status(form.cleaned_data["status"], today)
                .with_dspt_status()
            )
            postcode = parse_partial_postcode(query)
            place = locate(*postcode) if postcode else None
            if postcode and place is None:
                context["postcode_unknown"] = postcode[1]
                services = services.none()
            elif place:
                context["place"] = place
                services, context["radius"] = _nearest(services, place)
            else:
                services = services.search(query)
            context["page"] = Paginator(services, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
            context["searched"] = True
            context["today"] = today
    context["filters_on"] = bool(form.is_bound and form.is_valid() and
                                 (form.cleaned_data["type"] or form.cleaned_data["status"]))
    context["querystring_without_page"] = _querystring_without_page(request)
    template = "providers/search.html#results" if request.htmx else "providers/search.html"
    return render(request, template, context)


def _nearest(services, place):
    """Services near `place`, within the smallest radius that fills a page of results."""
    for miles in SEARCH_RADII_MILES:
        nearby = services.near(place.latitude, place.longitude, miles=miles)
        if miles == SEARCH_RADII_MILES[-1] or nearby[:RESULTS_PER_PAGE].count() == RESULTS_PER_PAGE:
            return nearby, miles
    raise AssertionError("unreachable")


def _querystring_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _last_imports() -> dict:
    """The newest successful import of each kind of data, for 'when we last updated'."""
    runs = {}
    done = ImportRun.objects.filter(state__in=[ImportRun.State.SUCCEEDED], dry_run=False).order_by("-finished_at")
    for label, kinds in (("cqc", [ImportRun.Kind.CQC_LOCATIONS, ImportRun.Kind.CQC_DIRECTORY]),
                         ("dspt", [ImportRun.Kind.DSPT])):
        runs[label] = done.filter(kind__in=kinds).first()
    return runs


def _service_context(location_id: str) -> dict:
    location = get_object_or_404(Location.objects.with_dspt_status(), cqc_location_id=location_id)
    today = timezone.localdate()
    status = location.dspt_status(today)
    organisation = location.dspt_organisation
    history = []
    if organisation:
        history = list(organisation.assessments.order_by(
            F("published_on").desc(nulls_last=True), F("year_start").desc(nulls_last=True), "-id"))
    return {
        "location": location,
        "status": status,
        "assessment": location.current_dspt_assessment,
        "organisation": organisation,
        "history": history,
        "today": today,
        "meaning": status_text.MEANING[status.code],
        "easy_read": status_text.EASY_READ[status.code],
        "questions": status_text.QUESTIONS,
        "easy_read_questions": status_text.EASY_READ_QUESTIONS,
        "pictures": status_text.EASY_READ_PICTURES,
        "last_imports": _last_imports(),
        "counts_until": (current_until(location.current_dspt_assessment.year_start)
                         if status.is_current and location.current_dspt_assessment else None),
    }


def service(request, location_id):
    """One care service: its DSPT status in plain English, what it means, and what to ask."""
    context = _service_context(location_id)
    context["switch"] = {"url": reverse("service_easy_read", args=[location_id]), "label": "Easy Read version of this page"}
    return render(request, "providers/service.html", context)


def service_easy_read(request, location_id):
    """The Easy Read version of a care service's page."""
    context = _service_context(location_id)
    context["switch"] = {"url": reverse("service", args=[location_id]), "label": "Standard version of this page"}
    return render(request, "easy_read/service.html", context)


def by_ods_code(request, ods_code):
    """/ods/<code>/: a stable link by ODS code. Goes to the service with that code,
    or lists the services of the provider with that code."""
    code = ods_code.strip().upper()
    services = Location.objects.filter(ods_code=code).order_by("deregistered_on", "name")
    if services:
        return redirect("service", services[0].cqc_location_id)
    services = list(Location.objects.filter(provider__ods_code=code).with_dspt_status().order_by("deregistered_on", "name"))
    if len(services) == 1:
        return redirect("service", services[0].cqc_location_id)
    if not services:
        return render(request, "providers/ods_not_found.html", {"code": code}, status=404)
    return render(request, "providers/ods_services.html",
                  {"code": code, "services": services, "provider": services[0].provider, "today": timezone.localdate()})


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
        "statuses": [(s, status_text.MEANING[s.code]) for s in ALL_STATUSES],
        "questions": status_text.QUESTIONS,
        "switch": {"url": reverse("easy_read_guidance", args=[slug]), "label": "Easy Read version of this page"},
    }
    return render(request, f"guidance/{slug}.html", context)


def easy_read_guidance(request, slug):
    """The Easy Read version of a guidance page."""
    if slug not in GUIDANCE_PAGES:
        raise Http404("No such guidance page")
    context = {
        "title": GUIDANCE_PAGES[slug], "slug": slug, "pages": GUIDANCE_PAGES,
        "statuses": [(s, status_text.EASY_READ[s.code]) for s in ALL_STATUSES],
        "questions": status_text.EASY_READ_QUESTIONS, "pictures": status_text.EASY_READ_PICTURES,
        "switch": {"url": reverse("guidance", args=[slug]), "label": "Standard version of this page"},
    }
    return render(request, f"easy_read/{slug}.html", context)


def easy_read_home(request):
    """The Easy Read start page."""
    context = {"pictures": status_text.EASY_READ_PICTURES, "pages": GUIDANCE_PAGES, "form": SearchForm(),
               "switch": {"url": reverse("home"), "label": "Standard version of this page"}}
    return render(request, "easy_read/home.html", context)
