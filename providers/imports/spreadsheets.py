""".ods and .xlsx files read as a stream, with a limit on everything a file can make us do.

A spreadsheet is a zip of XML files, and a few kilobytes of either can ask
for gigabytes: a cell "repeated 2,000,000,000 times", a row numbered
900,000,000,000, a part that unpacks a thousandfold, a value 1.5 GB long,
XML nested three million deep, an entity that expands to billions of
characters. So (docs/adr/0011-bounded-file-reading.md):

- before parsing, every zip entry's declared size and packing ratio is
  checked (`open_archive`); reading stops at the declared size;
- the XML is parsed with expat, fed 64 KB at a time; a document type
  declaration (the only way to define entities) is refused outright, and
  the depth, each value's length, columns, repeats and row numbers are
  counted as they arrive, so a file is rejected the moment it passes a cap;
- rows are handed on as soon as they end; nothing holds the whole sheet.

The caps are settings (`Limits.from_settings`); past one, the file is
rejected whole with a FileProblem saying which cap and where.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.parsers import expat

from django.conf import settings

from providers.imports.problems import FileProblem, clip

CHUNK_BYTES = 64 * 1024
# A real spreadsheet has tens of parts; a zip of thousands is not one.
MAX_ZIP_ENTRIES = 10_000
# Parts smaller than this are never too tightly packed to read.
RATIO_CHECKED_FROM_BYTES = 1024 * 1024
# workbook.xml, its links and styles.xml are small in every real file.
SMALL_PART_BYTES = 20 * 1024 * 1024
SKIPPED_SHEETS = {"readme", "read me", "notes"}


@dataclass(frozen=True)
class Limits:
    """How far we follow a file before calling it hostile or broken. Each is a setting."""

    entry_bytes: int
    packing_ratio: int
    repeat: int
    columns: int
    rows: int
    cell_chars: int
    depth: int
    shared_strings: int
    line_chars: int

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(entry_bytes=settings.IMPORT_MAX_UNPACKED_BYTES, packing_ratio=settings.IMPORT_MAX_PACKING_RATIO,
                   repeat=settings.IMPORT_MAX_REPEAT, columns=settings.IMPORT_MAX_COLUMNS,
                   rows=settings.IMPORT_MAX_ROWS, cell_chars=settings.IMPORT_MAX_CELL_CHARS,
                   depth=settings.IMPORT_MAX_XML_DEPTH, shared_strings=settings.IMPORT_MAX_SHARED_STRINGS,
                   line_chars=settings.IMPORT_MAX_LINE_CHARS)


# --- The zip ------------------------------------------------------------------------


def open_archive(path: Path, limits: Limits) -> zipfile.ZipFile:
    """Open a zip after checking, from its directory alone, that no part unpacks too far."""
    archive = zipfile.ZipFile(path)
    try:
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_ENTRIES:
            raise FileProblem(f"The file holds {len(entries):,} parts. A spreadsheet holds a few dozen.")
        for entry in entries:
            _check_entry(entry, limits)
    except BaseException:
        archive.close()
        raise
    return archive


def _check_entry(entry: zipfile.ZipInfo, limits: Limits) -> None:
    megabytes = entry.file_size / 1_000_000
    if entry.file_size > limits.entry_bytes:
        raise FileProblem(f"Part '{clip(entry.filename)}' of the file would unpack to {megabytes:,.0f} MB, "
                          f"more than the {limits.entry_bytes / 1_000_000:,.0f} MB we allow.")
    ratio = entry.file_size / max(entry.compress_size, 1)
    if entry.file_size >= RATIO_CHECKED_FROM_BYTES and ratio > limits.packing_ratio:
        raise FileProblem(f"Part '{clip(entry.filename)}' of the file is packed {ratio:,.0f} times tighter than "
                          f"it unpacks ({megabytes:,.0f} MB). Real spreadsheets are packed at most "
                          f"{limits.packing_ratio} times, so we do not open it.")


def read_small(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """A small part, read whole, but never more than `limit` bytes of it."""
    with archive.open(name) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise FileProblem(f"Part '{clip(name)}' of the file is far larger than it should be.")
    return data


# --- Safe, counted XML ----------------------------------------------------------------


class _XmlReader:
    """Feeds one XML part to expat, refusing entities and counting depth.

    Subclasses define start(name, attrs), end(name) and text(data); names
    are 'namespace-uri localname'. Rows a subclass finishes go in `ready`.
    """

    def __init__(self, limits: Limits, part: str):
        self.limits = limits
        self.part = part
        self.depth = 0
        self.ready: list[tuple[int, list[str]]] = []
        self.emitted = 0
        self.finished = False
        parser = self.parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True
        parser.buffer_size = CHUNK_BYTES
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = self._refuse_doctype
        parser.EntityDeclHandler = self._refuse_doctype
        parser.ExternalEntityRefHandler = self._refuse_doctype
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self.text

    def _refuse_doctype(self, *args):
        raise FileProblem(f"Part '{self.part}' of the file declares its own XML entities. "
                          "Spreadsheets never do; files that do can be built to exhaust a server.")

    def _start(self, name, attrs):
        self.depth += 1
        if self.depth > self.limits.depth:
            raise FileProblem(f"Part '{self.part}' of the file nests more than {self.limits.depth} levels deep. "
                              "No real spreadsheet does.")
        self.start(name, attrs)

    def _end(self, name):
        self.depth -= 1
        self.end(name)

    def start(self, name, attrs): ...
    def end(self, name): ...
    def text(self, data): ...

    def emit(self, row_number: int, cells: list[str]) -> None:
        """Hand on a finished row, counting it against the row cap."""
        self.emitted += 1
        _check_rows_read(self.emitted, self.limits)
        self.ready.append((row_number, cells))

    def rows(self, stream) -> Iterator[tuple[int, list[str]]]:
        """Parse the stream chunk by chunk, handing on each row as soon as it ends."""
        try:
            while not self.finished:
                chunk = stream.read(CHUNK_BYTES)
                self.parser.Parse(chunk, not chunk)
                yield from self.ready
                self.ready.clear()
                if not chunk:
                    return
        except expat.ExpatError as exc:
            raise FileProblem(f"Part '{self.part}' of the file could not be read to the end "
                              f"({expat.errors.messages[exc.code]}). It may be damaged or cut short.") from exc


def _number(attrs: dict, key: str, default: int = 1) -> int:
    raw = attrs.get(key)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise FileProblem(f"The file has '{clip(raw)}' where a count should be. It may be damaged.") from None


class _RowBuilder:
    """One row's cells, with blank cells held back until a value follows them."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.cells: list[str] = []
        self.blanks = 0

    def add_blank(self) -> None:
        """One empty cell: the commonest cell of all, so it skips add()'s checks, which a blank never fails."""
        self.blanks += 1

    def add(self, value: str, *, repeat: int = 1, row_number: int) -> None:
        if not value:
            self.blanks += repeat
            return
        limits = self.limits
        if repeat > limits.repeat:
            raise FileProblem(f"Row {row_number}: a value is repeated {repeat:,} times across the row. "
                              f"We accept at most {limits.repeat:,}.")
        if len(self.cells) + self.blanks + repeat > limits.columns:
            raise FileProblem(f"Row {row_number}: there is a value in column {len(self.cells) + self.blanks + repeat:,}. "
                              f"We read at most {limits.columns:,} columns.")
        self.cells.extend([""] * self.blanks)
        self.blanks = 0
        self.cells.extend([value] * repeat)

    def put(self, column: int, value: str, *, row_number: int) -> None:
        """For .xlsx: a value at a known column (1 = A)."""
        if value:
            self.blanks = max(0, column - 1 - len(self.cells))
            self.add(value, row_number=row_number)


