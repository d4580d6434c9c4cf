"""Each result tells the whole truth, in the same words on the page, Easy Read page, badge, search, CSV and API.

Dates are judged on 1 December 2026: a 2025-26 publication counts until 30 June 2027;
a 2024-25 one stopped counting on 1 July 2026.
"""

import datetime as dt
import re
from unittest import mock

import pytest
from django.urls import reverse

from providers.register.matching import rematch_locations
from providers.register.models import DsptOrganisation, Location, OdsCareHome
from providers.results import presenter
from tests.factories import LocationFactory, ProviderFactory, organisation_with_status

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def on_1_december_2026():
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        yield


def service(code="VWORD", **record):
    organisation_with_status(ods_code=code, **record)
    location = LocationFactory(ods_code=code)
    rematch_locations()
    return location


def get(client, name, location, suffix=""):
    response = client.get(reverse(name, args=[location.cqc_location_id]) + suffix)
    assert response.status_code == 200
    return response.content.decode() if not response.get("Content-Type", "").startswith("application/json") \
        else response.json()


def test_exceeds_the_standard_is_its_own_result_and_says_why(client):
    location = service(status="exceeded", year_start=2025, status_text="25/26 Standards Exceeded")
    html = get(client, "service", location)
    assert 'data-status="exceeds"' in html and "Exceeds the standard" in html
    assert "Cyber Essentials Plus" in html and "an expert from outside tests" in html
    assert "Nobody visits to make sure" not in html
    assert ">Exceeds the standard<" in get(client, "badge", location)
    assert get(client, "api_service", location)["dspt"]["status"] == "exceeds"
    assert "An expert from outside tested its computers too." in get(client, "service_easy_read", location)


def test_working_towards_says_it_can_be_published_only_once(client):
    location = service(status="approaching", year_start=2025, status_text="25/26 Approaching Standards")
    html = get(client, "service", location)
    assert "A service can share this result only once. Its next check must meet the standard." in html
    assert "Next time it must meet the standard." in get(client, "service_easy_read", location)


def test_out_of_date_says_from_when(client):
    location = service(status="met", year_start=2024, published_on=dt.date(2025, 6, 20),
                       status_text="24/25 Standards Met")
    html = get(client, "service", location)
    assert "Published on 20 June 2025. Stopped counting on 1 July 2026." in html
    assert "Stopped counting on 1 July 2026." in get(client, "service_easy_read", location)
    data = get(client, "api_service", location)["dspt"]
    assert (data["status"], data["stopped_counting_on"], data["counts_until"]) == ("out_of_date", "2026-07-01", None)


def test_a_current_result_says_until_when(client):
    location = service(status="met", year_start=2025, published_on=dt.date(2026, 6, 12))
    assert "Published on 12 June 2026. Counts until 30 June 2027." in get(client, "service", location)


def test_not_published_says_when_it_last_published_or_never(client):
    location = service(status="not_published", year_start=None, published_on=dt.date(2022, 6, 28),
                       status_text="Not Published")
    html = get(client, "service", location)
    assert "No current check published" in html and "Last published on 28 June 2022." in html
    assert "Result as published" not in html and "Not Published" not in html
    never = service(code="VNEVR", status="not_published", year_start=None, published_on=None,
                    status_text="Not Published")
    assert "Never published." in get(client, "service", never)


def test_an_unknown_status_is_shown_as_published(client):
    location = service(status="other", year_start=2018, published_on=dt.date(2019, 6, 1),
                       status_text="18/19 Entry Level")
    html = get(client, "service", location)
    assert "We cannot say what this result means" in html and "18/19 Entry Level" in html
    assert "The result was published as: 18/19 Entry Level" in get(client, "service_easy_read", location)


