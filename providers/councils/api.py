"""A read-only JSON API: search for care services and look one up (django-ninja).

    GET /api/v1/services?q=sunny+side&type=care_home&status=meets&page=2
    GET /api/v1/services?q=1-545611283        (a CQC ID or ODS code finds that service)
    GET /api/v1/services/1-545611283
    GET /api/v1/ods/VLLWV
    GET /api/v1/changes?cursor=...          (every change in order, from where a client left off)
    GET /api/v1/openapi.json                  (generated from providers/councils/api_schemas.py)
    GET /api/v1/docs/                         (the same, as a page people can read)

Open to any website (CORS allows GET from any origin); no key needed.
"""

from __future__ import annotations

import datetime as dt
import inspect
import re

from django.core.paginator import EmptyPage
from django.db.models import Q
from django.db.models.functions import Lower
from django.http import JsonResponse
from django.utils import timezone
from ninja import NinjaAPI, Query, Status
from ninja.errors import ValidationError

from providers.councils import api_schemas as schemas
from providers.edge import keys
from providers.history import changes as history_changes
from providers import freshness
from providers.register import shape
from providers.register.models import Location, Provider
from providers.register.shape import care_service
from providers.search.finder import find_services
from providers.search.paging import IdsFirstPaginator

PREFIX = "/api/v1/"
OTHER_METHODS = ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


class OpenAPI(NinjaAPI):
    """Every answer, errors included, is JSON. (What a cache may keep: dsptlookup/urls.py, public(DATA).)"""

    def get_content_type(self) -> str:
        return "application/json"  # JSON is UTF-8 by definition; the same header as before django-ninja


api = OpenAPI(
    title="DSPT Lookup API", version="1.0.0", urls_namespace="api", openapi_url=None, docs_url=None,
    description="Read-only. Find care services in England and their Data Security and Protection Toolkit (DSPT) "
                "status in plain English. Open to every origin (CORS); no key needed.",
)


@api.exception_handler(ValidationError)
def bad_parameters(request, exc):
    """A parameter the schema refuses: 400, saying in words which one and what it must be."""
    problems = [schemas.parameter_problem(error) for error in exc.errors]
    return api.create_response(request, {"error": " ".join(dict.fromkeys(problems))}, status=400)


def _base(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


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
        "changes": base + "changes?cursor={next_cursor}",
        "data_as_of": freshness.data_dates().as_json(),
    }


def openapi_document(server_url: str) -> dict:
    """The OpenAPI 3.1 description, generated from the schemas in providers/councils/api_schemas.py."""
    document = dict(api.get_openapi_schema(path_prefix=PREFIX))
    document["servers"] = [{"url": server_url.rstrip("/")}]
    return document


def openapi(request):
    """/api/v1/openapi.json"""
    return JsonResponse(openapi_document(request.build_absolute_uri("/")))


def not_found(request, rest=""):
    """Any other address under /api/ (an ODS code with a slash in it, a mistyped path): a JSON 404, as the
    API's own errors are, never the HTML page a program cannot read (found by the strangers' tests)."""
    return JsonResponse({"detail": "There is nothing at this address. The API's addresses are listed at "
                                   "/api/v1/openapi.json."}, status=404)


@api.get("services", response={200: schemas.SearchResults, 400: schemas.Error}, url_name="api_services",
         exclude_unset=True, summary="Search by name, town, postcode or code", operation_id="searchServices")
def services(request, params: Query[schemas.SearchParams]):
    """Care services matching `q`: a name, a town, a postcode (full or partial), or a CQC location or
    provider ID or ODS code. Best or nearest first. `type` and `status` narrow the list."""
    today, base = timezone.localdate(), _base(request)
    result = find_services(query=params.q, category=params.type or "", status=params.status or "", today=today)
    found, pages = _paged(request, IdsFirstPaginator(result.services, params.page_size), params.page)
    return {
        "query": params.q,
        "query_used": result.used_query or None,
        "postcode": ({"label": result.place.label, "approximate": result.place.approximate,
                      "latitude": result.place.latitude, "longitude": result.place.longitude,
                      "radius_miles": result.radius} if result.place else None),
        "unknown_postcode": result.unknown_postcode or None,
        **pages,
        "results": [care_service(location, today=today, base_url=base) for location in found],
        "data_as_of": freshness.data_dates().as_json(),
    }


@api.get("services/{cqc_location_id}", response={200: schemas.ServiceWithHistory, 400: schemas.Error, 404: schemas.Error},
         url_name="api_service", exclude_unset=True, summary="One care service, with its DSPT history",
         operation_id="getService")
def service(request, cqc_location_id: schemas.LocationId):
    """One care service by its CQC location ID, with every DSPT record we have seen for it."""
    location = Location.objects.with_dspt_status().filter(cqc_location_id=cqc_location_id).first()
    if location is None:
        return Status(404, {"error": f"No care service with CQC location ID {cqc_location_id}."})
    keys.about_location(request, location)
    data = care_service(location, today=timezone.localdate(), base_url=_base(request), history=True)
    return {**data, "data_as_of": freshness.data_dates().as_json()}


