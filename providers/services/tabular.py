"""Read CSV, .xlsx and .ods files one row at a time.

Every reader yields `(row_number, cells)` where row_number is the row as a
spreadsheet program shows it (the first row is 1) and cells is a list of
strings. Dates become ISO text (2024-06-30) and numbers keep full precision,
so the importers parse one kind of value whatever the file type.

Memory stays flat however large the file: CSV is read line by line, .xlsx
with openpyxl's read-only mode and .ods by parsing its XML as a stream.
"""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

# A CSV cell larger than this is not a real value; csv raises an error we report.
csv.field_size_limit(1_000_000)


class FileProblem(Exception):
    """The whole file cannot be read. The message is shown to the admin as it is."""


@dataclass
class Table:
    """A sheet whose header row has been found."""

    headings: list[str]
    header_row: int
    rows: Iterator[tuple[int, list[str]]]
    preamble: list[list[str]]


def sniff_kind(path: Path) -> str:
    """Say whether a file is 'csv', 'xlsx' or 'ods', by its content, not its name."""
    with open(path, "rb") as handle:
        start = handle.read(4096)
    if not start:
        raise FileProblem("The file is empty.")
    if start.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
                if "mimetype" in names:
                    mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                    if mimetype == "application/vnd.oasis.opendocument.spreadsheet":
                        return "ods"
                if "xl/workbook.xml" in names:
                    return "xlsx"
        except zipfile.BadZipFile as exc:
            raise FileProblem("The file looks like a spreadsheet but it is damaged or cut short.") from exc
        raise FileProblem("The file is a zip archive but not a spreadsheet. Upload a .csv, .xlsx or .ods file.")
    if start.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileProblem("This is an old Excel .xls file. Save it as .xlsx or CSV UTF-8 and try again.")
    if start.startswith(b"%PDF"):
        raise FileProblem("This is a PDF. Upload the data file (.csv, .xlsx or .ods) instead.")
    if start.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileProblem("The file is saved as UTF-16 text. Save it as CSV UTF-8 and try again.")
    if b"\x00" in start:
        raise FileProblem("The file is not text or a spreadsheet. Upload a .csv, .xlsx or .ods file.")
    return "csv"


def iter_rows(path: Path, *, sheet: str | None = None) -> Iterator[tuple[int, list[str]]]:
    """Yield (row number, cells) from any supported file."""
    kind = sniff_kind(path)
    if kind == "csv":
        return _iter_csv(path)
    if kind == "xlsx":
        return _iter_xlsx(path, sheet)
    return _iter_ods(path, sheet)


def find_table(
    rows: Iterable[tuple[int, list[str]]],
    *,
    required: Iterable[str],
    max_preamble_rows: int = 30,
    not_found_message: str = "",
) -> Table:
    """Find the header row by its headings (it is not always row 1).

    Returns the headings and an iterator over the rows after it. Rows before
    the header (a notice block, a title) are kept as `preamble`.
    """
    required = list(required)
    wanted = {normalise_heading(h) for h in required}
    iterator = iter(rows)
    preamble: list[list[str]] = []
    best: tuple[int, list[str]] | None = None
    for row_number, cells in iterator:
        names = {normalise_heading(c) for c in cells if c}
        if wanted <= names:
            headings = [c.strip() for c in cells]
            return Table(headings=headings, header_row=row_number, rows=iterator, preamble=preamble)
        found = len(wanted & names)
        if found and (best is None or found > len(wanted & {normalise_heading(c) for c in best[1]})):
            best = (row_number, cells)
        preamble.append(cells)
        if len(preamble) >= max_preamble_rows:
            break
    if best is not None:
        have = {normalise_heading(c) for c in best[1]}
        missing = [h for h in required if normalise_heading(h) not in have]
        raise FileProblem(
            f"Row {best[0]} looks like the header row, but these columns are missing: "
            + ", ".join(missing)
            + ". Check the file is the right one and its columns have not been renamed."
        )
    raise FileProblem(
        not_found_message
        or "We could not find the header row. The file must have these columns: " + ", ".join(required) + "."
    )


