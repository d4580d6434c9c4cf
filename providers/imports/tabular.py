"""Read CSV, .xlsx and .ods files one row at a time.

Every reader yields `(row_number, cells)` where row_number is the row as a
spreadsheet program shows it (the first row is 1) and cells is a list of
strings. Dates become ISO text (2024-06-30) and numbers keep full precision,
so the importers parse one kind of value whatever the file type.

Memory and time stay bounded however large or hostile the file: CSV is read
line by line with a cap on each line and value, and .xlsx and .ods are
streamed through `providers/imports/spreadsheets.py`, which caps every
count a file can inflate (docs/adr/0011-bounded-file-reading.md).
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from providers.imports.problems import FileProblem, clip
from providers.imports.spreadsheets import ODS_MIMETYPE, Limits, iter_ods, iter_xlsx, open_archive, read_small

__all__ = ["FileProblem", "Limits", "Table", "Columns", "Row", "sniff_kind", "iter_rows", "find_table", "clip"]


@dataclass
class Table:
    """A sheet whose header row has been found."""

    headings: list[str]
    header_row: int
    rows: Iterator[tuple[int, list[str]]]
    preamble: list[list[str]]


SNIFF_BYTES = 4096


def sniff_kind(path: Path) -> str:
    """Say whether a file is 'csv', 'xlsx' or 'ods', by its content, not its name."""
    with open(path, "rb") as handle:
        start = handle.read(SNIFF_BYTES)
    return _sniff_zip(path) if sniff_start(start) == "zip" else "csv"


def sniff_start(start: bytes) -> str:
    """From a file's first bytes: 'zip' (a spreadsheet, to look inside) or 'csv'.

    Raises FileProblem, saying what the file is instead, for a file no import
    can read. The admin's upload form asks this before it keeps the file.
    """
    if not start:
        raise FileProblem("The file is empty.")
    if start.startswith(b"PK\x03\x04"):
        return "zip"
    if start.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")):
        raise FileProblem("This is a web page, not the data file. Download the .csv, .xlsx or .ods file itself.")
    if start.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileProblem("This is an old Excel .xls file. Save it as .xlsx or CSV UTF-8 and try again.")
    if start.startswith(b"%PDF"):
        raise FileProblem("This is a PDF. Upload the data file (.csv, .xlsx or .ods) instead.")
    if start.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileProblem("The file is saved as UTF-16 text. Save it as CSV UTF-8 and try again.")
    if b"\x00" in start:
        raise FileProblem("The file is not text or a spreadsheet. Upload a .csv, .xlsx or .ods file.")
    return "csv"


def _sniff_zip(path: Path) -> str:
    try:
        with open_archive(path, Limits.from_settings()) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                # Read with a small limit: a hostile 'mimetype' can unpack to gigabytes.
                mimetype = read_small(archive, "mimetype", 200).decode("ascii", "replace").strip()
                if mimetype == ODS_MIMETYPE:
                    return "ods"
            if "xl/workbook.xml" in names:
                return "xlsx"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        raise FileProblem("The file looks like a spreadsheet but it is damaged or cut short.") from exc
    raise FileProblem("The file is a zip archive but not a spreadsheet. Upload a .csv, .xlsx or .ods file.")


def iter_rows(path: Path, *, kind: str = "", sheet: str | None = None,
              limits: Limits | None = None) -> Iterator[tuple[int, list[str]]]:
    """Yield (row number, cells) from any supported file, within the reading limits.

    kind: what sniff_kind() said of the file, when the caller has asked already.
    limits: tighter limits than the imports' settings (a visitor's list).
    """
    kind = kind or sniff_kind(path)
    limits = limits or Limits.from_settings()
    if kind == "csv":
        return _iter_csv(path, limits)
    reader = iter_xlsx if kind == "xlsx" else iter_ods
    return _damage_reported(reader(path, sheet, limits), kind)


def _damage_reported(rows: Iterator, kind: str) -> Iterator[tuple[int, list[str]]]:
    """A zip cut short or corrupted part-way through is the admin's problem to fix, not a crash."""
    try:
        yield from rows
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise FileProblem(f"The .{kind} file could not be read to the end. It may be damaged or cut short.") from exc