class _TextCounter:
    """Gathers a value's text, refusing one longer than the cap."""

    def __init__(self, limits: Limits):
        self.limit = limits.cell_chars
        self.parts: list[str] = []
        self.length = 0

    def add(self, text: str, row_number: int) -> None:
        self.length += len(text)
        if self.length > self.limit:
            raise FileProblem(f"Row {row_number}: a value is longer than {self.limit:,} characters. "
                              "No real record needs that much; the file may be damaged or built to harm.")
        self.parts.append(text)

    def take(self) -> str:
        text = "".join(self.parts)
        self.parts, self.length = [], 0
        return text


def _check_rows_read(count: int, limits: Limits) -> None:
    if count > limits.rows:
        raise FileProblem(f"The file has more than {limits.rows:,} rows. We read at most {limits.rows:,}.")


def _check_row_number(row_number: int, limits: Limits) -> None:
    if row_number > limits.rows:
        raise FileProblem(f"The file has a value on row {row_number:,}. We read at most {limits.rows:,} rows.")


# --- ODS ------------------------------------------------------------------------------

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0 "
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0 "
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0 "
ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
# The names we look for, as expat gives them ('namespace-uri localname'), joined once here rather than
# at each of the millions of elements a national file has.
_SHEET, _ROW, _CELL, _COVERED_CELL, _SHEET_NAME, _ROWS_REPEATED, _COLUMNS_REPEATED = (_TABLE + local for local in (
    "table", "table-row", "table-cell", "covered-table-cell", "name", "number-rows-repeated", "number-columns-repeated"))
