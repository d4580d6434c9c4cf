"""Admin uploads: keep the file, preview the import, then apply it.

An admin uploads a file; we keep it in the database (a StoredFile, so any
app server and the worker can reach it) and queue a dry run for the worker
(providers/tasks.py). The preview shows what would be added, changed and
removed and every rejected row. If the admin confirms, we queue the import
of the same file (its checksum must not have changed) and delete our copy
when it is done. An admin may instead discard a preview.

The importers read a file from disk, so the worker writes the stored file
to a private temporary file for the length of one import
(`on_disk`), and deletes it after.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from providers.imports.models import FileChunk, ImportRun, StoredFile
from providers.imports.runs import queue_run
from providers.imports.skeleton import import_file
from providers.imports.sources import SOURCES

ALLOWED_SUFFIXES = {".csv", ".xlsx", ".ods"}
CHUNK_BYTES = 1024 * 1024
GONE = "This preview has already been used or its file is gone. Upload the file again."


def save_upload(*, uploaded_file) -> StoredFile:
    """Keep an uploaded file in the database, a megabyte a row, with its size and checksum."""
    expire_uploads()
    digest, size = hashlib.sha256(), 0
    with transaction.atomic():
        stored = StoredFile.objects.create(name=uploaded_file.name[:255])
        for number, chunk in enumerate(_chunks(uploaded_file)):
            FileChunk.objects.create(file=stored, number=number, data=chunk)
            digest.update(chunk)
            size += len(chunk)
        stored.size, stored.sha256 = size, digest.hexdigest()
        stored.save(update_fields=["size", "sha256"])
    return stored


def _chunks(uploaded_file) -> Iterator[bytes]:
    """The upload in CHUNK_BYTES pieces, whatever size of pieces Django hands us."""
    pending = b""
    for piece in uploaded_file.chunks():
        pending += piece
        while len(pending) >= CHUNK_BYTES:
            yield pending[:CHUNK_BYTES]
            pending = pending[CHUNK_BYTES:]
    if pending:
        yield pending


@contextmanager
def on_disk(stored: StoredFile) -> Iterator[Path]:
    """The stored file written to a private temporary file, deleted when the block ends."""
    suffix = Path(stored.name).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="dsptlookup-import-") as folder:
        path = Path(folder) / f"upload{suffix}"
        with open(path, "wb") as handle:
            for (data,) in stored.chunks.order_by("number").values_list("data").iterator(chunk_size=1):
                handle.write(data)
        yield path


def queue_preview(*, kind: str, upload: StoredFile, user: str, as_of=None) -> ImportRun:
    """Record a preview of a saved upload (of an ImportRun.Kind) for the worker to make. Returns the queued run."""
    return queue_run(kind=kind, upload=upload, file_name=upload.name, started_by=user, dry_run=True, as_of=as_of)


def make_queued_preview(*, run_id: int) -> ImportRun:
    """The worker's half of `queue_preview`: dry-run the import on the queued run."""
    run = ImportRun.objects.select_related("upload").get(pk=run_id, state=ImportRun.State.QUEUED)
    if run.upload is None:
        return fail_queued(run, "The uploaded file was gone before the preview could start. Upload it again.")
    return preview_upload(upload=run.upload, kind=run.kind, user=run.started_by, as_of=run.data_as_of, queued=run)


def preview_upload(*, upload: StoredFile, kind: str, user: str, as_of=None,
                   queued: ImportRun | None = None) -> ImportRun:
    """Dry-run the import of a saved upload. Keeps the upload only if it can be applied.

    as_of: the date of the data, for a file whose name carries none.
    """
    try:
        with on_disk(upload) as path:
            run = import_file(SOURCES[kind], path=path, file_name=upload.name, dry_run=True, started_by=user,
                                            as_of=as_of, queued=queued)
    except BaseException:
        upload.delete()
        raise
    if run.state != ImportRun.State.PREVIEW:
        upload.delete()  # the run's link to it goes with it
        run.upload = None
    elif run.upload_id != upload.pk:  # a preview made here, not queued: it keeps the upload for its import
        run.upload = upload
        run.save(update_fields=["upload"])
    return run


def check_can_apply(preview: ImportRun) -> StoredFile:
    """The stored upload of a preview that can still be imported. Raises ValueError saying why not."""
    upload = StoredFile.objects.filter(pk=preview.upload_id).first() if preview.upload_id else None
    if preview.state != ImportRun.State.PREVIEW or upload is None:
        raise ValueError(GONE)
    if upload.sha256 != preview.file_sha256:
        raise ValueError("The stored file has changed since the preview. Upload the file again.")
    return upload


def queue_apply(*, preview: ImportRun, user: str) -> ImportRun:
    """Record the import of a previewed file for the worker to do. Returns the queued run."""
    upload = check_can_apply(preview)
    return queue_run(kind=preview.kind, upload=upload, file_name=preview.file_name, started_by=user, dry_run=False,
                     as_of=preview.data_as_of)


def apply_preview(*, preview: ImportRun, user: str, allow_removals: bool = False,
                  queued: ImportRun | None = None) -> ImportRun:
    """Import the file a preview was made from. Returns the new run.

    allow_removals: the admin confirmed a large number of deregistrations.
    queued: the run record `queue_apply` made, if the worker is doing this.
    """
    try:
        upload = check_can_apply(preview)
    except ValueError as exc:
        if queued:
            fail_queued(queued, str(exc))
        raise
    source = SOURCES[preview.kind]
    options = {"allow_removals": allow_removals} if "allow_removals" in source.options else {}
    with on_disk(upload) as path:
        run = import_file(source, path=path, file_name=preview.file_name, started_by=user, as_of=preview.data_as_of,
                                 queued=queued, **options)
    if run.upload_id:  # the queued run pointed at the preview's upload; the preview keeps it
        run.upload = None
        run.save(update_fields=["upload"])
    if run.state == ImportRun.State.SUCCEEDED:
        preview.state = ImportRun.State.APPLIED
        preview.save(update_fields=["state"])
        upload.delete()
    return run


def fail_queued(run: ImportRun, message: str) -> ImportRun:
    """A queued import that cannot start: say why, and never leave it waiting."""
    run.state, run.message, run.upload = ImportRun.State.FAILED, message, None
    run.stage, run.finished_at = "", timezone.now()
    run.save(update_fields=["state", "message", "upload", "stage", "finished_at"])
    return run


def discard_preview(*, preview: ImportRun) -> None:
    """Throw a preview away: delete its stored upload; it can no longer be imported."""
    if preview.state != ImportRun.State.PREVIEW:
        raise ValueError("Only a preview that has not been imported can be discarded.")
    if preview.upload_id:
        StoredFile.objects.filter(pk=preview.upload_id).delete()
    preview.state, preview.upload = ImportRun.State.DISCARDED, None
    preview.save(update_fields=["state", "upload"])


def expire_uploads() -> int:
    """Delete uploads older than IMPORT_UPLOAD_KEEP_HOURS (their previews forget them). Returns how many.

    A preview not imported within that time must be uploaded again. Age is
    counted from when the upload was saved, by the app's clock.
    """
    cutoff = timezone.now() - dt.timedelta(hours=settings.IMPORT_UPLOAD_KEEP_HOURS)
    expired = StoredFile.objects.filter(created_at__lt=cutoff)
    count = expired.count()
    if count:
        expired.delete()
    return count
