"""The national download (/download/services.csv and .json) and the page that documents its columns."""

import csv
import io
import json

import pytest
from django.urls import reverse

from providers.councils.api_schemas import Service
from providers.register.models import Location
from providers.register.shape import COLUMNS
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db


def csv_rows(client):
    response = client.get(reverse("download_services_csv"))
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="dspt-lookup-england.csv"' in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark: Excel shows "Café", not "CafÃ©"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_every_registered_service_is_in_the_csv_with_excel_ready_text(client, sample_loaded):
    rows = csv_rows(client)
    assert len(rows) == Location.objects.registered().count() == 26
    assert list(rows[0]) == [column.heading for column in COLUMNS]
    names = {row["Name"] for row in rows}
    assert "Café Court" in names  # accented letters survive
    assert {row["Local authority"] for row in rows} >= {"Liverpool", "Leeds"}


def test_a_service_no_longer_registered_is_left_out(client, sample_loaded):
    Location.objects.filter(cqc_location_id="1-545611283").update(deregistered_on="2026-11-01")
    assert "1-545611283" not in {row["CQC location ID"] for row in csv_rows(client)}


def test_formulas_in_imported_names_are_made_harmless(client, db):
    LocationFactory(name='=HYPERLINK("http://evil.example","Click")', cqc_location_id="1-999")
    (row,) = csv_rows(client)
    assert row["Name"] == "'=HYPERLINK(\"http://evil.example\",\"Click\")"


def test_the_json_download_has_the_same_services_and_the_data_date(client, sample_loaded):
    response = client.get(reverse("download_services_json"))
    assert response.status_code == 200 and response.streaming
    document = json.loads(b"".join(response.streaming_content))
    assert document["data_as_of"] == {"dspt": "2026-11-20", "cqc": "2026-11-16"}
    assert len(document["services"]) == 26
    # Each service is the one shape the API gives (providers/register/shape.py).
    assert set(document["services"][0]) == set(Service.model_fields) - {"distance_miles"} | {"history"}
    lodge = next(s for s in document["services"] if s["cqc_location_id"] == "1-545611300")
    assert lodge["dspt"]["counts_until"] == "2027-06-30" and lodge["dspt"]["match_label"] == "Its own code"


def test_the_real_lincolnshire_list_downloads_whole(client):
    from providers.imports.sources import import_cqc_file
    from tests.imports.test_real_files import LINCOLNSHIRE

    assert import_cqc_file(path=LINCOLNSHIRE).state == "succeeded"
    rows = csv_rows(client)
    assert len(rows) == 356  # every adult social care service in the real file
    assert all(row["Local authority"] == "Lincolnshire" for row in rows)
    assert all(row["DSPT result"] for row in rows)  # every one says something, even "No record found"


def test_the_columns_page_documents_every_column(client, sample_loaded):
    html = client.get(reverse("downloads")).content.decode()
    for column in COLUMNS:
        assert column.heading in html and f"<code>{column.path}</code>" in html
    assert reverse("download_services_csv") in html and reverse("download_services_json") in html
    assert "26 care services" in html
