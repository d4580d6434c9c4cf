"""Admin uploads: keep the file, preview the import, then apply it.

An admin uploads a file; we run the import as a dry run and keep the file in
a private folder. The preview shows what would be added, changed and removed
and every rejected row. If the admin confirms, we import the same file (its
checksum must not have changed) and delete our copy.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from django.conf import settings

from providers.models import ImportRun
from providers.services.cqc_import import import_cqc_file
from providers.services.dspt_import import import_dspt_file
from providers.services.ods_import import import_ods_file
from providers.services.postcode_import import import_postcodes_file
from providers.services.runs import file_checksum

ALLOWED_SUFFIXES = {".csv", ".xlsx", ".ods"}
IMPORTERS = {"cqc": import_cqc_file, "dspt": import_dspt_file, "postcodes": import_postcodes_file,
             "ods": import_ods_file}
SOURCE_OF_KIND = {
    ImportRun.Kind.CQC_LOCATIONS: "cqc",
    ImportRun.Kind.CQC_DIRECTORY: "cqc",
    ImportRun.Kind.DSPT: "dspt",
    ImportRun.Kind.POSTCODES: "postcodes",
    ImportRun.Kind.ODS_CARE_HOMES: "ods",
}


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


def preview_upload(*, source: str, path: Path, file_name: str, user: str, as_of=None) -> ImportRun:
    """Dry-run the import of a saved upload. Keeps the file only if it can be applied.

    as_of: the date of the data, for a file whose name carries none.
    """
    try:
        run = IMPORTERS[source](path=path, file_name=file_name, dry_run=True, started_by=user, as_of=as_of)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if run.state == ImportRun.State.PREVIEW:
        run.stored_file = str(path)
        run.save(update_fields=["stored_file"])
    else:
        path.unlink(missing_ok=True)
    return run


def apply_preview(*, preview: ImportRun, user: str, allow_removals: bool = False) -> ImportRun:
    """Import the file a preview was made from. Returns the new run.

    allow_removals: the admin confirmed a large number of deregistrations.
    """
    path = Path(preview.stored_file)
    if preview.state != ImportRun.State.PREVIEW or not path.is_file():
        raise ValueError("This preview has already been used or its file is gone. Upload the file again.")
    if file_checksum(path) != preview.file_sha256:
        raise ValueError("The stored file has changed since the preview. Upload the file again.")
    source = SOURCE_OF_KIND[preview.kind]
    options = {"allow_removals": allow_removals} if source == "cqc" else {}
    run = IMPORTERS[source](path=path, file_name=preview.file_name, started_by=user, as_of=preview.data_as_of,
                            **options)
    if run.state == ImportRun.State.SUCCEEDED:
        preview.state = ImportRun.State.APPLIED
        preview.stored_file = ""
        preview.save(update_fields=["state", "stored_file"])
        path.unlink(missing_ok=True)
    return run


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
