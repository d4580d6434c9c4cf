"""The one import loop every kind of file goes through (docs/adr/0002-imports.md, docs/import-policy.md).

A kind of file is a `Source` (providers/imports/kinds.py; the table of them is sources.py).
`import_file(source, path=...)` does the same for every source:
1. record an ImportRun (committed at once, so admins see it running) and wait for any other import;
2. in one transaction: sniff the file's type once, find its layout and header row, and read it row by
   row (providers/imports/reading.py). A row outside scope is skipped and counted; a row whose values
   cannot be read is *set aside* ("Row N: reason"); a row we hold already (its fingerprint) is staged as
   its key alone; the rest are COPYed into a temporary staging table (staging.py), where rows with a key
   seen before are set aside too;
3. a broken file, or one with more than the allowed share of rows set aside, is rejected whole: roll
   back, nothing changes;
4. otherwise the source applies the staging table with set-based SQL, and the transaction commits (or
   rolls back, for a preview, keeping the counts). How long each step took is kept on the run.
"""

from __future__ import annotations

import datetime as dt
import itertools
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from dsptlookup.database import use_app_clock, use_import_timeout
from providers.history.context import recorded
from providers.imports.formats import date_in_file_name
from providers.imports.kinds import Format, Skipped, Source
from providers.imports.models import ImportRun
from providers.imports.problems import FileProblem
from providers.imports.reading import (
    ParsedFile,
    ProgressCallback,
    ProgressReporter,
    RowProblem,
    data_rows,
    fingerprint,
    headings_seed,
    too_many_set_aside,
    with_set_aside,
)
from providers.imports.runs import WRITING, finish_run, one_import_at_a_time, set_stage, start_run
from providers.imports.staging import create_staging_table, raw_cursor, set_aside_duplicates, staging_columns, staging_row
from providers.imports.tabular import Columns, Table, find_table, iter_rows, sniff_kind


class ImportRejected(Exception):
    """The file was rejected; the run record says why. Raised to roll back."""


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
    """Stage, check, apply; then commit, or roll back for a preview or a rejected file. One way out: the run
    is finished once, with what the import came to (an unexpected error finishes it as failed, then rises)."""
    run, parsed = job.run, job.parsed
    try:
        with transaction.atomic():
            state, message, count_skipped = _outcome(job, max_bad_share=max_bad_share)
            if state != ImportRun.State.SUCCEEDED:
                transaction.set_rollback(True)  # a preview or a rejected file changes nothing
            commit_started = time.perf_counter()
        if state == ImportRun.State.SUCCEEDED:
            run.timings["commit"] = round(time.perf_counter() - commit_started, 3)
    except BaseException:  # an unexpected error, or the process being stopped: never left 'running'
        state, message, count_skipped = (ImportRun.State.FAILED, "The import stopped because of an unexpected "
                                         "error. Nothing was imported.", None)
        raise
    finally:
        job.reporter.close()
        run = finish_run(run, state=state, message=message, problems=parsed.problems if count_skipped is not None
                         else None, skipped=parsed.skipped if count_skipped else None)
    return run


def _outcome(job: ImportJob, *, max_bad_share: float) -> tuple[str, str, bool]:
    """Inside the import's transaction: (the run's state, its message, whether skipped rows are counted)."""
    run, parsed = job.run, job.parsed
    use_import_timeout()
    use_app_clock()
    try:
        with job.step("read"):
            stage(job)
        rejection = too_many_set_aside(parsed, max_bad_share)
        if rejection:
            raise ImportRejected(rejection)
        set_stage(run, WRITING)
        with job.step("apply"):
            job.source.apply(job)
    except FileProblem as exc:  # not the kind of file, or broken: nothing read is trusted
        return ImportRun.State.FAILED, str(exc), False
    except ImportRejected as exc:  # too many rows set aside, or a check of the apply step refused it
        return ImportRun.State.FAILED, str(exc), True
    if job.dry_run:
        return (ImportRun.State.PREVIEW,
                with_set_aside(f"Preview only: nothing was written. {run.message}", parsed, "would be"), True)
    return ImportRun.State.SUCCEEDED, with_set_aside(run.message or "Imported.", parsed, "were"), True


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
    # Asked before the COPY starts: the connection can run no other query while it copies.
    held = source.remembered_rows() if source.remembered_rows is not None and not job.options else {}
    with cursor.copy(f"COPY {source.staging} FROM STDIN") as copy:
        for row_number, values in _read_rows(job, rows, Columns(table.headings), held=held):
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


def _read_rows(job: ImportJob, rows, columns: Columns, *, held: dict[int, str]) -> Iterator[tuple[int, dict]]:
    """(row number, staging values) of each row to stage; problems and skips are counted on the way.

    A source that remembers its rows (Source.remembered_rows) gets each row's fingerprint; a row whose
    fingerprint is in `held` is the row we read before, so it is staged as its key alone, `same_as_held`,
    without being read and checked again (the next day's file is mostly such rows).
    """
    parsed, read_row, key = job.parsed, job.format.read_row, job.format.key
    keep_skipped = job.source.stage_skipped_keys
    remembering = job.source.remembered_rows is not None
    seed = headings_seed(columns.headings) if remembering else b""
    for row_number, cells in rows:
        mark = fingerprint(seed, cells) if remembering else None
        if mark in held:
            parsed.same_as_held += 1
            yield row_number, {key: held[mark], "fingerprint": mark, "same_as_held": True}
            continue
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
        elif remembering:
            values["fingerprint"] = mark
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
