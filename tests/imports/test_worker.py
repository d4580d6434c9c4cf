"""The real worker, as its own process (`manage.py run_worker`), against the test database.

What an admin relies on: an upload returns at once and finishes in the
background; the worker refreshes data on its schedule; and a worker killed
outright (SIGKILL) in the middle of a large import leaves the data exactly as
it was, its run is marked failed when a worker starts again, and the next
import works.
"""

import signal
import urllib.parse

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from providers.imports.models import DataSource, ImportRun
from providers.imports.runs import DEAD_RUN_MESSAGE
from providers.register.models import DsptOrganisation, Location
from tests.conftest import SAMPLE_DSPT, SAMPLE_ODS
from tests.worker_support import start_worker, wait_for  # noqa: F401 (start_worker is a fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def run_state(pk):
    return ImportRun.objects.get(pk=pk).state


def test_an_admin_upload_returns_at_once_and_completes_in_the_background(admin_client, start_worker):
    start_worker()
    file = SimpleUploadedFile(SAMPLE_ODS.name, SAMPLE_ODS.read_bytes())
    response = admin_client.post(reverse("admin:providers_importrun_upload"), {"kind": "cqc", "file": file})
    assert response.status_code == 302
    preview = ImportRun.objects.get()
    wait_for(lambda: run_state(preview.pk) == ImportRun.State.PREVIEW, seconds=60, what="the preview")
    html = admin_client.get(response["Location"]).content.decode()
    assert "Preview ready" in html and "Import this file" in html

    applied = admin_client.post(reverse("admin:providers_importrun_apply", args=[preview.pk]))
    run = ImportRun.objects.exclude(pk=preview.pk).get()
    assert applied["Location"] == reverse("admin:providers_importrun_report", args=[run.pk])
    wait_for(lambda: run_state(run.pk) == ImportRun.State.SUCCEEDED, seconds=60, what="the import")
    assert Location.objects.registered().count() == 26
    # The worker marks the preview used just after the import's own record says it succeeded.
    wait_for(lambda: run_state(preview.pk) == ImportRun.State.APPLIED, seconds=10, what="the preview to be marked")


def test_the_worker_refreshes_data_on_its_schedule(start_worker, file_server):
    path = "/" + urllib.parse.quote(SAMPLE_DSPT.name)
    file_server.files[path] = SAMPLE_DSPT.read_bytes()
    start_worker(DSPT_EXPORT_URL=file_server.url(path), REFRESH_DSPT_CRON="* * * * * */2")  # every 2 seconds
    record = wait_for(lambda: DataSource.objects.filter(key="dspt", outcome="imported").first(), seconds=60,
                      what="a scheduled refresh")
    assert record.last_run.started_by == "scheduled refresh (dspt)"
    assert DsptOrganisation.objects.count() == record.last_run.added > 20
    # Later ticks find the file unchanged (the server answers 304) and import nothing more.
    wait_for(lambda: DataSource.objects.get(key="dspt").outcome == "unchanged", seconds=30,
             what="a later scheduled refresh")
    assert file_server.requests[-1][1]  # it asked with the ETag of the file it has
    assert ImportRun.objects.count() == 1


def snapshot() -> list:
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT (SELECT count(*) FROM providers_dsptorganisation),
                   (SELECT md5(string_agg(o.ods_code || coalesce(a.status_text, ''), ',' ORDER BY o.ods_code))
                      FROM providers_dsptorganisation o
                      LEFT JOIN providers_dsptassessment a ON a.id = o.current_assessment_id),
                   (SELECT count(*) FROM providers_dsptassessment),
                   (SELECT md5(string_agg(cqc_location_id || dspt_match, ',' ORDER BY cqc_location_id))
                      FROM providers_location)""")
        return list(cursor.fetchone())


def test_killing_the_worker_mid_import_changes_nothing(start_worker, file_server, sample_loaded, tmp_path):
    from benchmarks.generate import write_dspt_csv

    before = snapshot()
    big = tmp_path / "DSPT search results 30_11_2026 08_00_00.csv"
    write_dspt_csv(big, 150_000, 30_000)
    path = "/" + urllib.parse.quote(big.name)
    file_server.files[path] = big.read_bytes()
    env = {"DSPT_EXPORT_URL": file_server.url(path)}

    from providers import tasks

    tasks.refresh_data.defer(keys=["dspt"], started_by="test")
    worker = start_worker(**env)
    run = wait_for(lambda: ImportRun.objects.filter(state="running", file_name=big.name, rows_read__gte=2000).first(),
                   seconds=120, what="the import to be part-way through")
    assert run.stage == "Reading the file"  # live progress, from the worker's process
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)

    def backend_gone():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [run.backend_pid])
            return cursor.fetchone()[0] == 0

    wait_for(backend_gone, seconds=60, what="the database to end the killed worker's connection", every=0.2)
    assert snapshot() == before  # nothing of the part-done import was kept

    # A new worker marks the dead run failed as it starts, and the next import works.
    file_server.files[path] = SAMPLE_DSPT.read_bytes()
    tasks.refresh_data.defer(keys=["dspt"], started_by="test, after the kill")
    start_worker(**env)
    wait_for(lambda: run_state(run.pk) == ImportRun.State.FAILED, seconds=30, what="the dead run to be marked")
    assert ImportRun.objects.get(pk=run.pk).message == DEAD_RUN_MESSAGE
    after = wait_for(lambda: ImportRun.objects.filter(started_by="test, after the kill", state="succeeded").first(),
                     seconds=120, what="the next import")
    assert after.file_name == big.name and after.rows_read == 26
    assert snapshot() == before  # the same organisations and results, now as of the newer file
    assert DsptOrganisation.objects.filter(data_as_of=after.data_as_of).count() == 26


def test_tidying_up_fails_what_a_dead_worker_left_behind(run_worker, settings, tmp_path):
    """Every five minutes the worker marks failed a job whose worker stopped sending heartbeats, and any
    import run whose database connection has gone."""
    from procrastinate.contrib.django.models import ProcrastinateJob

    from providers import tasks

    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO procrastinate_workers (last_heartbeat) VALUES (now() - interval '10 minutes') "
                       "RETURNING id")
        (dead_worker,) = cursor.fetchone()
        cursor.execute("INSERT INTO procrastinate_jobs (queue_name, task_name, args, status, worker_id) "
                       "VALUES ('imports', 'providers.tasks.refresh_data', '{}', 'doing', %s) RETURNING id",
                       [dead_worker])
        (stalled,) = cursor.fetchone()
    run = ImportRun.objects.create(kind=ImportRun.Kind.DSPT, file_name="x.csv", state=ImportRun.State.RUNNING,
                                   backend_pid=2_000_000_000, backend_started_at="2026-01-01T00:00:00Z")
    tasks.tidy.defer(timestamp=0)
    run_worker()
    assert ProcrastinateJob.objects.get(pk=stalled).status == "failed"
    # (The worker may also have deferred its own scheduled tidy: each one ran.)
    assert set(ProcrastinateJob.objects.filter(task_name="providers.tasks.tidy").values_list("status", flat=True)) \
        == {"succeeded"}
    run.refresh_from_db()
    assert run.state == ImportRun.State.FAILED and run.message == DEAD_RUN_MESSAGE