def find_table(
    rows: Iterable[tuple[int, list[str]]],
    *,
    required: Iterable[str | tuple[str, ...]],
    max_preamble_rows: int = 30,
    not_found_message: str = "",
    missing: dict[str, str] | None = None,
) -> Table:
    """Find the header row by its headings (it is not always row 1).

    required: headings the header must hold; a tuple is one column under any
    of its names. Returns the headings and an iterator over the rows after
    it. Rows before the header (a notice block, a title) are kept as
    `preamble`. missing: what to say, instead of listing it, when only that
    one heading is missing.
    """
    required = [(item,) if isinstance(item, str) else tuple(item) for item in required]
    iterator = iter(rows)
    preamble: list[list[str]] = []
    best: tuple[int, list[tuple[str, ...]]] | None = None
    for row_number, cells in iterator:
        names = {normalise_heading(c) for c in cells if c}
        absent = [names_of for names_of in required if not any(normalise_heading(n) in names for n in names_of)]
        if not absent:
            return Table(headings=[c.strip() for c in cells], header_row=row_number, rows=iterator, preamble=preamble)
        if len(absent) < len(required) and (best is None or len(absent) < len(best[1])):
            best = (row_number, absent)
        preamble.append(cells)
        if len(preamble) >= max_preamble_rows:
            break
    if best is not None:
        row_number, absent = best
        if len(absent) == 1 and absent[0][0] in (missing or {}):
            raise FileProblem(f"Row {row_number}: {missing[absent[0][0]]}.")
        raise FileProblem(
            f"Row {row_number} looks like the header row, but these columns are missing: "
            + ", ".join(" or ".join(names_of) for names_of in absent)
            + ". Check the file is the right one and its columns have not been renamed."
        )
    raise FileProblem(
        not_found_message
        or "We could not find the header row. The file must have these columns: "
        + ", ".join(" or ".join(names_of) for names_of in required) + "."
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
        """[(field, position, seen)] for the fields read from a column: the first of its headings this table
        has, and an empty dict per field for the reader to remember what it made of each text in this table."""
        key = id(fields)
        if key not in self._field_positions:
            self._field_positions[key] = [
                (spec, next((p for p in map(self.position, spec.headings) if p is not None), None), {})
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
        cells, count = self.cells, len(self.cells)
        # Most of these cells are empty: test for that first, it is far cheaper than strip().upper().
        return [name for name, position in self.columns.flag_group(prefix)
                if position < count and cells[position] and cells[position].strip().upper() == "Y"]


def normalise_heading(text: str) -> str:
    """Compare headings ignoring case, spacing and a stray BOM."""
    return " ".join(str(text).replace("\ufeff", "").split()).casefold()


# --- CSV -----------------------------------------------------------------------


def _lines(handle, limit: int) -> Iterator:
    """The file's lines, refusing one longer than `limit` before it is all in memory."""
    for line_number in range(1, 1 << 62):
        line = handle.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and line[-1:] not in ("\n", b"\n"):
            raise FileProblem(f"Line {line_number:,} of the file is longer than {limit:,} characters. "
                              "A real row is far shorter; the file may be damaged or not a data file.")
        yield line_number, line


def _check_utf8(path: Path, limits: Limits) -> None:
    """Fail early, naming the line, if the file is not UTF-8 text."""
    with open(path, "rb") as handle:
        for line_number, line in _lines(handle, limits.line_chars):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise FileProblem(
                    f"Row {line_number}: the file is not saved as UTF-8 text "
                    f"(found byte 0x{line[exc.start]:02x}). "
                    "In Excel use 'Save as' and choose 'CSV UTF-8', then try again."
                ) from exc


def _iter_csv(path: Path, limits: Limits) -> Iterator[tuple[int, list[str]]]:
    _check_utf8(path, limits)
    csv.field_size_limit(limits.cell_chars)
    with open(path, encoding="utf-8-sig", newline="") as text:
        reader = csv.reader(line for _, line in _lines(text, limits.line_chars))
        row_number = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise FileProblem(_csv_damage(row_number + 1, exc, limits)) from exc
            # We count records, not lines: a quoted value over two lines is
            # still one row, as a spreadsheet program shows it.
            row_number += 1
            yield row_number, _within_limits(row_number, cells, limits)


def _csv_damage(row_number: int, exc: csv.Error, limits: Limits) -> str:
    if "field larger than field limit" in str(exc):
        return (f"Row {row_number}: a value is longer than {limits.cell_chars:,} characters. "
                "No real record needs that much; a quote mark may be missing.")
    return f"Row {row_number}: the CSV file is damaged ({clip(str(exc))})."


def _within_limits(row_number: int, cells: list[str], limits: Limits) -> list[str]:
    if row_number > limits.rows:
        raise FileProblem(f"The file has more than {limits.rows:,} rows. We read at most {limits.rows:,}.")
    if len(cells) > limits.columns:
        if any(cell.strip() for cell in cells[limits.columns:]):
            raise FileProblem(f"Row {row_number}: there is a value in column {len(cells):,}. "
                              f"We read at most {limits.columns:,} columns.")
        del cells[limits.columns:]
    return cells  # as written: whoever reads a value strips it
