"""The downloads open right in a real spreadsheet program: LibreOffice, headless, as a council opens them.

Phone numbers keep their leading zero, codes stay codes, accents survive,
dates are dates, and no imported name ever becomes a live formula.
"""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from providers.register.models import Location
from tests.strict_clients import convert_with_libreoffice

pytestmark = pytest.mark.django_db
FORMULA = '=HYPERLINK("http://evil.example","Click")'


@pytest.fixture
def tricky(sample_loaded):
    """The sample, with a phone that starts with 0, a formula for a name, and its accents ("Café Court")."""
    Location.objects.filter(cqc_location_id="1-545611300").update(phone="01510000000")
    Location.objects.filter(cqc_location_id="1-545611283").update(name=FORMULA)


def download(client, name: str, tmp_path, suffix: str):
    response = client.get(reverse(name))
    assert response.status_code == 200
    path = tmp_path / f"download.{suffix}"
    path.write_bytes(b"".join(response.streaming_content))
    return response, path


def rows_of(sheet) -> dict[str, dict]:
    values = list(sheet.iter_rows(values_only=True))
    headings = values[0]
    return {row[0]: dict(zip(headings, row)) for row in values[1:]}


def test_the_xlsx_has_typed_cells_a_frozen_header_and_widths(client, tricky, tmp_path):
    response, path = download(client, "download_services_xlsx", tmp_path, "xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="dspt-lookup-england.xlsx"' in response["Content-Disposition"]
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet.freeze_panes == "A2" and sheet.column_dimensions["B"].width == 40
    rows = rows_of(sheet)
    assert len(rows) == 26
    lodge = rows["1-545611300"]
    assert lodge["Phone"] == "0151 000 0000" and lodge["Date published"] == dt.datetime(2026, 6, 30)
    assert rows["1-545611283"]["Name"] == FORMULA  # text, shown as written
    assert not [cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


def test_libreoffice_opens_the_xlsx_with_phones_codes_accents_and_no_formulas(client, tricky, tmp_path):
    _, path = download(client, "download_services_xlsx", tmp_path, "xlsx")
    # Saved by LibreOffice as CSV (UTF-8), which writes what each cell shows: a formula would show its result.
    shown = convert_with_libreoffice(path, "csv", tmp_path, export_filter="Text - txt - csv (StarCalc):44,34,76,1")
    rows = {row["CQC location ID"]: row for row in csv.DictReader(io.StringIO(shown.read_text(encoding="utf-8")))}
    assert rows["1-545611300"]["Phone"] == "0151 000 0000"
    assert rows["1-545611283"]["Name"] == FORMULA and "Café Court" in {row["Name"] for row in rows.values()}
    assert rows["1-545611300"]["Date published"] == "2026-06-30"  # a date cell, shown as a date
    assert all(row["CQC location ID"].startswith("1-") for row in rows.values())


def test_libreoffice_opens_the_csv_read_as_utf8_with_accents_and_phones_and_runs_no_formula(client, tricky, tmp_path):
    """Opened with "Unicode (UTF-8)" chosen, then saved as .xlsx.

    (LibreOffice does not read the byte-order mark that tells Excel the file is
    UTF-8: opened without that choice, "Café" reads "CafÃ©". /download/ says
    so, and offers the .xlsx, which needs no choice: the test above.)
    """
    _, path = download(client, "download_services_csv", tmp_path, "csv")
    opened = convert_with_libreoffice(path, "xlsx", tmp_path, infilter="CSV:44,34,76")
    sheet = openpyxl.load_workbook(opened).active
    rows = rows_of(sheet)
    assert "Café Court" in {row["Name"] for row in rows.values()}
    assert rows["1-545611300"]["Phone"] == "0151 000 0000"  # the spaces keep it text, with its zero
    assert not [cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
    assert rows["1-545611283"]["Name"] == "'" + FORMULA  # the CSV's guard, shown: the .xlsx needs none