class Columns:
    """Where each heading is in a table, looked up once and remembered."""

    def __init__(self, headings: list[str]):
        self.headings = headings
        self._positions: dict[str, int] = {}
        for position, heading in enumerate(headings):
            self._positions.setdefault(normalise_heading(heading), position)
        self._cache: dict[str, int | None] = {}
        self._flag_groups: dict[str, list[tuple[str, int]]] = {}
        self._field_positions: dict[int, list] = {}

    def position(self, heading: str) -> int | None:
        try:
            return self._cache[heading]
        except KeyError:
            found = self._cache[heading] = self._positions.get(normalise_heading(heading))
            return found

    def has(self, heading: str) -> bool:
        return self.position(heading) is not None

    def positions_of(self, fields) -> list:
        """[(field, position)] for the fields read from a column: the first of its headings this table has."""
        key = id(fields)
        if key not in self._field_positions:
            self._field_positions[key] = [
                (spec, next((p for p in map(self.position, spec.headings) if p is not None), None))
                for spec in fields if spec.validate is not None
            ]
        return self._field_positions[key]

    def flag_group(self, prefix: str) -> list[tuple[str, int]]:
        """(name, position) of every column named 'prefix…', e.g. 'Service type - '."""
        if prefix not in self._flag_groups:
            self._flag_groups[prefix] = [
                (heading[len(prefix):].strip(), position)
                for position, heading in enumerate(self.headings)
                if heading.startswith(prefix)
            ]
        return self._flag_groups[prefix]

    def row(self, cells: list[str]) -> "Row":
        return Row(self, cells)


class Row:
    """One data row, read by heading."""

    __slots__ = ("columns", "cells")

    def __init__(self, columns: Columns, cells: list[str]):
        self.columns = columns
        self.cells = cells

    def get(self, *headings: str) -> str:
        """The first of these headings that the table has; '' if none."""
        for heading in headings:
            position = self.columns.position(heading)
            if position is not None:
                return self.cells[position].strip() if position < len(self.cells) else ""
        return ""

    def flags(self, prefix: str) -> list[str]:
        """Names of the 'prefix…' columns holding Y."""
        cells = self.cells
        return [name for name, position in self.columns.flag_group(prefix)
                if position < len(cells) and cells[position].strip().upper() == "Y"]


def short_row_problem(cells: list[str], headings: list[str]) -> str:
    """For CSV files: a row with fewer cells than the header was probably cut short.

    (Spreadsheet readers drop empty cells at the end of a row, so this check
    is for CSV only, where every row has every column.)
    """
    if len(cells) < len(headings):
        return f"has {len(cells)} of the {len(headings)} columns"
    return ""


def normalise_heading(text: str) -> str:
    """Compare headings ignoring case, spacing and a stray BOM."""
    return " ".join(str(text).replace("\ufeff", "").split()).casefold()


# --- CSV -----------------------------------------------------------------------


def _check_utf8(path: Path) -> None:
    """Fail early, naming the line, if the file is not UTF-8 text."""
    with open(path, "rb") as handle:
        for line_number, line in enumerate(handle, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise FileProblem(
                    f"Row {line_number}: the file is not saved as UTF-8 text "
                    f"(found byte 0x{line[exc.start]:02x}). "
                    "In Excel use 'Save as' and choose 'CSV UTF-8', then try again."
                ) from exc


def _iter_csv(path: Path) -> Iterator[tuple[int, list[str]]]:
    _check_utf8(path)
    with open(path, encoding="utf-8-sig", newline="") as text:
        reader = csv.reader(text)
        row_number = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise FileProblem(f"Row {row_number + 1}: the CSV file is damaged ({exc}).") from exc
            # We count records, not lines: a quoted value over two lines is
            # still one row, as a spreadsheet program shows it.
            row_number += 1
            yield row_number, [c.strip() for c in cells]


# --- XLSX ----------------------------------------------------------------------


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


def _iter_xlsx(path: Path, sheet: str | None) -> Iterator[tuple[int, list[str]]]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise FileProblem("The .xlsx file could not be opened. It may be damaged or cut short.") from exc
    try:
        worksheet = _pick_sheet(workbook.sheetnames, sheet, lambda name: workbook[name])
        for row_number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            yield row_number, [_cell_text(v) for v in values]
    except (zipfile.BadZipFile, KeyError, ValueError, EOFError) as exc:
        raise FileProblem("The .xlsx file could not be read to the end. It may be damaged or cut short.") from exc
    finally:
        workbook.close()


def _pick_sheet(names: list[str], wanted: str | None, get):
    if wanted and wanted in names:
        return get(wanted)
    # Prefer a sheet that is not the README notice.
    for name in names:
        if name.strip().lower() not in {"readme", "read me", "notes"}:
            return get(name)
    return get(names[0])


# --- ODS -----------------------------------------------------------------------

_NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}
_T = "{%s}" % _NS["table"]
_O = "{%s}" % _NS["office"]
_X = "{%s}" % _NS["text"]
# A sheet padded to a million empty rows or 16k empty columns is common; we
# never expand repeats of empty cells beyond what a real row needs.
_MAX_REPEAT = 1000


