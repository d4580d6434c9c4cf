"""Counting views, 'Is this page useful?', and /performance/ with its figures as CSV and JSON."""

from __future__ import annotations

import base64
import csv
import io
import json

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.csrf import csrf_exempt

from dsptlookup import limits
from providers.performance import counting, figures
from providers.performance.forms import MoreFeedbackForm, UsefulForm
from providers.performance.models import Feedback
from providers.performance.scrub import scrub

# A transparent 1×1 GIF: what /count.gif answers.
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
FEEDBACK = limits.Limit("feedback", per_second=30 / 3600, burst=30)


def count_view(request):
    """/count.gif: one page view (and, for a search, what it found), asked for by the page itself.

    Cached pages are counted too, because this never is. Parameters: page (the page type), found (a
    search's count), q (only for a search that found nothing), from (search: opened from search results;
    suggestion: a "Did you mean" followed).
    """
    page = request.GET.get("page", "")
    if page in counting.page_types() and counting.allowed(request):
        counting.count(counting.PAGE_VIEW, page, request=request)
        came_from = request.GET.get("from", "")
        if came_from == "search" and page in ("service", "service_easy_read"):
            counting.count(counting.SEARCH_TO_SERVICE, request=request)
        if page in ("search", "easy_read_search", "embed_search") and "found" in request.GET:
            _count_search(request, came_from)
    response = HttpResponse(PIXEL, content_type="image/gif")
    response["Cache-Control"] = "no-store"
    return response


def _count_search(request, came_from: str) -> None:
    counting.count(counting.SEARCH, request=request)
    if came_from == "suggestion":
        counting.count(counting.DID_YOU_MEAN, request=request)
    if request.GET.get("found") == "0":
        counting.count(counting.SEARCH_FOUND_NOTHING, request=request)
        counting.unfound(request.GET.get("q", "")[:200], request=request)


def _back(request, path: str) -> str:
    return path if path.startswith("/") and url_has_allowed_host_and_scheme(path, allowed_hosts=None) else "/"


@csrf_exempt  # asked from pages a cache keeps, which carry no cookie and no token; it changes only a count
def useful(request):
    """'Is this page useful? Yes / No': counted, then 'What were you trying to do?' on a page of its own."""
    if request.method != "POST":
        return redirect("home")
    form = UsefulForm(request.POST)
    if not form.is_valid():  # no answer, or not one of our pages: nothing counted, back where they were
        return redirect(_back(request, request.POST.get("back", "/")[:300]))
    page, answer = form.cleaned_data["page"], form.cleaned_data["useful"]
    if limits.take(FEEDBACK, limits.client_address(request)) is not None:
        # The person chose to answer: counted even with Global Privacy Control (nothing about them is kept).
        counting.count(counting.USEFUL_YES if answer == "yes" else counting.USEFUL_NO, page)
    query = urlencode({"page": page, "useful": answer, "back": _back(request, form.cleaned_data["back"])})
    return redirect(reverse("feedback_more") + "?" + query, permanent=False)


@csrf_exempt  # the same: a cached page's follow-on, and it stores only the words someone chose to give
def feedback_more(request):
    """Thank you, and an optional 'What were you trying to do?' (personal details taken out before keeping)."""
    form = MoreFeedbackForm(request.POST or None, initial={k: request.GET.get(k, "")[:300]
                                                             for k in ("page", "useful", "back")})
    if request.method == "POST" and form.is_valid():
        words = scrub_feedback(form.cleaned_data["words"])
        if words and limits.take(FEEDBACK, limits.client_address(request)) is not None:
            Feedback.objects.create(day=timezone.localdate(), page_type=form.cleaned_data["page"],
                                    useful=form.cleaned_data["useful"] == "yes", words=words)
        return render(request, "performance/feedback_thanks.html", {"back": _back(request, form.cleaned_data["back"])})
    return render(request, "performance/feedback_more.html",
                  {"form": form, "back": _back(request, request.GET.get("back", "/"))})


def scrub_feedback(text: str) -> str:
    """The same scrub as a search's words, sentence by sentence, keeping the words' order."""
    return " ".join(part for part in (scrub(line) for line in text.splitlines()) if part)[:500]


def performance(request):
    """/performance/: how the service is doing, week by week, in charts and tables."""
    return render(request, "performance/performance.html", figures.page_context())


def figures_csv(request):
    """/performance/figures.csv: the page's table, a row a week."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    headings, rows = figures.table()
    writer.writerow(headings)
    writer.writerows(rows)
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="dsptlookup-performance.csv"'
    return response


def figures_json(request):
    """/performance/figures.json: the same, with each figure's meaning."""
    return HttpResponse(json.dumps(figures.as_json(), indent=1), content_type="application/json")
