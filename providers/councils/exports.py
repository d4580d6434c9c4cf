"""Downloads of care services and their DSPT results: a spreadsheet (.xlsx), CSV that opens right in Excel, and JSON.

Every service is the one shape (providers/register/shape.py): the JSON
download holds care_service() dicts as the API gives them, and the CSV
flattens each one through shape.COLUMNS, which also drives the page that
documents them (/download/), so they cannot drift.

The spreadsheet is the one for people: every cell has its type (a phone
number, code or ID is text, so it keeps its leading zero; a date is a date),
the header row stays in view and each column is wide enough to read. A name
that looks like a formula is text there too, shown as written.

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
from collections.abc import Iterable, Iterator

from django.db.models import Prefetch
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from providers.register.models import DsptAssessment
from providers.register.shape import COLUMNS, care_service

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


def services(locations, *, today: dt.date, base_url: str) -> Iterator[dict]:
    """care_service() of each service of a QuerySet (with_dspt_status()), with its results over time,
    a chunk at a time so memory stays flat (the records come a chunk at a time too)."""
    records = Prefetch("dspt_organisation__assessments", queryset=DsptAssessment.objects.with_source())
    for location in locations.prefetch_related(records).iterator(chunk_size=CHUNK_SIZE):
        yield care_service(location, today=today, base_url=base_url, history=True)


def csv_download(services: Iterable[dict]) -> Iterator[str]:
    """The CSV text, a line at a time: byte-order mark, headings, then one line per service."""
    yield BYTE_ORDER_MARK
    yield from csv_lines(_table(services))


def _table(services: Iterable[dict]):
    yield [column.heading for column in COLUMNS]
    for service in services:
        yield [column.value(service) for column in COLUMNS]


def json_download(services: Iterable[dict], *, data_as_of: dict) -> Iterator[str]:
    """{"data_as_of": ..., "services": [...]} as text, a service at a time."""
    yield '{"data_as_of": ' + json.dumps(data_as_of) + ', "services": ['
    separator = "\n"
    for service in services:
        yield separator + json.dumps(service, ensure_ascii=False)
        separator = ",\n"
    yield "\n]}\n"


def xlsx_download(services: Iterable[dict], file) -> None:
    """Write the services to an .xlsx file (a path or an open binary file), a row at a time (openpyxl's
    write-only mode: memory stays flat)."""
    dates = {position for position, column in enumerate(COLUMNS) if column.kind == "date"}
    rows = ([_date_or_value(column.value(service), position in dates) for position, column in enumerate(COLUMNS)]
            for service in services)
    write_xlsx("Care services", [column.heading for column in COLUMNS], rows, file,
               widths=[column.width for column in COLUMNS])


def write_xlsx(title: str, headings: list[str], rows: Iterable[list], file, *, widths: list[int] | None = None,
               above: list[list[str]] = ()) -> None:
    """A one-sheet spreadsheet: any rows `above` the bold headings (kept in view), then the rows, a row at a
    time. A str is always text, never a formula or a number; a date or a number is one."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    sheet.freeze_panes = f"A{len(above) + 2}"
    for number, width in enumerate(widths or [], start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    for row in above:
        sheet.append([_value(sheet, cell) for cell in row])
    bold = Font(bold=True)
    sheet.append([_text_cell(sheet, heading, font=bold) for heading in headings])
    for row in rows:
        sheet.append([_value(sheet, cell) for cell in row])
    book.save(file)


def _date_or_value(value, is_date: bool):
    return dt.date.fromisoformat(value) if is_date and value not in (None, "") else value


def _value(sheet, value):
    """A plain value where openpyxl writes it as it is (fast); a cell of its own only where it must be told."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        return value  # a date (shown YYYY-MM-DD), a number or a bool
    return _text_cell(sheet, value) if value.startswith("=") else value  # a str starting "=" would be a formula


def _text_cell(sheet, text: str, font: Font | None = None) -> WriteOnlyCell:
    """A cell that is text whatever it looks like: never a number, a date or a formula."""
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    if font:
        cell.font = font
    return cell
