"""Fresh data without an admin: download each published file and import it like an upload.

Each download (providers/imports/sources.py; its address from an environment variable) is
downloaded with a conditional request; an unchanged file (the server says
304, or the bytes are the same as last time) is not imported again. A new
file goes through the same importer, checks and report as an upload: a file
that would remove too many services, or has too many unreadable rows, is
rejected whole and the data stays as it was. Every try is recorded on its
DataSource, and a failed or rejected one is logged and shown to admins.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from providers.imports import fetch
from providers.imports.kinds import Download, Source
from providers.imports.models import DataSource, ImportRun
from providers.imports.runs import file_checksum
from providers.imports.skeleton import import_file
from providers.imports.sources import DOWNLOADS

logger = logging.getLogger(__name__)


def configured_downloads() -> list[Download]:
    """The downloads with an address set, in refresh order."""
    return [download for download, _ in DOWNLOADS.values() if download_url(download) or _page_url(download)]


def download_url(download: Download) -> str:
    return settings.REFRESH_SOURCES.get(download.key, "").strip()


def _page_url(download: Download) -> str:
    return settings.REFRESH_SOURCES.get(download.page_setting, "").strip() if download.page_setting else ""


def on_schedule(schedule: str) -> list[str]:
    """The keys of the configured downloads that this schedule ('dspt', 'cqc', 'ods') refreshes."""
    return [download.key for download in configured_downloads() if download.schedule == schedule]


def refresh_sources(*, keys: list[str] | None = None, started_by: str) -> list[DataSource]:
    """Refresh each configured download (or just those named). Returns their records, in order."""
    wanted = configured_downloads() if keys is None else [DOWNLOADS[key][0] for key in keys]
    return [refresh_download(download=download, started_by=started_by) for download in wanted]


def refresh_download(*, download: Download, started_by: str) -> DataSource:
    """Download one file and, if it changed, import it. Never raises for a bad download or file."""
    record, _ = DataSource.objects.get_or_create(key=download.key)
    record.checked_at = timezone.now()
    try:
        url = download_url(download) or fetch.find_cqc_file_link(page_url=_page_url(download))
        if not url:
            raise fetch.DownloadProblem(f"No address is set for the {download.label.lower()}.")
        same_address = url == record.url
    except fetch.DownloadProblem as exc:
        return _record(record, DataSource.Outcome.FAILED, f"{download.label}: {exc} Nothing changed.")
    with tempfile.TemporaryDirectory(prefix="dsptlookup-download-") as folder:  # gone when the import is done
        try:
            fetched = fetch.fetch(url=url, folder=Path(folder), etag=record.etag if same_address else "",
                                  last_modified=record.last_modified if same_address else "")
        except fetch.DownloadProblem as exc:
            return _record(record, DataSource.Outcome.FAILED, f"{download.label}: {exc} Nothing changed.")
        record.url = url
        if fetched.unchanged:
            return _record(record, DataSource.Outcome.UNCHANGED, "The server says the file has not changed.")
        try:
            return _import(record, download, fetched, started_by=started_by)
        except Exception:  # a fault of ours, not the file's: recorded, and the other downloads still refresh
            logger.exception("Data refresh of %s stopped with an unexpected error", download.key)
            return _record(record, DataSource.Outcome.FAILED,
                           f"{download.label}: the import stopped because of an unexpected error. Nothing changed.")


def _import(record: DataSource, download: Download, fetched: fetch.Fetched, *, started_by: str) -> DataSource:
    """Import a downloaded file unless it is the one imported last time."""
    source: Source = DOWNLOADS[download.key][1]
    try:
        path, file_name = fetch.unpack_single_csv(fetched.path, fetched.file_name)
    except fetch.DownloadProblem as exc:
        return _record(record, DataSource.Outcome.FAILED, f"{download.label}: {exc} Nothing changed.")
    try:
        checksum = file_checksum(path)
        if checksum == record.file_sha256:
            record.etag, record.last_modified = fetched.etag, fetched.last_modified
            return _record(record, DataSource.Outcome.UNCHANGED, "The file is the same as the one imported last time.")
        run = import_file(source, path=path, file_name=file_name, started_by=started_by)
    finally:
        Path(path).unlink(missing_ok=True)
    run.download = download.key
    run.save(update_fields=["download"])
    record.last_run = run
    if run.state != ImportRun.State.SUCCEEDED:
        return _record(record, DataSource.Outcome.REJECTED, f"{download.label}: {run.message}")
    # Only a file that imported is remembered: a rejected one is tried again next time.
    record.etag, record.last_modified, record.file_sha256 = fetched.etag, fetched.last_modified, checksum
    return _record(record, DataSource.Outcome.IMPORTED, run.message)


def _record(record: DataSource, outcome: str, message: str) -> DataSource:
    record.outcome, record.message = outcome, message
    record.save()
    if record.has_problem:
        logger.warning("Data refresh of %s: %s", record.key, message)
    else:
        logger.info("Data refresh of %s: %s", record.key, message)
    return record


def refresh_one_organisation(ods_code: str, *, started_by: str) -> str:
    """Download the DSPT file now and import only this organisation's row (a correction request).

    The same importer and checks as a whole file; the other rows are passed over. Returns what happened, in
    words for the admin. Never raises for a bad download or file.
    """
    download, source = DOWNLOADS["dspt"]
    url = download_url(download)
    if not url:
        return "No address is set for the DSPT download (DSPT_EXPORT_URL), so nothing was refreshed."
    with tempfile.TemporaryDirectory(prefix="dsptlookup-download-") as folder:
        try:
            fetched = fetch.fetch(url=url, folder=Path(folder))
            path, file_name = fetch.unpack_single_csv(fetched.path, fetched.file_name)
        except (fetch.DownloadProblem, ValueError, OSError) as exc:  # ValueError: an address that is not one
            return f"The DSPT download failed: {exc} Nothing changed."
        run = import_file(source, path=path, file_name=file_name, started_by=started_by, only_code=ods_code)
    if run.state != ImportRun.State.SUCCEEDED:
        return f"The DSPT file was not imported: {run.message}"
    if not run.rows_read or run.added + run.changed + run.unchanged == 0:
        return f"{ods_code} is not in today's DSPT file. Nothing changed."
    return f"{ods_code} refreshed from {file_name}: {run.message}"
