"""/api/v1/changes: a client that keeps its cursor sees each change once, in order, and then nothing new."""

import datetime as dt
import time

import pytest
from django.utils import timezone

from providers.imports.sources import import_cqc_file, import_dspt_file
from providers.history import changes as feed
from providers.results import presenter
from tests.conftest import SAMPLE_WEEK
from tests.councils.test_api import schema_validator  # noqa: F401 (a fixture)
from tests.imports.test_cqc_import import edited_sample
from tests.staff.test_record_and_undo import newer_dspt_file

pytestmark = pytest.mark.django_db


def read_all(client, cursor=None, *, validate=None, **params) -> tuple[list[dict], str]:
    """Every change from a cursor to the end, page by page, as a client would; and the cursor to keep."""
    changes = []
    while True:
        response = client.get("/api/v1/changes", {**({"cursor": cursor} if cursor else {}), **params})
        assert response.status_code == 200, response.content
        page = response.json()
        if validate:
            validate(page, "ChangesPage")
        changes += page["changes"]
        assert page["next"].endswith(f"cursor={page['next_cursor']}") or "cursor=" in page["next"]
        cursor = page["next_cursor"]
        if not page["more"]:
            return changes, cursor


def later(time_machine, **delta):
    time_machine.move_to(timezone.now() + dt.timedelta(**delta), tick=True)


def test_a_client_sees_a_newer_dspt_file_once_and_then_nothing_new(client, sample_loaded, time_machine, tmp_path,
                                                                   schema_validator):  # noqa: F811
    later(time_machine, minutes=1)
    first, cursor = read_all(client, validate=schema_validator, limit=7)  # small pages, to page through
    registered = [c for c in first if c["kind"] == "registered"]
    assert len(registered) >= 20 and len({c["service"]["cqc_location_id"] for c in registered}) == len(registered)
    assert registered[0]["why"]["source"] == "import" and registered[0]["why"]["file"].endswith(".ods")
    assert [c["at"] for c in first] == sorted(c["at"] for c in first)
    assert read_all(client, cursor)[0] == []  # nothing new since

    run = import_dspt_file(path=newer_dspt_file(tmp_path, "28_11_2026", "25/26 Approaching Standards"))
    assert run.state == "succeeded"
    assert read_all(client, cursor)[0] == []  # not settled yet: an import may still be writing at that moment
    later(time_machine, minutes=1)
    news, cursor = read_all(client, cursor, validate=schema_validator)
    assert [(c["kind"], c["service"]["cqc_location_id"]) for c in news] == [("result", "1-545611283")]
    change = news[0]
    assert change["was"]["result"] == "Meets the standard" and change["was"]["status"] == "meets"
    assert change["now"]["status"] == "approaching" and change["now"]["result"] == presenter.present("approaching").label
    assert change["summary"].startswith("Its DSPT result changed from Meets the standard to ")
    assert change["why"] == {"source": "import", "file": run.file_name, "import_run": run.pk, "note": None}
    assert read_all(client, cursor)[0] == []  # once, and then nothing new
    assert read_all(client, change["id"])[0] == []  # a change's own id is a cursor just after it


def test_a_service_renamed_closed_and_registered_and_a_result_that_stops_counting(client, sample_loaded,
                                                                                  time_machine, write_file):
    later(time_machine, minutes=1)
    _, cursor = read_all(client)

    def edit(headings, rows):  # the next CQC list: one renamed, one left out, one new
        name = headings.index("Location Name")
        rows[0][name] = "Sunny Side Care Home (renamed)"
        del rows[1]
        extra = list(rows[2])
        extra[headings.index("Location ID")], extra[name] = "1-999999999", "Brand New Home"
        rows.append(extra)

    run = import_cqc_file(path=edited_sample(write_file, edit, "23_November_2026_HSCA_Active_Locations.csv"))
    later(time_machine, minutes=1)
    news, cursor = read_all(client, cursor)
    kinds = {(c["kind"], c["service"]["cqc_location_id"]) for c in news}
    assert {("renamed", "1-545611283"), ("closed", "1-545611300"), ("registered", "1-999999999")} <= kinds
    renamed = next(c for c in news if c["kind"] == "renamed")
    assert renamed["was"] == {"name": "Sunny Side Care Home"} and renamed["now"] == {"name": "Sunny Side Care Home (renamed)"}
    assert renamed["why"]["import_run"] == run.pk
    closed = next(c for c in news if c["kind"] == "closed")
    assert closed["now"] == {"deregistered_on": "2026-11-23"}

    # 1 July 2027: every 2025-26 result not renewed stops counting, at midnight, with no file to say so.
    time_machine.move_to(dt.datetime(2027, 7, 1, 9, 0, tzinfo=SAMPLE_WEEK.tzinfo), tick=True)
    stopped, cursor = read_all(client, cursor)
    assert stopped and {c["kind"] for c in stopped} == {"stopped_counting"}
    assert all(c["at"] == "2027-06-30T23:00:00+00:00" for c in stopped)
    sunny = next(c for c in stopped if c["service"]["cqc_location_id"] == "1-545611283")
    assert sunny["was"]["result"] == "Meets the standard" and sunny["now"]["status"] == "out_of_date"
    assert sunny["why"]["source"] == "rule"
    assert read_all(client, cursor)[0] == []


def test_cursors_we_did_not_give_or_no_longer_keep(client, sample_loaded, settings):
    assert client.get("/api/v1/changes", {"cursor": "bm90IG91cnM"}).status_code == 404  # of the form, not ours
    assert client.get("/api/v1/changes", {"cursor": "../etc"}).status_code == 400  # not of the form
    old = feed.Position(timezone.now() - dt.timedelta(days=settings.HISTORY_KEEP_DAYS + 2), 0, 1, 0).encode()
    gone = client.get("/api/v1/changes", {"cursor": old})
    assert gone.status_code == 410 and "Download the full list" in gone.json()["error"]
    assert client.get("/api/v1/changes", {"since": "2026-01-01T00:00:00"}).status_code == 400  # no time zone
    assert client.get("/api/v1/changes", {"since": "0.5"}).status_code == 400  # found by schemathesis: not a time
    assert client.get("/api/v1/changes", {"limit": 0}).status_code == 400


def test_an_import_still_writing_holds_back_what_it_wrote(client, sample_loaded, time_machine):
    """Settled means no transaction still running began before: its events could land behind a given cursor."""
    from django.db import connections

    later(time_machine, minutes=1)
    settled = feed.settled_before(timezone.now())
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("SELECT 1")
            later(time_machine, seconds=30)
            import time
            time.sleep(1.2)
            held = feed.settled_before(timezone.now())
            assert held <= timezone.now() - dt.timedelta(seconds=feed.SETTLE_SECONDS + 1)
            cursor.execute("ROLLBACK")
    finally:
        other.close()
    assert feed.settled_before(timezone.now()) > held and settled < timezone.now()
