"""The one import loop every kind of file goes through, and the shapes that describe a kind of file.

A kind of file is a `Source` (the table of them is providers/imports/sources.py):
its staging columns, the layouts (`Format`) it may come in, how each layout's
header is found and how a row is read, the key no two rows may share, and
the step that applies the staged rows to the real tables.

`import_file(source, path=...)` then does the same for every source
(docs/adr/0002-imports.md and docs/import-policy.md):
1. record an ImportRun (committed at once, so admins can see it running) and
   wait for any other import to finish;
2. in one transaction: sniff the file's type once, find its layout and
   header row, and read it row by row. A row outside scope is skipped and
   counted; a row whose values cannot be read is *set aside* ("Row N:
   reason"); the rest are COPYed into a temporary staging table, where rows
   with a key seen before are set aside too;
3. a broken file (wrong kind, missing columns, cut short, no rows) or one
   with more than the allowed share of rows set aside is rejected whole:
   roll back, nothing changes;
4. otherwise the source applies the staging table with set-based SQL, and
   the transaction commits (or rolls back, for a dry run, keeping the counts
   as a preview). How long each step took is kept on the run.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from dsptlookup.database import use_app_clock, use_import_timeout
from providers.history.context import recorded
from providers.imports.formats import date_in_file_name
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
from providers.imports.tabular import (
    Columns,
    Row,
    Table,
    find_table,
    iter_rows,
    normalise_heading,
    sniff_kind,
)

# How many problems we keep on the run record (all are counted), and how long each may be.
MAX_STORED_ERRORS = 1000
PROGRESS_EVERY = 2000
# How many examples of what an import adds, changes or removes the preview lists.
PREVIEW_EXAMPLES = 10

ProgressCallback = Callable[[int], None]
logger = logging.getLogger(__name__)


# --- Describing a kind of file ------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One value an import reads from each row, and its staging column.

    headings: the column(s) it is read from, the first the file has; none for
    a value the importer works out itself. validate: text -> value, raising
    ValueError with a reason that follows the heading ("is blank",
    "'L8 1AAA' is not a UK postcode"). It must depend on nothing but its
    text and return an unchangeable value: read_fields remembers each result.
    """

    name: str
    sql_type: str = "text"
    headings: tuple[str, ...] = ()
    validate: Callable[[str], Any] | None = None

    @property
    def heading(self) -> str:
        return self.headings[0] if self.headings else self.name


@dataclass(frozen=True)
class Header:
    """How a layout's header row is found (it is not always row 1).

    required: the headings it must hold; a tuple is one column under any of
    its names ("Status" or the 2022 export's "Latest Status"). marker: the
    headings that say a row is this layout's header; a row with the marker
    but not every required heading is named in the rejection. missing: a
    sentence to say instead of the column list when just that heading is missing.
    """

    required: tuple[str | tuple[str, ...], ...]
    marker: tuple[str | tuple[str, ...], ...]
    within: int = 30
    aliases: tuple[tuple[str, str], ...] = ()  # (older heading, today's) pairs
    missing: tuple[tuple[str, str], ...] = ()  # (heading, what to say when only it is missing)

    def is_marked(self, cells: list[str]) -> bool:
        return has_headings(self.renamed(cells), self.marker)

    def renamed(self, cells: list[str]) -> list[str]:
        aliases = {normalise_heading(old): new for old, new in self.aliases}
        return [aliases.get(normalise_heading(cell), cell) for cell in cells]


def has_headings(cells: list[str], wanted) -> bool:
    names = {normalise_heading(cell) for cell in cells if cell}
    return all(any(normalise_heading(name) in names for name in _names(item)) for item in wanted)


def _names(item: str | tuple[str, ...]) -> tuple[str, ...]:
    return (item,) if isinstance(item, str) else item


class Skipped:
    """What `read_row` returns for a row outside scope: counted by reason, not imported.

    key: the row's key, when the source keeps skipped keys in staging (a CQC
    service outside adult social care is still listed, so it is not taken as
    removed).
    """

    __slots__ = ("reason", "key")

    def __init__(self, reason: str, key: str = ""):
        self.reason, self.key = reason, key


