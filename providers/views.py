"""Public pages of DSPT Lookup."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from providers.forms import SearchForm
from providers.models import DsptOrganisation, ImportRun, Location
from providers.postcode_lookup import locate
from providers.postcodes import parse_partial_postcode

RESULTS_PER_PAGE = 20
NEAR_MILES = 50


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
    return render(request, "pages/home.html", {"stats": stats, "form": SearchForm()})


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
                services = services.near(place.latitude, place.longitude, miles=NEAR_MILES)
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


def _querystring_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def service(request, location_id):
    """One care service: its DSPT status in plain English, and what it means."""
    location = get_object_or_404(Location.objects.with_dspt_status(), cqc_location_id=location_id)
    today = timezone.localdate()
    context = {"location": location, "status": location.dspt_status(today), "today": today}
    return render(request, "providers/service.html", context)