def _ods_cell_value(cell: ElementTree.Element) -> str:
    value_type = cell.get(_O + "value-type")
    if value_type in {"float", "percentage", "currency"}:
        raw = cell.get(_O + "value", "")
        try:
            number = float(raw)
            return str(int(number)) if number.is_integer() and "e" not in raw.lower() else raw
        except ValueError:
            return raw
    if value_type == "date":
        raw = cell.get(_O + "date-value", "")
        return raw[:10] if raw.endswith("T00:00:00") or len(raw) == 10 else raw
    if value_type == "boolean":
        return cell.get(_O + "boolean-value", "")
    parts = []
    for paragraph in cell.iter(_X + "p"):
        parts.append("".join(paragraph.itertext()))
    return "\n".join(parts).strip()


def _iter_ods(path: Path, sheet: str | None) -> Iterator[tuple[int, list[str]]]:
    try:
        archive = zipfile.ZipFile(path)
        content = archive.open("content.xml")
    except (zipfile.BadZipFile, KeyError) as exc:
        raise FileProblem("The .ods file could not be opened. It may be damaged or cut short.") from exc

    try:
        sheets_seen: list[str] = []
        current_table = None
        in_wanted = False
        done_wanted = False
        row_number = 0
        for event, element in ElementTree.iterparse(content, events=("start", "end")):
            tag = element.tag
            if event == "start" and tag == _T + "table":
                name = element.get(_T + "name", "")
                sheets_seen.append(name)
                current_table = element
                if done_wanted:
                    continue
                if sheet is not None:
                    in_wanted = name == sheet
                else:
                    in_wanted = name.strip().lower() not in {"readme", "read me", "notes"}
                row_number = 0
            elif event == "end" and tag == _T + "table":
                if in_wanted:
                    done_wanted = True
                    in_wanted = False
                    return
                element.clear()
            elif event == "end" and tag == _T + "table-row":
                if in_wanted:
                    cells: list[str] = []
                    for cell in element:
                        if cell.tag not in (_T + "table-cell", _T + "covered-table-cell"):
                            continue
                        repeat = int(cell.get(_T + "number-columns-repeated", "1"))
                        value = _ods_cell_value(cell)
                        cells.extend([value] * min(repeat, _MAX_REPEAT if not value else repeat))
                    while cells and cells[-1] == "":
                        cells.pop()
                    repeat_rows = int(element.get(_T + "number-rows-repeated", "1"))
                    if not cells:
                        row_number += repeat_rows
                    else:
                        for _ in range(min(repeat_rows, _MAX_REPEAT)):
                            row_number += 1
                            yield row_number, list(cells)
                element.clear()
                if current_table is not None:
                    current_table.clear()  # drop finished rows so memory stays flat
        if sheet is not None and sheet not in sheets_seen:
            raise FileProblem(f"The spreadsheet has no sheet called '{sheet}'.")
    except ElementTree.ParseError as exc:
        raise FileProblem("The .ods file could not be read to the end. It may be damaged or cut short.") from exc
    except (zipfile.BadZipFile, EOFError) as exc:
        raise FileProblem("The .ods file could not be read to the end. It may be damaged or cut short.") from exc
    finally:
        content.close()
        archive.close()
