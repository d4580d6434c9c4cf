"""The public search: names, towns, postcodes, filters, pages, htmx and bad input."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from providers.register.models import Location
from providers.search.models import Postcode
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db


def names_found(client, query, **params):
    response = client.get(reverse("search"), {"q": query, **params})
    assert response.status_code == 200
    html = response.content.decode()
    return re.findall(r'<h3 class="nhsuk-heading-s[^"]*"><a href="/services/[^"?]+/(?:\?from=search)?">(.*?)</a></h3>', html)


@pytest.mark.parametrize(
    "query, first",
    [
        ("sunnyside", "Sunnyside Lodge"),
        ("Sunny Side Care Home", "Sunny Side Care Home"),
        ("sunyside", "Sunnyside Lodge"),  # a typo
        ("st josephs", "St Joseph&#x27;s Nursing Home"),
        ("Saint Anne's", "St. Anne&#x27;s Residential Home"),  # Saint finds St.
        ("smith and daughters", "Smith &amp; Daughters Home Care - Manchester"),  # "and" finds "&"
        ("cafe court", "Café Court"),
        ("rose cottage norwich", "Rose Cottage"),
    ],
)
def test_name_search_is_tolerant(client, sample_loaded, query, first):
    found = names_found(client, query)
    assert found, f"nothing found for {query}"
    assert first in found[:2]


def test_sunnyside_finds_all_three_sunny_side_homes(client, sample_loaded):
    assert {"Sunny Side Care Home", "Sunny Side House", "Sunnyside Lodge"} <= set(names_found(client, "sunnyside")[:3])


def test_town_search(client, sample_loaded):
    found = names_found(client, "Leeds")
    assert "Saint Mary&#x27;s House" in found and "Helping Hands Leeds" in found
    assert "Rose Cottage" not in found


def test_provider_name_search(client, sample_loaded):
    found = names_found(client, "Midshires Care")
    assert set(found) == {"Helping Hands Mansfield", "Helping Hands Liverpool", "Helping Hands Bristol", "Helping Hands Leeds"}


@pytest.mark.parametrize("typed", ["L8 1AA", "l81aa", "L8  1AA", " l8 1aa "])
def test_full_postcode_lists_nearest_first_with_miles(client, sample_loaded, typed):
    html = client.get(reverse("search"), {"q": typed}).content.decode()
    found = re.findall(r'<a href="/services/[^"?]+/(?:\?from=search)?">(.*?)</a>', html)
    assert found[:2] == ["Sunnyside Lodge", "Sunny Side Care Home"] or found[:2] == ["Sunny Side Care Home", "Sunnyside Lodge"]
    assert "less than 0.1 miles away" in html
    assert "care services found within 25 miles of L8 1AA" in html  # never wider than 25 miles
    assert "approximate" not in html
    assert "Westminster Court" not in html  # far away
    assert "Rose Cottage" not in html


def test_partial_postcode_uses_the_middle_of_the_district(client, sample_loaded):
    html = client.get(reverse("search"), {"q": "ls1"}).content.decode()
    assert "miles of the middle of LS1" in html
    assert "They are approximate." in html
    assert "Helping Hands Leeds" in html


def test_postcode_lookup_table_is_used_for_a_visitors_postcode(client, sample_loaded):
    Postcode.objects.create(postcode="L17 8XY", latitude=53.37, longitude=-2.92)
    html = client.get(reverse("search"), {"q": "L17 8XY"}).content.decode()
    assert "miles of L17 8XY" in html and "approximate" not in html
    assert "Sunny Side House" in html


def test_postcode_not_in_the_table_falls_back_to_the_sector(client, sample_loaded):
    html = client.get(reverse("search"), {"q": "L8 1ZZ"}).content.decode()
    assert "miles of L8 1ZZ" in html and "They are approximate." in html


def test_unknown_postcode_gets_help(client, sample_loaded):
    html = client.get(reverse("search"), {"q": "ZE2 9XX"}).content.decode()
    assert "We do not know the postcode ZE2 9XX" in html
    assert "just the first part of the postcode" in html


def test_nothing_found_gives_suggestions(client, sample_loaded):
    html = client.get(reverse("search"), {"q": "qwxzv"}).content.decode()
    assert "No care services found for ‘qwxzv’" in html
    assert "check the spelling" in html


def test_filter_by_type(client, sample_loaded):
    found = names_found(client, "Leeds", type="home_care")
    assert found and all("Helping Hands" in n or "Bold" in n for n in found)
    assert "Saint Mary&#x27;s House" not in found


@pytest.mark.parametrize(
    "status, expected",
    [("meets", "Helping Hands Leeds"), ("not_met", "Saint Mary&#x27;s House"),
     ("not_published", "St. Anne&#x27;s Residential Home"), ("out_of_date", "St Joseph&#x27;s Nursing Home")],
)
def test_filter_by_status(client, sample_loaded, status, expected):
    found = names_found(client, "Leeds", status=status)
    assert expected in found
    for location in Location.objects.filter(name__in=[n.replace("&#x27;", "'").replace("&amp;", "&") for n in found]):
        assert location.dspt_status().code == status


def test_status_filter_agrees_with_the_rule_for_every_service(sample_loaded):
    from providers.results.dspt_status import ALL_STATUSES

    for day in (dt.date(2026, 6, 30), dt.date(2026, 7, 1), dt.date(2026, 11, 25), dt.date(2027, 7, 1)):
        for status in ALL_STATUSES:
            in_sql = set(Location.objects.with_plain_status(status.code, day).values_list("pk", flat=True))
            by_rule = {loc.pk for loc in Location.objects.with_dspt_status() if loc.dspt_status(day).code == status.code}
            assert in_sql == by_rule, (day, status.code)


def test_results_show_status_in_words_and_icon_not_colour_alone(client, sample_loaded):
    html = client.get(reverse("search"), {"q": "sunny side"}).content.decode()
    tag = re.search(r'<strong class="nhsuk-tag[^>]*data-status="meets">(.*?)</strong>', html, re.S).group(1)
    assert "<svg" in tag and 'aria-hidden="true"' in tag and "Meets the standard" in tag


def test_pagination(client, db):
    for n in range(45):
        LocationFactory(name=f"Willow Care Home {n:02d}")
    first = client.get(reverse("search"), {"q": "willow"}).content.decode()
    assert "45 care services found for ‘willow’, page 1 of 3" in first
    assert "page=2" in first and "Previous" not in first
    third = client.get(reverse("search"), {"q": "willow", "page": 3}).content.decode()
    assert third.count('<li class="app-result">') == 5
    assert client.get(reverse("search"), {"q": "willow", "page": "nonsense"}).status_code == 200
    assert client.get(reverse("search"), {"q": "willow", "page": "999"}).status_code == 200


def test_deregistered_services_are_not_listed(client, db):
    LocationFactory(name="Willow Old Home", deregistered_on=dt.date(2026, 1, 1))
    assert names_found(client, "willow old") == []


def test_works_without_javascript_as_a_get_form(client, sample_loaded):
    html = client.get(reverse("search"), {"q": "leeds"}).content.decode()
    assert 'action="/search/" method="get"' in html
    assert "<html" in html and 'name="q"' in html and 'value="leeds"' in html


def test_htmx_request_gets_only_the_results_partial(client, sample_loaded):
    response = client.get(reverse("search"), {"q": "sunnyside"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "<form" not in html
    assert "Sunnyside Lodge" in html
    assert 'id="search-status" data-hx-swap-oob="innerHTML"' in html  # updates the aria-live region


def test_live_search_attributes(client, db):
    html = client.get(reverse("search")).content.decode()
    assert 'data-hx-get="/search/"' in html and 'data-hx-push-url="true"' in html
    assert "delay:500ms" in html
    assert 'aria-live="polite"' in html


@pytest.mark.parametrize(
    "query",
    ["x" * 5000, "<script>alert(1)</script>", "'; DROP TABLE providers_location; --", "%", "_",
     "😀 care", "Ω≈ç√", "\u202eevil", "l8 1aa l8 1aa", "((((", "&&&", "  "],
)
def test_bad_input_gives_a_normal_page(client, sample_loaded, query):
    response = client.get(reverse("search"), {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert Location.objects.count() == 26


# Moved from test_bad_input_gives_a_normal_page (issue 37): a control character is refused in words, in one
# place (dsptlookup/middleware.py, JunkInputMiddleware), before any view or query reads it.
@pytest.mark.parametrize("query", ["\x00abc", "Sunny\x01Side", "\x0c", "abc\x7f", "\x85"])
def test_a_control_character_in_a_query_gets_a_page_saying_so(client, sample_loaded, query):
    for page in (reverse("search"), reverse("easy_read_search"), reverse("embed_search")):
        response = client.get(page, {"q": query})
        assert response.status_code == 400
        html = response.content.decode()
        assert "hidden character" in html and 'href="/search/"' in html
    assert client.get(reverse("search"), {"q": "Sunny\tSide"}).status_code == 200  # a tab is pasted text


def test_too_long_query_says_so(client, db):
    html = client.get(reverse("search"), {"q": "x" * 201}).content.decode()
    assert "There is a problem" in html and "200 characters or fewer" in html


def test_bad_filter_values_are_ignored_safely(client, sample_loaded):
    assert client.get(reverse("search"), {"q": "leeds", "type": "castle", "status": "great"}).status_code == 200


def test_home_page_has_the_search_box(client, db):
    html = client.get(reverse("home")).content.decode()
    assert 'action="/search/"' in html and 'name="q"' in html


def test_postcode_radius_narrows_when_there_are_many_services_nearby(client, db):
    for n in range(25):
        LocationFactory(name=f"Close Home {n}", postcode="L8 1AA", latitude=53.39 + n * 0.0001, longitude=-2.95)
    LocationFactory(name="Further Home", postcode="L20 1AA", latitude=53.47, longitude=-2.99)  # about 6 miles
    html = client.get(reverse("search"), {"q": "L8 1AA"}).content.decode()
    assert "25 care services found within 3 miles of L8 1AA" in html
    assert "Further Home" not in html


def test_a_postcode_search_says_how_far_it_reaches_and_stops_at_25_miles(client, db):
    LocationFactory(name="Near Home", postcode="L8 1AA", latitude=53.39, longitude=-2.95)
    LocationFactory(name="Thirty Miles Home", postcode="M1 1AA", latitude=53.39 + 30 / 69, longitude=-2.95)
    html = client.get(reverse("search"), {"q": "L8 1AA"}).content.decode()
    assert "This list reaches 25 miles from L8 1AA. We do not look further than 25 miles." in html
    assert "Near Home" in html and "Thirty Miles Home" not in html


def test_a_code_goes_straight_to_the_service_in_easy_read_too(client, sample_loaded):
    response = client.get(reverse("easy_read_search"), {"q": "1-545611283"})
    assert response.status_code == 302 and response["Location"] == "/services/1-545611283/easy-read/"
    # Typed as you go (htmx), the code lists its service instead of leaving the page.
    partial = client.get(reverse("search"), {"q": "VLLWV"}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and "Sunny Side Care Home" in partial.content.decode()


def test_a_postcode_search_widens_to_10_miles_when_3_do_not_fill_a_page(client, db):
    LocationFactory(name="Near Home", postcode="L8 1AA", latitude=53.39, longitude=-2.95)
    for n in range(20):  # about 6 miles north
        LocationFactory(name=f"Town Home {n}", postcode="L20 1AA", latitude=53.477 + n * 0.0001, longitude=-2.95)
    LocationFactory(name="Far Home", postcode="PR1 1AA", latitude=53.39 + 15 / 69, longitude=-2.95)
    html = client.get(reverse("search"), {"q": "L8 1AA"}).content.decode()
    assert "21 care services found within 10 miles of L8 1AA" in html
    assert "Far Home" not in html


def word_list(**services):
    from providers.search.models import SearchWord

    SearchWord.objects.bulk_create(SearchWord(word=word, services=n) for word, n in services.items())


def test_the_index_looks_up_a_second_word_only_when_it_is_not_far_commoner(db):
    from providers.search.planning import plan_words

    word_list(station=100, road=20000, roadside=40, rose=300, court=600)
    station_road = plan_words("Station Road")
    assert station_road.index_query == "station"  # "road" is checked on the rows "station" finds
    assert station_road.tsquery == "station & road:*"  # "roadside" starts with "road"
    assert plan_words("rose court").index_query == "rose & court"


def test_the_last_word_is_a_prefix_only_when_a_longer_known_word_starts_with_it(db):
    from providers.search.planning import plan_words

    word_list(manor=300, road=20000, roadside=40, lane=9000)
    assert plan_words("manor road").tsquery == "manor & road:*"
    assert plan_words("manor roa").tsquery == "manor & roa:*"
    # No known word goes on from "lane": "lane:*" would find the same services, more slowly.
    lane = plan_words("manor lane")
    assert lane.tsquery == lane.whole_words == "manor & lane"


def test_a_whole_last_word_finds_what_its_prefix_did_and_in_the_same_order(db, monkeypatch):
    import dataclasses

    from providers.search import finder as search
    from providers.search import planning
    from providers.search.word_list import rebuild_search_words

    for n, street in enumerate(["Manor Lane", "Manor Lane", "Manor Lanes", "Lane End", "Manor Road", "High Street"]):
        LocationFactory(name=f"Home {n}", address_line_1=f"{n} {street}", town="Endon")
    LocationFactory(name="Manor Lane House", address_line_1="1 High Street", town="Manor")
    rebuild_search_words()

    def names(query):
        return [s.name for s in search.find_services(query=query, today=dt.date(2026, 6, 1)).services]

    queries = ["manor road", "lane end", "high street", "manor", "home 4", "manor lane"]
    as_planned = {query: names(query) for query in queries}
    known_words = planning._known_words
    monkeypatch.setattr(planning, "_known_words",
                        lambda words: dataclasses.replace(known_words(words), last_is_prefix=True))
    assert {query: names(query) for query in queries} == as_planned
    assert as_planned["manor lane"] == ["Manor Lane House", "Home 0", "Home 1", "Home 2"]
    assert as_planned["high street"] == ["Home 5", "Manor Lane House"]


def test_a_word_that_is_two_known_words_counts_as_its_rarer_half(db):
    from providers.search.planning import plan_words

    word_list(lower=90000, oaking=20, oak=500, ing=30, east=2000, minster=50, eastminster=10)
    plan = plan_words("Lower Oaking")
    # Rare ("oaking", or "oak" then "ing"): the index looks it up, not the common "lower".
    assert plan.index_query == "(oaking | (oak <-> ing))"
    # Only the end of the last word can be still being typed: "east" is whole.
    word_list(eastminsters=3)
    assert plan_words("eastminster").tsquery == "(eastminster:* | (east <-> minster:*))"


def test_a_service_edited_in_the_admin_adds_its_new_words_to_the_list(admin_client, rf, admin_user):
    from django.contrib import admin as django_admin

    from providers.search.finder import find_services
    from providers.search.models import SearchWord
    from providers.search.word_list import rebuild_search_words

    home = LocationFactory(name="Maple Home", address_line_1="4 Manor Road")
    LocationFactory(name="Oak Home", address_line_1="9 Manor Road")
    rebuild_search_words()
    request = rf.get("/")
    request.user = admin_user
    form = django_admin.site._registry[Location].get_form(request, home)(instance=home)
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else value for name, value in data.items()}
    data["address_line_1"] = "4 Manor Roadside"
    response = admin_client.post(reverse("admin:providers_location_change", args=[home.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert SearchWord.objects.filter(word="roadside").exists()
    # "road" now begins a longer word, so the search still finds the edited service.
    found = find_services(query="manor road", today=dt.date(2026, 6, 1)).services
    assert sorted(service.name for service in found) == ["Maple Home", "Oak Home"]
