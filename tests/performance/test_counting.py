"""Measuring in public (issue 42): 'Is this page useful?' without JavaScript or cookies, counts without
tracking that survive a cache, scrubbed searches that found nothing, and /performance/ with its CSV."""

import csv
import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from providers.performance import counting, figures, housekeeping
from providers.performance.models import Feedback, Tally, UnfoundSearch
from providers.performance.scrub import scrub

pytestmark = pytest.mark.django_db
MONDAY = dt.datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/London"))


def _count_image(html: str) -> str:
    """The path of the page's counting image, as a browser would ask for it."""
    return re.search(r'<img class="app-count" src="([^"]+)"', html).group(1).replace("&amp;", "&")


def _tally(metric: str, dimension: str | None = None) -> int:
    rows = Tally.objects.filter(metric=metric)
    if dimension is not None:
        rows = rows.filter(dimension=dimension)
    return sum(rows.values_list("count", flat=True))


@pytest.mark.parametrize(
    "case",
    [
        ("Oak Lodge, L8 0SY", "oak lodge"),
        ("jo.bloggs@example.org sunny side SW1A 1AA", "sunny side"),
        ("12a Acacia Avenue 07700 900123", "acacia avenue"),
        ("call +44 (0)151 000 0000 about Rose Court", "call about rose court"),
        ("www.example.org/care rose", "rose"),
        ("L8", ""),
        ("", ""),
    ],
)
def test_scrub_takes_out_whatever_could_identify_someone(case):
    text, kept = case
    assert scrub(text) == kept


def test_useful_works_without_javascript_from_a_cached_page_and_shows_on_performance(client, sample_loaded,
                                                                                     time_machine):
    time_machine.move_to(MONDAY, tick=False)
    page = client.get(reverse("home"))
    html = page.content.decode()
    assert page.cookies == {} and "csrfmiddlewaretoken" not in html  # a page a cache may keep
    assert 'action="/feedback/"' in html and 'name="useful" value="yes"' in html
    answer = client.post(reverse("useful"), {"page": "home", "back": "/", "useful": "yes"})
    assert answer.status_code == 302 and answer.cookies == {}
    more = client.get(answer["Location"])
    assert "What were you trying to do?" in more.content.decode() and more.cookies == {}
    thanks = client.post(reverse("feedback_more"), {"page": "home", "useful": "yes", "back": "/",
                                                    "words": "Find my mum's home, SW1A 1AA, call 07700 900123"})
    assert "Thank you" in thanks.content.decode() and thanks.cookies == {}
    assert Feedback.objects.get().words == "find my mum's home call"
    client.post(reverse("useful"), {"page": "service", "back": "/", "useful": "no"})
    assert (_tally(counting.USEFUL_YES, "home"), _tally(counting.USEFUL_NO, "service")) == (1, 1)

    figures.rebuild()
    performance = client.get(reverse("performance")).content.decode()
    part = performance[performance.index('id="satisfaction"'):]
    assert "50%" in part[:part.index("</section>")]
    part = performance[performance.index('id="answers"'):]
    assert ">2<" in part[:part.index("</section>")]


def test_a_search_that_finds_nothing_is_counted_and_kept_scrubbed_for_admins_only(client, admin_client,
                                                                                  sample_loaded, time_machine):
    time_machine.move_to(MONDAY, tick=False)
    query = "jo@example.org Wibblewobble Manor L8 0SY"
    html = client.get(reverse("search"), {"q": query}).content.decode()
    assert "No care services found" in html
    image = _count_image(html)
    assert "found=0" in image
    hit = client.get(image)
    assert hit["Content-Type"] == "image/gif" and "no-store" in hit["Cache-Control"] and hit.cookies == {}
    assert (_tally(counting.SEARCH), _tally(counting.SEARCH_FOUND_NOTHING)) == (1, 1)
    assert list(UnfoundSearch.objects.values_list("words", flat=True)) == ["wibblewobble manor"]
    # Never published: not on the performance page, its CSV or JSON; admins see it grouped.
    figures.rebuild()
    for name in ("performance", "performance_csv", "performance_json"):
        assert "wibblewobble" not in client.get(reverse(name)).content.decode().lower()
    assert "wibblewobble manor" in admin_client.get(reverse("admin:providers_unfoundsearch_changelist")).content.decode()
    # Gone after 30 days.
    assert housekeeping.forget(MONDAY.date() + dt.timedelta(days=31))["searches that found nothing"] == 1


