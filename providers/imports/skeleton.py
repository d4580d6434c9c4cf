"""What every import shares: the run record, the skeleton, fields, progress, staging.

The pattern (see docs/adr/0002-imports.md and docs/import-policy.md):
1. record an ImportRun (committed at once, so admins can see it running);
2. in one transaction, read the file row by row. Rows outside scope are
   skipped and counted; a row whose values cannot be read is *set aside*
   ("Row N: reason"); the rest are COPYed into a temporary staging table;
3. a broken file (wrong kind, missing columns, cut short, no rows) or one
   with more than the allowed share of rows set aside is rejected whole:
   roll back, nothing changes;
4. otherwise apply the staging table with set-based SQL, and commit (or roll
   back, for a dry run, keeping the counts as a preview).

Each importer describes its columns once, as a list of `Field`s: the table
drives both reading a row and the staging table's columns.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from providers.imports.models import ImportRun
from providers.imports.problems import FileProblem, clip
from providers.imports.runs import (
    MAX_REASON_CHARS,
    WRITING,
    autocommit_connection,
    finish_run,
    one_import_at_a_time,
    set_stage,
    start_run,
)

# How many problems we keep on the run record (all are counted), and how long each may be.
MAX_STORED_ERRORS = 1000
PROGRESS_EVERY = 2000
# How many examples of what an import adds, changes or removes the preview lists.
PREVIEW_EXAMPLES = 10

ProgressCallback = Callable[[int], None]


class ImportRejected(Exception):
    """The file was rejected; the run record says why. Raised to roll back."""


class RowProblem(ValueError):
    """One row cannot be read; the message says why. The row is set aside."""


@dataclass(frozen=True)
class Field:
    """One value an import reads from each row, and its staging column.

    headings: the column(s) it is read from, the first the file has; none for
    a value the importer works out itself. validate: text -> value, raising
    ValueError with a reason that follows the heading ("is blank",
    "'L8 1AAA' is not a UK postcode").
    """

    name: str
    sql_type: str = "text"
    headings: tuple[str, ...] = ()
    validate: Callable[[str], Any] | None = None

    @property
    def heading(self) -> str:
        return self.headings[0] if self.headings else self.name


def staging_columns(fields: list[Field]) -> list[tuple[str, str]]:
    """The staging table's columns: the row number, then one per field."""
    return [("row_number", "integer"), *((f.name, f.sql_type) for f in fields)]


def read_fields(fields: list[Field], row) -> dict:
    """Read and check every field that comes from a column. Raises RowProblem naming the column.

    Where each field's column is in this file is worked out once per file
    (cached on its Columns), so a row costs one list lookup per field.
    """
    cells, count = row.cells, len(row.cells)
    values = {}
    for spec, position in row.columns.positions_of(fields):
        text = cells[position].strip() if position is not None and position < count else ""
        try:
            values[spec.name] = spec.validate(text)
        except ValueError as exc:
            raise RowProblem(f"{spec.heading} {exc}") from None
    return values


def staging_row(fields: list[Field], row_number: int, values: dict) -> tuple:
    return (row_number, *(values.get(spec.name) for spec in fields))


class _DryRunDone(Exception):
    """Raised at the end of a dry run to roll its transaction back."""


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


@dataclass
class ImportJob:
    """Everything one import works with, handed to its `stage` and `apply` steps."""

    path: Path
    file_name: str
    run: ImportRun
    parsed: ParsedFile
    reporter: "ProgressReporter"
    dry_run: bool
    as_of: dt.date | None = None
    options: dict = field(default_factory=dict)

    def set_data_date(self, from_file: dt.date | None = None) -> None:
        """The date the data describes: the file's own date, else the one given, else today."""
        from providers.imports.formats import date_in_file_name

        found = from_file or date_in_file_name(self.file_name)
        self.run.data_as_of = found or self.as_of or timezone.localdate()
        source = "the file" if found else ("the date given" if self.as_of else "today's date: the file gives none")
        self.run.preview["data as of"] = [f"{self.run.data_as_of:%d %B %Y} (from {source})"]


