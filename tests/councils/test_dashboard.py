"""Area dashboards: an area's figures beside England's, each linking to the services behind it."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from providers.register.models import DsptAssessment, Location

pytestmark = pytest.mark.django_db


def listed(client, url) -> int:
    """How many services the area list says it holds at this address."""
    html = client.get(url).content.decode()
    return int(re.search(r"(\d+) care services?(?::| *</caption>)", html).group(1))


def current(services) -> int:
    return services.with_current_check(timezone.localdate()).count()


def test_an_area_shows_its_share_with_a_current_check_beside_england(client, sample_loaded):
    html = client.get(reverse("area", args=["leeds"])).content.decode()
    registered = Location.objects.registered()
    leeds = registered.in_area("Leeds")
    assert (current(leeds), leeds.count()) == (3, 5)
    assert "<strong>60%</strong> of care services in Leeds have a current check" in html
    assert '<a href="/areas/leeds/?status=current">3 of 5</a>' in html
    assert f"In England it is <strong>{current(registered) / registered.count():.0%}</strong>" in html


def test_every_number_links_to_the_services_behind_it(client, sample_loaded):
    html = client.get(reverse("area", args=["leeds"])).content.decode()
    links = re.findall(r'<a href="(/areas/leeds/\?[^"]+)">\((\d+) of (\d+)\)</a>', html)
    assert len(links) >= 8 + 2 + 6  # every result, every type in Leeds or England, every year
    for url, count, _ in links:
        assert listed(client, url.replace("&amp;", "&")) == int(count), url


def test_the_charts_are_accessible_svg_with_every_number_in_words(client, sample_loaded):
    html = client.get(reverse("area", args=["leeds"])).content.decode()
    charts = re.findall(r'<svg class="app-chart__svg"[^>]*role="img" aria-labelledby="([\w-]+)-title \1-desc".*?</svg>',
                        html, re.S)
    assert charts == ["chart-result", "chart-type", "chart-year"]
    desc = re.search(r'<desc id="chart-result-desc">(.*?)</desc>', html, re.S).group(1)
    registered = Location.objects.registered()
    england_meets = registered.with_plain_status("meets", timezone.localdate()).count() / registered.count()
    assert f"Meets the standard: Leeds 40%, England {england_meets:.0%}." in desc
    assert 'fill="url(#chart-result-stripes)"' in html  # England's bars are striped, not only another colour


def test_uptake_by_dspt_year_comes_from_the_results_we_kept(client, sample_loaded):
    leeds = Location.objects.registered().in_area("Leeds")
    organisation = leeds.exclude(dspt_organisation=None).first().dspt_organisation
    DsptAssessment.objects.create(organisation=organisation, status="met", year_start=2022, status_text="22/23 Standards Met")
    html = client.get(reverse("area", args=["leeds"])).content.decode()
    covered = leeds.filter(dspt_organisation=organisation).count()
    row = re.search(r'2022-23</td>(.*?)</tr>', html, re.S).group(1)
    assert f"<span>{covered / 5:.0%} <a href=\"/areas/leeds/?year=2022\">({covered} of 5)</a>" in row
    assert listed(client, "/areas/leeds/?year=2022") == covered


def test_england_has_its_own_page_listing_every_area(client, sample_loaded):
    html = client.get(reverse("area", args=["england"])).content.decode()
    assert "<h1>Care services in England</h1>" in html
    registered = Location.objects.registered()
    share = f"{current(registered) / registered.count():.0%}"
    assert f"<strong>{share}</strong> of care services in England have a current check ({current(registered)} of 26)" in html
    assert 'href="/areas/leeds/"' in html and 'href="/areas/leeds/?status=current">3</a>' in html
    assert "England</text>" not in html  # one series: no legend comparing England with itself


def test_bad_filters_never_break_the_page(client, sample_loaded):
    for query in ("year=abc", "year=1900", "status=current&year=2025&type=care_home", "year=99999999999999"):
        assert client.get(f"/areas/leeds/?{query}").status_code == 200, query


def test_englands_figures_are_worked_out_once_then_kept_until_the_next_import(client, sample_loaded,
                                                                             django_assert_max_num_queries):
    from django.core.cache import cache

    from providers.councils import dashboard

    cache.clear()
    today = timezone.localdate()
    first = dashboard.england_figures(today)
    with django_assert_max_num_queries(2):  # the newest import's number, and the cache
        assert dashboard.england_figures(today) == first
    Location.objects.filter(cqc_location_id="1-545611283").update(deregistered_on=today)
    assert dashboard.england_figures(today) == first  # kept: the same data as far as imports go
    from providers.imports.sources import import_dspt_file
    from tests.conftest import SAMPLE_DSPT

    import_dspt_file(path=SAMPLE_DSPT)  # any new import starts afresh
    assert dashboard.england_figures(today).total == first.total - 1
