"""Check a list: a council's messy list of real Lincolnshire services, as CSV and as .xlsx, comes back whole and
right, and nothing of it is kept or logged."""

import base64
import csv
import io
import logging
import re
import tempfile
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from providers.checking import columns
from tests import hostile_files
from providers.checking.matching import Described, find_many

pytestmark = pytest.mark.django_db

HEADINGS = ["Provider / Home", "Post Code", "Town", "CQC Reg No", "NACS", "Contract ref", "Notes"]
# (what the council's list says, what it should be: a CQC location ID, "several" or "not_found")
MESSY = [
    (["Age UK Lincoln and South Lincolnshire", "LN1 1UQ", "Lincoln", "", "", "C-0001", ""], "1-1125858653"),
    (["St Andrews Nursing and Care Home", "ng349pl", "", "", "", "C-0002", ""], "1-122352677"),
    (["Flos Friends Care Limited", "", "Boston", "", "", "C-0003", ""], "1-25272684483"),
    (["Cafe Court", "", "Lincoln", "", "", "C-0004", "no accent"], "1-112000001"),
    (["Sunny Sid", "", "", " 1-1125858653 ", "", "C-0005", "the ID is right, the name is not"], "1-1125858653"),
    (["", "", "", "", "vlca5", "C-0006", "an ODS code only"], "1-112803138"),
    (["Nowhere Imaginary Care Ltd", "ZZ9 9ZZ", "Nowhere", "", "", "C-0007", ""], "not_found"),
    (["Clarence House and The Granary", "LN9 5JE", "", "", "", "C-0008", '=HYPERLINK("http://example.com","x")'],
     "1-131820085"),
    (["The Gables", "", "", "", "", "C-0009", "two of them"], "several"),
    (["Bluebird Care Stamford Rutland Peterborough and Oundle", "", "", "", "", "C-0010", ""], "1-1733857331"),
    (["St Johns Care Home", "", "Spalding", "", "", "C-0011", ""], "1-1612880594"),
    (["Ashwood Nursng Home Spalding", "", "", "", "", "C-0012", "a typo"], "1-121485942"),
    (["Greenacres Care Home", "NG34 9RP", "", "", "", "C-0013", "one of two of that name"], "1-118334608"),
    (["Westerley Residential Care Home", "", "Woodhall Spa", "", "", "C-0014", "+44 1234"], "1-112803138"),
    (["The Old Hall", "", "sleaford", "", "", "C-0015", ""], "1-110419339"),
]


def messy_csv() -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADINGS)
    writer.writerows(cells for cells, _ in MESSY)
    return text.getvalue().encode("utf-8")


def messy_xlsx() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Care services we pay for, November 2026"])  # a title above the header
    sheet.append(HEADINGS)
    for cells, _ in MESSY:
        sheet.append(cells)
        if cells[6].startswith("="):
            sheet.cell(row=sheet.max_row, column=7).data_type = "s"  # the council's own text, not a formula
    file = io.BytesIO()
    book.save(file)
    return file.getvalue()


def upload(client, file_name: str, content: bytes, **roles):
    return client.post("/check-a-list/", {"file": SimpleUploadedFile(file_name, content), **roles})


def downloads(response) -> tuple[bytes, bytes]:
    html = response.content.decode()
    csv_link = re.search(r'href="data:text/csv;charset=utf-8;base64,([^"]+)"', html).group(1)
    xlsx_link = re.search(r'href="data:application/vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet;base64,'
                          r'([^"]+)"', html).group(1)
    return base64.b64decode(csv_link), base64.b64decode(xlsx_link)


def test_the_columns_are_recognised_by_their_headings_and_what_they_hold():
    rows = [cells for cells, _ in MESSY]
    assert columns.guess(HEADINGS, rows) == {"name": 0, "postcode": 1, "town": 2, "location_id": 3, "ods_code": 4}
    # Headings that say nothing: the values alone tell an ID, a code and a postcode apart.
    blind = columns.guess(["A", "B", "C"], [["1-545611283", "VLLWV", "L8 1AA"], ["1-10552899555", "VJ0S1", "ls6 1bn"]])
    assert blind == {"location_id": 0, "ods_code": 1, "postcode": 2, "name": None, "town": None}


def test_every_line_of_a_messy_list_finds_its_service(lincolnshire_loaded):
    found = find_many([Described(name=c[0], postcode=c[1], town=c[2], location_id=c[3], ods_code=c[4])
                       for c, _ in MESSY])
    got = [f.location.cqc_location_id if f.status == "matched" else f.status for f in found]
    assert got == [expected for _, expected in MESSY]
    gables = found[8]
    assert {c.location.name for c in gables.candidates} >= {"The Gables"} and len(gables.candidates) >= 2