_PARAGRAPH, _SPACES, _SPACE_COUNT, _TAB, _LINE_BREAK = (_TEXT + local for local in ("p", "s", "c", "tab", "line-break"))
_ANNOTATION, _VALUE_TYPE, _VALUE, _DATE_VALUE, _BOOLEAN_VALUE = (_OFFICE + local for local in (
    "annotation", "value-type", "value", "date-value", "boolean-value"))


def iter_ods(path: Path, sheet: str | None, limits: Limits) -> Iterator[tuple[int, list[str]]]:
    with open_archive(path, limits) as archive:
        try:
            stream = archive.open("content.xml")
        except KeyError:
            raise FileProblem("The .ods file has no content. It may be damaged.") from None
        with stream:
            reader = _OdsReader(limits, sheet)
            yield from reader.rows(stream)
        if sheet is not None and sheet not in reader.sheets_seen:
            raise FileProblem(f"The spreadsheet has no sheet called '{clip(sheet)}'.")


class _OdsReader(_XmlReader):
    def __init__(self, limits: Limits, sheet: str | None):
        super().__init__(limits, "content.xml")
        self.sheet = sheet
        self.sheets_seen: list[str] = []
        self.in_wanted = False
        self.row_number = 0
        self.row_repeat = 1
        self.row = _RowBuilder(limits)
        self.cell_attrs: dict | None = None
        self.paragraphs_seen = 0
        self.text_counter = _TextCounter(limits)
        self.in_paragraph = 0
        self.in_annotation = 0

    def start(self, name, attrs):
        if name == _SHEET:
            table_name = attrs.get(_SHEET_NAME, "")
            self.sheets_seen.append(table_name)
            wanted = table_name == self.sheet if self.sheet is not None else table_name.strip().lower() not in SKIPPED_SHEETS
            self.in_wanted, self.row_number = wanted and not self.finished, 0
        elif not self.in_wanted:
            return
        elif name == _ROW:
            self.row_repeat = _number(attrs, _ROWS_REPEATED)
            self.row = _RowBuilder(self.limits)
        elif name == _CELL or name == _COVERED_CELL:
            self.cell_attrs, self.paragraphs_seen = attrs, 0
        elif name == _ANNOTATION:
            self.in_annotation += 1
        elif self.cell_attrs is not None and not self.in_annotation:
            self._start_in_cell(name, attrs)

    def _start_in_cell(self, name, attrs):
        if name == _PARAGRAPH:
            if self.paragraphs_seen:
                self.text_counter.add("\n", self._next_row)
            self.in_paragraph += 1
            self.paragraphs_seen += 1
        elif name == _SPACES:  # a run of spaces
            self.text(" " * min(_number(attrs, _SPACE_COUNT), self.limits.cell_chars + 1))
        elif name == _TAB:
            self.text("\t")
        elif name == _LINE_BREAK:
            self.text("\n")

    def end(self, name):
        if not self.in_wanted:
            return
        if name == _PARAGRAPH and self.in_paragraph and not self.in_annotation:
            self.in_paragraph -= 1
        elif name == _ANNOTATION:
            self.in_annotation -= 1
        elif name == _CELL or name == _COVERED_CELL:
            self._end_cell()
        elif name == _ROW:
            self._end_row()
        elif name == _SHEET:
            self.in_wanted, self.finished = False, True

    @property
    def _next_row(self) -> int:
        return self.row_number + 1

    def text(self, data):
        if self.in_paragraph and not self.in_annotation:
            self.text_counter.add(data, self._next_row)

    def _end_cell(self):
        attrs, self.cell_attrs = self.cell_attrs or {}, None
        if not attrs and not self.text_counter.parts:  # an empty cell, as most are
            self.row.add_blank()
            return
        value = _ods_value(attrs, self.text_counter.take().strip())
        self.row.add(value, repeat=_number(attrs, _COLUMNS_REPEATED), row_number=self._next_row)

    def _end_row(self):
        cells = self.row.cells
        if not cells:
            self.row_number += self.row_repeat
            return
        if self.row_repeat > self.limits.repeat:
            raise FileProblem(f"Row {self._next_row:,}: a row of values is repeated {self.row_repeat:,} times. "
                              f"We accept at most {self.limits.repeat:,}.")
        for _ in range(self.row_repeat):
            self.row_number += 1
            _check_row_number(self.row_number, self.limits)
            self.emit(self.row_number, list(cells))


