"""Search pages: the search itself, its Easy Read version, and the search other websites frame."""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.clickjacking import xframe_options_exempt

from providers.results import presenter
from providers.search.finder import SEARCH_RADII_MILES, find_services
from providers.search.paging import PAGE_SIZE, ResultCardPaginator
from providers.search.forms import SearchForm


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
    response = render(request, "search/search.html#results" if partial else "search/search.html", context)
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
    context["dormant_lines"] = presenter.DORMANT_EASY_READ
    return render(request, "search/easy_read.html", context)


@xframe_options_exempt
def embed_search(request):
    """/embed/search/: a small search page that other websites may show in a frame.

    With reconciliation's preview, the only pages with frame-ancestors opened; its links open our full pages
    in a new tab, never inside the frame.
    """
    context = _search_context(request, follow_codes=False)
    response = render(request, "search/embed.html", context)
    response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY_FRAMABLE
    return response


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
            exact_location_id=result.exact_location_id, providers=result.providers,
            postcode_unknown=result.unknown_postcode,
        )
        if follow_codes and result.exact_location_id:
            return context
        page = ResultCardPaginator(result.services, PAGE_SIZE, today=today, url_name=service_url,
                                   link_query="from=search").get_page(request.GET.get("page"))
        context.update(page=page, status_line=presenter.search_status(
            count=page.paginator.count, query=query, place_label=result.place.label if result.place else "",
            radius=result.radius, page_number=page.number, pages=page.paginator.num_pages),
            # What the page's counting image says (providers/performance/): the words only when nothing was found.
            count_extra=urlencode({"found": page.paginator.count, **({"q": query} if not page.paginator.count else {})}))
    context["filters_on"] = bool(form.is_bound and form.is_valid() and
                                 (form.cleaned_data["type"] or form.cleaned_data["status"]))
    context["querystring_without_page"] = _querystring_without_page(request)
    return context


def _querystring_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
