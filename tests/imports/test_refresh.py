"""Fresh data: `refresh_data` downloads each source from a real HTTP server on 127.0.0.1 and imports it.

No outside network: tests/local_http.py serves the files, with ETags, so the
conditional requests, size and time limits and error answers are real.
"""

import hashlib
import io
import logging
import tempfile
import urllib.parse
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from providers.imports import refresh
from providers.imports.models import DataSource, ImportRun
from providers.register.models import DsptOrganisation, Location, OdsCareHome
from tests.conftest import FIXTURES, SAMPLE_DSPT, SAMPLE_ODS

pytestmark = pytest.mark.django_db

DSPT_PATH = "/downloads/" + urllib.parse.quote(SAMPLE_DSPT.name)


@pytest.fixture(autouse=True)
def sources(settings, tmp_path, file_server, monkeypatch):
    """Every source pointing at the local server; a test adds the files it needs. Temporary files in tmp_path."""
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    settings.REFRESH_SOURCES = {key: "" for key in settings.REFRESH_SOURCES}
    settings.REFRESH_SOURCES["dspt"] = file_server.url(DSPT_PATH)
    file_server.files[DSPT_PATH] = SAMPLE_DSPT.read_bytes()
    return settings.REFRESH_SOURCES


def organisations():
    return sorted(DsptOrganisation.objects.values_list("ods_code", "current_assessment__status_text"))


def test_a_new_file_is_downloaded_and_imported_like_an_upload(file_server):
    (record,) = refresh.refresh_sources(started_by="test")
    assert record.outcome == DataSource.Outcome.IMPORTED, record.message
    run = record.last_run
    assert (run.state, run.download, run.started_by) == (ImportRun.State.SUCCEEDED, "dspt", "test")
    assert run.file_name == SAMPLE_DSPT.name  # the published name, whose date is the data's date
    assert f"{run.data_as_of:%d_%m_%Y}" == "20_11_2026"
    assert DsptOrganisation.objects.count() == run.added > 20
    assert record.etag and record.last_modified == "Mon, 30 Nov 2026 08:00:00 GMT"
    assert not list(Path(tempfile.gettempdir()).glob("dsptlookup-download-*"))  # the download is not kept


def test_an_unchanged_file_is_not_downloaded_or_imported_twice(file_server):
    refresh.refresh_sources(started_by="test")
    runs_before = ImportRun.objects.count()
    (record,) = refresh.refresh_sources(started_by="test")
    assert record.outcome == DataSource.Outcome.UNCHANGED
    assert file_server.requests[-1][1] == DataSource.objects.get(key="dspt").etag  # asked If-None-Match
    assert ImportRun.objects.count() == runs_before

    # A server that ignores ETags: the same bytes are still recognised, and not imported again.
    file_server.headers[DSPT_PATH] = {}
    DataSource.objects.filter(key="dspt").update(etag="", last_modified="")
    (record,) = refresh.refresh_sources(started_by="test")
    assert record.outcome == DataSource.Outcome.UNCHANGED and "same as the one imported" in record.message
    assert ImportRun.objects.count() == runs_before


def test_a_changed_file_is_imported_again(file_server):
    refresh.refresh_sources(started_by="test")
    changed = SAMPLE_DSPT.read_text(encoding="utf-8").replace("25/26 Standards Met,12/06/2026",
                                                              "25/26 Standards Exceeded,12/06/2026", 1)
    file_server.files[DSPT_PATH] = changed.encode()
    (record,) = refresh.refresh_sources(started_by="test")
    assert record.outcome == DataSource.Outcome.IMPORTED and record.last_run.changed >= 1