def _ods_value(attrs: dict, text: str) -> str:
    """A cell as plain text: numbers at full precision, dates as ISO dates."""
    value_type = attrs.get(_VALUE_TYPE)
    if value_type in {"float", "percentage", "currency"}:
        raw = attrs.get(_VALUE, "")
        try:
            number = float(raw)
        except ValueError:
            return clip(raw, 100)
        return str(int(number)) if number.is_integer() and "e" not in raw.lower() else raw[:100]
    if value_type == "date":
        raw = attrs.get(_DATE_VALUE, "")[:100]
        return raw[:10] if raw.endswith("T00:00:00") or len(raw) == 10 else raw
    if value_type == "boolean":
        return attrs.get(_BOOLEAN_VALUE, "")[:10]
    return text


# --- XLSX -----------------------------------------------------------------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main "
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships "
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships "
# The names met at every cell, joined once (see the .ods names above).
_X_ROW, _X_CELL, _X_VALUE, _X_TEXT, _X_PHONETIC, _X_STRING = (_MAIN + local for local in ("row", "c", "v", "t", "rPh", "si"))


def iter_xlsx(path: Path, sheet: str | None, limits: Limits) -> Iterator[tuple[int, list[str]]]:
    with open_archive(path, limits) as archive:
        try:
            book = _Workbook(archive, limits)
            sheet_part = book.sheet_part(sheet)
            stream = archive.open(sheet_part)
        except KeyError as exc:
            raise FileProblem("The .xlsx file is missing a part it needs. It may be damaged or cut short.") from exc
        with stream:
            yield from _SheetReader(limits, sheet_part, book).rows(stream)


