"""Results over time (issue 40): every DSPT result a service has had, on its page, its Easy Read page, its
provider's page, the API and the downloads; and an older publication imported as history."""

import csv
import datetime as dt
import io
import json
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse

from providers.imports.models import ImportRun
from providers.imports.sources import import_dspt_file
from providers.register.matching import rematch_locations
from providers.register.models import DsptAssessment, DsptOrganisation, Location
from providers.results import track_record
from tests.factories import LocationFactory
from tests.imports.test_real_files import DSPT_2019, real_rows

pytestmark = pytest.mark.django_db

HEADER = 'Code,Organisation Name,Status,Date Of Publication,Primary Sector,"Integrated Care Board (where available, from ODS)"\n'
# A day the test means: the 2024-25 result counts (until 30 June 2026), the 2023-24 one no longer does.
TODAY = dt.datetime(2025, 9, 1, 10, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture
def two_years(write_file, time_machine):
    """One care home and the two DSPT files that published its last two results."""
    time_machine.move_to(TODAY, tick=False)
    location = LocationFactory(ods_code="VLH01", name="Larch House")
    older = write_file("DSPT search results 20_09_2024 09_00_00.csv",
                       HEADER + "VLH01,LARCH HOUSE,23/24 Standards Met,14/06/2024,Care Home,\n")
    newer = write_file("DSPT search results 18_08_2025 09_00_00.csv",
                       HEADER + "VLH01,LARCH HOUSE,24/25 Standards Exceeded,02/05/2025,Care Home,\n")
    for path in (older, newer):
        assert import_dspt_file(path=path).state == ImportRun.State.SUCCEEDED
    rematch_locations()
    return location


def test_both_results_show_with_their_dates_on_the_page(client, two_years):
    html = client.get(reverse("service", args=[two_years.cqc_location_id])).content.decode()
    history = html[html.index('id="history"'):html.index('id="questions"') if 'id="questions"' in html else None]
    # The chart: a box a DSPT year, in words.
    assert "2023-24" in history and "2024-25" in history and ">Met<" in history and ">Exceeded<" in history
    rows = history[history.index("<tbody"):history.index("</tbody>")].split("<tr")[1:]
    assert len(rows) == 2
    newest, oldest = rows
    assert "Exceeds the standard" in newest and "24/25 Standards Exceeded" in newest and "2 May 2025" in newest
    assert "2 May 2025 to 30 June 2026 (counts now)" in newest
    assert "DSPT search results 18_08_2025 09_00_00.csv (18 August 2025)" in newest
    assert "Meets the standard" in oldest and "14 June 2024 to 30 June 2025" in oldest and "counts now" not in oldest
    assert "DSPT search results 20_09_2024 09_00_00.csv" in oldest


def test_both_results_show_on_the_easy_read_page(client, two_years):
    html = client.get(reverse("service_easy_read", args=[two_years.cqc_location_id])).content.decode()
    part = html[html.index('id="history"'):]
    assert part.index("In 2024-25 they met the standard and had their computers tested.") < part.index(
        "In 2023-24 they said they met the standard.")
    assert "images/easy-read/tick" in part  # a picture beside each sentence


def test_both_results_are_in_the_api_with_their_dates_and_files(client, two_years):
    data = client.get(reverse("api_service", args=[two_years.cqc_location_id])).json()
    assert [(r["year"], r["result_then"], r["published_on"], r["counted_from"], r["counted_until"], r["counts_today"])
            for r in data["history"]] == [
        ("2024-25", "exceeds", "2025-05-02", "2025-05-02", "2026-06-30", True),
        ("2023-24", "meets", "2024-06-14", "2024-06-14", "2025-06-30", False),
    ]
    assert data["history"][1]["from_file"] == {"name": "DSPT search results 20_09_2024 09_00_00.csv",
                                               "data_as_of": "2024-09-20"}


def test_both_results_are_in_the_downloads_and_on_the_provider_page(client, two_years):
    response = client.get(reverse("download_services_csv"))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    row = next(r for r in csv.DictReader(io.StringIO(text)) if r["CQC location ID"] == two_years.cqc_location_id)
    assert row["DSPT results over time"] == (
        "2024-25 24/25 Standards Exceeded, published 2025-05-02, counted until 2026-06-30; "
        "2023-24 23/24 Standards Met, published 2024-06-14, counted until 2025-06-30")
    html = client.get(reverse("provider", args=[two_years.provider.cqc_provider_id])).content.decode()
    assert "Results by year: 2023-24 Met · 2024-25 Exceeded" in html


def test_a_year_without_a_result_is_shown_as_a_gap():
    class Record:  # the fields track_record reads from a DsptAssessment
        def __init__(self, pk, year, published):
            self.pk, self.status, self.year_start, self.published_on = pk, "met", year, published
            self.status_text = f"{year % 100}/{year % 100 + 1} Standards Met"

    records = track_record.past_results([Record(1, 2021, dt.date(2022, 6, 1)), Record(2, 2023, dt.date(2024, 6, 1))],
                                        today=dt.date(2025, 9, 1))
    glance = track_record.years_at_a_glance(records, today=dt.date(2025, 9, 1))
    assert [(year.year_label, year.words) for year in glance] == [
        ("2021-22", "Met"), ("2022-23", "No result"), ("2023-24", "Met"), ("2024-25", "No result")]
    assert [record.counts_today for record in records] == [False, False]


def _current_file_from_2019_codes(write_file, count: int):
    """A current (2025) file for the first `count` care homes of the real 2019 publication."""
    homes = [row for row in real_rows(DSPT_2019) if row["Primary Sector"] == "Care Home"
             and row["Status"] == "18/19 Standards Met"][:count]
    lines = "".join(f'{row["Code"]},"{row["Organisation Name"]}",24/25 Standards Met,02/05/2025,Care Home,\n'
                    for row in homes)
    return write_file("DSPT search results 18_08_2025 09_00_00.csv", HEADER + lines), homes


def test_the_real_2019_publication_imports_as_history_and_changes_no_current_result(write_file, time_machine):
    time_machine.move_to(TODAY, tick=False)
    current, homes = _current_file_from_2019_codes(write_file, 300)
    assert import_dspt_file(path=current).state == ImportRun.State.SUCCEEDED
    for row in homes[:40]:
        LocationFactory(ods_code=row["Code"])
    rematch_locations()
    before_results = {loc.cqc_location_id: loc.dspt_result(TODAY.date())
                      for loc in Location.objects.with_dspt_status()}
    before_organisations = list(DsptOrganisation.objects.order_by("pk").values())

    out = io.StringIO()
    call_command("import_dspt", str(DSPT_2019), "--history", "--no-progress", stdout=out)
    run = ImportRun.objects.latest("pk")
    assert run.state == ImportRun.State.SUCCEEDED and run.data_as_of == dt.date(2019, 6, 17)
    # Every one of the 300 held organisations had a 2019 record: 300 added; the other 31,482 rows with a code
    # are organisations we do not hold, left out.
    assert (run.added, run.unchanged) == (300, 0)
    assert "31482 organisations in the file are not in our data" in run.message
    assert "No current result changed" in out.getvalue()
    assert DsptAssessment.objects.filter(first_import=run, year_start=2018, published_on__year__in=[2018, 2019]).count() == 300
    assert DsptOrganisation.objects.count() == 300
    assert list(DsptOrganisation.objects.order_by("pk").values()) == before_organisations
    after = {loc.cqc_location_id: loc.dspt_result(TODAY.date()) for loc in Location.objects.with_dspt_status()}
    assert after == before_results
    # Imported again, it adds nothing.
    call_command("import_dspt", str(DSPT_2019), "--history", "--no-progress", stdout=io.StringIO())
    assert ImportRun.objects.latest("pk").added == 0


def test_a_newer_file_is_refused_as_history(write_file, time_machine):
    time_machine.move_to(TODAY, tick=False)
    older = write_file("DSPT search results 20_09_2024 09_00_00.csv",
                       HEADER + "VLH01,LARCH HOUSE,23/24 Standards Met,14/06/2024,Care Home,\n")
    newer = write_file("DSPT search results 18_08_2025 09_00_00.csv",
                       HEADER + "VLH01,LARCH HOUSE,24/25 Standards Met,02/05/2025,Care Home,\n")
    import_dspt_file(path=older)
    run = import_dspt_file(path=newer, as_history=True)
    assert run.state == ImportRun.State.FAILED and "newer than the DSPT data we hold" in run.message
    assert DsptAssessment.objects.count() == 1


def test_the_api_history_is_json_schema_shaped(client, two_years):
    schema = client.get("/api/v1/openapi.json").json()
    past = schema["components"]["schemas"]["PastRecord"]["properties"]
    assert {"result_then", "counted_from", "counted_until", "counts_today", "from_file"} <= set(past)
    assert json.dumps(client.get(reverse("api_service", args=[two_years.cqc_location_id])).json())
