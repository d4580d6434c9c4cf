"""read_fields: each column's values checked once per distinct text, with the same result every time."""

import datetime as dt

import pytest

from providers.imports import formats
from providers.imports.kinds import Field
from providers.imports.reading import REMEMBERED_TEXTS, RowProblem, read_fields
from providers.imports.tabular import Columns

DATE = (Field("published_on", "date", headings=("Date",), validate=formats.parse_date),)


def test_a_repeated_text_reads_as_it_did_the_first_time():
    columns = Columns(["Date"])
    for cells in (["01/02/2026"], [" 01/02/2026 "], ["01/02/2026"]):
        assert read_fields(DATE, columns.row(cells)) == {"published_on": dt.date(2026, 2, 1)}


def test_a_repeated_bad_text_sets_every_row_that_has_it_aside():
    columns = Columns(["Date"])
    for _ in range(3):
        with pytest.raises(RowProblem, match=r"^Date '31/13/2026' is not a date we recognise"):
            read_fields(DATE, columns.row(["31/13/2026"]))
    assert read_fields(DATE, columns.row([""])) == {"published_on": None}


def test_each_text_is_checked_once_and_a_column_of_unique_values_is_not_all_kept():
    checked = []

    def validate(text: str) -> str:
        checked.append(text)
        return text.upper()

    fields = (Field("name", headings=("Name",), validate=validate),)
    columns = Columns(["Name"])
    for number in range(REMEMBERED_TEXTS + 500):
        read_fields(fields, columns.row([f"name {number}"]))
    assert [read_fields(fields, columns.row(["name 7"])) for _ in range(3)] == [{"name": "NAME 7"}] * 3
    assert checked.count("name 7") == 1
    ((_, _, remembered),) = columns.positions_of(fields)
    assert len(remembered) == REMEMBERED_TEXTS  # memory stays flat however long the file
    late = f"name {REMEMBERED_TEXTS + 100}"
    assert read_fields(fields, columns.row([late])) == {"name": late.upper()}
    assert checked.count(late) == 2  # past the limit a text is checked again, not remembered


def test_a_new_file_remembers_nothing_from_the_last():
    first, second = Columns(["Date"]), Columns(["Date"])
    read_fields(DATE, first.row(["01/02/2026"]))
    ((_, _, remembered),) = second.positions_of(DATE)
    assert remembered == {}