@dataclass(frozen=True)
class Format:
    """One layout a kind of file comes in, and how its rows are read.

    read_row(row, job) -> the staging values, or Skipped(reason); raises
    RowProblem for a row to set aside. fields: the columns read_fields()
    reads in this layout. key: the staging column no two rows may share;
    key_label names it in the "appears more than once" line.
    """

    layout: str
    fields: tuple[Field, ...]
    read_row: Callable[["Row", "ImportJob"], "dict | Skipped"]
    key: str
    key_label: str
    header: Header | None = None
    headings: tuple[str, ...] = ()  # a file without a header row: its columns, in order
    data_date: Callable[[Table], dt.date | None] | None = None  # a date the file gives inside itself


@dataclass(frozen=True)
class Download:
    """A published file the worker fetches on a schedule (providers/imports/refresh.py).

    setting: its key in settings.REFRESH_SOURCES (from an environment variable).
    schedule: which of the worker's schedules fetches it ('dspt', 'cqc', 'ods').
    """

    key: str
    label: str
    setting: str
    schedule: str
    page_setting: str = ""  # a page that links to the newest file, when its own address is not set


@dataclass(frozen=True)
class Source:
    """One kind of file we import: its staging columns, layouts, checks and apply step."""

    kind: str  # an ImportRun.Kind value: the one name of this kind of file everywhere
    label: str  # what the admin's upload form calls it
    fields: tuple[Field, ...]  # the staging table's columns (each layout fills some)
    formats: tuple[Format, ...]
    apply: Callable[["ImportJob"], None]
    not_recognised: str  # why a file none of whose layouts is found is rejected
    nothing_kept: str  # why a file with rows but none to import is rejected
    find: Callable[["Source", Iterator], tuple[Format, Table]] | None = None  # default: find_format
    after_staging: Callable[[Any, "ImportJob"], None] | None = None
    stage_skipped_keys: bool = False
    cut_short_check: bool = True  # a CSV row with fewer cells than the header is cut short
    options: tuple[str, ...] = ()  # options its apply step reads (job.options)
    downloads: tuple[Download, ...] = ()

    @property
    def staging(self) -> str:
        return f"{self.kind}_staging"

    def import_file(self, **options) -> ImportRun:
        return import_file(self, **options)


# --- What one import works with ------------------------------------------------------------


class ImportRejected(Exception):
    """The file was rejected; the run record says why. Raised to roll back."""