def test_a_dormant_service_says_so_everywhere_and_comes_last_in_search(client):
    awake = service(code="VAWK1")
    sleeping = service(code="VSLP1")
    Location.objects.filter(pk=awake.pk).update(name="Dormancy Test Home B")
    Location.objects.filter(pk=sleeping.pk).update(name="Dormancy Test Home A", dormant=True)
    words = "CQC says this service is not providing care at the moment."
    assert words in get(client, "service", sleeping)
    easy_read = get(client, "service_easy_read", sleeping)
    for picture, sentence in presenter.DORMANT_EASY_READ:  # a picture beside each sentence, as Easy Read has
        assert re.search(rf'easy-read/{picture}\.[0-9a-f.]*svg"[^>]*><p>{re.escape(sentence)}</p>', easy_read)
    easy_search = client.get(reverse("easy_read_search"), {"q": "Dormancy Test Home"}).content.decode()
    assert all(sentence in easy_search for _, sentence in presenter.DORMANT_EASY_READ)
    assert easy_search.count("The Care Quality Commission says so.") == 1  # said of the sleeping one only
    assert get(client, "api_service", sleeping)["dormant_note"] == words
    assert ">Not providing care just now<" in get(client, "badge", sleeping)
    html = client.get(reverse("search"), {"q": "Dormancy Test Home"}).content.decode()
    assert html.index("Dormancy Test Home B") < html.index("Dormancy Test Home A")  # active first, though A sorts first
    assert words in html
    near = client.get(reverse("api_services"), {"q": "Dormancy Test Home"}).json()
    assert [s["name"] for s in near["results"]][:2] == ["Dormancy Test Home B", "Dormancy Test Home A"]


def test_a_deregistered_service_badge_shows_no_result(client):
    location = service(status="met", year_start=2025)
    Location.objects.filter(pk=location.pk).update(deregistered_on=dt.date(2026, 10, 1))
    svg = get(client, "badge", location)
    assert ">No longer registered with CQC<" in svg and "Meets the standard" not in svg


def test_a_head_office_match_says_what_we_know_and_no_more(client):
    organisation_with_status(ods_code="A560")
    DsptOrganisation.objects.filter(ods_code="A560").update(name="HOME FROM HOME CARE LTD (A560)")
    location = LocationFactory(ods_code="VHFH1", provider=ProviderFactory(name="Somebody Else Ltd"))
    OdsCareHome.objects.create(code="VHFH1", kind="site", name="A HOME", parent_code="A560")
    rematch_locations()
    expected = ("Its head office, HOME FROM HOME CARE LTD (A560), published a check. "
                "It may cover this service. Ask the service.")
    assert expected in get(client, "service", location).replace("&#x27;", "'")
    easy_read = get(client, "service_easy_read", location)
    assert "We show the check of its head office." in easy_read and "Ask if the check covers this service." in easy_read
    assert "This care service did its check." not in easy_read  # its head office did
    svg = get(client, "badge", location)
    assert "result of its head office" in svg and "It may cover this service" in svg
    data = get(client, "api_service", location)["dspt"]
    assert (data["match_method"], data["match_note"]) == ("head_office", expected)


def test_a_name_match_is_called_a_name_match(client):
    organisation_with_status(ods_code="A6TT")
    DsptOrganisation.objects.filter(ods_code="A6TT").update(name="THE ORDERS OF ST JOHN CARE TRUST (A6TT)")
    location = LocationFactory(ods_code="", provider=ProviderFactory(name="The Orders Of St. John Care Trust"))
    rematch_locations()
    html = get(client, "service", location)
    assert "We matched it by name." in html and "It may cover this service." in html
    assert get(client, "api_service", location)["dspt"]["match_method"] == "name"


def test_the_home_page_counts_services_with_a_current_check_in_england(client):
    service(code="VCUR1", status="met", year_start=2025)
    service(code="VCUR2", status="not_met", year_start=2025)
    service(code="VOLD1", status="met", year_start=2023)
    LocationFactory(ods_code="")
    html = client.get(reverse("home")).content.decode()
    assert "2 of 4 care services</strong> in England have a current check." in html


def test_a_search_says_how_many_it_found_and_where():
    from providers.results.presenter import search_status

    assert search_status(count=0, query="oak") == "No care services found for ‘oak’"
    assert search_status(count=1, query="oak") == "1 care service found for ‘oak’"
    assert search_status(count=2345, query="leeds", page_number=2, pages=118) == \
        "2,345 care services found for ‘leeds’, page 2 of 118"
    assert search_status(count=20, query="L8", place_label="the middle of L8", radius=3) == \
        "20 care services found within 3 miles of the middle of L8"