class _Collector(_XmlReader):
    """Reads a small part into a list of (name, attrs) for the elements we ask about."""

    def __init__(self, limits: Limits, part: str, wanted: set[str]):
        super().__init__(limits, part)
        self.wanted = wanted
        self.found: list[tuple[str, dict]] = []

    def start(self, name, attrs):
        if name in self.wanted:
            self.found.append((name, attrs))

    def collect(self, data: bytes) -> list[tuple[str, dict]]:
        try:
            self.parser.Parse(data, True)
        except expat.ExpatError as exc:
            raise FileProblem(f"Part '{self.part}' of the .xlsx file is damaged.") from exc
        return self.found


class _Workbook:
    """What a sheet needs from the rest of the .xlsx: its part name, date styles, shared strings."""

    def __init__(self, archive: zipfile.ZipFile, limits: Limits):
        self.archive, self.limits = archive, limits
        names = set(archive.namelist())
        found = self._small("xl/workbook.xml", {_MAIN + "sheet", _MAIN + "workbookPr"})
        self.sheets = [(attrs.get("name", ""), attrs.get(_DOC_RELS + "id", "")) for name, attrs in found
                       if name == _MAIN + "sheet"]
        if not self.sheets:
            raise FileProblem("The .xlsx file has no sheets.")
        self.date1904 = any(attrs.get("date1904") in ("1", "true") for name, attrs in found
                            if name == _MAIN + "workbookPr")
        self.targets = {attrs.get("Id"): attrs.get("Target", "")
                        for _, attrs in self._small("xl/_rels/workbook.xml.rels", {_RELS + "Relationship"})}
        self.date_styles = self._date_styles() if "xl/styles.xml" in names else set()
        self.shared = self._shared_strings() if "xl/sharedStrings.xml" in names else []

    def _small(self, part: str, wanted: set[str]) -> list[tuple[str, dict]]:
        return _Collector(self.limits, part, wanted).collect(read_small(self.archive, part, SMALL_PART_BYTES))

    def sheet_part(self, wanted: str | None) -> str:
        names = [name for name, _ in self.sheets]
        if wanted and wanted in names:
            chosen = wanted
        else:
            chosen = next((name for name in names if name.strip().lower() not in SKIPPED_SHEETS), names[0])
        target = self.targets.get(dict(self.sheets)[chosen], "")
        return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))

    def _date_styles(self) -> set[int]:
        """Which cell styles (by index) show a number as a date."""
        from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

        found = self._small("xl/styles.xml", {_MAIN + "numFmt", _MAIN + "cellXfs", _MAIN + "xf"})
        formats = {_number(attrs, "numFmtId", 0): attrs.get("formatCode", "") for name, attrs in found
                   if name == _MAIN + "numFmt"}
        styles, in_cell_xfs = [], False
        for name, attrs in found:
            if name == _MAIN + "cellXfs":
                in_cell_xfs = True
            elif name == _MAIN + "xf" and in_cell_xfs:
                styles.append(_number(attrs, "numFmtId", 0))
        # cellXfs comes after cellStyleXfs in styles.xml, so the xf elements
        # after it are the cell styles.
        return {index for index, format_id in enumerate(styles)
                if is_date_format(formats.get(format_id) or BUILTIN_FORMATS.get(format_id))}

    def _shared_strings(self) -> list[str]:
        with self.archive.open("xl/sharedStrings.xml") as stream:
            reader = _SharedStrings(self.limits)
            for _ in reader.rows(stream):
                pass
        return reader.strings


