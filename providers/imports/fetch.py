"""Download a published data file: bounded in time and size, and only when it has changed.

Used by `refresh_data` (providers/imports/refresh.py). A download is sent
with the ETag and Last-Modified of the last file we imported, so a server
that knows the file has not changed answers 304 and nothing is fetched.
The file is written to the private upload folder; what to do with it is the
caller's business. We use the standard library's urllib: one GET with a few
headers is all we need (docs/adr/0014-background-imports.md).
"""

from __future__ import annotations

import re
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass
from email.message import Message
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings

from providers.imports.problems import clip

ALLOWED_SUFFIXES = (".csv", ".xlsx", ".ods", ".zip")
CHUNK = 256 * 1024
USER_AGENT = "DSPT-Lookup-refresh/1.0 (+https://github.com/; open-source care data service)"


class DownloadProblem(Exception):
    """The file could not be downloaded, or is not what we expected. Nothing changes."""


@dataclass
class Fetched:
    """What a download brought: a file (None when unchanged) and the validators to send next time."""

    path: Path | None
    file_name: str
    etag: str = ""
    last_modified: str = ""

    @property
    def unchanged(self) -> bool:
        return self.path is None


def fetch(*, url: str, folder: Path, etag: str = "", last_modified: str = "") -> Fetched:
    """Download url into folder. Raises DownloadProblem (with the file removed) on any failure."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise DownloadProblem(f"{clip(url)} is not a web address (it must start with http:// or https://).")
    headers = {"User-Agent": USER_AGENT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    request = urllib.request.Request(url, headers=headers)
    try:
        response = urllib.request.urlopen(request, timeout=settings.REFRESH_TIMEOUT_SECONDS)  # noqa: S310 (checked above)
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return Fetched(path=None, file_name="", etag=etag, last_modified=last_modified)
        raise DownloadProblem(f"The server answered {exc.code} ({exc.reason}) for {clip(url)}.") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DownloadProblem(f"Could not reach {clip(url)}: {clip(str(reason))}.") from None
    with response:
        file_name = file_name_of(response.headers, response.url)
        path = folder / f"{secrets.token_hex(16)}{Path(file_name).suffix.lower()}"
        try:
            _save_body(response, path)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return Fetched(path=path, file_name=file_name, etag=response.headers.get("ETag", ""),
                        last_modified=response.headers.get("Last-Modified", ""))


def _save_body(response, path: Path) -> None:
    """Write the body, refusing one that is too big or too slow, or declared one size and sent another."""
    limit, deadline = settings.REFRESH_MAX_BYTES, time.monotonic() + settings.REFRESH_TIMEOUT_SECONDS
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise DownloadProblem(f"The file is {int(declared):,} bytes, more than the {limit:,} bytes we accept.")
    written = 0
    with open(path, "wb") as handle:
        while chunk := _read(response):
            written += len(chunk)
            if written > limit:
                raise DownloadProblem(f"The file is more than the {limit:,} bytes we accept.")
            if time.monotonic() > deadline:
                raise DownloadProblem(f"The download took more than {settings.REFRESH_TIMEOUT_SECONDS:g} seconds.")
            handle.write(chunk)
    if declared and declared.isdigit() and written != int(declared):
        raise DownloadProblem(f"The download stopped early ({written:,} of {int(declared):,} bytes).")
    if written == 0:
        raise DownloadProblem("The server sent an empty file.")


def _read(response) -> bytes:
    try:
        return response.read(CHUNK)
    except (TimeoutError, OSError) as exc:
        raise DownloadProblem(f"The download stopped: {clip(str(exc))}.") from None


def file_name_of(headers: Message, url: str) -> str:
    """The file's name: from Content-Disposition if the server gives one, else the last part of the address.

    The name matters: published files carry their date in it
    ('DSPT search results 17_10_2023 08_55_43.csv').
    """
    name = headers.get_filename() or urllib.parse.unquote(Path(urllib.parse.urlsplit(url).path).name)
    name = Path(name.replace("\\", "/")).name.strip()
    if not name.lower().endswith(ALLOWED_SUFFIXES):
        if "csv" in (headers.get_content_type() or ""):
            return f"{name or 'download'}.csv"
        raise DownloadProblem(f"The file {clip(name or url)} is not a .csv, .xlsx, .ods or .zip file.")
    return clip(name, 200)


def unpack_single_csv(path: Path, file_name: str) -> tuple[Path, str]:
    """A .zip holding one CSV file (as NHS ODS publishes its lists) -> that CSV, next to it.

    Any other file is returned as it is. The declared size is checked against
    the download limit before anything is unpacked.
    """
    if path.suffix != ".zip":
        return path, file_name
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir() and m.filename.lower().endswith(".csv")]
            if len(members) != 1:
                raise DownloadProblem(f"The .zip file holds {len(members)} CSV files; we expect exactly one.")
            member = members[0]
            if member.file_size > settings.REFRESH_MAX_BYTES:
                raise DownloadProblem(f"The CSV inside the .zip file is more than {settings.REFRESH_MAX_BYTES:,} bytes.")
            target = path.with_suffix(".csv")
            with archive.open(member) as source, open(target, "wb") as handle:
                while block := source.read(CHUNK):
                    handle.write(block)
    except zipfile.BadZipFile:
        raise DownloadProblem("The .zip file is damaged.") from None
    finally:
        path.unlink(missing_ok=True)
    return target, Path(member.filename).name


class _LinkFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)


CQC_FILE_LINK = re.compile(r"HSCA[_ ]?Active[_ ]?Locations.*\.(ods|xlsx)$", re.IGNORECASE)


def find_cqc_file_link(*, page_url: str) -> str:
    """The address of the newest HSCA Active Locations file, from the CQC page that links to it.

    CQC links each month's file from one page; the first link whose name says
    'HSCA Active Locations' is the newest.
    """
    if urllib.parse.urlsplit(page_url).scheme not in ("http", "https"):
        raise DownloadProblem(f"{clip(page_url)} is not a web address.")
    request = urllib.request.Request(page_url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=settings.REFRESH_TIMEOUT_SECONDS) as response:  # noqa: S310
            page = response.read(5 * 1024 * 1024).decode("utf-8", "replace")
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise DownloadProblem(f"Could not read the CQC page {clip(page_url)}: {clip(str(exc))}.") from None
    finder = _LinkFinder()
    finder.feed(page)
    for href in finder.links:
        if CQC_FILE_LINK.search(urllib.parse.unquote(urllib.parse.urlsplit(href).path)):
            return urllib.parse.urljoin(page_url, href)
    raise DownloadProblem(f"The CQC page {clip(page_url)} has no link to an HSCA Active Locations file.")
