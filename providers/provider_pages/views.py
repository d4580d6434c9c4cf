"""A provider's pages: the organisation that runs care services, and how each of its services is doing.

/providers/<CQC provider ID>/ lists its registered services a page at a time
(one query a page, however many it runs: real groups run 200 or more), how
many have a current DSPT check, which DSPT records cover which services, and
what changed lately. An Easy Read version, an Atom feed and the API
(/api/v1/providers/<id>) say the same.
"""

import dataclasses
from collections import defaultdict

from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from providers.councils import feeds
from providers.edge import keys
from providers.provider_pages.forms import ProviderFilterForm
from providers.register import shape
from providers.register.models import DsptAssessment, Location, Provider
from providers.results import track_record
from providers.results.dspt_status import ALL_STATUSES
from providers.search.paging import PAGE_SIZE, ResultCardPaginator
from providers.search.views import _querystring_without_page

RECENT_CHANGES = 5


def provider(request, provider_id):
    """/providers/<id>/: who runs these care services, and how each is doing."""
    context = _provider_context(request, provider_id, url_name="service")
    context["switch"] = {"url": reverse("provider_easy_read", args=[provider_id]),
                         "label": "Easy Read version of this page"}
    return render(request, "provider_pages/provider.html", context)


def provider_easy_read(request, provider_id):
    """/providers/<id>/easy-read/: the same in Easy Read, leading to Easy Read service pages."""
    context = _provider_context(request, provider_id, url_name="service_easy_read")
    context["switch"] = {"url": reverse("provider", args=[provider_id]), "label": "Standard version of this page"}
    context["lines"] = easy_read_lines(context["summary"])
    return render(request, "provider_pages/easy_read.html", context)


def _provider_context(request, provider_id: str, *, url_name: str) -> dict:
    organisation = get_object_or_404(Provider, cqc_provider_id=provider_id)
    keys.about(request, provider=provider_id)
    today = timezone.localdate()
    registered = Location.objects.registered().filter(provider=organisation)
    form = ProviderFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {"type": "", "status": "", "sort": "name"}
    page = ResultCardPaginator(_listed(registered, filters, today), PAGE_SIZE, today=today,
                               url_name=url_name).get_page(request.GET.get("page"))
    page.object_list = _with_years(page.object_list, today=today)
    summary = shape.provider(organisation, today=today, base_url=request.build_absolute_uri("/").rstrip("/"),
                             services=registered)
    return {
        "provider": organisation, "summary": summary, "today": today, "form": form, "page": page,
        "filtered": bool(filters["type"] or filters["status"]),
        "results": [(status, summary["by_result"][status.code]) for status in ALL_STATUSES
                    if summary["by_result"][status.code]],
        "publications": summary["publications"],
        "changes": feeds.changes_for(registered, today=today, limit=RECENT_CHANGES),
        "querystring_without_page": _querystring_without_page(request),
    }


def _with_years(cards: list, *, today) -> list:
    """The page's cards, each with its service's results by DSPT year at a glance: two queries a page."""
    organisation_of = dict(Location.objects.filter(cqc_location_id__in=[card.cqc_location_id for card in cards])
                           .values_list("cqc_location_id", "dspt_organisation_id"))
    records = defaultdict(list)
    for record in DsptAssessment.objects.with_source().filter(organisation_id__in=set(organisation_of.values())):
        records[record.organisation_id].append(record)
    with_years = []
    for card in cards:
        past = track_record.past_results(records.get(organisation_of.get(card.cqc_location_id), ()), today=today)
        with_years.append(dataclasses.replace(card, years=tuple(track_record.years_at_a_glance(past, today=today))))
    return with_years


def easy_read_lines(summary: dict) -> list[tuple[str, str]]:
    """What a provider is and how its services are doing, in Easy Read: a picture beside each short sentence."""
    services, current = summary["registered_services"], summary["with_current_check"]
    them = "it" if services == 1 else "them"
    return [
        ("people", "This group runs care services."),
        ("house", f"It runs {services} care service{'' if services == 1 else 's'}."),
        ("tick", f"{current} of {them} {'has' if current == 1 else 'have'} a check that counts now."),
        ("question", "Each care service should check how it keeps information safe."),
    ]


def _listed(services, filters: dict, today):
    """The services the filters choose, in the order asked for (by name, or by council area then name)."""
    services = services.of_category(filters["type"])
    if filters["status"] == "current":
        services = services.with_current_check(today)
    else:
        services = services.with_plain_status(filters["status"], today)
    if filters["sort"] == "area":
        return services.order_by(Lower("local_authority"), Lower("name"), "pk")
    return services.order_by(Lower("name"), "pk")
