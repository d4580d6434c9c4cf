"""Area pages for council advisers: list, filter, sort, and a CSV that is safe to open."""

import csv
import io

import pytest
from django.urls import reverse

from providers.councils.exports import safe_cell
from tests.factories import LocationFactory, ProviderFactory

pytestmark = pytest.mark.django_db


def download(client, slug, **params):
    response = client.get(reverse("area_csv", args=[slug]), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="dspt-lookup-{slug}.csv"' in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    assert data.startswith(b"\xef\xbb\xbf")  # the byte-order mark that makes Excel read UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_areas_index_lists_local_authorities(client, sample_loaded):
    html = client.get(reverse("areas")).content.decode()
    assert 'href="/areas/leeds/"' in html and "Leeds</a> (5 care services)" in html
    assert 'href="/areas/bristol-city-of/"' in html


def test_area_page_lists_every_service_with_its_status(client, sample_loaded):
    html = client.get(reverse("area", args=["liverpool"])).content.decode()
    assert "<h1>Care services in Liverpool</h1>" in html
    for name in ("Sunny Side Care Home", "Sunnyside Lodge", "Sunny Side House", "Helping Hands Liverpool", "Riverside Extra Care"):
        assert name in html
    assert "5 care services" in html
    assert 'data-status="approaching"' in html


def test_area_filter_and_sort(client, sample_loaded):
    html = client.get(reverse("area", args=["leeds"]), {"type": "care_home"}).content.decode()
    assert "Saint Mary&#x27;s House" in html and "Helping Hands Leeds" not in html
    by_status = client.get(reverse("area", args=["leeds"]), {"sort": "status"}).content.decode()
    order = [by_status.index(n) for n in ("Helping Hands Leeds", "Saint Mary&#x27;s House", "St Joseph&#x27;s Nursing Home")]
    assert order == sorted(order)  # meets, then does not meet, then out of date
    assert client.get(reverse("area", args=["leeds"]), {"sort": "nonsense", "type": "x"}).status_code == 200


def test_unknown_area_is_a_404(client, sample_loaded):
    assert client.get(reverse("area", args=["atlantis"])).status_code == 404


def test_csv_download(client, sample_loaded):
    rows = download(client, "liverpool")
    headings = rows[0]
    assert headings[:3] == ["CQC location ID", "Name", "Provider"]
    by_id = {row[0]: dict(zip(headings, row)) for row in rows[1:]}
    lodge = by_id["1-545611300"]
    assert lodge["Name"] == "Sunnyside Lodge" and lodge["Postcode"] == "L8 1AA"
    assert lodge["DSPT result"] == "Working towards the standard"
    assert lodge["DSPT result as published"] == "25/26 Approaching Standards"
    assert lodge["DSPT year"] == "2025-26" and lodge["Date published"] == "2026-06-30"
    assert lodge["Counts until"] == "2027-06-30"  # a 2025-26 result counts until the 2026-27 deadline
    assert lodge["DSPT record published by"] == "SUNNYSIDE LODGE" and lodge["How the record was found"] == "Its own code"
    assert lodge["Not providing care now"] == "No" and lodge["Phone"]
    assert lodge["Page"] == "http://testserver/services/1-545611300/"
    midshires = by_id["1-10553191100"]
    assert (midshires["DSPT record published by"], midshires["How the record was found"]) == ("MIDSHIRES CARE LIMITED",
                                                                                 "Its provider's code")
    assert len(rows) == 6


def test_csv_follows_the_filters(client, sample_loaded):
    rows = download(client, "liverpool", status="meets")
    assert {row[1] for row in rows[1:]} == {"Sunny Side Care Home", "Helping Hands Liverpool"}
    # Standards Exceeded is its own result, with its own filter.
    rows = download(client, "liverpool", status="exceeds")
    assert {row[1] for row in rows[1:]} == {"Sunny Side House"}


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://evil\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"])
def test_safe_cell_neutralises_formulas(value):
    assert safe_cell(value) == "'" + value


def test_safe_cell_leaves_plain_text():
    assert safe_cell("Sunny Side") == "Sunny Side" and safe_cell(None) == "" and safe_cell(42) == "42"


def test_csv_guards_against_formula_injection_in_imported_names(client, db):
    provider = ProviderFactory(name="@evil provider")
    LocationFactory(name='=HYPERLINK("http://evil.example","Click")', provider=provider, local_authority="Testshire")
    rows = download(client, "testshire")
    assert rows[1][1] == "'=HYPERLINK(\"http://evil.example\",\"Click\")"
    assert rows[1][2] == "'@evil provider"


def test_csv_keeps_html_as_plain_text(client, sample_loaded):
    rows = download(client, "leeds")
    assert any(row[1] == "<b>Bold</b> Care & Co" for row in rows)


def test_a_large_area_is_shown_a_page_at_a_time_but_downloaded_whole(client, sample_loaded, monkeypatch):
    from providers.councils import views

    monkeypatch.setattr(views, "AREA_PAGE_SIZE", 2)
    first = client.get("/areas/liverpool/").content.decode()
    total = first.count("/services/1-")
    assert total == 2 and "1 to 2 shown" in first and "page=2" in first
    second = client.get("/areas/liverpool/?page=2").content.decode()
    assert "3 to " in second and "Previous" in second
    assert client.get("/areas/liverpool/?page=999").status_code == 200  # the last page, not an error
    rows = list(csv.reader(io.StringIO(b"".join(client.get("/areas/liverpool.csv").streaming_content).decode())))
    assert len(rows) - 1 > 2  # the CSV has every service


def test_the_summary_counts_what_the_filters_show(client, sample_loaded):
    import re

    def summary(html):
        table = re.search(r'<table class="nhsuk-table app-area-summary">.*?</table>', html, re.S).group(0)
        return [int(n) for n in re.findall(r'numeric">(\d+)</td>', table)]

    whole = summary(client.get("/areas/liverpool/").content.decode())
    assert sum(whole) == 5
    meets = summary(client.get("/areas/liverpool/", {"status": "meets"}).content.decode())
    assert sum(meets) == 2 and sum(meets) < sum(whole)
