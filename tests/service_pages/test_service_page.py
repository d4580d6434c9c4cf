"""The care service page, its Easy Read version, guidance pages, and ODS links."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from providers.register.matching import rematch_locations
from providers.register.models import DsptAssessment, Location
from providers.results.dspt_status import ALL_STATUSES
from tests.factories import DsptAssessmentFactory, LocationFactory, ProviderFactory, organisation_with_status

pytestmark = pytest.mark.django_db

STATUS_CASES = [
    # status, year, published, expected code, expected words
    ("met", 2025, dt.date(2026, 6, 12), "meets", "Meets the standard"),
    ("exceeded", 2025, dt.date(2026, 6, 12), "exceeds", "Exceeds the standard"),
    ("approaching", 2025, dt.date(2026, 6, 30), "approaching", "Working towards the standard"),
    ("not_met", 2025, dt.date(2026, 6, 20), "not_met", "Does not meet the standard"),
    ("met", 2023, dt.date(2024, 6, 28), "out_of_date", "Out of date"),
    ("not_published", None, dt.date(2024, 6, 28), "not_published", "No current check published"),
    ("other", 2018, dt.date(2019, 6, 1), "unknown", "We cannot say what this result means"),
]


def page(client, location, easy_read=False):
    name = "service_easy_read" if easy_read else "service"
    response = client.get(reverse(name, args=[location.cqc_location_id]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("status, year, published, code, words", STATUS_CASES)
def test_page_shows_the_right_words_for_each_status(client, status, year, published, code, words, settings):
    organisation_with_status(ods_code="VABC1", status=status, year_start=year, published_on=published,
                             status_text=f"{status} as published")
    location = LocationFactory(ods_code="VABC1")
    rematch_locations()
    html = page(client, location)
    tag = re.search(r'<strong class="nhsuk-tag[^"]*"[^>]*data-status="([a-z_]+)">.*?<span>(.*?)</span>', html, re.S)
    # The rule is applied on the real "today"; these dates are all judged against it.
    expected = Location.objects.get(pk=location.pk).dspt_status()
    assert tag.groups() == (expected.code, expected.label)
    assert escape(expected.summary) in html
    if status == "not_published":
        # Never "Result as published: Not Published" under "No current check published".
        assert "Result as published" not in html and f"{status} as published" not in html
        assert f"Last published on {published:%-d %B %Y}." in html
    else:
        assert f"{status} as published" in html
    if published:
        assert published.strftime("%-d %B %Y") in html


def test_the_phone_number_is_a_link_a_phone_can_call(client):
    location = LocationFactory(phone="01510000000")
    assert '<a href="tel:+441510000000">0151 000 0000</a>' in page(client, location)
    odd = LocationFactory(phone="ask at reception")
    html = page(client, odd)
    assert "ask at reception" in html and 'href="tel:' not in html


def test_not_found_status(client):
    location = LocationFactory(ods_code="VNONE")
    html = page(client, location)
    assert 'data-status="not_found"' in html and "No record found" in html
    assert "We could not find this care service in the list of checks." in html


def test_every_status_has_its_explanation_on_the_guidance_page(client):
    html = client.get(reverse("guidance", args=["what-the-results-mean"])).content.decode()
    for status in ALL_STATUSES:
        assert f'data-status="{status.code}"' in html and escape(status.summary) in html


def test_published_by_the_provider_is_said(client):
    provider = ProviderFactory(ods_code="AB12")
    organisation_with_status(ods_code="AB12")
    location = LocationFactory(provider=provider, ods_code="")
    rematch_locations()
    html = page(client, location)
    # A provider's check may not cover every service: the page says what we know and no more.
    assert "It published one check for all its services" not in html
    assert "published a check. It may cover this service. Ask the service." in html


def test_history_is_newest_first(client):
    organisation = organisation_with_status(ods_code="VHIS1", status="met", year_start=2025,
                                            published_on=dt.date(2026, 6, 1), status_text="25/26 Standards Met")
    DsptAssessmentFactory(organisation=organisation, year_start=2023, published_on=dt.date(2024, 6, 1),
                          status_text="23/24 Standards Met")
    DsptAssessmentFactory(organisation=organisation, year_start=2024, published_on=dt.date(2025, 6, 1),
                          status=DsptAssessment.Status.APPROACHING, status_text="24/25 Approaching Standards")
    location = LocationFactory(ods_code="VHIS1")
    rematch_locations()
    html = page(client, location)
    table = html[html.index('id="history"'):]
    order = [table.index(t) for t in ("25/26 Standards Met", "24/25 Approaching Standards", "23/24 Standards Met")]
    assert order == sorted(order)


def test_page_has_questions_report_routes_cqc_link_and_data_dates(client, sample_loaded):
    location = Location.objects.get(cqc_location_id="1-545611283")
    html = page(client, location)
    assert "What information do you keep about me?" in html
    assert "Who do I tell if I am worried about my information?" in html
    assert "Information Commissioner" in html and "0303 123 1113" in html
    assert 'href="https://www.cqc.org.uk/location/1-545611283"' in html
    assert "from CQC's list of 16 November 2026" in html
    assert "from the DSPT list of 20 November 2026" in html


def test_deregistered_service_still_has_a_page(client):
    location = LocationFactory(deregistered_on=dt.date(2026, 3, 1))
    html = page(client, location)
    assert "No longer registered" in html and "1 March 2026" in html


def test_unknown_service_is_a_404(client):
    assert client.get(reverse("service", args=["1-000"])).status_code == 404


def test_imported_html_in_names_is_escaped(client, sample_loaded):
    html = page(client, Location.objects.get(cqc_location_id="1-117000006"))
    assert "<b>Bold</b>" not in html and "&lt;b&gt;Bold&lt;/b&gt; Care &amp; Co" in html


def test_easy_read_switch_both_ways(client):
    location = LocationFactory()
    standard = page(client, location)
    easy_url = reverse("service_easy_read", args=[location.cqc_location_id])
    assert f'href="{easy_url}"' in standard and "Easy Read version of this page" in standard
    easy = page(client, location, easy_read=True)
    assert f'href="{reverse("service", args=[location.cqc_location_id])}"' in easy
    assert "Standard version of this page" in easy
    assert "app-easy-read" in easy


def test_easy_read_pictures_are_decoration_beside_sentences_that_say_it_all(client):
    organisation_with_status(ods_code="VER01", status="not_met")  # a result that counts on the test's day
    location = LocationFactory(ods_code="VER01")
    rematch_locations()
    html = page(client, location, easy_read=True)
    lines = re.findall(r'<li class="app-easy-read-line"><img ([^>]*)><p>([^<]*)</p>', html)
    assert len(lines) >= 6
    for image, sentence in lines:
        assert 'alt=""' in image and sentence.strip()  # screen readers read the sentence, not "A red cross"
    pictures = {sentence: re.search(r"easy-read/(\w+)", image).group(1) for image, sentence in lines}
    # The line about doing the check has a checklist; the result line has the result's picture.
    assert pictures["This care service did its check."] == "list"
    assert pictures["It says it does not meet the standard."] == "cross"
    assert "The standard is a list of ways to keep information safe." in pictures  # hard word explained
    assert "The Care Quality Commission checks care services." in pictures
    assert "Does not meet the standard" in html  # the result in words


@pytest.mark.parametrize("slug", ["what-is-the-dspt", "keeping-your-information-safe", "what-the-results-mean"])
def test_guidance_pages_in_both_versions(client, slug):
    standard = client.get(reverse("guidance", args=[slug]))
    easy = client.get(reverse("easy_read_guidance", args=[slug]))
    assert standard.status_code == easy.status_code == 200
    assert reverse("easy_read_guidance", args=[slug]) in standard.content.decode()
    assert reverse("guidance", args=[slug]) in easy.content.decode()


def test_unknown_guidance_page_is_a_404(client):
    assert client.get("/guidance/nothing-here/").status_code == 404
    assert client.get("/easy-read/nothing-here/").status_code == 404


@pytest.mark.parametrize("name", ["home", "search", "about", "accessibility", "privacy", "easy_read_home"])
def test_every_page_has_an_easy_read_switch(client, name):
    html = client.get(reverse(name)).content.decode()
    assert 'class="app-switch__link"' in html


def test_print_styles_hide_navigation():
    from pathlib import Path

    from django.conf import settings

    css = (Path(settings.BASE_DIR) / "static/css/app.css").read_text()
    assert "@media print" in css and ".app-no-print" in css


def test_ods_link_goes_to_the_service(client, sample_loaded):
    response = client.get(reverse("by_ods_code", args=["vllwv"]))
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("service", args=["1-545611283"])


def test_ods_link_for_a_provider_lists_its_services(client, sample_loaded):
    html = client.get(reverse("by_ods_code", args=["AB1X"])).content.decode()
    assert "Care services run by Midshires Care Limited" in html
    assert html.count('class="app-result"') == 4


def test_unknown_ods_code(client, db):
    response = client.get(reverse("by_ods_code", args=["ZZZZZ"]))
    assert response.status_code == 404 and "We cannot find a care service" in response.content.decode()


def test_ods_link_prefers_the_registered_service(client, db):
    LocationFactory(name="Old Home", ods_code="VDUP1", deregistered_on=dt.date(2025, 1, 1), cqc_location_id="1-111111111")
    LocationFactory(name="New Home", ods_code="VDUP1", cqc_location_id="1-222222222")
    response = client.get(reverse("by_ods_code", args=["VDUP1"]))
    assert response.headers["Location"] == reverse("service", args=["1-222222222"])


def test_the_page_leads_with_what_a_family_needs(client):
    organisation_with_status(ods_code="VLEAD", status="met", year_start=2025, published_on=dt.date(2026, 6, 1),
                             status_text="25/26 Standards Met")
    location = LocationFactory(name="SUNNY SIDE CARE HOME", ods_code="VLEAD", phone="01510000000",
                               website="www.sunnyside.example")
    rematch_locations()
    html = page(client, location)
    assert "<h1>Sunny Side Care Home</h1>" in html  # all capitals in the source: shown in title case
    phone = html.index('href="tel:+441510000000"')
    website = html.index('href="https://www.sunnyside.example"')
    result = html.index('id="dspt-heading"')
    professionals = html.index('id="professionals"')
    assert phone < website < result < professionals  # contact details first, codes last
    assert html.index("CQC location ID") > professionals
    assert 'href="https://www.dsptoolkit.nhs.uk/OrganisationSearch/VLEAD"' in html
    assert "Name as published" in html and "SUNNY SIDE CARE HOME" in html


def test_a_website_that_is_not_a_web_address_is_not_a_link(client):
    location = LocationFactory(website="javascript:alert(1)")
    html = page(client, location)
    assert 'href="javascript' not in html and 'href="https://javascript' not in html


def test_a_dormant_service_says_so(client):
    html = page(client, LocationFactory(dormant=True))
    assert "not providing care at the moment" in html


def test_easy_read_search_leads_to_easy_read_pages(client):
    location = LocationFactory(name="Brambles Easy Home")
    html = client.get("/easy-read/search/?q=brambles").content.decode()
    # (?from=search: a service opened from search results is counted, providers/performance/counting.py)
    assert f'href="/services/{location.cqc_location_id}/easy-read/?from=search"' in html
    assert 'action="/easy-read/search/"' in html and "app-easy-read" in html
    home = client.get("/easy-read/").content.decode()
    assert 'action="/easy-read/search/"' in home


def test_closed_and_dormant_services_say_so_in_easy_read(client):
    closed = LocationFactory(deregistered_on=dt.date(2025, 1, 1))
    assert "This care service is closed now." in page(client, closed, easy_read=True)
    asleep = LocationFactory(dormant=True)
    easy_read = page(client, asleep, easy_read=True)
    assert "This care service is not giving care just now." in easy_read
    assert "The Care Quality Commission says so." in easy_read


@pytest.mark.django_db
def test_the_page_says_when_we_last_updated_each_source_and_from_which_list(client, sample_loaded):
    page = client.get(reverse("service", args=["1-545611283"])).content.decode()
    sources = re.search(r'<h2 id="sources">.*?</ul>', page, re.S).group(0)
    assert "We last updated them on 24 November 2026, from CQC's list of 16 November 2026." in sources
    assert "We last updated them on 24 November 2026, from the DSPT list of 20 November 2026." in sources