@api.get("ods/{ods_code}", response={200: schemas.OdsResults, 400: schemas.Error, 404: schemas.Error}, url_name="api_ods",
         exclude_unset=True, summary="Care services with this ODS code (their own or their provider's)",
         operation_id="getByOdsCode")
def by_ods_code(request, ods_code: schemas.OdsCode):
    """Care services whose own ODS code, or whose provider's, is this one."""
    code = ods_code.strip().upper()
    locations = (Location.objects.filter(Q(ods_code=code) | Q(provider__ods_code=code))
                 .with_dspt_status().registered_first()[:500])
    today = timezone.localdate()
    base = _base(request)
    results = [care_service(location, today=today, base_url=base) for location in locations]
    if not results:
        return Status(404, {"error": f"No care service with ODS code {code}."})
    return {"ods_code": code, "count": len(results), "results": results, "data_as_of": freshness.data_dates().as_json()}


@api.get("providers/{cqc_provider_id}",
         response={200: schemas.ProviderDetail, 400: schemas.Error, 404: schemas.Error},
         url_name="api_provider", exclude_unset=True, summary="A provider and every care service it runs",
         operation_id="getProvider")
def provider(request, cqc_provider_id: schemas.ProviderId, params: Query[schemas.PagedParams]):
    """A provider by its CQC provider ID: how many care services it runs, how many have a current check,
    which DSPT records cover them, and its services a page at a time."""
    found = Provider.objects.filter(cqc_provider_id=cqc_provider_id).first()
    if found is None:
        return Status(404, {"error": f"No provider with CQC provider ID {cqc_provider_id}."})
    keys.about(request, provider=cqc_provider_id)
    today, base = timezone.localdate(), _base(request)
    services = Location.objects.registered().filter(provider=found).order_by(Lower("name"), "pk")
    page, pages = _paged(request, IdsFirstPaginator(services, params.page_size), params.page)
    return {**shape.provider(found, today=today, base_url=base, services=services), **pages,
            "results": [care_service(location, today=today, base_url=base) for location in page],
            "data_as_of": freshness.data_dates().as_json()}


@api.get("changes", response={200: schemas.ChangesPage, 400: schemas.Error, 404: schemas.Error, 410: schemas.Error},
         url_name="api_changes",
         summary="Every change, in order, from a cursor", operation_id="listChanges")
def changes(request, params: Query[schemas.ChangesParams]):
    """Every change to care services and their DSPT results, oldest first: a service registered, closed or
    dormant, renamed or moved; a DSPT result published, changed or stopped counting. Keep `next_cursor` and
    send it back as `cursor` to get only what came after, each change once. Kept for two years at least."""
    try:
        after = history_changes.parse_cursor(params.cursor) if params.cursor else (
            history_changes.since(params.since_moment) if params.since else history_changes.BEGINNING)
        page = history_changes.changes_after(after, limit=params.limit, now=timezone.now())
    except history_changes.Invalid as problem:  # a cursor of the right form that we never gave: no such place
        return Status(404, {"error": str(problem)})
    except history_changes.Gone as problem:
        return Status(410, {"error": str(problem)})
    base, query = _base(request), request.GET.copy()
    query["cursor"] = page.next_cursor
    query.pop("since", None)
    return {"changes": [_change(change, base) for change in page.changes], "next_cursor": page.next_cursor,
            "next": request.build_absolute_uri(f"{request.path}?{query.urlencode()}"), "more": page.more,
            "settled_until": page.settled_until.astimezone(dt.UTC).isoformat()}


def _change(change, base: str) -> dict:
    location = change.location
    return {"id": change.position.encode(), "at": change.position.at.astimezone(dt.UTC).isoformat(),
            "kind": change.kind, "summary": change.summary, "was": change.was, "now": change.now, "why": change.why,
            "service": {"cqc_location_id": location.cqc_location_id, "name": location.name,
                        "url": base + shape.address("service", location.cqc_location_id),
                        "api_url": base + shape.address("api_service", location.cqc_location_id)}}


def _paged(request, paginator, number: int) -> tuple[list, dict]:
    """One page of a list (empty past its end), and its count, page numbers and links, for its JSON."""
    try:
        page = paginator.page(number)
    except EmptyPage:
        page = None
    query = request.GET.copy()

    def link(to: int) -> str:
        query["page"] = to
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return list(page or []), {
        "count": paginator.count, "page": number, "pages": paginator.num_pages if paginator.count else 0,
        "next": link(number + 1) if page and page.has_next() else None,
        "previous": link(number - 1) if page and page.has_previous() else None}


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


for _path in ("", "services", "services/{cqc_location_id}", "ods/{ods_code}", "providers/{cqc_provider_id}", "changes"):
    api.api_operation(OTHER_METHODS, _path, include_in_schema=False,
                      response={200: dict, 405: schemas.Error})(_refuse_at(_path))