@pytest.mark.parametrize("problem, words", [
    ("server error", "The server answered 500"),
    ("not found", "The server answered 404"),
    ("too big", "more than the 100 bytes we accept"),
    ("too slow", "took more than"),
    ("not a data file", "is not a .csv, .xlsx, .ods or .zip file"),
    ("no server", "Could not reach"),
])
def test_a_failed_download_changes_nothing_and_is_shown_and_logged(file_server, settings, sources, caplog,
                                                                    admin_client, problem, words):
    refresh.refresh_sources(started_by="test")
    before = organisations()
    if problem == "server error":
        file_server.status = 500
    elif problem == "not found":
        sources["dspt"] = file_server.url("/gone.csv")
    elif problem == "too big":
        file_server.files[DSPT_PATH] += b"\n"  # a new file, so the server sends it
        settings.REFRESH_MAX_BYTES = 100
    elif problem == "too slow":
        file_server.files[DSPT_PATH] = b"Code,Organisation Name\n" + b"x" * 400_000  # a new file, sent slowly
        file_server.delay, settings.REFRESH_TIMEOUT_SECONDS = 0.2, 0.5
    elif problem == "not a data file":
        sources["dspt"] = file_server.url("/page.html")
        file_server.files["/page.html"] = b"<html>Sign in</html>"
        file_server.headers["/page.html"] = {"Content-Type": "text/html"}
    else:
        sources["dspt"] = "http://127.0.0.1:9/nothing-listens-here.csv"
    with caplog.at_level(logging.WARNING, logger="providers.imports.refresh"):
        (record,) = refresh.refresh_sources(started_by="test")
    assert record.outcome == DataSource.Outcome.FAILED and words in record.message, record.message
    assert "Nothing changed" in record.message
    assert organisations() == before
    assert any(words in message for message in caplog.messages)
    banner = admin_client.get(reverse("admin:index")).content.decode()
    assert "Data download problem" in banner and words in banner
    assert "still in use" in banner


def test_a_rejected_file_changes_nothing_and_good_data_stays(file_server, sources, admin_client):
    """A file cut short would deregister most services: rejected whole, as an upload would be."""
    cqc_path = "/16_November_2026_HSCA_Active_Locations.ods"
    sources["cqc"] = file_server.url(cqc_path)
    file_server.files[cqc_path] = SAMPLE_ODS.read_bytes()
    refresh.refresh_sources(keys=["cqc"], started_by="test")
    assert Location.objects.registered().count() == 26

    directory = FIXTURES / "16_November_2026_CQC_directory.csv"
    sources["cqc"] = file_server.url("/16_November_2026_CQC_directory.csv")
    file_server.files["/16_November_2026_CQC_directory.csv"] = directory.read_bytes()
    (record,) = refresh.refresh_sources(keys=["cqc"], started_by="test")
    assert record.outcome == DataSource.Outcome.REJECTED
    assert "would mark 14 of the 26 registered care services" in record.message
    assert Location.objects.registered().count() == 26
    assert record.last_run.state == ImportRun.State.FAILED and record.last_run.download == "cqc"
    banner = admin_client.get(reverse("admin:providers_importrun_changelist")).content.decode()
    assert "Data download problem" in banner and "the import report" in banner
    # Not remembered as imported: the next refresh tries the file again.
    assert record.file_sha256 != hashlib.sha256(directory.read_bytes()).hexdigest()


def test_a_zip_holding_one_csv_is_unpacked(file_server, sources):
    """NHS ODS publishes its care home lists as .zip files holding one CSV."""
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(FIXTURES / "ecarehomesite.csv", "ecarehomesite.csv")
    sources["ods_sites"] = file_server.url("/ecarehomesite.zip")
    file_server.files["/ecarehomesite.zip"] = packed.getvalue()
    (record,) = refresh.refresh_sources(keys=["ods_sites"], started_by="test")
    assert record.outcome == DataSource.Outcome.IMPORTED, record.message
    lines = (FIXTURES / "ecarehomesite.csv").read_text(encoding="utf-8").strip().splitlines()
    assert OdsCareHome.objects.count() == len(lines) - record.last_run.error_count - record.last_run.skipped

    two = io.BytesIO()
    with zipfile.ZipFile(two, "w") as archive:
        archive.writestr("a.csv", "x")
        archive.writestr("b.csv", "y")
    file_server.files["/ecarehomesite.zip"] = two.getvalue()
    (record,) = refresh.refresh_sources(keys=["ods_sites"], started_by="test")
    assert record.outcome == DataSource.Outcome.FAILED and "holds 2 CSV files" in record.message