def test_a_search_that_leads_to_a_service_and_a_suggestion_followed_are_counted(client, sample_loaded,
                                                                               time_machine):
    time_machine.move_to(MONDAY, tick=False)
    results = client.get(reverse("search"), {"q": "sunny side"}).content.decode()
    client.get(_count_image(results))
    link = re.search(r'href="(/services/[^"?]+\?from=search)"', results).group(1)
    service = client.get(link).content.decode()
    client.get(_count_image(service))
    assert _tally(counting.SEARCH_TO_SERVICE) == 1 and _tally(counting.PAGE_VIEW, "service") == 1


def test_a_did_you_mean_followed_is_counted(client, lincolnshire_loaded, time_machine):
    time_machine.move_to(MONDAY, tick=False)
    typo = client.get(reverse("search"), {"q": "Mirimar"}).content.decode()
    suggestion = re.search(r'id="did-you-mean">Did you mean <a href="([^"]+)"', typo).group(1)
    followed = client.get(reverse("search") + suggestion.replace("&amp;", "&")).content.decode()
    client.get(_count_image(followed))
    assert _tally(counting.DID_YOU_MEAN) == 1 and _tally(counting.SEARCH) == 1


def test_global_privacy_control_is_honoured_and_junk_is_not_counted(client, sample_loaded):
    client.get(reverse("count_view"), {"page": "home"}, HTTP_SEC_GPC="1")
    client.get(reverse("count_view"), {"page": "not-a-page"})
    client.get(reverse("count_view"), {"page": "home\x00"})
    assert Tally.objects.count() == 0
    client.get(reverse("count_view"), {"page": "home"})
    assert _tally(counting.PAGE_VIEW, "home") == 1


def test_the_figures_csv_matches_the_page(client, sample_loaded, time_machine):
    time_machine.move_to(MONDAY, tick=False)
    for _ in range(3):
        client.get(reverse("count_view"), {"page": "search", "found": "2"})
    client.get(reverse("count_view"), {"page": "search", "found": "0", "q": "nowhere"})
    figures.rebuild()
    text = client.get(reverse("performance_csv")).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    this_week = rows[-1]
    assert this_week["Week starting"] == "2026-11-23" and this_week["Searches"] == "4"
    assert this_week["Searches that found nothing"] == "25.0"
    html = client.get(reverse("performance")).content.decode()
    searches = html[html.index('id="searches"'):]
    assert "23 Nov 2026 (so far)</td><td class=\"nhsuk-table__cell nhsuk-table__cell--numeric\">4<" in searches
    nothing = html[html.index('id="found_nothing"'):]
    assert "25%" in nothing[:nothing.index("</section>")]
    data = client.get(reverse("performance_json")).json()
    assert data["weeks"][-1]["searches"] == 4


def test_a_badge_on_another_website_counts_its_service_once_a_day(client, sample_loaded):
    from providers.register.models import Location

    service = Location.objects.filter(dspt_organisation__isnull=False).first().cqc_location_id
    counting._badges_counted.clear()  # this process's memory of badges counted today
    for _ in range(3):
        client.get(reverse("badge", args=[service]), HTTP_REFERER="https://care-home.example/")
    client.get(reverse("badge", args=[service]), HTTP_REFERER="http://testserver/services/x/")
    assert _tally(counting.BADGE_SHOWN, service) == 1


def test_the_figures_page_changes_its_validator_when_the_figures_are_worked_out_again(client, sample_loaded,
                                                                                     time_machine):
    time_machine.move_to(MONDAY, tick=False)
    figures.rebuild()
    first = client.get(reverse("performance"))
    assert client.get(reverse("performance"), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    client.get(reverse("count_view"), {"page": "search", "found": "3"})
    time_machine.move_to(MONDAY + dt.timedelta(hours=1), tick=False)
    figures.rebuild()
    again = client.get(reverse("performance"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and again["ETag"] != first["ETag"]
