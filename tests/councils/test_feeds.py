"""Atom feeds of result changes, per area and per service, from the history of results we keep."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from providers.councils.feeds import CHANGED, PUBLISHED, STOPPED, changes_for
from providers.register.models import Location
from tests.factories import DsptAssessmentFactory, LocationFactory, organisation_with_status

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def history():
    """Oak House: met in 2023-24, then only approaching for 2024-25 (a change).
    Elm Court: met in 2023-24 and nothing newer, so it stopped counting on 1 July 2025."""
    oak_org = organisation_with_status(ods_code="VOAK1", status="met", year_start=2023,
                                       published_on=dt.date(2024, 6, 20), status_text="23/24 Standards Met")
    newer = DsptAssessmentFactory(organisation=oak_org, status="approaching", year_start=2024,
                                  published_on=dt.date(2025, 6, 10), status_text="24/25 Approaching Standards")
    oak_org.current_assessment = newer
    oak_org.save()
    elm_org = organisation_with_status(ods_code="VELM1", status="met", year_start=2023,
                                       published_on=dt.date(2024, 5, 2), status_text="23/24 Standards Met")
    oak = LocationFactory(name="Oak House", cqc_location_id="1-111", dspt_organisation=oak_org, dspt_match="location")
    elm = LocationFactory(name="Elm Court", cqc_location_id="1-222", dspt_organisation=elm_org, dspt_match="location")
    LocationFactory(name="Leeds Place", local_authority="Leeds", town="Leeds", cqc_location_id="1-333",
                    dspt_organisation=elm_org, dspt_match="provider")
    return oak, elm


def test_the_changes_are_new_results_changed_results_and_results_that_stopped_counting(history):
    changes = changes_for(Location.objects.in_area("Liverpool"), today=dt.date(2026, 12, 1))
    seen = [(c.location.name, c.kind, c.on) for c in changes]
    assert seen == [
        ("Oak House", STOPPED, dt.date(2026, 7, 1)),  # 2024-25 counted until 30 June 2026
        ("Elm Court", STOPPED, dt.date(2025, 7, 1)),  # 2023-24 counted until 30 June 2025
        ("Oak House", CHANGED, dt.date(2025, 6, 10)),
        ("Oak House", PUBLISHED, dt.date(2024, 6, 20)),
        ("Elm Court", PUBLISHED, dt.date(2024, 5, 2)),
    ]
    changed = changes[2]
    assert changed.title == "Oak House: result changed from Meets the standard to Working towards the standard"
    # Before the deadline a result has not stopped counting yet.
    early = changes_for(Location.objects.in_area("Liverpool"), today=dt.date(2025, 6, 30))
    assert STOPPED not in [c.kind for c in early]


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def test_the_area_feed_is_atom_with_a_stable_id_for_each_change(client, history):
    feed = parse(client.get(reverse("area_feed", args=["liverpool"])))
    assert feed.find(f"{ATOM}title").text == "Data security check results: care services in Liverpool"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 5
    titles = [entry.find(f"{ATOM}title").text for entry in entries]
    assert "Elm Court: result stopped counting (2023-24 was too old from 1 July 2025)" in titles
    assert all(entry.find(f"{ATOM}link").get("href").startswith("http://testserver/services/1-") for entry in entries)
    ids = [entry.find(f"{ATOM}id").text for entry in entries]
    assert len(set(ids)) == 5 and ids == [e.find(f"{ATOM}id").text for e in
                                           parse(client.get(reverse("area_feed", args=["liverpool"]))).findall(f"{ATOM}entry")]
    assert "Leeds Place" not in client.get(reverse("area_feed", args=["liverpool"])).content.decode()


def test_the_service_feed_has_only_that_service(client, history):
    oak, _ = history
    feed = parse(client.get(reverse("service_feed", args=[oak.cqc_location_id])))
    titles = [entry.find(f"{ATOM}title").text for entry in feed.findall(f"{ATOM}entry")]
    assert len(titles) == 3 and all(title.startswith("Oak House:") for title in titles)


def test_feeds_are_linked_from_their_pages_and_explained(client, history):
    area = client.get(reverse("area", args=["liverpool"])).content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in area and "/areas/liverpool/feed.atom" in area
    assert "Follow changes:" in area
    service = client.get(reverse("service", args=["1-111"])).content.decode()
    assert 'href="/services/1-111/feed.atom"' in service and "Follow changes:" in service


def test_unknown_areas_and_services_have_no_feed(client, db):
    assert client.get("/areas/atlantis/feed.atom").status_code == 404
    assert client.get("/services/1-0/feed.atom").status_code == 404


def test_names_from_files_are_escaped_in_feeds(client, history):
    Location.objects.filter(cqc_location_id="1-111").update(name="Oak <script>alert(1)</script> House")
    body = client.get(reverse("service_feed", args=["1-111"])).content.decode()
    assert "<script>" not in body and "&lt;script&gt;" in body
