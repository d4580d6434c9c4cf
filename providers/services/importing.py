"""What every import shares: the run record, the error list, progress, staging.

The pattern (see docs/adr/0002-imports.md):
1. record an ImportRun (committed at once, so admins can see it running);
2. in one transaction, read the file row by row, check each row, and COPY the
   good ones into a temporary staging table;
3. if any row was rejected, roll back: nothing changes, and the run lists
   every problem as "Row N: reason";
4. otherwise apply the staging table with a few set-based SQL statements, and
   commit (or roll back, for a dry run, keeping the counts as a preview).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from django.db import connection, transaction
from django.utils import timezone

from providers.models import ImportRun
from providers.services.tabular import FileProblem

# How many problems we keep on the run record (all are counted).
MAX_STORED_ERRORS = 1000
PROGRESS_EVERY = 2000

ProgressCallback = Callable[[int], None]


class ImportRejected(Exception):
    """The file was rejected; the run record says why. Raised to roll back."""


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
            self.messages.append(f"Row {row_number}: {reason}" if row_number else reason)

    def __bool__(self) -> bool:
        return self.count > 0


@dataclass
class ParsedFile:
    """What reading a file found: problems, skipped rows by reason, counts."""

    problems: Problems = field(default_factory=Problems)
    skipped: Counter = field(default_factory=Counter)
    rows_read: int = 0
    kept: int = 0


def execute_import(*, run: ImportRun, parsed: ParsedFile, reporter: "ProgressReporter",
                   stage: Callable[[], None], apply: Callable[[], None], dry_run: bool) -> ImportRun:
    """The shared shape of every import: stage, check, apply, commit (or roll back).

    `stage` reads the file into a staging table, recording problems in
    `parsed`; `apply` writes the staging table into the real tables and sets
    the run's counts. Both run in one transaction. Returns the finished run.
    """
    try:
        with transaction.atomic():
            stage()
            if parsed.problems:
                raise ImportRejected
            apply()
            if dry_run:
                raise _DryRunDone
    except FileProblem as exc:
        return finish_run(run, state=ImportRun.State.FAILED, message=str(exc), problems=parsed.problems)
    except ImportRejected:
        return finish_run(run, state=ImportRun.State.FAILED, problems=parsed.problems, skipped=parsed.skipped,
                          message=f"{parsed.problems.count} rows have problems. Nothing was imported. "
                                  "Fix the rows listed and try again.")
    except _DryRunDone:
        return finish_run(run, state=ImportRun.State.PREVIEW, skipped=parsed.skipped, problems=parsed.problems,
                          message=f"Preview only: nothing was written. {run.message}".strip())
    except Exception:
        finish_run(run, state=ImportRun.State.FAILED,
                   message="The import stopped because of an unexpected error. Nothing was imported.")
        raise
    finally:
        reporter.close()
    return finish_run(run, state=ImportRun.State.SUCCEEDED, skipped=parsed.skipped, problems=parsed.problems,
                      message=run.message or "Imported.")


def file_checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def start_run(*, kind: str, path: Path, file_name: str, started_by: str, dry_run: bool) -> ImportRun:
    return ImportRun.objects.create(
        kind=kind,
        file_name=file_name[:255],
        file_sha256=file_checksum(path),
        file_size=path.stat().st_size,
        started_by=started_by[:150],
        dry_run=dry_run,
        state=ImportRun.State.RUNNING,
    )


def finish_run(run: ImportRun, *, state: str, message: str = "", problems: Problems | None = None,
               skipped: Counter | None = None) -> ImportRun:
    run.state = state
    run.finished_at = timezone.now()
    if message:
        run.message = message
    if problems is not None:
        run.errors = problems.messages
        run.error_count = problems.count
    if skipped is not None:
        run.skipped = sum(skipped.values())
        run.skipped_reasons = dict(skipped.most_common())
    run.save()
    return run


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
                params = {
                    key: value
                    for key, value in connection.get_connection_params().items()
                    if key not in {"context", "cursor_factory", "prepare_threshold", "server_side_binding"}
                }
                self._conn = psycopg.connect(**params, autocommit=True)
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
    fewer cells than the header is recorded as a problem and not yielded.
    """
    from providers.services.tabular import short_row_problem

    for row_number, cells in table.rows:
        if not any(cells):
            continue
        parsed.rows_read += 1
        reporter(parsed.rows_read)
        short = check_short_rows and short_row_problem(cells, table.headings)
        if short:
            parsed.problems.add(row_number, short)
            continue
        yield row_number, cells
    reporter(parsed.rows_read)


def report_duplicates(cursor, *, staging: str, key: str, label: str, parsed: ParsedFile) -> None:
    """Record 'Row N: <label> X appears more than once' for each repeated key in a staging table.

    The database finds them, so Python's memory stays flat however big the file.
    """
    cursor.execute(
        f"SELECT {key}, array_agg(row_number ORDER BY row_number) FROM {staging} "
        f"GROUP BY {key} HAVING count(*) > 1 ORDER BY min(row_number)"
    )
    for value, row_numbers in cursor.fetchall():
        for later in row_numbers[1:]:
            parsed.problems.add(later, f"{label} {value} appears more than once (first on row {row_numbers[0]})")


def create_staging_table(cursor, name: str, columns: list[tuple[str, str]]) -> None:
    """A temporary table that disappears at the end of the transaction.

    Dropped first in case an outer transaction (a test, or a caller's own
    atomic block) still holds one from an earlier import.
    """
    cursor.execute(f"DROP TABLE IF EXISTS {name}")
    column_sql = ", ".join(f"{column} {sql_type}" for column, sql_type in columns)
    cursor.execute(f"CREATE TEMPORARY TABLE {name} ({column_sql}) ON COMMIT DROP")


def raw_cursor():
    """The psycopg cursor under Django's, for COPY."""
    return connection.cursor().cursor
