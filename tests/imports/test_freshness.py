"""Freshness everywhere: every page says how old our data is, by the source's own date, and warns when too old."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from providers import freshness
from providers.imports.models import ImportRun

pytestmark = pytest.mark.django_db

PAGES = ["home", "search", "about", "areas", "easy_read_home", "for_care_services", "contact", "accessibility"]


def set_dates(*, dspt_days_old: int, cqc_days_old: int) -> None:
    today = timezone.localdate()
    ImportRun.objects.filter(kind=ImportRun.Kind.DSPT).update(data_as_of=today - dt.timedelta(days=dspt_days_old))
    ImportRun.objects.filter(kind=ImportRun.Kind.CQC).update(data_as_of=today - dt.timedelta(days=cqc_days_old))
    freshness.forget()


def page_texts(client):
    urls = [reverse(name) for name in PAGES] + [reverse("service", args=["1-545611283"]),
                                                reverse("service_easy_read", args=["1-545611283"])]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        yield url, response.content.decode()


def test_every_page_says_the_date_of_each_source(client, sample_loaded):
    # The sample files' names carry their dates: DSPT 20 November 2026, CQC 16 November 2026.
    for url, html in page_texts(client):
        assert "DSPT results as of 20 November 2026." in html, url
        assert "CQC list as of 16 November 2026." in html, url


def test_the_date_is_the_source_date_not_the_import_day(client, sample_loaded):
    run = ImportRun.objects.get(kind=ImportRun.Kind.DSPT)
    assert run.finished_at.date() == timezone.localdate()  # imported today...
    html = client.get(reverse("home")).content.decode()
    assert f"{timezone.localdate():%-d %B %Y}" not in html or timezone.localdate() == dt.date(2026, 11, 20)
    assert "The DSPT results here come from the DSPT list of 20 November 2026." in html  # ...of a file from 20 November


def test_before_any_import_the_pages_say_so(client):
    html = client.get(reverse("home")).content.decode()
    assert "No DSPT results loaded yet." in html and "No CQC list loaded yet." in html
    assert "Our data may be out of date" not in html


def test_easy_read_pages_warn_in_easy_read(client, sample_loaded):
    set_dates(dspt_days_old=40, cqc_days_old=90)
    html = client.get(reverse("easy_read_home")).content.decode()
    warning = html.split('app-freshness-warning')[1].split("</div>")[0]
    assert "Our information may be old" in warning and "Ask the care service about its newest check." in warning
    sentences = [line.split("<p>")[1].split("</p>")[0] for line in warning.split('<li class="app-easy-read-line">')[1:]]
    assert len(sentences) == 3 and all(len(sentence.split()) <= 12 for sentence in sentences)
    assert all('alt=""' in line for line in warning.split('<li class="app-easy-read-line">')[1:])


@pytest.mark.parametrize("dspt_days, cqc_days, dspt_warned, cqc_warned", [
    (3, 10, False, False),
    (14, 45, False, False),  # on the day of the limit, still fresh
    (15, 45, True, False),
    (14, 46, False, True),
    (40, 90, True, True),
])
def test_a_banner_warns_when_data_is_too_old(client, sample_loaded, dspt_days, cqc_days, dspt_warned, cqc_warned):
    set_dates(dspt_days_old=dspt_days, cqc_days_old=cqc_days)
    for url, html in page_texts(client):
        if "easy-read" in url:  # the same warning, in Easy Read
            heading, dspt_words = "Our information may be old", "Our check results are from"
        else:
            heading, dspt_words = "Our data may be out of date", "may have changed since then"
        assert (heading in html) == (dspt_warned or cqc_warned), url
        assert (dspt_words in html) == dspt_warned, url
        assert ("Our list of care services is from" in html) == cqc_warned, url


def test_the_limits_are_settings(client, sample_loaded, settings):
    set_dates(dspt_days_old=3, cqc_days_old=3)
    settings.DSPT_STALE_DAYS = 2
    assert "Our DSPT results are from" in client.get(reverse("home")).content.decode()
    settings.DSPT_STALE_DAYS, settings.CQC_STALE_DAYS = 14, 2
    html = client.get(reverse("home")).content.decode()
    assert "Our DSPT results are from" not in html and "Our list of care services is from" in html


def test_a_new_import_shows_at_once(client, sample_loaded, write_file):
    from providers.imports.sources import import_dspt_file
    from tests.conftest import SAMPLE_DSPT

    newer = write_file("DSPT search results 28_11_2026 10_00_00.csv", SAMPLE_DSPT.read_bytes())
    freshness.data_dates()  # remembered...
    assert import_dspt_file(path=newer).state == "succeeded"
    assert "DSPT results as of 28 November 2026." in client.get(reverse("home")).content.decode()  # ...and forgotten


def test_the_api_gives_the_dates(client, sample_loaded):
    expected = {"dspt": "2026-11-20", "cqc": "2026-11-16"}
    assert client.get(reverse("api_services"), {"q": "Sunny"}).json()["data_as_of"] == expected
    assert client.get(reverse("api_service", args=["1-545611283"])).json()["data_as_of"] == expected
    assert client.get(reverse("api_ods", args=["VLLWV"])).json()["data_as_of"] == expected


def test_badges_say_when_they_last_changed(client, sample_loaded):
    response = client.get(reverse("badge", args=["1-545611283"]))
    assert response.status_code == 200 and response["Last-Modified"].endswith("GMT")
