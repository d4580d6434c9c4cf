"""/reconcile: the W3C reconciliation API over HTTP (the answers are made in providers/reconcile/service.py).

GET /reconcile with no parameters gives the manifest; with `queries` (or POST with a form field `queries`)
reconciles a batch; with `extend` fetches columns. Every answer is JSON but the preview, an HTML fragment page
that OpenRefine shows in a frame. Open to every origin (dsptlookup/middleware.py, OpenDataMiddleware); the
POST is exempt from CSRF because it changes nothing and carries no cookie.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt

from providers.reconcile import service
from providers.register.models import Location


def _base(request) -> str:
    return request.build_absolute_uri("/")[:-1]


def _answer(data, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def _json(text: str, name: str):
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise service.Invalid(f"'{name}' is not valid JSON: {exc}") from exc


def _number(text: str | None, name: str, default: int | None) -> int | None:
    if text in (None, ""):
        return default
    if not text.isdigit() or len(text) > 6:
        raise service.Invalid(f"'{name}' must be a whole number.")
    return int(text)


@csrf_exempt
def endpoint(request):
    """The manifest, a batch of reconciliation queries, or a data extension query."""
    params = request.POST if request.method == "POST" else request.GET
    today = timezone.localdate()
    try:
        if "queries" in params:
            return _answer(service.reconcile(_json(params["queries"], "queries"), today=today))
        if "extend" in params:
            return _answer(service.extend(_json(params["extend"], "extend"), today=today, base=_base(request)))
    except service.Invalid as problem:
        return _answer({"error": str(problem)}, status=400)
    if request.method == "POST":
        return _answer({"error": "Send 'queries' or 'extend'."}, status=400)
    return _answer(service.manifest(_base(request)))


def suggest(request, kind: str):
    """Auto-complete for entities (care services), properties or types: ?prefix=...&cursor=N."""
    try:
        cursor = _number(request.GET.get("cursor"), "cursor", 0)
        prefix = request.GET.get("prefix", "")
        if kind == "entity":
            return _answer(service.suggest_entities(prefix, cursor, today=timezone.localdate()))
        if kind == "property":
            return _answer(service.suggest_properties(prefix, cursor))
        return _answer(service.suggest_types(prefix, cursor))
    except service.Invalid as problem:
        return _answer({"error": str(problem)}, status=400)


def properties(request):
    """The properties data extension can fetch for a type: ?type=care_service&limit=N."""
    try:
        limit = _number(request.GET.get("limit"), "limit", None)
        return _answer(service.proposed_properties(request.GET.get("type", service.SERVICE_TYPE["id"]), limit))
    except service.Invalid as problem:
        return _answer({"error": str(problem)}, status=400)


@xframe_options_exempt
def preview(request):
    """A small page about one care service, for OpenRefine to show in a frame: ?id=1-545611283."""
    location = Location.objects.with_dspt_status().filter(cqc_location_id=request.GET.get("id", "")[:30]).first()
    if location is None:
        raise Http404("No such care service")
    today = timezone.localdate()
    response = render(request, "reconcile/preview.html", {
        "location": location, "result": location.dspt_result(today), "description": service.describe(location, today)})
    # Besides the embedded search, the one page other sites may frame (OpenRefine runs at its own address).
    response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY_FRAMABLE
    return response