class _SharedStrings(_XmlReader):
    """The .xlsx table of text values, counted as it is read."""

    def __init__(self, limits: Limits):
        super().__init__(limits, "xl/sharedStrings.xml")
        self.strings: list[str] = []
        self.counter = _TextCounter(limits)
        self.in_text = self.in_phonetic = False

    def start(self, name, attrs):
        if name == _X_TEXT and not self.in_phonetic:
            self.in_text = True
        elif name == _X_PHONETIC:
            self.in_phonetic = True

    def end(self, name):
        if name == _X_TEXT:
            self.in_text = False
        elif name == _X_PHONETIC:
            self.in_phonetic = False
        elif name == _X_STRING:
            if len(self.strings) >= self.limits.shared_strings:
                raise FileProblem(f"The .xlsx file holds more than {self.limits.shared_strings:,} different texts. "
                                  "We do not read files that large.")
            self.strings.append(self.counter.take().strip())

    def text(self, data):
        if self.in_text:
            self.counter.add(data, len(self.strings) + 1)


_COLUMN = re.compile(r"([A-Za-z]{1,3})")


class _SheetReader(_XmlReader):
    def __init__(self, limits: Limits, part: str, book: _Workbook):
        super().__init__(limits, part)
        self.book = book
        self.row_number = 0
        self.row = _RowBuilder(limits)
        self.column = 0
        self.cell: dict | None = None
        self.counter = _TextCounter(limits)
        self.in_value = False

    def start(self, name, attrs):
        if name == _X_ROW:
            self.row_number = _number(attrs, "r", self.row_number + 1)
            _check_row_number(self.row_number, self.limits)
            self.row, self.column = _RowBuilder(self.limits), 0
        elif name == _X_CELL:
            self.column = _column_of(attrs.get("r"), self.column + 1)
            self.cell = attrs
        elif name in (_X_VALUE, _X_TEXT) and self.cell is not None:
            self.in_value = True
        elif name == _X_PHONETIC:
            self.in_value = False

    def end(self, name):
        if name in (_X_VALUE, _X_TEXT):
            self.in_value = False
        elif name == _X_CELL:
            self._end_cell()
        elif name == _X_ROW:
            if self.row.cells:
                self.emit(self.row_number, self.row.cells)

    def text(self, data):
        if self.in_value:
            self.counter.add(data, self.row_number)

    def _end_cell(self):
        attrs, self.cell = self.cell or {}, None
        value = _xlsx_value(attrs, self.counter.take(), self.book)
        self.row.put(self.column, value, row_number=self.row_number)


def _column_of(reference: str | None, default: int) -> int:
    """'AB12' -> 28."""
    if not reference:
        return default
    match = _COLUMN.match(reference)
    if not match:
        raise FileProblem(f"The .xlsx file has a cell called '{clip(reference)}'. It may be damaged.")
    number = 0
    for letter in match.group(1).upper():
        number = number * 26 + ord(letter) - 64
    return number


def _xlsx_value(attrs: dict, raw: str, book: _Workbook) -> str:
    kind = attrs.get("t", "n")
    if kind == "s":
        try:
            return book.shared[int(raw)]
        except (ValueError, IndexError):
            raise FileProblem(f"The .xlsx file refers to a text '{clip(raw)}' it does not hold. "
                              "It may be damaged.") from None
    if kind in ("inlineStr", "str", "e"):
        return raw.strip()
    if kind == "b":
        return "True" if raw.strip() in ("1", "true") else "False"
    if kind == "d":
        return raw[:10] if raw.endswith("T00:00:00") else raw.strip()
    return _xlsx_number(raw.strip(), _number(attrs, "s", 0) in book.date_styles, book.date1904)


def _xlsx_number(raw: str, is_date: bool, date1904: bool) -> str:
    if not raw:
        return ""
    try:
        number = float(raw)
    except ValueError:
        return clip(raw, 100)
    if is_date:
        return _excel_date(number, date1904)
    if not any(mark in raw for mark in ".eE"):
        return str(int(raw)) if raw.lstrip("-").isdigit() else raw
    return str(int(number)) if number.is_integer() else repr(number)


def _excel_date(serial: float, date1904: bool) -> str:
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

    try:
        value = from_excel(serial, CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900)
    except (OverflowError, ValueError):
        return repr(serial)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
