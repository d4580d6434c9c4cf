"""One care service, one shape: the API, the downloads and the feeds say the same, field by field."""

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from providers.councils.exports import safe_cell
from providers.register.shape import COLUMNS

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
LODGE = "1-545611300"  # Sunnyside Lodge, Liverpool: its own 2025-26 check


def streamed(response) -> str:
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8-sig")


def csv_row(text: str) -> dict:
    return next(row for row in csv.DictReader(io.StringIO(text)) if row["CQC location ID"] == LODGE)


def test_the_api_the_downloads_and_the_feed_agree_on_one_service(client, sample_loaded):
    api = client.get(reverse("api_service", args=[LODGE])).json()
    del api["data_as_of"]  # the one-service answer's extra (the downloads carry its results over time too)

    download = json.loads(streamed(client.get(reverse("download_services_json"))))
    assert next(s for s in download["services"] if s["cqc_location_id"] == LODGE) == api

    for text in (streamed(client.get(reverse("download_services_csv"))),
                 streamed(client.get(reverse("area_csv", args=["liverpool"])))):
        row = csv_row(text)
        assert list(row) == [column.heading for column in COLUMNS]
        for column in COLUMNS:
            assert row[column.heading] == safe_cell(column.value(api)), column.path

    feed = ET.fromstring(client.get(reverse("service_feed", args=[LODGE])).content)
    entries = feed.findall(f"{ATOM}entry")
    assert entries
    for entry in entries:
        assert entry.find(f"{ATOM}link").get("href") == api["url"]
        assert entry.find(f"{ATOM}title").text.startswith(api["name"])
        summary = entry.find(f"{ATOM}summary").text
        assert f"Today: {api['dspt']['label']}. {api['dspt']['summary']}" in summary


def test_type_and_published_by_mean_one_thing(client, sample_loaded):
    api = client.get(reverse("api_service", args=[LODGE])).json()
    assert api["type"] == "care_home" and api["type_label"] == "Care home"
    # published_by is the old name of match_method; the publisher is the organisation.
    assert api["dspt"]["published_by"] == api["dspt"]["match_method"] == "location"
    assert api["dspt"]["organisation"]["name"] == "SUNNYSIDE LODGE"
    row = csv_row(streamed(client.get(reverse("download_services_csv"))))
    assert row["Type of service"] == "Care home" and row["DSPT record published by"] == "SUNNYSIDE LODGE"
    document = client.get(reverse("api_openapi")).json()
    assert document["components"]["schemas"]["Dspt"]["properties"]["published_by"]["deprecated"] is True
