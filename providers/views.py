"""Public pages of DSPT Lookup."""

from collections import Counter

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import slugify

from providers import status_text
from providers.dspt_status import ALL_STATUSES, current_until
from providers.exports import csv_lines
from providers.forms import AreaFilterForm, SearchForm
from providers.models import DsptOrganisation, ImportRun, Location
from providers.search import PAGE_SIZE, find_services
from providers.templatetags.dspt import STYLE


def home(request):
    """The start page: what the service is, and where to search."""
    last_import = ImportRun.objects.filter(state=ImportRun.State.SUCCEEDED, dry_run=False).order_by("-finished_at").first()
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
    if form.is_bound and form.is_valid() and form.cleaned_data["q"]:
        query = form.cleaned_data["q"]
        today = timezone.localdate()
        result = find_services(query=query, category=form.cleaned_data["type"],
                               status=form.cleaned_data["status"], today=today)
        context.update(
            query=query, today=today, searched=True, place=result.place, radius=result.radius,
            postcode_unknown=result.unknown_postcode,
            page=Paginator(result.services, PAGE_SIZE).get_page(request.GET.get("page")),
        )
    context["filters_on"] = bool(form.is_bound and form.is_valid() and
                                 (form.cleaned_data["type"] or form.cleaned_data["status"]))
    context["querystring_without_page"] = _querystring_without_page(request)
    template = "providers/search.html#results" if request.htmx else "providers/search.html"
    return render(request, template, context)


def _querystring_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _last_imports() -> dict:
    """The newest successful import of each kind of data, for 'when we last updated'."""
    runs = {}
    done = ImportRun.objects.filter(state=ImportRun.State.SUCCEEDED, dry_run=False).order_by("-finished_at")
    for label, kinds in (("cqc", [ImportRun.Kind.CQC_LOCATIONS, ImportRun.Kind.CQC_DIRECTORY]),
                         ("dspt", [ImportRun.Kind.DSPT])):
        runs[label] = done.filter(kind__in=kinds).first()
    return runs


def _service_context(location_id: str) -> dict:
    location = get_object_or_404(Location.objects.with_dspt_status(), cqc_location_id=location_id)
    today = timezone.localdate()
    status = location.dspt_status(today)
    organisation = location.dspt_organisation
    history = list(organisation.history()) if organisation else []
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
    page_url = request.build_absolute_uri(reverse("service", args=[location_id]))
    context["page_url"] = page_url
    context["badge_url"] = request.build_absolute_uri(reverse("badge", args=[location_id]))
    context["badge_alt"] = badge_alt_text(context["location"], context["status"])
    context["badge_snippet"] = format_html(
        '<a href="{}"><img src="{}" alt="{}" width="320" height="72"></a>',
        page_url, context["badge_url"], context["badge_alt"],
    )
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
    services = Location.objects.filter(ods_code=code).registered_first()
    if services:
        return redirect("service", services[0].cqc_location_id)
    services = list(Location.objects.filter(provider__ods_code=code).with_dspt_status().registered_first())
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


# --- Areas: every care service in a local authority -------------------------------

AREA_SORTS = {
    "name": ("Name", lambda row: (row[0].name.casefold(),)),
    "status": ("DSPT result", lambda row: (STATUS_ORDER[row[1].code], row[0].name.casefold())),
    "type": ("Type of service", lambda row: (row[0].get_category_display(), row[0].name.casefold())),
}
STATUS_ORDER = {status.code: position for position, status in enumerate(ALL_STATUSES)}


def _local_authorities() -> dict[str, str]:
    """{slug: local authority name} for every area with a registered care service."""
    names = Location.objects.registered().exclude(local_authority="").values_list("local_authority", flat=True).distinct()
    return {slugify(name): name for name in names}