@pytest.mark.parametrize("name, content", [("our list.csv", messy_csv), ("our list.xlsx", messy_xlsx)])
def test_a_messy_list_comes_back_whole_with_the_answers_added(client, lincolnshire_loaded, name, content):
    response = upload(client, name, content())
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    page = response.content.decode()
    assert "Your list: 15 care services checked" in page
    assert "Not found" in page and "It could be one of these" in page
    counts = dict(re.findall(r'<td class="nhsuk-table__cell">([^<]+)</td><td class="nhsuk-table__cell '
                             r'nhsuk-table__cell--numeric">(\d+)</td>', page))
    assert counts["DSPT result: Meets the standard"] == "2"  # Age UK, by its name and postcode, and by its ID
    assert counts["We could not find the care service"] == "1" and counts["More than one care service could be this one"] == "1"
    assert sum(map(int, counts.values())) == len(MESSY)
    as_csv, as_xlsx = downloads(response)

    text = as_csv.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    header = next(i for i, row in enumerate(rows) if row[:7] == HEADINGS)
    assert rows[header][:7] == HEADINGS and rows[header][7] == "DSPT Lookup: CQC location ID"
    body = rows[header + 1:]
    # Their own values, kept (a spreadsheet's reader trims the spaces around a value; a CSV's keeps them).
    trim = str.strip if name.endswith(".xlsx") else str
    assert [row[:7] for row in body] == [[_safe(trim(cell)) for cell in cells] for cells, _ in MESSY]
    for row, (_, expected) in zip(body, MESSY):
        if expected.startswith("1-"):
            assert row[7] == expected and row[12].endswith(f"/services/{expected}/")
        elif expected == "several":
            assert row[11].startswith("More than one care service") and "The Gables" in row[11]
        else:
            assert row[7] == "" and row[11].startswith("Not found")
    assert body[0][9] == "Meets the standard" and body[0][10]  # a current result counts until a date
    assert body[0][11] == "Name and postcode" and body[5][11] == "ODS code" and body[4][11] == "CQC location ID"
    assert body[7][6] == "'" + MESSY[7][0][6] and body[13][6] == "'+44 1234"  # formulas are text

    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx)).active
    cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
    top = next(i for i, row in enumerate(cells) if row[:7] == HEADINGS)
    assert [[v or "" for v in row[:7]] for row in cells[top + 1:]] == [[trim(v) for v in c] for c, _ in MESSY]
    assert [row[7] or "" for row in cells[top + 1:]] == [e if e.startswith("1-") else "" for _, e in MESSY]
    formula = sheet.cell(row=top + 1 + 8, column=7)
    assert formula.data_type == "s" and formula.value == MESSY[7][0][6]  # kept as text, never run
    if name.endswith(".xlsx"):
        assert cells[0][0] == "Care services we pay for, November 2026"  # the title row above is kept


def _safe(cell: str) -> str:
    return "'" + cell if cell.startswith(("=", "+", "-", "@")) else cell


def test_nothing_uploaded_is_kept_or_logged(client, lincolnshire_loaded, caplog, monkeypatch):
    # Every table, ours and the libraries', but the limiter's (a hashed client address, counted: dsptlookup/limits.py).
    tables = set(connection.introspection.table_names()) - {"dsptlookup_limit"}
    before = _row_counts(tables)
    folder = Path(tempfile.mkdtemp())
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    caplog.set_level(logging.DEBUG)
    response = upload(client, "our list.csv", messy_csv())
    assert response.status_code == 200
    assert list(folder.iterdir()) == []  # our temporary copy is gone
    assert _row_counts(tables) == before  # nothing written to any table
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for cells, _ in MESSY:
        for value in cells:
            if len(value) > 4:
                assert value not in logged


def _row_counts(tables: set[str]) -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in sorted(tables):
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def test_the_guess_can_be_corrected(client, lincolnshire_loaded):
    content = "Home,Where\nAge UK Lincoln and South Lincolnshire,LN1 1UQ\n".encode()
    guessed = upload(client, "list.csv", content).content.decode()
    assert "Your list: 1 care service checked" in guessed and "Rows to look at (0)" in guessed
    assert re.search(r"Name of the care service</dt><dd[^>]*>Home<", guessed)
    # Told the name is in no column, the row cannot be matched by its postcode alone.
    corrected = upload(client, "list.csv", content, name="-")
    page = corrected.content.decode()
    assert "We could not find a column of names" in page
    assert 'value="-" selected' in page


@pytest.mark.parametrize("content, message", [
    (b"", "The file is empty"),
    (b"%PDF-1.4 not a list", "This is a PDF"),
    (b"Name\n" + b"A care home\n" * 5001, "We check up to 5,000 at a time"),
    ("Name,Town\nCaf\xe9,Leeds\n".encode("latin-1"), "not saved as UTF-8"),
    (b"Name,Town\n", "no rows under it"),
])
def test_a_file_we_cannot_read_says_why(client, lincolnshire_loaded, content, message):
    response = upload(client, "list.csv", content)
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.parametrize("make, message", [
    (lambda path: hostile_files.write_xlsx(path, hostile_files.XLSX_HEADER_ROW, doctype=hostile_files.BILLION_LAUGHS),
     "declares its own XML entities"),
    (lambda path: hostile_files.write_xlsx(path, hostile_files.XLSX_HEADER_ROW, doctype=hostile_files.XXE),
     "declares its own XML entities"),
    (lambda path: hostile_files.write_packed_ods(path, part="content.xml", megabytes=300), "packed"),
])
def test_a_hostile_spreadsheet_is_refused_as_the_admin_imports_refuse_it(client, db, tmp_path, make, message):
    path = make(tmp_path / "list")
    response = upload(client, "list.xlsx", path.read_bytes())
    assert response.status_code == 400
    assert message in response.content.decode()
