"""The management commands: clear output, and a non-zero exit when a file is rejected."""

import datetime as dt
import re

import pytest
from django.core.management import CommandError, call_command

from providers.imports.models import ImportRun
from providers.register.models import DsptOrganisation, Location
from tests.conftest import SAMPLE_DSPT, SAMPLE_ODS

pytestmark = pytest.mark.django_db


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command(*args, "--no-progress", stdout=out)
    return out.getvalue()


def test_import_cqc_reports_counts():
    output = run("import_cqc", str(SAMPLE_ODS))
    assert "rows read: 28" in output
    assert "added: 26, changed: 0, unchanged: 0, removed: 0 (were written)" in output
    assert "1 × not adult social care (Hospitals)" in output
    assert Location.objects.count() == 26


def test_import_cqc_dry_run_writes_nothing():
    output = run("import_cqc", str(SAMPLE_ODS), "--dry-run")
    assert "(would be written)" in output and "Preview only" in output
    assert Location.objects.count() == 0


def test_import_dspt_then_again_is_unchanged():
    run("import_dspt", str(SAMPLE_DSPT))
    output = run("import_dspt", str(SAMPLE_DSPT))
    assert "added: 0, changed: 0, unchanged: 26" in output
    assert DsptOrganisation.objects.count() == 26


def test_a_rejected_file_exits_with_an_error_and_lists_rows(write_file):
    path = write_file("bad.csv", "Code,Organisation Name,Status,Date Of Publication\nA1B2,X,24/25 Standards Met,31/02/2025\n")
    with pytest.raises(CommandError, match="Nothing was imported"):
        run("import_dspt", str(path))


def test_a_missing_file():
    with pytest.raises(CommandError, match="There is no file at"):
        run("import_cqc", "/no/such/file.ods")


def load_sample() -> str:
    from io import StringIO

    out = StringIO()
    call_command("load_sample_data", stdout=out)
    return out.getvalue()


def test_load_sample_data_only_into_an_empty_database_or_one_that_holds_only_the_sample(time_machine):
    assert "Sample data loaded." in load_sample()
    assert Location.objects.count() == 26 and DsptOrganisation.objects.count() == 26
    assert "already loaded and up to date" in load_sample()
    ImportRun.objects.create(kind="dspt", file_name="real.csv", state="succeeded", started_by="an admin")
    time_machine.move_to(dt.datetime(2029, 1, 1, 10, 0, tzinfo=dt.timezone.utc))
    assert "leaving them alone" in load_sample()  # real data is never touched


@pytest.mark.parametrize("today", [dt.date(2026, 12, 6), dt.date(2027, 7, 1), dt.date(2027, 7, 14), dt.date(2028, 2, 29),
                                   dt.date(2031, 1, 1)])
def test_the_sample_is_current_on_any_date(client, time_machine, today):
    """make run's sample shows the normal mix of results and no out-of-date banner, whatever the date."""
    from providers import freshness

    time_machine.move_to(dt.datetime.combine(today, dt.time(10), tzinfo=dt.timezone.utc), tick=False)
    assert "Sample data loaded." in load_sample()
    counts = Location.objects.registered().status_counts(today)
    assert counts["meets"] >= 8 and counts["exceeds"] and counts["approaching"] and counts["not_met"]
    assert counts["out_of_date"] == 6 and counts["not_published"] == 2  # as in the November 2026 snapshot
    freshness.forget()
    home = client.get("/").content.decode()
    assert "app-freshness-warning" not in home
    # Days later the same database is brought up to date again, by `make run`.
    time_machine.move_to(dt.datetime.combine(today + dt.timedelta(days=40), dt.time(10), tzinfo=dt.timezone.utc))
    assert "Bringing the sample's dates up to today." in load_sample()
    freshness.forget()
    assert "app-freshness-warning" not in client.get("/").content.decode()


def test_import_postcodes_command():
    from providers.search.models import Postcode
    from tests.conftest import FIXTURES

    output = run("import_postcodes", str(FIXTURES / "postcodes_sample.csv"))
    assert "The postcode table now holds 5 postcodes" in output
    assert Postcode.objects.count() == 5


def test_import_cqc_allow_removals_flag():
    from tests.conftest import SAMPLE_DIRECTORY

    run("import_cqc", str(SAMPLE_ODS))
    with pytest.raises(CommandError, match="--allow-removals"):
        run("import_cqc", str(SAMPLE_DIRECTORY))
    assert "(were written)" in run("import_cqc", str(SAMPLE_DIRECTORY), "--allow-removals")


def test_a_dry_run_lists_every_service_it_would_deregister():
    from tests.conftest import SAMPLE_DIRECTORY

    run("import_cqc", str(SAMPLE_ODS))
    output = run("import_cqc", str(SAMPLE_DIRECTORY), "--dry-run")
    assert "14 no longer listed (would be marked as no longer registered):" in output
    listed = [line for line in output.splitlines() if re.fullmatch(r"    .+ \(1-\d+\)", line)]
    assert len(listed) == 14 and "    Ashfield Shared Lives Scheme (1-114000001)" in listed


def test_the_worker_command_runs_queued_jobs_and_stops_when_asked(transactional_db, settings, tmp_path):
    """`run_worker --until-empty` does what is queued, then stops (the long-running form is in test_worker)."""
    from io import StringIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connections

    from providers import tasks
    from providers.imports import uploads
    from providers.imports.models import ImportRun

    stored = uploads.save_upload(uploaded_file=SimpleUploadedFile(SAMPLE_ODS.name, SAMPLE_ODS.read_bytes()))
    run = uploads.queue_preview(kind="cqc", upload=stored, user="test")
    tasks.preview_upload.defer(run_id=run.pk)
    out = StringIO()
    database = connections.settings["default"]
    kept_for, database["CONN_MAX_AGE"] = database["CONN_MAX_AGE"], 0  # worker threads close their connections
    try:
        call_command("run_worker", "--until-empty", "--concurrency", "1", stdout=out)
    finally:
        database["CONN_MAX_AGE"] = kept_for
    assert "Worker started" in out.getvalue()
    run.refresh_from_db()
    assert run.state == ImportRun.State.PREVIEW and run.added == 26