def _area_rows(request, slug):
    """The area's name, its filtered services with their statuses, and the cleaned filters."""
    name = _local_authorities().get(slug)
    if name is None:
        raise Http404("No such area")
    form = AreaFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {"type": "", "status": "", "sort": "name"}
    today = timezone.localdate()
    services = (
        Location.objects.registered().in_area(name).of_category(filters["type"])
        .with_plain_status(filters["status"], today).with_dspt_status()
    )
    rows = [(location, location.dspt_status(today)) for location in services]
    rows.sort(key=AREA_SORTS[filters["sort"] or "name"][1])
    return name, rows, form, filters


def areas(request):
    """Every local authority, with how many care services it has."""
    counts = (
        Location.objects.registered().exclude(local_authority="")
        .values("region", "local_authority").annotate(services=Count("pk")).order_by("region", "local_authority")
    )
    regions: dict[str, list] = {}
    for row in counts:
        regions.setdefault(row["region"] or "Other", []).append({**row, "slug": slugify(row["local_authority"])})
    return render(request, "providers/areas.html", {"regions": regions})


def area(request, slug):
    """Every care service in one local authority, with its DSPT result. Filter, sort, or download as CSV."""
    name, rows, form, filters = _area_rows(request, slug)
    counts = Counter(status.code for _, status in rows)
    context = {
        "area_name": name, "slug": slug, "rows": rows, "form": form, "filters": filters,
        "summary": [(status, counts.get(status.code, 0)) for status in ALL_STATUSES],
        "sorts": [(key, label) for key, (label, _) in AREA_SORTS.items()],
        "csv_query": request.GET.urlencode(),
    }
    return render(request, "providers/area.html", context)


def area_csv(request, slug):
    """The area list as CSV (cells that look like formulas are made safe)."""
    name, rows, _, _ = _area_rows(request, slug)
    header = ["CQC location ID", "Name", "Provider", "Address", "Postcode", "Type of service", "DSPT result",
              "DSPT result as published", "DSPT year", "Date published", "Published by", "Page"]

    def data():
        yield header
        for location, status in rows:
            assessment = location.current_dspt_assessment
            yield [
                location.cqc_location_id, location.name, location.provider.name,
                ", ".join(p for p in [location.address_line_1, location.address_line_2, location.town] if p),
                location.postcode, location.get_category_display(), status.label,
                assessment.status_text if assessment else "", assessment.year_label if assessment else "",
                assessment.published_on.isoformat() if assessment and assessment.published_on else "",
                {"location": "this service", "provider": "its provider"}.get(location.dspt_match, ""),
                request.build_absolute_uri(reverse("service", args=[location.cqc_location_id])),
            ]

    response = StreamingHttpResponse(csv_lines(data()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="dspt-lookup-{slug}.csv"'
    return response


# --- Badge and link box for a provider's own website -------------------------------

BADGE_COLOURS = {"meets": "#007f3b", "approaching": "#8a6d00", "not_met": "#d5281b", "out_of_date": "#b54600",
                 "not_published": "#4c6272", "unknown": "#4c6272", "not_found": "#4c6272"}
BADGE_MAX_AGE = 15 * 60  # seconds: short, so a new result shows soon


def badge_alt_text(location, status) -> str:
    assessment = location.current_dspt_assessment
    year = f" ({assessment.year_label})" if status.is_current and assessment and assessment.year_label else ""
    return f"{location.name}: {status.label}{year}. Data Security and Protection Toolkit result from DSPT Lookup."


def badge(request, location_id):
    """/services/<id>/badge.svg: the live status as a small picture other websites can show."""
    location = Location.objects.with_dspt_status().filter(cqc_location_id=location_id).first()
    if location is None:
        raise Http404("No such care service")
    today = timezone.localdate()
    status = location.dspt_status(today)
    assessment = location.current_dspt_assessment
    icon = STYLE[status.code][1]
    context = {
        "status": status, "icon": icon, "colour": BADGE_COLOURS[status.code], "as_of": today,
        "year": assessment.year_label if status.is_current and assessment else "",
        "alt_text": badge_alt_text(location, status),
    }
    response = render(request, "providers/badge.svg", context, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={BADGE_MAX_AGE}"
    response["Content-Security-Policy"] = "default-src 'none'"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    response["Access-Control-Allow-Origin"] = "*"
    return response
