"""A read-only JSON API: search for care services and look one up (django-ninja).

    GET /api/v1/services?q=sunny+side&type=care_home&status=meets&page=2
    GET /api/v1/services?q=1-545611283        (a CQC ID or ODS code finds that service)
    GET /api/v1/services/1-545611283
    GET /api/v1/ods/VLLWV
    GET /api/v1/openapi.json                  (generated from providers/councils/api_schemas.py)
    GET /api/v1/docs/                         (the same, as a page people can read)

Open to any website (CORS allows GET from any origin); no key needed.
"""

from __future__ import annotations

import inspect
import re

from django.core.paginator import EmptyPage
from django.db.models import Q
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from ninja import NinjaAPI, Status

from providers.councils import api_schemas as schemas
from providers.imports import freshness
from providers.register.models import Location
from providers.results import presenter
from providers.results.dspt_status import BY_CODE
from providers.search.finder import IdsFirstPaginator, find_services
from providers.search.forms import MAX_QUERY_LENGTH

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
CATEGORIES = set(Location.Category.values)
PREFIX = "/api/v1/"
OTHER_METHODS = ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


class BadRequest(ValueError):
    """A problem with the request's parameters; the message goes back to the caller."""


class OpenAPI(NinjaAPI):
    """Every answer, errors included, is open to every origin (CORS) and may be cached for five minutes."""

    def get_content_type(self) -> str:
        return "application/json"  # JSON is UTF-8 by definition; the same header as before django-ninja

    def create_response(self, request, data, *, status=None, temporal_response=None) -> HttpResponse:
        return with_api_headers(super().create_response(request, data, status=status,
                                                        temporal_response=temporal_response))