def default_max_bad_share() -> float:
    return settings.IMPORT_MAX_BAD_ROWS_PERCENT / 100


def run_import(*, kind: str, path: Path, file_name: str | None, dry_run: bool, started_by: str,
               progress: ProgressCallback | None, parsed: ParsedFile,
               stage: Callable[[ImportJob], None], apply: Callable[[ImportJob], None],
               as_of: dt.date | None = None, max_bad_share: float | None = None,
               queued: ImportRun | None = None, **options) -> ImportRun:
    """The one skeleton every importer shares: record the run, stage, check, apply.

    `stage(job)` reads the file into a staging table, setting rows aside in
    `job.parsed`; `apply(job)` writes the staging table into the real tables
    and sets the run's counts. Both run in one transaction, and only one
    import runs at a time. queued: the run record of a queued import.
    """
    path = Path(path)
    run = start_run(kind=kind, path=path, file_name=file_name or path.name, started_by=started_by, dry_run=dry_run,
                    queued=queued)
    job = ImportJob(path=path, file_name=file_name or path.name, run=run, parsed=parsed,
                    reporter=ProgressReporter(run, progress), dry_run=dry_run, as_of=as_of, options=options)
    limit = default_max_bad_share() if max_bad_share is None else max_bad_share
    with one_import_at_a_time(run):
        return execute_import(job=job, stage=stage, apply=apply, max_bad_share=limit)


def too_many_set_aside(parsed: ParsedFile, max_bad_share: float) -> str:
    """Why a file has too many rows set aside to trust the rest, or ''."""
    if not parsed.problems or parsed.problems.count <= max_bad_share * max(parsed.rows_read, 1):
        return ""
    share = parsed.problems.count / max(parsed.rows_read, 1)
    return (f"{parsed.problems.count} of {parsed.rows_read} rows ({share:.1%}) could not be read. "
            f"That is more than the {max_bad_share:.0%} we allow, so the file may be the wrong one or damaged. "
            "Nothing was imported. Fix the rows listed and try again.")


def execute_import(*, job: ImportJob, stage: Callable[[ImportJob], None], apply: Callable[[ImportJob], None],
                   max_bad_share: float) -> ImportRun:
    """Stage, check the share set aside, apply, commit (or roll back). Returns the finished run."""
    run, parsed = job.run, job.parsed
    try:
        with transaction.atomic():
            use_import_timeout()
            stage(job)
            rejection = too_many_set_aside(parsed, max_bad_share)
            if rejection:
                raise ImportRejected(rejection)
            set_stage(run, WRITING)
            apply(job)
            if job.dry_run:
                raise _DryRunDone
    except FileProblem as exc:
        return finish_run(run, state=ImportRun.State.FAILED, message=str(exc), problems=parsed.problems)
    except ImportRejected as exc:
        return finish_run(run, state=ImportRun.State.FAILED, problems=parsed.problems, skipped=parsed.skipped,
                          message=str(exc))
    except _DryRunDone:
        return finish_run(run, state=ImportRun.State.PREVIEW, skipped=parsed.skipped, problems=parsed.problems,
                          message=_with_set_aside(f"Preview only: nothing was written. {run.message}", parsed, "would be"))
    except BaseException:  # an unexpected error, or the process being stopped: never left 'running'
        finish_run(run, state=ImportRun.State.FAILED,
                   message="The import stopped because of an unexpected error. Nothing was imported.")
        raise
    finally:
        job.reporter.close()
    return finish_run(run, state=ImportRun.State.SUCCEEDED, skipped=parsed.skipped, problems=parsed.problems,
                      message=_with_set_aside(run.message or "Imported.", parsed, "were"))


