"""No import run stays 'running': a failed save, a killed process and an old upload all end honestly."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time

import psycopg
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from benchmarks.generate import write_active_locations_csv
from providers.imports import runs, uploads
from providers.imports.models import FileChunk, ImportRun, StoredFile
from providers.imports.runs import autocommit_connection, mark_dead_runs
from providers.imports.sources import import_cqc_file
from tests.conftest import SAMPLE_CQC_CSV
from tests.imports.test_bad_input_corpus import everything
from tests.imports.test_hostile_files import database_url


def test_a_nul_byte_is_a_row_problem_like_any_other(run_worker, tmp_path, admin_client, settings):
    lines = SAMPLE_CQC_CSV.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].replace("Sunny", "Sun\x00ny", 1) if "Sunny" in lines[3] else lines[3].replace(",", ",\x00", 5)
    path = tmp_path / "nul.csv"
    path.write_text("".join(lines), encoding="utf-8")
    run = import_cqc_file(path=path, max_bad_share=0.5)
    assert run.state == ImportRun.State.SUCCEEDED, run.message
    assert len(run.errors) == 1 and run.errors[0].startswith("Row 4: ") and "NUL character" in run.errors[0]
    assert "\x00" not in run.errors[0]

    upload = SimpleUploadedFile("nul.csv", path.read_bytes(), content_type="text/csv")
    queued = admin_client.post("/admin/providers/importrun/upload/", {"kind": "cqc", "file": upload})
    run_worker()
    response = admin_client.get(queued["Location"])
    assert response.status_code == 200
    assert "NUL character" in response.content.decode()


def test_a_report_that_cannot_be_saved_still_ends_the_run_failed(db, monkeypatch):
    original_save = ImportRun.save

    def save_fails_once_finished(self, *args, **kwargs):
        if self.finished_at is not None:
            raise psycopg.DataError("cannot save this report")
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(ImportRun, "save", save_fails_once_finished)
    run = import_cqc_file(path=SAMPLE_CQC_CSV)
    stored = ImportRun.objects.filter(pk=run.pk).values_list("state", "message").get()
    assert stored[0] == ImportRun.State.FAILED
    assert "could not be saved" in stored[1]


def test_a_run_whose_connection_has_gone_is_marked_failed(db):
    with autocommit_connection() as other:
        pid, started = other.execute(
            "SELECT pid, backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()").fetchone()
    dead = ImportRun.objects.create(kind="dspt", file_name="dead.csv", backend_pid=pid, backend_started_at=started)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid(), backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()")
        alive_pid, alive_started = cursor.fetchone()
    alive = ImportRun.objects.create(kind="dspt", file_name="alive.csv", backend_pid=alive_pid,
                                     backend_started_at=alive_started)
    # The server ends a closed connection's session a moment later (longer on a busy machine): wait for it.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:  # (a transaction sees one snapshot of the sessions until cleared)
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
            if cursor.fetchone()[0] == 0:
                break
        time.sleep(0.05)
    assert mark_dead_runs() == 1
    dead.refresh_from_db(), alive.refresh_from_db()
    assert dead.state == ImportRun.State.FAILED and "stopped before it finished" in dead.message
    assert alive.state == ImportRun.State.RUNNING


@pytest.mark.django_db(transaction=True)
def test_killing_an_import_part_way_changes_nothing_and_the_run_ends_failed(tmp_path, client):
    """SIGKILL in the middle of a large import: data as before, run failed, the next import works."""
    assert import_cqc_file(path=SAMPLE_CQC_CSV).state == ImportRun.State.SUCCEEDED
    before = everything()
    big = tmp_path / "big.csv"
    write_active_locations_csv(big, 60_000)
    process = subprocess.Popen([sys.executable, "manage.py", "import_cqc", str(big), "--no-progress"],
                               cwd=settings.BASE_DIR, env={**os.environ, "DEBUG": "1", "DATABASE_URL": database_url()},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not ImportRun.objects.filter(file_name="big.csv", rows_read__gt=0).exists():
            assert time.monotonic() < deadline and process.poll() is None, "the import never started"
            time.sleep(0.05)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    time.sleep(0.3)
    assert ImportRun.objects.get(file_name="big.csv").state == ImportRun.State.RUNNING  # as the kill left it
    response = client.get("/")  # any page; the next import or admin visit finds the dead run
    assert response.status_code == 200
    assert everything() == before
    assert runs.mark_dead_runs() == 1
    assert ImportRun.objects.get(file_name="big.csv").state == ImportRun.State.FAILED
    assert import_cqc_file(path=SAMPLE_CQC_CSV).state == ImportRun.State.SUCCEEDED


def test_uploads_are_deleted_when_old(db, settings, time_machine):
    """Age by the app's clock, from when the upload was saved: never a file's modification time."""
    time_machine.move_to(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc), tick=False)
    old = uploads.save_upload(uploaded_file=SimpleUploadedFile("old.csv", b"x"))
    preview = ImportRun.objects.create(kind="dspt", file_name="old.csv", state=ImportRun.State.PREVIEW, upload=old)
    time_machine.move_to(dt.datetime(2026, 12, 2, 9, 30, tzinfo=dt.timezone.utc), tick=False)  # 24.5 hours on
    fresh = uploads.save_upload(uploaded_file=SimpleUploadedFile("fresh.csv", b"x"))
    assert settings.IMPORT_UPLOAD_KEEP_HOURS == 24
    assert uploads.expire_uploads() == 0  # saving the fresh one already let the old one go
    assert list(StoredFile.objects.values_list("name", flat=True)) == ["fresh.csv"]
    assert not FileChunk.objects.filter(file_id=old.pk).exists()
    preview.refresh_from_db()
    assert preview.upload is None
    time_machine.move_to(dt.datetime(2026, 12, 3, 9, 31, tzinfo=dt.timezone.utc), tick=False)
    assert uploads.expire_uploads() == 1 and not StoredFile.objects.filter(pk=fresh.pk).exists()