def with_api_headers(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    response["Access-Control-Allow-Headers"] = "Accept, Content-Type"
    response["Access-Control-Max-Age"] = "86400"
    response.setdefault("Cache-Control", "public, max-age=300")
    return response


api = OpenAPI(
    title="DSPT Lookup API", version="1.0.0", urls_namespace="api", openapi_url=None, docs_url=None,
    description="Read-only. Find care services in England and their Data Security and Protection Toolkit (DSPT) "
                "status in plain English. Open to every origin (CORS); no key needed.",
)


@api.exception_handler(BadRequest)
def bad_request(request, exc):
    return api.create_response(request, {"error": str(exc)}, status=400)


def _whole_number(name: str, raw: str, default: int, low: int, high: int) -> int:
    if raw == "":
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise BadRequest(f"'{name}' must be a whole number from {low} to {high}.")
    return int(raw)


def _absolute(request, name: str, *args) -> str:
    return request.build_absolute_uri(reverse(name, args=args))


def assessment_json(assessment) -> dict:
    """One published DSPT record: the DSPT's own status, as published, with its year and date."""
    return {
        "dspt_status": assessment.status if assessment else None,
        "status_as_published": assessment.status_text if assessment else None,
        "year": (assessment.year_label or None) if assessment else None,
        "published_on": assessment.published_on.isoformat() if assessment and assessment.published_on else None,
    }


def service_json(request, location: Location, today, *, history: bool = False) -> dict:
    """One care service as the API shows it."""
    result = location.dspt_result(today)
    status = result.status
    assessment = location.current_dspt_assessment
    organisation = location.dspt_organisation
    data = {
        "cqc_location_id": location.cqc_location_id,
        "name": location.name,
        "url": _absolute(request, "service", location.cqc_location_id),
        "api_url": _absolute(request, "api_service", location.cqc_location_id),
        "badge_url": _absolute(request, "badge", location.cqc_location_id),
        "cqc_url": location.cqc_url,
        "type": location.category,
        "type_label": location.get_category_display(),
        "service_types": location.service_types,
        "address": {
            "lines": [p for p in (location.address_line_1, location.address_line_2) if p],
            "town": location.town,
            "county": location.county,
            "postcode": location.postcode,
        },
        "local_authority": location.local_authority,
        "region": location.region,
        "latitude": location.latitude,
        "longitude": location.longitude,
        "ods_code": location.ods_code or None,
        "registered": location.is_registered,
        "dormant": location.dormant,
        "dormant_note": presenter.DORMANT_SENTENCE if location.dormant else None,
        "deregistered_on": location.deregistered_on.isoformat() if location.deregistered_on else None,
        "provider": {"cqc_provider_id": location.provider.cqc_provider_id, "name": location.provider.name},
        "dspt": {
            "status": status.code,
            "label": status.label,
            "summary": status.summary,
            "is_current": status.is_current,
            **assessment_json(assessment),
            "counts_until": result.counts_until.isoformat() if result.counts_until else None,
            "stopped_counting_on": result.stopped_counting_on.isoformat() if result.stopped_counting_on else None,
            "when": presenter.dates_sentence(result) or None,
            "published_by": location.dspt_match or None,
            "match_method": location.dspt_match or None,
            "match_note": presenter.match_sentence(result) or None,
            "organisation": {"ods_code": organisation.ods_code, "name": organisation.name} if organisation else None,
        },
    }
    if getattr(location, "distance", None) is not None:
        data["distance_miles"] = round(location.distance, 2)
    if history:
        records = organisation.history() if organisation else []
        data["history"] = [assessment_json(record) for record in records]
    return data


def _service_link(request) -> str:
    # Written out, not reversed: reverse() would encode the braces of the placeholder.
    return request.build_absolute_uri(PREFIX) + "services/{cqc_location_id}"


@api.get("", include_in_schema=False, url_name="api_index")
def index(request):
    """What the API offers."""
    base = request.build_absolute_uri(PREFIX)
    return {
        "name": "DSPT Lookup API",
        "version": "1",
        "openapi": base + "openapi.json",
        "documentation": base + "docs/",
        "search": base + "services?q={name, town, postcode, CQC ID or ODS code}",
        "service": _service_link(request),
        "ods": base + "ods/{ods_code}",
        "data_as_of": freshness.data_dates().as_json(),
    }


def openapi_document(server_url: str) -> dict:
    """The OpenAPI 3.1 description, generated from the schemas in providers/councils/api_schemas.py."""
    document = dict(api.get_openapi_schema(path_prefix=PREFIX))
    document["servers"] = [{"url": server_url.rstrip("/")}]
    return document


def openapi(request):
    """/api/v1/openapi.json"""
    return with_api_headers(JsonResponse(openapi_document(request.build_absolute_uri("/"))))


@api.get("services", response={200: schemas.SearchResults, 400: schemas.Error}, url_name="api_services",
         exclude_unset=True, summary="Search by name, town, postcode or code", operation_id="searchServices")
def services(request, q: str = "", type: str = "", status: str = "", page: str = "", page_size: str = ""):
    """Care services matching `q`: a name, a town, a postcode (full or partial), or a CQC location or
    provider ID or ODS code. Best or nearest first. `type` and `status` narrow the list."""
    query = " ".join(q.replace("\x00", "").split())
    if not query:
        raise BadRequest("Give 'q': a care service name, a town or a postcode.")
    if len(query) > MAX_QUERY_LENGTH:
        raise BadRequest(f"'q' must be {MAX_QUERY_LENGTH} characters or fewer.")
    if type and type not in CATEGORIES:
        raise BadRequest(f"'type' must be one of: {', '.join(sorted(CATEGORIES))}.")
    if status and status not in BY_CODE:
        raise BadRequest(f"'status' must be one of: {', '.join(BY_CODE)}.")
    page_number = _whole_number("page", page, 1, 1, 100000)
    size = _whole_number("page_size", page_size, DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
    today = timezone.localdate()
    result = find_services(query=query, category=type, status=status, today=today)
    paginator = IdsFirstPaginator(result.services, size)
    try:
        found = paginator.page(page_number)
    except EmptyPage:
        found = None
    base = request.GET.copy()

    def link(number):
        base["page"] = number
        return request.build_absolute_uri(f"{reverse('api_services')}?{base.urlencode()}")

    return {
        "query": query,
        "query_used": result.used_query or None,
        "postcode": ({"label": result.place.label, "approximate": result.place.approximate,
                      "latitude": result.place.latitude, "longitude": result.place.longitude,
                      "radius_miles": result.radius} if result.place else None),
        "unknown_postcode": result.unknown_postcode or None,
        "count": paginator.count,
        "page": page_number,
        "pages": paginator.num_pages if paginator.count else 0,
        "next": link(page_number + 1) if found and found.has_next() else None,
        "previous": link(page_number - 1) if found and found.has_previous() else None,
        "results": [service_json(request, location, today) for location in (found or [])],
        "data_as_of": freshness.data_dates().as_json(),
    }


@api.get("services/{cqc_location_id}", response={200: schemas.ServiceWithHistory, 404: schemas.Error},
         url_name="api_service", exclude_unset=True, summary="One care service, with its DSPT history",
         operation_id="getService")
def service(request, cqc_location_id: str):
    """One care service by its CQC location ID, with every DSPT record we have seen for it."""
    location = Location.objects.with_dspt_status().filter(cqc_location_id=cqc_location_id).first()
    if location is None:
        return Status(404, {"error": f"No care service with CQC location ID {cqc_location_id}."})
    data = service_json(request, location, timezone.localdate(), history=True)
    return {**data, "data_as_of": freshness.data_dates().as_json()}


@api.get("ods/{ods_code}", response={200: schemas.OdsResults, 404: schemas.Error}, url_name="api_ods",
         exclude_unset=True, summary="Care services with this ODS code (their own or their provider's)",
         operation_id="getByOdsCode")
def by_ods_code(request, ods_code: str):
    """Care services whose own ODS code, or whose provider's, is this one."""
    code = ods_code.strip().upper()
    locations = (Location.objects.filter(Q(ods_code=code) | Q(provider__ods_code=code))
                 .with_dspt_status().registered_first()[:500])
    today = timezone.localdate()
    results = [service_json(request, location, today) for location in locations]
    if not results:
        return Status(404, {"error": f"No care service with ODS code {code}."})
    return {"ods_code": code, "count": len(results), "results": results, "data_as_of": freshness.data_dates().as_json()}


def _refuse(request):
    """Any method but GET: the documented JSON 405. OPTIONS (a browser's CORS check) gets 200."""
    if request.method == "OPTIONS":
        return Status(200, {})
    response = api.create_response(request, {"error": "Only GET is allowed."}, status=405)
    response["Allow"] = "GET, HEAD, OPTIONS"
    return response


def _refuse_at(path: str):
    """_refuse, taking the path's own parameters (django-ninja reads them from the signature)."""
    names = re.findall(r"{(\w+)}", path)

    def view(request, **params):
        return _refuse(request)

    view.__signature__ = inspect.Signature(
        [inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
        + [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=str) for name in names])
    return view


for _path in ("", "services", "services/{cqc_location_id}", "ods/{ods_code}"):
    api.api_operation(OTHER_METHODS, _path, include_in_schema=False,
                      response={200: dict, 405: schemas.Error})(_refuse_at(_path))
