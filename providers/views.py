"""Public pages of DSPT Lookup."""


from urllib.parse import quote, urlsplit

import segno
from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import Lower
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.html import escape
from django.utils.http import http_date
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.views.decorators.clickjacking import xframe_options_exempt

from providers import badges, dashboard, exports, freshness, presenter, privacy_summary, status_text
from providers.dspt_status import ALL_STATUSES
from providers.forms import AreaFilterForm, PrivacySummaryForm, ProblemReportForm, SearchForm
from providers.models import DsptOrganisation, ImportRun, Location
from providers.search import PAGE_SIZE, SEARCH_RADII_MILES, ResultCardPaginator, find_services
from providers.services import problem_reports


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
    """The privacy notice."""
    return render(request, "pages/privacy.html")


def search(request):
    """Find care services by name, town or postcode. A GET form: every result page has its own URL.

    For htmx requests (results updating as you type) only the results partial is sent.
    """
    # htmx asks for the results alone, except when it restores a page from history.
    partial = request.htmx and not request.htmx.history_restore_request
    context = _search_context(request, follow_codes=not partial)
    if context.get("exact_location_id") and not partial:
        # A CQC location ID or a service's own ODS code: go straight to it.
        return redirect("service", context["exact_location_id"])
    response = render(request, "providers/search.html#results" if partial else "providers/search.html", context)
    # The same address gives the whole page or the results alone: caches must keep them apart,
    # or Back can show the bare results.
    patch_vary_headers(response, ["HX-Request"])
    return response


def easy_read_search(request):
    """/easy-read/search/: the same search in Easy Read, leading to Easy Read service pages."""
    context = _search_context(request, follow_codes=True, service_url="service_easy_read")
    if context.get("exact_location_id"):
        return redirect("service_easy_read", context["exact_location_id"])
    context["switch"] = {"url": reverse("search") + (f"?{request.GET.urlencode()}" if request.GET else ""),
                         "label": "Standard version of this page"}
    return render(request, "easy_read/search.html", context)


def _search_context(request, *, follow_codes: bool = False, service_url: str = "service") -> dict:
    """Run the search the query string asks for; the page and its words are the caller's.

    follow_codes: when the query is a code naming one service, stop at
    `exact_location_id` (the caller redirects to it) instead of fetching a page.
    service_url: the name of the page each result links to.
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
            used_query=result.used_query, did_you_mean=result.did_you_mean, code=result.code,
            max_radius=SEARCH_RADII_MILES[-1],
            exact_location_id=result.exact_location_id,
            postcode_unknown=result.unknown_postcode,
        )
        if follow_codes and result.exact_location_id:
            return context
        page = ResultCardPaginator(result.services, PAGE_SIZE, today=today, url_name=service_url
                                   ).get_page(request.GET.get("page"))
        context.update(page=page, status_line=presenter.search_status(
            count=page.paginator.count, query=query, place_label=result.place.label if result.place else "",
            radius=result.radius, page_number=page.number, pages=page.paginator.num_pages))
    context["filters_on"] = bool(form.is_bound and form.is_valid() and
                                 (form.cleaned_data["type"] or form.cleaned_data["status"]))
    context["querystring_without_page"] = _querystring_without_page(request)
    return context


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
    result = location.dspt_result(today)
    organisation = location.dspt_organisation
    history = list(organisation.history()) if organisation else []
    look = presenter.present(result.code)
    return {
        "location": location,
        "result": result,
        "status": result.status,
        "assessment": location.current_dspt_assessment,
        "organisation": organisation,
        "history": history,
        "today": today,
        "meaning": look.meaning,
        "easy_read": presenter.easy_read_lines(result),
        "dates_sentence": presenter.dates_sentence(result),
        "match_sentence": presenter.match_sentence(result),
        "unknown_words": presenter.unknown_words(result),
        "dormant_sentence": presenter.DORMANT_SENTENCE,
        "questions": status_text.QUESTIONS,
        "easy_read_questions": status_text.EASY_READ_QUESTIONS,
        "pictures": status_text.EASY_READ_PICTURES,
        "last_imports": _last_imports(),
        "counts_until": result.counts_until,
    }


def service(request, location_id):
    """One care service: its DSPT status in plain English, what it means, and what to ask."""
    context = _share_context(request, location_id)
    context["switch"] = {"url": reverse("service_easy_read", args=[location_id]), "label": "Easy Read version of this page"}
    if context["organisation"]:
        context["dspt_record_url"] = settings.DSPT_ORGANISATION_URL.format(code=quote(context["organisation"].ods_code))
    context["website_url"] = _web_address(context["location"].website)
    context["problem_form"] = ProblemReportForm()
    return render(request, "providers/service.html", context)


def _web_address(text: str) -> str:
    """A care service's website as a link we can safely show ('www.x.org' -> 'https://www.x.org'), or ''."""
    text = (text or "").strip()
    if not text or " " in text:
        return ""
    if not text.lower().startswith(("http://", "https://")):
        text = "https://" + text
    parts = urlsplit(text)
    good = parts.scheme in ("http", "https") and "." in parts.hostname if parts.hostname else False
    return text if good and text.isprintable() else ""