class RowProblem(ValueError):
    """One row cannot be read; the message says why. The row is set aside."""


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
    """Everything one import works with, handed to a source's read_row, after_staging and apply steps."""

    source: Source
    path: Path
    file_name: str
    run: ImportRun
    reporter: "ProgressReporter"
    dry_run: bool
    as_of: dt.date | None = None
    options: dict = field(default_factory=dict)
    parsed: ParsedFile = field(default_factory=ParsedFile)
    today: dt.date = field(default_factory=timezone.localdate)  # one "today" for the whole import
    format: Format | None = None

    def set_data_date(self, from_file: dt.date | None = None) -> None:
        """The date the data describes: the file's own date, else the one given, else today."""
        found = from_file or date_in_file_name(self.file_name)
        self.run.data_as_of = found or self.as_of or self.today
        source = "the file" if found else ("the date given" if self.as_of else "today's date: the file gives none")
        self.run.preview["data as of"] = [f"{self.run.data_as_of:%d %B %Y} (from {source})"]

    @contextmanager
    def step(self, name: str):
        """Time one step of the import; the run keeps each step's seconds (ImportRun.timings)."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.run.timings[name] = round(self.run.timings.get(name, 0) + time.perf_counter() - started, 3)


# --- The loop -----------------------------------------------------------------------------


def import_file(source: Source, *, path: Path, file_name: str | None = None, dry_run: bool = False,
                started_by: str = "", progress: ProgressCallback | None = None, as_of: dt.date | None = None,
                max_bad_share: float | None = None, queued: ImportRun | None = None, **options) -> ImportRun:
    """Check a file of this source, then (unless dry_run) apply it in one transaction.

    Returns the ImportRun, whose state is SUCCEEDED, PREVIEW or FAILED; a
    failed run changes nothing. Only one import runs at a time. queued: the
    run record of a queued import (providers/imports/uploads.py).
    """
    unknown = set(options) - set(source.options)
    if unknown:
        raise TypeError(f"{source.kind} imports take no option {', '.join(sorted(unknown))}")
    path = Path(path)
    file_name = file_name or path.name
    run = start_run(kind=source.kind, path=path, file_name=file_name, started_by=started_by, dry_run=dry_run,
                    queued=queued)
    job = ImportJob(source=source, path=path, file_name=file_name, run=run, reporter=ProgressReporter(run, progress),
                    dry_run=dry_run, as_of=as_of, options=options)
    limit = settings.IMPORT_MAX_BAD_ROWS_PERCENT / 100 if max_bad_share is None else max_bad_share
    # Every change the import makes is recorded under its own context: what this run changed, and its undo.
    with one_import_at_a_time(run), recorded("import", run=run.pk, file=file_name, kind=source.kind,
                                             started_by=started_by) as context:
        run.history_context = context.id
        started = time.perf_counter()
        run = _execute(job, max_bad_share=limit)
    run.timings["total"] = round(time.perf_counter() - started, 3)
    ImportRun.objects.filter(pk=run.pk).update(timings=run.timings)
    return run


def _execute(job: ImportJob, *, max_bad_share: float) -> ImportRun:
    """Stage, check the share set aside, apply, commit (or roll back). Returns the finished run."""
    run, parsed = job.run, job.parsed
    try:
        with transaction.atomic():
            use_import_timeout()
            use_app_clock()
            with job.step("read"):
                stage(job)
            rejection = too_many_set_aside(parsed, max_bad_share)
            if rejection:
                raise ImportRejected(rejection)
            set_stage(run, WRITING)
            with job.step("apply"):
                job.source.apply(job)
            if job.dry_run:
                raise _DryRunDone
            commit_started = time.perf_counter()
        run.timings["commit"] = round(time.perf_counter() - commit_started, 3)
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


def stage(job: ImportJob) -> None:
    """Read the file into the source's staging table, setting rows aside and skipping rows out of scope."""
    source, parsed = job.source, job.parsed
    kind = sniff_kind(job.path)  # the only time the file's type is worked out
    job.format, table = (source.find or find_format)(source, iter_rows(job.path, kind=kind))
    job.run.layout = job.format.layout
    job.set_data_date(job.format.data_date(table) if job.format.data_date else None)
    cursor = raw_cursor()
    create_staging_table(cursor, source.staging, staging_columns(source.fields))
    rows = data_rows(table, parsed=parsed, reporter=job.reporter, check_short_rows=source.cut_short_check and kind == "csv")
    with cursor.copy(f"COPY {source.staging} FROM STDIN") as copy:
        for row_number, values in _read_rows(job, rows, Columns(table.headings)):
            copy.write_row(staging_row(source.fields, row_number, values))
    set_aside_duplicates(cursor, staging=source.staging, key=job.format.key, label=job.format.key_label, parsed=parsed)
    if source.after_staging:
        source.after_staging(cursor, job)
    cursor.execute(f"SELECT count(*) FROM {source.staging} WHERE keep")
    (parsed.kept,) = cursor.fetchone()
    job.run.rows_read = parsed.rows_read
    if parsed.rows_read == 0:
        raise FileProblem("The file has a header row but no data rows.")
    if parsed.kept == 0 and not parsed.problems:
        raise FileProblem(source.nothing_kept)


def _read_rows(job: ImportJob, rows, columns: Columns) -> Iterator[tuple[int, dict]]:
    """(row number, staging values) of each row to stage; problems and skips are counted on the way."""
    parsed, read_row, key = job.parsed, job.format.read_row, job.format.key
    keep_skipped = job.source.stage_skipped_keys
    for row_number, cells in rows:
        try:
            values = read_row(columns.row(cells), job)
        except RowProblem as exc:
            parsed.problems.add(row_number, str(exc))
            continue
        if isinstance(values, Skipped):
            parsed.skipped[values.reason] += 1
            if not (keep_skipped and values.key):
                continue
            values = {key: values.key, "keep": False}
        yield row_number, values


