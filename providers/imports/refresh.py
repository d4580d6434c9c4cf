"""Fresh data without an admin: download each published file and import it like an upload.

Each source (settings.REFRESH_SOURCES, from environment variables) is
downloaded with a conditional request; an unchanged file (the server says
304, or the bytes are the same as last time) is not imported again. A new
file goes through the same importer, checks and report as an upload: a file
that would remove too many services, or has too many unreadable rows, is
rejected whole and the data stays as it was. Every try is recorded on its
DataSource, and a failed or rejected one is logged and shown to admins.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from providers.imports import fetch as downloads
from providers.imports.models import DataSource, ImportRun
from providers.imports.runs import file_checksum
from providers.imports.uploads import IMPORTERS, upload_folder

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    importer: str  # a key of uploads.IMPORTERS


# In the order they are refreshed: the lists a match relies on come before the results.
SOURCES = [
    Source("postcodes", "Postcode lookup", "postcodes"),
    Source("ods_head_offices", "NHS ODS care home head offices", "ods"),
    Source("ods_sites", "NHS ODS care home sites", "ods"),
    Source("cqc", "CQC list of care services", "cqc"),
    Source("dspt", "DSPT results", "dspt"),
]
SOURCE_BY_KEY = {source.key: source for source in SOURCES}
# The sources each schedule refreshes (providers/tasks.py).
SCHEDULES = {"dspt": ["dspt"], "cqc": ["cqc"], "ods": ["ods_head_offices", "ods_sites", "postcodes"]}


def configured_sources() -> list[Source]:
    """The sources with an address set, in refresh order."""
    return [source for source in SOURCES if source_url(source.key) or _page_url(source.key)]


def source_url(key: str) -> str:
    return settings.REFRESH_SOURCES.get(key, "").strip()


def _page_url(key: str) -> str:
    return settings.REFRESH_SOURCES.get("cqc_page", "").strip() if key == "cqc" else ""


def refresh_sources(*, keys: list[str] | None = None, started_by: str) -> list[DataSource]:
    """Refresh each configured source (or just those named). Returns their records, in order."""
    wanted = configured_sources() if keys is None else [SOURCE_BY_KEY[key] for key in keys]
    return [refresh_source(source=source, started_by=started_by) for source in wanted]


def refresh_source(*, source: Source, started_by: str) -> DataSource:
    """Download one source and, if it changed, import it. Never raises for a bad download or file."""
    record, _ = DataSource.objects.get_or_create(key=source.key)
    record.checked_at = timezone.now()
    try:
        url = source_url(source.key) or downloads.find_cqc_file_link(page_url=_page_url(source.key))
        if not url:
            raise downloads.DownloadProblem(f"No address is set for the {source.label.lower()}.")
        same_address = url == record.url
        download = downloads.fetch(url=url, folder=upload_folder(),
                                   etag=record.etag if same_address else "",
                                   last_modified=record.last_modified if same_address else "")
    except downloads.DownloadProblem as exc:
        return _record(record, DataSource.Outcome.FAILED, f"{source.label}: {exc} Nothing changed.")
    record.url = url
    if download.unchanged:
        return _record(record, DataSource.Outcome.UNCHANGED, "The server says the file has not changed.")
    try:
        return _import(record, source, download, started_by=started_by)
    except Exception:  # a fault of ours, not the file's: recorded, and the other sources still refresh
        logger.exception("Data refresh of %s stopped with an unexpected error", source.key)
        return _record(record, DataSource.Outcome.FAILED,
                       f"{source.label}: the import stopped because of an unexpected error. Nothing changed.")
    finally:
        download.path.unlink(missing_ok=True)


def _import(record: DataSource, source: Source, download: downloads.Download, *, started_by: str) -> DataSource:
    """Import a downloaded file unless it is the one imported last time."""
    try:
        path, file_name = downloads.unpack_single_csv(download.path, download.file_name)
    except downloads.DownloadProblem as exc:
        return _record(record, DataSource.Outcome.FAILED, f"{source.label}: {exc} Nothing changed.")
    try:
        checksum = file_checksum(path)
        if checksum == record.file_sha256:
            record.etag, record.last_modified = download.etag, download.last_modified
            return _record(record, DataSource.Outcome.UNCHANGED, "The file is the same as the one imported last time.")
        run = IMPORTERS[source.importer](path=path, file_name=file_name, started_by=started_by)
    finally:
        Path(path).unlink(missing_ok=True)
    run.source = source.key
    run.save(update_fields=["source"])
    record.last_run = run
    if run.state != ImportRun.State.SUCCEEDED:
        return _record(record, DataSource.Outcome.REJECTED, f"{source.label}: {run.message}")
    # Only a file that imported is remembered: a rejected one is tried again next time.
    record.etag, record.last_modified, record.file_sha256 = download.etag, download.last_modified, checksum
    return _record(record, DataSource.Outcome.IMPORTED, run.message)


def _record(record: DataSource, outcome: str, message: str) -> DataSource:
    record.outcome, record.message = outcome, message
    record.save()
    if record.has_problem:
        logger.warning("Data refresh of %s: %s", record.key, message)
    else:
        logger.info("Data refresh of %s: %s", record.key, message)
    return record