def service_easy_read(request, location_id):
    """The Easy Read version of a care service's page."""
    context = _service_context(location_id)
    context["switch"] = {"url": reverse("service", args=[location_id]), "label": "Standard version of this page"}
    return render(request, "easy_read/service.html", context)


def by_ods_code(request, ods_code):
    """/ods/<code>/: a stable link by ODS code. Goes to the service with that code,
    or lists the services of the provider with that code."""
    code = ods_code.strip().upper()
    services = list(Location.objects.filter(ods_code=code).with_dspt_status().registered_first())
    if len({service.provider_id for service in services if service.deregistered_on is None}) > 1:
        # Services of different providers use this code: we cannot tell whose it is, so the visitor chooses.
        return render(request, "providers/ods_services.html",
                      {"code": code, "services": services, "shared": True, "today": timezone.localdate()})
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
        "statuses": [(s, presenter.present(s.code).meaning) for s in ALL_STATUSES],
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


# --- Areas: every care service in a local authority -------------------------------

AREA_SORTS = {"name": "Name", "status": "DSPT result", "type": "Type of service"}
AREA_PAGE_SIZE = 50


def _area_services(request, slug):
    """The area's name, its filtered and sorted services (a QuerySet), the form, the filters and today.

    Sorting and counting happen in the database, so a page of the largest
    area costs one page of rows, not all of them.
    """
    name = Location.objects.registered().area_names().get(slug)
    if name is None:
        raise Http404("No such area")
    form = AreaFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {"type": "", "status": "", "sort": "name", "year": None}
    today = timezone.localdate()
    services = Location.objects.registered().in_area(name).of_category(filters["type"])
    if filters["status"] == "current":
        services = services.with_current_check(today)
    else:
        services = services.with_plain_status(filters["status"], today)
    if filters["year"]:
        services = services.with_result_for_year(filters["year"])
    services = services.with_dspt_status()
    sort = filters["sort"] or "name"
    if sort == "status":
        services = services.with_status_rank(today).order_by("status_rank", Lower("name"), "pk")
    elif sort == "type":
        services = services.with_category_rank().order_by("category_rank", Lower("name"), "pk")
    else:
        services = services.order_by(Lower("name"), "pk")
    return name, services, form, filters, today


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
    """One local authority: how it is doing beside England, then every care service a page at a time,
    with its DSPT result. Filter, sort, or download as CSV. /areas/england/ is England's own page."""
    if slug == ENGLAND:
        return england(request)
    name, services, form, filters, today = _area_services(request, slug)
    figures = dashboard.Figures.of(Location.objects.registered().in_area(name), today)
    board = dashboard.build(area_name=name, area=figures, england=dashboard.england_figures(today), today=today,
                            list_url=reverse("area", args=[slug]))
    filtered = filters["type"] or filters["status"] or filters["year"]
    counts = services.order_by().status_counts(today) if filtered else figures.statuses  # unfiltered: already counted
    # A page at a time: the largest areas have over a thousand services (the CSV has them all).
    page = Paginator(services, AREA_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = [(location, location.dspt_status(today)) for location in page.object_list]
    context = {
        "area_name": name, "slug": slug, "form": form, "filters": filters, "page": page,
        "summary": [(status, counts[status.code]) for status in ALL_STATUSES],
        "sorts": list(AREA_SORTS.items()), "dashboard": board,
        "csv_query": _querystring_without_page(request),
        "querystring_without_page": _querystring_without_page(request),
    }
    return render(request, "providers/area.html", context)


ENGLAND = "england"


def england(request):
    """/areas/england/: England's figures, and every area's share of services with a current check."""
    today = timezone.localdate()
    figures = dashboard.england_figures(today)
    board = dashboard.build(area_name="England", area=figures, england=figures, today=today, list_url="")
    areas = [{**row, "slug": slugify(row["local_authority"]),
              "share": f"{row['current'] / row['services']:.0%}" if row["services"] else "–"}
             for row in Location.objects.registered().current_by_area(today)]
    return render(request, "providers/england.html", {"dashboard": board, "areas": areas})


def area_csv(request, slug):
    """The area list as CSV for Excel: byte-order mark, formula-safe cells, the columns on /download/."""
    _, services, _, _, today = _area_services(request, slug)
    return _csv_response(request, services, today, file_name=f"dspt-lookup-{slug}.csv")


def downloads(request):
    """What the downloads hold: every column, in words (from the one table that makes them)."""
    return render(request, "pages/downloads.html", {"columns": exports.COLUMNS,
                                                    "count": Location.objects.registered().count()})


def download_services_csv(request):
    """/download/services.csv: every registered care service in England with its result, streamed."""
    services = Location.objects.registered().with_dspt_status().order_by("cqc_location_id")
    return _csv_response(request, services, timezone.localdate(), file_name="dspt-lookup-england.csv")


def download_services_json(request):
    """/download/services.json: the same as JSON, with the date of the data."""
    services = Location.objects.registered().with_dspt_status().order_by("cqc_location_id")
    rows = exports.service_rows(services, today=timezone.localdate(), page_url=_page_url(request))
    response = StreamingHttpResponse(exports.json_download(rows, data_as_of=freshness.data_dates().as_json()),
                                     content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="dspt-lookup-england.json"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _csv_response(request, services, today, *, file_name: str) -> StreamingHttpResponse:
    rows = exports.service_rows(services, today=today, page_url=_page_url(request))
    response = StreamingHttpResponse(exports.csv_download(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


def _page_url(request):
    base = request.build_absolute_uri("/").rstrip("/")
    return lambda location_id: base + reverse("service", args=[location_id])


# --- Badge, poster and snippets for a care service's own website, emails and walls -----

BADGE_MAX_AGE = 15 * 60  # seconds: short, so a new result shows soon


def _badge_of(location_id: str) -> tuple[Location, badges.Badge]:
    location = Location.objects.with_dspt_status().filter(cqc_location_id=location_id).first()
    if location is None:
        raise Http404("No such care service")
    return location, badges.badge_for(location)


def _image_response(request, badge: badges.Badge, *, etag: str, render_body, content_type: str):
    """An image a thousand websites embed: validators from the badge's data, 304s, CDN-friendly caching.

    `render_body` is called only when the client does not already have this version.
    """
    last_modified = int(badge.changed_at.timestamp())  # HTTP dates have whole seconds
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        response = HttpResponse(render_body(), content_type=content_type)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = f"public, max-age={BADGE_MAX_AGE}, s-maxage={BADGE_MAX_AGE}"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def badge(request, location_id):
    """/services/<id>/badge.svg: the live result as a picture other websites can show."""
    _, live = _badge_of(location_id)
    return _image_response(request, live, etag=f'"{live.version}-svg"', content_type="image/svg+xml; charset=utf-8",
                           render_body=lambda: badges.render_svg(live))


def badge_png(request, location_id, scale=1):
    """/services/<id>/badge.png (and badge@2x.png): the same badge for email programs and letters."""
    _, live = _badge_of(location_id)
    return _image_response(request, live, etag=f'"{live.version}-png{scale}"', content_type="image/png",
                           render_body=lambda: badges.render_png(live, scale=scale))


def _share_context(request, location_id: str, *, with_qr: bool = False) -> dict:
    """The service page's context plus the permanent links and badge images.

    with_qr: draw the QR code inline (posters). It takes about 9 ms, so the
    service page links to /qr.svg instead, which the browser fetches and caches.
    """
    context = _service_context(location_id)
    location = context["location"]
    page_url = request.build_absolute_uri(reverse("service", args=[location_id]))
    context.update(
        page_url=page_url,
        badge=badges.badge_for(location, today=context["today"]),
        badge_url=request.build_absolute_uri(reverse("badge", args=[location_id])),
        badge_png_url=request.build_absolute_uri(reverse("badge_png", args=[location_id])),
        badge_png_2x_url=request.build_absolute_uri(reverse("badge_png_2x", args=[location_id])),
        badge_alt=badges.alt_text(location),
        qr_svg=_qr_svg(page_url, scale=4) if with_qr else "",
    )
    context["snippets"] = badges.snippets(context)
    return context


def _qr_svg(url: str, *, scale: int, sized: bool = False) -> str:
    """A QR code to `url` as inline SVG, named for screen readers ('QR code for …').

    sized: give its width and height (for a file to download); else CSS sizes it.
    """
    svg = segno.make(url, error="m").svg_inline(scale=scale, border=2, omitsize=not sized)
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="QR code for {escape(url)}" ', 1))


def qr_code(request, location_id):
    """/services/<id>/qr.svg: a QR code to the service's permanent page, for letters and leaflets."""
    get_object_or_404(Location, cqc_location_id=location_id)
    page_url = request.build_absolute_uri(reverse("service", args=[location_id]))
    svg = _qr_svg(page_url, scale=8, sized=True).replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="dspt-lookup-{location_id}-qr.svg"'
    response["Cache-Control"] = "public, max-age=86400"  # the page it points to never moves
    return response


def poster(request, location_id):
    """/services/<id>/poster/: an A4 poster of the live result for the care service's building."""
    return render(request, "providers/poster.html", _share_context(request, location_id, with_qr=True))


def poster_easy_read(request, location_id):
    """/services/<id>/poster/easy-read/: the Easy Read poster, with the result's picture."""
    context = _share_context(request, location_id, with_qr=True)
    published = context["assessment"].published_on if context["assessment"] else None
    context["published_words"] = f"{published.day} {published:%B %Y}" if published else ""
    return render(request, "providers/poster_easy_read.html", context)


def for_care_services(request):
    """/for-care-services/: how a care service shows its result, and publishes or renews its DSPT."""
    return render(request, "pages/for_care_services.html", {"statuses": [
        (status, presenter.present(status.code).meaning[0]) for status in ALL_STATUSES]})


def for_councils(request):
    """/for-councils/: how councils and advice services link to us, embed a search, and use the data."""
    base = request.build_absolute_uri("/").rstrip("/")
    search_form = render_to_string("embed/search_form_snippet.html", {"action": base + reverse("search")})
    frame = (f'<iframe src="{base}{reverse("embed_search")}" title="Check a care service\'s data security" '
             'width="100%" height="600" style="border:0"></iframe>')
    example = Location.objects.registered().exclude(local_authority="").order_by("local_authority", "name").first()
    return render(request, "pages/for_councils.html", {
        "base": base, "search_form": search_form.strip(), "frame": frame, "example": example,
        "example_area": slugify(example.local_authority) if example else ""})


def spread_the_word(request):
    """/spread-the-word/: ready words for newsletters and websites, the leaflets, and the badge and poster."""
    home = request.build_absolute_uri(reverse("home"))
    return render(request, "spread/spread_the_word.html", {
        "home": home, "newsletter": render_to_string("spread/newsletter.txt", {"home": home}).strip(),
        "short": render_to_string("spread/short.txt", {"home": home}).strip()})


def leaflet(request, easy_read: bool = False):
    """/spread-the-word/leaflet/ (and easy-read/): an A4 leaflet for families, one printed page each."""
    home = request.build_absolute_uri(reverse("home"))
    template = "spread/leaflet_easy_read.html" if easy_read else "spread/leaflet.html"
    labels = {status.code: presenter.present(status.code).label for status in ALL_STATUSES}
    return render(request, template, {"home": home, "qr_svg": _qr_svg(home, scale=4), "labels": labels,
                                      "questions": status_text.QUESTIONS[:3]})


@xframe_options_exempt
def embed_search(request):
    """/embed/search/: a small search page that other websites may show in a frame.

    The only page with frame-ancestors opened; its links open our full pages
    in a new tab, never inside the frame.
    """
    context = _search_context(request, follow_codes=False)
    response = render(request, "embed/search.html", context)
    response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY.replace(
        "frame-ancestors 'none'", "frame-ancestors *")
    return response


# --- Report a problem --------------------------------------------------------------

REPORTS_PER_HOUR = 5


def contact(request):
    """/contact/: tell the people who run this service about a problem, or that our data is wrong.

    Reports are stored for admins to read (nothing is emailed unless
    PROBLEM_REPORT_EMAIL is set). Limited to a few an hour from one address;
    a hidden field catches bots.
    """
    form = ProblemReportForm(request.POST or None, initial={"page": request.GET.get("page", "")[:300],
                                                            "location_id": request.GET.get("service", "")[:20]})
    if request.method == "POST" and form.is_valid():
        if _too_many_reports(request):
            form.add_error(None, "You have sent a lot of reports. Please try again in an hour.")
        else:
            if not form.is_bot:
                problem_reports.save_report(**{k: form.cleaned_data[k] for k in ("message", "email", "page", "location_id")})
            return redirect("contact_thanks")
    return render(request, "pages/contact.html", {"form": form})


def contact_thanks(request):
    """What happens after someone reports a problem."""
    return render(request, "pages/contact_thanks.html")


def _too_many_reports(request) -> bool:
    key = f"problem-reports:{request.META.get('REMOTE_ADDR', 'unknown')}"
    if cache.add(key, 1, 60 * 60):
        return False
    try:
        return cache.incr(key) > REPORTS_PER_HOUR
    except ValueError:
        return False


# --- Privacy summary maker ------------------------------------------------------------


def privacy_summary_maker(request):
    """/privacy-summary/: a care service answers a few questions and gets a short privacy summary,
    in plain English and Easy Read. Made from the form alone: nothing typed is stored."""
    form = PrivacySummaryForm(request.POST or None)
    if request.method == "POST" and "edit" not in request.POST and form.is_valid():
        return _privacy_summary_page(request, form.cleaned_data, example=False)
    if "edit" in request.POST:
        form = PrivacySummaryForm(request.POST)
        form._errors = {}  # coming back to change answers: show them, not errors
    return render(request, "privacy_summary/maker.html", {"form": form})


def privacy_summary_example(request):
    """/privacy-summary/example/: the published example for a made-up care home."""
    return _privacy_summary_page(request, privacy_summary.EXAMPLE, example=True)


def _privacy_summary_page(request, data: dict, *, example: bool):
    context = {
        "data": data, "example": example,
        "plain": privacy_summary.plain_summary(data),
        "easy_read": privacy_summary.easy_read_summary(data),
        "picture_base": request.build_absolute_uri(static("images/easy-read/")),
        # The answers again, as hidden fields, so "Change your answers" needs nothing stored.
        "answers": [(name, value) for name, values in data.items()
                    for value in (values if isinstance(values, list) else [values]) if value not in ("", None)],
    }
    context["paste_html"] = render_to_string("privacy_summary/_paste.html", context)
    response = render(request, "privacy_summary/result.html", context)
    response["Cache-Control"] = "no-store" if not example else "public, max-age=3600"
    return response
