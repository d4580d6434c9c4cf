"""The live badge a provider can show on its own website, and the link box."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from providers.dspt_status import ALL_STATUSES
from providers.services.matching import rematch_locations
from tests.factories import LocationFactory, organisation_with_status

pytestmark = pytest.mark.django_db

# (status, year) that give each plain status on any day from 1 July 2026 to 30 June 2027.
CASES = {
    "meets": ("met", 2025), "approaching": ("approaching", 2025), "not_met": ("not_met", 2025),
    "out_of_date": ("met", 2021), "not_published": ("not_published", None),
    "unknown": ("other", 2018),
}


def make_service(code, name="Badge Test Home"):
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
    from unittest import mock

    location = make_service(status.code)
    with mock.patch("django.utils.timezone.localdate", return_value=dt.date(2026, 11, 25)):
        response = client.get(reverse("badge", args=[location.cqc_location_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    svg = response.content.decode()
    assert f">{status.label}" in svg
    assert '<title id="badge-title">Badge Test Home: ' + status.label in svg
    assert 'role="img"' in svg and 'aria-labelledby="badge-title"' in svg
    if status.code in ("meets", "approaching", "not_met"):
        assert "2025-26" in svg


def test_badge_headers_allow_embedding_and_short_caching(client):
    location = make_service("meets")
    response = client.get(reverse("badge", args=[location.cqc_location_id]))
    assert response["Cache-Control"] == "public, max-age=900"
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert "<script" not in response.content.decode()


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
    assert "alt=&quot;Quote &amp;quot;Test&amp;quot; Home: Meets the standard" in snippet
