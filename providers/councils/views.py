"""For council advisers: areas beside England, downloads, and how to link to us."""

import tempfile

from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import Lower
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from providers.councils import dashboard, exports
from providers.councils.forms import AreaFilterForm
from providers.edge import keys
from providers import freshness
from providers.register.models import Location
from providers.register.shape import COLUMNS
from providers.results.dspt_status import ALL_STATUSES
from providers.search.views import _querystring_without_page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
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
    keys.about(request, area=slug)
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
    return render(request, "councils/areas.html", {"regions": regions})


def area(request, slug):
    """One local authority: how it is doing beside England, then every care service a page at a time,
    with its DSPT result. Filter, sort, or download as CSV. /areas/england/ is England's own page."""
    if slug == dashboard.ENGLAND:
        return england(request)
    name, services, form, filters, today = _area_services(request, slug)
    figures = dashboard.area_figures(name, today)
    board = dashboard.build(area_name=name, area=figures, england=dashboard.england_figures(today), today=today,
                            list_url=reverse("area", args=[slug]))
    filtered = filters["type"] or filters["status"] or filters["year"]
    counts = services.order_by().status_counts(today) if filtered else figures.statuses  # unfiltered: already counted
    # A page at a time: the largest areas have over a thousand services (the CSV has them all).
    paginator = Paginator(services, AREA_PAGE_SIZE)
    if not filtered:
        paginator.count = figures.total  # counted already, with the figures: no second count
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = [(location, location.dspt_status(today)) for location in page.object_list]
    context = {
        "area_name": name, "slug": slug, "form": form, "filters": filters, "page": page,
        "summary": [(status, counts[status.code]) for status in ALL_STATUSES],
        "sorts": list(AREA_SORTS.items()), "dashboard": board,
        "csv_query": _querystring_without_page(request),
        "querystring_without_page": _querystring_without_page(request),
    }
    return render(request, "councils/area.html", context)


def england(request):
    """/areas/england/: England's figures, and every area's share of services with a current check."""
    today = timezone.localdate()
    figures = dashboard.england_figures(today)
    board = dashboard.build(area_name="England", area=figures, england=figures, today=today, list_url="")
    areas = [{**row, "slug": slugify(row["local_authority"]),
              "share": f"{row['current'] / row['services']:.0%}" if row["services"] else "–"}
             for row in Location.objects.registered().current_by_area(today)]
    return render(request, "councils/england.html", {"dashboard": board, "areas": areas})


def area_csv(request, slug):
    """The area list as CSV for Excel: byte-order mark, formula-safe cells, the columns on /download/."""
    _, services, _, _, today = _area_services(request, slug)
    return _csv_response(request, services, today, file_name=f"dspt-lookup-{slug}.csv")


def area_xlsx(request, slug):
    """The area list as a spreadsheet (.xlsx): the same columns, each cell typed, with the filters applied."""
    _, services, _, _, today = _area_services(request, slug)
    return _xlsx_response(request, services, today, file_name=f"dspt-lookup-{slug}.xlsx")


def downloads(request):
    """What the downloads hold: every column, in words (from the one table that makes them)."""
    return render(request, "councils/downloads.html", {"columns": COLUMNS,
                                                       "count": Location.objects.registered().count()})


def download_services_csv(request):
    """/download/services.csv: every registered care service in England with its result, streamed."""
    services = Location.objects.registered().with_dspt_status().order_by("cqc_location_id")
    return _csv_response(request, services, timezone.localdate(), file_name="dspt-lookup-england.csv")


def download_services_xlsx(request):
    """/download/services.xlsx: every registered care service in England as a spreadsheet."""
    services = Location.objects.registered().with_dspt_status().order_by("cqc_location_id")
    return _xlsx_response(request, services, timezone.localdate(), file_name="dspt-lookup-england.xlsx")


def download_services_json(request):
    """/download/services.json: the same as JSON (each service as the API gives it), with the date of the data."""
    locations = Location.objects.registered().with_dspt_status().order_by("cqc_location_id")
    services = exports.services(locations, today=timezone.localdate(), base_url=base_url(request))
    response = StreamingHttpResponse(exports.json_download(services, data_as_of=freshness.data_dates().as_json()),
                                     content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="dspt-lookup-england.json"'
    return response


def _csv_response(request, locations, today, *, file_name: str) -> StreamingHttpResponse:
    services = exports.services(locations, today=today, base_url=base_url(request))
    response = StreamingHttpResponse(exports.csv_download(services), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


def _xlsx_response(request, locations, today, *, file_name: str) -> FileResponse:
    """Written to a temporary file first (a spreadsheet is a zip, finished at its end), then sent from it."""
    spreadsheet = tempfile.TemporaryFile()  # gone when the response closes it
    exports.xlsx_download(exports.services(locations, today=today, base_url=base_url(request)), spreadsheet)
    spreadsheet.seek(0)
    return FileResponse(spreadsheet, as_attachment=True, filename=file_name, content_type=XLSX)


def base_url(request) -> str:
    """The site's address as the visitor reached it, without a trailing slash, for links in data."""
    return request.build_absolute_uri("/").rstrip("/")


def for_councils(request):
    """/for-councils/: how councils and advice services link to us, embed a search, and use the data."""
    base = request.build_absolute_uri("/").rstrip("/")
    search_form = render_to_string("councils/search_form_snippet.html", {"action": base + reverse("search")})
    frame = (f'<iframe src="{base}{reverse("embed_search")}" title="Check a care service\'s data security" '
             'width="100%" height="600" style="border:0"></iframe>')
    example = Location.objects.registered().exclude(local_authority="").order_by("local_authority", "name").first()
    return render(request, "councils/for_councils.html", {
        "base": base, "search_form": search_form.strip(), "frame": frame, "example": example,
        "example_area": slugify(example.local_authority) if example else ""})