def find_format(source: Source, rows: Iterator[tuple[int, list[str]]]) -> tuple[Format, Table]:
    """Which of the source's layouts the file is, and its header row: the first row that shows a layout's marker."""
    window = max(fmt.header.within for fmt in source.formats)
    head = list(itertools.islice(rows, window))
    if not head:
        raise FileProblem("The file is empty.")
    for position, (_, cells) in enumerate(head):
        for fmt in source.formats:
            if position < fmt.header.within and fmt.header.is_marked(cells):
                header = fmt.header
                renamed = [(number, header.renamed(cells)) for number, cells in head]
                table = find_table(itertools.chain(renamed, rows), required=header.required,
                                   max_preamble_rows=header.within, missing=dict(header.missing))
                return fmt, table
    raise FileProblem(source.not_recognised)


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


def _check(spec: Field, text: str):
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


def _with_set_aside(message: str, parsed: ParsedFile, verb: str) -> str:
    if not parsed.problems:
        return message.strip()
    return (f"{message.strip()} {parsed.problems.count} rows could not be read and {verb} set aside; "
            "each is listed below. The other rows {verb} imported.").replace("{verb}", verb)


# --- Rows and staging ------------------------------------------------------------------------


def data_rows(table: Table, *, parsed: ParsedFile, reporter: "ProgressReporter", check_short_rows: bool):
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


def staging_columns(fields) -> list[tuple[str, str]]:
    """The staging table's columns: the row number, whether the row is kept, then one per field."""
    return [("row_number", "integer"), ("keep", "boolean"), *((f.name, f.sql_type) for f in fields)]


def staging_row(fields, row_number: int, values: dict) -> tuple:
    row = [row_number, values.get("keep", True)]
    for spec in fields:
        value = values.get(spec.name)
        row.append(array_literal(value) if value.__class__ is list else value)
    return tuple(row)


def array_literal(values: list[str]) -> str:
    """A list of texts as PostgreSQL writes an array ('{"a","b"}'): COPY reads it far faster than psycopg
    can turn a Python list into an array, element by element."""
    return "{" + ",".join('"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"' for value in values) + "}"


def create_staging_table(cursor, name: str, columns: list[tuple[str, str]]) -> None:
    """A temporary table that disappears at the end of the transaction.

    Dropped first in case an outer transaction (a test, or a caller's own
    atomic block) still holds one from an earlier import.
    """
    cursor.execute(f"DROP TABLE IF EXISTS {name}")
    column_sql = ", ".join(f"{column} {sql_type}" for column, sql_type in columns)
    cursor.execute(f"CREATE TEMPORARY TABLE {name} ({column_sql}) ON COMMIT DROP")


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
    duplicates = cursor.fetchall()
    for value, row_numbers in duplicates:
        for later in row_numbers[1:]:
            parsed.problems.add(later, f"{label} {value} appears more than once (first on row {row_numbers[0]})")
    if not duplicates:
        return 0
    cursor.execute(
        f"DELETE FROM {staging} later USING {staging} first "
        f"WHERE later.{key} = first.{key} AND later.row_number > first.row_number"
    )
    return cursor.rowcount


def settle_after_writing(cursor, table: str, *, columns: tuple[str, ...]) -> None:
    """After an import writes many rows to a table, before anything reads it back in bulk:

    - fresh statistics for the columns the next joins use (ANALYZE of every
      column of a wide table takes half a second; these take a tenth), so the
      planner joins by hash instead of looping;
    - each GIN index's pending list merged into the index. PostgreSQL queues a
      GIN index's new entries in a list that every lookup reads from start to
      end: after 60,000 new DSPT names, finding close names for 2,000
      providers took 9 s instead of 0.04 s, and searches slow down too until
      autovacuum gets round to it.
    """
    cursor.execute(f"ANALYZE {table} ({', '.join(columns)})")
    try:
        with transaction.atomic():  # a savepoint: a user who may not do this must not fail the import
            cursor.execute("SELECT gin_clean_pending_list(i.indexrelid) FROM pg_index i "
                           "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam "
                           "WHERE i.indrelid = %s::regclass AND am.amname = 'gin'", [table])
    except psycopg.Error:
        logger.warning("Could not merge the pending entries of %s's GIN indexes; searches may be slower until "
                       "autovacuum does it", table)


def raw_cursor():
    """The psycopg cursor under Django's, for COPY."""
    return connection.cursor().cursor


def examples(cursor, query: str) -> list[str]:
    """The first PREVIEW_EXAMPLES texts a one-column query gives, for the preview."""
    cursor.execute(f"{query} LIMIT {PREVIEW_EXAMPLES}")
    return [text for (text,) in cursor.fetchall()]


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
