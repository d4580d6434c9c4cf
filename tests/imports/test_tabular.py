"""Reading CSV, .xlsx and .ods files row by row."""

import zipfile

import pytest

from providers.imports.tabular import FileProblem, find_table, iter_rows, sniff_kind
from tests.conftest import SAMPLE_CQC_CSV, SAMPLE_ODS, SAMPLE_XLSX


def first_rows(path, count=5):
    rows = []
    for row in iter_rows(path):
        rows.append(row)
        if len(rows) == count:
            break
    return rows


def test_sniff_by_content_not_name(tmp_path):
    assert sniff_kind(SAMPLE_ODS) == "ods"
    assert sniff_kind(SAMPLE_XLSX) == "xlsx"
    assert sniff_kind(SAMPLE_CQC_CSV) == "csv"
    renamed = tmp_path / "really_an_ods.csv"
    renamed.write_bytes(SAMPLE_ODS.read_bytes())
    assert sniff_kind(renamed) == "ods"


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty"),
        (b"%PDF-1.4 ...", "PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", ".xls"),
        (b"\xff\xfeL\x00o\x00", "UTF-16"),
        (b"\x00\x01\x02\x03binary", "not text"),
    ],
)
def test_sniff_rejects_other_files_with_a_reason(write_file, content, message):
    with pytest.raises(FileProblem, match=message):
        sniff_kind(write_file("upload.csv", content))


def test_a_zip_that_is_not_a_spreadsheet(tmp_path):
    path = tmp_path / "archive.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(FileProblem, match="not a spreadsheet"):
        sniff_kind(path)


def test_the_three_formats_give_the_same_rows():
    def data(path):
        # Dates differ in form (01/04/2011 in CSV, 2011-04-01 from a spreadsheet);
        # both parse to the same date, tested below. Compare the rest.
        table = find_table(iter_rows(path), required=["Location ID", "Location Name"])
        return table.headings, [cells[:1] + cells[2:14] + cells[15:29] for _, cells in table.rows]

    csv_headings, csv_rows = data(SAMPLE_CQC_CSV)
    for other in (SAMPLE_XLSX, SAMPLE_ODS):
        headings, rows = data(other)
        assert headings == csv_headings
        assert rows == csv_rows


def test_header_found_below_a_notice_block():
    table = find_table(iter_rows(SAMPLE_ODS), required=["Location ID", "Location Name"])
    assert table.header_row == 4
    assert table.preamble[0] == ["HSCA Active Locations"]
    row_number, cells = next(table.rows)
    assert row_number == 5 and cells[0] == "1-545611283"


def test_ods_reader_skips_the_readme_sheet_and_padding_rows():
    rows = list(iter_rows(SAMPLE_ODS))
    assert rows[0][1] == ["HSCA Active Locations"]
    # 3 notice rows + header + 28 data rows; the million padding rows are not expanded.
    assert len(rows) == 31


def test_spreadsheet_dates_and_numbers_become_plain_text():
    table = find_table(iter_rows(SAMPLE_XLSX), required=["Location ID"])
    headings = table.headings
    _, cells = next(table.rows)
    assert cells[headings.index("Location HSCA start date")] == "2011-04-01"
    assert cells[headings.index("Location Latitude")] == "53.3899"


def test_csv_with_bom_and_odd_heading_spacing(write_file):
    path = write_file("bom.csv", "\ufeffLocation  ID ,location name\n1-123456789,Home\n")
    table = find_table(iter_rows(path), required=["Location ID", "Location Name"])
    assert list(table.rows) == [(2, ["1-123456789", "Home"])]


def test_csv_in_the_wrong_encoding_names_the_row(write_file):
    path = write_file("latin1.csv", "Location ID,Location Name\n1-1,Caf\xe9\n".encode("latin-1"))
    with pytest.raises(FileProblem, match="Row 2: the file is not saved as UTF-8"):
        list(iter_rows(path))


def test_missing_columns_are_named(write_file):
    path = write_file("x.csv", "Location ID,Name of place\n1-1,Home\n")
    with pytest.raises(FileProblem, match="missing: Location Name"):
        find_table(iter_rows(path), required=["Location ID", "Location Name"])


def test_no_header_at_all(write_file):
    path = write_file("x.csv", "a,b\n1,2\n")
    with pytest.raises(FileProblem, match="could not find the header row"):
        find_table(iter_rows(path), required=["Location ID"])


@pytest.mark.parametrize("sample", [SAMPLE_ODS, SAMPLE_XLSX])
def test_truncated_spreadsheets_are_reported(write_file, sample):
    data = sample.read_bytes()
    path = write_file("cut" + sample.suffix, data[: len(data) // 2])
    with pytest.raises(FileProblem, match="damaged or cut short"):
        list(iter_rows(path))
