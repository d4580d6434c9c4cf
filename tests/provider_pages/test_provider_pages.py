"""Provider pages: who runs a care service, every service it runs, and how each is doing."""

import re
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from providers import freshness
from providers.imports.sources import import_cqc_file, import_dspt_file
from providers.register.models import Location, Provider
from tests.factories import LocationFactory, ProviderFactory, organisation_with_status
from tests.imports.test_real_files import DSPT_2019, LINCOLNSHIRE

pytestmark = pytest.mark.django_db
LINKAGE = "1-101671469"  # Linkage Community Trust: 19 adult social care services in the real Lincolnshire file


def cards(html: str) -> list[str]:
    return re.findall(r'<li class="app-result">\s*<h3[^>]*><a href="/services/([^/]+)/', html)


def test_a_real_provider_lists_every_registered_service_with_the_right_counts(client):
    """The real Lincolnshire file and the real 2019 DSPT publication; every page of the provider's list."""
    assert import_cqc_file(path=LINCOLNSHIRE).state == "succeeded"
    assert import_dspt_file(path=DSPT_2019).state == "succeeded"
    provider = Provider.objects.get(cqc_provider_id=LINKAGE)
    registered = set(Location.objects.registered().filter(provider=provider).values_list("cqc_location_id", flat=True))
    assert len(registered) == 19
    first = client.get(reverse("provider", args=[LINKAGE])).content.decode()
    assert "Linkage Community Trust" in first and "It runs 19 registered care services." in first
    listed = cards(first)
    assert sorted(listed) == sorted(registered) and len(listed) == 19  # 20 a page: all on the first
    counts = Location.objects.registered().filter(provider=provider).status_counts(freshness_day())
    current = sum(counts[code] for code in ("exceeds", "meets", "approaching", "not_met"))
    assert f"{current} {'has' if current == 1 else 'have'} a current data security check" in first
    api = client.get(reverse("api_provider", args=[LINKAGE])).json()
    assert api["registered_services"] == 19 and api["with_current_check"] == current
    assert api["by_result"] == counts and sum(p["services"] for p in api["publications"]) == 19
    assert sorted(s["cqc_location_id"] for s in api["results"]) == sorted(registered)


def freshness_day():
    from django.utils import timezone

    return timezone.localdate()


def test_a_provider_with_hundreds_of_services_is_paged_with_a_query_count_that_does_not_grow(client):
    provider = ProviderFactory(name="Big Group Ltd")
    for n in range(45):
        LocationFactory(provider=provider, name=f"Big Group Home {n:02d}", local_authority=["Leeds", "York"][n % 2])
    freshness.data_dates()

    def queries(**params):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("provider", args=[provider.cqc_provider_id]), params).status_code == 200
        return len(captured)

    few = queries()
    for n in range(45, 300):
        LocationFactory(provider=provider, name=f"Big Group Home {n:03d}", local_authority="Hull")
    assert queries() == few and queries(page=15) == few
    last = client.get(reverse("provider", args=[provider.cqc_provider_id]), {"page": 15}).content.decode()
    assert "It runs 300 registered care services." in last and "281 to 300 shown" in last


def test_filters_and_sort_by_area(client):
    provider = ProviderFactory(name="Two Towns Care")
    organisation_with_status(ods_code="VTWO1")
    LocationFactory(provider=provider, name="Alpha House", local_authority="York", ods_code="VTWO1",
                    dspt_organisation_id=None)
    LocationFactory(provider=provider, name="Beta House", local_authority="Leeds", care_home=False,
                    category=Location.Category.HOME_CARE)
    from providers.register.matching import rematch_locations

    rematch_locations()
    url = reverse("provider", args=[provider.cqc_provider_id])
    by_name = cards(client.get(url).content.decode())
    by_area = cards(client.get(url, {"sort": "area"}).content.decode())
    alpha, beta = (Location.objects.get(name=n).cqc_location_id for n in ("Alpha House", "Beta House"))
    assert by_name == [alpha, beta] and by_area == [beta, alpha]  # Leeds before York
    assert cards(client.get(url, {"type": "home_care"}).content.decode()) == [beta]
    assert cards(client.get(url, {"status": "current"}).content.decode()) == [alpha]
    assert client.get(url, {"status": "nonsense", "sort": "x"}).status_code == 200


def test_service_pages_and_search_link_to_the_provider(client, sample_loaded):
    service = client.get(reverse("service", args=["1-10553191100"])).content.decode()
    provider = Location.objects.get(cqc_location_id="1-10553191100").provider
    assert f'href="/providers/{provider.cqc_provider_id}/" id="run-by">{provider.name}</a>' in service
    found = client.get(reverse("search"), {"q": "Midshires Care"}).content.decode()
    assert f'<a href="/providers/{provider.cqc_provider_id}/">Care services run by {provider.name}</a>' in found
    assert "Care services run by" not in client.get(reverse("search"), {"q": "sunny side"}).content.decode()
    download = b"".join(client.get(reverse("download_services_csv")).streaming_content).decode("utf-8-sig")
    assert f"http://testserver/providers/{provider.cqc_provider_id}/" in download


def test_the_provider_feed_easy_read_page_and_unknown_provider(client, sample_loaded):
    provider = Location.objects.get(cqc_location_id="1-10553191100").provider
    feed = client.get(reverse("provider_feed", args=[provider.cqc_provider_id]))
    parsed = feedparser.parse(feed.content)
    assert not parsed.bozo and parsed.entries and provider.name in parsed.feed.title
    assert ET.fromstring(feed.content).find("{http://www.w3.org/2005/Atom}author") is not None
    easy = client.get(reverse("provider_easy_read", args=[provider.cqc_provider_id])).content.decode()
    assert "This group runs care services." in easy and 'href="/services/1-10553191100/easy-read/"' in easy
    assert client.get(reverse("provider", args=["1-000"])).status_code == 404
    assert client.get(reverse("api_provider", args=["1-000"])).status_code == 404
