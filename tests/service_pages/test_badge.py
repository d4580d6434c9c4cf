"""The live badge a provider can show on its own website, and the link box."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from providers.imports.sources import import_dspt_file
from providers.register.matching import rematch_locations
from providers.results.dspt_status import ALL_STATUSES
from tests.factories import LocationFactory, organisation_with_status

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def in_the_2026_27_window(time_machine):
    """These tests mean a day between 1 July 2026 and 30 June 2027 (CASES): 25 November 2026."""
    time_machine.move_to(dt.datetime(2026, 11, 25, 10, 0, tzinfo=LONDON), tick=False)


# (status, year) that give each plain status on any day from 1 July 2026 to 30 June 2027.
CASES = {
    "exceeds": ("exceeded", 2025), "meets": ("met", 2025), "approaching": ("approaching", 2025), "not_met": ("not_met", 2025),
    "out_of_date": ("met", 2021), "not_published": ("not_published", None),
    "unknown": ("other", 2018),
}


def make_service(code, name="Badge Test Home"):
    """A care service whose plain status is `code` from 1 July 2026 to 30 June 2027."""
    if code == "not_found":
        return LocationFactory(name=name, ods_code="")
    status, year = CASES[code]
    organisation_with_status(ods_code=f"VB{code[:3].upper()}", status=status, year_start=year,
                             published_on=dt.date(2022, 6, 1), status_text="x")
    location = LocationFactory(name=name, ods_code=f"VB{code[:3].upper()}")
    rematch_locations()
    return location


@pytest.mark.parametrize("status", ALL_STATUSES, ids=lambda s: s.code)
def test_badge_for_each_status(client, status, settings):
    location = make_service(status.code)
    response = client.get(reverse("badge", args=[location.cqc_location_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    svg = response.content.decode()
    assert f">{status.label}" in svg
    assert '<title id="badge-title">Badge Test Home: ' + status.label in svg
    assert 'role="img"' in svg and 'aria-labelledby="badge-title"' in svg
    if status.code in ("meets", "approaching", "not_met"):
        assert "2025-26" in svg


@pytest.mark.parametrize("name", ["badge", "badge_png", "badge_png_2x"])
def test_badge_headers_allow_embedding_and_short_caching(client, name):
    location = make_service("meets")
    response = client.get(reverse(name, args=[location.cqc_location_id]))
    assert response.status_code == 200
    # Fifteen minutes in browsers and shared caches; a cache may serve it a minute late while it asks again,
    # and a day late if we do not answer (docs/adr/0026-serving-from-the-edge.md).
    assert response["Cache-Control"] == ("public, max-age=900, s-maxage=900, stale-while-revalidate=60, "
                                         "stale-if-error=86400")
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.cookies == {} and "Cookie" not in response.get("Vary", "")
    assert b"<script" not in response.content


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_png_badges_for_email_are_the_svg_drawn(client):
    location = make_service("approaching")
    one = client.get(reverse("badge_png", args=[location.cqc_location_id]))
    two = client.get(reverse("badge_png_2x", args=[location.cqc_location_id]))
    assert one["Content-Type"] == two["Content-Type"] == "image/png"
    assert png_size(one.content) == (360, 88) and png_size(two.content) == (720, 176)
    svg = client.get(reverse("badge", args=[location.cqc_location_id]))
    version = svg["ETag"].strip('"').rsplit("-", 1)[0]
    assert one["ETag"] == f'"{version}-png1"' and two["ETag"] == f'"{version}-png2"'


def test_badges_revalidate_with_304_until_the_result_changes(client, tmp_path):
    location = make_service("meets")
    for name in ("badge", "badge_png"):
        url = reverse(name, args=[location.cqc_location_id])
        first = client.get(url)
        assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
        assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    before = client.get(reverse("badge", args=[location.cqc_location_id]))
    # A newer DSPT file says the service no longer meets the standard (the real importer).
    newer = tmp_path / "DSPT search results 24_11_2026 09_00_00.csv"
    newer.write_text("Organisation Name,Latest Status,Date Of Publication,Primary Sector\n"
                     f"BADGE TEST HOME ({location.ods_code}),25/26 Standards Not Met,24/11/2026,Care Home\n")
    run = import_dspt_file(path=newer)
    assert run.state == "succeeded", (run.message, run.errors)
    after = client.get(reverse("badge", args=[location.cqc_location_id]), HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert ">Does not meet the standard<" in after.content.decode()


def test_a_result_that_lapses_changes_the_badge_on_1_july(client, time_machine):
    location = make_service("meets")  # a 2025-26 result: counts until 30 June 2027
    url = reverse("badge", args=[location.cqc_location_id])
    time_machine.move_to(dt.datetime(2027, 6, 30, 12, 0, tzinfo=LONDON), tick=False)
    june = client.get(url)
    time_machine.move_to(dt.datetime(2027, 7, 1, 12, 0, tzinfo=LONDON), tick=False)
    july = client.get(url, HTTP_IF_NONE_MATCH=june["ETag"], HTTP_IF_MODIFIED_SINCE=june["Last-Modified"])
    assert july.status_code == 200 and ">Out of date<" in july.content.decode()
    assert july["Last-Modified"] == "Wed, 30 Jun 2027 23:00:00 GMT"  # midnight on 1 July in London (BST)


def test_closed_and_dormant_services_say_so_instead_of_a_result(client):
    closed = make_service("meets", name="Closed Home")
    closed.deregistered_on = dt.date(2025, 1, 1)
    closed.save()
    svg = client.get(reverse("badge", args=[closed.cqc_location_id])).content.decode()
    assert ">No longer registered with CQC<" in svg and "Meets the standard" not in svg
    asleep = LocationFactory(name="Sleeping Home", dormant=True)
    svg = client.get(reverse("badge", args=[asleep.cqc_location_id])).content.decode()
    assert ">Not providing care just now<" in svg


def test_badge_escapes_imported_names(client):
    location = make_service("meets", name='<script>alert("x")</script> & Co')
    svg = client.get(reverse("badge", args=[location.cqc_location_id])).content.decode()
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&amp; Co" in svg


def test_badge_for_unknown_service_is_a_404(client):
    assert client.get(reverse("badge", args=["1-000"])).status_code == 404


def test_service_page_has_link_box_and_badge_snippet(client):
    location = make_service("meets", name='Quote "Test" Home')
    html = client.get(reverse("service", args=[location.cqc_location_id])).content.decode()
    page_url = f"http://testserver/services/{location.cqc_location_id}/"
    assert f'value="{page_url}"' in html and "Link to this page" in html
    snippet = re.search(r'<textarea[^>]*id="badge-code"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    # Shown escaped once for the textarea; the copied code has a correctly escaped alt text.
    assert snippet.startswith(f"&lt;a href=&quot;{page_url}&quot;&gt;&lt;img src=&quot;{page_url}badge.svg&quot;")
    # The alt text names the service and says the result is live; it never fixes today's result.
    assert ("alt=&quot;Quote &amp;quot;Test&amp;quot; Home: live Data Security and Protection Toolkit (DSPT) "
            "result, from DSPT Lookup&quot;") in snippet
    assert "Meets the standard" not in snippet
    email = re.search(r'<textarea[^>]*id="email-code"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    assert f"src=&quot;{page_url}badge@2x.png&quot;" in email and f"&gt;{page_url}&lt;/a&gt;" in email
    letter = re.search(r'<textarea[^>]*id="letter-text"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    assert page_url in letter and "Meets" not in letter
    assert f'href="/services/{location.cqc_location_id}/poster/"' in html
    assert 'href="/for-care-services/"' in html


def test_the_poster_has_the_live_result_dates_and_a_named_qr_code(client):
    location = make_service("meets", name="Poster & Home")
    html = client.get(reverse("poster", args=[location.cqc_location_id])).content.decode()
    page_url = f"http://testserver/services/{location.cqc_location_id}/"
    assert "Poster &amp; Home" in html and "Meets the standard" in html
    assert "Published on" in html and "1 June 2022" in html
    assert "Counts until" in html and "30 June 2027" in html
    assert f'role="img" aria-label="QR code for {page_url}"' in html
    assert f"This result is live at<br><strong class=\"app-poster__url\">{page_url}</strong>" in html
    easy = client.get(reverse("poster_easy_read", args=[location.cqc_location_id])).content.decode()
    assert "Our check result is: Meets the standard." in easy and "images/easy-read/tick" in easy
    qr = client.get(reverse("qr_code", args=[location.cqc_location_id]))
    assert qr["Content-Type"].startswith("image/svg+xml") and b'aria-label="QR code for' in qr.content


def test_the_service_page_links_to_its_qr_code_rather_than_drawing_it(client):
    location = make_service("meets")
    html = client.get(reverse("service", args=[location.cqc_location_id])).content.decode()
    assert f'<img src="/services/{location.cqc_location_id}/qr.svg" alt="QR code for http://testserver/services/' in html
    assert "<svg role=\"img\" aria-label=\"QR code" not in html
    qr = client.get(reverse("qr_code", args=[location.cqc_location_id]))
    # A QR code is content (it never changes for a service): cached like the guidance pages (providers/urls.py).
    assert qr["Cache-Control"] == "public, max-age=300, s-maxage=3600, stale-while-revalidate=60, stale-if-error=86400"


def test_a_badge_stops_saying_live_when_our_data_is_old(client, settings, time_machine):
    """Past DSPT_STALE_DAYS the badge says the date of our data instead of "live", and its ETag changes."""
    from providers.imports.models import ImportRun

    location = make_service("meets")
    ImportRun.objects.create(kind="dspt", file_name="x.csv", state="succeeded", data_as_of=dt.date(2026, 11, 20))
    url = reverse("badge", args=[location.cqc_location_id])
    fresh = client.get(url)
    assert "live from DSPT Lookup" in fresh.content.decode() and ">Data security check (DSPT)<" in fresh.content.decode()
    settings.DSPT_STALE_DAYS = 14
    time_machine.move_to(dt.datetime(2026, 12, 5, 10, 0, tzinfo=LONDON), tick=False)  # 15 days after
    old = client.get(url, HTTP_IF_NONE_MATCH=fresh["ETag"], HTTP_IF_MODIFIED_SINCE=fresh["Last-Modified"])
    svg = old.content.decode()
    assert old.status_code == 200 and old["ETag"] != fresh["ETag"]
    assert ">DSPT result as of 20 Nov 2026<" in svg and "live" not in svg.lower()
    assert "from DSPT Lookup&#x27;s copy of the DSPT data of 20 November 2026" in svg
    assert old["Last-Modified"] == "Sat, 05 Dec 2026 00:00:00 GMT"  # the day the data turned old
    png = client.get(reverse("badge_png", args=[location.cqc_location_id]))
    assert png["ETag"].strip('"').startswith(old["ETag"].strip('"').rsplit("-", 1)[0])


def test_an_admin_accepting_a_match_changes_the_badge_at_once(client, django_capture_on_commit_callbacks):
    """Not only imports: an admin's decision is a new data version too, so no remembered badge outlives it."""
    from providers.register import matching
    from providers.register.models import NameMatchCandidate

    organisation = organisation_with_status(ods_code="VBADM", status="met", year_start=2025,
                                            published_on=dt.date(2026, 6, 1), status_text="x")
    location = LocationFactory(name="Admin Decides Home", ods_code="")
    rematch_locations()
    url = reverse("badge", args=[location.cqc_location_id])
    before = client.get(url)
    assert ">No record found<" in before.content.decode()
    assert client.get(url, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 304
    candidate = NameMatchCandidate.objects.create(provider=location.provider, organisation=organisation, similarity=0.9)
    with django_capture_on_commit_callbacks(execute=True):
        matching.accept_candidate(candidate=candidate, user="admin")
    after = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and ">Meets the standard<" in after.content.decode()