def _with_set_aside(message: str, parsed: ParsedFile, verb: str) -> str:
    if not parsed.problems:
        return message.strip()
    return (f"{message.strip()} {parsed.problems.count} rows could not be read and {verb} set aside; "
            "each is listed below. The other rows {verb} imported.").replace("{verb}", verb)


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


def data_rows(table, *, parsed: ParsedFile, reporter: "ProgressReporter", check_short_rows: bool):
    """The table's data rows, counted and reported as they are read.

    Blank rows are passed over. With check_short_rows (CSV files), a row with
    fewer cells than the header is set aside; if the *last* row is short, the
    file was cut short and is rejected whole.
    """
    from providers.imports.tabular import short_row_problem

    short, row_number = "", 0
    for row_number, cells in table.rows:
        if not any(cells):
            continue
        parsed.rows_read += 1
        reporter(parsed.rows_read)
        nul = _nul_problem(cells, table.headings)
        if nul:
            parsed.problems.add(row_number, nul)
            continue
        short = check_short_rows and short_row_problem(cells, table.headings)
        if short:
            parsed.problems.add(row_number, short)
            continue
        yield row_number, cells
    reporter(parsed.rows_read)
    if short:
        raise FileProblem(f"Row {row_number}: the last row {short}. The file may be cut short: download it again.")


def _nul_problem(cells: list[str], headings: list[str]) -> str:
    """PostgreSQL cannot store a NUL character: a row holding one is set aside like any damaged row."""
    for position, cell in enumerate(cells):
        if "\x00" in cell:
            heading = clip(headings[position]) if position < len(headings) else f"column {position + 1}"
            return f"{heading} holds a NUL character (an invisible code left by a damaged file)"
    return ""


def set_aside_duplicates(cursor, *, staging: str, key: str, label: str, parsed: ParsedFile) -> int:
    """The first row with a key wins; each later row with the same key is set aside.

    Each is listed as 'Row N: <label> X appears more than once (first on row M)'.
    The database finds them, so Python's memory stays flat however big the file.
    Returns how many rows were set aside.
    """
    cursor.execute(
        f"SELECT {key}, array_agg(row_number ORDER BY row_number) FROM {staging} "
        f"GROUP BY {key} HAVING count(*) > 1 ORDER BY min(row_number)"
    )
    for value, row_numbers in cursor.fetchall():
        for later in row_numbers[1:]:
            parsed.problems.add(later, f"{label} {value} appears more than once (first on row {row_numbers[0]})")
    cursor.execute(
        f"DELETE FROM {staging} later USING {staging} first "
        f"WHERE later.{key} = first.{key} AND later.row_number > first.row_number"
    )
    return cursor.rowcount


def create_staging_table(cursor, name: str, columns: list[tuple[str, str]]) -> None:
    """A temporary table that disappears at the end of the transaction.

    Dropped first in case an outer transaction (a test, or a caller's own
    atomic block) still holds one from an earlier import.
    """
    cursor.execute(f"DROP TABLE IF EXISTS {name}")
    column_sql = ", ".join(f"{column} {sql_type}" for column, sql_type in columns)
    cursor.execute(f"CREATE TEMPORARY TABLE {name} ({column_sql}) ON COMMIT DROP")


def use_import_timeout() -> None:
    """For the rest of this transaction, the import's statement timeout instead of the web's.

    Also: while a long statement runs, the database checks every second that
    the import's process is still there, so a killed import is rolled back
    (and its lock freed) at once, not when the statement ends.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('statement_timeout', %s, true), "
                       "set_config('client_connection_check_interval', '1s', true)",
                       [str(settings.IMPORT_STATEMENT_TIMEOUT_MS)])


def raw_cursor():
    """The psycopg cursor under Django's, for COPY."""
    return connection.cursor().cursor


def examples(cursor, query: str) -> list[str]:
    """The first PREVIEW_EXAMPLES texts a one-column query gives, for the preview."""
    cursor.execute(f"{query} LIMIT {PREVIEW_EXAMPLES}")
    return [text for (text,) in cursor.fetchall()]
