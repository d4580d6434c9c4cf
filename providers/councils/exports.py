"""Downloads of care services and their DSPT results: CSV that opens right in Excel, and JSON.

One table, COLUMNS, says what each column holds: it drives the CSV, the
JSON and the page that documents them (/download/), so they cannot drift.

CSV safety: a cell that starts with =, +, -, @, a tab or a carriage return
can be run as a formula by Excel or LibreOffice ("CSV injection"). Imported
names are not ours to trust, so every such cell gets a leading apostrophe,
which spreadsheet programs show as plain text. Files start with a UTF-8
byte-order mark, without which Excel reads "Café" as "CafÃ©".
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from providers.results import presenter
from providers.results.dspt_status import Result

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BYTE_ORDER_MARK = "\ufeff"
CHUNK_SIZE = 2000


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class Echo:
    """A file-like object that returns what is written, for streaming CSV."""

    def write(self, value):
        return value


def csv_lines(rows):
    """Yield CSV text lines for an iterable of rows, every cell made safe."""
    writer = csv.writer(Echo())
    for row in rows:
        yield writer.writerow([safe_cell(cell) for cell in row])


@dataclass(frozen=True)
class ServiceRow:
    """One care service as a download shows it: the service, its result today, and its page."""

    location: object  # a Location, fetched with_dspt_status()
    result: Result
    page: str


@dataclass(frozen=True)
class Column:
    key: str  # the JSON name
    heading: str  # the CSV heading
    meaning: str  # what it holds, for the documentation page
    value: Callable[[ServiceRow], object]


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


COLUMNS = [
    Column("cqc_location_id", "CQC location ID", "The care service's ID in CQC's register, like 1-545611283.",
           lambda r: r.location.cqc_location_id),
    Column("name", "Name", "The care service's name.", lambda r: r.location.name),
    Column("provider", "Provider", "The company or charity that runs it.", lambda r: r.location.provider.name),
    Column("address", "Address", "Street and area, without the town and postcode.",
           lambda r: ", ".join(p for p in [r.location.address_line_1, r.location.address_line_2] if p)),
    Column("town", "Town", "The town or city.", lambda r: r.location.town),
    Column("postcode", "Postcode", "The postcode.", lambda r: r.location.postcode),
    Column("local_authority", "Local authority", "The council area it is in.", lambda r: r.location.local_authority),
    Column("region", "Region", "The region of England.", lambda r: r.location.region),
    Column("phone", "Phone", "The service's phone number, as CQC lists it.", lambda r: r.location.phone),
    Column("type", "Type of service", "Care home, home care, supported living and so on.",
           lambda r: r.location.get_category_display()),
    Column("dspt_result", "DSPT result", "The result in plain words, on the day of the download.",
           lambda r: r.result.status.label),
    Column("dspt_result_as_published", "DSPT result as published", "The DSPT's own words, like '24/25 Standards Met'.",
           lambda r: r.result.status_text),
    Column("dspt_year", "DSPT year", "The DSPT year the result is for, like 2024-25.", lambda r: r.result.year_label),
    Column("date_published", "Date published", "The day the result was published (YYYY-MM-DD).",
           lambda r: _date(r.result.published_on)),
    Column("counts_until", "Counts until",
           "The last day the result counts as current (YYYY-MM-DD). Blank when it does not count now.",
           lambda r: _date(r.result.counts_until)),
    Column("published_by", "Published by", "The organisation whose DSPT record this is: the service, its head office "
           "or its provider.", lambda r: r.result.publisher),
    Column("dspt_ods_code", "ODS code of the DSPT record", "The NHS ODS code the record was published under.",
           lambda r: r.location.dspt_organisation.ods_code if r.location.dspt_organisation else ""),
    Column("how_found", "How the record was found", "Whether the record is the service's own, or its head office's, "
           "or its provider's (which may cover it).", lambda r: presenter.match_csv(r.result.match)),
    Column("providing_care_now", "Providing care now", "No when CQC lists the service as dormant (not providing care).",
           lambda r: "No" if r.location.dormant else "Yes"),
    Column("page", "Page", "The service's page on this website. A stable link.", lambda r: r.page),
]


def service_rows(locations, *, today: dt.date, page_url: Callable[[str], str]) -> Iterator[ServiceRow]:
    """The services of a QuerySet (with_dspt_status()), read a chunk at a time so memory stays flat."""
    for location in locations.iterator(chunk_size=CHUNK_SIZE):
        yield ServiceRow(location=location, result=location.dspt_result(today),
                         page=page_url(location.cqc_location_id))


def csv_download(rows: Iterable[ServiceRow]) -> Iterator[str]:
    """The CSV text, a line at a time: byte-order mark, headings, then one line per service."""
    yield BYTE_ORDER_MARK
    yield from csv_lines(_table(rows))


def _table(rows: Iterable[ServiceRow]):
    yield [column.heading for column in COLUMNS]
    for row in rows:
        yield [column.value(row) for column in COLUMNS]


def json_download(rows: Iterable[ServiceRow], *, data_as_of: dict) -> Iterator[str]:
    """{"data_as_of": ..., "services": [...]} as text, a service at a time."""
    yield '{"data_as_of": ' + json.dumps(data_as_of) + ', "services": ['
    separator = "\n"
    for row in rows:
        yield separator + json.dumps({column.key: column.value(row) for column in COLUMNS}, ensure_ascii=False)
        separator = ",\n"
    yield "\n]}\n"
