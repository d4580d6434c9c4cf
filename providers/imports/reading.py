"""Reading a file's rows for an import: what reading found (rows set aside as 'Row N: reason', rows
skipped by reason), each field's value checked (and remembered), blank, short and damaged rows, and
progress told to the command line and the admin while the import's own transaction is still open."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import psycopg

from providers.imports.problems import FileProblem, clip
from providers.imports.runs import MAX_REASON_CHARS, autocommit_connection

if TYPE_CHECKING:
    from providers.imports.models import ImportRun
    from providers.imports.tabular import Row, Table

# How many problems we keep on the run record (all are counted), and how long each may be.
MAX_STORED_ERRORS = 1000
PROGRESS_EVERY = 2000
ProgressCallback = Callable[[int], None]


def fingerprint(seed: bytes, cells: list[str]) -> int:
    """A row's fingerprint: 8 bytes of BLAKE2b of its cells, keyed by the file's headings (the same cells under
    other headings mean other values), as a signed 64-bit integer for a bigint column."""
    digest = hashlib.blake2b("\x1f".join(cells).encode(), digest_size=8, key=seed[:64]).digest()
    return int.from_bytes(digest, "big", signed=True)


def headings_seed(headings: list[str]) -> bytes:
    return hashlib.blake2b("\x1f".join(headings).encode(), digest_size=32).digest()


class RowProblem(ValueError):
    """One row cannot be read; the message says why. The row is set aside."""


class Problems:
    """Collects 'Row N: reason' messages, keeping the first MAX_STORED_ERRORS."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self.count = 0

    def add(self, row_number: int | None, reason: str) -> None:
        self.count += 1
        if len(self.messages) < MAX_STORED_ERRORS:
            # Reasons quote clipped values already; this bounds the whole line too.
            reason = clip(reason, MAX_REASON_CHARS)
            self.messages.append(f"Row {row_number}: {reason}" if row_number else reason)

    def __bool__(self) -> bool:
        return self.count > 0


@dataclass
class ParsedFile:
    """What reading a file found: rows set aside, skipped rows by reason, counts."""

    problems: Problems = field(default_factory=Problems)  # rows set aside
    skipped: Counter = field(default_factory=Counter)
    rows_read: int = 0
    kept: int = 0
    same_as_held: int = 0  # rows recognised by their fingerprint as the row we hold, not read again


def read_fields(fields, row: Row) -> dict:
    """Read and check every field that comes from a column. Raises RowProblem naming the column.

    Where each field's column is in this file is worked out once per file
    (cached on its Columns), so a row costs one list lookup per field. Most
    columns repeat a few values (a date, a sector, a council, Y or N), so each
    distinct text is checked once per file and what it gave remembered
    (validators depend on nothing but their text): at most REMEMBERED_TEXTS
    per column, so a column of names or IDs costs one failed lookup a row and
    memory stays flat however long the file.
    """
    cells, count = row.cells, len(row.cells)
    values = {}
    for spec, position, seen in row.columns.positions_of(fields):
        text = cells[position].strip() if position is not None and position < count else ""
        value = seen.get(text, _NOT_SEEN)
        if value is _NOT_SEEN:
            value = _check(spec, text)
            if len(seen) < REMEMBERED_TEXTS:
                seen[text] = value
        if value.__class__ is _Invalid:
            raise RowProblem(f"{spec.heading} {value}")
        values[spec.name] = value
    return values


REMEMBERED_TEXTS = 1000
_NOT_SEEN = object()


class _Invalid(str):
    """Why a text is not a valid value of its field (the ValueError's message), remembered like a value."""


def _check(spec, text: str):  # spec: a kinds.Field
    try:
        return spec.validate(text)
    except ValueError as exc:
        return _Invalid(exc)


def too_many_set_aside(parsed: ParsedFile, max_bad_share: float) -> str:
    """Why a file has too many rows set aside to trust the rest, or ''."""
    if not parsed.problems or parsed.problems.count <= max_bad_share * max(parsed.rows_read, 1):
        return ""
    share = parsed.problems.count / max(parsed.rows_read, 1)
    return (f"{parsed.problems.count} of {parsed.rows_read} rows ({share:.1%}) could not be read. "
            f"That is more than the {max_bad_share:.0%} we allow, so the file may be the wrong one or damaged. "
            "Nothing was imported. Fix the rows listed and try again.")


def with_set_aside(message: str, parsed: ParsedFile, verb: str) -> str:
    if not parsed.problems:
        return message.strip()
    return (f"{message.strip()} {parsed.problems.count} rows could not be read and {verb} set aside; "
            "each is listed below. The other rows {verb} imported.").replace("{verb}", verb)


def data_rows(table: Table, *, parsed: ParsedFile, reporter: ProgressReporter, check_short_rows: bool):
    """The table's data rows, counted and reported as they are read.

    Blank rows are passed over. With check_short_rows (CSV files), a row with
    fewer cells than the header is set aside; if the *last* row is short, the
    file was cut short and is rejected whole.
    """
    short, row_number, width = "", 0, len(table.headings)
    for row_number, cells in table.rows:
        if not any(cells) or not any(cell.strip() for cell in cells):
            continue
        parsed.rows_read += 1
        reporter(parsed.rows_read)
        nul = _nul_problem(cells, table.headings)
        if nul:
            parsed.problems.add(row_number, nul)
            continue
        short = check_short_rows and len(cells) < width and f"has {len(cells)} of the {width} columns"
        if short:
            parsed.problems.add(row_number, short)
            continue
        yield row_number, cells
    reporter(parsed.rows_read)
    if short:
        raise FileProblem(f"Row {row_number}: the last row {short}. The file may be cut short: download it again.")


def _nul_problem(cells: list[str], headings: list[str]) -> str:
    """PostgreSQL cannot store a NUL character: a row holding one is set aside like any damaged row."""
    if "\x00" not in "".join(cells):  # one scan in C; the loop below only for the rare row that has one
        return ""
    for position, cell in enumerate(cells):
        if "\x00" in cell:
            heading = clip(headings[position]) if position < len(headings) else f"column {position + 1}"
            return f"{heading} holds a NUL character (an invisible code left by a damaged file)"
    return ""


class ProgressReporter:
    """Tells the command line (a callback) and the admin (the run record) how far we are.

    The import's own transaction is still open while it reads, so the run
    record is updated through a second, short-lived connection that commits
    at once. If that fails (say, in a test's transaction) progress is simply
    not shown; the import itself is unaffected.
    """

    def __init__(self, run: ImportRun, callback: ProgressCallback | None) -> None:
        self.run = run
        self.callback = callback
        self._conn = None
        self._last = 0

    def __call__(self, rows_read: int) -> None:
        if self.callback:
            self.callback(rows_read)
        if rows_read - self._last < PROGRESS_EVERY:
            return
        self._last = rows_read
        try:
            if self._conn is None:
                self._conn = autocommit_connection()
            self._conn.execute(
                "UPDATE providers_importrun SET rows_read = %s WHERE id = %s", [rows_read, self.run.pk]
            )
        except psycopg.Error:
            self._conn = None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
