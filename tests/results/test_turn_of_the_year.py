"""The turn of the DSPT year and of the calendar, on every page and output that shows a result.

A 2025-26 result counts until 30 June 2027 (the deadline for 2026-27) and is
out of date on 1 July 2027, with no new import. New Year changes nothing.
29 February is a day like any other. Each test names the days it means.
"""

import csv
import datetime as dt
import io
import re
import xml.etree.ElementTree as ET
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from providers.register.models import Location
from tests.factories import LocationFactory, organisation_with_status

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
ATOM = "{http://www.w3.org/2005/Atom}"
ID = "1-700000001"


def day(year: int, month: int, date: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, date, hour, 0, tzinfo=LONDON)


@pytest.fixture
def service(time_machine):
    """Oak House, Liverpool: its own 2025-26 check, Standards Met, published 20 June 2026 (imported then)."""
    time_machine.move_to(day(2026, 6, 21), tick=False)
    organisation = organisation_with_status(ods_code="VOAK7", status="met", year_start=2025,
                                            published_on=dt.date(2026, 6, 20), status_text="25/26 Standards Met")
    return LocationFactory(name="Oak House", cqc_location_id=ID, dspt_organisation=organisation,
                           dspt_match=Location.DsptMatch.LOCATION)


def text_of(response) -> str:
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8-sig") if response.streaming else response.content.decode()


def csv_result(client) -> str:
    rows = csv.DictReader(io.StringIO(text_of(client.get(reverse("download_services_csv")))))
    return next(row for row in rows if row["CQC location ID"] == ID)["DSPT result"]


def feed_titles(client) -> list[str]:
    feed = ET.fromstring(client.get(reverse("service_feed", args=[ID])).content)
    return [entry.find(f"{ATOM}title").text for entry in feed.findall(f"{ATOM}entry")]


def test_a_result_counts_on_30_june_and_is_out_of_date_on_1_july_everywhere(client, service, time_machine):
    time_machine.move_to(day(2027, 6, 30, 23), tick=False)
    page = text_of(client.get(reverse("service", args=[ID])))
    assert "Meets the standard" in page and "Counts until 30 June 2027" in page
    assert "Meets the standard" in text_of(client.get(reverse("service_easy_read", args=[ID])))
    badge = client.get(reverse("badge", args=[ID]))
    assert "Meets the standard" in text_of(badge) and "2025-26 result" in badge.content.decode()
    api = client.get(reverse("api_service", args=[ID])).json()["dspt"]
    assert (api["status"], api["is_current"], api["counts_until"]) == ("meets", True, "2027-06-30")
    assert csv_result(client) == "Meets the standard"
    assert not any("stopped counting" in title for title in feed_titles(client))

    time_machine.move_to(day(2027, 7, 1, 0), tick=False)  # a minute past midnight would do: the day is what counts
    page = text_of(client.get(reverse("service", args=[ID])))
    assert "Out of date" in page and "Stopped counting on 1 July 2027" in page and "Counts until" not in page
    assert "Out of date" in text_of(client.get(reverse("service_easy_read", args=[ID])))
    api = client.get(reverse("api_service", args=[ID])).json()["dspt"]
    assert (api["status"], api["is_current"], api["stopped_counting_on"]) == ("out_of_date", False, "2027-07-01")
    assert csv_result(client) == "Out of date"
    assert "Oak House: result stopped counting (2025-26 was too old from 1 July 2027)" in feed_titles(client)


def test_the_badge_changes_its_etag_on_1_july_without_a_new_import(client, service, time_machine):
    time_machine.move_to(day(2027, 6, 30), tick=False)
    before = client.get(reverse("badge", args=[ID]))
    assert client.get(reverse("badge", args=[ID]), HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 304
    png = client.get(reverse("badge_png", args=[ID]))

    time_machine.move_to(day(2027, 7, 1), tick=False)
    after = client.get(reverse("badge", args=[ID]), HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and after["ETag"] != before["ETag"] and "Out of date" in after.content.decode()
    assert client.get(reverse("badge_png", args=[ID]), HTTP_IF_NONE_MATCH=png["ETag"]).status_code == 200
    # A cache that only sends If-Modified-Since gets the new badge too: it changed at the start of 1 July.
    since = client.get(reverse("badge", args=[ID]), HTTP_IF_MODIFIED_SINCE=before["Last-Modified"])
    assert since.status_code == 200 and after["Last-Modified"] == "Wed, 30 Jun 2027 23:00:00 GMT"  # 00:00 BST


def test_the_area_dashboard_gains_the_new_dspt_year_on_1_july(client, service, time_machine):
    """The newest year shown is the one services are publishing for: 2026-27 until its deadline, then 2027-28."""
    def years_charted() -> list[str]:
        html = text_of(client.get(reverse("area", args=["liverpool"])))
        chart = html[html.index("chart-year"):]
        return re.findall(r'font-weight="bold">(\d{4}-\d\d)</text>', chart[:chart.index("</svg>")])

    time_machine.move_to(day(2027, 6, 30), tick=False)
    assert years_charted() == ["2021-22", "2022-23", "2023-24", "2024-25", "2025-26", "2026-27"]
    time_machine.move_to(day(2027, 7, 1), tick=False)
    assert years_charted() == ["2022-23", "2023-24", "2024-25", "2025-26", "2026-27", "2027-28"]


def test_new_year_changes_nothing(client, service, time_machine):
    seen = []
    for moment in (day(2026, 12, 31, 23), day(2027, 1, 1, 0)):
        time_machine.move_to(moment, tick=False)
        api = client.get(reverse("api_service", args=[ID])).json()["dspt"]
        area = text_of(client.get(reverse("area", args=["liverpool"])))
        seen.append((api["status"], api["counts_until"], area.count('<option value="20')))
    assert seen[0] == seen[1] == ("meets", "2027-06-30", seen[0][2])


def test_29_february_is_a_day_like_any_other(client, time_machine):
    time_machine.move_to(day(2028, 2, 29), tick=False)
    organisation = organisation_with_status(ods_code="VLEAP", status="met", year_start=2026,
                                            published_on=dt.date(2028, 2, 29), status_text="26/27 Standards Met")
    LocationFactory(name="Leap House", cqc_location_id=ID, dspt_organisation=organisation,
                    dspt_match=Location.DsptMatch.LOCATION)
    page = text_of(client.get(reverse("service", args=[ID])))
    assert "Published on 29 February 2028" in page and "Counts until 30 June 2028" in page
    api = client.get(reverse("api_service", args=[ID])).json()["dspt"]
    assert api["published_on"] == "2028-02-29" and api["status"] == "meets"
    assert "Meets the standard" in text_of(client.get(reverse("badge", args=[ID])))
    assert csv_result(client) == "Meets the standard"
    assert text_of(client.get(reverse("area", args=["liverpool"])))
