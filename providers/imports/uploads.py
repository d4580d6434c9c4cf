"""Admin uploads: keep the file, preview the import, then apply it.

An admin uploads a file; we keep it in a private folder and queue a dry run
for the worker (providers/tasks.py). The preview shows what would be added,
changed and removed and every rejected row. If the admin confirms, we queue
the import of the same file (its checksum must not have changed) and delete
our copy when it is done. An admin may instead discard a preview.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from providers.imports.models import ImportRun
from providers.imports.runs import file_checksum, queue_run
from providers.imports.sources import SOURCES

ALLOWED_SUFFIXES = {".csv", ".xlsx", ".ods"}


def upload_folder() -> Path:
    folder = Path(settings.IMPORT_UPLOAD_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save_upload(*, uploaded_file) -> Path:
    """Copy an uploaded file to the private upload folder, in chunks."""
    expire_uploads()
    suffix = Path(uploaded_file.name).suffix.lower()
    path = upload_folder() / f"{secrets.token_hex(16)}{suffix}"
    with open(path, "wb") as handle:
        for chunk in uploaded_file.chunks():
            handle.write(chunk)
    return path


def queue_preview(*, kind: str, path: Path, file_name: str, user: str, as_of=None) -> ImportRun:
    """Record a preview of a saved upload (of an ImportRun.Kind) for the worker to make. Returns the queued run."""
    return queue_run(kind=kind, path=path, file_name=file_name, started_by=user, dry_run=True, as_of=as_of)


def make_queued_preview(*, run_id: int) -> ImportRun:
    """The worker's half of `queue_preview`: dry-run the import on the queued run."""
    run = ImportRun.objects.get(pk=run_id, state=ImportRun.State.QUEUED)
    if not Path(run.stored_file).is_file():
        return fail_queued(run, "The uploaded file was gone before the preview could start. Upload it again.")
    return preview_upload(kind=run.kind, path=Path(run.stored_file), file_name=run.file_name,
                          user=run.started_by, as_of=run.data_as_of, queued=run)


def preview_upload(*, kind: str, path: Path, file_name: str, user: str, as_of=None,
                   queued: ImportRun | None = None) -> ImportRun:
    """Dry-run the import of a saved upload. Keeps the file only if it can be applied.

    as_of: the date of the data, for a file whose name carries none.
    """
    try:
        run = SOURCES[kind].import_file(path=path, file_name=file_name, dry_run=True, started_by=user, as_of=as_of,
                                        queued=queued)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    run.stored_file = str(path) if run.state == ImportRun.State.PREVIEW else ""
    run.save(update_fields=["stored_file"])
    if not run.stored_file:
        path.unlink(missing_ok=True)
    return run


def check_can_apply(preview: ImportRun) -> Path:
    """The stored file of a preview that can still be imported. Raises ValueError saying why not."""
    path = Path(preview.stored_file)
    if preview.state != ImportRun.State.PREVIEW or not preview.stored_file or not path.is_file():
        raise ValueError("This preview has already been used or its file is gone. Upload the file again.")
    if file_checksum(path) != preview.file_sha256:
        raise ValueError("The stored file has changed since the preview. Upload the file again.")
    return path


def queue_apply(*, preview: ImportRun, user: str) -> ImportRun:
    """Record the import of a previewed file for the worker to do. Returns the queued run."""
    path = check_can_apply(preview)
    return queue_run(kind=preview.kind, path=path, file_name=preview.file_name, started_by=user, dry_run=False,
                     as_of=preview.data_as_of)


def apply_preview(*, preview: ImportRun, user: str, allow_removals: bool = False,
                  queued: ImportRun | None = None) -> ImportRun:
    """Import the file a preview was made from. Returns the new run.

    allow_removals: the admin confirmed a large number of deregistrations.
    queued: the run record `queue_apply` made, if the worker is doing this.
    """
    try:
        path = check_can_apply(preview)
    except ValueError as exc:
        if queued:
            fail_queued(queued, str(exc))
        raise
    source = SOURCES[preview.kind]
    options = {"allow_removals": allow_removals} if "allow_removals" in source.options else {}
    run = source.import_file(path=path, file_name=preview.file_name, started_by=user, as_of=preview.data_as_of,
                             queued=queued, **options)
    if run.stored_file:  # the queued run pointed at the preview's file; the preview keeps it
        run.stored_file = ""
        run.save(update_fields=["stored_file"])
    if run.state == ImportRun.State.SUCCEEDED:
        preview.state = ImportRun.State.APPLIED
        preview.stored_file = ""
        preview.save(update_fields=["state", "stored_file"])
        path.unlink(missing_ok=True)
    return run


def fail_queued(run: ImportRun, message: str) -> ImportRun:
    """A queued import that cannot start: say why, and never leave it waiting."""
    run.state, run.message, run.stored_file = ImportRun.State.FAILED, message, ""
    run.stage, run.finished_at = "", timezone.now()
    run.save(update_fields=["state", "message", "stored_file", "stage", "finished_at"])
    return run


def discard_preview(*, preview: ImportRun) -> None:
    """Throw a preview away: delete its stored file; it can no longer be imported."""
    if preview.state != ImportRun.State.PREVIEW:
        raise ValueError("Only a preview that has not been imported can be discarded.")
    if preview.stored_file:
        Path(preview.stored_file).unlink(missing_ok=True)
    preview.state, preview.stored_file = ImportRun.State.DISCARDED, ""
    preview.save(update_fields=["state", "stored_file"])


def expire_uploads() -> int:
    """Delete uploaded files older than IMPORT_UPLOAD_KEEP_HOURS, and forget them on their previews.

    A preview not imported within that time must be uploaded again. Returns
    how many files were deleted.
    """
    cutoff = time.time() - settings.IMPORT_UPLOAD_KEEP_HOURS * 3600
    expired = [path for path in upload_folder().iterdir() if path.is_file() and path.stat().st_mtime < cutoff]
    for path in expired:
        path.unlink(missing_ok=True)
    if expired:
        ImportRun.objects.filter(stored_file__in=[str(path) for path in expired]).update(stored_file="")
    return len(expired)
