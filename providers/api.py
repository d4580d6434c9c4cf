"""A read-only JSON API: search for care services and look one up.

    GET /api/v1/services?q=sunny+side&type=care_home&status=meets&page=2
    GET /api/v1/services/1-545611283
    GET /api/v1/ods/VLLWV
    GET /api/v1/openapi.json

Open to any website (CORS allows GET from any origin); no key needed. The
OpenAPI description in providers/openapi.py documents every field.
"""

from __future__ import annotations

import functools

from django.core.paginator import EmptyPage
from django.db.models import Q
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from providers import freshness, presenter
from providers.dspt_status import BY_CODE
from providers.forms import MAX_QUERY_LENGTH
from providers.models import Location
from providers.openapi import openapi_document
from providers.search import IdsFirstPaginator, find_services

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
CATEGORIES = set(Location.Category.values)


class BadRequest(ValueError):
    """A problem with the request's parameters; the message goes back to the caller."""


def api_view(view):
    """GET (and OPTIONS) only, JSON errors, CORS open to every origin.

    CSRF-exempt because the API only reads and uses no cookies: any other
    method gets the documented JSON 405, not the CSRF failure page.
    """

    @csrf_exempt
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = JsonResponse({})
        elif request.method not in ("GET", "HEAD"):
            response = JsonResponse({"error": "Only GET is allowed."}, status=405)
            response["Allow"] = "GET, HEAD, OPTIONS"
        else:
            try:
                response = view(request, *args, **kwargs)
            except BadRequest as exc:
                response = JsonResponse({"error": str(exc)}, status=400)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response["Access-Control-Allow-Headers"] = "Accept, Content-Type"
        response["Access-Control-Max-Age"] = "86400"
        response.setdefault("Cache-Control", "public, max-age=300")
        return response

    return wrapper


def _whole_number(request, name: str, default: int, low: int, high: int) -> int:
    raw = request.GET.get(name, "")
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


@api_view
def index(request):
    """What the API offers."""
    return JsonResponse({
        "name": "DSPT Lookup API",
        "version": "1",
        "openapi": _absolute(request, "api_openapi"),
        "search": _absolute(request, "api_services") + "?q={name, town or postcode}",
        "service": _absolute(request, "api_service", "{cqc_location_id}"),
        "ods": _absolute(request, "api_ods", "{ods_code}"),
    })


@api_view
def openapi(request):
    """The OpenAPI 3.1 description of this API."""
    return JsonResponse(openapi_document(request.build_absolute_uri("/")))


@api_view
def services(request):
    """Search: ?q= (name, town or postcode), optional type, status, page, page_size."""
    query = " ".join(request.GET.get("q", "").replace("\x00", "").split())
    if not query:
        raise BadRequest("Give 'q': a care service name, a town or a postcode.")
    if len(query) > MAX_QUERY_LENGTH:
        raise BadRequest(f"'q' must be {MAX_QUERY_LENGTH} characters or fewer.")
    category = request.GET.get("type", "")
    if category and category not in CATEGORIES:
        raise BadRequest(f"'type' must be one of: {', '.join(sorted(CATEGORIES))}.")
    status = request.GET.get("status", "")
    if status and status not in BY_CODE:
        raise BadRequest(f"'status' must be one of: {', '.join(BY_CODE)}.")
    page_number = _whole_number(request, "page", 1, 1, 100000)
    page_size = _whole_number(request, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
    today = timezone.localdate()
    result = find_services(query=query, category=category, status=status, today=today)
    paginator = IdsFirstPaginator(result.services, page_size)
    try:
        page = paginator.page(page_number)
    except EmptyPage:
        page = None
    base = request.GET.copy()

    def link(number):
        base["page"] = number
        return request.build_absolute_uri(f"{reverse('api_services')}?{base.urlencode()}")

    return JsonResponse({
        "query": query,
        "query_used": result.used_query or None,
        "postcode": ({"label": result.place.label, "approximate": result.place.approximate,
                      "latitude": result.place.latitude, "longitude": result.place.longitude,
                      "radius_miles": result.radius} if result.place else None),
        "unknown_postcode": result.unknown_postcode or None,
        "count": paginator.count,
        "page": page_number,
        "pages": paginator.num_pages if paginator.count else 0,
        "next": link(page_number + 1) if page and page.has_next() else None,
        "previous": link(page_number - 1) if page and page.has_previous() else None,
        "results": [service_json(request, location, today) for location in (page or [])],
        "data_as_of": freshness.data_dates().as_json(),
    })


@api_view
def service(request, location_id):
    """One care service, with its DSPT history."""
    location = Location.objects.with_dspt_status().filter(cqc_location_id=location_id).first()
    if location is None:
        return JsonResponse({"error": f"No care service with CQC location ID {location_id}."}, status=404)
    data = service_json(request, location, timezone.localdate(), history=True)
    return JsonResponse({**data, "data_as_of": freshness.data_dates().as_json()})


@api_view
def by_ods_code(request, ods_code):
    """Care services with this ODS code, their own or their provider's."""
    code = ods_code.strip().upper()
    locations = (Location.objects.filter(Q(ods_code=code) | Q(provider__ods_code=code))
                 .with_dspt_status().registered_first()[:500])
    today = timezone.localdate()
    results = [service_json(request, location, today) for location in locations]
    if not results:
        return JsonResponse({"error": f"No care service with ODS code {code}."}, status=404)
    return JsonResponse({"ods_code": code, "count": len(results), "results": results,
                         "data_as_of": freshness.data_dates().as_json()})
