"""Pages make a fixed number of database queries, however many services they show (no N+1)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from providers import freshness
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db


def queries_for(client, url, **params):
    freshness.forget()  # the data dates are read once a minute; count that read every time
    cache.clear()  # and England's figures, kept after the first area page; count working them out
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url, params", [
    ("/search/", {"q": "willow"}),
    ("/search/", {"q": "L8 1AA"}),
    ("/areas/liverpool/", {}),
    ("/areas/liverpool.csv", {}),
    ("/api/v1/services", {"q": "willow"}),
])
def test_list_pages_do_not_grow_with_results(client, url, params):
    # Both sizes fill a page, so the search takes the same path; only the rows differ.
    for n in range(25):
        LocationFactory(name=f"Willow Home {n}")
    some = queries_for(client, url, **params)
    for n in range(25, 60):
        LocationFactory(name=f"Willow Home {n}")
    assert queries_for(client, url, **params) == some


def test_service_page_query_count(client, sample_loaded):
    assert queries_for(client, reverse("service", args=["1-545611283"])) <= 6


@pytest.mark.parametrize("query, most", [
    # The words we know, then the page of results with its count and DSPT results, and any provider of that
    # name ("Care services run by ...").
    ("sunny side", 3),
    ("sunny sdie", 4),  # and the known words one edit from "sdie"
    # The postcode (not in the sample's postcode table: then the services that have it), whether 3 and
    # then 10 miles fill a page (the sample is small: neither does), then the page.
    ("L8 1AA", 5),
    ("L8", 5),  # an ODS code is tried first ("RH8" is one, and a postcode district too); the district's middle
    ("1-545611283", 1),  # the code, and the page it redirects to is not fetched here
])
def test_a_search_asks_the_database_only_a_few_times(client, sample_loaded, query, most):
    freshness.data_dates()  # read once a minute, not by each search: counted by the test above
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/search/", {"q": query}).status_code in (200, 302)
    assert len(captured) <= most, "\n".join(q["sql"][:150] for q in captured)