def test_the_cqc_file_is_found_from_its_page(file_server, sources):
    page = ('<html><body><a href="/about">About</a>'
            '<a href="/files/16_November_2026_HSCA_Active_Locations.ods">HSCA Active Locations, November</a>'
            '<a href="/files/12_October_2026_HSCA_Active_Locations.ods">October</a></body></html>')
    file_server.files["/using-cqc-data"] = page.encode()
    file_server.files["/files/16_November_2026_HSCA_Active_Locations.ods"] = SAMPLE_ODS.read_bytes()
    sources["cqc_page"] = file_server.url("/using-cqc-data")
    (record,) = refresh.refresh_sources(keys=["cqc"], started_by="test")
    assert record.outcome == DataSource.Outcome.IMPORTED, record.message
    assert record.url.endswith("/files/16_November_2026_HSCA_Active_Locations.ods")
    assert Location.objects.registered().count() == 26

    file_server.files["/using-cqc-data"] = b"<html><a href='/news'>News</a></html>"
    (record,) = refresh.refresh_sources(keys=["cqc"], started_by="test")
    assert record.outcome == DataSource.Outcome.FAILED and "no link to an HSCA Active Locations file" in record.message


def test_a_name_from_content_disposition_gives_the_data_date(file_server, sources):
    file_server.files["/export"] = SAMPLE_DSPT.read_bytes()
    file_server.headers["/export"] = {"Content-Disposition": f'attachment; filename="{SAMPLE_DSPT.name}"'}
    sources["dspt"] = file_server.url("/export")
    (record,) = refresh.refresh_sources(started_by="test")
    assert record.last_run.file_name == SAMPLE_DSPT.name and f"{record.last_run.data_as_of:%Y-%m-%d}" == "2026-11-20"


def test_the_command_imports_and_prints_its_report(file_server, capsys):
    call_command("refresh_data")
    out = capsys.readouterr().out
    assert "dspt: Imported" in out and "rows read:" in out and "data as of 20 November 2026" in out
    call_command("refresh_data", "dspt")
    assert "dspt: Unchanged since the last import" in capsys.readouterr().out

    file_server.status = 503
    with pytest.raises(CommandError, match="1 of 1 sources could not be refreshed"):
        call_command("refresh_data")
    with pytest.raises(CommandError, match="Unknown source"):
        call_command("refresh_data", "nonsense")


def test_the_command_says_what_it_reads(capsys, settings):
    settings.REFRESH_SOURCES = {key: "" for key in settings.REFRESH_SOURCES}
    with pytest.raises(SystemExit):
        call_command("refresh_data", "--help")
    help_text = capsys.readouterr().out
    for name in ("DSPT_EXPORT_URL", "CQC_LOCATIONS_URL", "CQC_LOCATIONS_PAGE_URL", "ODS_CARE_HOME_SITES_URL",
                 "ODS_CARE_HOME_HQ_URL", "POSTCODES_URL", "REFRESH_TIMEOUT_SECONDS", "REFRESH_MAX_BYTES",
                 "REFRESH_DSPT_CRON", "REFRESH_CQC_CRON", "--queue"):
        assert name in help_text
    with pytest.raises(CommandError, match="No data source is set"):
        call_command("refresh_data")


def test_queue_hands_the_refresh_to_the_worker(capsys):
    from procrastinate.contrib.django.models import ProcrastinateJob

    call_command("refresh_data", "--queue")
    assert "Queued as job" in capsys.readouterr().out
    job = ProcrastinateJob.objects.get()
    assert (job.task_name, job.status, job.args["keys"]) == ("providers.tasks.refresh_data", "todo", ["dspt"])
    assert DsptOrganisation.objects.count() == 0  # nothing done in the foreground


def test_the_sources_page_shows_each_source(admin_client, file_server):
    refresh.refresh_sources(started_by="test")
    html = admin_client.get(reverse("admin:providers_importrun_sources")).content.decode()
    assert "DSPT results" in html and "Imported" in html and "not set" in html
    assert reverse("admin:providers_importrun_report", args=[ImportRun.objects.get().pk]) in html


def test_a_sign_in_page_served_instead_of_the_file_is_rejected_and_changes_nothing(file_server, sources):
    refresh.refresh_sources(started_by="test")
    before = organisations()
    file_server.files[DSPT_PATH] = b"<!DOCTYPE html>\n<html><body>Please sign in</body></html>"
    (record,) = refresh.refresh_sources(started_by="test")
    assert record.outcome == DataSource.Outcome.REJECTED and "This is a web page, not the data file" in record.message
    assert organisations() == before
