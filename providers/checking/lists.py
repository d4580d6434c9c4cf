"""A visitor's list of care services: read it, check every line, and give it back with the answers added.

    uploaded = read_list(request.FILES["file"])          # FileProblem if it cannot be read
    checked = check(uploaded, columns.guess(...), today=..., base_url=...)
    as_csv(checked), as_xlsx(checked)                    # their own file, every row and column, with ours added

Nothing is kept: the file is read from a private temporary folder deleted before the answer is sent, and
the list lives in memory for one request (docs/adr/0027-checking-lists.md). The reading limits and
hostile-file checks are the admin imports' own (providers/imports/tabular.py), with fewer rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from providers.checking.matching import HOW, Described, Found, find_many
from providers.councils.exports import BYTE_ORDER_MARK, safe_cell, write_xlsx
from providers.imports.tabular import FileProblem, Limits, iter_rows, sniff_kind
from providers.register.shape import care_service

# Rows above the header we keep reading through (a title, notes) before giving up on finding it.
MAX_PREAMBLE_ROWS = 20
# What we add to each row, after the list's own columns.
ADDED = ["DSPT Lookup: CQC location ID", "DSPT Lookup: name as registered", "DSPT Lookup: DSPT result",
         "DSPT Lookup: counts until", "DSPT Lookup: how we matched it", "DSPT Lookup: link"]
NOT_FOUND_WORDS = "Not found. Check the name, or add a postcode or CQC location ID."
SEVERAL_WORDS = "More than one care service could be this one: "


@dataclass
class UploadedList:
    file_name: str
    rows: list[list[str]]  # every row of the sheet, in order (blank ones too)
    header: int  # the position of the header row in `rows`

    @property
    def headings(self) -> list[str]:
        return self.rows[self.header]

    @property
    def width(self) -> int:
        return max((len(row) for row in self.rows), default=0)

    @property
    def data_rows(self) -> list[tuple[int, list[str]]]:
        """(position in `rows`, cells) of every row after the header that holds anything."""
        return [(position, row) for position, row in enumerate(self.rows) if position > self.header
                and any(cell.strip() for cell in row)]


@dataclass
class CheckedRow:
    position: int  # in UploadedList.rows
    cells: list[str]
    described: Described
    found: Found
    service: dict | None = None  # the care service's one shape (providers/register/shape.py), when matched

    @property
    def number(self) -> int:
        """The row's number as a spreadsheet program shows it."""
        return self.position + 1


@dataclass
class CheckedList:
    uploaded: UploadedList
    roles: dict[str, int | None]
    rows: list[CheckedRow] = field(default_factory=list)

    def counts(self) -> list[tuple[str, int]]:
        """(what we found, how many rows), the matched ones by their DSPT result, most first."""
        counted = Counter(f"DSPT result: {row.service['dspt']['label']}" if row.service else
                          "We could not find the care service" if row.found.status == "not_found"
                          else "More than one care service could be this one" for row in self.rows)
        return counted.most_common()

    def to_look_at(self) -> list[CheckedRow]:
        """The rows someone must look at: not found, or matching more than one service."""
        return [row for row in self.rows if row.service is None]


def read_list(upload) -> UploadedList:
    """Every row of an uploaded CSV, .xlsx or .ods file, read within limits. Raises FileProblem.

    The file is written to a private temporary folder for the readers, which is deleted on the way out
    whatever happens, and the upload itself is closed (Django deletes its own temporary copy then).
    """
    limit = settings.LIST_CHECK_MAX_ROWS
    try:
        with tempfile.TemporaryDirectory(prefix="dsptlookup-list-") as folder:
            path = Path(folder) / "list"
            with open(path, "wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
            kind = sniff_kind(path)
            rows = _all_rows(iter_rows(path, kind=kind, limits=_limits(limit)))
    finally:
        upload.close()
    header = _header(rows)
    data = sum(1 for row in rows[header + 1:] if any(cell.strip() for cell in row))
    if data == 0:
        raise FileProblem("The list has a header row but no rows under it.")
    if data > limit:
        raise FileProblem(f"The list has {data:,} rows. We check up to {limit:,} at a time: split it and "
                          "check each part.")
    return UploadedList(file_name=str(upload.name or "list")[:200], rows=rows, header=header)


def _limits(rows: int) -> Limits:
    base = Limits.from_settings()
    return Limits(**{**base.__dict__, "rows": rows + MAX_PREAMBLE_ROWS + 1000, "columns": 200})


def _all_rows(numbered) -> list[list[str]]:
    """Rows in order with the blank ones a spreadsheet leaves out put back, so row N is still row N."""
    rows: list[list[str]] = []
    for number, cells in numbered:
        rows.extend([] for _ in range(number - 1 - len(rows)))
        rows.append([str(cell) for cell in cells])
    return rows


def _header(rows: list[list[str]]) -> int:
    """The header: the first row with two or more values (or the first with any, in a list of one column)."""
    filled = [(position, sum(1 for cell in row if cell.strip())) for position, row in enumerate(rows[:MAX_PREAMBLE_ROWS + 1])]
    for position, count in filled:
        if count >= 2:
            return position
    for position, count in filled:
        if count:
            return position
    raise FileProblem("The file is empty." if not rows else "We could not find the header row in the first "
                      f"{MAX_PREAMBLE_ROWS} rows. Put the column names in the first row.")


def check(uploaded: UploadedList, roles: dict[str, int | None], *, today: dt.date, base_url: str) -> CheckedList:
    """Every data row matched to a care service (providers/checking/matching.py), with its shape when it was."""
    data = uploaded.data_rows
    described = [_described(cells, roles) for _, cells in data]
    found = find_many(described)
    checked = CheckedList(uploaded=uploaded, roles=roles)
    for (position, cells), line, result in zip(data, described, found):
        service = care_service(result.location, today=today, base_url=base_url) if result.location else None
        checked.rows.append(CheckedRow(position, cells, line, result, service))
    return checked


def _described(cells: list[str], roles: dict[str, int | None]) -> Described:
    def value(role: str) -> str:
        position = roles.get(role)
        return cells[position].strip() if position is not None and position < len(cells) else ""

    return Described(location_id=value("location_id"), ods_code=value("ods_code"), name=value("name"),
                     postcode=value("postcode"), town=value("town"))


# --- The answer: their file with our columns ------------------------------------------------


def answer_rows(checked: CheckedList) -> list[list[str]]:
    """Every row of their sheet, padded to its width, then ours: headings on the header row, answers on each
    checked row, nothing on the rows above the header or the blank ones."""
    width = checked.uploaded.width
    by_position = {row.position: row for row in checked.rows}
    rows = []
    for position, cells in enumerate(checked.uploaded.rows):
        own = cells + [""] * (width - len(cells))
        if position == checked.uploaded.header:
            rows.append(own + ADDED)
        elif position in by_position:
            rows.append(own + added(by_position[position]))
        else:
            rows.append(own + [""] * len(ADDED))
    return rows


def added(row: CheckedRow) -> list[str]:
    """Our columns for one row (ADDED)."""
    service = row.service
    if service:
        dspt = service["dspt"]
        counts_until = dt.date.fromisoformat(dspt["counts_until"]).strftime("%-d %B %Y") if dspt["counts_until"] else ""
        return [service["cqc_location_id"], service["name"], dspt["label"], counts_until, HOW[row.found.how],
                service["url"]]
    if row.found.status == "several":
        choices = "; ".join(f"{c.location.cqc_location_id} ({c.location.name}, {c.location.postcode})"
                            for c in row.found.candidates)
        return ["", "", "", "", SEVERAL_WORDS + choices, ""]
    return ["", "", "", "", NOT_FOUND_WORDS, ""]


def as_csv(checked: CheckedList) -> bytes:
    """Their list as CSV that opens right in Excel: a byte-order mark, every cell safe from formulas."""
    text = io.StringIO()
    writer = csv.writer(text)
    for row in answer_rows(checked):
        writer.writerow([safe_cell(cell) for cell in row])
    return (BYTE_ORDER_MARK + text.getvalue()).encode("utf-8")


_NUMBER = re.compile(r"^-?(0|[1-9][0-9]{0,14})(\.[0-9]+)?$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def as_xlsx(checked: CheckedList) -> bytes:
    """Their list as a spreadsheet: numbers and dates as they were read, everything else text (never a formula)."""
    rows = answer_rows(checked)
    file = io.BytesIO()
    header = checked.uploaded.header
    write_xlsx("Checked list", rows[header], [_typed(row) for row in rows[header + 1:]], file,
               above=rows[:header])
    return file.getvalue()


def _typed(row: list[str]) -> list:
    return [_typed_value(cell) for cell in row]


def _typed_value(cell: str):
    if _NUMBER.match(cell):
        return float(cell) if "." in cell else int(cell)
    if _DATE.match(cell):
        try:
            return dt.date.fromisoformat(cell)
        except ValueError:
            return cell
    return cell
